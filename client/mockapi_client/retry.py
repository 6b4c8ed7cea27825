"""When to retry a failed attempt and how long to wait first (pure; the transport does the waiting).

Rules (the official SDK's, core.md §1.5):
- an ``x-should-retry: true|false`` header wins;
- 408, 409, 429 (except ``insufficient_quota``) and 5xx are retried; other statuses are not;
- connection errors and timeouts are retried;
- the server's ``retry-after-ms`` / ``retry-after`` is honoured when 0 < delay <= ``max_retry_after``; a longer
  delay gives up at once (waiting minutes inside one call is worse than telling the caller), and no hint means
  exponential backoff ``min(base * 2**n, max_delay)``, reduced by up to ``jitter`` (a fraction) at random;
- ``total_timeout`` bounds the whole call: a retry that would start after it is not made.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from mockapi_client.errors import parse_retry_after

RETRY_STATUSES = frozenset({408, 409, 429})


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 2
    base_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.25
    max_retry_after: float = 120.0
    # The whole call's budget in seconds (attempts and waits): no retry starts after it, and each attempt's
    # timeout is cut to what is left. None: only ``max_retries`` and the per-attempt timeout bound a call.
    total_timeout: float | None = None
    # Random source in [0, 1) for jitter; tests pass a constant.
    rng: Callable[[], float] = field(default=random.random, compare=False, repr=False)

    def backoff(self, retries_so_far: int) -> float:
        delay = min(self.base_delay * 2**retries_so_far, self.max_delay)
        return delay * (1 - self.jitter * self.rng())

    def delay_for_response(
        self, status: int, headers: Mapping[str, str], retries_so_far: int, error_code: str | None = None
    ) -> float | None:
        """Seconds to wait before retrying this error response, or None to give up now."""
        if retries_so_far >= self.max_retries or not self._retryable(status, headers, error_code):
            return None
        hinted = parse_retry_after(headers)
        if hinted is not None and hinted > self.max_retry_after:
            return None
        if hinted is not None and hinted > 0:
            return hinted
        return self.backoff(retries_so_far)

    def delay_for_connection_error(self, retries_so_far: int) -> float | None:
        return None if retries_so_far >= self.max_retries else self.backoff(retries_so_far)

    @staticmethod
    def _retryable(status: int, headers: Mapping[str, str], error_code: str | None) -> bool:
        should = (headers.get("x-should-retry") or "").lower()
        if should in ("true", "false"):
            return should == "true"
        if status == 429 and error_code == "insufficient_quota":
            return False
        return status in RETRY_STATUSES or status >= 500
