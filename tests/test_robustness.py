"""Hostile and careless clients over a real socket, and concurrent suites: never a 5xx, a hang or half-written state."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import openai
import pytest

from mockapi.errors import INVALID_JSON_MESSAGE

CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
UPLOAD = {"filename": "a.jsonl", "purpose": "batch", "bytes": 3, "mime_type": "text/plain"}
BETA = {"OpenAI-Beta": "assistants=v2"}


@pytest.fixture
def raw(mockapi_server):
    """httpx on the real socket: for what the SDK would never send."""
    with httpx.Client(base_url=mockapi_server.root_url, headers={"Authorization": "Bearer sk-test"}) as client:
        yield client


@pytest.fixture
def sdk(mockapi_server):
    client = openai.OpenAI(api_key="sk-test", base_url=mockapi_server.base_url, max_retries=0)
    yield client
    client.close()


def _error(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "param", "code"}
    return body["error"]


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _schema(levels: int) -> dict:
    schema: dict = {"type": "string"}
    for _ in range(levels):
        schema = {"type": "object", "properties": {"a": schema}}
    return schema


# -- JSON bodies ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    b'{"model": "gpt-4o-mini", "user": "\xff\xfe"}',  # invalid UTF-8
    b'\xef\xbb\xbf{"model": "gpt-4o-mini"}',  # a UTF-8 BOM
    b'{"model": "gpt-4o-mini", "temperature": NaN}',
    b'{"model": "gpt-4o-mini", "temperature": Infinity}',
    b'{"model": "gpt-4o-mini", "temperature": 1e400}',  # overflows a double
    b"{" + b'"a":' * 10_000 + b"1" + b"}" * 10_000,  # 10k levels
    _nested(10_000),
], ids=["utf8", "bom", "nan", "infinity", "1e400", "deep-object", "deep-array"])
def test_unparsable_json_is_the_real_400(raw, body) -> None:
    response = raw.post("/v1/chat/completions", content=body, headers={"content-type": "application/json"})
    assert _error(response, 400)["message"] == INVALID_JSON_MESSAGE


@pytest.mark.parametrize("number", [b"123456789012345678901234567890", b"-18446744073709551616"])
def test_integers_beyond_64_bits_are_a_400(raw, number) -> None:
    response = raw.post("/v1/chat/completions", content=b'{"model": "gpt-4o-mini", "messages": [{"role": "user", '
                        b'"content": "hi"}], "seed": ' + number + b"}", headers={"content-type": "application/json"})
    assert _error(response, 400)["param"] == "seed"


@pytest.mark.parametrize(("path", "body"), [
    ("/v1/assistants", {"model": "gpt-4o-mini", "tools": [
        {"type": "function", "function": {"name": "f", "parameters": _schema(130)}}]}),
    ("/v1/chat/completions", {**CHAT, "tools": [
        {"type": "function", "function": {"name": "f", "parameters": _schema(130)}}]}),
    ("/v1/responses", {"model": "gpt-4o-mini", "input": "hi", "tools": [
        {"type": "function", "name": "f", "parameters": _schema(130)}]}),
    ("/v1/uploads", {**UPLOAD, "filename": json.loads(_nested(300))}),
], ids=["assistant-tool", "chat-tool", "responses-tool", "upload"])
def test_json_nested_hundreds_deep_is_a_400_not_a_500(mockapi, raw, path, body) -> None:
    """orjson parses 1024 levels but writes 254, and the validator recursed: 260 levels were a 500 (or an object
    stored that no later read could serialize)."""
    response = raw.post(path, content=json.dumps(body), headers=BETA | {"content-type": "application/json"})
    assert _error(response, 400)["message"] == INVALID_JSON_MESSAGE
    assert raw.get("/__mockapi__/journal").status_code == 200  # the journal stays readable
    assert mockapi.internal_errors == []


def test_json_nested_within_the_limit_is_stored_listed_and_journaled(mockapi, raw) -> None:
    tool = {"type": "function", "function": {"name": "f", "parameters": _schema(60)}}  # 125 levels in the body
    created = raw.post("/v1/assistants", json={"model": "gpt-4o-mini", "tools": [tool]}, headers=BETA)
    assert created.status_code == 200, created.text
    assistant_id = created.json()["id"]
    assert raw.get(f"/v1/assistants/{assistant_id}", headers=BETA).json()["tools"] == [tool]
    assert raw.get("/v1/assistants", headers=BETA).json()["data"][0]["id"] == assistant_id
    assert raw.get("/__mockapi__/journal").json()["data"][0]["body"]["tools"] == [tool]


@pytest.mark.mockapi(manual_clock=True)
def test_a_batch_line_nested_too_deep_fails_alone(mockapi, sdk) -> None:
    deep: dict = {"k": "v"}
    for _ in range(300):
        deep = {"a": deep}
    lines = [
        {"custom_id": "deep", "method": "POST", "url": "/v1/chat/completions", "body": {**CHAT, "metadata": deep}},
        {"custom_id": "fine", "method": "POST", "url": "/v1/chat/completions", "body": CHAT},
    ]
    batch_file = sdk.files.create(file=("b.jsonl", "\n".join(map(json.dumps, lines)).encode()), purpose="batch")
    batch = sdk.batches.create(input_file_id=batch_file.id, endpoint="/v1/chat/completions", completion_window="24h")
    mockapi.advance(3600)
    batch = sdk.batches.retrieve(batch.id)
    assert batch.status == "completed" and (batch.request_counts.completed, batch.request_counts.failed) == (1, 1)
    error_line = json.loads(sdk.files.content(batch.error_file_id).text)
    assert error_line["custom_id"] == "deep" and error_line["response"]["status_code"] == 400
    assert mockapi.internal_errors == []


@pytest.mark.mockapi(extra={"max_json_bytes": 100_000})
def test_an_oversize_json_body_is_a_413_and_stores_nothing(mockapi, raw) -> None:
    big = {**CHAT, "store": True, "messages": [{"role": "user", "content": "x" * 200_000}]}
    error = _error(raw.post("/v1/chat/completions", json=big), 413)
    assert error["message"].startswith("Maximum content size limit (100000) exceeded")

    def endless():  # chunked, no Content-Length: refused once the limit is passed, not read to the end
        yield b'{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "'
        for _ in range(1000):
            yield b"x" * 10_000

    _error(raw.post("/v1/chat/completions", content=endless(), headers={"content-type": "application/json"}), 413)
    assert raw.post("/v1/chat/completions", json={**CHAT, "store": True}).status_code == 200
    assert len(raw.get("/v1/chat/completions").json()["data"]) == 1


def test_chunked_json_bodies_are_read(raw) -> None:
    def chunks():
        yield b'{"filename": "a.jsonl", "purpose"'
        yield b': "batch", "bytes": 3, "mime_type": "text/plain"}'

    response = raw.post("/v1/uploads", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 200 and response.json()["status"] == "pending"


def test_gzip_bodies_are_not_json(raw) -> None:
    import gzip

    body = gzip.compress(json.dumps(UPLOAD).encode())
    response = raw.post("/v1/uploads", content=body,
                        headers={"content-type": "application/json", "content-encoding": "gzip"})
    assert _error(response, 400)["message"] == INVALID_JSON_MESSAGE


# -- sockets: stalls and disconnects ---------------------------------------------------------------------------------


def test_stalled_and_vanished_clients_do_not_block_others(mockapi, mockapi_server, raw) -> None:
    host, port = mockapi_server.host, mockapi_server.port
    head = (b"POST /v1/%s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-test\r\nContent-Type: %s\r\n"
            b"Content-Length: 100000\r\n\r\n")
    part = (b'--b\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n--b\r\n'
            b'Content-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhal')
    stalled = []
    for i in range(10):  # each promises 100 kB and sends a few bytes
        sock = socket.create_connection((host, port))
        if i % 2:
            sock.sendall(head % (b"chat/completions", b"application/json") + b'{"model": ')
        else:
            sock.sendall(head % (b"files", b"multipart/form-data; boundary=b") + part)
        stalled.append(sock)
    assert raw.get("/v1/models").status_code == 200
    assert raw.post("/v1/chat/completions", json=CHAT).status_code == 200
    for sock in stalled:
        sock.close()  # gone mid-body
    assert raw.get("/v1/files").json()["data"] == []  # no half-received upload was stored
    assert mockapi.internal_errors == []


# -- paths -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/models"), ("POST", "/chat/completions"), ("GET", "/v1models"), ("GET", "/v1"),
])
def test_paths_outside_v1_are_the_real_404(raw, method, path) -> None:
    error = _error(raw.request(method, path, json=CHAT if method == "POST" else None), 404)
    assert error["code"] == "unknown_url" and f"{method} {path}." in error["message"]


@pytest.mark.parametrize("path", ["/v1/models/", "/v1//models", "/v1/files/", "/v1/files//content", "/v1/"])
def test_empty_path_segments_are_404(raw, path) -> None:
    assert _error(raw.get(path), 404)["code"] == "unknown_url"


@pytest.mark.parametrize("file_id", ["%ff%fe%00", "a" * 20_000, "%2e%2e", "file-x%20y"])
def test_odd_ids_are_a_404(raw, file_id) -> None:
    assert _error(raw.get(f"/v1/files/{file_id}"), 404)["param"] == "id"


def test_unknown_methods_and_head_are_405(raw) -> None:
    assert _error(raw.request("PURGE", "/v1/models"), 405)["message"].startswith("Not allowed to PURGE")
    response = raw.head("/v1/models")
    assert response.status_code == 405 and response.content == b""


def test_many_and_repeated_query_params(raw) -> None:
    query = "&".join(f"p{i}=1" for i in range(1000))
    assert raw.get(f"/v1/files?{query}&limit=5").status_code == 200
    assert _error(raw.get("/v1/files?limit=1&limit=2"), 400)["param"] == "limit"
    assert _error(raw.get("/v1/files?order=asc&order=desc"), 400)["param"] == "order"
    assert raw.get("/v1/files?purpose=%ff%fe").json()["data"] == []


def test_header_values_that_are_not_utf8(raw, mockapi_server) -> None:
    with socket.create_connection((mockapi_server.host, mockapi_server.port)) as sock:
        sock.sendall(b"GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-\xff\xfe\r\n"
                     b"OpenAI-Project: \xff\r\nX-Stainless-Lang: \xc0\xc1\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 ")
    error = _error(raw.get("/v1/assistants", headers={"OpenAI-Beta": b"assistants=v2\xff"}), 400)
    assert error["code"] == "invalid_beta"


# -- multipart -------------------------------------------------------------------------------------------------------

PURPOSE = b'--x\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n'
FILE = b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello\r\n'
FORM = {"content-type": "multipart/form-data; boundary=x"}


def _field(name: bytes, value: bytes = b"v") -> bytes:
    return b'--x\r\nContent-Disposition: form-data; name="' + name + b'"\r\n\r\n' + value + b"\r\n"


@pytest.mark.parametrize(("body", "headers", "fragment"), [
    (PURPOSE + FILE + b"--x--\r\n", {"content-type": "multipart/form-data"}, "Missing boundary"),
    (b"garbage", FORM, "Invalid multipart data"),
    (PURPOSE + FILE.replace(b"hello\r\n", b"hel"), FORM, "'file'"),  # truncated: the part never ends
    (PURPOSE + FILE + _field(b"f") * 1001 + b"--x--\r\n", FORM, "Too many fields"),
], ids=["no-boundary", "garbage", "truncated", "too-many-parts"])
def test_broken_forms_are_a_400(mockapi, raw, body, headers, fragment) -> None:
    error = _error(raw.post("/v1/files", content=body, headers=headers), 400)
    assert fragment in error["message"] and "400:" not in error["message"]
    assert raw.get("/v1/files").json()["data"] == []


def test_form_keys_nested_hundreds_deep_are_a_400(mockapi, raw) -> None:
    key = b"expires_after" + b"[a]" * 300
    error = _error(raw.post("/v1/files", content=PURPOSE + FILE + _field(key) + b"--x--\r\n", headers=FORM), 400)
    assert error["param"] == "expires_after" and "nested" in error["message"]
    deep_text = json.dumps(json.loads(b'{"a":' * 300 + b"1" + b"}" * 300)).encode()
    response = raw.post("/v1/files", content=PURPOSE + FILE + _field(b"expires_after", deep_text) + b"--x--\r\n",
                        headers=FORM)
    assert _error(response, 400)["param"] == "expires_after"
    assert raw.get("/v1/files").json()["data"] == [] and mockapi.internal_errors == []


# -- streams ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("named", [False, True], ids=["chat-style", "assistants-style"])
def test_a_stream_failing_midway_ends_with_an_error_event_and_is_recorded(mockapi, mockapi_server, named) -> None:
    """The 200 is already sent: the failure used to drop the connection (the SDK saw a connection error) and
    reach only uvicorn's log, so fake.internal_errors stayed empty and the test using the fake passed."""
    from mockapi.streaming import EventStream, SSEEvent

    event = "thread.message.delta" if named else None

    def produce():
        yield SSEEvent({"id": "x", "object": "chunk"}, event=event)
        raise RuntimeError("handler bug")

    mockapi.router.add("GET", "/robustness/stream", lambda ctx: EventStream(produce()))
    with httpx.Client(base_url=mockapi_server.root_url, headers={"Authorization": "Bearer sk-test"}) as client:
        response = client.get("/v1/robustness/stream")
    assert response.status_code == 200
    frames = [f for f in response.text.split("\n\n") if f]
    assert len(frames) == 2 and frames[1].startswith("event: error\ndata: " if named else "data: ")
    error = json.loads(frames[1].split("data: ", 1)[1])["error"]
    assert error["type"] == "server_error" and response.headers["x-request-id"] in error["message"]
    assert len(mockapi.internal_errors) == 1 and "handler bug" in mockapi.internal_errors[0]
    mockapi.internal_errors.clear()  # expected here; the fixture fails a test on any internal error


# -- control plane ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "body", "status"), [
    ("POST", "/__mockapi__/scripts", b"[1]", 400),
    ("POST", "/__mockapi__/transcriptions", b'"text"', 400),
    ("POST", "/__mockapi__/clock", b'{"advance": 1e300}', 400),
    ("POST", "/__mockapi__/clock", b'{"advance": "nan"}', 400),
    ("POST", "/__mockapi__/clock", b'{"advance": "inf"}', 400),
    ("POST", "/__mockapi__/scripts", b'{"replies": ' + _nested(300) + b"}", 400),
    ("GET", "/__mockapi__/nothing", b"", 404),
    ("PUT", "/__mockapi__/reset", b"", 405),
])
def test_control_plane_misuse_is_enveloped_and_harmless(mockapi, raw, sdk, method, path, body, status) -> None:
    _error(raw.request(method, path, content=body, headers={"content-type": "application/json"}), status)
    # The fake still works: a clock pushed past any writable timestamp used to make every later request a 500.
    assert sdk.files.create(file=("a.txt", b"x"), purpose="assistants").created_at > 0
    assert mockapi.internal_errors == []


def test_fake_advance_refuses_non_finite_seconds(mockapi) -> None:
    for seconds in (float("nan"), float("inf"), 1e300):
        with pytest.raises(ValueError):
            mockapi.advance(seconds)
    assert mockapi.advance(60) > 0


# -- concurrency -----------------------------------------------------------------------------------------------------


def _clients(server, n: int) -> list[openai.OpenAI]:
    return [openai.OpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0) for _ in range(n)]


def test_concurrent_deletes_of_one_object_succeed_once(mockapi_server, sdk) -> None:
    file_id = sdk.files.create(file=("d.txt", b"d"), purpose="assistants").id
    thread_id = sdk.beta.threads.create().id
    clients = _clients(mockapi_server, 16)

    def delete(client: openai.OpenAI, target: str) -> object:
        try:
            return (client.files.delete(target) if target == file_id else client.beta.threads.delete(target)).deleted
        except openai.NotFoundError:
            return 404

    with ThreadPoolExecutor(16) as pool:
        for target in (file_id, thread_id):
            assert Counter(pool.map(delete, clients, [target] * 16)) == {True: 1, 404: 15}
    for client in clients:
        client.close()


@pytest.mark.mockapi(manual_clock=True)
def test_concurrent_runs_on_one_thread_leave_exactly_one_active(mockapi_server, sdk) -> None:
    assistant = sdk.beta.assistants.create(model="gpt-4o")
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
    clients = _clients(mockapi_server, 16)

    def start(client: openai.OpenAI) -> object:
        try:
            return client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id).status
        except openai.BadRequestError as exc:
            assert "already has an active run" in exc.message
            return 400

    with ThreadPoolExecutor(16) as pool:
        assert Counter(pool.map(start, clients)) == {"queued": 1, 400: 15}
    assert [run.status for run in sdk.beta.threads.runs.list(thread.id)] == ["queued"]
    for client in clients:
        client.close()


def test_concurrent_message_adds_are_all_kept_in_order(mockapi_server, sdk) -> None:
    thread = sdk.beta.threads.create()
    clients = _clients(mockapi_server, 8)

    def add(i: int) -> str:
        return clients[i % 8].beta.threads.messages.create(thread.id, role="user", content=f"m{i}").id

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(add, range(64)))
    listed = [m.id for m in sdk.beta.threads.messages.list(thread.id, limit=5, order="asc")]
    assert sorted(listed) == sorted(ids) and len(set(listed)) == 64
    for client in clients:
        client.close()


@pytest.mark.anyio
async def test_uploads_while_paginating_never_skip_or_repeat(mockapi, mockapi_server) -> None:
    client = openai.AsyncOpenAI(api_key="sk-test", base_url=mockapi_server.base_url, max_retries=0)
    before = {(await client.files.create(file=(f"p{i}.txt", b"p"), purpose="assistants")).id for i in range(12)}
    done = asyncio.Event()

    async def upload(i: int) -> None:
        await client.files.create(file=(f"u{i}.txt", b"u" * (i + 1)), purpose="assistants")

    async def page_through() -> list[str]:
        problems = []
        while not done.is_set():
            seen = [f.id async for f in client.files.list(limit=4)]
            if len(seen) != len(set(seen)) or not before <= set(seen):
                problems.append(seen)
        return problems

    pagers = [asyncio.create_task(page_through()) for _ in range(4)]
    await asyncio.gather(*(upload(i) for i in range(120)))
    done.set()
    assert [await p for p in pagers] == [[], [], [], []]
    listed = [f async for f in client.files.list(limit=50)]
    assert len(listed) == 132 and all(f.bytes > 0 and f.status == "processed" for f in listed)
    await client.close()
    assert mockapi.internal_errors == []


def test_reset_and_journal_reads_during_traffic_never_500(mockapi, mockapi_server, raw) -> None:
    statuses: Counter = Counter()
    stop = threading.Event()

    def traffic(client: openai.OpenAI) -> None:
        while not stop.is_set():
            try:
                file = client.files.create(file=("t.txt", b"t"), purpose="assistants")
                client.files.retrieve(file.id)
                client.chat.completions.create(**CHAT, store=True)
                statuses["ok"] += 1
            except openai.APIStatusError as exc:  # a reset between create and read: the real 404
                statuses[exc.status_code] += 1

    clients = _clients(mockapi_server, 6)
    workers = [threading.Thread(target=traffic, args=(c,)) for c in clients]
    for worker in workers:
        worker.start()
    try:
        for _ in range(15):
            assert raw.post("/__mockapi__/reset").status_code == 200
            assert raw.get("/__mockapi__/journal").status_code == 200
            assert isinstance(mockapi.journal.entries(), list)
    finally:
        stop.set()
        for worker in workers:
            worker.join()
    assert set(statuses) <= {"ok", 404}
    for client in clients:
        client.close()
