"""The one clock every lifecycle in the fake reads (runs, fine-tuning, batches, expiries).

Lifecycles are *lazy*: an object stores the times at which its next transitions
are due, and it is brought up to date whenever it is read (``settle``). So the
fake needs no background tasks, a manual clock freezes everything until a test
advances it, and the real clock moves things along by itself.
"""

from __future__ import annotations

import threading
import time


class Clock:
    """Real time by default; ``manual`` freezes time until ``advance`` is called."""

    def __init__(self, manual: bool = False, start: float | None = None) -> None:
        self._lock = threading.Lock()
        self._manual = manual
        self._offset = 0.0
        self._frozen = start if start is not None else time.time()

    @property
    def manual(self) -> bool:
        return self._manual

    def now(self) -> float:
        if self._manual:
            return self._frozen
        return time.time() + self._offset

    def now_int(self) -> int:
        return int(self.now())

    def advance(self, seconds: float) -> float:
        """Move time forward (both modes: a real clock keeps an offset)."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            if self._manual:
                self._frozen += seconds
            else:
                self._offset += seconds
        return self.now()

    def set_manual(self, manual: bool) -> None:
        with self._lock:
            if manual and not self._manual:
                self._frozen = time.time() + self._offset
            elif not manual and self._manual:
                self._offset = self._frozen - time.time()
            self._manual = manual

    def describe(self) -> dict[str, object]:
        return {"mode": "manual" if self._manual else "real", "now": self.now()}
