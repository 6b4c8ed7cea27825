"""Streamed chat completions: the real chunk sequence, and exact reassembly into the non-streamed result."""

from __future__ import annotations

import json
from typing import Literal

import openai
import pytest
from openai.lib.streaming.chat import ChatCompletionStreamState
from pydantic import BaseModel

from mockapi import tokens

MODEL = "gpt-4o-mini"
LONG = "Streaming sends the answer in small pieces, each a few tokens long, ending with a finish reason. " * 3
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]}},
            "required": ["city", "unit"],
            "additionalProperties": False,
        },
        "strict": True,
    },
}
TIME = {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object", "properties": {}}}}


def request(**kwargs):
    return {"model": MODEL, "messages": [{"role": "user", "content": kwargs.pop("text", "Hello stream")}], **kwargs}


def raw_events(http, **kwargs) -> list[str]:
    response = http.post("/v1/chat/completions", json=request(stream=True, **kwargs))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    frames = response.text.split("\n\n")
    assert frames[-1] == "" and all(f.startswith("data: ") for f in frames[:-1])  # no event: lines
    return [f[len("data: "):] for f in frames[:-1]]


def chunks_of(http, **kwargs) -> list[dict]:
    events = raw_events(http, **kwargs)
    assert events[-1] == "[DONE]"
    return [json.loads(e) for e in events[:-1]]


def reassemble(client, **kwargs):
    state = ChatCompletionStreamState()
    for chunk in client.chat.completions.create(stream=True, **request(**kwargs)):
        state.handle_chunk(chunk)
    return state.current_completion_snapshot  # get_final_completion() raises on "length"


def test_text_chunk_sequence(http) -> None:
    chunks = chunks_of(http, seed=1)
    first, *middle, last = chunks
    assert {c["id"] for c in chunks} == {first["id"]} and len({c["created"] for c in chunks}) == 1
    assert first["object"] == "chat.completion.chunk" and first["model"] == "gpt-4o-mini-2024-07-18"
    assert first["choices"] == [{"index": 0, "delta": {"role": "assistant", "content": "", "refusal": None},
                                 "logprobs": None, "finish_reason": None}]
    assert all(set(c["choices"][0]["delta"]) == {"content"} for c in middle)
    assert all(1 <= tokens.count(c["choices"][0]["delta"]["content"], MODEL) <= 4 for c in middle)
    assert last["choices"] == [{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}]
    assert all("usage" not in c for c in chunks)
    assert all(isinstance(c["obfuscation"], str) and c["obfuscation"] for c in chunks)
    assert all(c["service_tier"] == "default" and c["system_fingerprint"].startswith("fp_") for c in chunks)


def test_usage_chunk_and_no_obfuscation(http) -> None:
    chunks = chunks_of(http, stream_options={"include_usage": True, "include_obfuscation": False})
    *content, usage_chunk = chunks
    assert all(c["usage"] is None for c in content)
    assert usage_chunk["choices"] == []
    usage = usage_chunk["usage"]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in content)
    assert usage["completion_tokens"] == tokens.count(text, MODEL)
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert all("obfuscation" not in c for c in chunks)


def test_streamed_text_reassembles_exactly(mockapi, openai_client) -> None:
    streamed = reassemble(openai_client, seed=5, stream_options={"include_usage": True})
    whole = openai_client.chat.completions.create(**request(seed=5))
    assert streamed.choices[0].message.content == whole.choices[0].message.content
    assert streamed.choices[0].finish_reason == whole.choices[0].finish_reason == "stop"
    assert streamed.usage.completion_tokens == whole.usage.completion_tokens
    assert streamed.usage.prompt_tokens == whole.usage.prompt_tokens


def test_multibyte_text_never_splits_a_character(mockapi, openai_client) -> None:
    text = "Grüße aus Köln — 東京の天気は晴れです ✓ 🎉🎉 ok"
    mockapi.responder.script({"text": text}, repeat=True)
    streamed = reassemble(openai_client)
    assert streamed.choices[0].message.content == text
    truncated = reassemble(openai_client, max_tokens=9)
    whole = openai_client.chat.completions.create(**request(max_tokens=9))
    assert truncated.choices[0].message.content == whole.choices[0].message.content
    assert "\ufffd" not in whole.choices[0].message.content


def test_truncated_stream_ends_with_length(mockapi, http) -> None:
    mockapi.responder.script({"text": LONG}, repeat=True)
    chunks = chunks_of(http, max_completion_tokens=10, stream_options={"include_usage": True})
    assert chunks[-2]["choices"][0]["finish_reason"] == "length"
    assert chunks[-1]["usage"]["completion_tokens"] == 10


def test_tool_call_chunks(mockapi, http) -> None:
    mockapi.responder.script({"tool_calls": [
        {"name": "get_weather", "arguments": {"city": "San Francisco", "unit": "f"}},
        {"name": "get_time", "arguments": {}},
    ]})
    chunks = chunks_of(http, tools=[WEATHER, TIME])
    deltas = [c["choices"][0]["delta"] for c in chunks]
    opening = deltas[0]
    assert opening["role"] == "assistant" and opening["content"] is None and opening["refusal"] is None
    header = opening["tool_calls"][0]
    assert header["index"] == 0 and header["id"].startswith("call_") and header["type"] == "function"
    assert header["function"] == {"name": "get_weather", "arguments": ""}
    fragments = []
    for delta in deltas[1:-1]:
        (call,) = delta["tool_calls"]
        if "id" in call:  # the second call opens with its own header
            assert call["index"] == 1 and call["function"] == {"name": "get_time", "arguments": ""}
            continue
        assert set(call) == {"index", "function"} and set(call["function"]) == {"arguments"}
        if call["index"] == 0:
            fragments.append(call["function"]["arguments"])
    assert len(fragments) > 1 and json.loads("".join(fragments)) == {"city": "San Francisco", "unit": "f"}
    assert chunks[-1]["choices"][0] == {"index": 0, "delta": {}, "logprobs": None, "finish_reason": "tool_calls"}


def test_streamed_tool_calls_reassemble_exactly(openai_client) -> None:
    kwargs = {"tools": [WEATHER], "tool_choice": "required", "seed": 9}
    streamed = reassemble(openai_client, **kwargs).choices[0]
    whole = openai_client.chat.completions.create(**request(**kwargs)).choices[0]
    assert streamed.finish_reason == whole.finish_reason == "tool_calls"
    assert streamed.message.content is None and whole.message.content is None
    assert [(c.type, c.function.name, c.function.arguments) for c in streamed.message.tool_calls] == [
        (c.type, c.function.name, c.function.arguments) for c in whole.message.tool_calls
    ]


def test_refusal_stream(mockapi, http, openai_client) -> None:
    mockapi.responder.script({"refusal": "I'm sorry, but I can't assist with that request."}, repeat=True)
    chunks = chunks_of(http)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": None, "refusal": ""}
    assert all(set(c["choices"][0]["delta"]) == {"refusal"} for c in chunks[1:-1])
    streamed = reassemble(openai_client).choices[0]
    assert streamed.message.content is None
    assert streamed.message.refusal == "I'm sorry, but I can't assist with that request."


def test_n_choices_interleave(mockapi, http, openai_client) -> None:
    mockapi.responder.script([{"text": "first answer here"}, {"text": "second, a somewhat longer answer here"}])
    chunks = chunks_of(http, n=2)
    assert all(len(c["choices"]) == 1 for c in chunks)
    assert [c["choices"][0]["index"] for c in chunks[:4]] == [0, 1, 0, 1]
    roles = [c["choices"][0]["index"] for c in chunks if "role" in c["choices"][0]["delta"]]
    finishes = [c["choices"][0]["index"] for c in chunks if c["choices"][0]["finish_reason"]]
    assert sorted(roles) == [0, 1] and sorted(finishes) == [0, 1]
    mockapi.responder.script([{"text": "first answer here"}, {"text": "second, a somewhat longer answer here"}])
    final = reassemble(openai_client, n=2)
    assert [c.message.content for c in final.choices] == ["first answer here", "second, a somewhat longer answer here"]


def test_streamed_logprobs_match(openai_client, http) -> None:
    chunks = chunks_of(http, seed=2, logprobs=True, top_logprobs=2)
    assert chunks[0]["choices"][0]["logprobs"] == {"content": [], "refusal": None}
    streamed = reassemble(openai_client, seed=2, logprobs=True, top_logprobs=2).choices[0]
    whole = openai_client.chat.completions.create(**request(seed=2, logprobs=True, top_logprobs=2)).choices[0]
    assert streamed.logprobs.content == whole.logprobs.content


def test_legacy_function_call_stream(http) -> None:
    functions = [{"name": "get_time", "parameters": {"type": "object", "properties": {"tz": {"type": "string"}}}}]
    chunks = chunks_of(http, functions=functions, function_call={"name": "get_time"})
    assert chunks[0]["choices"][0]["delta"]["function_call"] == {"name": "get_time", "arguments": ""}
    arguments = "".join(c["choices"][0]["delta"]["function_call"]["arguments"] for c in chunks[1:-1])
    assert json.loads(arguments) == {"tz": "sample tz"}
    assert chunks[-1]["choices"][0]["finish_reason"] == "function_call"


class City(BaseModel):
    name: str
    country: str


class Forecast(BaseModel):
    city: City
    units: Literal["c", "f"]
    highs: list[float]


def test_sdk_stream_helper_with_parsed_output(openai_client) -> None:
    events = []
    with openai_client.chat.completions.stream(
        model=MODEL, messages=[{"role": "user", "content": "forecast"}], response_format=Forecast,
    ) as stream:
        for event in stream:
            events.append(event.type)
        final = stream.get_final_completion()
    assert "content.delta" in events and "content.done" in events
    parsed = final.choices[0].message.parsed
    assert isinstance(parsed, Forecast) and isinstance(parsed.city, City)
    whole = openai_client.chat.completions.parse(
        model=MODEL, messages=[{"role": "user", "content": "forecast"}], response_format=Forecast,
    )
    assert whole.choices[0].message.parsed == parsed


def test_sdk_stream_helper_with_tools(openai_client) -> None:
    with openai_client.chat.completions.stream(
        model=MODEL, messages=[{"role": "user", "content": "weather"}], tools=[WEATHER], tool_choice="required",
    ) as stream:
        done = [e for e in stream if e.type == "tool_calls.function.arguments.done"]
        final = stream.get_final_completion()
    assert done[0].name == "get_weather" and done[0].parsed_arguments == {"city": "sample city", "unit": "c"}
    assert final.choices[0].message.tool_calls[0].function.parsed_arguments == done[0].parsed_arguments


@pytest.mark.anyio
async def test_async_stream(async_openai_client) -> None:
    pieces = []
    stream = await async_openai_client.chat.completions.create(stream=True, **request(text="async please"))
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
    whole = await async_openai_client.chat.completions.create(**request(text="async please"))
    assert "".join(pieces) == whole.choices[0].message.content


def test_stream_over_a_real_socket(mockapi_server) -> None:
    client = openai.OpenAI(base_url=mockapi_server.base_url, api_key="sk-test", max_retries=0)
    with client.chat.completions.stream(model=MODEL, messages=[{"role": "user", "content": "socket"}]) as stream:
        final = stream.get_final_completion()
    assert "socket" in final.choices[0].message.content
    client.close()


def test_failing_stream_request_gets_a_json_error(openai_client) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.chat.completions.create(stream=True, **request(model="o3-mini", max_tokens=5))
    assert err.value.code == "unsupported_parameter"
    assert err.value.response.headers["content-type"].startswith("application/json")
