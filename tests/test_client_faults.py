"""The reference client under the fake's fault injection, over a real socket (``mockapi_server``) and
in-process: what a production user sees when the network or the server misbehaves.

Back-off waits are recorded, never slept (``sleep=`` is injected); the waits that remain are the fake's
own short faults.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
from mockapi_client import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncClient,
    AsyncRequestQueue,
    BreakerState,
    CircuitBreaker,
    CircuitOpenError,
    Client,
    QueueFullError,
    QuotaExceededError,
    RateLimiter,
    RequestQueue,
    RetryPolicy,
    ServerError,
    StreamError,
)

from mockapi.inprocess import sync_transport

USER = [{"role": "user", "content": "Tell me something."}]
MODEL = {"id": "gpt-4o", "object": "model", "created": 1, "owned_by": "system"}


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)

    async def wait(self, seconds: float) -> None:
        self.waits.append(seconds)


def socket_client(server, sleeps: Sleeps | None = None, **kwargs) -> Client:
    return Client(api_key="sk-test", base_url=server.base_url, sleep=sleeps or Sleeps(), **kwargs)


def async_socket_client(server, sleeps: Sleeps | None = None, **kwargs) -> AsyncClient:
    return AsyncClient(api_key="sk-test", base_url=server.base_url, sleep=(sleeps or Sleeps()).wait, **kwargs)


def inprocess_client(fake, sleeps: Sleeps | None = None, **kwargs) -> Client:
    return Client(api_key="sk-test", base_url=fake.base_url, transport=sync_transport(fake.app, httpx),
                  sleep=sleeps or Sleeps(), **kwargs)


# -- retries ---------------------------------------------------------------------------------------------------


def test_fault_directive_times_n_fails_the_first_attempts_only(mockapi, mockapi_server):
    """``times=2`` counts attempts by the SDK's retry-count header: the third attempt must go through."""
    sleeps = Sleeps()
    with socket_client(mockapi_server, sleeps) as client:
        page = client.models.list(extra_headers={"x-mockapi-fault": "reset; times=2"})
        assert page.data and len(sleeps.waits) == 2
        completion = client.chat.completions.create(
            model="gpt-4o-mini", messages=USER, extra_headers={"x-mockapi-fault": "overloaded; times=1"})
        assert completion.text
    attempts = [(e.status, e.fault, e.headers.get("x-stainless-retry-count")) for e in mockapi.journal.entries()]
    assert attempts == [(0, "header:reset", "0"), (0, "header:reset", "1"), (200, None, "2"),
                        (503, "header:overloaded", "0"), (200, None, "1")]
    with pytest.raises(APIConnectionError):  # and without retries the one attempt fails
        socket_client(mockapi_server, max_retries=0).models.list(extra_headers={"x-mockapi-fault": "reset"})


# -- streams -----------------------------------------------------------------------------------------------------


def sse_body(*datas: str) -> bytes:
    return b"".join(f"data: {d}\n\n".encode() for d in datas)


CHUNK = ('{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m",'
         '"choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}')


def sse_transport(body: bytes) -> httpx.MockTransport:
    return httpx.MockTransport(
        lambda request: httpx.Response(200, content=body, headers={"content-type": "text/event-stream"}))


def test_a_stream_closed_before_done_is_an_error_not_a_short_answer():
    """A proxy that closes the stream cleanly mid-way (no reset) must not pass off a truncated reply as whole."""
    queue = RequestQueue(max_concurrent=1)
    client = Client(api_key="sk", base_url="http://fake/v1", transport=sse_transport(sse_body(CHUNK)), queue=queue)
    stream = client.chat.completions.stream(model="m", messages=USER)
    with pytest.raises(APIConnectionError, match=r"before \[DONE\]"):
        stream.final_completion()
    assert queue.active == 0 and stream.response.is_closed
    complete = Client(api_key="sk", base_url="http://fake/v1", transport=sse_transport(sse_body(CHUNK, "[DONE]")))
    assert complete.chat.completions.stream(model="m", messages=USER).final_completion().text == "Hel"


@pytest.mark.anyio
async def test_an_async_stream_closed_before_done_is_an_error():
    queue = AsyncRequestQueue(max_concurrent=1)
    client = AsyncClient(api_key="sk", base_url="http://fake/v1", transport=sse_transport(sse_body(CHUNK)),
                         queue=queue)
    stream = await client.chat.completions.stream(model="m", messages=USER)
    with pytest.raises(APIConnectionError, match=r"before \[DONE\]"):
        await stream.final_completion()
    assert queue.active == 0 and stream.response.is_closed
    await client.close()


@pytest.mark.anyio
async def test_async_stream_closed_mid_iteration_finishes_its_generator_and_frees_the_slot():
    queue = AsyncRequestQueue(max_concurrent=1)
    body = sse_body(CHUNK, CHUNK, "[DONE]")
    client = AsyncClient(api_key="sk", base_url="http://fake/v1", transport=sse_transport(body), queue=queue)
    stream = await client.chat.completions.stream(model="m", messages=USER)
    async for _ in stream:
        break
    assert queue.active == 1  # a stream keeps its slot until closed
    await stream.aclose()
    assert queue.active == 0 and stream.response.is_closed
    assert stream._iterator is not None and stream._iterator.ag_frame is None  # closed, nothing left for the GC
    assert [c async for c in stream] == []  # a closed stream stays closed
    await client.close()


def test_cut_and_malformed_streams_over_a_socket_raise_typed_errors_and_free_the_slot(mockapi, mockapi_server):
    queue = RequestQueue(max_concurrent=1, max_queued=0)
    with socket_client(mockapi_server, queue=queue) as client:
        stream = client.chat.completions.stream(
            model="gpt-4o-mini", messages=USER, extra_headers={"x-mockapi-fault": "stream_cut; after=2"})
        got = []
        with pytest.raises(APIConnectionError):
            for chunk in stream:
                got.append(chunk)
        assert len(got) == 2 and queue.active == 0
        stream = client.chat.completions.stream(
            model="gpt-4o-mini", messages=USER, extra_headers={"x-mockapi-fault": "malformed_sse; after=1"})
        with pytest.raises(StreamError, match="Malformed event data"):
            stream.final_completion()
        assert queue.active == 0
        assert client.chat.completions.stream(model="gpt-4o-mini", messages=USER).final_completion().text


@pytest.mark.anyio
async def test_async_cut_stream_and_cancelled_stream_over_a_socket(mockapi, mockapi_server):
    queue = AsyncRequestQueue(max_concurrent=1, max_queued=0)
    client = async_socket_client(mockapi_server, queue=queue)
    stream = await client.chat.completions.stream(
        model="gpt-4o-mini", messages=USER, extra_headers={"x-mockapi-fault": "stream_cut; after=1"})
    with pytest.raises(APIConnectionError):
        await stream.until_done()
    assert queue.active == 0
    # a consumer cancelled while waiting for the next event releases the connection and the slot
    stream = await client.chat.completions.stream(
        model="gpt-4o-mini", messages=USER, extra_headers={"x-mockapi-fault": "latency; per_event=5"})
    consumer = asyncio.ensure_future(stream.until_done())
    while queue.active and not stream.accumulator._choices:
        await asyncio.sleep(0.01)  # the first event arrives at once; the next only after 5 s
    consumer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await consumer
    assert queue.active == 0 and stream.response.is_closed
    assert (await client.models.list()).data  # the slot is usable again
    await client.close()


# -- bodies that are not the API object ---------------------------------------------------------------------------


def test_an_empty_200_is_a_typed_error_with_the_request_id(mockapi, mockapi_server):
    with socket_client(mockapi_server) as client:
        for call in (lambda h: client.models.list(extra_headers=h),
                     lambda h: client.chat.completions.create(model="gpt-4o-mini", messages=USER, extra_headers=h)):
            with pytest.raises(APIResponseValidationError, match="empty body") as caught:
                call({"x-mockapi-fault": "empty"})
            assert caught.value.status == 200 and caught.value.request_id.startswith("req_")


@pytest.mark.parametrize(
    ("response", "what"),
    [
        (httpx.Response(200, text="<html><body>Login to the Wi-Fi</body></html>",
                        headers={"content-type": "text/html"}), "HTML page"),
        (httpx.Response(200, content=b'{"id": "gpt-4o"', headers={"content-type": "application/json"}),
         "invalid JSON"),
        (httpx.Response(200, json={"unexpected": True}), "not a Model"),
    ],
)
def test_a_200_that_is_not_the_object_is_a_typed_error(response, what):
    client = Client(api_key="sk", base_url="http://fake/v1", transport=httpx.MockTransport(lambda r: response))
    with pytest.raises(APIResponseValidationError, match=what):
        client.models.retrieve("gpt-4o")


def test_a_text_format_answer_is_still_returned_as_text():
    reply = httpx.Response(200, text="Hello there.\n", headers={"content-type": "text/plain; charset=utf-8"})
    client = Client(api_key="sk", base_url="http://fake/v1", transport=httpx.MockTransport(lambda r: reply))
    text = client.audio.transcriptions.create(file=("a.wav", b"RIFF"), model="whisper-1", response_format="text")
    assert text == "Hello there.\n"


# -- typed errors -------------------------------------------------------------------------------------------------


def test_cloudflare_502_html_and_json_are_retried_server_errors_with_a_short_message(mockapi, mockapi_server):
    sleeps = Sleeps()
    with socket_client(mockapi_server, sleeps) as client:
        with pytest.raises(ServerError) as caught:
            client.models.list(extra_headers={"x-mockapi-fault": "bad_gateway; html=true"})
        error = caught.value
        assert (error.status, error.message, error.type, error.code) == (502, "502 Bad Gateway", None, None)
        assert "cloudflare" in error.body and error.request_id and len(sleeps.waits) == 2  # retried twice
        with pytest.raises(ServerError) as caught:
            client.models.list(extra_headers={"x-mockapi-fault": "gateway_timeout"}, max_retries=0)
        assert (caught.value.status, caught.value.message, caught.value.type) == (504, "Gateway timeout.",
                                                                                  "cf_gateway_timeout")


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (httpx.Response(502, text="<html><body><h1>Oops</h1></body></html>", headers={"content-type": "text/html"}),
         "HTTP 502 Bad Gateway"),
        (httpx.Response(503, text="", headers={"content-type": "text/plain"}), "HTTP 503 Service Unavailable"),
        (httpx.Response(503, json={"error": "upstream connect error"}), "upstream connect error"),
    ],
)
def test_odd_error_bodies_give_a_readable_message(response, message):
    client = Client(api_key="sk", base_url="http://fake/v1", transport=httpx.MockTransport(lambda r: response),
                    max_retries=0)
    with pytest.raises(ServerError) as caught:
        client.models.list()
    assert caught.value.message == message


def test_quota_error_named_by_type_only_is_not_retried():
    seen = []

    def handler(request):
        seen.append(request)
        return httpx.Response(429, json={"error": {"message": "You exceeded your current quota",
                                                   "type": "insufficient_quota", "param": None, "code": None}})

    client = Client(api_key="sk", base_url="http://fake/v1", transport=httpx.MockTransport(handler), sleep=Sleeps())
    with pytest.raises(QuotaExceededError):
        client.models.list()
    assert len(seen) == 1


@pytest.mark.anyio
async def test_connection_errors_over_a_socket_say_what_happened(mockapi, mockapi_server):
    client = async_socket_client(mockapi_server, max_retries=0)
    with pytest.raises(APITimeoutError) as caught:
        await client.models.list(extra_headers={"x-mockapi-fault": "hang"}, timeout=0.05)
    assert str(caught.value) != "Request timed out: "
    stream = await client.chat.completions.stream(
        model="gpt-4o-mini", messages=USER, extra_headers={"x-mockapi-fault": "stream_cut; after=1"})
    with pytest.raises(APIConnectionError) as caught:
        await stream.until_done()
    assert str(caught.value) != "Connection error: "
    await client.close()


def test_retry_after_http_date_is_utc_even_when_written_minus_0000(monkeypatch):
    import email.utils
    import time

    monkeypatch.setenv("TZ", "America/New_York")  # a naive datetime read as local time would be hours off
    time.tzset()
    try:
        when = email.utils.formatdate(time.time() + 30).replace("-0000", "").strip() + " -0000"
        for header in (when, email.utils.formatdate(time.time() + 30, usegmt=True)):
            reply = iter([httpx.Response(503, headers={"retry-after": header}), httpx.Response(200, json=MODEL)])
            sleeps = Sleeps()
            client = Client(api_key="sk", base_url="http://fake/v1",
                            transport=httpx.MockTransport(lambda r, reply=reply: next(reply)), sleep=sleeps)
            assert client.models.retrieve("gpt-4o").id == "gpt-4o"
            assert len(sleeps.waits) == 1 and 25 < sleeps.waits[0] <= 30  # the date, not backoff or a give-up
    finally:
        monkeypatch.undo()
        time.tzset()


# -- queue --------------------------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_waiter_cancelled_just_as_it_gets_the_slot_is_cancelled_and_passes_the_slot_on():
    """With ``max_wait`` set, Python 3.11's ``asyncio.wait_for`` would return the handed slot and swallow the
    cancellation: the cancelled call would go on and send its request."""
    queue = AsyncRequestQueue(max_concurrent=1, max_wait=30)
    await queue.acquire()
    waiter = asyncio.ensure_future(queue.acquire())
    await asyncio.sleep(0)
    assert queue.waiting == 1
    queue.release()  # hands the slot to the waiter...
    waiter.cancel()  # ...which is cancelled before it runs again
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert queue.active == 0 and queue.waiting == 0
    await asyncio.wait_for(queue.acquire(), 1)  # the slot is free for the next caller
    queue.release()


def test_a_call_that_raises_frees_its_slot_and_the_next_call_goes_through():
    calls = []

    def handler(request):
        calls.append(request)
        if len(calls) == 1:
            raise RuntimeError("a bug in a custom transport")
        return httpx.Response(200, json=MODEL)

    queue = RequestQueue(max_concurrent=1, max_queued=0)
    client = Client(api_key="sk", base_url="http://fake/v1", transport=httpx.MockTransport(handler), queue=queue)
    with pytest.raises(RuntimeError):
        client.models.retrieve("gpt-4o")
    assert queue.active == 0 and client.models.retrieve("gpt-4o").id == "gpt-4o"


# -- breaker, limiter and queue together ------------------------------------------------------------------------


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 6))
        self.now += seconds


def test_an_open_breaker_fails_fast_even_with_a_limiter_and_books_nothing():
    """Refused calls must not wait for the limiter first, nor push later calls' turn back."""
    time = FakeTime()
    failing = {"on": True}

    def handler(request):
        return httpx.Response(500, json={"error": {"message": "boom", "type": "server_error"}}) if failing["on"] \
            else httpx.Response(200, json=MODEL)

    breaker = CircuitBreaker(failure_threshold=1, recovery_time=10, clock=time.clock)
    limiter = RateLimiter(requests_per_minute=60, clock=time.clock)  # one call a second
    client = Client(api_key="sk", base_url="http://fake/v1", transport=httpx.MockTransport(handler),
                    breaker=breaker, limiter=limiter, max_retries=0, sleep=time.sleep, clock=time.clock)
    with pytest.raises(ServerError):
        client.models.retrieve("gpt-4o")
    for _ in range(5):
        with pytest.raises(CircuitOpenError):
            client.models.retrieve("gpt-4o")
    assert time.waits == []  # failed fast: no pacing wait for a call that is not sent
    time.now = 10
    failing["on"] = False
    assert client.models.retrieve("gpt-4o").id == "gpt-4o"
    assert time.waits == [] and breaker.state is BreakerState.CLOSED  # its turn was not pushed back 5 s


def test_a_call_refused_by_a_full_queue_gives_back_its_limiter_booking():
    time = FakeTime()
    queue = RequestQueue(max_concurrent=1, max_queued=0)
    limiter = RateLimiter(requests_per_minute=60, burst=60, clock=time.clock)
    client = Client(api_key="sk", base_url="http://fake/v1", limiter=limiter, queue=queue, sleep=time.sleep,
                    clock=time.clock, transport=httpx.MockTransport(lambda r: httpx.Response(200, json=MODEL)))
    queue.acquire()  # busy elsewhere
    for _ in range(100):
        with pytest.raises(QueueFullError):
            client.models.retrieve("gpt-4o")
    queue.release()
    assert client.models.retrieve("gpt-4o").id == "gpt-4o" and time.waits == []
    assert limiter.calls == 1


# -- total deadline ------------------------------------------------------------------------------------------------


def overloaded_for_ever(seen: list[httpx.Request]):
    def handler(request):
        seen.append(request)
        return httpx.Response(503, json={"error": {"message": "overloaded", "type": "server_error"}},
                              headers={"retry-after": "2"})

    return handler


def test_total_timeout_stops_retrying_and_cuts_the_last_attempts_timeout():
    time = FakeTime()
    seen: list[httpx.Request] = []
    client = Client(api_key="sk", base_url="http://fake/v1", transport=httpx.MockTransport(overloaded_for_ever(seen)),
                    retry=RetryPolicy(max_retries=50, total_timeout=5), timeout=60, sleep=time.sleep,
                    clock=time.clock)
    with pytest.raises(ServerError):
        client.models.list()
    assert len(seen) == 3 and time.waits == [2.0, 2.0]  # at 0, 2 and 4 s; a retry at 6 s would be past 5 s
    assert [r.extensions["timeout"]["read"] for r in seen] == [5, 3, 1]
    seen.clear()
    with pytest.raises(ServerError):
        client.models.list(max_retries=0, timeout=httpx.Timeout(10, read=2))  # httpx.Timeout: each part capped
    assert seen[0].extensions["timeout"] == {"connect": 5, "read": 2, "write": 5, "pool": 5}


@pytest.mark.anyio
async def test_async_total_timeout_over_a_socket_bounds_a_hanging_call(mockapi, mockapi_server):
    """Every attempt hangs: per-attempt timeouts alone would take 3 x 60 s; the total budget ends it."""
    client = AsyncClient(api_key="sk-test", base_url=mockapi_server.base_url, timeout=60,
                         retry=RetryPolicy(total_timeout=0.3, base_delay=0.01))
    with pytest.raises(APITimeoutError):
        await client.models.list(extra_headers={"x-mockapi-fault": "hang"})
    assert 1 <= len(mockapi.journal.entries(path="/v1/models")) <= 3
    await client.close()
