"""Ordered, owner-scoped object storage with cursor pagination.

A ``Collection`` keeps records in insertion order (which is ``created_at``
order) in an append-only sequence. Deleting leaves a hole, so cursors of
deleted objects keep working (the SDK pages with ``after=<last id>``). A page
starts at the cursor's position found in a dict, so its cost grows with
``limit``, not with the number of stored objects. Secondary indexes (files by
purpose, messages by run) are ``Sequence``s of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Sequence:
    """Ids in insertion order with O(1) position lookup and tombstones."""

    __slots__ = ("_ids", "_live", "_pos")

    def __init__(self) -> None:
        self._ids: list[str | None] = []
        self._pos: dict[str, int] = {}
        self._live = 0

    def append(self, obj_id: str) -> None:
        self._pos[obj_id] = len(self._ids)
        self._ids.append(obj_id)
        self._live += 1

    def discard(self, obj_id: str) -> None:
        pos = self._pos.get(obj_id)
        if pos is not None and self._ids[pos] is not None:
            self._ids[pos] = None
            self._live -= 1

    def __len__(self) -> int:
        return self._live

    def position(self, obj_id: str) -> int | None:
        return self._pos.get(obj_id)

    def walk(self, start: int, step: int, stop: int | None = None) -> Iterator[str]:
        """Live ids from ``start`` (inclusive) moving by ``step`` (+1 or -1), up to ``stop`` (exclusive)."""
        ids = self._ids
        i = start
        while 0 <= i < len(ids) and i != stop:
            obj_id = ids[i]
            if obj_id is not None:
                yield obj_id
            i += step

    def last_index(self) -> int:
        return len(self._ids) - 1


@dataclass
class Page(Generic[T]):
    items: list[T]
    has_more: bool


class Collection(Generic[T]):
    """Records of one kind for one owner, with optional secondary indexes."""

    def __init__(self) -> None:
        self._records: dict[str, T] = {}
        self._order = Sequence()
        self._indexes: dict[tuple[str, Hashable], Sequence] = {}
        self._keys: dict[str, list[tuple[str, Hashable]]] = {}

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, obj_id: str) -> bool:
        return obj_id in self._records

    def get(self, obj_id: str) -> T | None:
        return self._records.get(obj_id)

    def add(self, obj_id: str, record: T, **index: Hashable) -> T:
        self._records[obj_id] = record
        self._order.append(obj_id)
        if index:  # one loop, no comprehension: this runs on every create
            keys = []
            for key in index.items():
                if key[1] is None:
                    continue
                seq = self._indexes.get(key)
                if seq is None:  # not setdefault: that would build a throwaway Sequence per add
                    seq = self._indexes[key] = Sequence()
                seq.append(obj_id)
                keys.append(key)
            if keys:
                self._keys[obj_id] = keys
        return record

    def remove(self, obj_id: str) -> T | None:
        record = self._records.pop(obj_id, None)
        if record is None:
            return None
        self._order.discard(obj_id)
        for key in self._keys.pop(obj_id, []):
            self._indexes[key].discard(obj_id)
        return record

    def values(self) -> Iterator[T]:
        """All records in insertion order (O(n): for whole-collection work only)."""
        for obj_id in self._order.walk(0, 1):
            yield self._records[obj_id]

    def page(
        self,
        *,
        limit: int,
        order: str = "desc",
        after: str | None = None,
        before: str | None = None,
        index: tuple[str, Hashable] | None = None,
        where: Callable[[T], bool] | None = None,
    ) -> Page[T]:
        """One page in ``order``; ``after``/``before`` are ids already seen.

        ``where`` filters during the walk (cheap only when most records match);
        prefer an ``index`` for selective filters.
        """
        seq = self._order if index is None else self._indexes.get(index, Sequence())
        forward = order == "asc"
        step = 1 if forward else -1
        stop: int | None = None  # position the walk must not reach
        if after is not None and before is not None:
            # The SDK's auto-paging keeps the caller's `before` and adds `after=<last id>`: the items between.
            start = _cursor_start(seq, after, step)
            stop = _cursor_start(seq, before, 0)
            if (stop - start) * step < 0:  # `before` comes first in this order: nothing lies between
                stop = start
            before = None
        elif before is not None:
            step = -step
            start = _cursor_start(seq, before, step)
        elif after is not None:
            start = _cursor_start(seq, after, step)
        else:
            start = 0 if forward else seq.last_index()
        items: list[T] = []
        has_more = False
        for obj_id in seq.walk(start, step, stop):
            record = self._records[obj_id]
            if where is not None and not where(record):
                continue
            if len(items) == limit:
                has_more = True
                break
            items.append(record)
        if before is not None:
            items.reverse()
        return Page(items, has_more)


def _cursor_start(seq: Sequence, cursor: str, step: int) -> int:
    pos = seq.position(cursor)
    if pos is None:
        raise KeyError(cursor)
    return pos + step


def list_body(items: list[dict[str, Any]], has_more: bool) -> dict[str, Any]:
    """The list envelope shared by every cursor-paginated endpoint."""
    return {
        "object": "list",
        "data": items,
        "first_id": items[0]["id"] if items else None,
        "last_id": items[-1]["id"] if items else None,
        "has_more": has_more,
    }
