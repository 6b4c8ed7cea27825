"""Per-call options every resource method accepts next to the API parameters.

``timeout`` (seconds or ``httpx.Timeout``, per attempt), ``max_retries``, ``idempotency_key`` (else one is
generated for each POST and reused by its retries), ``extra_headers``, ``extra_query``, ``extra_body``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

OPTION_NAMES = frozenset({"timeout", "max_retries", "idempotency_key", "extra_headers", "extra_query", "extra_body"})


@dataclass(frozen=True)
class RequestOptions:
    timeout: float | httpx.Timeout | None = None
    max_retries: int | None = None
    idempotency_key: str | None = None
    extra_headers: Mapping[str, str] | None = None
    extra_query: Mapping[str, Any] | None = None
    extra_body: Mapping[str, Any] | None = None


def split_options(params: dict[str, Any]) -> tuple[dict[str, Any], RequestOptions]:
    """(API parameters, call options) from a method's keyword arguments."""
    options = {name: params.pop(name) for name in list(params) if name in OPTION_NAMES}
    return params, RequestOptions(**options)


def compact(**params: Any) -> dict[str, Any]:
    """The parameters that were given (None means "not given" for a method's named optional arguments)."""
    return {k: v for k, v in params.items() if v is not None}
