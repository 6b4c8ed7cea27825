"""Assistants, threads, messages, runs, run steps and their stream events."""

from __future__ import annotations

from typing import Any

from mockapi_client.types.shared import APIObject, CompletionUsage, ErrorObject

# A polling loop stops at these (assistants.md §7): requires_action needs the caller, the rest are final.
RUN_STOP_STATUSES = frozenset({"requires_action", "cancelled", "completed", "failed", "expired", "incomplete"})


class Assistant(APIObject):
    id: str
    object: str = "assistant"
    created_at: int = 0
    name: str | None = None
    description: str | None = None
    model: str = ""
    instructions: str | None = None
    tools: list[dict[str, Any]] = []
    tool_resources: dict[str, Any] | None = None
    metadata: dict[str, str] | None = None
    temperature: float | None = None
    top_p: float | None = None
    response_format: Any = None


class Thread(APIObject):
    id: str
    object: str = "thread"
    created_at: int = 0
    tool_resources: dict[str, Any] | None = None
    metadata: dict[str, str] | None = None


class Message(APIObject):
    id: str
    object: str = "thread.message"
    created_at: int = 0
    thread_id: str = ""
    status: str | None = None
    role: str = ""
    content: list[dict[str, Any]] = []
    assistant_id: str | None = None
    run_id: str | None = None
    attachments: list[dict[str, Any]] | None = None
    metadata: dict[str, str] | None = None
    incomplete_details: dict[str, Any] | None = None
    completed_at: int | None = None
    incomplete_at: int | None = None

    @property
    def text(self) -> str:
        """The text parts' values joined."""
        parts = []
        for part in self.content:
            if part.get("type") == "text":
                text = part.get("text")
                parts.append(text.get("value", "") if isinstance(text, dict) else str(text or ""))
        return "".join(parts)


class RunFunction(APIObject):
    name: str = ""
    arguments: str = ""


class RequiredToolCall(APIObject):
    id: str
    type: str = "function"
    function: RunFunction = RunFunction()


class SubmitToolOutputs(APIObject):
    tool_calls: list[RequiredToolCall] = []


class RequiredAction(APIObject):
    type: str = "submit_tool_outputs"
    submit_tool_outputs: SubmitToolOutputs = SubmitToolOutputs()


class Run(APIObject):
    id: str
    object: str = "thread.run"
    created_at: int = 0
    thread_id: str = ""
    assistant_id: str = ""
    status: str = ""
    required_action: RequiredAction | None = None
    last_error: ErrorObject | None = None
    expires_at: int | None = None
    started_at: int | None = None
    cancelled_at: int | None = None
    failed_at: int | None = None
    completed_at: int | None = None
    incomplete_details: dict[str, Any] | None = None
    model: str = ""
    instructions: str | None = None
    tools: list[dict[str, Any]] = []
    metadata: dict[str, str] | None = None
    usage: CompletionUsage | None = None

    @property
    def done(self) -> bool:
        """Polling can stop: the run is final or waits for tool outputs."""
        return self.status in RUN_STOP_STATUSES


class RunStep(APIObject):
    id: str
    object: str = "thread.run.step"
    created_at: int = 0
    run_id: str = ""
    thread_id: str = ""
    assistant_id: str = ""
    type: str = ""
    status: str = ""
    step_details: dict[str, Any] = {}
    last_error: ErrorObject | None = None
    usage: CompletionUsage | None = None
    completed_at: int | None = None


class Delta(APIObject):
    """A message or run-step delta event (``delta`` stays a plain dict: its shape varies by part)."""

    id: str = ""
    object: str = ""
    delta: dict[str, Any] = {}


class AssistantStreamEvent(APIObject):
    """One named event of an assistants stream; ``data`` is typed by the event name."""

    event: str
    data: Any = None


def event_data(event: str | None, data: Any) -> Any:
    """The model for an assistants stream event's data."""
    name = event or ""
    if name == "thread.created":
        return Thread.model_validate(data)
    if name.endswith(".delta"):
        return Delta.model_validate(data)
    if name.startswith("thread.run.step."):
        return RunStep.model_validate(data)
    if name.startswith("thread.run."):
        return Run.model_validate(data)
    if name.startswith("thread.message."):
        return Message.model_validate(data)
    return data
