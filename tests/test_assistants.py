"""Assistants, threads and messages with the official SDK: shapes, errors, the beta header, pagination."""

from __future__ import annotations

import openai
import pytest

BETA = {"OpenAI-Beta": "assistants=v2"}


def test_assistant_crud(openai_client) -> None:
    created = openai_client.beta.assistants.create(
        model="gpt-4o", name="Math Tutor", instructions="You are a personal math tutor.",
        tools=[{"type": "code_interpreter"}], metadata={"team": "edu"},
    )
    assert created.id.startswith("asst_") and len(created.id) == len("asst_") + 24
    assert (created.object, created.model, created.name) == ("assistant", "gpt-4o", "Math Tutor")
    assert created.temperature == 1.0 and created.top_p == 1.0 and created.response_format == "auto"
    assert [t.type for t in created.tools] == ["code_interpreter"] and created.metadata == {"team": "edu"}

    other = openai_client.beta.assistants.create(model="gpt-4o-mini")
    assert [a.id for a in openai_client.beta.assistants.list()] == [other.id, created.id]
    assert [a.id for a in openai_client.beta.assistants.list(order="asc", limit=1)] == [created.id, other.id]

    modified = openai_client.beta.assistants.update(created.id, name="Tutor", temperature=0.2)
    assert (modified.name, modified.temperature, modified.instructions) == ("Tutor", 0.2, created.instructions)
    assert openai_client.beta.assistants.retrieve(created.id).name == "Tutor"

    gone = openai_client.beta.assistants.delete(created.id)
    assert (gone.id, gone.object, gone.deleted) == (created.id, "assistant.deleted", True)
    with pytest.raises(openai.NotFoundError) as err:
        openai_client.beta.assistants.retrieve(created.id)
    assert err.value.body == {
        "message": f"No assistant found with id '{created.id}'.", "type": "invalid_request_error",
        "param": None, "code": None,
    }


def test_assistant_model_checks(openai_client) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.beta.assistants.create(model="text-embedding-3-small")
    assert err.value.code == "unsupported_model" and err.value.param == "model"
    assert err.value.message.endswith("cannot be used with the Assistants API.")
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.beta.assistants.create(model="gpt-nope")
    assert err.value.code == "model_not_found"
    assert "The requested model 'gpt-nope' does not exist." in err.value.message


def test_newer_model_variants_are_refused_but_snapshots_are_not(openai_client) -> None:
    # Real: "The requested model 'gpt-5.1' cannot be used with the Assistants API." (assistants.md §1).
    for model in ("gpt-5.1", "o3-pro"):
        with pytest.raises(openai.BadRequestError) as err:
            openai_client.beta.assistants.create(model=model)
        assert err.value.code == "unsupported_model" and err.value.param == "model"
        assert err.value.body["message"] == f"The requested model '{model}' cannot be used with the Assistants API."
    assistant = openai_client.beta.assistants.create(model="gpt-4o")
    with pytest.raises(openai.BadRequestError):
        openai_client.beta.assistants.update(assistant.id, model="gpt-5.1")
    for model in ("gpt-4o-2024-11-20", "gpt-4-1106-preview", "gpt-4-turbo-preview"):
        assert openai_client.beta.assistants.create(model=model).model == model



def test_current_catalog_models_keep_the_assistants_refusal(openai_client) -> None:
    # Catalog entries newer than the Assistants API stay unsupported_model, snapshots included (assistants.md §1).
    for model in ("gpt-5.4-mini", "gpt-5.1-2025-11-13", "gpt-5.2", "gpt-5-chat-latest", "o3-pro-2025-06-10",
                  "gpt-5-codex"):
        with pytest.raises(openai.BadRequestError) as err:
            openai_client.beta.assistants.create(model=model)
        assert err.value.code == "unsupported_model", model
    for model in ("gpt-5", "gpt-5-2025-08-07", "o3-2025-04-16", "gpt-4o-2024-11-20"):
        assert openai_client.beta.assistants.create(model=model).model == model


def test_beta_header_is_required(http) -> None:
    response = http.post("/v1/assistants", json={"model": "gpt-4o"})
    assert response.status_code == 400
    assert response.json() == {"error": {
        "message": "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by "
                   "setting the header 'OpenAI-Beta: assistants=v2'.",
        "type": "invalid_request_error", "param": None, "code": "invalid_beta",
    }}
    old = http.get("/v1/threads/thread_x", headers={"OpenAI-Beta": "assistants=v1"})
    assert old.status_code == 400 and "The v1 Assistants API has been deprecated" in old.json()["error"]["message"]
    assert http.post("/v1/vector_stores", json={"name": "kb"}).status_code == 200  # GA: with or without the header
    assert http.get("/v1/vector_stores", headers=BETA).json()["data"][0]["name"] == "kb"


def test_thread_with_initial_messages(openai_client) -> None:
    thread = openai_client.beta.threads.create(
        messages=[
            {"role": "user", "content": "Hello"},
            {"role": "assistant", "content": [{"type": "text", "text": "Hi! How can I help?"}]},
        ],
        metadata={"user": "42"},
    )
    assert thread.id.startswith("thread_") and thread.object == "thread" and thread.metadata == {"user": "42"}
    listed = openai_client.beta.threads.messages.list(thread.id, order="asc").data
    said = [(m.role, m.content[0].text.value) for m in listed]
    assert said == [("user", "Hello"), ("assistant", "Hi! How can I help?")]
    first = listed[0]
    assert first.thread_id == thread.id and first.run_id is None and first.assistant_id is None
    assert first.status == "completed" and first.content[0].text.annotations == [] and first.attachments == []

    updated = openai_client.beta.threads.update(thread.id, metadata={"user": "43"})
    assert updated.metadata == {"user": "43"}
    assert openai_client.beta.threads.delete(thread.id).deleted is True
    with pytest.raises(openai.NotFoundError) as err:
        openai_client.beta.threads.messages.list(thread.id)
    assert err.value.body["message"] == f"No thread found with id '{thread.id}'."


def test_message_crud_and_errors(openai_client) -> None:
    thread = openai_client.beta.threads.create()
    msg = openai_client.beta.threads.messages.create(thread.id, role="user", content="What is 2+2?",
                                                     metadata={"k": "v"})
    assert msg.id.startswith("msg_") and msg.content[0].text.value == "What is 2+2?"
    assert openai_client.beta.threads.messages.retrieve(msg.id, thread_id=thread.id).metadata == {"k": "v"}
    assert openai_client.beta.threads.messages.update(msg.id, thread_id=thread.id, metadata={"k": "w"}).metadata == {
        "k": "w"}

    with pytest.raises(openai.BadRequestError) as err:
        openai_client.beta.threads.messages.create(thread.id, role="system", content="nope")  # type: ignore[arg-type]
    assert err.value.param == "role"
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.beta.threads.messages.create(thread.id, role="user", content=[])
    assert err.value.param == "content"
    with pytest.raises(openai.BadRequestError):
        openai_client.beta.threads.messages.update(msg.id, thread_id=thread.id, extra_body={"content": "x"})

    gone = openai_client.beta.threads.messages.delete(msg.id, thread_id=thread.id)
    assert (gone.object, gone.deleted) == ("thread.message.deleted", True)
    with pytest.raises(openai.NotFoundError) as err:
        openai_client.beta.threads.messages.retrieve(msg.id, thread_id=thread.id)
    assert err.value.body["message"] == f"No message found with id '{msg.id}'."


def test_250_messages_paginate_both_ways(openai_client) -> None:
    thread = openai_client.beta.threads.create()
    ids = [
        openai_client.beta.threads.messages.create(thread.id, role="user", content=f"message {i}").id
        for i in range(250)
    ]
    # The SDK's auto-pagination follows after=<last id> while has_more.
    assert [m.id for m in openai_client.beta.threads.messages.list(thread.id, limit=100)] == ids[::-1]
    assert [m.id for m in openai_client.beta.threads.messages.list(thread.id, order="asc", limit=7)] == ids

    page = openai_client.beta.threads.messages.list(thread.id, order="asc", after=ids[99], limit=50)
    assert [m.id for m in page.data] == ids[100:150] and page.has_more is True
    assert (page.first_id, page.last_id) == (ids[100], ids[149])
    page = openai_client.beta.threads.messages.list(thread.id, order="asc", before=ids[100], limit=30)
    assert [m.id for m in page.data] == ids[70:100] and page.has_more is True
    page = openai_client.beta.threads.messages.list(thread.id, order="desc", after=ids[100], limit=100)
    assert [m.id for m in page.data] == ids[99::-1] and page.has_more is False
    page = openai_client.beta.threads.messages.list(thread.id, order="desc", before=ids[240], limit=20)
    assert [m.id for m in page.data] == ids[249:240:-1] and page.has_more is False


def test_list_limit_is_checked(openai_client) -> None:
    thread = openai_client.beta.threads.create()
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.beta.threads.messages.list(thread.id, limit=101)
    assert err.value.param == "limit"


def test_tool_resources_reference_existing_vector_stores(openai_client) -> None:
    with pytest.raises(openai.NotFoundError) as err:
        openai_client.beta.assistants.create(
            model="gpt-4o", tools=[{"type": "file_search"}],
            tool_resources={"file_search": {"vector_store_ids": ["vs_missing"]}},
        )
    assert err.value.body["message"] == "No vector store found with id 'vs_missing'."
    store = openai_client.vector_stores.create(name="kb")
    assistant = openai_client.beta.assistants.create(
        model="gpt-4o", tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}},
    )
    assert assistant.tool_resources.file_search.vector_store_ids == [store.id]
    thread = openai_client.beta.threads.create(tool_resources={"file_search": {"vector_stores": [{"file_ids": []}]}})
    made = thread.tool_resources.file_search.vector_store_ids
    assert len(made) == 1 and openai_client.vector_stores.retrieve(made[0]).expires_after.days == 7


def test_file_ids_in_messages_and_tool_resources_need_the_file_prefix(openai_client) -> None:
    # Real (thread-and-run): "Invalid 'messages[0].attachments[0].file_id': '31ab…'. Expected an ID that begins
    # with 'file'." Before the fix, code_interpreter attachments, image_file parts and code_interpreter
    # file_ids stored any string.
    attachment = {"file_id": "31abac64", "tools": [{"type": "code_interpreter"}]}
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.beta.threads.create(messages=[{"role": "user", "content": "x", "attachments": [attachment]}])
    assert err.value.body["message"] == (
        "Invalid 'messages[0].attachments[0].file_id': '31abac64'. Expected an ID that begins with 'file'."
    )
    assert err.value.param == "messages[0].attachments[0].file_id"
    thread = openai_client.beta.threads.create()
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.beta.threads.messages.create(
            thread.id, role="user", content=[{"type": "image_file", "image_file": {"file_id": "img1"}}],
        )
    assert err.value.param == "content[0].image_file.file_id"
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.beta.assistants.create(model="gpt-4o", tool_resources={"code_interpreter": {"file_ids": ["x"]}})
    assert err.value.param == "tool_resources.code_interpreter.file_ids[0]"
    assert openai_client.beta.threads.messages.list(thread.id).data == []
