"""Workflows across resources through the official SDK, where state in one resource affects another.

Each test here failed before its fix; see the commit that added it.
"""

from __future__ import annotations

import openai
import pytest

manual = pytest.mark.mockapi(manual_clock=True)
PARIS = b"Cats are small felines. They purr when happy. The capital of France is Paris."
MADRID = b"Dogs bark loudly. Dogs are loyal companions. The capital of Spain is Madrid."
ACTIVE = ("queued", "in_progress", "cancelling")


def settle_run(mockapi, client, thread_id: str, run_id: str, step: float = 0.5):
    run = client.beta.threads.runs.retrieve(run_id, thread_id=thread_id)
    for _ in range(100):
        if run.status not in ACTIVE:
            return run
        mockapi.advance(step)
        run = client.beta.threads.runs.retrieve(run_id, thread_id=thread_id)
    raise AssertionError(f"run stuck in {run.status}")


def ready_store(mockapi, client, *files: tuple[str, bytes], **kwargs):
    ids = [client.files.create(file=f, purpose="assistants").id for f in files]
    store = client.vector_stores.create(name="kb", file_ids=ids, **kwargs)
    mockapi.advance(1)
    assert client.vector_stores.retrieve(store.id).file_counts.completed == len(ids)
    return store, ids


# -- RAG: vector stores used by runs and Responses ---------------------------------------------------


@manual
def test_message_attachment_is_searchable_by_the_run_that_follows(mockapi, openai_client) -> None:
    """The file-search docs' flow: attach a file to a message, run at once. The run starts after the file is
    indexed (both take step_delay), but it searched at whole seconds and so found an empty thread store."""
    mockapi.advance(1.5 - mockapi.clock.now() % 1)  # mid-second, so whole seconds fall before the indexing
    uploaded = openai_client.files.create(file=("cats.txt", PARIS), purpose="assistants")
    assistant = openai_client.beta.assistants.create(model="gpt-4o", tools=[{"type": "file_search"}])
    thread = openai_client.beta.threads.create(messages=[{
        "role": "user", "content": "What is the capital of France?",
        "attachments": [{"file_id": uploaded.id, "tools": [{"type": "file_search"}]}],
    }])  # fmt: skip
    run = openai_client.beta.threads.runs.create(
        thread.id, assistant_id=assistant.id, tool_choice={"type": "file_search"},
    )  # fmt: skip
    run = settle_run(mockapi, openai_client, thread.id, run.id, step=0.01)
    assert run.status == "completed"
    steps = openai_client.beta.threads.runs.steps.list(run.id, thread_id=thread.id).data
    search = next(s for s in steps if s.type == "tool_calls").step_details.tool_calls[0].file_search
    assert [(r.file_id, r.file_name) for r in search.results] == [(uploaded.id, "cats.txt")]
    reply = openai_client.beta.threads.messages.list(thread.id, run_id=run.id).data[0].content[0].text
    assert [a.file_citation.file_id for a in reply.annotations] == [uploaded.id]


@manual
def test_deleting_a_file_removes_it_from_its_vector_stores(mockapi, openai_client) -> None:
    """Spec, DELETE /files/{file_id}: "Delete a file and remove it from all vector stores." The fake kept
    listing, counting, reading and finding the deleted file."""
    store, (cats, dogs) = ready_store(mockapi, openai_client, ("cats.txt", PARIS), ("dogs.md", MADRID))
    other = openai_client.vector_stores.create(name="other", file_ids=[cats])
    mockapi.advance(1)
    assert openai_client.files.delete(cats).deleted

    after = openai_client.vector_stores.retrieve(store.id)
    assert (after.file_counts.total, after.file_counts.completed) == (1, 1)
    assert after.usage_bytes == len(MADRID)
    assert [f.id for f in openai_client.vector_stores.files.list(store.id)] == [dogs]
    with pytest.raises(openai.NotFoundError):
        openai_client.vector_stores.files.retrieve(cats, vector_store_id=store.id)
    found = openai_client.vector_stores.search(store.id, query="capital of France")
    assert {hit.file_id for hit in found.data} == {dogs}
    assert openai_client.vector_stores.retrieve(other.id).file_counts.total == 0

    answer = openai_client.responses.create(
        model="gpt-4o-mini", input="What is the capital of France?", tool_choice="required",
        tools=[{"type": "file_search", "vector_store_ids": [store.id]}], include=["file_search_call.results"],
    )  # fmt: skip
    call = next(item for item in answer.output if item.type == "file_search_call")
    assert {r.file_id for r in call.results or []} == {dogs}


@manual
def test_a_run_over_an_expired_vector_store_fails(mockapi, openai_client) -> None:
    """File-search docs: "If the vector store expires, runs on that thread will fail." The fake searched it."""
    store, _ = ready_store(mockapi, openai_client, ("cats.txt", PARIS),
                           expires_after={"anchor": "last_active_at", "days": 1})
    assistant = openai_client.beta.assistants.create(model="gpt-4o", tools=[{"type": "file_search"}])
    thread = openai_client.beta.threads.create(
        messages=[{"role": "user", "content": "Capital of France?"}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}},
    )  # fmt: skip
    mockapi.advance(2 * 86400)
    assert openai_client.vector_stores.retrieve(store.id).status == "expired"
    run = openai_client.beta.threads.runs.create(thread.id, assistant_id=assistant.id)
    run = settle_run(mockapi, openai_client, thread.id, run.id)
    assert run.status == "failed" and run.failed_at is not None
    assert run.last_error is not None and run.last_error.code == "server_error"
    assert store.id in run.last_error.message
    assert openai_client.beta.threads.messages.list(thread.id, run_id=run.id).data == []
    # Reattaching a live store is the documented way out.
    fresh, _ = ready_store(mockapi, openai_client, ("cats.txt", PARIS))
    openai_client.beta.threads.update(thread.id, tool_resources={"file_search": {"vector_store_ids": [fresh.id]}})
    again = openai_client.beta.threads.runs.create(thread.id, assistant_id=assistant.id)
    assert settle_run(mockapi, openai_client, thread.id, again.id).status == "completed"


@manual
def test_responses_file_search_honours_attribute_filters(mockapi, openai_client) -> None:
    """A Responses `file_search` tool's `filters` narrow the search as `vector_stores.search` does; the fake
    ignored them and returned files the filter excludes."""
    cats = openai_client.files.create(file=("cats.txt", PARIS), purpose="assistants").id
    dogs = openai_client.files.create(file=("dogs.md", MADRID), purpose="assistants").id
    store = openai_client.vector_stores.create(name="kb")
    openai_client.vector_stores.file_batches.create(store.id, files=[
        {"file_id": cats, "attributes": {"lang": "fr", "year": 2020}},
        {"file_id": dogs, "attributes": {"lang": "es", "year": 2024}},
    ])  # fmt: skip
    mockapi.advance(1)
    spanish = {"type": "eq", "key": "lang", "value": "es"}
    direct = openai_client.vector_stores.search(store.id, query="capital of France", filters=spanish)
    assert [hit.file_id for hit in direct.data] == [dogs]

    answer = openai_client.responses.create(
        model="gpt-4o-mini", input="What is the capital of France?", tool_choice="required",
        tools=[{"type": "file_search", "vector_store_ids": [store.id], "filters": spanish}],
        include=["file_search_call.results"],
    )  # fmt: skip
    call = next(item for item in answer.output if item.type == "file_search_call")
    assert [r.file_id for r in call.results or []] == [dogs]
    message = next(item for item in answer.output if item.type == "message")
    assert {a.file_id for a in message.content[0].annotations} == {dogs}
