"""Vector stores: stores, their files and file batches, file content and search."""

from __future__ import annotations

import contextlib

import pytest

from mockapi.conformance.scenarios._util import data, wait_until

SOLAR = ("Saturn is the sixth planet from the Sun. Its rings are made of ice and rock. "
         "Jupiter is the largest planet in the solar system.")
COOKING = "To bake bread, mix flour, water, yeast and salt, let the dough rise, then bake it in a hot oven."


@pytest.fixture
def upload(api):
    created: list[str] = []

    def make(name: str, text: str) -> str:
        file_id = api.files.create(file=(name, text.encode(), "text/plain"), purpose="assistants").id
        created.append(file_id)
        return file_id

    yield make
    for file_id in created:
        with contextlib.suppress(Exception):
            api.files.delete(file_id)


def _settled(api, target, store_id: str, file_id: str):
    return wait_until(lambda: api.vector_stores.files.retrieve(file_id, vector_store_id=store_id),
                      lambda f: f.status != "in_progress", target.patience, "the vector store file")


def scenario_store_files_and_search(api, target, upload, token) -> None:
    store = api.vector_stores.create(name=f"kb {token}", metadata={"run": token})
    assert store.id.startswith("vs_") and store.object == "vector_store" and store.name == f"kb {token}"
    solar = upload(f"solar-{token}.txt", f"{SOLAR} Marker {token}.")
    attached = api.vector_stores.files.create(store.id, file_id=solar, attributes={"topic": "space"})
    assert (attached.id, attached.vector_store_id) == (solar, store.id)
    assert _settled(api, target, store.id, solar).status == "completed"

    updated = api.vector_stores.files.update(solar, vector_store_id=store.id, attributes={"topic": "planets"})
    assert data(updated)["attributes"] == {"topic": "planets"}
    assert [f.id for f in api.vector_stores.files.list(store.id).data] == [solar]
    assert token in api.vector_store_file_text(store.id, solar)

    results = wait_until(lambda: api.vector_stores.search(store.id, query="Which planet has rings?"),
                         lambda page: len(page.data) > 0, target.patience, "search results")
    hit = data(results.data[0])
    assert hit["file_id"] == solar and 0 <= hit["score"] <= 1 and "rings" in hit["content"][0]["text"]

    store = wait_until(lambda: api.vector_stores.retrieve(store.id), lambda s: s.file_counts.completed == 1,
                       target.patience, "the store's file counts")
    assert store.file_counts.total == 1 and store.status == "completed"
    renamed = api.vector_stores.update(store.id, name=f"renamed {token}")
    assert renamed.name == f"renamed {token}"
    assert store.id in [s.id for s in api.vector_stores.list(limit=100).data]

    gone = api.vector_stores.files.delete(solar, vector_store_id=store.id)
    assert (gone.id, gone.deleted) == (solar, True)
    assert api.vector_stores.delete(store.id).deleted is True
    with api.raises(404):
        api.vector_stores.retrieve(store.id)


def scenario_file_batch(api, target, upload, token) -> None:
    store = api.vector_stores.create(name=f"batch {token}")
    file_ids = [upload(f"solar-{token}.txt", SOLAR), upload(f"bread-{token}.txt", COOKING)]
    batch = api.vector_stores.file_batches.create(store.id, file_ids=file_ids)
    assert batch.id.startswith("vsfb_") and batch.vector_store_id == store.id and batch.file_counts.total == 2
    batch = wait_until(
        lambda: api.vector_stores.file_batches.retrieve(batch.id, vector_store_id=store.id),
        lambda b: b.file_counts.in_progress == 0, target.patience, "the file batch",
    )
    assert batch.status == "completed" and batch.file_counts.completed == 2
    files = api.vector_stores.file_batches.list_files(batch.id, vector_store_id=store.id)
    assert sorted(f.id for f in files.data) == sorted(file_ids)
    api.vector_stores.delete(store.id)


def scenario_file_batch_cancel(api, control, upload, token) -> None:
    """Cancelled while its files are still in progress: the fake's clock is frozen so nothing finishes first."""
    store = api.vector_stores.create(name=f"cancel {token}")
    file_ids = [upload(f"a-{token}.txt", SOLAR), upload(f"b-{token}.txt", COOKING)]
    control.set_clock("manual")
    try:
        batch = api.vector_stores.file_batches.create(store.id, file_ids=file_ids)
        cancelled = api.vector_stores.file_batches.cancel(batch.id, vector_store_id=store.id)
        # The document's example answers cancel with the batch still "in_progress"; its files are cancelled.
        assert cancelled.id == batch.id and cancelled.status in ("in_progress", "cancelling", "cancelled")
        control.advance(1)
        final = api.vector_stores.file_batches.retrieve(batch.id, vector_store_id=store.id)
        assert final.status == "cancelled" and final.file_counts.cancelled == 2
    finally:
        control.set_clock("real")
    api.vector_stores.delete(store.id)


def scenario_errors(api, upload, token) -> None:
    with api.raises(404):
        api.vector_stores.retrieve("vs_conformance00000000000000")
    store = api.vector_stores.create(name=f"errors {token}")
    with api.raises(404):
        api.vector_stores.files.retrieve("file-conformance0000000000000", vector_store_id=store.id)
    with api.raises(400):
        api.vector_stores.search(store.id, query="x", max_num_results=1000)
    api.vector_stores.delete(store.id)
