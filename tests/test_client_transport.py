"""Reference client pipeline against httpx.MockTransport: retries, Retry-After, idempotency, timeouts,
typed errors, breaker integration, queue and limiter wiring. No real sleeping: sleeps are recorded."""

from __future__ import annotations

import itertools
import json

import httpx
import pytest
from mockapi_client import (
    APIConnectionError,
    APITimeoutError,
    AsyncClient,
    AuthenticationError,
    BadRequestError,
    BreakerState,
    CircuitBreaker,
    CircuitOpenError,
    Client,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimiter,
    RateLimitError,
    RetryPolicy,
    ServerError,
)
from mockapi_client.retry import RetryPolicy as Policy

MODEL = {"id": "gpt-4o", "object": "model", "created": 1, "owned_by": "system"}


class FakeTime:
    """A clock that only moves when something sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


def error(status: int, message: str = "boom", *, code=None, type="invalid_request_error", param=None, headers=None):
    body = {"error": {"message": message, "type": type, "param": param, "code": code}}
    return httpx.Response(status, json=body, headers={"x-request-id": "req_123", **(headers or {})})


def scripted(*responses):
    """A handler answering with the given responses in order, recording requests."""
    queue = list(responses)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, Exception):
            raise item
        return item(request) if callable(item) else item

    handler.seen = seen  # type: ignore[attr-defined]
    return handler


def client_for(handler, time: FakeTime | None = None, **kwargs) -> Client:
    time = time or FakeTime()
    retry = kwargs.pop("retry", RetryPolicy(rng=lambda: 0.0))
    return Client(
        api_key="sk-test", base_url="http://fake/v1", transport=httpx.MockTransport(handler), retry=retry,
        sleep=time.sleep, clock=time.clock, **kwargs,
    )


def ok_model(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=MODEL, headers={"x-request-id": "req_ok"})


# -- retries ------------------------------------------------------------------------------------------


def test_retry_after_ms_wins_over_retry_after_and_backoff():
    handler = scripted(error(429, headers={"retry-after-ms": "30", "retry-after": "7"}), ok_model)
    time = FakeTime()
    model = client_for(handler, time).models.retrieve("gpt-4o")
    assert model.id == "gpt-4o" and model.request_id == "req_ok"
    assert time.sleeps == [0.03]
    assert [r.headers["x-stainless-retry-count"] for r in handler.seen] == ["0", "1"]


def test_retry_after_seconds_and_http_date():
    time = FakeTime()
    handler = scripted(error(503, headers={"retry-after": "2"}), error(500), ok_model)
    client_for(handler, time).models.retrieve("gpt-4o")
    assert time.sleeps[0] == 2.0
    assert time.sleeps[1] == pytest.approx(1.0)  # no hint: backoff 0.5 * 2**1, no jitter (rng=0)


def test_backoff_is_exponential_capped_and_jittered():
    policy = Policy(max_retries=10, base_delay=0.5, max_delay=8.0, jitter=0.25, rng=lambda: 1.0)
    assert [policy.backoff(n) for n in range(6)] == [0.375, 0.75, 1.5, 3.0, 6.0, 6.0]
    assert Policy(rng=lambda: 0.0).backoff(0) == 0.5


def test_retry_statuses_and_should_retry_header():
    policy = Policy(max_retries=2, rng=lambda: 0.0)
    assert policy.delay_for_response(408, {}, 0) is not None
    assert policy.delay_for_response(409, {}, 0) is not None
    assert policy.delay_for_response(429, {}, 0) is not None
    assert policy.delay_for_response(502, {}, 0) is not None
    assert policy.delay_for_response(400, {}, 0) is None
    assert policy.delay_for_response(404, {}, 0) is None
    assert policy.delay_for_response(400, {"x-should-retry": "true"}, 0) is not None
    assert policy.delay_for_response(500, {"x-should-retry": "false"}, 0) is None
    assert policy.delay_for_response(429, {}, 0, "insufficient_quota") is None
    assert policy.delay_for_response(500, {}, 2) is None  # retries used up


def test_too_long_retry_after_gives_up_with_the_hint():
    handler = scripted(error(429, "slow down", code="rate_limit_exceeded", type="requests",
                             headers={"retry-after": "600"}), ok_model)
    time = FakeTime()
    with pytest.raises(RateLimitError) as caught:
        client_for(handler, time).models.retrieve("gpt-4o")
    assert caught.value.retry_after == 600 and time.sleeps == [] and len(handler.seen) == 1


def test_gives_up_after_max_retries_with_typed_error():
    handler = scripted(error(500, "The server had an error", type="server_error"))
    time = FakeTime()
    with pytest.raises(ServerError) as caught:
        client_for(handler, time, max_retries=3).models.retrieve("gpt-4o")
    assert len(handler.seen) == 4 and len(time.sleeps) == 3
    assert caught.value.status == 500 and caught.value.type == "server_error"
    assert caught.value.request_id == "req_123"


def test_per_call_max_retries_override():
    handler = scripted(error(500))
    with pytest.raises(ServerError):
        client_for(handler).models.retrieve("gpt-4o", max_retries=0)
    assert len(handler.seen) == 1


def test_connection_errors_and_timeouts_are_retried():
    handler = scripted(httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), ok_model)
    time = FakeTime()
    assert client_for(handler, time).models.retrieve("gpt-4o").id == "gpt-4o"
    assert len(time.sleeps) == 2


def test_timeout_error_type_and_per_call_timeout():
    seen_timeouts = []

    def handler(request):
        seen_timeouts.append(request.extensions["timeout"])
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(APITimeoutError):
        client_for(handler, max_retries=0).models.retrieve("gpt-4o", timeout=0.25)
    assert seen_timeouts[0]["read"] == 0.25
    with pytest.raises(APIConnectionError):  # APITimeoutError is a connection error
        client_for(handler, max_retries=0, timeout=3.0).models.retrieve("gpt-4o")
    assert seen_timeouts[1]["read"] == 3.0


def test_idempotency_key_is_reused_across_retries_of_a_post():
    reply = {"id": "file-1", "object": "file", "bytes": 3, "created_at": 1, "filename": "a.jsonl",
             "purpose": "batch"}
    handler = scripted(error(500), error(502), httpx.Response(200, json=reply))
    client = client_for(handler)
    client.files.create(file=("a.jsonl", b"{}\n"), purpose="batch")
    keys = {r.headers["idempotency-key"] for r in handler.seen}
    assert len(handler.seen) == 3 and len(keys) == 1 and keys.pop().startswith("mockapi-client-")
    # the multipart body is re-sent intact on every attempt
    assert all(b'name="purpose"' in r.content and b"{}\n" in r.content for r in handler.seen)
    handler.seen.clear()
    client.files.create(file=("a.jsonl", b"{}\n"), purpose="batch", idempotency_key="mine")
    assert handler.seen[0].headers["idempotency-key"] == "mine"


def test_get_has_no_idempotency_key_and_sends_auth_and_extra_headers():
    handler = scripted(ok_model)
    client_for(handler, organization="org-1", project="proj_1").models.retrieve(
        "gpt-4o", extra_headers={"X-Trace": "t"}, extra_query={"q": "1"}
    )
    request = handler.seen[0]
    assert "idempotency-key" not in request.headers
    assert request.headers["authorization"] == "Bearer sk-test"
    assert request.headers["openai-organization"] == "org-1"
    assert request.headers["openai-project"] == "proj_1"
    assert request.headers["x-trace"] == "t"
    assert request.url.params["q"] == "1"
    assert request.url.path == "/v1/models/gpt-4o"


# -- typed errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (400, "missing_required_parameter", BadRequestError),
        (401, "invalid_api_key", AuthenticationError),
        (403, "unsupported_country_region_territory", PermissionDeniedError),
        (404, "model_not_found", NotFoundError),
        (409, None, ConflictError),
        (429, "rate_limit_exceeded", RateLimitError),
        (429, "insufficient_quota", QuotaExceededError),
        (500, None, ServerError),
        (503, None, ServerError),
    ],
)
def test_error_classes_carry_the_envelope(status, code, kind):
    handler = scripted(error(status, "msg", code=code, param="model"))
    with pytest.raises(kind) as caught:
        client_for(handler, max_retries=0).models.retrieve("x")
    exc = caught.value
    assert (exc.status, exc.code, exc.param, exc.message, exc.request_id) == (status, code, "model", "msg", "req_123")
    assert exc.type == "invalid_request_error"
    assert "req_123" in str(exc) and f"Error code: {status}" in str(exc)


def test_quota_error_is_not_retried_and_is_not_a_rate_limit():
    handler = scripted(error(429, "You exceeded your current quota", code="insufficient_quota",
                             type="insufficient_quota"))
    with pytest.raises(QuotaExceededError) as caught:
        client_for(handler).models.retrieve("x")
    assert not isinstance(caught.value, RateLimitError) and len(handler.seen) == 1


def test_rate_limit_error_exposes_retry_after():
    handler = scripted(error(429, headers={"retry-after-ms": "1500"}))
    with pytest.raises(RateLimitError) as caught:
        client_for(handler, max_retries=0).models.retrieve("x")
    assert caught.value.retry_after == 1.5


def test_non_json_error_body():
    handler = scripted(httpx.Response(502, text="Bad gateway", headers={"content-type": "text/html"}))
    with pytest.raises(ServerError) as caught:
        client_for(handler, max_retries=0).models.retrieve("x")
    assert caught.value.message == "Bad gateway" and caught.value.body == "Bad gateway"


# -- breaker in the pipeline ------------------------------------------------------------------------------


def test_breaker_opens_fails_fast_then_recovers_through_half_open():
    time = FakeTime()
    breaker = CircuitBreaker(failure_threshold=3, window=10, recovery_time=5, clock=time.clock)
    failing = {"on": True}

    def handler(request):
        return error(500) if failing["on"] else ok_model(request)

    client = client_for(handler, time, breaker=breaker, max_retries=0)
    for _ in range(3):
        with pytest.raises(ServerError):
            client.models.retrieve("x")
    assert breaker.state is BreakerState.OPEN
    with pytest.raises(CircuitOpenError) as caught:
        client.models.retrieve("x")
    assert caught.value.retry_after == pytest.approx(5)
    time.now += 5
    assert breaker.state is BreakerState.HALF_OPEN
    failing["on"] = False
    assert client.models.retrieve("x").id == "gpt-4o"
    assert breaker.state is BreakerState.CLOSED


def test_client_errors_do_not_trip_the_breaker():
    time = FakeTime()
    breaker = CircuitBreaker(failure_threshold=2, clock=time.clock)
    client = client_for(scripted(error(404), error(400), error(429)), time, breaker=breaker, max_retries=0)
    for _ in range(3):
        with pytest.raises(Exception):  # noqa: B017
            client.models.retrieve("x")
    assert breaker.state is BreakerState.CLOSED and breaker.recent_failures == 0


def test_connection_errors_trip_the_breaker_and_retries_stop_when_open():
    time = FakeTime()
    breaker = CircuitBreaker(failure_threshold=2, recovery_time=30, clock=time.clock)
    handler = scripted(httpx.ConnectError("refused"))
    with pytest.raises(CircuitOpenError):
        client_for(handler, time, breaker=breaker, max_retries=5).models.retrieve("x")
    assert len(handler.seen) == 2  # the third attempt was refused by the open breaker, not sent


# -- limiter in the pipeline --------------------------------------------------------------------------------


def test_limiter_spaces_requests_with_injected_clock():
    time = FakeTime()
    limiter = RateLimiter(requests_per_minute=600, clock=time.clock)  # one every 0.1 s
    client = client_for(scripted(ok_model), time, limiter=limiter)
    sent_at = []
    for _ in range(4):
        client.models.retrieve("x")
        sent_at.append(time.now)
    gaps = [round(b - a, 6) for a, b in itertools.pairwise(sent_at)]
    assert gaps == [0.1, 0.1, 0.1]


@pytest.mark.parametrize("settle", [False, True])
def test_limiter_reserves_exact_prompt_tokens_and_optionally_settles_with_usage(settle):
    from mockapi import tokens

    time = FakeTime()
    limiter = RateLimiter(tokens_per_minute=1_000_000, settle_with_usage=settle, clock=time.clock)
    completion = {
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini-2024-07-18",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 2, "total_tokens": 14},
    }
    client = client_for(scripted(httpx.Response(200, json=completion)), time, limiter=limiter)
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello there, friend!"}]
    client.chat.completions.create(model="gpt-4o-mini", messages=messages, max_completion_tokens=50)
    expected = tokens.chat_prompt_tokens(messages, "gpt-4o-mini") + 50
    assert limiter.calls == 1
    # booked exactly `expected` (what the API charges); settling replaces it with the reported usage
    assert limiter.reserved_tokens == (14 if settle else expected)
    assert expected > 14


# -- misc ----------------------------------------------------------------------------------------------------


def test_api_key_is_required(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(Exception, match="API key"):
        Client()


def test_with_options_shares_state_and_overrides():
    time = FakeTime()
    breaker = CircuitBreaker(clock=time.clock)
    handler = scripted(error(500))
    client = client_for(handler, time, breaker=breaker)
    quick = client.with_options(max_retries=0, timeout=1.5)
    assert quick.breaker is breaker and quick.usage is client.usage
    with pytest.raises(ServerError):
        quick.models.retrieve("x")
    assert len(handler.seen) == 1 and handler.seen[0].extensions["timeout"]["read"] == 1.5


@pytest.mark.anyio
async def test_async_retry_honours_retry_after_and_raises_typed_errors():
    time = FakeTime()
    handler = scripted(error(429, headers={"retry-after-ms": "20"}), ok_model)
    client = AsyncClient(api_key="sk", base_url="http://fake/v1", transport=httpx.MockTransport(handler),
                         sleep=time.asleep, clock=time.clock)
    model = await client.models.retrieve("gpt-4o")
    assert model.id == "gpt-4o" and time.sleeps == [0.02]
    handler2 = scripted(error(404, code="model_not_found"))
    client2 = AsyncClient(api_key="sk", base_url="http://fake/v1", transport=httpx.MockTransport(handler2))
    with pytest.raises(NotFoundError):
        await client2.models.retrieve("nope")
    await client.close()
    await client2.close()


def test_request_body_is_json_with_passthrough_params():
    completion = {"id": "c", "object": "chat.completion", "created": 1, "model": "m",
                  "choices": [{"index": 0, "message": {"role": "assistant", "content": "x"}, "finish_reason": "stop"}]}
    handler = scripted(httpx.Response(200, json=completion))
    client_for(handler).chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "hi"}], temperature=0.2, extra_body={"seed": 7}
    )
    body = json.loads(handler.seen[0].content)
    assert body == {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "temperature": 0.2, "seed": 7}
    with pytest.raises(TypeError):
        client_for(handler).chat.completions.create(model="m", messages=[], stream=True)
