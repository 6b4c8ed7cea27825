"""A circuit breaker: stop calling a failing server, then probe it before trusting it again.

closed --(``failure_threshold`` failures within ``window`` seconds)--> open
open --(``recovery_time`` seconds pass)--> half_open: ``half_open_max_calls`` trial calls are let through
half_open --(a trial succeeds)--> closed; --(a trial fails)--> open again

What counts as a failure is the transport's choice (5xx, 408, timeouts and connection errors: signs the
server is unwell; a 4xx is the caller's fault and a 429 means the server is alive and pacing us).
Thread-safe and never waits, so one breaker serves sync and async clients alike.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from enum import StrEnum

from mockapi_client.errors import CircuitOpenError


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


StateListener = Callable[[BreakerState, BreakerState], None]


class CircuitBreaker:
    def __init__(
        self,
        failure_threshold: int = 5,
        window: float = 30.0,
        recovery_time: float = 10.0,
        half_open_max_calls: int = 1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1 or half_open_max_calls < 1:
            raise ValueError("failure_threshold and half_open_max_calls must be >= 1")
        self.failure_threshold = failure_threshold
        self.window = window
        self.recovery_time = recovery_time
        self.half_open_max_calls = half_open_max_calls
        self._clock = clock
        self._lock = threading.RLock()  # listeners may read the state
        self._state = BreakerState.CLOSED
        self._failures: deque[float] = deque()
        self._opened_at = 0.0
        self._trials = 0
        self._listeners: list[StateListener] = []
        # (old, new) of every transition, for inspection.
        self.transitions: list[tuple[BreakerState, BreakerState]] = []

    @property
    def state(self) -> BreakerState:
        """The current state; an open breaker whose recovery time has passed reads as half_open."""
        with self._lock:
            self._maybe_half_open(self._clock())
            return self._state

    @property
    def recent_failures(self) -> int:
        with self._lock:
            self._forget_old(self._clock())
            return len(self._failures)

    def on_change(self, listener: StateListener) -> None:
        """Call ``listener(old, new)`` on every transition."""
        self._listeners.append(listener)

    def check(self) -> None:
        """Raise ``CircuitOpenError`` if a call would be refused now; takes no trial (callers check before
        they spend time pacing or queueing a call, then ``before_call`` when they send it)."""
        with self._lock:
            self._admit(take_trial=False)

    def before_call(self) -> None:
        """Let a call through or raise ``CircuitOpenError``. End every call let through with ``record_*`` or
        ``abandon_call``."""
        with self._lock:
            self._admit(take_trial=True)

    def record_success(self) -> None:
        with self._lock:
            if self._state is BreakerState.HALF_OPEN:
                self._failures.clear()
                self._set(BreakerState.CLOSED)

    def record_failure(self) -> None:
        with self._lock:
            now = self._clock()
            if self._state is BreakerState.HALF_OPEN:
                self._open(now)
                return
            self._failures.append(now)
            self._forget_old(now)
            if self._state is BreakerState.CLOSED and len(self._failures) >= self.failure_threshold:
                self._open(now)

    def abandon_call(self) -> None:
        """A call let through ended with no verdict (cancelled): free its half-open trial."""
        with self._lock:
            if self._state is BreakerState.HALF_OPEN and self._trials > 0:
                self._trials -= 1

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()
            self._set(BreakerState.CLOSED)

    # -- internals (lock held) ---------------------------------------------------------

    def _admit(self, take_trial: bool) -> None:
        now = self._clock()
        self._maybe_half_open(now)
        if self._state is BreakerState.CLOSED:
            return
        if self._state is BreakerState.HALF_OPEN and self._trials < self.half_open_max_calls:
            self._trials += take_trial
            return
        wait = max(0.0, self._opened_at + self.recovery_time - now)
        raise CircuitOpenError(
            f"Circuit breaker is {self._state.value}: not calling the server "
            f"({self.failure_threshold} failures within {self.window:g}s).",
            retry_after=wait,
        )

    def _open(self, now: float) -> None:
        self._opened_at = now
        self._trials = 0
        self._set(BreakerState.OPEN)

    def _maybe_half_open(self, now: float) -> None:
        if self._state is BreakerState.OPEN and now - self._opened_at >= self.recovery_time:
            self._trials = 0
            self._set(BreakerState.HALF_OPEN)

    def _forget_old(self, now: float) -> None:
        while self._failures and now - self._failures[0] > self.window:
            self._failures.popleft()

    def _set(self, new: BreakerState) -> None:
        old = self._state
        if old is new:
            return
        self._state = new
        self.transitions.append((old, new))
        for listener in self._listeners:
            listener(old, new)
