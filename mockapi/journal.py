"""A bounded record of the requests the fake received, for tests to assert on."""

from __future__ import annotations

import itertools
import threading
from collections import deque
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(slots=True)
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
    # Recording keeps the raw headers and body; reading masks the key and summarizes uploads once
    # (the hot path should not pay for what a test may never look at).
    cooked: bool = field(default=False, repr=False)

    def cook(self) -> Entry:
        if not self.cooked:
            auth = self.headers.get("authorization")
            if auth is not None:
                self.headers = {**self.headers, "authorization": _masked(auth)}
            self.body = summarize(self.body)
            self.cooked = True
        return self

    def to_dict(self) -> dict[str, Any]:
        self.cook()
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "cooked"}


class Journal:
    def __init__(self, size: int) -> None:
        # (seq, Entry's other fields): the hot path stores the values as they come, readers build the Entry.
        self._records: deque[tuple[int, tuple[Any, ...]]] = deque(maxlen=size)
        self._seq = itertools.count(1)
        self._lock = threading.Lock()
        # The entries readers have seen, by seq: each is built and cooked once and stays the same object.
        self._built: dict[int, Entry] = {}

    def record(self, *values: Any) -> None:
        """Record a request; ``values`` are Entry's fields after ``seq``, in order (the hot path)."""
        # No lock: next() on a counter and deque.append are each atomic, and readers copy under the lock.
        self._records.append((next(self._seq), values))

    def entries(self, *, path: str | None = None, method: str | None = None) -> list[Entry]:
        snapshot = list(self._records)  # one C-level copy: safe while other threads record
        with self._lock:  # building and cooking: once per entry, by one reader
            built = self._built
            found = [built.get(seq) or Entry(seq, *values).cook() for seq, values in snapshot]
            self._built = {entry.seq: entry for entry in found}  # entries that left the journal are dropped
        if path is not None:
            found = [e for e in found if e.path == path]
        if method is not None:
            found = [e for e in found if e.method == method.upper()]
        return found

    def clear(self) -> None:
        self._records.clear()
        with self._lock:
            self._built = {}

    def __len__(self) -> int:
        return len(self._records)


def _masked(authorization: str) -> str:
    from mockapi.errors import mask_key

    scheme, _, key = authorization.partition(" ")
    return f"{scheme} {mask_key(key.strip())}" if key else mask_key(scheme)


def summarize(body: Any) -> Any:
    """The body as the journal shows it: uploaded files become their name, type and size."""
    if isinstance(body, dict):
        return {k: summarize(v) for k, v in body.items()}
    if isinstance(body, list):
        return [summarize(v) for v in body]
    if isinstance(body, bytes):
        return {"bytes": len(body)}
    data = getattr(body, "data", None)
    if isinstance(data, bytes) and hasattr(body, "filename"):
        return {"filename": body.filename, "content_type": getattr(body, "content_type", None), "bytes": len(data)}
    return body
