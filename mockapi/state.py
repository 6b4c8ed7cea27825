"""All stored objects of one fake, partitioned by owner (API key or project).

One re-entrant lock guards every change: the dispatcher holds it while a
handler runs, and streaming producers and control-plane calls take it for
each step. Handlers are synchronous, so a state change is atomic whether
requests arrive through uvicorn, threads or asyncio.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from mockapi.collection import Collection


class Namespace:
    """The objects one owner can see: named collections plus free-form slots."""

    def __init__(self, owner: str) -> None:
        self.owner = owner
        self._collections: dict[str, Collection[Any]] = {}
        self.slots: dict[str, Any] = {}

    def collection(self, kind: str) -> Collection[Any]:
        found = self._collections.get(kind)
        if found is None:
            found = self._collections[kind] = Collection()
        return found


class State:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._namespaces: dict[str, Namespace] = {}
        # Owner-independent slots (e.g. the fault engine, scripted responses).
        self.shared: dict[str, Any] = {}
        self._reset_hooks: list[Callable[[], None]] = []

    def namespace(self, owner: str) -> Namespace:
        found = self._namespaces.get(owner)
        if found is None:
            with self.lock:
                found = self._namespaces.setdefault(owner, Namespace(owner))
        return found

    def namespaces(self) -> list[Namespace]:
        return list(self._namespaces.values())

    def on_reset(self, hook: Callable[[], None]) -> None:
        self._reset_hooks.append(hook)

    def reset(self) -> None:
        with self.lock:
            self._namespaces.clear()
            self.shared.clear()
            for hook in self._reset_hooks:
                hook()
