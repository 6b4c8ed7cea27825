"""Vector stores with the official SDK: processing on the clock, file counts, batches, search, file_search runs."""

from __future__ import annotations

import io

import openai
import pytest

SOLAR = (
    "The solar system has eight planets. Jupiter is the largest planet and Mercury is the smallest. "
    "Saturn is known for its bright rings made of ice and rock."
)
COOKING = (
    "To bake sourdough bread you need flour, water, salt and an active starter. "
    "Proof the dough overnight and bake it in a hot Dutch oven."
)
INCLUDE = "step_details.tool_calls[*].file_search.results[*].content"


def _upload(client, name: str, text: str) -> str:
    return client.files.create(file=(name, io.BytesIO(text.encode())), purpose="assistants").id


@pytest.mark.mockapi(manual_clock=True)
def test_files_are_processed_on_the_clock(mockapi, openai_client) -> None:
    solar, cooking = _upload(openai_client, "solar.txt", SOLAR), _upload(openai_client, "cooking.md", COOKING)
    store = openai_client.vector_stores.create(name="kb", file_ids=[solar, cooking], metadata={"k": "v"})
    assert store.id.startswith("vs_") and store.status == "in_progress" and store.name == "kb"
    assert store.file_counts.in_progress == 2 and store.file_counts.total == 2 and store.usage_bytes == 0
    assert openai_client.vector_stores.files.retrieve(solar, vector_store_id=store.id).status == "in_progress"
    mockapi.advance(1)
    ready = openai_client.vector_stores.retrieve(store.id)
    assert ready.status == "completed" and ready.file_counts.completed == 2 and ready.file_counts.in_progress == 0
    assert ready.usage_bytes == len(SOLAR) + len(COOKING)
    item = openai_client.vector_stores.files.retrieve(solar, vector_store_id=store.id)
    assert (item.id, item.object, item.status, item.vector_store_id) == (solar, "vector_store.file", "completed",
                                                                         store.id)
    assert item.chunking_strategy.type == "static" and item.chunking_strategy.static.max_chunk_size_tokens == 800
    content = openai_client.vector_stores.files.content(solar, vector_store_id=store.id)
    assert [c.text for c in content] == [SOLAR]


def test_upload_and_poll_helpers(openai_client) -> None:
    store = openai_client.vector_stores.create(name="kb")
    batch = openai_client.vector_stores.file_batches.upload_and_poll(
        store.id, files=[("solar.txt", io.BytesIO(SOLAR.encode())), ("cooking.md", io.BytesIO(COOKING.encode()))],
    )
    assert batch.id.startswith("vsfb_") and batch.object == "vector_store.files_batch"
    assert batch.status == "completed" and batch.file_counts.completed == 2 and batch.file_counts.total == 2
    listed = openai_client.vector_stores.file_batches.list_files(batch.id, vector_store_id=store.id)
    assert len(listed.data) == 2
    single = openai_client.vector_stores.files.upload_and_poll(
        vector_store_id=store.id, file=("notes.txt", io.BytesIO(b"Mars is red.")))
    assert single.status == "completed"
    assert openai_client.vector_stores.retrieve(store.id).file_counts.completed == 3


def test_search_is_deterministic_and_relevant(openai_client) -> None:
    store = openai_client.vector_stores.create(name="kb")
    openai_client.vector_stores.files.create_and_poll(
        vector_store_id=store.id, file_id=_upload(openai_client, "solar.txt", SOLAR), attributes={"topic": "space"})
    cooking = _upload(openai_client, "cooking.md", COOKING)
    openai_client.vector_stores.files.create_and_poll(vector_store_id=store.id, file_id=cooking,
                                                      attributes={"topic": "food", "year": 2024})
    first = openai_client.vector_stores.search(store.id, query="Which planet is the largest?")
    again = openai_client.vector_stores.search(store.id, query="Which planet is the largest?")
    assert [(r.filename, r.score) for r in first.data] == [(r.filename, r.score) for r in again.data]
    top = first.data[0]
    assert top.filename == "solar.txt" and 0 < top.score <= 1 and "Jupiter" in top.content[0].text
    assert top.attributes == {"topic": "space"}

    bread = openai_client.vector_stores.search(store.id, query="how to bake sourdough", rewrite_query=True)
    assert bread.data[0].file_id == cooking
    filtered = openai_client.vector_stores.search(
        store.id, query="planet bread", filters={"type": "and", "filters": [
            {"type": "eq", "key": "topic", "value": "food"}, {"type": "gte", "key": "year", "value": 2000}]},
    )
    assert [r.file_id for r in filtered.data] == [cooking]


def test_errors(openai_client) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.vector_stores.create(file_ids=[_upload(openai_client, "table.csv", "a,b\n1,2\n")])
    assert err.value.code == "unsupported_file" and err.value.param == "file_ids"
    assert err.value.body["message"].startswith("Files with extensions [.csv] are not supported for retrieval.")
    with pytest.raises(openai.NotFoundError) as err:
        openai_client.vector_stores.retrieve("vs_missing")
    assert err.value.body["message"] == "No vector store found with id 'vs_missing'."
    store = openai_client.vector_stores.create()
    with pytest.raises(openai.NotFoundError) as err:
        openai_client.vector_stores.files.retrieve("file-nope", vector_store_id=store.id)
    assert err.value.body["message"] == f"No file found with id 'file-nope' in vector store '{store.id}'."
    empty = openai_client.vector_stores.files.create_and_poll(
        vector_store_id=store.id, file_id=_upload(openai_client, "empty.txt", ""))
    assert empty.status == "failed" and empty.last_error.code == "invalid_file"
    assert openai_client.vector_stores.retrieve(store.id).file_counts.failed == 1


@pytest.mark.mockapi(manual_clock=True)
def test_batch_cancel_delete_and_expiry(mockapi, openai_client) -> None:
    store = openai_client.vector_stores.create(expires_after={"anchor": "last_active_at", "days": 1})
    assert store.expires_at == store.last_active_at + 86400
    ids = [_upload(openai_client, f"f{i}.txt", f"file number {i}") for i in range(3)]
    batch = openai_client.vector_stores.file_batches.create(store.id, file_ids=ids)
    assert batch.status == "in_progress" and batch.file_counts.in_progress == 3
    cancelled = openai_client.vector_stores.file_batches.cancel(batch.id, vector_store_id=store.id)
    assert cancelled.file_counts.cancelled == 3 and cancelled.file_counts.in_progress == 0
    mockapi.advance(1)
    assert openai_client.vector_stores.file_batches.retrieve(batch.id, vector_store_id=store.id).status == "cancelled"
    listed = openai_client.vector_stores.files.list(store.id, filter="cancelled")
    assert sorted(f.id for f in listed.data) == sorted(ids)
    gone = openai_client.vector_stores.files.delete(ids[0], vector_store_id=store.id)
    assert (gone.object, gone.deleted) == ("vector_store.file.deleted", True)
    assert openai_client.files.retrieve(ids[0]).id == ids[0]  # detaching keeps the File
    assert openai_client.vector_stores.retrieve(store.id).file_counts.total == 2
    mockapi.advance(86400)
    assert openai_client.vector_stores.retrieve(store.id).status == "expired"
    assert openai_client.vector_stores.delete(store.id).deleted is True


def test_file_search_run_step_returns_results(mockapi, openai_client) -> None:
    store = openai_client.vector_stores.create(name="kb")
    openai_client.vector_stores.file_batches.upload_and_poll(
        store.id, files=[("solar.txt", io.BytesIO(SOLAR.encode())), ("cooking.md", io.BytesIO(COOKING.encode()))])
    assistant = openai_client.beta.assistants.create(
        model="gpt-4o", tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}},
    )
    thread = openai_client.beta.threads.create(messages=[{"role": "user", "content": "Which planet has rings?"}])
    run = openai_client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, tool_choice={"type": "file_search"})
    assert run.status == "completed"
    steps = openai_client.beta.threads.runs.steps.list(run_id=run.id, thread_id=thread.id, order="asc").data
    assert [s.type for s in steps] == ["tool_calls", "message_creation"]
    search = steps[0].step_details.tool_calls[0].file_search
    assert search.ranking_options.ranker == "default_2024_08_21"
    assert search.results[0].file_name == "solar.txt" and search.results[0].content is None
    with_content = openai_client.beta.threads.runs.steps.retrieve(
        steps[0].id, thread_id=thread.id, run_id=run.id, include=[INCLUDE])
    assert "rings" in with_content.step_details.tool_calls[0].file_search.results[0].content[0].text
    reply = openai_client.beta.threads.messages.list(thread.id, limit=1).data[0].content[0].text
    citation = reply.annotations[0]
    assert citation.type == "file_citation" and citation.file_citation.file_id == search.results[0].file_id
    assert reply.value[citation.start_index:citation.end_index] == citation.text


def test_scripted_file_search_in_a_stream_with_include(mockapi, openai_client) -> None:
    store = openai_client.vector_stores.create(name="kb")
    openai_client.vector_stores.files.upload_and_poll(vector_store_id=store.id,
                                                      file=("solar.txt", io.BytesIO(SOLAR.encode())))
    assistant = openai_client.beta.assistants.create(model="gpt-4o", tools=[{"type": "file_search"}])
    thread = openai_client.beta.threads.create(
        messages=[{"role": "user", "content": "Tell me"}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}},
    )
    mockapi.responder.script({"tool_calls": [{"type": "file_search", "query": "smallest planet"}],
                              "text": "Mercury."})
    with openai_client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id,
                                                include=[INCLUDE]) as stream:
        stream.until_done()
        steps = {s.type: s for s in stream.get_final_run_steps()}
    results = steps["tool_calls"].step_details.tool_calls[0].file_search.results
    assert results[0].file_name == "solar.txt" and "Mercury" in results[0].content[0].text
