"""Scripts in the order they were added, matched first-come under one lock (responder, moderations,
transcriptions)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar


class Script(Protocol):
    id: str

    def describe(self) -> dict[str, Any]: ...


class Counted(Script, Protocol):
    times: int | None  # uses left; None: for ever


S = TypeVar("S", bound=Script)
C = TypeVar("C", bound=Counted)
V = TypeVar("V")


class ScriptBook(Generic[S]):
    def __init__(self) -> None:
        self._items: list[S] = []
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)

    def number(self) -> int:
        """1, 2, 3... for ids like ``modscript_3`` (never reused, not even after ``clear``)."""
        with self._lock:
            return next(self._numbers)

    def add(self, item: S) -> str:
        with self._lock:
            self._items.append(item)
        return item.id

    def remove(self, script_id: str) -> bool:
        with self._lock:
            before = len(self._items)
            self._items = [s for s in self._items if s.id != script_id]
            return len(self._items) < before

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def describe(self) -> list[dict[str, Any]]:
        with self._lock:
            return [s.describe() for s in self._items]

    def first(self, fits: Callable[[S], bool], use: Callable[[S], V]) -> V | None:
        """``use`` (under the lock) the first script that ``fits``; None when none does."""
        with self._lock:
            for item in self._items:
                if fits(item):
                    return use(item)
        return None

    def take(self: ScriptBook[C], fits: Callable[[C], bool]) -> C | None:
        """The first script that ``fits``, one of its ``times`` used up (dropped when none are left)."""
        return self.first(fits, self._spend)

    def _spend(self: ScriptBook[C], item: C) -> C:
        if item.times is not None:
            item.times -= 1
            if item.times == 0:
                self._items.remove(item)
        return item


class Scripted(Generic[S]):
    """The script controls a service offers (Python, and HTTP through thin wrappers) over its ``_book``."""

    _book: ScriptBook[S]

    def scripts(self) -> list[dict[str, Any]]:
        return self._book.describe()

    def remove(self, script_id: str) -> bool:
        return self._book.remove(script_id)

    def clear(self) -> None:
        self._book.clear()


def check_times(times: int | None) -> None:
    if times is not None and times < 1:
        raise ValueError("times must be at least 1")
