"""Runs: polled to completion, function calls with tool outputs, thread-and-run, streams, run steps."""

from __future__ import annotations

import json

import pytest

from mockapi.conformance.scenarios._util import CHAT_MODEL, data, text_of, wait_until

WEATHER = {
    "type": "function",
    "function": {"name": "get_weather", "description": "Weather in a city.",
                 "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}},
}
FORCE_WEATHER = {"type": "function", "function": {"name": "get_weather"}}
FINAL = ("completed", "failed", "cancelled", "expired", "incomplete")


@pytest.fixture
def assistant(api, token):
    created = api.beta.assistants.create(model=CHAT_MODEL, name=f"conformance {token}",
                                         instructions="Answer briefly.", tools=[WEATHER])
    yield created
    api.beta.assistants.delete(created.id)


def _poll(api, target, run):
    return wait_until(lambda: api.beta.threads.runs.retrieve(run.id, thread_id=run.thread_id),
                      lambda r: r.status in (*FINAL, "requires_action"), target.patience, "the run")


def scenario_run_to_completion(api, target, assistant, token) -> None:
    thread = api.beta.threads.create(messages=[{"role": "user", "content": f"Say hi to {token}."}])
    run = api.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id, metadata={"run": token})
    assert run.id.startswith("run_") and run.status in ("queued", "in_progress")
    assert (run.thread_id, run.assistant_id, run.model) == (thread.id, assistant.id, CHAT_MODEL)
    run = _poll(api, target, run)
    assert run.status == "completed" and run.usage.total_tokens > 0

    messages = api.beta.threads.messages.list(thread.id, order="desc", limit=1)
    reply = messages.data[0]
    assert reply.role == "assistant" and reply.run_id == run.id and text_of(reply)

    steps = api.beta.threads.runs.steps.list(run.id, thread_id=thread.id)
    step = steps.data[0]
    assert step.id.startswith("step_") and step.type == "message_creation" and step.status == "completed"
    assert data(step)["step_details"]["message_creation"]["message_id"] == reply.id
    same = api.beta.threads.runs.steps.retrieve(step.id, thread_id=thread.id, run_id=run.id)
    assert same.id == step.id

    assert run.id in [r.id for r in api.beta.threads.runs.list(thread.id).data]
    updated = api.beta.threads.runs.update(run.id, thread_id=thread.id, metadata={"run": token, "ok": "1"})
    assert updated.metadata == {"run": token, "ok": "1"}
    api.beta.threads.delete(thread.id)


def scenario_function_call_and_tool_outputs(api, target, assistant) -> None:
    thread = api.beta.threads.create(messages=[{"role": "user", "content": "Weather in Paris?"}])
    run = api.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id, tool_choice=FORCE_WEATHER)
    run = _poll(api, target, run)
    assert run.status == "requires_action"
    action = data(run)["required_action"]
    assert action["type"] == "submit_tool_outputs"
    call = action["submit_tool_outputs"]["tool_calls"][0]
    assert call["function"]["name"] == "get_weather" and "city" in json.loads(call["function"]["arguments"])

    run = api.beta.threads.runs.submit_tool_outputs(run.id, thread_id=thread.id,
                                                    tool_outputs=[{"tool_call_id": call["id"], "output": "21 C"}])
    run = _poll(api, target, run)
    assert run.status == "completed"
    kinds = [s.type for s in api.beta.threads.runs.steps.list(run.id, thread_id=thread.id, order="asc").data]
    assert kinds == ["tool_calls", "message_creation"]
    api.beta.threads.delete(thread.id)


def scenario_thread_and_run(api, target, assistant, token) -> None:
    run = api.beta.threads.create_and_run(
        assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": f"Hello {token}"}]},
    )
    assert run.thread_id.startswith("thread_")
    run = _poll(api, target, run)
    assert run.status == "completed"
    api.beta.threads.delete(run.thread_id)


def scenario_streamed_run(api, assistant, token) -> None:
    thread = api.beta.threads.create(messages=[{"role": "user", "content": f"Stream to {token}."}])
    events = api.run_stream(thread_id=thread.id, assistant_id=assistant.id)
    names = [name for name, _ in events]
    assert names[0] == "thread.run.created" and names[-1] == "thread.run.completed"
    assert "thread.message.delta" in names and "thread.run.step.completed" in names
    deltas = [data(d)["delta"]["content"][0]["text"]["value"] for n, d in events if n == "thread.message.delta"]
    message = api.beta.threads.messages.list(thread.id, limit=1).data[0]
    assert "".join(deltas) == text_of(message)
    api.beta.threads.delete(thread.id)


def scenario_streamed_thread_and_run_with_tool_outputs(api, assistant) -> None:
    events = api.create_and_run_stream(
        assistant_id=assistant.id, tool_choice=FORCE_WEATHER,
        thread={"messages": [{"role": "user", "content": "Weather in Rome?"}]},
    )
    names = [name for name, _ in events]
    assert names[0] == "thread.created" and names[-1] == "thread.run.requires_action"
    run = data(events[-1][1])
    call = run["required_action"]["submit_tool_outputs"]["tool_calls"][0]
    events = api.submit_tool_outputs_stream(run_id=run["id"], thread_id=run["thread_id"],
                                            tool_outputs=[{"tool_call_id": call["id"], "output": "19 C"}])
    assert [n for n, _ in events][-1] == "thread.run.completed"
    api.beta.threads.delete(run["thread_id"])


def scenario_errors(api, assistant) -> None:
    thread = api.beta.threads.create()
    with api.raises(404):
        api.beta.threads.runs.create(thread_id=thread.id, assistant_id="asst_conformance000000000000")
    with api.raises(404):
        api.beta.threads.runs.retrieve("run_conformance000000000000", thread_id=thread.id)
    with api.raises(400):
        api.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id, temperature=5)
    api.beta.threads.delete(thread.id)
