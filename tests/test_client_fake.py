"""The reference client against the in-process fake: the issue's acceptance checks and the main helpers.

Retries honour the fake's fault rules (Retry-After), the breaker opens and recovers, the queue bounds
concurrency (measured), the limiter spaces requests so the fake's own limiter never refuses one, the tool
loop finishes a two-tool task (chat and assistants), and the fine-tune helper rejects a bad JSONL locally
with the reasons the fake's job gives. Time is the fake's manual clock where waiting matters: the client's
injected sleep advances it, so nothing really sleeps.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from mockapi_client import (
    APITimeoutError,
    AsyncClient,
    AsyncRequestQueue,
    AuthenticationError,
    BadRequestError,
    BreakerState,
    CircuitBreaker,
    CircuitOpenError,
    Client,
    Conversation,
    FineTuneFileError,
    NotFoundError,
    QuotaExceededError,
    RateLimiter,
    RateLimitError,
    ServerError,
    Toolbox,
)
from mockapi_client.finetune import fine_tune, validate_file
from mockapi_client.tool_loop import arun_chat_tools, run_assistant_tools, run_chat_tools
from pydantic import BaseModel

from mockapi.inprocess import async_transport, sync_transport

USER = [{"role": "user", "content": "What's the weather and time in Paris?"}]


class VirtualTime:
    """The client's clock and sleep, moving the fake's (manual) clock along."""

    def __init__(self, fake) -> None:
        self.fake = fake
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds
        if self.fake.clock.manual:
            self.fake.advance(seconds)

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


def make_client(fake, time: VirtualTime | None = None, **kwargs) -> Client:
    if time is not None:
        kwargs.setdefault("sleep", time.sleep)
        kwargs.setdefault("clock", time.clock)
    return Client(api_key="sk-test", base_url=fake.base_url, transport=sync_transport(fake.app, httpx), **kwargs)


def make_async_client(fake, time: VirtualTime | None = None, **kwargs) -> AsyncClient:
    if time is not None:
        kwargs.setdefault("sleep", time.asleep)
        kwargs.setdefault("clock", time.clock)
    return AsyncClient(api_key="sk-test", base_url=fake.base_url, transport=async_transport(fake.app, httpx), **kwargs)


# -- retries honour the fake's Retry-After ---------------------------------------------------------------


def test_retry_honours_retry_after_from_fault_rules(mockapi):
    mockapi.faults.add("rate_limit", times=2, retry_after_ms=30, path="/v1/chat/completions")
    time = VirtualTime(mockapi)
    client = make_client(mockapi, time)
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=USER)
    assert completion.text and time.sleeps == [0.03, 0.03]
    attempts = mockapi.journal.entries(path="/v1/chat/completions")
    assert [(e.status, e.fault) for e in attempts] == [(429, "fault_1"), (429, "fault_1"), (200, None)]
    keys = {e.headers["idempotency-key"] for e in attempts}
    assert len(keys) == 1  # one logical call, one idempotency key


def test_retry_after_seconds_on_overload_and_gives_up_typed(mockapi):
    mockapi.faults.add("overloaded", times=1, retry_after=1)
    time = VirtualTime(mockapi)
    client = make_client(mockapi, time)
    assert client.models.retrieve("gpt-4o").id == "gpt-4o"
    assert time.sleeps == [1.0]
    mockapi.faults.add("server_error")  # every request from now on
    with pytest.raises(ServerError) as caught:
        client.models.retrieve("gpt-4o")
    assert caught.value.status == 500 and caught.value.type == "server_error" and caught.value.request_id
    assert len(time.sleeps) == 3  # one earlier + two backoffs, then the error


def test_rate_limit_error_carries_the_fakes_retry_after(mockapi):
    mockapi.faults.add("rate_limit", retry_after_ms=1500)
    with pytest.raises(RateLimitError) as caught:
        make_client(mockapi, max_retries=0).models.list()
    assert caught.value.retry_after == 1.5 and caught.value.code == "rate_limit_exceeded"
    mockapi.faults.clear()
    mockapi.faults.add("insufficient_quota")
    with pytest.raises(QuotaExceededError):
        make_client(mockapi).models.list()  # not retried
    assert mockapi.journal.entries()[-1].fault and len(mockapi.journal.entries(path="/v1/models")) == 2


def test_reset_connection_is_retried_and_hang_hits_the_per_call_timeout(mockapi):
    mockapi.faults.add("reset", times=1)
    time = VirtualTime(mockapi)
    client = make_client(mockapi, time)
    assert client.models.retrieve("gpt-4o").id == "gpt-4o" and len(time.sleeps) == 1
    mockapi.faults.add("hang", times=1, seconds=5)
    with pytest.raises(APITimeoutError):
        client.models.retrieve("gpt-4o", timeout=0.05, max_retries=0)
    assert client.models.retrieve("gpt-4o", timeout=0.05).id == "gpt-4o"  # the hang fired once only


# -- the circuit breaker opens and recovers ----------------------------------------------------------------


def test_breaker_opens_on_server_errors_and_recovers(mockapi):
    time = VirtualTime(mockapi)
    breaker = CircuitBreaker(failure_threshold=3, window=60, recovery_time=10, clock=time.clock)
    mockapi.faults.add("bad_gateway", times=3)
    client = make_client(mockapi, time, breaker=breaker, max_retries=0)
    for _ in range(3):
        with pytest.raises(ServerError):
            client.models.list()
    assert breaker.state is BreakerState.OPEN
    with pytest.raises(CircuitOpenError):
        client.models.list()
    assert len(mockapi.journal.entries(path="/v1/models")) == 3  # the refused call never reached the fake
    time.now += 10
    assert breaker.state is BreakerState.HALF_OPEN
    assert len(client.models.list().data) > 0  # the trial call succeeds (the fault is spent)
    assert breaker.state is BreakerState.CLOSED
    assert [(a.value, b.value) for a, b in breaker.transitions] == [
        ("closed", "open"), ("open", "half_open"), ("half_open", "closed")]


# -- the queue bounds concurrency (measured) -------------------------------------------------------------------


class CountingTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.in_flight = 0
        self.peak = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            response = await self.inner.handle_async_request(request)
            await response.aread()
            return response
        finally:
            self.in_flight -= 1


@pytest.mark.anyio
async def test_queue_bounds_concurrency_against_the_fake(mockapi):
    mockapi.faults.add("latency", delay=0.03)
    counting = CountingTransport(async_transport(mockapi.app, httpx))
    unbounded = AsyncClient(api_key="sk-test", base_url=mockapi.base_url, transport=counting)
    await asyncio.gather(*(unbounded.models.retrieve("gpt-4o") for _ in range(6)))
    assert counting.peak == 6  # without a queue all six overlap

    counting = CountingTransport(async_transport(mockapi.app, httpx))
    queue = AsyncRequestQueue(max_concurrent=2, max_queued=10)
    bounded = AsyncClient(api_key="sk-test", base_url=mockapi.base_url, transport=counting, queue=queue)
    models = await asyncio.gather(*(bounded.models.retrieve("gpt-4o") for _ in range(6)))
    assert len(models) == 6 and counting.peak == 2 and queue.peak_active == 2 and queue.active == 0


# -- the limiter spaces requests ---------------------------------------------------------------------------------


@pytest.mark.mockapi(manual_clock=True)
def test_limiter_spaces_requests_under_the_fakes_rpm(mockapi):
    mockapi.rate_limits.configure(rpm=3)
    time = VirtualTime(mockapi)
    eager = make_client(mockapi, time, max_retries=0)
    for _ in range(3):
        eager.models.retrieve("gpt-4o")
    with pytest.raises(RateLimitError):  # the fake refuses a fourth request within the minute
        eager.models.retrieve("gpt-4o")
    mockapi.rate_limits.reset()
    limiter = RateLimiter(requests_per_minute=3, clock=time.clock)
    paced = make_client(mockapi, time, limiter=limiter, max_retries=0)
    for _ in range(5):
        paced.models.retrieve("gpt-4o")  # never refused
    assert time.sleeps == [20.0, 20.0, 20.0, 20.0]


@pytest.mark.mockapi(manual_clock=True)
def test_limiter_exact_token_estimates_match_the_fakes_tpm_accounting(mockapi):
    mockapi.rate_limits.configure(tpm=1000)
    time = VirtualTime(mockapi)
    limiter = RateLimiter(tokens_per_minute=1000, burst=60, clock=time.clock)  # a full minute's bucket, as the fake
    client = make_client(mockapi, time, limiter=limiter, max_retries=0)
    messages = [{"role": "system", "content": "You count tokens."},
                {"role": "user", "content": "Tokens, tokens everywhere: naïve café façade, 12345 and ☃."}]
    for _ in range(6):
        client.chat.completions.create(model="gpt-4o", messages=messages, max_completion_tokens=300)
    # exact estimates: the limiter waits precisely as long as the fake needs, so no request was refused
    assert len(time.sleeps) >= 3
    statuses = [e.status for e in mockapi.journal.entries(path="/v1/chat/completions")]
    assert statuses == [200] * 6


# -- typed errors from the fake ---------------------------------------------------------------------------------


@pytest.mark.mockapi(api_keys=["sk-good"])
def test_typed_errors_from_real_envelopes(mockapi):
    with pytest.raises(AuthenticationError) as caught:
        make_client(mockapi).models.list()
    assert caught.value.code == "invalid_api_key" and caught.value.status == 401
    good = Client(api_key="sk-good", base_url=mockapi.base_url, transport=sync_transport(mockapi.app, httpx))
    with pytest.raises(NotFoundError) as caught:
        good.models.retrieve("no-such-model")
    assert caught.value.code == "model_not_found"
    with pytest.raises(BadRequestError) as caught:
        good.chat.completions.create(model="gpt-4o", messages=[])
    assert caught.value.param == "messages" and caught.value.request_id.startswith("req_")


# -- pagination, streaming, structured output, usage ------------------------------------------------------------


def test_auto_pagination_over_files(mockapi):
    client = make_client(mockapi)
    created = [client.files.create(file=(f"f{i}.jsonl", b"{}\n"), purpose="batch").id for i in range(5)]
    assert sorted(f.id for f in client.files.list(limit=2)) == sorted(created)
    assert [len(p.data) for p in client.files.list(limit=2).iter_pages()] == [2, 2, 1]
    assert client.files.content(created[0]) == b"{}\n"


def test_chat_stream_reassembles_like_the_non_stream_reply(mockapi):
    client = make_client(mockapi)
    plain = client.chat.completions.create(model="gpt-4o-mini", messages=USER, seed=1)
    with client.chat.completions.stream(model="gpt-4o-mini", messages=USER, seed=1,
                                        stream_options={"include_usage": True}) as stream:
        pieces = [c.choices[0].delta.content or "" for c in stream if c.choices]
        final = stream.accumulator.completion()
    assert "".join(pieces) == plain.text == final.text
    assert final.usage.total_tokens == plain.usage.total_tokens


class CityInfo(BaseModel):
    city: str
    population: int
    landmarks: list[str]


def test_structured_output_parses_into_the_model(mockapi):
    client = make_client(mockapi)
    parsed = client.chat.completions.parse(model="gpt-4o", messages=USER, response_format=CityInfo)
    assert isinstance(parsed.parsed, CityInfo)
    sent = mockapi.journal.entries(path="/v1/chat/completions")[-1].body
    assert sent["response_format"]["json_schema"]["strict"] is True


def test_usage_and_cost_are_recorded_per_model(mockapi):
    client = make_client(mockapi)
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=USER)
    client.embeddings.create(model="text-embedding-3-small", input=["a", "b"])
    used = client.usage.by_model()[completion.model]
    assert (used.input_tokens, used.output_tokens) == (completion.usage.prompt_tokens,
                                                       completion.usage.completion_tokens)
    assert client.usage.cost() > 0 and client.usage.unpriced() == []


def test_conversation_sends_a_trimmed_history(mockapi):
    client = make_client(mockapi)
    convo = Conversation("gpt-4o-mini", system="Be brief.", budget=60)
    for i in range(8):
        convo.user(f"Message {i}: " + "lorem ipsum " * 5)
        convo.send(client)
    sent = mockapi.journal.entries(path="/v1/chat/completions")[-1].body["messages"]
    assert sent[0] == {"role": "system", "content": "Be brief."}
    assert sent[-1]["content"].startswith("Message 7") and len(sent) < len(convo.messages) - 1


# -- tool loop: a two-tool task -------------------------------------------------------------------------------


def get_weather(city: str) -> dict:
    """Current weather.

    Args:
        city: City name.
    """
    return {"city": city, "sky": "sunny", "celsius": 21}


def get_time(timezone: str) -> str:
    """Current local time.

    Args:
        timezone: IANA time zone, e.g. Europe/Paris.
    """
    return f"14:05 in {timezone}"


def test_tool_loop_completes_a_two_tool_chat_task(mockapi):
    mockapi.responder.script({"tool_calls": [
        {"name": "get_weather", "arguments": {"city": "Paris"}},
        {"name": "get_time", "arguments": {"timezone": "Europe/Paris"}},
    ]}, surface="chat")
    client = make_client(mockapi)
    result = run_chat_tools(client, model="gpt-4o-mini", messages=USER, tools=[get_weather, get_time])
    assert [c.name for c in result.calls] == ["get_weather", "get_time"]
    assert "sunny" in result.text and "14:05 in Europe/Paris" in result.text  # the fake quotes the tool outputs
    second = mockapi.journal.entries(path="/v1/chat/completions")[-1].body
    assert [m["role"] for m in second["messages"]] == ["user", "assistant", "tool", "tool"]
    assert second["tools"][0]["function"]["parameters"]["properties"]["city"]["description"] == "City name."


@pytest.mark.anyio
async def test_async_tool_loop_two_tools(mockapi):
    mockapi.responder.script({"tool_calls": [
        {"name": "get_weather", "arguments": {"city": "Oslo"}},
        {"name": "get_time", "arguments": {"timezone": "Europe/Oslo"}},
    ]}, surface="chat")
    client = make_async_client(mockapi)
    result = await arun_chat_tools(client, model="gpt-4o-mini", messages=USER, tools=[get_weather, get_time])
    assert "Oslo" in result.text and len(result.calls) == 2


@pytest.mark.mockapi(manual_clock=True)
def test_tool_loop_completes_a_two_tool_assistants_run(mockapi):
    time = VirtualTime(mockapi)
    client = make_client(mockapi, time)
    box = Toolbox([get_weather, get_time])
    assistant = client.beta.assistants.create(model="gpt-4o", tools=box.schemas(), instructions="Use tools.")
    thread = client.beta.threads.create(messages=USER)
    mockapi.responder.script([
        {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}},
                        {"name": "get_time", "arguments": {"timezone": "Europe/Paris"}}]},
        {"text": "Sunny, 21°C, and it is 14:05."},
    ], surface="assistants")
    result = run_assistant_tools(client, thread_id=thread.id, assistant_id=assistant.id, tools=box)
    assert result.run.status == "completed" and result.rounds == 1
    assert sorted(c.name for c in result.calls) == ["get_time", "get_weather"]
    steps = list(client.beta.threads.runs.steps.list(result.run.id, thread_id=thread.id))
    outputs = [c["function"]["output"] for s in steps if s.type == "tool_calls"
               for c in s.step_details["tool_calls"]]
    assert json.loads(next(o for o in outputs if "sunny" in o))["city"] == "Paris"
    reply = next(iter(client.beta.threads.messages.list(thread.id)))
    assert reply.role == "assistant" and reply.text == "Sunny, 21°C, and it is 14:05."
    # polling waited what the fake asked for (openai-poll-after-ms)
    assert time.sleeps and set(time.sleeps) == {mockapi.config.poll_after_ms / 1000}


@pytest.mark.mockapi(manual_clock=True)
def test_run_stream_against_the_fake(mockapi):
    client = make_client(mockapi)
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    names = [e.event for e in client.beta.threads.runs.stream(thread.id, assistant_id=assistant.id)]
    assert names[0] == "thread.run.created" and names[-1] == "thread.run.completed"
    assert "thread.message.delta" in names


# -- fine-tuning workflow ---------------------------------------------------------------------------------------


def examples(n: int) -> list[str]:
    return [json.dumps({"messages": [{"role": "system", "content": "Marv is sarcastic."},
                                     {"role": "user", "content": f"Question {i}?"},
                                     {"role": "assistant", "content": f"Answer {i}, obviously."}]})
            for i in range(n)]


@pytest.mark.mockapi(manual_clock=True)
def test_fine_tune_helper_rejects_locally_with_the_reasons_the_fake_gives(mockapi):
    time = VirtualTime(mockapi)
    client = make_client(mockapi, time)
    bad_line = json.dumps({"messages": [{"role": "user", "content": "hi"},
                                        {"role": "assistant", "content": "yo", "weight": 2}]})
    bad = "\n".join([*examples(11), bad_line]).encode()
    with pytest.raises(FineTuneFileError) as caught:
        fine_tune(client, ("marv.jsonl", bad), model="gpt-4o-mini")
    local = caught.value.problems
    assert mockapi.journal.entries(path="/v1/files") == []  # rejected before any upload
    # the same file, sent without local checks: the fake's job fails with the first of the same reasons
    server = fine_tune(client, ("marv.jsonl", bad), model="gpt-4o-mini", validate=False, interval=0.5)
    assert server.job.status == "failed"
    assert server.job.error == local[0].as_error()
    assert "Example 12, message 2" in server.job.error["message"]
    too_few = "\n".join(examples(3)).encode()
    server = fine_tune(client, ("few.jsonl", too_few), model="gpt-4o-mini", validate=False, interval=0.5)
    assert server.job.error == validate_file(too_few, model="gpt-4o-mini")[0].as_error()


@pytest.mark.mockapi(manual_clock=True)
def test_fine_tune_helper_follows_a_job_to_success(mockapi):
    time = VirtualTime(mockapi)
    client = make_client(mockapi, time)
    seen = []
    result = fine_tune(client, ("marv.jsonl", "\n".join(examples(12)).encode()), model="gpt-4o-mini",
                       suffix="marv", on_event=seen.append, interval=0.5)
    assert result.succeeded and result.fine_tuned_model.startswith("ft:gpt-4o-mini-2024-07-18:")
    messages = [e.message for e in result.events]
    assert messages[0].startswith("Created fine-tuning job")
    assert messages[-1] == "The job has successfully completed"
    assert seen == result.events and len({e.id for e in seen}) == len(seen)  # each event once, oldest first
    assert client.models.retrieve(result.fine_tuned_model).id == result.fine_tuned_model


@pytest.mark.mockapi(manual_clock=True)
def test_batch_poll_against_the_fake(mockapi):
    time = VirtualTime(mockapi)
    client = make_client(mockapi, time)
    line = {"custom_id": "a", "method": "POST", "url": "/v1/chat/completions",
            "body": {"model": "gpt-4o-mini", "messages": USER}}
    upload = client.files.create(file=("in.jsonl", json.dumps(line).encode() + b"\n"), purpose="batch")
    batch = client.batches.create(input_file_id=upload.id, endpoint="/v1/chat/completions")
    done = client.batches.poll(batch.id, interval=5)
    assert done.status == "completed" and done.request_counts.completed == 1
    output = client.files.content(done.output_file_id).decode()
    assert json.loads(output)["custom_id"] == "a"
