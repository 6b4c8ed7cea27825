"""Client-side pacing to stay under requests-per-minute and tokens-per-minute limits.

Each limit is a virtual-scheduling bucket (GCRA): every unit costs ``60/limit`` seconds of a timeline
(``tat``, the time the bucket is empty again), and a call may start once the timeline, with the call's
own cost added, is at most ``burst`` seconds ahead of now (a call bigger than the burst waits for an
empty bucket). With ``burst=0`` calls are spaced evenly (the real API enforces its
per-minute limits over short windows, so even spacing is the safe default); a larger ``burst`` lets that
many seconds' worth of calls through at once (``burst=60`` is a full minute's bucket, like the fake's).
A call's tokens are booked up front from an exact estimate (``token_estimate``: prompt tokens plus the
requested output budget), which is what the API charges against TPM when the request arrives. With
``settle_with_usage=True`` the booking is replaced by the usage the response reports (for servers that
bill actual usage; the real API and the fake charge the estimate, so it is off by default).

``reserve`` never sleeps: it books the slot and returns how long to wait, so one limiter paces threads and
coroutines alike and tests inject the clock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from mockapi_client.errors import RequestTooLargeError


class _Bucket:
    def __init__(self, per_minute: float, burst: float) -> None:
        if per_minute <= 0:
            raise ValueError("a per-minute limit must be positive")
        self.limit = per_minute
        self.interval = 60.0 / per_minute  # seconds per unit
        self.burst = burst
        self.tat = float("-inf")

    def earliest(self, now: float, units: float) -> float:
        cost = units * self.interval
        return max(now, self.tat + cost - max(self.burst, cost))

    def book(self, start: float, units: float) -> None:
        self.tat = max(self.tat, start) + units * self.interval


class RateLimiter:
    def __init__(
        self,
        requests_per_minute: float | None = None,
        tokens_per_minute: float | None = None,
        *,
        burst: float = 0.0,
        settle_with_usage: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._requests = _Bucket(requests_per_minute, burst) if requests_per_minute else None
        self._tokens = _Bucket(tokens_per_minute, burst) if tokens_per_minute else None
        self.settle_with_usage = settle_with_usage
        self._clock = clock
        self._lock = threading.Lock()
        self.reserved_tokens = 0  # running total booked, for inspection
        self.calls = 0

    @property
    def requests_per_minute(self) -> float | None:
        return self._requests.limit if self._requests else None

    @property
    def tokens_per_minute(self) -> float | None:
        return self._tokens.limit if self._tokens else None

    def reserve(self, tokens: int = 0) -> float:
        """Book one call costing ``tokens``; returns the seconds to wait before sending it."""
        if self._tokens is not None and tokens > self._tokens.limit:
            raise RequestTooLargeError(
                f"Request too large: it needs {tokens} tokens but the limit is {self._tokens.limit:g} tokens "
                "per minute. Reduce the prompt or max_completion_tokens.",
                tokens=tokens,
                limit=int(self._tokens.limit),
            )
        with self._lock:
            now = self._clock()
            start = now
            if self._requests is not None:
                start = max(start, self._requests.earliest(now, 1))
            if self._tokens is not None and tokens:
                start = max(start, self._tokens.earliest(now, tokens))
            if self._requests is not None:
                self._requests.book(start, 1)
            if self._tokens is not None and tokens:
                self._tokens.book(start, tokens)
            self.reserved_tokens += tokens
            self.calls += 1
            return start - now

    def cancel(self, tokens: int = 0) -> None:
        """Give back a booking whose call was never sent (refused by the queue or the breaker, or cancelled
        while waiting), so it does not push later calls' turn back."""
        with self._lock:
            if self._requests is not None:
                self._requests.tat -= self._requests.interval
            if self._tokens is not None and tokens:
                self._tokens.tat -= tokens * self._tokens.interval
            self.reserved_tokens -= tokens
            self.calls -= 1

    def correct(self, reserved: int, actual: int) -> None:
        """Replace a reservation's estimate with the usage the response reported (refund or extra debt)."""
        if self._tokens is None or actual == reserved:
            return
        with self._lock:
            self._tokens.tat += (actual - reserved) * self._tokens.interval
            self.reserved_tokens += actual - reserved
