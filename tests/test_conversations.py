"""Conversations with the official SDK: CRUD, items, and responses that read and extend a conversation."""

from __future__ import annotations

import openai
import pytest

MODEL = "gpt-4o-mini"


def user(text: str) -> dict:
    return {"type": "message", "role": "user", "content": text}


def test_create_retrieve_update_delete(openai_client) -> None:
    conversation = openai_client.conversations.create(metadata={"topic": "demo"}, items=[user("Hello!")])
    assert conversation.id.startswith("conv_") and len(conversation.id) == len("conv_") + 48
    assert conversation.object == "conversation" and conversation.metadata == {"topic": "demo"}
    assert openai_client.conversations.retrieve(conversation.id) == conversation
    updated = openai_client.conversations.update(conversation.id, metadata={"topic": "project-x"})
    assert updated.metadata == {"topic": "project-x"} and updated.created_at == conversation.created_at
    deleted = openai_client.conversations.delete(conversation.id)
    assert (deleted.id, deleted.object, deleted.deleted) == (conversation.id, "conversation.deleted", True)
    with pytest.raises(openai.NotFoundError) as gone:
        openai_client.conversations.retrieve(conversation.id)
    assert gone.value.body["message"] == f"Conversation with id '{conversation.id}' not found."
    empty = openai_client.conversations.create()
    assert empty.metadata == {} and list(openai_client.conversations.items.list(empty.id)) == []


def test_items_add_list_retrieve_delete(openai_client) -> None:
    conversation = openai_client.conversations.create(items=[user("Hello!")])
    added = openai_client.conversations.items.create(conversation.id, items=[
        user("How are you?"),
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Fine?"}]},
        {"type": "message", "role": "assistant", "content": "Very well."},
    ])
    assert added.object == "list" and len(added.data) == 3 and added.has_more is False
    assert added.first_id == added.data[0].id and added.last_id == added.data[-1].id
    assistant = added.data[2]
    assert assistant.role == "assistant" and assistant.content[0].type == "output_text"

    newest = openai_client.conversations.items.list(conversation.id, limit=2)
    assert [i.content[0].text for i in newest.data] == ["Very well.", "Fine?"] and newest.has_more is True
    every = list(openai_client.conversations.items.list(conversation.id, limit=2, order="asc"))
    assert [i.content[0].text for i in every] == ["Hello!", "How are you?", "Fine?", "Very well."]
    first = every[0]
    assert (first.type, first.role, first.status) == ("message", "user", "completed")
    assert first.content[0].type == "input_text" and first.id.startswith("msg_")

    assert openai_client.conversations.items.retrieve(first.id, conversation_id=conversation.id) == first
    after = openai_client.conversations.items.delete(first.id, conversation_id=conversation.id)
    assert after.id == conversation.id and after.object == "conversation"
    assert len(list(openai_client.conversations.items.list(conversation.id))) == 3
    with pytest.raises(openai.NotFoundError):
        openai_client.conversations.items.retrieve(first.id, conversation_id=conversation.id)
    with pytest.raises(openai.NotFoundError):
        openai_client.conversations.items.list("conv_missing")


def test_responses_read_and_extend_a_conversation(openai_client) -> None:
    conversation = openai_client.conversations.create(items=[user("My name is Ada.")])
    first = openai_client.responses.create(model=MODEL, input="What is my name?", conversation=conversation.id)
    assert first.conversation.id == conversation.id
    alone = openai_client.responses.create(model=MODEL, input="What is my name?")
    assert first.usage.input_tokens > alone.usage.input_tokens  # the conversation's items were read

    items = list(openai_client.conversations.items.list(conversation.id, order="asc"))
    assert [(i.type, i.role) for i in items] == [("message", "user")] * 2 + [("message", "assistant")]
    assert items[1].content[0].text == "What is my name?" and items[2].id == first.output[0].id
    assert items[2].content[0].text == first.output_text

    second = openai_client.responses.create(model=MODEL, input="And again?", conversation={"id": conversation.id})
    assert second.usage.input_tokens > first.usage.input_tokens
    assert len(list(openai_client.conversations.items.list(conversation.id))) == 5


def test_function_calls_in_a_conversation(openai_client) -> None:
    tool = {"type": "function", "name": "lookup", "strict": True, "parameters": {
        "type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"], "additionalProperties": False}}
    conversation = openai_client.conversations.create()
    call = openai_client.responses.create(model=MODEL, input="Look it up", tools=[tool], tool_choice="required",
                                          conversation=conversation.id).output[0]
    with pytest.raises(openai.BadRequestError) as pending:
        openai_client.responses.create(model=MODEL, input="Anything?", conversation=conversation.id)
    assert pending.value.body["message"] == f"No tool output found for function call {call.call_id}."
    final = openai_client.responses.create(model=MODEL, conversation=conversation.id, tools=[tool], input=[
        {"type": "function_call_output", "call_id": call.call_id, "output": "found it"}])
    assert final.output_text == "Here is what the tools returned: found it"
    kinds = [i.type for i in openai_client.conversations.items.list(conversation.id, order="asc")]
    assert kinds == ["message", "function_call", "function_call_output", "message"]


@pytest.mark.mockapi(manual_clock=True)
def test_background_response_appends_when_finished(mockapi, openai_client) -> None:
    conversation = openai_client.conversations.create(items=[user("Hi")])
    job = openai_client.responses.create(model=MODEL, input="Later", conversation=conversation.id, background=True)
    assert len(list(openai_client.conversations.items.list(conversation.id))) == 1
    mockapi.advance(1)
    items = list(openai_client.conversations.items.list(conversation.id, order="asc"))
    assert [i.role for i in items] == ["user", "user", "assistant"]
    assert items[2].content[0].text == openai_client.responses.retrieve(job.id).output_text


def test_conversation_errors(openai_client) -> None:
    with pytest.raises(openai.NotFoundError):
        openai_client.responses.create(model=MODEL, input="x", conversation="conv_missing")
    conversation = openai_client.conversations.create()
    previous = openai_client.responses.create(model=MODEL, input="x")
    with pytest.raises(openai.BadRequestError) as both:
        openai_client.responses.create(model=MODEL, input="x", conversation=conversation.id,
                                       previous_response_id=previous.id)
    assert "previous_response_id" in both.value.body["message"]
    with pytest.raises(openai.BadRequestError) as too_many:
        openai_client.conversations.create(items=[user(str(i)) for i in range(21)])
    assert too_many.value.body["param"] == "items"
    with pytest.raises(openai.NotFoundError):
        openai_client.conversations.items.delete("msg_missing", conversation_id=conversation.id)
    with pytest.raises(openai.NotFoundError):
        openai_client.conversations.update("conv_missing", metadata={})
