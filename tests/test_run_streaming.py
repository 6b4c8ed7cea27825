"""Run streams with the official SDK: the real event orders, AssistantEventHandler callbacks, final helpers."""

from __future__ import annotations

import openai
import pytest
from openai import AssistantEventHandler, AsyncAssistantEventHandler

WEATHER = {
    "type": "function",
    "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}},
}
REPLY = "The capital of France is Paris, a city on the Seine."


class Recorder(AssistantEventHandler):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[str] = []
        self.calls: list[str] = []

    def on_event(self, event) -> None:
        self.events.append(event.event)

    def on_text_created(self, text) -> None:
        self.calls.append("text_created")

    def on_text_delta(self, delta, snapshot) -> None:
        self.calls.append(f"text_delta:{delta.value}")

    def on_message_done(self, message) -> None:
        self.calls.append(f"message_done:{message.content[0].text.value}")

    def on_tool_call_created(self, tool_call) -> None:
        self.calls.append(f"tool_created:{tool_call.type}")

    def on_tool_call_delta(self, delta, snapshot) -> None:
        self.calls.append("tool_delta")

    def on_tool_call_done(self, tool_call) -> None:
        self.calls.append(f"tool_done:{tool_call.type}")

    def on_end(self) -> None:
        self.calls.append("end")


def _setup(client, tools=None):
    assistant = client.beta.assistants.create(model="gpt-4o", tools=tools or [])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "What is the capital of France?"}])
    return assistant, thread


MESSAGE_SEQUENCE = [
    "thread.run.step.created", "thread.run.step.in_progress", "thread.message.created",
    "thread.message.in_progress",
]


def test_text_reply_stream(mockapi, openai_client) -> None:
    assistant, thread = _setup(openai_client)
    mockapi.responder.script({"text": REPLY})
    handler = Recorder()
    with openai_client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id,
                                                event_handler=handler) as stream:
        stream.until_done()
        final = stream.get_final_run()
        messages = stream.get_final_messages()
    deltas = [e for e in handler.events if e == "thread.message.delta"]
    assert len(deltas) >= 5
    assert handler.events == [
        "thread.run.created", "thread.run.queued", "thread.run.in_progress", *MESSAGE_SEQUENCE, *deltas,
        "thread.message.completed", "thread.run.step.completed", "thread.run.completed",
    ]
    assert handler.calls[0] == "text_created" and handler.calls[-2:] == [f"message_done:{REPLY}", "end"]
    assert "".join(c.removeprefix("text_delta:") for c in handler.calls if c.startswith("text_delta:")) == REPLY
    assert final.status == "completed" and final.usage is not None and final.expires_at is None
    assert [m.content[0].text.value for m in messages] == [REPLY]
    stored = openai_client.beta.threads.messages.list(thread.id, limit=1).data[0]
    assert stored.id == messages[0].id and stored.run_id == final.id


def test_function_calls_streamed_then_submitted(mockapi, openai_client) -> None:
    assistant, thread = _setup(openai_client, tools=[WEATHER])
    mockapi.responder.script([
        {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}},
                        {"name": "get_weather", "arguments": {"city": "Lyon"}}]},
        {"text": "Paris is sunny, Lyon is rainy."},
    ])
    handler = Recorder()
    with openai_client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id,
                                                event_handler=handler) as stream:
        stream.until_done()
        run = stream.get_final_run()
        steps = stream.get_final_run_steps()
    step_deltas = [e for e in handler.events if e == "thread.run.step.delta"]
    assert handler.events == [
        "thread.run.created", "thread.run.queued", "thread.run.in_progress", "thread.run.step.created",
        "thread.run.step.in_progress", *step_deltas, "thread.run.requires_action",
    ]
    assert handler.calls.count("tool_created:function") == 2 and "tool_delta" in handler.calls
    assert run.status == "requires_action"
    calls = run.required_action.submit_tool_outputs.tool_calls
    snapshot = steps[0].step_details.tool_calls
    assert [(c.id, c.function.arguments) for c in snapshot] == [(c.id, c.function.arguments) for c in calls]

    with pytest.raises(openai.BadRequestError):  # refused before streaming: plain JSON
        openai_client.beta.threads.runs.submit_tool_outputs(
            run.id, thread_id=thread.id, stream=True, tool_outputs=[{"tool_call_id": calls[0].id, "output": "x"}])

    after = Recorder()
    outputs = [{"tool_call_id": c.id, "output": o} for c, o in zip(calls, ["sunny", "rainy"], strict=True)]
    with openai_client.beta.threads.runs.submit_tool_outputs_stream(
        thread_id=thread.id, run_id=run.id, tool_outputs=outputs, event_handler=after,
    ) as stream:
        stream.until_done()
        final = stream.get_final_run()
    deltas = [e for e in after.events if e == "thread.message.delta"]
    assert after.events == [
        "thread.run.step.completed", "thread.run.queued", "thread.run.in_progress", *MESSAGE_SEQUENCE, *deltas,
        "thread.message.completed", "thread.run.step.completed", "thread.run.completed",
    ]
    assert final.id == run.id and final.status == "completed"
    assert after.calls[-2:] == ["message_done:Paris is sunny, Lyon is rainy.", "end"]


def test_code_interpreter_stream(mockapi, openai_client) -> None:
    assistant, thread = _setup(openai_client, tools=[{"type": "code_interpreter"}])
    mockapi.responder.script({
        "tool_calls": [{"type": "code_interpreter", "input": "x = (14 - 11) / 3\nprint(x)",
                        "outputs": [{"type": "logs", "logs": "1.0\n"}]}],
        "text": "x = 1",
    })
    handler = Recorder()
    with openai_client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id,
                                                event_handler=handler) as stream:
        stream.until_done()
        steps = {s.type: s for s in stream.get_final_run_steps()}
    code = steps["tool_calls"].step_details.tool_calls[0].code_interpreter
    assert code.input == "x = (14 - 11) / 3\nprint(x)" and code.outputs[0].logs == "1.0\n"
    assert handler.calls[:1] == ["tool_created:code_interpreter"] and "tool_done:code_interpreter" in handler.calls
    first_completed = handler.events.index("thread.run.step.completed")
    assert handler.events[first_completed + 1:first_completed + 5] == MESSAGE_SEQUENCE
    assert handler.events[-1] == "thread.run.completed"


def test_create_and_run_stream_starts_with_thread_created(openai_client) -> None:
    assistant = openai_client.beta.assistants.create(model="gpt-4o")
    handler = Recorder()
    with openai_client.beta.threads.create_and_run_stream(
        assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": "Hi"}]}, event_handler=handler,
    ) as stream:
        stream.until_done()
        final = stream.get_final_run()
    assert handler.events[:3] == ["thread.created", "thread.run.created", "thread.run.queued"]
    assert handler.events.count("thread.message.created") == 1  # not for the request's own messages
    assert final.status == "completed"


def test_raw_stream_frames_and_failure(mockapi, openai_client, http) -> None:
    assistant, thread = _setup(openai_client)
    mockapi.responder.script({"error": {"code": "server_error", "message": "boom"}})
    events = list(openai_client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id, stream=True))
    assert [e.event for e in events] == [
        "thread.run.created", "thread.run.queued", "thread.run.in_progress", "thread.run.failed"]
    assert events[-1].data.last_error.code == "server_error" and events[-1].data.failed_at is not None

    response = http.post(f"/v1/threads/{thread.id}/runs", headers={"OpenAI-Beta": "assistants=v2"},
                         json={"assistant_id": assistant.id, "stream": True})
    assert response.headers["content-type"].startswith("text/event-stream")
    frames = response.text.strip().split("\n\n")
    assert frames[0].startswith("event: thread.run.created\ndata: {")
    assert frames[-1] == "event: done\ndata: [DONE]"


@pytest.mark.mockapi(manual_clock=True)
def test_errors_before_streaming_are_json(openai_client) -> None:
    assistant, thread = _setup(openai_client)
    openai_client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)  # holds the lock
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id, stream=True)
    assert err.value.body["message"].startswith(f"Thread {thread.id} already has an active run")
    with pytest.raises(openai.NotFoundError):
        openai_client.beta.threads.runs.create(thread_id="thread_nope", assistant_id=assistant.id, stream=True)


@pytest.mark.mockapi(manual_clock=True)
def test_streamed_run_advances_without_the_clock_and_can_be_cancelled(mockapi, openai_client) -> None:
    assistant, thread = _setup(openai_client)
    mockapi.responder.script({"text": REPLY, "delays": {"in_progress": 0.3}})
    seen = []
    stream = openai_client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id, stream=True)
    for event in stream:
        seen.append(event.event)
        if event.event == "thread.message.in_progress":
            # The stream now really waits 0.3 s (a scripted time); cancel meanwhile from another request.
            cancelled = openai_client.beta.threads.runs.cancel(event.data.run_id, thread_id=thread.id)
            assert cancelled.status == "cancelling"
    assert seen[-4:] == [
        "thread.run.cancelling", "thread.message.incomplete", "thread.run.step.cancelled", "thread.run.cancelled"]


@pytest.mark.anyio
async def test_async_stream(mockapi, async_openai_client) -> None:
    client = async_openai_client
    assistant = await client.beta.assistants.create(model="gpt-4o")
    thread = await client.beta.threads.create(messages=[{"role": "user", "content": "Hello"}])
    mockapi.responder.script({"text": REPLY})
    texts: list[str] = []

    class Handler(AsyncAssistantEventHandler):
        async def on_text_delta(self, delta, snapshot) -> None:
            texts.append(delta.value)

    async with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id,
                                               event_handler=Handler()) as stream:
        await stream.until_done()
        final = await stream.get_final_run()
    assert "".join(texts) == REPLY and final.status == "completed"
