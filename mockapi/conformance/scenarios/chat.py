"""Chat completions: replies, streams, tools, structured output, stored completions and their errors."""

from __future__ import annotations

import json

from mockapi.conformance.scenarios._util import CHAT_MODEL, wait_until

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather in a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"],
                       "additionalProperties": False},
        "strict": True,
    },
}


def _ask(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def scenario_reply(api) -> None:
    reply = api.chat.completions.create(model=CHAT_MODEL, messages=_ask("Say hello in one word."), max_tokens=20)
    assert reply.id.startswith("chatcmpl-") and reply.object == "chat.completion"
    assert reply.model.startswith(CHAT_MODEL)
    choice = reply.choices[0]
    assert choice.index == 0 and choice.message.role == "assistant" and choice.message.content
    assert choice.finish_reason in ("stop", "length")
    usage = reply.usage
    assert usage.prompt_tokens > 0 and usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def scenario_stream_reassembles(api) -> None:
    chunks = api.chat_stream(model=CHAT_MODEL, messages=_ask("Count to three."), max_tokens=30,
                             stream_options={"include_usage": True})
    assert chunks and all(c.object == "chat.completion.chunk" for c in chunks)
    assert len({c.id for c in chunks}) == 1
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes in (["stop"], ["length"])
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens > 0


def scenario_tool_call_round_trip(api) -> None:
    messages = _ask("What is the weather in Paris?")
    first = api.chat.completions.create(model=CHAT_MODEL, messages=messages, tools=[WEATHER_TOOL],
                                        tool_choice={"type": "function", "function": {"name": "get_weather"}})
    choice = first.choices[0]
    assert choice.finish_reason == "stop" or choice.finish_reason == "tool_calls"
    call = choice.message.tool_calls[0]
    assert call.id.startswith("call_") and call.type == "function" and call.function.name == "get_weather"
    assert isinstance(json.loads(call.function.arguments)["city"], str)

    messages = [*messages,
                {"role": "assistant", "content": None, "tool_calls": [
                    {"id": call.id, "type": "function",
                     "function": {"name": "get_weather", "arguments": call.function.arguments}}]},
                {"role": "tool", "tool_call_id": call.id, "content": "21 C and sunny"}]
    second = api.chat.completions.create(model=CHAT_MODEL, messages=messages, tools=[WEATHER_TOOL])
    assert second.choices[0].message.content


def scenario_structured_output(api) -> None:
    schema = {"type": "object", "properties": {"city": {"type": "string"}, "population": {"type": "integer"}},
              "required": ["city", "population"], "additionalProperties": False}
    reply = api.chat.completions.create(
        model=CHAT_MODEL, messages=_ask("Name a big city and its population."),
        response_format={"type": "json_schema", "json_schema": {"name": "city", "schema": schema, "strict": True}},
    )
    data = json.loads(reply.choices[0].message.content)
    assert isinstance(data["city"], str) and isinstance(data["population"], int)


def scenario_stored_completion(api, target, token) -> None:
    created = api.chat.completions.create(model=CHAT_MODEL, messages=_ask(f"Remember {token}."), store=True,
                                          metadata={"run": token}, max_tokens=10)
    # Stored completions become readable a moment later on the real service.
    found = wait_until(lambda: _retrieve_or_none(api, created.id), lambda c: c is not None, target.patience,
                       "the stored completion")
    assert found.id == created.id and found.choices[0].message.content == created.choices[0].message.content

    listed = wait_until(lambda: api.chat.completions.list(metadata={"run": token}, limit=10),
                        lambda page: len(page.data) > 0, target.patience, "the stored completion in the list")
    assert [c.id for c in listed.data] == [created.id]
    updated = api.chat.completions.update(created.id, metadata={"run": token, "checked": "yes"})
    assert updated.metadata == {"run": token, "checked": "yes"}
    messages = api.stored_messages(created.id)
    assert [m.content for m in messages.data] == [f"Remember {token}."]

    deleted = api.chat.completions.delete(created.id)
    assert (deleted.id, deleted.deleted) == (created.id, True)
    with api.raises(404):
        api.chat.completions.retrieve(created.id)


def _retrieve_or_none(api, completion_id: str):
    try:
        return api.chat.completions.retrieve(completion_id)
    except Exception:
        return None


def scenario_errors(api) -> None:
    with api.raises(404) as err:
        api.chat.completions.create(model="no-such-model-conformance", messages=_ask("hi"))
    assert err.code == "model_not_found"
    with api.raises(400) as err:
        api.chat.completions.create(model=CHAT_MODEL, messages=[])
    assert err.param == "messages"
    with api.raises(400) as err:
        api.chat.completions.create(model=CHAT_MODEL, messages=_ask("hi"), n=500)
    assert err.param == "n"
