"""Reference client building blocks in isolation: circuit breaker, request queue, rate limiter."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest
from mockapi_client import (
    AsyncClient,
    AsyncRequestQueue,
    BreakerState,
    CircuitBreaker,
    CircuitOpenError,
    Client,
    QueueFullError,
    QueueTimeoutError,
    RateLimiter,
    RequestQueue,
    RequestTooLargeError,
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


# -- circuit breaker ------------------------------------------------------------------------------------


def test_breaker_opens_after_n_failures_within_the_window_only():
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=3, window=10, recovery_time=5, clock=clock)
    breaker.record_failure()
    clock.now = 6
    breaker.record_failure()
    clock.now = 12  # the first failure left the window
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED and breaker.recent_failures == 2
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN


def test_breaker_half_open_allows_limited_trials_and_failed_trial_reopens():
    clock = Clock()
    changes = []
    breaker = CircuitBreaker(failure_threshold=1, recovery_time=5, half_open_max_calls=1, clock=clock)
    breaker.on_change(lambda old, new: changes.append((old.value, new.value)))
    breaker.before_call()
    breaker.record_failure()
    with pytest.raises(CircuitOpenError) as caught:
        breaker.before_call()
    assert caught.value.retry_after == 5
    clock.now = 5
    breaker.before_call()  # the trial
    with pytest.raises(CircuitOpenError):
        breaker.before_call()  # only one trial at a time
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    clock.now = 10
    breaker.before_call()
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED
    breaker.before_call()  # closed again: calls flow
    assert changes == [("closed", "open"), ("open", "half_open"), ("half_open", "open"),
                       ("open", "half_open"), ("half_open", "closed")]
    assert breaker.transitions == [tuple(map(BreakerState, c)) for c in changes]


def test_abandoned_trial_frees_the_half_open_slot():
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=1, recovery_time=1, clock=clock)
    breaker.record_failure()
    clock.now = 1
    breaker.before_call()
    breaker.abandon_call()
    breaker.before_call()  # a new trial is allowed


# -- request queue -----------------------------------------------------------------------------------------


def test_queue_bounds_concurrency_with_threads_measured():
    """12 calls through a queue of 3 slots: never more than 3 in the server at once."""
    in_flight = 0
    peak = 0
    lock = threading.Lock()

    def handler(request):
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        time.sleep(0.02)
        with lock:
            in_flight -= 1
        return httpx.Response(200, json={"id": "m", "object": "model", "created": 1, "owned_by": "x"})

    queue = RequestQueue(max_concurrent=3, max_queued=20)
    client = Client(api_key="sk", base_url="http://fake/v1", transport=httpx.MockTransport(handler), queue=queue)
    threads = [threading.Thread(target=client.models.retrieve, args=("m",)) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == 3 and queue.peak_active == 3 and queue.active == 0
    assert queue.peak_waiting >= 1


def test_queue_full_is_a_clear_immediate_error():
    queue = RequestQueue(max_concurrent=1, max_queued=1)
    queue.acquire()  # busy
    waiter = threading.Thread(target=lambda: (queue.acquire(), queue.release()))
    waiter.start()
    while queue.waiting < 1:
        time.sleep(0.001)
    with pytest.raises(QueueFullError) as caught:
        queue.acquire()
    assert "max_concurrent=1" in str(caught.value) and "max_queued=1" in str(caught.value)
    assert (caught.value.active, caught.value.waiting, queue.rejected) == (1, 1, 1)
    queue.release()
    waiter.join()
    assert queue.active == 0


def test_queue_is_fifo_and_max_wait_times_out():
    queue = RequestQueue(max_concurrent=1, max_queued=5)
    order = []
    queue.acquire()

    def worker(n):
        with queue.slot():
            order.append(n)

    threads = []
    for n in range(3):
        t = threading.Thread(target=worker, args=(n,))
        t.start()
        threads.append(t)
        while queue.waiting < n + 1:
            time.sleep(0.001)
    queue.release()
    for t in threads:
        t.join()
    assert order == [0, 1, 2]
    impatient = RequestQueue(max_concurrent=1, max_wait=0.01)
    impatient.acquire()
    with pytest.raises(QueueTimeoutError):
        impatient.acquire()
    assert impatient.waiting == 0


@pytest.mark.anyio
async def test_async_queue_bounds_concurrency_measured_and_rejects_when_full():
    in_flight = 0
    peak = 0

    async def handler(request):
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return httpx.Response(200, json={"id": "m", "object": "model", "created": 1, "owned_by": "x"})

    queue = AsyncRequestQueue(max_concurrent=4, max_queued=10)
    client = AsyncClient(api_key="sk", base_url="http://fake/v1", transport=httpx.MockTransport(handler), queue=queue)
    results = await asyncio.gather(*(client.models.retrieve("m") for _ in range(14)), return_exceptions=True)
    assert peak == 4 and queue.peak_active == 4 and queue.active == 0
    assert all(not isinstance(r, Exception) for r in results)
    # 4 running + 10 queued: the 15th and 16th are refused at once
    results = await asyncio.gather(*(client.models.retrieve("m") for _ in range(16)), return_exceptions=True)
    refused = [r for r in results if isinstance(r, QueueFullError)]
    assert len(refused) == 2 and queue.rejected == 2
    await client.close()


@pytest.mark.anyio
async def test_async_queue_cancellation_and_timeout_release_correctly():
    queue = AsyncRequestQueue(max_concurrent=1, max_wait=None)
    await queue.acquire()
    waiter = asyncio.ensure_future(queue.acquire())
    await asyncio.sleep(0)
    assert queue.waiting == 1
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert queue.waiting == 0
    queue.release()
    assert queue.active == 0
    timed = AsyncRequestQueue(max_concurrent=1, max_wait=0.01)
    await timed.acquire()
    with pytest.raises(QueueTimeoutError):
        await timed.acquire()
    timed.release()
    assert timed.active == 0


def test_stream_holds_its_slot_until_closed():
    def handler(request):
        return httpx.Response(200, headers={"content-type": "text/event-stream"},
                              content=b'data: {"id":"c","choices":[]}\n\ndata: [DONE]\n\n')

    queue = RequestQueue(max_concurrent=1, max_queued=0)
    client = Client(api_key="sk", base_url="http://fake/v1", transport=httpx.MockTransport(handler), queue=queue)
    stream = client.chat.completions.stream(model="m", messages=[{"role": "user", "content": "x"}])
    assert queue.active == 1
    with pytest.raises(QueueFullError):
        client.models.list()
    list(stream)
    assert queue.active == 0


# -- rate limiter ------------------------------------------------------------------------------------------


def test_limiter_spaces_requests_evenly_and_allows_a_burst():
    clock = Clock()
    even = RateLimiter(requests_per_minute=60, clock=clock)
    assert [even.reserve() for _ in range(3)] == [0, 1, 2]
    bursty = RateLimiter(requests_per_minute=60, burst=2, clock=clock)  # two seconds' worth: 2 calls at once
    assert [bursty.reserve() for _ in range(5)] == [0, 0, 1, 2, 3]
    minute = RateLimiter(tokens_per_minute=600, burst=60, clock=clock)  # a full bucket, like the API's
    assert [minute.reserve(200) for _ in range(4)] == [0, 0, 0, pytest.approx(20)]


def test_limiter_token_budget_and_request_too_large():
    clock = Clock()
    limiter = RateLimiter(tokens_per_minute=6000, clock=clock)  # 100 tokens per second
    assert limiter.reserve(300) == 0
    assert limiter.reserve(100) == pytest.approx(3.0)  # waits for the first call's 300 tokens to drain
    clock.now = 10
    assert limiter.reserve(50) == 0  # idle time does not pile up beyond the burst
    with pytest.raises(RequestTooLargeError) as caught:
        limiter.reserve(6001)
    assert caught.value.limit == 6000


def test_limiter_combines_request_and_token_limits_and_correction():
    clock = Clock()
    limiter = RateLimiter(requests_per_minute=120, tokens_per_minute=60_000, clock=clock)
    assert limiter.reserve(2000) == 0
    assert limiter.reserve(10) == pytest.approx(2.0)  # tokens bind (2000 tokens = 2 s), not requests (0.5 s)
    limiter2 = RateLimiter(tokens_per_minute=60_000, clock=clock)
    limiter2.reserve(2000)
    limiter2.correct(2000, 500)  # the reply used fewer tokens than reserved: refund
    assert limiter2.reserve(10) == pytest.approx(0.5)


def test_limiter_real_time_spacing_with_a_fast_limit():
    """A 6000 rpm limiter (10 ms apart): 6 calls take at least ~50 ms of real time (generous bound)."""
    limiter = RateLimiter(requests_per_minute=6000)
    client = Client(
        api_key="sk", base_url="http://fake/v1", limiter=limiter,
        transport=httpx.MockTransport(
            lambda r: httpx.Response(200, json={"id": "m", "object": "model", "created": 1, "owned_by": "x"})
        ),
    )
    started = time.monotonic()
    for _ in range(6):
        client.models.retrieve("m")
    assert time.monotonic() - started >= 0.045
