"""Polling until an object settles, at the pace the server asks for.

The API tells polling clients how long to wait with the ``openai-poll-after-ms`` response header
(assistants.md §7); a caller's explicit interval wins, and without either the default is 1 s. Each
response's header is honoured (the server may slow us down or speed us up as the object progresses).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

from mockapi_client.errors import PollTimeoutError

T = TypeVar("T")
DEFAULT_INTERVAL = 1.0


def next_interval(headers: httpx.Headers, interval: float | None) -> float:
    """Seconds to wait before the next poll."""
    if interval is not None:
        return interval
    raw = headers.get("openai-poll-after-ms")
    if raw:
        try:
            return max(0.0, int(raw) / 1000)
        except ValueError:
            pass
    return DEFAULT_INTERVAL


def poll(
    fetch: Callable[[], tuple[T, httpx.Headers]],
    done: Callable[[T], bool],
    *,
    sleep: Callable[[float], None],
    interval: float | None = None,
    max_wait: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """Fetch until ``done(obj)``; raise ``PollTimeoutError`` after ``max_wait`` seconds."""
    deadline = None if max_wait is None else clock() + max_wait
    while True:
        obj, headers = fetch()
        if done(obj):
            return obj
        wait = next_interval(headers, interval)
        if deadline is not None and clock() + wait > deadline:
            raise PollTimeoutError(f"Gave up polling after {max_wait:g}s; last status: {_status(obj)}.")
        sleep(wait)


async def apoll(
    fetch: Callable[[], Awaitable[tuple[T, httpx.Headers]]],
    done: Callable[[T], bool],
    *,
    sleep: Callable[[float], Awaitable[None]],
    interval: float | None = None,
    max_wait: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    deadline = None if max_wait is None else clock() + max_wait
    while True:
        obj, headers = await fetch()
        if done(obj):
            return obj
        wait = next_interval(headers, interval)
        if deadline is not None and clock() + wait > deadline:
            raise PollTimeoutError(f"Gave up polling after {max_wait:g}s; last status: {_status(obj)}.")
        await sleep(wait)


def _status(obj: object) -> str:
    return str(getattr(obj, "status", "?"))
