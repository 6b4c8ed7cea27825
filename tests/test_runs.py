"""Runs with the official SDK: the lifecycle, tool outputs, thread locks, cancel, failures, expiry, controls."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import openai
import pytest

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}
TIME = {
    "type": "function",
    "function": {"name": "get_time", "parameters": {"type": "object", "properties": {"tz": {"type": "string"}}}},
}
# One clock step per second, so a manual clock stops a run in any state.
STEPWISE = pytest.mark.mockapi(manual_clock=True, step_delay=1.0)


def _setup(client, tools=None, content="Hello"):
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.", tools=tools or [])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": content}])
    return assistant, thread


def test_math_tutor_flow(mockapi, openai_client) -> None:
    assistant = openai_client.beta.assistants.create(
        model="gpt-4o", name="Math Tutor", tools=[{"type": "code_interpreter"}],
        instructions="You are a personal math tutor. Write and run code to answer math questions.",
    )
    thread = openai_client.beta.threads.create()
    openai_client.beta.threads.messages.create(thread.id, role="user", content="Solve 3x + 11 = 14.")
    mockapi.responder.script({
        "tool_calls": [{"type": "code_interpreter", "input": "print((14 - 11) / 3)",
                        "outputs": [{"type": "logs", "logs": "1.0\n"}]}],
        "text": "The solution is x = 1.",
    }, assistant_id=assistant.id)

    run = openai_client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)

    assert run.status == "completed" and run.thread_id == thread.id and run.assistant_id == assistant.id
    assert run.started_at is not None and run.completed_at is not None and run.expires_at is None
    assert run.usage is not None and run.usage.total_tokens == run.usage.prompt_tokens + run.usage.completion_tokens
    assert run.usage.completion_tokens > 0 and run.instructions == assistant.instructions
    reply = openai_client.beta.threads.messages.list(thread.id).data[0]
    assert reply.role == "assistant" and reply.content[0].text.value == "The solution is x = 1."
    assert (reply.run_id, reply.assistant_id, reply.status) == (run.id, assistant.id, "completed")
    steps = openai_client.beta.threads.runs.steps.list(run_id=run.id, thread_id=thread.id, order="asc").data
    assert [(s.type, s.status) for s in steps] == [("tool_calls", "completed"), ("message_creation", "completed")]
    code = steps[0].step_details.tool_calls[0]
    assert code.type == "code_interpreter" and code.id.startswith("call_")
    assert code.code_interpreter.input == "print((14 - 11) / 3)"
    assert code.code_interpreter.outputs[0].logs == "1.0\n"
    assert steps[1].step_details.message_creation.message_id == reply.id
    assert all(s.run_id == run.id and s.usage is not None and s.completed_at for s in steps)
    by_run = openai_client.beta.threads.messages.list(thread.id, run_id=run.id).data
    assert [m.id for m in by_run] == [reply.id]


def test_default_reply_and_poll_header(openai_client) -> None:
    assistant, thread = _setup(openai_client, content="What is the capital of France?")
    raw = openai_client.beta.threads.runs.with_raw_response.create(thread_id=thread.id, assistant_id=assistant.id)
    assert raw.headers["openai-poll-after-ms"] == "25"
    run = raw.parse()
    assert run.status == "queued" and run.started_at is None and run.expires_at == run.created_at + 600
    assert run.required_action is None and run.usage is None and run.tool_choice == "auto"
    assert run.truncation_strategy.type == "auto" and run.parallel_tool_calls is True
    done = openai_client.beta.threads.runs.poll(run.id, thread_id=thread.id)
    assert done.status == "completed"
    text = openai_client.beta.threads.messages.list(thread.id, limit=1).data[0].content[0].text.value
    assert text.startswith('You said: "What is the capital of France?"')


def test_function_calls_polled(mockapi, openai_client) -> None:
    assistant, thread = _setup(openai_client, tools=[WEATHER, TIME], content="Weather and time in Paris?")
    mockapi.responder.script([
        {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}},
                        {"name": "get_time", "arguments": {"tz": "Europe/Paris"}}]},
        {"text": "Sunny, and it is noon."},
    ])
    run = openai_client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "requires_action" and run.required_action.type == "submit_tool_outputs"
    calls = run.required_action.submit_tool_outputs.tool_calls
    assert [(c.function.name, json.loads(c.function.arguments)) for c in calls] == [
        ("get_weather", {"city": "Paris"}), ("get_time", {"tz": "Europe/Paris"})]
    first, second = calls[0].id, calls[1].id
    step = openai_client.beta.threads.runs.steps.list(run_id=run.id, thread_id=thread.id).data[0]
    assert step.type == "tool_calls" and step.status == "in_progress"

    with pytest.raises(openai.BadRequestError) as err:
        openai_client.beta.threads.runs.submit_tool_outputs(
            run.id, thread_id=thread.id, tool_outputs=[{"tool_call_id": first, "output": "sunny"}])
    assert err.value.body["message"] == f"Expected tool outputs for call_ids ['{first}', '{second}'], got ['{first}']"
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.beta.threads.runs.submit_tool_outputs(
            run.id, thread_id=thread.id,
            tool_outputs=[{"tool_call_id": first, "output": "a"}, {"tool_call_id": "call_wrong", "output": "b"}])
    assert "got ['" + first + "', 'call_wrong']" in err.value.body["message"]
    assert openai_client.beta.threads.runs.retrieve(run.id, thread_id=thread.id).status == "requires_action"

    done = openai_client.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=run.id, thread_id=thread.id,
        tool_outputs=[{"tool_call_id": second, "output": "12:00"}, {"tool_call_id": first, "output": "sunny"}],
    )
    assert done.status == "completed" and done.required_action is None
    steps = openai_client.beta.threads.runs.steps.list(run_id=run.id, thread_id=thread.id, order="asc").data
    assert [(s.type, s.status) for s in steps] == [("tool_calls", "completed"), ("message_creation", "completed")]
    outputs = {c.id: c.function.output for c in steps[0].step_details.tool_calls}
    assert outputs == {first: "sunny", second: "12:00"}
    assert openai_client.beta.threads.messages.list(thread.id).data[0].content[0].text.value == "Sunny, and it is noon."
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.beta.threads.runs.submit_tool_outputs(
            run.id, thread_id=thread.id, tool_outputs=[{"tool_call_id": first, "output": "x"}])
    assert err.value.body["message"] == 'Runs in status "completed" do not accept tool outputs.'


def test_required_tool_choice_calls_with_schema_arguments(openai_client) -> None:
    assistant, thread = _setup(openai_client, tools=[WEATHER])
    run = openai_client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, tool_choice="required")
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    assert call.function.name == "get_weather" and isinstance(json.loads(call.function.arguments)["city"], str)
    done = openai_client.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=run.id, thread_id=thread.id, tool_outputs=[{"tool_call_id": call.id, "output": "rainy"}])
    reply = openai_client.beta.threads.messages.list(thread.id, limit=1).data[0].content[0].text.value
    assert done.status == "completed" and "rainy" in reply


@STEPWISE
def test_thread_lock(mockapi, openai_client) -> None:
    assistant, thread = _setup(openai_client)
    run = openai_client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.beta.threads.messages.create(thread.id, role="user", content="more")
    assert err.value.body == {
        "message": f"Can't add messages to {thread.id} while a run {run.id} is active.",
        "type": "invalid_request_error", "param": None, "code": None,
    }
    mockapi.advance(1)  # in_progress: still locked
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    assert err.value.body["message"] == f"Thread {thread.id} already has an active run {run.id}."
    assert openai_client.beta.threads.retrieve(thread.id).id == thread.id  # reads stay allowed
    mockapi.advance(5)
    assert openai_client.beta.threads.runs.retrieve(run.id, thread_id=thread.id).status == "completed"
    openai_client.beta.threads.messages.create(thread.id, role="user", content="more")
    second = openai_client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    assert [r.id for r in openai_client.beta.threads.runs.list(thread_id=thread.id)] == [second.id, run.id]


@STEPWISE
def test_cancel_during_in_progress(mockapi, openai_client) -> None:
    assistant, thread = _setup(openai_client)
    run = openai_client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    mockapi.advance(1)
    assert openai_client.beta.threads.runs.retrieve(run.id, thread_id=thread.id).status == "in_progress"
    cancelling = openai_client.beta.threads.runs.cancel(run.id, thread_id=thread.id)
    assert cancelling.status == "cancelling" and cancelling.cancelled_at is None
    with pytest.raises(openai.BadRequestError):  # cancelling still holds the lock
        openai_client.beta.threads.messages.create(thread.id, role="user", content="x")
    mockapi.advance(1)
    cancelled = openai_client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
    assert cancelled.status == "cancelled" and cancelled.cancelled_at == int(mockapi.clock.now())
    assert cancelled.completed_at is None and cancelled.expires_at is None
    message = openai_client.beta.threads.messages.list(thread.id, limit=1).data[0]
    assert message.role == "assistant" and message.status == "incomplete"
    assert message.incomplete_details.reason == "run_cancelled"
    step = openai_client.beta.threads.runs.steps.list(run_id=run.id, thread_id=thread.id).data[0]
    assert step.status == "cancelled" and step.cancelled_at is not None
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.beta.threads.runs.cancel(run.id, thread_id=thread.id)
    assert err.value.body["message"] == "Cannot cancel run with status 'cancelled'."
    openai_client.beta.threads.messages.create(thread.id, role="user", content="unlocked")


def test_cancel_of_completed_run_refused(openai_client) -> None:
    assistant, thread = _setup(openai_client)
    run = openai_client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.beta.threads.runs.cancel(run.id, thread_id=thread.id)
    assert err.value.body["message"] == "Cannot cancel run with status 'completed'." and err.value.status_code == 400


@pytest.mark.parametrize("code", ["server_error", "rate_limit_exceeded", "invalid_prompt"])
def test_scripted_failure(mockapi, openai_client, code) -> None:
    assistant, thread = _setup(openai_client)
    mockapi.responder.script({"error": {"code": code, "message": f"forced {code}"}}, thread_id=thread.id)
    run = openai_client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "failed" and run.failed_at is not None and run.completed_at is None
    assert (run.last_error.code, run.last_error.message) == (code, f"forced {code}")
    openai_client.beta.threads.messages.create(thread.id, role="user", content="the lock is released")


@pytest.mark.parametrize("reason", ["max_completion_tokens", "max_prompt_tokens"])
def test_scripted_incomplete(mockapi, openai_client, reason) -> None:
    assistant, thread = _setup(openai_client)
    mockapi.responder.script({"text": "A partial answer", "incomplete": reason})
    run = openai_client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "incomplete" and run.incomplete_details.reason == reason and run.usage is not None
    message = openai_client.beta.threads.messages.list(thread.id, run_id=run.id).data[0]
    assert message.status == "incomplete" and message.incomplete_details.reason == "max_tokens"


def test_max_completion_tokens_truncates(mockapi, openai_client) -> None:
    assistant, thread = _setup(openai_client)
    mockapi.responder.script({"text": "word " * 400})
    run = openai_client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, max_completion_tokens=256)
    assert run.status == "incomplete" and run.incomplete_details.reason == "max_completion_tokens"
    assert run.usage.completion_tokens == 256


@STEPWISE
def test_expiry_from_requires_action(mockapi, openai_client) -> None:
    assistant, thread = _setup(openai_client, tools=[WEATHER])
    mockapi.responder.script({"tool_calls": [{"name": "get_weather", "arguments": {"city": "Oslo"}}]})
    run = openai_client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    mockapi.advance(2)
    waiting = openai_client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
    assert waiting.status == "requires_action" and waiting.expires_at == run.created_at + 600
    mockapi.advance(500)
    assert openai_client.beta.threads.runs.retrieve(run.id, thread_id=thread.id).status == "requires_action"
    mockapi.advance(100)
    expired = openai_client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
    assert expired.status == "expired" and expired.expires_at == run.created_at + 600
    step = openai_client.beta.threads.runs.steps.list(run_id=run.id, thread_id=thread.id).data[0]
    assert step.status == "expired" and step.expired_at == run.created_at + 600
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.beta.threads.runs.submit_tool_outputs(
            run.id, thread_id=thread.id, tool_outputs=[{"tool_call_id": "call_x", "output": "late"}])
    assert err.value.body["message"] == 'Runs in status "expired" do not accept tool outputs.'
    openai_client.beta.threads.messages.create(thread.id, role="user", content="unlocked again")


@pytest.mark.mockapi(manual_clock=True)
def test_expiry_of_a_held_queued_run(mockapi, openai_client) -> None:
    assistant, thread = _setup(openai_client)
    mockapi.services["runs"].hold(at="queued")
    run = openai_client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    mockapi.advance(599)
    assert openai_client.beta.threads.runs.retrieve(run.id, thread_id=thread.id).status == "queued"
    mockapi.advance(1)
    assert openai_client.beta.threads.runs.retrieve(run.id, thread_id=thread.id).status == "expired"


@pytest.mark.mockapi(manual_clock=True)
def test_scripted_time_in_progress(mockapi, openai_client) -> None:
    assistant, thread = _setup(openai_client)
    mockapi.responder.script({"text": "slow", "delays": {"queued": 2, "in_progress": 5}})
    run = openai_client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    status = []
    for seconds in (1.5, 1, 4, 1):
        mockapi.advance(seconds)
        status.append(openai_client.beta.threads.runs.retrieve(run.id, thread_id=thread.id).status)
    assert status == ["queued", "in_progress", "in_progress", "completed"]


@pytest.mark.mockapi(manual_clock=True)
def test_run_controls_python_and_http(mockapi, openai_client, http) -> None:
    assistant, thread = _setup(openai_client)
    runs = mockapi.services["runs"]
    run = openai_client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    assert runs.step(run.id)["status"] == "in_progress"  # no clock needed
    described = http.get(f"/__mockapi__/runs/{run.id}").json()
    assert described["run"]["status"] == "in_progress" and described["stage"] == "message"
    assert http.post(f"/__mockapi__/runs/{run.id}/hold", json={"at": "*"}).json()["status"] == "in_progress"
    mockapi.advance(60)
    assert runs.get(run.id)["status"] == "in_progress"  # held
    assert http.delete(f"/__mockapi__/runs/{run.id}/hold").status_code == 200
    assert http.post(f"/__mockapi__/runs/{run.id}/step", json={"steps": 2}).json()["status"] == "completed"
    response = http.post(f"/__mockapi__/runs/{run.id}/step")
    assert response.status_code == 400 and "completed" in response.json()["error"]["message"]
    assert http.get("/__mockapi__/runs/run_unknown").status_code == 404


def test_overrides_additional_messages_and_thread_and_run(mockapi, openai_client) -> None:
    assistant = openai_client.beta.assistants.create(model="gpt-4o", instructions="Base.", tools=[WEATHER])
    thread = openai_client.beta.threads.create()
    run = openai_client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, model="gpt-4o-mini", additional_instructions="Be nice.",
        tools=[{"type": "code_interpreter"}], metadata={"a": "b"}, temperature=0.5,
        additional_messages=[{"role": "user", "content": "Added before the run"}],
        truncation_strategy={"type": "last_messages", "last_messages": 5},
    )
    assert (run.model, run.instructions, run.temperature, run.metadata) == ("gpt-4o-mini", "Base.\nBe nice.", 0.5,
                                                                            {"a": "b"})
    assert [t.type for t in run.tools] == ["code_interpreter"] and run.truncation_strategy.last_messages == 5
    listed = openai_client.beta.threads.messages.list(thread.id, order="asc").data
    assert [m.role for m in listed] == ["user", "assistant"] and listed[0].run_id is None
    updated = openai_client.beta.threads.runs.update(run.id, thread_id=thread.id, metadata={"a": "c"})
    assert updated.metadata == {"a": "c"}
    with pytest.raises(openai.BadRequestError):
        openai_client.beta.threads.runs.update(run.id, thread_id=thread.id, extra_body={"model": "gpt-4o"})

    both = openai_client.beta.threads.create_and_run_poll(
        assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": "Hi there"}]},
        instructions="Replaced.",
    )
    assert both.status == "completed" and both.instructions == "Replaced." and both.thread_id != thread.id
    said = [m.content[0].text.value for m in openai_client.beta.threads.messages.list(both.thread_id)]
    assert len(said) == 2 and said[1] == "Hi there"


def test_run_errors(openai_client) -> None:
    assistant, thread = _setup(openai_client)
    with pytest.raises(openai.NotFoundError) as err:
        openai_client.beta.threads.runs.create(thread_id=thread.id, assistant_id="asst_missing")
    assert err.value.body["message"] == "No assistant found with id 'asst_missing'."
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.beta.threads.runs.create(thread_id=thread.id, assistant_id="missing")
    assert err.value.body["message"] == "Invalid 'assistant_id': 'missing'. Expected an ID that begins with 'asst'."
    with pytest.raises(openai.NotFoundError) as err:
        openai_client.beta.threads.runs.create(thread_id="thread_missing", assistant_id=assistant.id)
    assert err.value.body["message"] == "No thread found with id 'thread_missing'."
    with pytest.raises(openai.NotFoundError) as err:
        openai_client.beta.threads.runs.retrieve("run_missing", thread_id=thread.id)
    assert err.value.body["message"] == "No run found with id 'run_missing'."
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id,
                                               max_completion_tokens=10)
    assert err.value.param == "max_completion_tokens"


@pytest.mark.mockapi(manual_clock=True)
def test_50_concurrent_run_creations_from_threads(mockapi) -> None:
    client = mockapi.openai_client(max_retries=0)
    assistant, thread = _setup(client)

    def attempt(_: int) -> str:
        try:
            return client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id).id
        except openai.BadRequestError as exc:
            return "locked: " + exc.body["message"]

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(attempt, range(50)))
    created = [r for r in results if not r.startswith("locked")]
    assert len(created) == 1
    refused = {r for r in results if r.startswith("locked")}
    assert refused == {f"locked: Thread {thread.id} already has an active run {created[0]}."}
    assert [r.id for r in client.beta.threads.runs.list(thread_id=thread.id)] == created
    client.close()


@pytest.mark.anyio
@pytest.mark.mockapi(manual_clock=True)
async def test_50_concurrent_run_creations_asyncio(mockapi, async_openai_client) -> None:
    client = async_openai_client
    assistant = await client.beta.assistants.create(model="gpt-4o")
    thread = await client.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
    results = await asyncio.gather(
        *(client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id, extra_body={})
          for _ in range(50)),
        return_exceptions=True,
    )
    runs = [r for r in results if not isinstance(r, BaseException)]
    errors = [r for r in results if isinstance(r, openai.BadRequestError)]
    assert len(runs) == 1 and len(errors) == 49
    assert {e.body["message"] for e in errors} == {f"Thread {thread.id} already has an active run {runs[0].id}."}
    mockapi.advance(10)
    assert (await client.beta.threads.runs.retrieve(runs[0].id, thread_id=thread.id)).status == "completed"


def test_explicit_nulls_the_spec_allows_are_accepted(openai_client) -> None:
    """tool_choice / truncation_strategy / expires_after are declared `allOf: [$ref, {nullable: true}]`."""
    assistant = openai_client.beta.assistants.create(model="gpt-4o")
    thread = openai_client.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
    run = openai_client.beta.threads.runs.create(
        thread_id=thread.id, assistant_id=assistant.id, tool_choice=None, truncation_strategy=None
    )
    assert run.status == "queued"
    store = openai_client.vector_stores.create(name="s")
    assert openai_client.vector_stores.update(store.id, expires_after=None).id == store.id
