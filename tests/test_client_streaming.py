"""Reference client: the SSE decoder, typed chat and assistants streams, pagination and polling."""

from __future__ import annotations

import json

import httpx
import pytest
from mockapi_client import APIConnectionError, AsyncClient, Client, PollTimeoutError, StreamError
from mockapi_client.streaming import SSEDecoder, decode_lines
from mockapi_client.types import Message, Run, RunStep


def test_decoder_handles_every_line_ending_split_across_chunks():
    wire = b'event: a\r\ndata: {"x":1}\r\n\r\ndata: one\rdata: two\r\rdata: three\n\n'
    for size in (1, 2, 3, 7, len(wire)):
        chunks = [wire[i : i + size] for i in range(0, len(wire), size)]
        events = list(decode_lines(chunks))
        assert [(e.event, e.data) for e in events] == [("a", '{"x":1}'), (None, "one\ntwo"), (None, "three")]


def test_decoder_fields_comments_and_utf8_split():
    decoder = SSEDecoder()
    text = b': keep-alive\nid: 7\nretry: 1500\nevent: e\ndata:no-space\ndata:  two spaces\n\n'
    events = decoder.feed(text)
    assert len(events) == 1
    event = events[0]
    assert (event.id, event.retry, event.event, event.data) == ("7", 1500, "e", "no-space\n two spaces")
    snowman = 'data: "☃"\n\n'.encode()
    out = []
    for i in range(len(snowman)):
        out += decoder.feed(snowman[i : i + 1])
    assert out[0].json() == "☃"
    # a blank line with no data dispatches nothing; a final event without its blank line is flushed
    assert decoder.feed(b"event: lonely\n\n") == []
    decoder.feed(b"data: tail")
    assert [e.data for e in decoder.flush()] == ["tail"]


def sse(*events: tuple[str | None, object]) -> bytes:
    out = b""
    for name, data in events:
        text = data if isinstance(data, str) else json.dumps(data)
        out += (f"event: {name}\n" if name else "").encode() + f"data: {text}\n\n".encode()
    return out


def chunk(delta, finish=None, usage=None, index=0):
    body = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 5, "model": "gpt-4o-mini-2024-07-18",
            "choices": [{"index": index, "delta": delta, "finish_reason": finish}]}
    if usage is not None:
        body["choices"] = []
        body["usage"] = usage
    return body


def client_with(content: bytes, status: int = 200) -> Client:
    def handler(request):
        return httpx.Response(status, content=content, headers={"content-type": "text/event-stream",
                                                                "x-request-id": "req_s"})

    return Client(api_key="sk", base_url="http://fake/v1", transport=httpx.MockTransport(handler), max_retries=0)


def test_chat_stream_yields_chunks_and_assembles_the_completion_with_tool_calls():
    wire = sse(
        (None, chunk({"role": "assistant", "content": ""})),
        (None, chunk({"content": "Hel"})),
        (None, chunk({"content": "lo"})),
        (None, chunk({"tool_calls": [{"index": 0, "id": "call_a", "type": "function",
                                      "function": {"name": "get_weather", "arguments": ""}}]})),
        (None, chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"city":'}}]})),
        (None, chunk({"tool_calls": [{"index": 1, "id": "call_b", "type": "function",
                                      "function": {"name": "get_time", "arguments": "{}"}}]})),
        (None, chunk({"tool_calls": [{"index": 0, "function": {"arguments": '"Paris"}'}}]})),
        (None, chunk({}, finish="tool_calls")),
        (None, chunk({}, usage={"prompt_tokens": 9, "completion_tokens": 4, "total_tokens": 13})),
        (None, "[DONE]"),
        (None, {"never": "read"}),
    )
    client = client_with(wire)
    with client.chat.completions.stream(model="gpt-4o-mini", messages=[{"role": "user", "content": "x"}]) as stream:
        assert stream.request_id == "req_s"
        first = next(iter(stream))
        assert first.choices[0].delta.role == "assistant"
        completion = stream.final_completion()
    assert stream.done
    message = completion.choices[0].message
    assert message.content == "Hello" and completion.choices[0].finish_reason == "tool_calls"
    assert [(c.id, c.function.name, c.function.arguments) for c in message.tool_calls] == [
        ("call_a", "get_weather", '{"city":"Paris"}'), ("call_b", "get_time", "{}")
    ]
    assert completion.usage.total_tokens == 13 and completion.id == "chatcmpl-1"
    assert client.usage.by_model()["gpt-4o-mini-2024-07-18"].input_tokens == 9


def test_error_inside_a_stream_raises_stream_error():
    wire = sse((None, chunk({"content": "a"})), (None, {"error": {"message": "overloaded", "type": "server_error",
                                                                    "code": None, "param": None}}))
    stream = client_with(wire).chat.completions.stream(model="m", messages=[])
    with pytest.raises(StreamError) as caught:
        list(stream)
    assert caught.value.message == "overloaded" and caught.value.type == "server_error"


def test_cut_stream_raises_connection_error():
    class Cut(httpx.SyncByteStream):
        def __iter__(self):
            yield sse((None, chunk({"content": "a"})))
            raise httpx.RemoteProtocolError("peer closed connection")

    def handler(request):
        return httpx.Response(200, stream=Cut(), headers={"content-type": "text/event-stream"})

    client = Client(api_key="sk", base_url="http://fake/v1", transport=httpx.MockTransport(handler))
    stream = client.chat.completions.stream(model="m", messages=[])
    with pytest.raises(APIConnectionError):
        list(stream)


def test_failed_stream_request_is_a_typed_error_not_a_stream():
    body = json.dumps({"error": {"message": "bad", "type": "invalid_request_error", "param": "messages",
                                 "code": "empty_array"}}).encode()

    def handler(request):
        return httpx.Response(400, content=body, headers={"content-type": "application/json"})

    client = Client(api_key="sk", base_url="http://fake/v1", transport=httpx.MockTransport(handler))
    with pytest.raises(Exception) as caught:
        client.chat.completions.stream(model="m", messages=[])
    assert caught.value.code == "empty_array"


def run_body(status, **extra):
    return {"id": "run_1", "object": "thread.run", "created_at": 1, "thread_id": "thread_1",
            "assistant_id": "asst_1", "status": status, "model": "gpt-4o", "tools": [], **extra}


def test_assistants_stream_types_events_and_stops_at_done():
    step = {"id": "step_1", "object": "thread.run.step", "created_at": 1, "run_id": "run_1", "thread_id": "thread_1",
            "assistant_id": "asst_1", "type": "message_creation", "status": "in_progress", "step_details": {}}
    message = {"id": "msg_1", "object": "thread.message", "created_at": 1, "thread_id": "thread_1",
               "role": "assistant", "content": [{"type": "text", "text": {"value": "Hi", "annotations": []}}]}
    delta = {"id": "msg_1", "object": "thread.message.delta",
             "delta": {"content": [{"index": 0, "type": "text", "text": {"value": "Hi"}}]}}
    wire = sse(
        ("thread.run.created", run_body("queued")),
        ("thread.run.step.created", step),
        ("thread.message.delta", delta),
        ("thread.message.completed", message),
        ("thread.run.completed", run_body("completed", usage={"prompt_tokens": 5, "completion_tokens": 1,
                                                              "total_tokens": 6})),
        ("done", "[DONE]"),
    )
    client = client_with(wire)
    events = list(client.beta.threads.runs.stream("thread_1", assistant_id="asst_1"))
    names = [e.event for e in events]
    assert names == ["thread.run.created", "thread.run.step.created", "thread.message.delta",
                     "thread.message.completed", "thread.run.completed"]
    assert isinstance(events[0].data, Run) and isinstance(events[1].data, RunStep)
    assert events[2].data.delta["content"][0]["text"]["value"] == "Hi"
    assert isinstance(events[3].data, Message) and events[3].data.text == "Hi"
    assert events[4].data.status == "completed"
    assert client.usage.by_model()["gpt-4o"].total_tokens == 6


def test_assistants_error_event_raises():
    wire = sse(("thread.run.created", run_body("queued")),
               ("error", {"error": {"message": "Sorry, something went wrong.", "type": "server_error"}}))
    with pytest.raises(StreamError, match="something went wrong"):
        list(client_with(wire).beta.threads.runs.stream("thread_1", assistant_id="asst_1"))


@pytest.mark.anyio
async def test_async_chat_stream():
    wire = sse((None, chunk({"role": "assistant", "content": "Hi"})), (None, chunk({}, finish="stop")),
               (None, "[DONE]"))

    def handler(request):
        assert request.headers["accept"] == "text/event-stream"
        assert json.loads(request.content)["stream"] is True
        return httpx.Response(200, content=wire, headers={"content-type": "text/event-stream"})

    client = AsyncClient(api_key="sk", base_url="http://fake/v1", transport=httpx.MockTransport(handler))
    stream = await client.chat.completions.stream(model="m", messages=[{"role": "user", "content": "x"}])
    chunks = [c async for c in stream]
    assert len(chunks) == 2 and stream.accumulator.completion().text == "Hi"
    await client.close()


# -- pagination ----------------------------------------------------------------------------------------------


def paged_handler(total: int, seen: list[httpx.URL]):
    items = [{"id": f"file-{i:03d}", "object": "file", "bytes": 1, "created_at": i, "filename": "f",
              "purpose": "batch"} for i in range(total)]

    def handler(request):
        seen.append(request.url)
        limit = int(request.url.params.get("limit", 20))
        after = request.url.params.get("after")
        start = 0 if after is None else [i["id"] for i in items].index(after) + 1
        page = items[start : start + limit]
        return httpx.Response(200, json={"object": "list", "data": page, "first_id": page[0]["id"] if page else None,
                                         "last_id": page[-1]["id"] if page else None,
                                         "has_more": start + limit < total})

    return handler


def test_auto_pagination_walks_every_page_with_after_cursor():
    seen: list[httpx.URL] = []
    client = Client(api_key="sk", base_url="http://fake/v1", transport=httpx.MockTransport(paged_handler(7, seen)))
    page = client.files.list(limit=3, purpose="batch")
    assert len(page) == 3 and page.has_more
    ids = [f.id for f in page]
    assert ids == [f"file-{i:03d}" for i in range(7)]
    assert [u.params.get("after") for u in seen] == [None, "file-002", "file-005"]
    assert all(u.params["purpose"] == "batch" and u.params["limit"] == "3" for u in seen)
    assert [len(p) for p in client.files.list(limit=3).iter_pages()] == [3, 3, 1]


def test_pageless_list_is_one_page():
    body = {"object": "list", "data": [{"id": "gpt-4o", "object": "model", "created": 1, "owned_by": "system"}]}
    client = Client(api_key="sk", base_url="http://fake/v1",
                    transport=httpx.MockTransport(lambda r: httpx.Response(200, json=body)))
    assert [m.id for m in client.models.list()] == ["gpt-4o"]


@pytest.mark.anyio
async def test_async_pagination_await_and_async_for():
    seen: list[httpx.URL] = []
    client = AsyncClient(api_key="sk", base_url="http://fake/v1",
                         transport=httpx.MockTransport(paged_handler(5, seen)))
    first = await client.files.list(limit=2)
    assert [f.id for f in first.data] == ["file-000", "file-001"]
    assert [f.id async for f in client.files.list(limit=2)] == [f"file-{i:03d}" for i in range(5)]
    await client.close()


# -- run polling -------------------------------------------------------------------------------------------


def test_run_polling_honours_poll_after_header_each_time():
    statuses = iter([("queued", "40"), ("in_progress", "15"), ("completed", "15")])
    sleeps: list[float] = []

    def handler(request):
        assert request.headers["openai-beta"] == "assistants=v2"
        status, after = next(statuses)
        return httpx.Response(200, json=run_body(status), headers={"openai-poll-after-ms": after})

    client = Client(api_key="sk", base_url="http://fake/v1", transport=httpx.MockTransport(handler),
                    sleep=sleeps.append)
    run = client.beta.threads.runs.poll("run_1", thread_id="thread_1")
    assert run.status == "completed" and sleeps == [0.04, 0.015]


def test_polling_explicit_interval_default_and_max_wait():
    now = [0.0]
    sleeps: list[float] = []

    def sleep(s):
        sleeps.append(s)
        now[0] += s

    client = Client(api_key="sk", base_url="http://fake/v1", sleep=sleep, clock=lambda: now[0],
                    transport=httpx.MockTransport(lambda r: httpx.Response(200, json=run_body("in_progress"))))
    with pytest.raises(PollTimeoutError, match="in_progress"):
        client.beta.threads.runs.poll("run_1", thread_id="thread_1", max_wait=3.5)
    assert sleeps == [1.0, 1.0, 1.0]  # no header: the SDK's default second
    sleeps.clear()
    with pytest.raises(PollTimeoutError):
        client.beta.threads.runs.poll("run_1", thread_id="thread_1", interval=0.2, max_wait=0.5)
    assert sleeps == [0.2, 0.2]


def test_requires_action_stops_polling():
    action = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}}
    client = Client(api_key="sk", base_url="http://fake/v1", transport=httpx.MockTransport(
        lambda r: httpx.Response(200, json=run_body("requires_action", required_action=action))))
    run = client.beta.threads.runs.poll("run_1", thread_id="thread_1")
    assert run.required_action.submit_tool_outputs.tool_calls[0].function.name == "f"
