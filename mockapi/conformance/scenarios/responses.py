"""The Responses API and Conversations. The reference client has neither resource, so these run with the
official SDK only (and say so in the summary)."""

from __future__ import annotations

import json

import pytest

from mockapi.conformance.scenarios._util import CHAT_MODEL, data, wait_until

sdk_only = pytest.mark.sdk_only("the reference client has no responses/conversations resources")
WEATHER = {"type": "function", "name": "get_weather", "strict": True, "description": "Weather in a city.",
           "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"],
                          "additionalProperties": False}}


def _user(text: str) -> dict[str, str]:
    return {"type": "message", "role": "user", "content": text}


@sdk_only
def scenario_response_retrieve_items_delete(api, token) -> None:
    response = api.responses.create(model=CHAT_MODEL, input=f"Say hello to {token}.", instructions="Be brief.",
                                    metadata={"run": token})
    assert response.id.startswith("resp_") and response.object == "response" and response.status == "completed"
    assert response.model.startswith(CHAT_MODEL) and response.output_text
    message = response.output[-1]
    assert message.type == "message" and message.role == "assistant" and message.content[0].type == "output_text"
    assert response.usage.total_tokens == response.usage.input_tokens + response.usage.output_tokens

    assert api.responses.retrieve(response.id).output_text == response.output_text
    items = api.responses.input_items.list(response.id)
    assert [data(i)["content"][0]["text"] for i in items.data] == [f"Say hello to {token}."]
    api.responses.delete(response.id)
    with api.raises(404):
        api.responses.retrieve(response.id)


@sdk_only
def scenario_response_stream(api) -> None:
    with api.responses.create(model=CHAT_MODEL, input="Count to three.", stream=True) as stream:
        events = list(stream)
    kinds = [e.type for e in events]
    assert kinds[0] == "response.created" and kinds[-1] == "response.completed"
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert text and text == events[-1].response.output_text
    assert [e.sequence_number for e in events] == list(range(len(events)))


@sdk_only
def scenario_function_call_chain(api) -> None:
    first = api.responses.create(model=CHAT_MODEL, input="Weather in Paris?", tools=[WEATHER],
                                 tool_choice="required")
    call = next(item for item in first.output if item.type == "function_call")
    assert call.name == "get_weather" and "city" in json.loads(call.arguments)
    final = api.responses.create(
        model=CHAT_MODEL, tools=[WEATHER], previous_response_id=first.id,
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": '{"temp": 21}'}],
    )
    assert final.previous_response_id == first.id and final.output_text


@sdk_only
def scenario_input_tokens_count(api) -> None:
    request = {"model": CHAT_MODEL, "input": "Count my tokens, please.", "instructions": "Be brief."}
    counted = api.responses.input_tokens.count(**request)
    assert counted.object == "response.input_tokens" and counted.input_tokens > 0
    assert counted.input_tokens == api.responses.create(**request).usage.input_tokens


@sdk_only
def scenario_background_response(api, target) -> None:
    queued = api.responses.create(model=CHAT_MODEL, input="Take your time.", background=True)
    assert queued.background is True and queued.status in ("queued", "in_progress", "completed")
    done = wait_until(lambda: api.responses.retrieve(queued.id), lambda r: r.status not in ("queued", "in_progress"),
                      target.patience, "the background response")
    assert done.status == "completed" and done.output_text


@sdk_only
def scenario_background_response_cancelled(api, control) -> None:
    """Cancelled while still queued: the fake's clock is frozen so it cannot finish first."""
    control.set_clock("manual")
    try:
        queued = api.responses.create(model=CHAT_MODEL, input="A long job.", background=True)
        cancelled = api.responses.cancel(queued.id)
        assert cancelled.id == queued.id and cancelled.status == "cancelled"
        control.advance(60)
        assert api.responses.retrieve(queued.id).status == "cancelled"
    finally:
        control.set_clock("real")
    with api.raises(400):  # only background responses can be cancelled
        api.responses.cancel(api.responses.create(model=CHAT_MODEL, input="hi").id)


@sdk_only
def scenario_conversation_and_items(api, token) -> None:
    conversations = api.conversations
    conversation = conversations.create(metadata={"run": token}, items=[_user(f"My name is {token}.")])
    assert conversation.id.startswith("conv_") and conversation.object == "conversation"
    assert conversations.retrieve(conversation.id).metadata == {"run": token}
    assert conversations.update(conversation.id, metadata={"run": token, "n": "2"}).metadata == {"run": token,
                                                                                                  "n": "2"}
    added = conversations.items.create(conversation.id, items=[_user("How are you?")])
    assert len(added.data) == 1 and added.data[0].role == "user"
    reply = api.responses.create(model=CHAT_MODEL, input="What is my name?", conversation=conversation.id)
    assert reply.output_text
    items = conversations.items.list(conversation.id, order="asc")
    assert [i.role for i in items.data] == ["user", "user", "user", "assistant"]
    first = items.data[0]
    assert conversations.items.retrieve(first.id, conversation_id=conversation.id).id == first.id
    conversations.items.delete(first.id, conversation_id=conversation.id)
    assert len(conversations.items.list(conversation.id).data) == 3
    deleted = conversations.delete(conversation.id)
    assert (deleted.id, deleted.deleted) == (conversation.id, True)
    with api.raises(404):
        conversations.retrieve(conversation.id)


@sdk_only
def scenario_errors(api) -> None:
    with api.raises(404):
        api.responses.retrieve("resp_conformance0000000000000000000000000000000000000")
    with api.raises(400):
        api.responses.create(model=CHAT_MODEL, input="hi", temperature=5)
    with api.raises(404):
        api.conversations.retrieve("conv_conformance0000000000000000000000000000000000000")


@sdk_only
def scenario_compaction(api) -> None:
    first = api.responses.create(model=CHAT_MODEL, input="Plan a picnic for four.")
    compacted = api.responses.compact(model=CHAT_MODEL, previous_response_id=first.id)
    assert compacted.object == "response.compaction" and compacted.usage.input_tokens > 0
    assert [item.type for item in compacted.output] == ["message", "compaction"]
    # As the docs say: the compacted output is the next request's input.
    after = api.responses.create(model=CHAT_MODEL, input=[*compacted.output, _user("What should we bring?")])
    assert after.status == "completed" and after.output_text
