"""``fake.services["vector_stores"]``: stores, their files and batches, processing on the clock, search.

A file attached to a store is ``in_progress`` until ``step_delay`` seconds of
the shared clock have passed, then it is chunked and ``completed`` (or
``failed`` when no text can be read from it). Like runs, this is lazy: a store
is brought up to date (``settle``) whenever it is read, so a manual clock keeps
every file in progress until the test advances it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.collection import Collection
from mockapi.common import lookup
from mockapi.ids import new_id
from mockapi.resources.files import StoredFile, get_file
from mockapi.runs.objects import render
from mockapi.state import Namespace
from mockapi.vectors import chunking, search
from mockapi.vectors.chunking import Chunk

if TYPE_CHECKING:
    from mockapi.fake import Fake

KIND = "vector_stores"
DAY = 86400
STATUSES = ("in_progress", "completed", "failed", "cancelled")
# Stores made by the thread / assistant helpers and message attachments (assistants.md §2).
HELPER_EXPIRY = {"anchor": "last_active_at", "days": 7}


@dataclass
class StoreFile:
    obj: dict[str, Any]
    filename: str
    data: bytes
    due: float
    order: int
    chunks: list[Chunk] = field(default_factory=list)
    text: str = ""

    @property
    def id(self) -> str:
        return self.obj["id"]


@dataclass
class Batch:
    obj: dict[str, Any]
    files: Collection[StoreFile] = field(default_factory=Collection)
    cancel_due: float | None = None


@dataclass
class Store:
    obj: dict[str, Any]
    files: Collection[StoreFile] = field(default_factory=Collection)
    batches: Collection[Batch] = field(default_factory=Collection)
    pending: list[StoreFile] = field(default_factory=list)
    next_order: int = 0

    @property
    def id(self) -> str:
        return self.obj["id"]


class VectorStoreService:
    def __init__(self, fake: Fake) -> None:
        self.fake = fake

    # -- stores ---------------------------------------------------------------------------------

    def create(
        self, ns: Namespace, now: float, *, name: str | None = None, file_ids: list[str] | None = None,
        chunking_strategy: Any = None, metadata: dict[str, str] | None = None,
        expires_after: dict[str, Any] | None = None, param: str = "file_ids",
    ) -> Store:
        files = [get_file(ns, file_id, int(now)) for file_id in file_ids or []]
        chunking.check_supported([f.obj["filename"] for f in files], param)
        strategy = chunking.strategy(chunking_strategy)
        created = int(now)
        obj: dict[str, Any] = {
            "id": new_id("vs_"), "object": "vector_store", "created_at": created, "name": name or "",
            "usage_bytes": 0, "file_counts": _counts(), "status": "completed",
            "expires_after": expires_after, "expires_at": None, "last_active_at": created,
            "metadata": metadata or {},
        }
        store = Store(obj)
        _refresh_expiry(store)
        ns.collection(KIND).add(obj["id"], store)
        for stored in files:
            self._attach(store, stored, now, strategy, None)
        self._recount(store)
        return store

    def get(self, ns: Namespace, store_id: str, now: float) -> Store:
        store: Store = lookup(ns.collection(KIND), store_id, "vector store")
        self.settle(store, now)
        return store

    def delete(self, ns: Namespace, store_id: str, now: float) -> None:
        self.get(ns, store_id, now)
        ns.collection(KIND).remove(store_id)

    def render(self, store: Store) -> dict[str, Any]:
        """The store as returned: ``expires_after`` appears only when set (it is not nullable in the spec)."""
        obj = render(store.obj)
        if obj["expires_after"] is None:
            del obj["expires_after"]
        return obj

    def touch(self, store: Store, now: float) -> None:
        """Use keeps a store alive: ``last_active_at`` moves, and with it an expiry anchored on it."""
        if store.obj["status"] != "expired":
            store.obj["last_active_at"] = int(now)
            _refresh_expiry(store)

    def settle(self, store: Store, now: float) -> None:
        """Finish every file due by ``now``; expire the store; finish cancelled batches."""
        if store.pending:
            still = []
            for item in store.pending:
                if item.obj["status"] != "in_progress":
                    continue
                if item.due <= now:
                    _process(item)
                else:
                    still.append(item)
            store.pending = still
            self._recount(store)
        expires = store.obj["expires_at"]
        if expires is not None and now >= expires:
            store.obj["status"] = "expired"
        for batch in store.batches.values():
            if batch.cancel_due is not None and now >= batch.cancel_due and batch.obj["status"] == "in_progress":
                batch.obj["status"] = "cancelled"

    def _recount(self, store: Store) -> None:
        counts = _counts()
        usage = 0
        for item in store.files.values():
            counts[item.obj["status"]] += 1
            counts["total"] += 1
            usage += item.obj["usage_bytes"]
        store.obj["file_counts"] = counts
        store.obj["usage_bytes"] = usage
        if store.obj["status"] != "expired":
            store.obj["status"] = "in_progress" if counts["in_progress"] else "completed"

    # -- files ------------------------------------------------------------------------------------

    def add_file(
        self, ns: Namespace, store: Store, file_id: str, now: float, *, chunking_strategy: Any = None,
        attributes: dict[str, Any] | None = None, param: str = "file_id",
    ) -> StoreFile:
        stored = get_file(ns, file_id, int(now))
        chunking.check_supported([stored.obj["filename"]], param)
        item = self._attach(store, stored, now, chunking.strategy(chunking_strategy), attributes)
        self._recount(store)
        self.touch(store, now)
        return item

    def _attach(
        self, store: Store, stored: StoredFile, now: float, strategy: dict[str, Any], attributes: dict[str, Any] | None,
    ) -> StoreFile:
        """Attach (or re-attach, which restarts processing) a File; the store file's id is the File's id."""
        if stored.id in store.files:
            store.files.remove(stored.id)
        obj: dict[str, Any] = {
            "id": stored.id, "object": "vector_store.file", "usage_bytes": 0, "created_at": int(now),
            "vector_store_id": store.id, "status": "in_progress", "last_error": None,
            "chunking_strategy": strategy, "attributes": attributes or {},
        }
        item = StoreFile(obj, stored.obj["filename"], stored.data, now + self.fake.config.step_delay, store.next_order)
        store.next_order += 1
        store.files.add(item.id, item)
        store.pending.append(item)
        return item

    def file(self, store: Store, file_id: str) -> StoreFile:
        item: StoreFile | None = store.files.get(file_id)
        if item is None:
            raise errors.APIError(404, f"No file found with id '{file_id}' in vector store '{store.id}'.")
        return item

    def remove_file(self, store: Store, file_id: str) -> None:
        self.file(store, file_id)
        store.files.remove(file_id)
        self._recount(store)

    # -- batches ---------------------------------------------------------------------------------------

    def create_batch(
        self, ns: Namespace, store: Store, entries: list[dict[str, Any]], now: float, param: str,
    ) -> Batch:
        """``entries``: [{file_id, chunking_strategy?, attributes?}] (global values already applied)."""
        files = [get_file(ns, e["file_id"], int(now)) for e in entries]
        chunking.check_supported([f.obj["filename"] for f in files], param)
        strategies = [chunking.strategy(e.get("chunking_strategy")) for e in entries]
        batch = Batch({
            "id": new_id("vsfb_"), "object": "vector_store.files_batch", "created_at": int(now),
            "vector_store_id": store.id, "status": "in_progress", "file_counts": _counts(),
        })
        for stored, entry, strategy in zip(files, entries, strategies, strict=True):
            item = self._attach(store, stored, now, strategy, entry.get("attributes"))
            if item.id not in batch.files:
                batch.files.add(item.id, item)
        store.batches.add(batch.obj["id"], batch)
        self._recount(store)
        self.touch(store, now)
        return batch

    def batch(self, store: Store, batch_id: str) -> Batch:
        return lookup(store.batches, batch_id, "vector store file batch")

    def render_batch(self, batch: Batch) -> dict[str, Any]:
        counts = _counts()
        for item in batch.files.values():
            counts[item.obj["status"]] += 1
            counts["total"] += 1
        obj = dict(batch.obj, file_counts=counts)
        if obj["status"] == "in_progress" and batch.cancel_due is None and not counts["in_progress"]:
            obj["status"] = batch.obj["status"] = "completed"
        return obj

    def cancel_batch(self, store: Store, batch: Batch, now: float) -> None:
        status = self.render_batch(batch)["status"]
        if status != "in_progress" or batch.cancel_due is not None:
            raise errors.invalid_request(f"Cannot cancel a vector store file batch with status '{status}'.")
        for item in batch.files.values():
            if item.obj["status"] == "in_progress":
                item.obj["status"] = "cancelled"
        # The cancel response still says in_progress (spec example); the next read says cancelled. It used to
        # lag a step_delay behind its files, so `file_batches.poll` (which stops once no file is in progress)
        # returned a batch still "in_progress" with nothing left to do.
        batch.cancel_due = now
        self._recount(store)

    # -- search ---------------------------------------------------------------------------------------------

    def search(
        self, store: Store, queries: list[str], limit: int, threshold: float, rule: dict[str, Any] | None, now: float,
    ) -> list[search.Hit]:
        self.touch(store, now)
        return _hits(search.rank(_candidates([store], rule), queries, limit, threshold))

    def is_expired(self, owner: str, store_id: str, now: float) -> bool:
        store: Store | None = self.fake.state.namespace(owner).collection(KIND).get(store_id)
        if store is None:
            return False
        self.settle(store, now)
        return bool(store.obj["status"] == "expired")

    def forget_file(self, ns: Namespace, file_id: str) -> None:
        """A deleted File leaves every store of its owner (spec: "Delete a file and remove it from all vector
        stores"): its store files, counts, bytes and search results go with it (they used to stay)."""
        for store in ns.collection(KIND).values():
            if file_id in store.files:
                store.files.remove(file_id)
                store.pending = [item for item in store.pending if item.id != file_id]
                for batch in store.batches.values():
                    if file_id in batch.files:
                        batch.files.remove(file_id)
                self._recount(store)

    def search_for_run(
        self, owner: str, store_ids: list[str], query: str, limit: int, threshold: float, now: float,
        rule: dict[str, Any] | None = None,
    ) -> list[search.Hit]:
        """What a run's (or response's) file_search finds in the stores attached to it (unknown ids are skipped);
        ``rule``: the Responses tool's attribute ``filters``."""
        ns = self.fake.state.namespace(owner)
        stores = []
        for store_id in store_ids:
            store: Store | None = ns.collection(KIND).get(store_id)
            if store is not None:
                self.settle(store, now)
                self.touch(store, now)
                stores.append(store)
        return _hits(search.rank(_candidates(stores, rule), [query], limit, threshold))


def _candidates(stores: list[Store], rule: dict[str, Any] | None) -> list[tuple[StoreFile, int, Chunk]]:
    found = []
    for store in stores:
        for item in store.files.values():
            if item.obj["status"] != "completed" or not search.matches(item.obj["attributes"], rule):
                continue
            found += [(item, item.order, piece) for piece in item.chunks]
    return found


def _hits(ranked: list[tuple[float, Any, int, Chunk]]) -> list[search.Hit]:
    return [
        search.Hit(item.id, item.filename, score, piece.text, item.obj["attributes"], (order, 0))
        for score, item, order, piece in ranked
    ]


def _process(item: StoreFile) -> None:
    text = chunking.extract_text(item.data)
    if not text.strip():
        item.obj.update(status="failed", last_error={"code": "invalid_file", "message": "The file is empty."})
        return
    item.text = text
    item.chunks = chunking.chunk(text, item.obj["chunking_strategy"])
    item.obj.update(status="completed", usage_bytes=len(text.encode()))


def _counts() -> dict[str, int]:
    return {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "total": 0}


def _refresh_expiry(store: Store) -> None:
    after = store.obj["expires_after"]
    if after:
        store.obj["expires_at"] = store.obj["last_active_at"] + int(after["days"]) * DAY


def install(fake: Fake) -> VectorStoreService:
    service = VectorStoreService(fake)
    fake.services["vector_stores"] = service
    return service
