"""The HTTP core: envelope, status and param for malformed requests; headers; routing."""

from __future__ import annotations

import re

import pytest

FT_GOOD = b'{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}\n'


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]] | None = None) -> dict:
    """Always multipart, even with text fields only ((None, value) parts)."""
    parts: dict[str, tuple[str | None, bytes | str]] = {k: (None, v) for k, v in fields.items()}
    parts.update(files or {})
    return {"files": parts}


MALFORMED = [
    # (name, method, path, kwargs, status, param)
    ("bad json", "POST", "/v1/uploads", {"content": b"{not json", "headers": {"content-type": "application/json"}},
     400, None),
    ("json array body", "POST", "/v1/uploads", {"json": [1, 2]}, 400, None),
    ("missing field", "POST", "/v1/uploads", {"json": {"filename": "a", "purpose": "batch", "bytes": 3}},
     400, "mime_type"),
    ("wrong type", "POST", "/v1/uploads",
     {"json": {"filename": "a", "purpose": "batch", "bytes": "three", "mime_type": "x"}}, 400, "bytes"),
    ("unknown purpose upload", "POST", "/v1/uploads",
     {"json": {"filename": "a", "purpose": "nope", "bytes": 3, "mime_type": "x"}}, 400, "purpose"),
    ("unknown top-level argument", "POST", "/v1/uploads",
     {"json": {"filename": "a", "purpose": "batch", "bytes": 3, "mime_type": "x", "colour": "red"}}, 400, None),
    ("unknown purpose", "POST", "/v1/files", _multipart({"purpose": "nope"}, {"file": ("a.txt", b"x")}),
     400, "purpose"),
    ("missing purpose", "POST", "/v1/files", _multipart({}, {"file": ("a.txt", b"x")}), 400, "purpose"),
    ("empty multipart", "POST", "/v1/files", {"content": b"", "headers": {"content-type": "multipart/form-data; "
                                                                            "boundary=xyz"}}, 400, "file"),
    ("missing file", "POST", "/v1/files", _multipart({"purpose": "assistants"}), 400, "file"),
    ("json to multipart endpoint", "POST", "/v1/files", {"json": {"purpose": "assistants"}}, 400, None),
    ("non-jsonl batch file", "POST", "/v1/files", _multipart({"purpose": "batch"}, {"file": ("a.txt", b"x")}),
     400, "file"),
    ("non-jsonl fine-tune file", "POST", "/v1/files",
     _multipart({"purpose": "fine-tune"}, {"file": ("train.txt", b"x")}), 400, "file"),
    ("fine-tune lines not JSON", "POST", "/v1/files",
     _multipart({"purpose": "fine-tune"}, {"file": ("train.jsonl", FT_GOOD + b"not json\n")}), 400, "file"),
    ("oversize file", "POST", "/v1/files",
     _multipart({"purpose": "assistants"}, {"file": ("big.txt", b"x" * 2048)}), 400, "file"),
    ("limit 0", "GET", "/v1/files?limit=0", {}, 400, "limit"),
    ("limit 10001", "GET", "/v1/files?limit=10001", {}, 400, "limit"),
    ("limit not a number", "GET", "/v1/files?limit=abc", {}, 400, "limit"),
    ("bad order", "GET", "/v1/files?order=sideways", {}, 400, "order"),
    ("bad cursor", "GET", "/v1/files?after=file-doesnotexist", {}, 400, "after"),
    ("unknown file", "GET", "/v1/files/file-nope", {}, 404, "id"),
    ("unknown file content", "GET", "/v1/files/file-nope/content", {}, 404, "id"),
    ("delete unknown file", "DELETE", "/v1/files/file-nope", {}, 404, "id"),
    ("unknown model", "GET", "/v1/models/gpt-nope", {}, 404, None),
    ("delete base model", "DELETE", "/v1/models/gpt-4o", {}, 403, None),
    ("unknown route", "GET", "/v1/nothing/here", {}, 404, None),
    ("unknown route outside v1", "GET", "/nothing", {}, 404, None),
    ("wrong method", "PUT", "/v1/files", {}, 405, None),
    ("wrong method on item", "POST", "/v1/models/gpt-4o", {"json": {}}, 405, None),
    ("unknown upload", "POST", "/v1/uploads/upload_nope/cancel", {}, 404, None),
    ("complete without part_ids", "POST", "/v1/uploads/upload_nope/complete", {"json": {}}, 400, "part_ids"),
]


@pytest.mark.mockapi(max_file_bytes=1024)
@pytest.mark.parametrize(("name", "method", "path", "kwargs", "status", "param"), MALFORMED,
                         ids=[m[0] for m in MALFORMED])
def test_malformed_requests_get_the_real_envelope(http, name, method, path, kwargs, status, param) -> None:
    response = http.request(method, path, **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"message", "type", "param", "code"}
    assert body["error"]["type"] == "invalid_request_error"
    assert body["error"]["message"]
    assert body["error"]["param"] == param


def test_missing_key_is_401_with_real_body(mockapi) -> None:
    with mockapi.http_client(api_key=None) as raw:
        response = raw.get("/v1/models")
    assert response.status_code == 401
    assert response.json()["error"]["message"].startswith("You didn't provide an API key.")


def test_real_headers_on_every_response(http) -> None:
    for response in (http.get("/v1/models"), http.get("/v1/files/file-x"), http.get("/v1/nope")):
        assert re.fullmatch(r"req_[0-9a-f]{32}", response.headers["x-request-id"])
        assert response.headers["openai-version"] == "2020-10-01"
        assert response.headers["openai-processing-ms"].isdigit()
        assert response.headers["access-control-expose-headers"] == "X-Request-ID"
    assert http.get("/v1/models").headers["openai-organization"]


def test_request_ids_are_unique(http) -> None:
    ids = {http.get("/v1/models").headers["x-request-id"] for _ in range(20)}
    assert len(ids) == 20


def test_journal_records_requests(mockapi, http) -> None:
    http.get("/v1/models")
    http.get("/v1/files/file-x")
    entries = mockapi.journal.entries()
    assert [(e.method, e.path, e.status) for e in entries] == [
        ("GET", "/v1/models", 200), ("GET", "/v1/files/file-x", 404),
    ]
    assert entries[0].api_key == "sk-test" and entries[0].headers["authorization"] == "Bearer *******"


def test_control_plane_over_http(mockapi, http) -> None:
    http.post("/v1/uploads", json={"filename": "a", "purpose": "batch", "bytes": 1, "mime_type": "x"})
    assert http.get("/__mockapi__/health").json()["status"] == "ok"
    journal = http.get("/__mockapi__/journal").json()["data"]
    assert journal[0]["path"] == "/v1/uploads" and journal[0]["body"]["filename"] == "a"
    assert http.post("/__mockapi__/clock", json={"mode": "manual"}).json()["mode"] == "manual"
    before = mockapi.clock.now()
    assert http.post("/__mockapi__/clock", json={"advance": 60}).json()["now"] == before + 60
    assert http.post("/__mockapi__/reset").json() == {"reset": True}
    assert len(mockapi.journal) == 0


@pytest.mark.mockapi(control_plane=False)
def test_control_plane_can_be_disabled(http) -> None:
    response = http.get("/__mockapi__/health")
    assert response.status_code == 404 and "error" in response.json()


@pytest.mark.anyio
async def test_a_client_gone_mid_body_stores_nothing_and_is_journaled(mockapi) -> None:
    """The body arrives in chunks and the client disconnects before the last one: no 500, no half-made file."""
    chunks = [
        {"type": "http.request", "body": b'--b\r\nContent-Disposition: form-data; name="purpose"', "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[dict] = []

    async def receive() -> dict:
        return chunks.pop(0)

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http", "method": "POST", "path": "/v1/files", "raw_path": b"/v1/files", "query_string": b"",
        "headers": [(b"authorization", b"Bearer sk-a"), (b"content-type", b"multipart/form-data; boundary=b")],
    }  # fmt: skip
    await mockapi.app(scope, receive, send)
    assert sent[0]["status"] == 400
    assert mockapi.journal.entries()[-1].status == 400
    assert mockapi.openai_client(api_key="sk-a").files.list().data == []


def test_urlencoded_bodies_where_the_document_declares_them(http) -> None:
    """POST /responses/input_tokens, /responses/compact and /skills/{id} also declare
    application/x-www-form-urlencoded (found by contract fuzzing: they were refused as bad JSON)."""
    form = {"content-type": "application/x-www-form-urlencoded"}
    counted = http.post("/v1/responses/input_tokens", content="model=gpt-5.4&input=Hello+there", headers=form)
    assert counted.status_code == 200 and counted.json()["input_tokens"] > 0
    compacted = http.post("/v1/responses/compact", content="model=gpt-5.4&input=Hello", headers=form)
    assert compacted.status_code == 200 and compacted.json()["object"] == "response.compaction"
    bad = http.post("/v1/responses/input_tokens", content="model=gpt-5.4&input=x&personality=" + "p" * 65, headers=form)
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "personality"
    elsewhere = http.post("/v1/responses", content="model=gpt-5.4&input=hi", headers=form)
    assert elsewhere.status_code == 400 and "parse the JSON body" in elsewhere.json()["error"]["message"]
