"""Every resource family of the reference client against the fake, once each (typed results, right routes)."""

from __future__ import annotations

import json

import httpx
import pytest
from mockapi_client import AsyncClient, Client, NotFoundError
from mockapi_client.types import (
    Assistant,
    Batch,
    ChatCompletion,
    Completion,
    CreateEmbeddingResponse,
    FileObject,
    ImagesResponse,
    Message,
    ModerationResponse,
    Thread,
    Transcription,
    Upload,
    VectorStore,
)

from mockapi.inprocess import async_transport, sync_transport


@pytest.fixture
def client(mockapi):
    with Client(api_key="sk-test", base_url=mockapi.base_url, transport=sync_transport(mockapi.app, httpx)) as c:
        yield c


def test_model_endpoints(client):
    embedded = client.embeddings.create(model="text-embedding-3-small", input="hello", encoding_format="base64")
    assert isinstance(embedded, CreateEmbeddingResponse) and len(embedded.data[0].vector()) == 1536
    floats = client.embeddings.create(model="text-embedding-3-small", input=["a"], dimensions=8)
    assert len(floats.data[0].vector()) == 8
    moderation = client.moderations.create(input="I love kittens")
    assert isinstance(moderation, ModerationResponse) and moderation.results[0].flagged is False
    legacy = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Say hi", max_tokens=5)
    assert isinstance(legacy, Completion) and legacy.choices[0].text
    pieces = list(client.completions.stream(model="gpt-3.5-turbo-instruct", prompt="Say hi", max_tokens=5))
    assert "".join(p.choices[0].text for p in pieces if p.choices) == legacy.choices[0].text
    image = client.images.generate(prompt="a red square", model="dall-e-2", size="256x256",
                                   response_format="b64_json")
    assert isinstance(image, ImagesResponse) and image.data[0].b64_json
    speech = client.audio.speech.create(model="tts-1", input="Hello there.", voice="alloy", response_format="wav")
    assert speech[:4] == b"RIFF"
    text = client.audio.transcriptions.create(file=("hello.wav", speech), model="whisper-1")
    assert isinstance(text, Transcription) and text.text == "Hello there."
    plain = client.audio.transcriptions.create(file=("hello.wav", speech), model="whisper-1", response_format="text")
    assert isinstance(plain, str) and plain.strip() == "Hello there."
    variation = client.images.create_variation(image=("sq.png", _png()), n=1, size="256x256")
    assert len(variation.data) == 1


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_stored_chat_completions(client):
    stored = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Keep me"}],
                                            store=True, metadata={"topic": "test"})
    assert isinstance(client.chat.completions.retrieve(stored.id), ChatCompletion)
    assert [c.id for c in client.chat.completions.list(metadata={"topic": "test"})] == [stored.id]
    assert client.chat.completions.update(stored.id, metadata={"topic": "new"}).metadata == {"topic": "new"}
    assert [m.content for m in client.chat.completions.messages(stored.id)] == ["Keep me"]
    assert client.chat.completions.delete(stored.id).deleted
    with pytest.raises(NotFoundError):
        client.chat.completions.retrieve(stored.id)


def test_files_uploads_and_models(client):
    upload = client.uploads.upload_file(file=("big.jsonl", b'{"a": 1}\n' * 50), purpose="batch", part_size=128)
    assert isinstance(upload, Upload) and upload.status == "completed" and isinstance(upload.file, FileObject)
    assert client.files.content(upload.file.id) == b'{"a": 1}\n' * 50
    assert client.files.retrieve(upload.file.id).bytes == 450
    assert client.files.delete(upload.file.id).deleted
    cancelled = client.uploads.create(filename="x.jsonl", purpose="batch", bytes=10, mime_type="text/jsonl")
    assert client.uploads.cancel(cancelled.id).status == "cancelled"
    assert "gpt-4o" in {m.id for m in client.models.list()}
    assert client.models.retrieve("gpt-4o").owned_by == "system"


@pytest.mark.mockapi(manual_clock=True)
def test_assistants_threads_messages_runs(mockapi, client):
    assistant = client.beta.assistants.create(model="gpt-4o", name="Helper")
    assert isinstance(assistant, Assistant)
    assert client.beta.assistants.update(assistant.id, name="Renamed").name == "Renamed"
    assert [a.id for a in client.beta.assistants.list()] == [assistant.id]
    thread = client.beta.threads.create(metadata={"k": "v"})
    assert isinstance(thread, Thread) and client.beta.threads.retrieve(thread.id).metadata == {"k": "v"}
    message = client.beta.threads.messages.create(thread.id, role="user", content="Hello")
    assert isinstance(message, Message) and message.text == "Hello"
    assert client.beta.threads.messages.update(message.id, thread_id=thread.id, metadata={"a": "b"}).metadata
    run = client.beta.threads.runs.create(thread.id, assistant_id=assistant.id)
    assert run.status == "queued"
    assert client.beta.threads.runs.cancel(run.id, thread_id=thread.id).status == "cancelling"
    mockapi.advance(1)
    assert client.beta.threads.runs.retrieve(run.id, thread_id=thread.id).status == "cancelled"
    assert [r.id for r in client.beta.threads.runs.list(thread.id)] == [run.id]
    done = client.beta.threads.create_and_run(assistant_id=assistant.id,
                                              thread={"messages": [{"role": "user", "content": "Hi"}]})
    mockapi.advance(1)
    finished = client.beta.threads.runs.retrieve(done.id, thread_id=done.thread_id)
    assert finished.status == "completed" and finished.usage.total_tokens > 0
    steps = list(client.beta.threads.runs.steps.list(done.id, thread_id=done.thread_id))
    assert client.beta.threads.runs.steps.retrieve(steps[0].id, thread_id=done.thread_id, run_id=done.id).id
    assert client.beta.threads.messages.delete(message.id, thread_id=thread.id).deleted
    assert client.beta.threads.delete(thread.id).deleted and client.beta.assistants.delete(assistant.id).deleted


@pytest.mark.mockapi(manual_clock=True)
def test_vector_stores(mockapi, client):
    uploaded = client.files.create(file=("notes.txt", b"The sky over Paris is blue."), purpose="assistants")
    store = client.vector_stores.create(name="notes")
    assert isinstance(store, VectorStore)
    client.vector_stores.files.create(store.id, file_id=uploaded.id)
    mockapi.advance(5)
    assert client.vector_stores.files.retrieve(uploaded.id, vector_store_id=store.id).status == "completed"
    results = client.vector_stores.search(store.id, query="Paris sky")
    assert results.data and results.data[0].file_id == uploaded.id
    batch = client.vector_stores.file_batches.create(store.id, file_ids=[uploaded.id])
    mockapi.advance(5)
    assert client.vector_stores.file_batches.retrieve(batch.id, vector_store_id=store.id).status == "completed"
    assert [f.id for f in client.vector_stores.files.list(store.id)] == [uploaded.id]
    assert client.vector_stores.update(store.id, name="renamed").name == "renamed"
    assert client.vector_stores.delete(store.id).deleted


@pytest.mark.mockapi(manual_clock=True)
def test_batches_and_fine_tuning_listing(mockapi, client):
    line = {"custom_id": "1", "method": "POST", "url": "/v1/embeddings",
            "body": {"model": "text-embedding-3-small", "input": "x"}}
    upload = client.files.create(file=("in.jsonl", json.dumps(line).encode()), purpose="batch")
    batch = client.batches.create(input_file_id=upload.id, endpoint="/v1/embeddings", metadata={"k": "v"})
    assert isinstance(batch, Batch) and [b.id for b in client.batches.list()] == [batch.id]
    assert client.batches.cancel(batch.id).status in ("cancelling", "cancelled")
    examples = "\n".join(json.dumps({"messages": [{"role": "user", "content": f"q{i}"},
                                                  {"role": "assistant", "content": "a"}]}) for i in range(10))
    training = client.files.create(file=("t.jsonl", examples.encode()), purpose="fine-tune")
    job = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=training.id, metadata={"run": "1"})
    assert [j.id for j in client.fine_tuning.jobs.list(metadata={"run": "1"})] == [job.id]
    mockapi.advance(60)
    assert client.fine_tuning.jobs.retrieve(job.id).status == "succeeded"
    assert list(client.fine_tuning.jobs.checkpoints(job.id))
    assert client.fine_tuning.jobs.list_events(job.id).data[0].message == "The job has successfully completed"


@pytest.mark.anyio
async def test_async_client_resources(mockapi):
    client = AsyncClient(api_key="sk-test", base_url=mockapi.base_url, transport=async_transport(mockapi.app, httpx))
    completion = await client.chat.completions.create(model="gpt-4o-mini",
                                                      messages=[{"role": "user", "content": "hi"}])
    assert completion.text
    created = await client.files.create(file=("a.jsonl", b"{}\n"), purpose="batch")
    assert [f.id async for f in client.files.list()] == [created.id]
    assert (await client.files.content(created.id)) == b"{}\n"
    assistant = await client.beta.assistants.create(model="gpt-4o")
    run = await client.beta.threads.create_and_run_poll(
        assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": "Hello"}]}
    )
    assert run.status == "completed"
    events = [e.event async for e in await client.beta.threads.create_and_run_stream(
        assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": "Again"}]})]
    assert events[0] == "thread.created" and events[-1] == "thread.run.completed"
    await client.close()
