"""A bounded record of the requests the fake received, for tests to assert on."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Entry:
    seq: int
    time: float
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: Any
    status: int
    api_key: str | None
    owner: str | None
    request_id: str
    operation: str | None
    # Which fault rule fired for this request, if any (set by the fault engine).
    fault: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Journal:
    def __init__(self, size: int) -> None:
        self._entries: deque[Entry] = deque(maxlen=size)
        self._seq = 0
        self._lock = threading.Lock()

    def record(self, **fields: Any) -> Entry:
        with self._lock:
            self._seq += 1
            entry = Entry(seq=self._seq, **fields)
            self._entries.append(entry)
        return entry

    def entries(self, *, path: str | None = None, method: str | None = None) -> list[Entry]:
        found = list(self._entries)
        if path is not None:
            found = [e for e in found if e.path == path]
        if method is not None:
            found = [e for e in found if e.method == method.upper()]
        return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
