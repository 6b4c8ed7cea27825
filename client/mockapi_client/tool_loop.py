"""Tool-calling loops: let the model call Python functions until it answers.

Chat completions: send the conversation with the tools; while the reply has ``tool_calls``, run them all
concurrently, append the assistant message and one ``tool`` message per call, and ask again.
Assistants runs: create (or take) a run and poll it; while it ``requires_action``, run the requested
calls concurrently and submit their outputs; stop at a final status.
Both stop with ``ToolLoopError`` after ``max_rounds`` rounds of tool calls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mockapi_client.errors import ToolLoopError
from mockapi_client.resources.chat import message_params
from mockapi_client.tools import Tool, Toolbox, ToolCallRequest, ToolResult
from mockapi_client.types.assistants import Run
from mockapi_client.types.chat import ChatCompletion

if TYPE_CHECKING:
    from mockapi_client.client import AsyncClient, Client

Tools = Toolbox | Iterable[Callable[..., Any] | Tool]


@dataclass
class ChatToolResult:
    completion: ChatCompletion  # the final reply (no more tool calls)
    messages: list[dict[str, Any]]  # the whole conversation, tool calls and results included
    calls: list[ToolResult] = field(default_factory=list)
    rounds: int = 0

    @property
    def text(self) -> str | None:
        return self.completion.text


@dataclass
class RunToolResult:
    run: Run  # the final run (completed, failed, ...)
    calls: list[ToolResult] = field(default_factory=list)
    rounds: int = 0


def _toolbox(tools: Tools) -> Toolbox:
    return tools if isinstance(tools, Toolbox) else Toolbox(tools)


def _chat_calls(completion: ChatCompletion) -> list[ToolCallRequest]:
    if not completion.choices:
        return []
    return [
        ToolCallRequest(c.id, c.function.name, c.function.arguments)
        for c in completion.choices[0].message.tool_calls or []
    ]


def _run_calls(run: Run) -> list[ToolCallRequest]:
    action = run.required_action
    if action is None:
        return []
    return [ToolCallRequest(c.id, c.function.name, c.function.arguments) for c in action.submit_tool_outputs.tool_calls]


def _tool_messages(results: Sequence[ToolResult]) -> list[dict[str, Any]]:
    return [{"role": "tool", "tool_call_id": r.call_id, "content": r.output} for r in results]


def _outputs(results: Sequence[ToolResult]) -> list[dict[str, Any]]:
    return [{"tool_call_id": r.call_id, "output": r.output} for r in results]


def _too_many(max_rounds: int) -> ToolLoopError:
    return ToolLoopError(f"The model still calls tools after {max_rounds} rounds.")


def run_chat_tools(
    client: Client, *, model: str, messages: Sequence[Any], tools: Tools, max_rounds: int = 8, **params: Any
) -> ChatToolResult:
    box = _toolbox(tools)
    history = message_params(messages)
    calls: list[ToolResult] = []
    for rounds in range(max_rounds + 1):
        completion = client.chat.completions.create(model=model, messages=history, tools=box.schemas(), **params)
        requests = _chat_calls(completion)
        if not requests:
            return ChatToolResult(completion, [*history, completion.choices[0].message.to_param()], calls, rounds)
        if rounds == max_rounds:
            break
        results = box.run(requests)
        calls += results
        history += [completion.choices[0].message.to_param(), *_tool_messages(results)]
    raise _too_many(max_rounds)


async def arun_chat_tools(
    client: AsyncClient, *, model: str, messages: Sequence[Any], tools: Tools, max_rounds: int = 8, **params: Any
) -> ChatToolResult:
    box = _toolbox(tools)
    history = message_params(messages)
    calls: list[ToolResult] = []
    for rounds in range(max_rounds + 1):
        completion = await client.chat.completions.create(
            model=model, messages=history, tools=box.schemas(), **params
        )
        requests = _chat_calls(completion)
        if not requests:
            return ChatToolResult(completion, [*history, completion.choices[0].message.to_param()], calls, rounds)
        if rounds == max_rounds:
            break
        results = await box.arun(requests)
        calls += results
        history += [completion.choices[0].message.to_param(), *_tool_messages(results)]
    raise _too_many(max_rounds)


def run_assistant_tools(
    client: Client, *, thread_id: str, tools: Tools, assistant_id: str | None = None, run_id: str | None = None,
    max_rounds: int = 8, interval: float | None = None, max_wait: float | None = None, **run_params: Any,
) -> RunToolResult:
    """Start a run of ``assistant_id`` on the thread (or continue ``run_id``) and serve its tool calls."""
    box = _toolbox(tools)
    runs = client.beta.threads.runs
    if run_id is None:
        if assistant_id is None:
            raise TypeError("pass assistant_id (to start a run) or run_id (to continue one)")
        run_id = runs.create(thread_id, assistant_id=assistant_id, **run_params).id
    run = runs.poll(run_id, thread_id=thread_id, interval=interval, max_wait=max_wait)
    calls: list[ToolResult] = []
    rounds = 0
    while run.status == "requires_action":
        if rounds == max_rounds:
            raise _too_many(max_rounds)
        results = box.run(_run_calls(run))
        calls += results
        rounds += 1
        run = runs.submit_tool_outputs_and_poll(
            run.id, thread_id=thread_id, tool_outputs=_outputs(results), interval=interval, max_wait=max_wait
        )
    return RunToolResult(run, calls, rounds)


async def arun_assistant_tools(
    client: AsyncClient, *, thread_id: str, tools: Tools, assistant_id: str | None = None,
    run_id: str | None = None, max_rounds: int = 8, interval: float | None = None, max_wait: float | None = None,
    **run_params: Any,
) -> RunToolResult:
    box = _toolbox(tools)
    runs = client.beta.threads.runs
    if run_id is None:
        if assistant_id is None:
            raise TypeError("pass assistant_id (to start a run) or run_id (to continue one)")
        run_id = (await runs.create(thread_id, assistant_id=assistant_id, **run_params)).id
    run = await runs.poll(run_id, thread_id=thread_id, interval=interval, max_wait=max_wait)
    calls: list[ToolResult] = []
    rounds = 0
    while run.status == "requires_action":
        if rounds == max_rounds:
            raise _too_many(max_rounds)
        results = await box.arun(_run_calls(run))
        calls += results
        rounds += 1
        run = await runs.submit_tool_outputs_and_poll(
            run.id, thread_id=thread_id, tool_outputs=_outputs(results), interval=interval, max_wait=max_wait
        )
    return RunToolResult(run, calls, rounds)
