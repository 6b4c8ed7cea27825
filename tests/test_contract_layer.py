"""The contract layer: pinned spec, normalizer, fast validators (cross-checked with openapi-core), wording."""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from mockapi.contract import Contract, normalize, spec
from mockapi.contract.messages import param_name
from mockapi.errors import APIError
from tests._openapi_core_ref import reference_validate_request, reference_validate_response


@pytest.fixture(scope="module")
def contract() -> Contract:
    return Contract.load()


def body_error(contract: Contract, method: str, path: str, body: Any, media: str = "application/json") -> APIError:
    op = contract.operation(method, path)
    assert op is not None
    with pytest.raises(APIError) as info:
        op.validate_body(body, media)
    assert info.value.status == 400 and info.value.type == "invalid_request_error"
    return info.value


def body_ok(contract: Contract, method: str, path: str, body: Any, media: str = "application/json") -> bool:
    op = contract.operation(method, path)
    assert op is not None
    try:
        op.validate_body(body, media)
    except APIError:
        return False
    return True


# Shared with bench/contract_speed.py.
SAMPLES = json.loads((Path(__file__).parents[1] / "fixtures" / "contract_samples.json").read_text())
CHAT, FILE, RUN, MESSAGE, FINE_TUNE = (SAMPLES[k] for k in ("chat", "file", "run", "message", "fine_tune"))


# -- the pinned spec and its cache ---------------------------------------------------------------


def test_packaged_spec_matches_the_pinned_checksum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(spec.SPEC_PATH_ENV, raising=False)
    path, digest = spec.verified_spec()
    assert digest == spec.SPEC_SHA256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert Contract.load().spec_sha256 == spec.SPEC_SHA256


def test_a_different_packaged_spec_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(spec.SPEC_PATH_ENV, raising=False)
    monkeypatch.setattr(spec, "SPEC_SHA256", "0" * 64)
    with pytest.raises(spec.SpecChecksumError, match="expected 0000"):
        spec.verified_spec()


TINY_SPEC = """
openapi: 3.1.0
info: {title: tiny, version: '1'}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      type: object
      required: [id, id]
      properties:
        id: {type: string}
        when: {type: string, nullable: true, example: 2024-10-01}
"""


def test_override_spec_skips_verification_and_caches_by_its_checksum(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec_file = tmp_path / "openapi.yml"
    spec_file.write_text(TINY_SPEC)
    monkeypatch.setenv(spec.SPEC_PATH_ENV, str(spec_file))
    monkeypatch.setenv(spec.CACHE_DIR_ENV, str(tmp_path / "cache"))
    cold, digest = spec.load_document()
    assert digest == hashlib.sha256(spec_file.read_bytes()).hexdigest()
    cached = spec.cache_file(digest)
    assert cached.is_file() and digest[:32] in cached.name and f"n{normalize.NORMALIZER_VERSION}" in cached.name
    assert [p.name for p in cached.parent.iterdir()] == [cached.name]  # no temp file left behind
    warm, _ = spec.load_document()
    assert warm == cold
    thing = warm["components"]["schemas"]["Thing"]
    assert thing["required"] == ["id"] and thing["properties"]["when"]["type"] == ["string", "null"]


def test_a_corrupt_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec_file = tmp_path / "openapi.yml"
    spec_file.write_text(TINY_SPEC)
    monkeypatch.setenv(spec.SPEC_PATH_ENV, str(spec_file))
    monkeypatch.setenv(spec.CACHE_DIR_ENV, str(tmp_path / "cache"))
    _, digest = spec.load_document()
    spec.cache_file(digest).write_bytes(b"{not json")
    document, _ = spec.load_document()
    assert "Thing" in document["components"]["schemas"]


def test_load_is_cached_and_thread_safe() -> None:
    seen: list[Contract] = []
    threads = [threading.Thread(target=lambda: seen.append(Contract.load())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(c) for c in seen}) == 1 and seen[0] is Contract.load()


# -- the normalizer -------------------------------------------------------------------------------


def _component(schema: dict[str, Any]) -> dict[str, Any]:
    doc = {"components": {"schemas": {"X": schema}}}
    before = copy.deepcopy(doc)
    out = normalize.normalized(doc)
    assert doc == before, "normalized() must not mutate its input"
    return out["components"]["schemas"]["X"]


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "string", "nullable": True}, {"type": ["string", "null"]}),
        ({"type": "string", "enum": ["a"], "nullable": True}, {"type": ["string", "null"], "enum": ["a", None]}),
        (
            {"$ref": "#/components/schemas/Y", "nullable": True, "description": "d"},
            {"description": "d", "anyOf": [{"$ref": "#/components/schemas/Y"}, {"type": "null"}]},
        ),
        ({"type": "number", "minimum": 0, "exclusiveMinimum": True}, {"type": "number", "exclusiveMinimum": 0}),
        ({"type": "number", "maximum": 1, "exclusiveMaximum": False}, {"type": "number", "maximum": 1}),
        ({"required": ["a", "b", "a"]}, {"required": ["a", "b"]}),
        ({"oneOf": [{"type": "string"}], "discriminator": {"propertyName": "type"}}, {"anyOf": [{"type": "string"}]}),
        ({"type": "string", "enum": ["a"], "default": "z"}, {"type": "string", "enum": ["a"]}),
        ({"type": "integer", "maximum": 9223372036854776000}, {"type": "integer", "maximum": 2**63 - 1}),
        (  # a nullable flag as its own allOf member (runs' tool_choice, truncation_strategy ...)
            {"allOf": [{"$ref": "#/components/schemas/Y"}, {"nullable": True}], "description": "d"},
            {"description": "d", "anyOf": [{"allOf": [{"$ref": "#/components/schemas/Y"}]}, {"type": "null"}]},
        ),
        (
            {"$recursiveAnchor": True, "properties": {"f": {"items": {"$recursiveRef": "#"}}}},
            {"properties": {"f": {"items": {"$ref": "#/components/schemas/X"}}}},
        ),
    ],
)
def test_normalizer_rewrites_30_keywords(schema: dict[str, Any], expected: dict[str, Any]) -> None:
    assert _component(schema) == expected


def test_the_normalized_document_has_no_30_leftovers(contract: Contract) -> None:
    leftovers: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if node.get("nullable") is True or isinstance(node.get("exclusiveMinimum"), bool):
                leftovers.append(where)
            if "$recursiveRef" in node or ("discriminator" in node and not node["discriminator"].get("mapping")):
                leftovers.append(where)
            for key, value in node.items():
                if key not in ("example", "examples", "default", "enum", "const"):
                    walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(contract.document["components"], "#/components")
    assert leftovers == []


def test_every_operation_request_and_success_response_compiles(contract: Contract) -> None:
    compiled = 0
    for method, path, _ in contract.operations():
        op = contract.operation(method, path)
        assert op is not None
        for media in op.request_content_types:
            assert op._body_validator(media).validator is not None
            compiled += 1
        for status, response in op.spec["responses"].items():
            for media in response.get("content", {}):
                if status.startswith("2") and media in ("application/json", "text/event-stream"):
                    assert op._response_validator(status, media).validator is not None
                    compiled += 1
    # 271 operations in the pinned document, plus the overlay's `paths` (operations newer than it).
    added = sum(1 for item in contract.overlay["paths"].values() for method in item if method != "parameters")
    assert added >= 10 and len(list(contract.operations())) == 271 + added and compiled > 370


# -- fast validators agree with openapi-core ------------------------------------------------------------------

REQUEST_SAMPLES = [
    ("valid chat", "POST", "/chat/completions", CHAT, True),
    ("chat without messages", "POST", "/chat/completions", {"model": "gpt-4o"}, False),
    ("chat n out of range", "POST", "/chat/completions", {**CHAT, "n": 130}, False),
    ("chat content of a wrong type", "POST", "/chat/completions",
     {**CHAT, "messages": [{"role": "user", "content": {}}]}, False),
    ("chat temperature as a string", "POST", "/chat/completions", {**CHAT, "temperature": "hot"}, False),
    ("fine-tune learning_rate_multiplier 0.5", "POST", "/fine_tuning/jobs", FINE_TUNE, True),
    ("fine-tune without training_file", "POST", "/fine_tuning/jobs", {"model": "gpt-4o-mini"}, False),
    ("run request", "POST", "/threads/{thread_id}/runs", {"assistant_id": "asst_1", "stream": True}, True),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "method", "path", "body", "valid"), REQUEST_SAMPLES, ids=[s[0] for s in REQUEST_SAMPLES]
)
def test_requests_agree_with_openapi_core(
    contract: Contract, name: str, method: str, path: str, body: Any, valid: bool
) -> None:
    assert body_ok(contract, method, path, body) is valid
    assert (reference_validate_request(method, path, body) == []) is valid


def test_unknown_top_level_key_is_stricter_than_the_document(contract: Contract) -> None:
    """The document's objects are open, so openapi-core accepts it; the real API answers 400."""
    body = {**CHAT, "temperatur": 1}
    assert reference_validate_request("POST", "/chat/completions", body) == []
    assert body_error(contract, "POST", "/chat/completions", body).message == (
        "Unrecognized request argument supplied: temperatur"
    )


def test_multipart_upload_agrees_with_openapi_core(contract: Contract) -> None:
    op = contract.operation("POST", "/files")
    assert op is not None
    fields = {"file": b'{"a": 1}\n', "purpose": "batch"}
    typed = op.coerce_form({k: [v] for k, v in fields.items()})
    op.validate_body(typed, "multipart/form-data")
    assert reference_validate_request("POST", "/files", fields, content_type="multipart/form-data") == []
    bad = {"file": b"x", "purpose": "nope"}
    assert not body_ok(
        contract, "POST", "/files", op.coerce_form({k: [v] for k, v in bad.items()}), "multipart/form-data"
    )
    assert reference_validate_request("POST", "/files", bad, content_type="multipart/form-data") != []


RESPONSE_SAMPLES = [
    ("valid OpenAIFile", "GET", "/files/{file_id}", FILE, True),
    ("OpenAIFile without bytes", "GET", "/files/{file_id}", {k: v for k, v in FILE.items() if k != "bytes"}, False),
    ("OpenAIFile with string bytes", "GET", "/files/{file_id}", {**FILE, "bytes": "170"}, False),
    ("run with null required_action", "GET", "/threads/{thread_id}/runs/{run_id}", RUN, True),
    ("run with unknown status", "GET", "/threads/{thread_id}/runs/{run_id}", {**RUN, "status": "paused"}, False),
    ("list of 20 messages", "GET", "/threads/{thread_id}/messages",
     {"object": "list", "data": [MESSAGE] * 20, "first_id": "msg_abc", "last_id": "msg_abc", "has_more": False}, True),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "method", "path", "body", "valid"), RESPONSE_SAMPLES, ids=[s[0] for s in RESPONSE_SAMPLES]
)
def test_responses_agree_with_openapi_core(
    contract: Contract, name: str, method: str, path: str, body: Any, valid: bool
) -> None:
    op = contract.operation(method, path)
    assert op is not None
    assert (op.validate_response(200, body) == []) is valid
    assert (reference_validate_response(method, path, 200, body) == []) is valid


def test_response_violations_are_readable(contract: Contract) -> None:
    op = contract.operation("GET", "/files/{file_id}")
    assert op is not None
    assert op.validate_response(200, {k: v for k, v in FILE.items() if k != "bytes"}) == [
        '200 (root): "bytes" is a required property'
    ]
    assert op.validate_response(200, {**FILE, "bytes": "1"}) == ["200 bytes: expected an integer, got a string"]


def test_error_statuses_are_checked_against_the_overlay_envelope(contract: Contract) -> None:
    op = contract.operation("get", "/files/{file_id}")
    assert op is not None
    good = APIError(404, "No such File object: x", param="id").body()
    assert op.validate_response(404, good) == []
    assert op.validate_response(500, {"error": {"message": "boom", "type": "server_error"}}) != []
    assert op.validate_response(200, FILE, "application/json; charset=utf-8") == []
    assert op.validate_response(200, b"\x00", "application/octet-stream") == []
    assert op.validate_response(304, FILE) == ["status 304 is not declared (declared: 200)"]


# -- the real API's wording --------------------------------------------------------------------------

WORDING = [
    ({"model": "gpt-4o"}, "Missing required parameter: 'messages'.", "missing_required_parameter", "messages"),
    ({**CHAT, "messages": [{"role": "user", "content": [{"type": "text"}]}]},
     "Missing required parameter: 'messages[0].content[0].text'.", "missing_required_parameter",
     "messages[0].content[0].text"),
    ({**CHAT, "foo": 1}, "Unrecognized request argument supplied: foo", None, None),
    ({**CHAT, "tools": [{"type": "function", "function": {"name": "f"}, "foo": 1}]},
     "Unknown parameter: 'tools[0].foo'.", "unknown_parameter", "tools[0].foo"),
    ({**CHAT, "messages": [{"role": "user", "content": "a"}, {"role": "user", "content": {}}]},
     "Invalid type for 'messages[1].content': expected one of a string or array of objects, but got an object "
     "instead.", "invalid_type", "messages[1].content"),
    ({**CHAT, "temperature": "hot"}, "Invalid type for 'temperature': expected a decimal, but got a string instead.",
     "invalid_type", "temperature"),
    ({**CHAT, "n": "2"}, "Invalid type for 'n': expected an integer, but got a string instead.", "invalid_type", "n"),
    ({**CHAT, "n": 130}, "Invalid 'n': integer above maximum value. Expected a value <= 128, but got 130 instead.",
     "integer_above_max_value", "n"),
    ({**CHAT, "n": 0}, "Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 instead.",
     "integer_below_min_value", "n"),
    ({**CHAT, "temperature": 2.5},
     "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 2.5 instead.",
     "decimal_above_max_value", "temperature"),
    ({**CHAT, "tools": [{"type": "function", "function": {"name": "f"}}] * 325},
     "Invalid 'tools': array too long. Expected an array with maximum length 128, but got an array with length 325 "
     "instead.", "array_above_max_length", "tools"),
    ({**CHAT, "messages": []},
     "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
     "empty_array", "messages"),
    ({**CHAT, "metadata": {str(i): "v" for i in range(17)}},
     "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object "
     "with 17 properties instead.", "object_above_max_properties", "metadata"),
    ({**CHAT, "messages": [{"role": "xyz", "content": "a"}]},
     "Invalid value: 'xyz'. Supported values are: 'developer', 'system', 'user', 'assistant', 'tool', and "
     "'function'.", "invalid_value", "messages[0].role"),
    ({**CHAT, "tool_choice": "sometimes"},
     "Invalid value: 'sometimes'. Supported values are: 'none', 'auto', and 'required'.", "invalid_value",
     "tool_choice"),
    ({**CHAT, "stop": 5}, "Invalid type for 'stop': expected one of a string or array of strings, but got an "
     "integer instead.", "invalid_type", "stop"),
    ({**CHAT, "tools": [{"type": "function", "function": {"name": "no spaces"}}]},
     "Invalid 'tools[0].function.name': string does not match pattern. Expected a string that matches the pattern "
     "'^[a-zA-Z0-9_-]+$'.", "invalid_value", "tools[0].function.name"),
    ([CHAT], "Invalid type for request body: expected an object, but got an array instead.", "invalid_type", None),
]  # fmt: skip


@pytest.mark.parametrize(("body", "message", "code", "param"), WORDING, ids=[w[1][:60] for w in WORDING])
def test_chat_errors_use_the_real_wording(
    contract: Contract, body: Any, message: str, code: str | None, param: str | None
) -> None:
    error = body_error(contract, "POST", "/chat/completions", body)
    assert (error.message, error.code, error.param) == (message, code, param)


def test_missing_required_wins_over_other_problems(contract: Contract) -> None:
    error = body_error(contract, "POST", "/chat/completions", {"model": "gpt-4o", "foo": 1, "n": 500})
    assert error.code == "missing_required_parameter"
    error = body_error(contract, "POST", "/chat/completions", {**CHAT, "foo": 1, "n": 500})
    assert error.message == "Unrecognized request argument supplied: foo"


def test_string_and_fine_tuning_bounds(contract: Contract) -> None:
    error = body_error(contract, "POST", "/fine_tuning/jobs", {**FINE_TUNE, "suffix": "x" * 70})
    assert error.message == (
        "Invalid 'suffix': string too long. Expected a string with maximum length 64, but got a string with length "
        "70 instead."
    )
    assert error.code == "string_above_max_length"
    error = body_error(contract, "POST", "/fine_tuning/jobs", {**FINE_TUNE, "suffix": ""})
    assert (error.code, error.param) == ("empty_string", "suffix")
    hyper = {"type": "supervised", "supervised": {"hyperparameters": {"learning_rate_multiplier": 0}}}
    error = body_error(contract, "POST", "/fine_tuning/jobs", {**FINE_TUNE, "method": hyper})
    assert error.code == "decimal_below_min_value" and "Expected a value > 0, but got 0 instead." in error.message


def test_param_names() -> None:
    assert param_name(["messages", 1, "content"]) == "messages[1].content"
    assert param_name(["tools", 0, "function", "name"]) == "tools[0].function.name"
    assert param_name([]) is None


# -- query strings and forms ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("0", "integer_below_min_value", "Invalid 'limit': integer below minimum value. Expected a value >= 1, "
         "but got 0 instead."),
        ("101", "integer_above_max_value", "Invalid 'limit': integer above maximum value. Expected a value <= 100, "
         "but got 101 instead."),
        ("abc", "invalid_type", "Invalid type for 'limit': expected an integer, but got a string instead."),
    ],
)  # fmt: skip
def test_query_limit_violations(contract: Contract, value: str, code: str, message: str) -> None:
    op = contract.operation("GET", "/batches")
    assert op is not None
    with pytest.raises(APIError) as info:
        op.validate_query({"limit": [value]})
    assert (info.value.status, info.value.code, info.value.param, info.value.message) == (400, code, "limit", message)


def test_query_coercion_and_defaults(contract: Contract) -> None:
    def query(method: str, path: str, params: dict[str, list[str]]) -> dict[str, Any]:
        op = contract.operation(method, path)
        assert op is not None
        return op.validate_query(params)

    assert query("GET", "/batches", {}) == {"limit": 20}
    assert query("GET", "/batches", {"limit": ["5"], "after": ["batch_1"], "unknown": ["x"]}) == {
        "limit": 5,
        "after": "batch_1",
    }
    assert query("GET", "/files", {}) == {"limit": 10000, "order": "desc"}
    assert query("GET", "/chat/completions", {"metadata[k]": ["v"], "limit": ["3"]}) == {
        "metadata": {"k": "v"},
        "limit": 3,
        "order": "asc",
    }
    steps = "/threads/{thread_id}/runs/{run_id}/steps"
    include = "step_details.tool_calls[*].file_search.results[*].content"
    assert query("GET", steps, {"include[]": [include]})["include"] == [include]
    assert query("GET", "/organization/audit_logs", {"effective_at[gt]": ["5"], "project_ids[]": ["a", "b"]}) == {
        "effective_at": {"gt": 5},
        "project_ids": ["a", "b"],
        "limit": 20,
    }
    with pytest.raises(APIError) as info:
        query("GET", "/files", {"order": ["sideways"]})
    assert (info.value.code, info.value.param) == ("invalid_value", "order")
    with pytest.raises(APIError) as info:
        query("GET", "/organization/costs", {})
    assert info.value.message == "Missing required parameter: 'start_time'."


def test_form_coercion(contract: Contract) -> None:
    op = contract.operation("POST", "/audio/transcriptions")
    assert op is not None
    typed = op.coerce_form(
        {
            "file": [b"RIFF"],
            "model": ["whisper-1"],
            "timestamp_granularities[]": ["word", "segment"],
            "temperature": ["0.2"],
            "stream": ["false"],
        }
    )
    assert typed == {
        "file": b"RIFF",
        "model": "whisper-1",
        "timestamp_granularities": ["word", "segment"],
        "temperature": 0.2,
        "stream": False,
    }
    op.validate_body(typed, "multipart/form-data")
    files = contract.operation("POST", "/files")
    assert files is not None
    typed = files.coerce_form(
        {
            "file": [b"x"],
            "purpose": ["batch"],
            "expires_after[anchor]": ["created_at"],
            "expires_after[seconds]": ["60"],
        }
    )
    assert typed["expires_after"] == {"anchor": "created_at", "seconds": 60}
    error = body_error(contract, "POST", "/files", typed, "multipart/form-data")
    assert (error.code, error.param) == ("integer_below_min_value", "expires_after.seconds")
    edits = contract.operation("POST", "/images/edits")
    assert edits is not None
    typed = edits.coerce_form({"image[]": [b"a", b"b"], "prompt": ["otter"], "n": ["2"]})
    assert typed == {"image": [b"a", b"b"], "prompt": "otter", "n": 2}
    edits.validate_body(typed, "multipart/form-data")


# -- streams and headers --------------------------------------------------------------------------------------


def test_sse_events(contract: Contract) -> None:
    runs = contract.operation("POST", "/threads/{thread_id}/runs")
    chat = contract.operation("POST", "/chat/completions")
    assert runs is not None and chat is not None
    assert runs.validate_sse_event("thread.run.created", RUN) == []
    assert runs.validate_sse_event("thread.message.completed", MESSAGE) == []
    assert runs.validate_sse_event("thread.run.step.delta", RUN) != []
    assert runs.validate_sse_event("done", "[DONE]") == []
    assert runs.validate_sse_event(None, "[DONE]") != []
    assert runs.validate_sse_event("thread.run.bogus", RUN) != []
    assert runs.validate_sse_event("error", APIError(500, "x", type="server_error").body()) == []
    chunk = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": {"content": "Hi"}, "logprobs": None, "finish_reason": None}],
    }
    assert chat.validate_sse_event(None, chunk) == []
    assert chat.validate_sse_event(None, '{"id": "chatcmpl-1"}') != []
    assert chat.validate_sse_event(None, "[DONE]") == []
    files = contract.operation("GET", "/files")
    assert files is not None and files.validate_sse_event(None, {}) != []


def test_overlay_headers(contract: Contract) -> None:
    good = {
        "x-request-id": "req_" + "a" * 32,
        "openai-processing-ms": "12",
        "openai-version": "2020-10-01",
        "x-ratelimit-reset-requests": "120ms",
        "x-ratelimit-reset-tokens": "6m0s",
    }
    assert contract.validate_headers(good, 200) == []
    assert contract.validate_headers({**good, "retry-after": "2"}, 429) == []
    problems = contract.validate_headers({"x-request-id": "req_1", "x-ratelimit-reset-tokens": "soon"}, 200)
    assert len(problems) == 4


def test_overlay_names_exist_in_the_document(contract: Contract) -> None:
    for entry in contract.overlay["streams"].values():
        for names in entry["events"].values():
            for name in names if isinstance(names, list) else [names]:
                assert contract.schema(name) is not None, name
    for key in contract.overlay["query_parameters"]:
        if key != "source":
            method, path = key.split(" ", 1)
            assert contract.operation(method, path) is not None, key


def test_operation_lookup(contract: Contract) -> None:
    op = contract.operation("post", "/chat/completions")
    assert op is contract.operation("POST", "/chat/completions")
    assert (
        op is not None
        and op.operation_id == "createChatCompletion"
        and op.request_content_types == ["application/json"]
    )
    assert contract.operation("GET", "/v1/files") is None
    assert ("GET", "/files/{file_id}", "retrieveFile") in set(contract.operations())


def test_validators_are_rust_speed(contract: Contract) -> None:
    """Compiled once per operation, then microseconds a call (generous bound for slow CI machines)."""
    import time

    op = contract.operation("POST", "/chat/completions")
    assert op is not None
    op.validate_body(CHAT)
    started = time.perf_counter()
    for _ in range(1000):
        op.validate_body(CHAT)
    assert (time.perf_counter() - started) / 1000 < 0.0005
    assert isinstance(op._body_validator("application/json").validator, jsonschema_rs.Draft202012Validator)
