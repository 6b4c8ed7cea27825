"""Bounded concurrency: at most ``max_concurrent`` calls in flight, at most ``max_queued`` waiting (FIFO).

A call that finds every slot busy and the queue full fails at once with ``QueueFullError`` (the caller
can shed load) instead of piling up; ``max_wait`` bounds the time spent queued (``QueueTimeoutError``).
``RequestQueue`` is for threads (the sync client), ``AsyncRequestQueue`` for one event loop.
A slot covers one HTTP attempt, and a stream until it is closed; retry back-off waits hold no slot.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator

from mockapi_client.errors import QueueFullError, QueueTimeoutError


class _Stats:
    def __init__(self, max_concurrent: int, max_queued: int, max_wait: float | None) -> None:
        if max_concurrent < 1 or max_queued < 0:
            raise ValueError("max_concurrent must be >= 1 and max_queued >= 0")
        self.max_concurrent = max_concurrent
        self.max_queued = max_queued
        self.max_wait = max_wait
        self.active = 0
        self.peak_active = 0
        self.peak_waiting = 0
        self.rejected = 0

    def _full(self, waiting: int) -> QueueFullError:
        self.rejected += 1
        return QueueFullError(
            f"Request queue is full: {self.active} requests in flight (max_concurrent={self.max_concurrent}) "
            f"and {waiting} waiting (max_queued={self.max_queued}).",
            active=self.active,
            waiting=waiting,
        )

    def _timeout(self) -> QueueTimeoutError:
        return QueueTimeoutError(f"Waited more than {self.max_wait:g}s for a free request slot.")

    def _took_slot(self) -> None:
        self.active += 1
        self.peak_active = max(self.peak_active, self.active)


class RequestQueue(_Stats):
    """For threads. ``with queue.slot(): ...`` or ``acquire()`` / ``release()``."""

    def __init__(self, max_concurrent: int, max_queued: int = 100, max_wait: float | None = None) -> None:
        super().__init__(max_concurrent, max_queued, max_wait)
        self._cond = threading.Condition()
        self._waiters: deque[object] = deque()

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def acquire(self) -> None:
        with self._cond:
            if self.active < self.max_concurrent and not self._waiters:
                self._took_slot()
                return
            if len(self._waiters) >= self.max_queued:
                raise self._full(len(self._waiters))
            ticket = object()
            self._waiters.append(ticket)
            self.peak_waiting = max(self.peak_waiting, len(self._waiters))
            deadline = None if self.max_wait is None else time.monotonic() + self.max_wait
            try:
                while self._waiters[0] is not ticket or self.active >= self.max_concurrent:
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        raise self._timeout()
                    self._cond.wait(remaining)
            except BaseException:
                self._waiters.remove(ticket)
                self._cond.notify_all()
                raise
            self._waiters.popleft()
            self._took_slot()
            self._cond.notify_all()

    def release(self) -> None:
        with self._cond:
            self.active -= 1
            self._cond.notify_all()

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        self.acquire()
        try:
            yield
        finally:
            self.release()


class AsyncRequestQueue(_Stats):
    """For one event loop. ``async with queue.slot(): ...`` or ``await acquire()`` / ``release()``."""

    def __init__(self, max_concurrent: int, max_queued: int = 100, max_wait: float | None = None) -> None:
        super().__init__(max_concurrent, max_queued, max_wait)
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def waiting(self) -> int:
        return sum(1 for f in self._waiters if not f.done())

    async def acquire(self) -> None:
        if self.active < self.max_concurrent and not self.waiting:
            self._took_slot()
            return
        if self.waiting >= self.max_queued:
            raise self._full(self.waiting)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        self.peak_waiting = max(self.peak_waiting, self.waiting)
        try:
            # Not asyncio.wait_for: on 3.11 it returns a result that arrived alongside a cancellation
            # and swallows the cancellation. Awaiting the future itself always raises it.
            async with asyncio.timeout(self.max_wait):
                await future
        except BaseException as exc:
            if future in self._waiters:
                self._waiters.remove(future)
            elif future.done() and not future.cancelled():
                self.release()  # the slot was handed to us just as we gave up: pass it on
            if isinstance(exc, TimeoutError):
                raise self._timeout() from None
            raise

    def release(self) -> None:
        """Hand the slot straight to the oldest waiter (``active`` stays), or free it."""
        while self._waiters:
            future = self._waiters.popleft()
            if not future.done():
                future.set_result(None)
                return
        self.active -= 1

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        await self.acquire()
        try:
            yield
        finally:
            self.release()
