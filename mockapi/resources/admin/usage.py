"""``/organization/usage/*`` and ``/organization/costs``: what this fake served, in time buckets.

Usage comes from the meter's ledger (``mockapi/admin/meter.py``), vector store bytes from the stores themselves;
costs price the same records with ``mockapi/admin/prices.py``. Facts and choices: contracts/README.md
("Administration").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mockapi.admin import usage
from mockapi.admin.meter import Ledger, Record
from mockapi.admin.org import organization
from mockapi.context import RequestContext
from mockapi.resources.admin import admin_only
from mockapi.vectors.service import KIND as VECTOR_STORES

if TYPE_CHECKING:
    from mockapi.fake import Fake

SCOPE = "api.usage.read"
METERED = ["completions", "decisions", "embeddings", "moderations", "images", "audio_speeches", "audio_transcriptions",
           "code_interpreter_sessions", "file_search_calls", "web_search_calls"]


def install(fake: Fake) -> None:
    add = fake.router.add
    for kind in METERED:
        add("GET", f"/organization/usage/{kind}", admin_only(SCOPE, _metered(kind)))
    add("GET", "/organization/usage/vector_stores", admin_only(SCOPE, vector_stores))
    add("GET", "/organization/costs", admin_only(SCOPE, costs))


def _ledger(ctx: RequestContext) -> Ledger:
    ledger: Ledger = ctx.fake.services["meter"].ledger
    return ledger


def _window(ctx: RequestContext) -> usage.Window:
    width = str(ctx.query.get("bucket_width") or "1d")
    if width not in usage.WIDTHS:
        from mockapi import errors

        raise errors.invalid_value("bucket_width", width, list(usage.WIDTHS))
    return usage.window(ctx.query, ctx.now, usage.LIMITS[width], width)


def _metered(kind: str) -> Any:
    def handler(ctx: RequestContext) -> dict[str, Any]:
        return usage.usage_page(_ledger(ctx), kind, ctx.query, _window(ctx))

    handler.__name__ = f"usage_{kind}"
    return handler


def vector_stores(ctx: RequestContext) -> dict[str, Any]:
    """Bytes stored is a level, not a flow: each bucket shows what the stores that existed by its end hold now."""
    org = organization(ctx.fake)
    stores = []
    for ns in ctx.fake.state.namespaces():
        project = ns.owner.removeprefix("project:") if ns.owner.startswith("project:") else org.default_project
        for store in ns.collection(VECTOR_STORES).values():
            stores.append((store.obj["created_at"], project, store.obj["usage_bytes"]))

    def gauge(start: int, end: int) -> Iterator[Record]:
        for created, project, size in stores:
            if created < end:
                yield Record(start, "vector_stores", project, None, "", None, {"usage_bytes": size})

    return usage.usage_page(_ledger(ctx), "vector_stores", ctx.query, _window(ctx), gauge)


def costs(ctx: RequestContext) -> dict[str, Any]:
    return usage.costs_page(_ledger(ctx), ctx.query, usage.window(ctx.query, ctx.now, usage.COSTS_LIMITS, "1d"))
