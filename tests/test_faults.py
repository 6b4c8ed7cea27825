"""Fault injection (issue 5): real error bodies and headers, network faults, stream faults, targeting,
triggers, the three ways to set rules, and the journal, all through the official SDK where a user would."""

from __future__ import annotations

import itertools
from pathlib import Path

import httpx
import openai
import pytest

from mockapi.config import Config
from mockapi.fake import Fake
from mockapi.faults import DIRECTIVE_HEADER, Rule
from mockapi.streaming import DONE, EventStream, Pause, SSEEvent

ROOT = Path(__file__).resolve().parent.parent
CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Tell me a story about a cat."}]}


def _client(fake: Fake, **kwargs):
    kwargs.setdefault("max_retries", 0)
    return fake.openai_client(_strict_response_validation=True, **kwargs)


def _faults(fake: Fake) -> list[str | None]:
    return [e.fault for e in fake.journal.entries()]


def _numbered_stream(count: int = 5) -> EventStream:
    return EventStream([*(SSEEvent({"i": i}) for i in range(count)), SSEEvent(DONE)])


def _add_test_stream(fake: Fake) -> None:
    fake.router.add("POST", "/test/stream", lambda ctx: _numbered_stream())


def _read_events(http: httpx.Client, body: dict | None = None) -> list[str]:
    events = []
    with http.stream("POST", "/v1/test/stream", json=body or {"stream": True}) as response:
        for line in response.iter_lines():
            if line.startswith("data: "):
                events.append(line[6:])
    return events


# -- retries, Retry-After and the journal --------------------------------------------------------


def test_sdk_retries_429_honours_retry_after_then_succeeds(mockapi) -> None:
    rule = mockapi.faults.add("rate_limit", operation="GET /models", times=2, retry_after_ms=10)
    client = _client(mockapi, max_retries=3)

    assert client.models.list().data

    entries = mockapi.journal.entries(path="/v1/models")
    assert [e.status for e in entries] == [429, 429, 200]
    assert [e.fault for e in entries] == [rule.id, rule.id, None]
    assert [e.headers["x-stainless-retry-count"] for e in entries] == ["0", "1", "2"]
    # The SDK waited at least retry-after-ms (10 ms) between attempts.
    spacing = [b.time - a.time for a, b in itertools.pairwise(entries)]
    assert all(gap >= 0.010 for gap in spacing), spacing
    assert rule.fired == 2 and rule.exhausted


def test_rate_limit_error_surfaces_with_real_body_and_headers(mockapi) -> None:
    mockapi.faults.add("rate_limit", retry_after=2)
    with pytest.raises(openai.RateLimitError) as caught:
        _client(mockapi).chat.completions.create(**CHAT)
    error = caught.value
    assert error.status_code == 429
    assert error.code == "rate_limit_exceeded"
    assert error.type == "requests"
    assert error.body["message"] == (
        "Rate limit reached for gpt-4o-mini in organization user-mockapi on requests per min (RPM): Limit 60, "
        "Used 60, Requested 1. Please try again in 2s. Visit https://platform.openai.com/account/rate-limits to "
        "learn more."
    )
    headers = error.response.headers
    assert headers["retry-after"] == "2"
    assert headers["retry-after-ms"] == "2000"
    assert headers["x-ratelimit-limit-requests"] == "60"
    assert headers["x-ratelimit-remaining-requests"] == "0"
    assert headers["x-ratelimit-reset-requests"] == "2s"
    assert headers["x-ratelimit-limit-tokens"] == "150000"
    assert headers["x-ratelimit-reset-tokens"] == "0s"
    assert error.request_id == headers["x-request-id"]
    assert DIRECTIVE_HEADER not in headers  # which rule fired stays in the journal


def test_insufficient_quota_has_no_retry_after(mockapi) -> None:
    mockapi.faults.add("insufficient_quota")
    with pytest.raises(openai.RateLimitError) as caught:
        _client(mockapi).models.list()
    error = caught.value
    assert error.code == "insufficient_quota" and error.type == "insufficient_quota"
    assert error.body["message"].startswith("You exceeded your current quota, please check your plan and billing")
    assert "retry-after" not in error.response.headers
    assert "retry-after-ms" not in error.response.headers


ERRORS = [
    # (kind, settings, SDK exception, status, type, code, message start)
    ("server_error", {}, openai.InternalServerError, 500, "server_error", "server_error",
     "An error occurred while processing your request. You can retry your request, or contact us through our help"),
    ("overloaded", {}, openai.InternalServerError, 503, "server_error", None,
     "That model is currently overloaded with other requests. You can retry your request"),
    # Cloudflare's JSON puts the status number in "code"; the SDK hands it over as a string.
    ("bad_gateway", {}, openai.InternalServerError, 502, "cf_bad_gateway", "502", "Bad gateway."),
    ("gateway_timeout", {}, openai.InternalServerError, 504, "cf_gateway_timeout", "504", "Gateway timeout."),
    ("error", {"status": 400}, openai.BadRequestError, 400, "invalid_request_error", None,
     "We could not parse the JSON body of your request."),
    ("error", {"status": 401}, openai.AuthenticationError, 401, "invalid_request_error", "invalid_api_key",
     "Incorrect API key provided: "),
    ("error", {"status": 403}, openai.PermissionDeniedError, 403, "request_forbidden",
     "unsupported_country_region_territory", "Country, region, or territory not supported"),
    ("error", {"status": 404}, openai.NotFoundError, 404, "invalid_request_error", "model_not_found",
     "The model `gpt-4o-mini` does not exist or you do not have access to it."),
    ("error", {"status": 408, "message": "Slow down."}, openai.APIStatusError, 408, "timeout", None, "Slow down."),
    ("error", {"status": 409, "message": "Busy object.", "code": "conflict", "param": "thread_id"},
     openai.ConflictError, 409, "invalid_request_error", "conflict", "Busy object."),
    ("503", {}, openai.InternalServerError, 503, "server_error", None, "That model is currently overloaded"),
    ("error", {"status": 400, "message": "Custom.", "type": "custom_type", "code": "custom_code", "param": "n"},
     openai.BadRequestError, 400, "custom_type", "custom_code", "Custom."),
]


@pytest.mark.parametrize(("kind", "settings", "exc", "status", "type_", "code", "message"), ERRORS,
                         ids=[f"{e[0]}-{e[3]}" for e in ERRORS])
def test_error_faults_render_the_real_envelope(mockapi, kind, settings, exc, status, type_, code, message) -> None:
    mockapi.faults.add(kind, **settings)
    with pytest.raises(exc) as caught:
        _client(mockapi).chat.completions.create(**CHAT)
    error = caught.value
    assert error.status_code == status
    body = error.response.json()
    assert set(body["error"]) == {"message", "type", "param", "code"}
    assert error.type == type_
    assert error.code == code
    assert error.body["message"].startswith(message)
    assert error.param == settings.get("param")
    assert error.response.headers["content-type"] == "application/json"
    if kind in ("server_error", "overloaded"):  # the message names this response's request id
        assert f"request ID {error.response.headers['x-request-id']} in your message" in error.body["message"]


def test_bad_gateway_can_be_cloudflare_html(http, mockapi) -> None:
    mockapi.faults.add("bad_gateway", html=True)
    response = http.get("/v1/models")
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert "<title>502 Bad Gateway</title>" in response.text


def test_503_then_success_for_assistants_run_create(mockapi) -> None:
    client = _client(mockapi, max_retries=2)
    thread_id, assistant_id = _run_fixture(mockapi, client)
    rule = mockapi.faults.add("overloaded", operation="POST /threads/{thread_id}/runs", times=1, retry_after_ms=5)

    run = client.beta.threads.runs.create(thread_id, assistant_id=assistant_id)

    assert run.thread_id == thread_id
    entries = mockapi.journal.entries(path=f"/v1/threads/{thread_id}/runs", method="POST")
    assert [(e.status, e.fault) for e in entries] == [(503, rule.id), (200, None)]
    # An HTTP fault is not a failed run: the run that was created is not failed.
    assert run.status != "failed" and run.last_error is None


def _run_fixture(fake: Fake, client: openai.OpenAI) -> tuple[str, str]:
    """A thread and an assistant through the real routes, or a stub run route while runs are not built."""
    if any(r.name == "POST /threads/{thread_id}/runs" for r in fake.router.routes):
        assistant = client.beta.assistants.create(model="gpt-4o-mini")
        thread = client.beta.threads.create()
        return thread.id, assistant.id

    def create_run(ctx):
        run = {
            "id": "run_stub", "object": "thread.run", "created_at": ctx.now, "assistant_id": ctx.body["assistant_id"],
            "thread_id": ctx.params["thread_id"], "status": "queued", "instructions": "", "model": "gpt-4o-mini",
            "tools": [], "parallel_tool_calls": True, "metadata": {},
        }
        if ctx.body.get("stream"):
            return EventStream([
                SSEEvent(run, event="thread.run.created"),
                SSEEvent({**run, "status": "in_progress"}, event="thread.run.in_progress"),
                SSEEvent({**run, "status": "completed"}, event="thread.run.completed"),
                SSEEvent("[DONE]", event="done"),
            ])
        return run

    fake.router.add("POST", "/threads/{thread_id}/runs", create_run, beta=True)
    return "thread_stub", "asst_stub"


# -- network faults ----------------------------------------------------------------------------------


def test_hang_fires_the_client_timeout(mockapi) -> None:
    rule = mockapi.faults.add("hang", path="/v1/models")
    with pytest.raises(openai.APITimeoutError):
        _client(mockapi, timeout=0.2).models.list()
    assert mockapi.journal.entries()[-1].status == 0  # nothing was ever sent
    assert _faults(mockapi) == [rule.id]


def test_reset_is_a_connection_error_and_is_retried(mockapi) -> None:
    rule = mockapi.faults.add("reset", times=1)
    client = _client(mockapi, max_retries=1)
    assert client.models.list().data  # a reset, then the retry gets through
    assert _faults(mockapi) == [rule.id, None]

    mockapi.faults.add("reset")
    with pytest.raises(openai.APIConnectionError):
        _client(mockapi).models.list()


def test_empty_200(http, mockapi) -> None:
    mockapi.faults.add("empty", times=1)
    response = http.get("/v1/models")
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-type"] == "application/json"


def test_latency_delays_the_response(mockapi) -> None:
    import time

    rule = mockapi.faults.add("latency", delay=0.05, jitter=0.01)
    started = time.perf_counter()
    assert _client(mockapi).models.list().data
    assert time.perf_counter() - started >= 0.05
    assert _faults(mockapi) == [rule.id]


# -- stream faults -----------------------------------------------------------------------------------


def test_stream_cut_after_k_events_on_a_test_route(http, mockapi) -> None:
    _add_test_stream(mockapi)
    mockapi.faults.add("stream_cut", path="/test/stream", after=2, times=1)
    received: list[str] = []
    with pytest.raises(httpx.RemoteProtocolError), http.stream("POST", "/v1/test/stream", json={"stream": True}) as r:
        for line in r.iter_lines():
            if line.startswith("data: "):
                received.append(line[6:])
    assert received == ['{"i":0}', '{"i":1}']
    # The rule is used up: the next stream is whole.
    assert _read_events(http)[-1] == DONE


def test_stream_faults_only_match_streaming_requests(http, mockapi) -> None:
    _add_test_stream(mockapi)
    rule = mockapi.faults.add("stream_cut", after=0)
    assert http.get("/v1/models").status_code == 200
    assert _read_events(http, {"stream": False})[-1] == DONE
    assert rule.matched == 0


def test_malformed_sse_line(http, mockapi) -> None:
    _add_test_stream(mockapi)
    mockapi.faults.add("malformed_sse", after=1, line="data: {not json")
    events = _read_events(http)
    assert events[:3] == ['{"i":0}', "{not json", '{"i":1}']


def test_per_event_latency_uses_pauses_between_events(http, mockapi) -> None:
    import time

    _add_test_stream(mockapi)
    mockapi.faults.add("latency", per_event=0.01)
    started = time.perf_counter()
    assert len(_read_events(http)) == 6
    assert time.perf_counter() - started >= 0.05  # 5 gaps between 6 events


def test_handler_pauses_still_apply_under_a_fault(http, mockapi) -> None:
    mockapi.router.add("POST", "/test/paused", lambda ctx: EventStream([SSEEvent({"a": 1}), Pause(0), SSEEvent(DONE)]))
    mockapi.faults.add("latency", per_event=0.001)
    with http.stream("POST", "/v1/test/paused", json={"stream": True}) as response:
        lines = [line for line in response.iter_lines() if line]
    assert lines == ['data: {"a":1}', f"data: {DONE}"]


def test_cut_chat_completion_stream_raises_while_iterating(mockapi) -> None:
    mockapi.faults.add("stream_cut", operation="POST /chat/completions", after=2)
    chunks = []
    with pytest.raises(openai.APIConnectionError):
        for chunk in _client(mockapi).chat.completions.create(**CHAT, stream=True):
            chunks.append(chunk)
    assert len(chunks) == 2


def test_malformed_chat_completion_stream_raises_while_iterating(mockapi) -> None:
    mockapi.faults.add("malformed_sse", operation="createChatCompletion", after=1)
    chunks = []
    with pytest.raises(ValueError):  # json.JSONDecodeError
        for chunk in _client(mockapi).chat.completions.create(**CHAT, stream=True):
            chunks.append(chunk)
    assert len(chunks) == 1


def test_cut_assistants_run_stream_raises_while_iterating(mockapi) -> None:
    client = _client(mockapi)
    thread_id, assistant_id = _run_fixture(mockapi, client)
    mockapi.faults.add("stream_cut", operation="POST /threads/{thread_id}/runs", thread_id=thread_id, after=1)
    events = []
    with pytest.raises(openai.APIConnectionError):
        for event in client.beta.threads.runs.create(thread_id, assistant_id=assistant_id, stream=True):
            events.append(event.event)
    assert events == ["thread.run.created"]


def test_streamed_request_that_fails_gets_plain_json(mockapi) -> None:
    """The SDK checks the status before reading: a failing stream=true request gets a JSON error."""
    mockapi.faults.add("server_error")
    with pytest.raises(openai.InternalServerError) as caught:
        _client(mockapi).chat.completions.create(**CHAT, stream=True)
    assert caught.value.response.headers["content-type"] == "application/json"


# -- over a real socket ------------------------------------------------------------------------------


def test_network_faults_over_uvicorn(mockapi, mockapi_server) -> None:
    client = openai.OpenAI(base_url=mockapi_server.base_url, api_key="sk-test", max_retries=0)
    mockapi.faults.add("reset", times=1)
    with pytest.raises(openai.APIConnectionError):
        client.models.list()
    mockapi.faults.add("hang", times=1)
    with pytest.raises(openai.APITimeoutError):
        client.with_options(timeout=0.2).models.list()
    mockapi.faults.add("stream_cut", after=1, times=1)
    chunks = []
    with pytest.raises(openai.APIConnectionError):
        for chunk in client.chat.completions.create(**CHAT, stream=True):
            chunks.append(chunk)
    assert len(chunks) == 1
    assert client.models.list().data  # and the server is fine afterwards
    client.close()


# -- targeting -------------------------------------------------------------------------------------


def test_targeting_by_operation_path_method_model_and_key(http, mockapi) -> None:
    faults = mockapi.faults
    by_model = faults.add("server_error", model="gpt-4o*")
    by_key = faults.add("error", status=403, api_key="sk-blocked")
    by_path = faults.add("error", status=404, path="/v1/models/*", method="GET")

    assert http.post("/v1/chat/completions", json={**CHAT, "model": "gpt-4o"}).status_code == 500
    assert http.post("/v1/chat/completions", json={**CHAT, "model": "gpt-3.5-turbo"}).status_code == 200
    assert http.get("/v1/models", headers={"Authorization": "Bearer sk-blocked"}).status_code == 403
    assert http.get("/v1/models").status_code == 200
    assert http.get("/v1/models/gpt-4o").status_code == 404
    assert _faults(mockapi) == [by_model.id, None, by_key.id, None, by_path.id]


def test_targeting_assistant_thread_and_run_ids(mockapi) -> None:
    seen = []
    mockapi.router.add("POST", "/threads/{thread_id}/runs/{run_id}/test", lambda ctx: seen.append(1) or {})
    by_run = mockapi.faults.add("server_error", run_id="run_b")
    by_thread = mockapi.faults.add("error", status=409, thread_id="thread_a")
    by_assistant = mockapi.faults.add("error", status=400, assistant_id="asst_x")
    with mockapi.http_client() as http:
        assert http.post("/v1/threads/thread_z/runs/run_b/test", json={}).status_code == 500
        assert http.post("/v1/threads/thread_a/runs/run_a/test", json={}).status_code == 409
        assert http.post("/v1/threads/thread_z/runs/run_a/test", json={"assistant_id": "asst_x"}).status_code == 400
        assert http.post("/v1/threads/thread_z/runs/run_a/test", json={"assistant_id": "asst_y"}).status_code == 200
    assert _faults(mockapi) == [by_run.id, by_thread.id, by_assistant.id, None]
    assert seen == [1]  # a fault answers instead of the handler


def test_first_matching_rule_wins_and_rules_can_be_removed(http, mockapi) -> None:
    first = mockapi.faults.add("error", status=404, path="/models")
    second = mockapi.faults.add("server_error")
    assert http.get("/v1/models").status_code == 404
    assert http.post("/v1/chat/completions", json=CHAT).status_code == 500
    assert second.matched == 1  # the request the first rule took was never offered to the second
    mockapi.faults.remove(first.id)
    assert http.get("/v1/models").status_code == 500
    mockapi.faults.clear()
    assert http.get("/v1/models").status_code == 200
    with pytest.raises(KeyError):
        mockapi.faults.remove(first.id)


def test_a_rule_that_does_not_fire_lets_the_next_one_try(http, mockapi) -> None:
    every_other = mockapi.faults.add("error", status=409, every=2)
    fallback = mockapi.faults.add("latency")
    for _ in range(4):
        http.get("/v1/models")
    assert _faults(mockapi) == [fallback.id, every_other.id, fallback.id, every_other.id]


def test_same_id_replaces_a_rule(mockapi) -> None:
    mockapi.faults.add("server_error", id="flaky")
    mockapi.faults.add("overloaded", id="flaky")
    assert [(r.id, r.kind) for r in mockapi.faults.list()] == [("flaky", "overloaded")]


def test_invalid_rules_are_refused() -> None:
    for kind, settings in [("explode", {}), ("error", {"status": 200}), ("server_error", {"status": 502}),
                           ("reset", {"times": 0}), ("reset", {"probability": 2}), ("rate_limit", {"on": "x"})]:
        with pytest.raises(ValueError):
            Rule(kind=kind, **settings)
    with pytest.raises(ValueError):
        Fake().faults.add("reset", colour="red")


# -- triggers ----------------------------------------------------------------------------------------


def test_next_n_and_every_kth(http, mockapi) -> None:
    next_two = mockapi.faults.add("error", status=409, path="/models", times=2)
    every_third = mockapi.faults.add("server_error", path="/models/*", every=3)
    statuses = [http.get("/v1/models").status_code for _ in range(4)]
    statuses += [http.get("/v1/models/gpt-4o").status_code for _ in range(6)]
    assert statuses == [409, 409, 200, 200, 200, 200, 500, 200, 200, 500]
    assert (next_two.fired, next_two.exhausted) == (2, True)
    assert (every_third.matched, every_third.fired) == (6, 2)


def _failure_pattern(seed: int) -> list[int]:
    fake = Fake()
    fake.faults.add("server_error", probability=0.3, seed=seed)
    with fake.http_client() as http:
        return [http.get("/v1/models").status_code for _ in range(40)]


def test_probability_with_a_seed_is_reproducible() -> None:
    first = _failure_pattern(seed=7)
    assert first == _failure_pattern(seed=7)
    assert 0 < first.count(500) < 40
    assert first != _failure_pattern(seed=8)


@pytest.mark.mockapi(manual_clock=True)
def test_time_window_on_the_shared_clock(http, mockapi) -> None:
    rule = mockapi.faults.add("overloaded", start_in=10, duration=5)
    assert http.get("/v1/models").status_code == 200
    mockapi.advance(10)
    assert http.get("/v1/models").status_code == 503
    mockapi.advance(4.9)
    assert http.get("/v1/models").status_code == 503
    mockapi.advance(0.1)
    assert http.get("/v1/models").status_code == 200
    assert rule.matched == 2  # requests outside the window do not count


# -- the three ways to set rules ------------------------------------------------------------------


def test_control_plane_http(http, mockapi) -> None:
    created = http.post("/__mockapi__/faults", json={"kind": "overloaded", "path": "/models", "times": 1}).json()
    assert created["kind"] == "overloaded" and created["id"].startswith("fault_")
    several = http.post("/__mockapi__/faults", json={"faults": [{"kind": "reset", "id": "r1", "method": "DELETE"},
                                                                {"kind": "500", "id": "r2", "path": "/nowhere"}]})
    assert [r["id"] for r in several.json()["data"]] == ["r1", "r2"]

    assert http.get("/v1/models").status_code == 503
    listed = http.get("/__mockapi__/faults").json()["data"]
    assert [(r["id"], r["fired"], r["exhausted"]) for r in listed] == [
        (created["id"], 1, True), ("r1", 0, False), ("r2", 0, False)]
    assert http.get("/__mockapi__/faults/r2").json()["status"] == 500

    assert http.delete("/__mockapi__/faults/r1").json() == {"id": "r1", "object": "fault", "deleted": True}
    assert http.delete("/__mockapi__/faults/r1").status_code == 404
    assert http.get("/__mockapi__/faults/nope").status_code == 404
    bad = http.post("/__mockapi__/faults", json={"kind": "explode"})
    assert bad.status_code == 400 and "unknown fault kind" in bad.json()["error"]["message"]
    assert http.post("/__mockapi__/faults", json={"path": "/x"}).status_code == 400
    assert http.delete("/__mockapi__/faults").json()["data"] == []
    assert len(mockapi.faults) == 0


def test_config_file_rules_load_and_survive_reset() -> None:
    config = Config.from_file(ROOT / "fixtures" / "faults.example.yaml")
    fake = Fake(config)
    ids = [r.id for r in fake.faults.list()]
    assert ids and len(ids) == len(config.extra["faults"])
    assert fake.rate_limits.enabled
    fake.faults.add("reset", id="ad-hoc")
    fake.faults.list()[0].fired = 3
    fake.reset()
    assert [r.id for r in fake.faults.list()] == ids
    assert fake.faults.list()[0].fired == 0


def test_config_faults_apply() -> None:
    fake = Fake(Config.from_dict({"faults": [{"kind": "overloaded", "path": "/models", "times": 1, "id": "cfg"}]}))
    with fake.http_client() as client:
        assert client.get("/v1/models").status_code == 503
        assert client.get("/v1/models").status_code == 200
    assert [e.fault for e in fake.journal.entries()] == ["cfg", None]


def test_directive_header_for_one_request(mockapi) -> None:
    client = _client(mockapi)
    with pytest.raises(openai.InternalServerError) as caught:
        client.models.list(extra_headers={DIRECTIVE_HEADER: "overloaded"})
    assert caught.value.status_code == 503
    with pytest.raises(openai.NotFoundError) as caught:
        client.models.list(extra_headers={DIRECTIVE_HEADER: 'error; status=404; message="Gone; for good."'})
    assert caught.value.body["message"] == "Gone; for good."
    assert client.models.list().data  # no header, no fault
    assert _faults(mockapi) == ["header:overloaded", "header:error", None]


def test_directive_times_fails_the_first_attempts_then_succeeds(mockapi) -> None:
    client = _client(mockapi, max_retries=3)
    page = client.models.list(extra_headers={DIRECTIVE_HEADER: "rate_limit; retry_after_ms=5; times=2"})
    assert page.data
    assert [e.status for e in mockapi.journal.entries()] == [429, 429, 200]


def test_directive_stream_cut(mockapi) -> None:
    chunks = []
    with pytest.raises(openai.APIConnectionError):
        stream = _client(mockapi).chat.completions.create(
            **CHAT, stream=True, extra_headers={DIRECTIVE_HEADER: "stream_cut; after=3"})
        for chunk in stream:
            chunks.append(chunk)
    assert len(chunks) == 3


def test_bad_directive_is_a_400(http) -> None:
    for value in ("explode", "server_error; colour=red", "error; status=200", "latency; delay", "reset; times=x"):
        response = http.get("/v1/models", headers={DIRECTIVE_HEADER: value})
        assert response.status_code == 400, value
        assert response.json()["error"]["message"].startswith(f"Invalid {DIRECTIVE_HEADER} header")


@pytest.mark.mockapi(control_plane=False)
def test_directives_are_ignored_without_the_control_plane(http) -> None:
    assert http.get("/v1/models", headers={DIRECTIVE_HEADER: "server_error"}).status_code == 200


# -- inside the fake -----------------------------------------------------------------------------


def test_faults_apply_to_in_fake_execution(mockapi) -> None:
    """Batch lines run through the same engine; a network fault there fails like a server error."""
    mockapi.faults.add("overloaded", times=1)
    mockapi.faults.add("reset", times=1)
    status, body = mockapi.dispatcher.execute("GET", "/v1/models", None, api_key="sk-test", owner="sk-test")
    assert status == 503 and body["error"]["type"] == "server_error"
    status, body = mockapi.dispatcher.execute("GET", "/v1/models", None, api_key="sk-test", owner="sk-test")
    assert status == 500 and body["error"]["type"] == "server_error"
    status, _ = mockapi.dispatcher.execute("GET", "/v1/models", None, api_key="sk-test", owner="sk-test")
    assert status == 200


def test_reset_of_the_fake_forgets_rules(mockapi) -> None:
    mockapi.faults.add("server_error")
    mockapi.reset()
    assert mockapi.faults.list() == []
