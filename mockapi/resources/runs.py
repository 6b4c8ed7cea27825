"""Runs and run steps: create (also with a new thread), list, retrieve, modify, cancel, submit tool outputs.

The lifecycle lives in ``mockapi.runs`` (one transition table, advanced lazily
on the shared clock); these handlers parse, check and call it. Every run
response carries ``openai-poll-after-ms`` so the SDK's polling helpers poll
fast. With ``stream: true`` a handler returns the run's event stream; errors
found before that (404, thread lock) are plain JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.common import lookup, paginate, validate_metadata
from mockapi.context import RequestContext
from mockapi.resources import messages, threads
from mockapi.resources.assistants import get_assistant
from mockapi.runs import install as install_engine
from mockapi.runs import objects, params
from mockapi.runs.records import RunRecord, ThreadRecord
from mockapi.runs.service import RunService
from mockapi.streaming import EventStream

if TYPE_CHECKING:
    from mockapi.fake import Fake

SETTINGS = (
    "assistant_id", "model", "reasoning_effort", "instructions", "tools", "metadata", "temperature", "top_p", "stream",
    "max_prompt_tokens", "max_completion_tokens", "truncation_strategy", "tool_choice", "parallel_tool_calls",
    "response_format",
)
RUN_FIELDS = (*SETTINGS, "additional_instructions", "additional_messages")
THREAD_AND_RUN_FIELDS = (*SETTINGS, "thread", "tool_resources")
INCLUDE_CONTENT = "step_details.tool_calls[*].file_search.results[*].content"
RUN_TOOLS_MAX = 20


def install(fake: Fake) -> None:
    install_engine(fake)
    add = fake.router.add
    add("POST", "/threads/runs", create_thread_and_run, beta=True)
    add("POST", "/threads/{thread_id}/runs", create, beta=True)
    add("GET", "/threads/{thread_id}/runs", list_runs, beta=True)
    add("GET", "/threads/{thread_id}/runs/{run_id}", retrieve, beta=True)
    add("POST", "/threads/{thread_id}/runs/{run_id}", modify, beta=True)
    add("POST", "/threads/{thread_id}/runs/{run_id}/cancel", cancel, beta=True)
    add("POST", "/threads/{thread_id}/runs/{run_id}/submit_tool_outputs", submit_tool_outputs, beta=True)
    add("GET", "/threads/{thread_id}/runs/{run_id}/steps", list_steps, beta=True)
    add("GET", "/threads/{thread_id}/runs/{run_id}/steps/{step_id}", retrieve_step, beta=True)


def _service(ctx: RequestContext) -> RunService:
    service: RunService = ctx.fake.services["runs"]
    return service


def _answer(ctx: RequestContext, run: RunRecord) -> dict[str, Any]:
    ctx.response_headers["openai-poll-after-ms"] = str(ctx.fake.config.poll_after_ms)
    return objects.render(run.obj)


def _include_content(ctx: RequestContext) -> bool:
    """``include[]`` (typed by the contract layer as ``include``; raw otherwise)."""
    value = ctx.query.get("include", ctx.query.get("include[]"))
    values = value if isinstance(value, list) else [value] if value else []
    for item in values:
        if item != INCLUDE_CONTENT:
            raise errors.invalid_value("include", item, [INCLUDE_CONTENT])
    return bool(values)


def _settings(ctx: RequestContext, body: dict[str, Any]) -> dict[str, Any]:
    """The run's effective fields: the request's overrides over the assistant's values."""
    assistant_id = params.prefixed_id(params.require(body, "assistant_id"), "assistant_id", "asst")
    assistant = get_assistant(ctx.ns, assistant_id)
    instructions = params.string(body, "instructions")
    if instructions is None:
        instructions = assistant["instructions"] or ""
    extra = params.string(body, "additional_instructions")
    if extra:
        instructions = f"{instructions}\n{extra}" if instructions else extra
    tools = params.tools(body["tools"], max_items=RUN_TOOLS_MAX) if body.get("tools") is not None else None
    parallel = body.get("parallel_tool_calls", True)
    if not isinstance(parallel, bool):
        raise params.invalid_type("parallel_tool_calls", "a boolean", parallel)
    temperature = params.number(body, "temperature", 0, 2)
    top_p = params.number(body, "top_p", 0, 1)
    tools = tools if tools is not None else list(assistant["tools"])
    tool_choice = params.tool_choice(body.get("tool_choice"))
    _check_tool_choice(tool_choice, tools)
    return {
        "assistant_id": assistant_id,
        # The assistant's own model is checked again: a fine-tuned one may have been deleted since.
        "model": params.model(ctx.ns, body["model"] if body.get("model") is not None else assistant["model"]),
        "instructions": instructions,
        "tools": tools,
        "metadata": validate_metadata(body.get("metadata")),
        "temperature": temperature if temperature is not None else assistant["temperature"],
        "top_p": top_p if top_p is not None else assistant["top_p"],
        "max_prompt_tokens": params.integer(body, "max_prompt_tokens", 256),
        "max_completion_tokens": params.integer(body, "max_completion_tokens", 256),
        "truncation_strategy": params.truncation_strategy(body.get("truncation_strategy")),
        "tool_choice": tool_choice,
        "parallel_tool_calls": parallel,
        "response_format": params.response_format(body["response_format"])
        if body.get("response_format") is not None else assistant["response_format"],
    }


def _check_tool_choice(choice: Any, tools: list[dict[str, Any]]) -> None:
    """A run cannot be forced to use a tool it does not have (the fake used to run a file search or answer in text
    regardless). Wording as the chat completions check (contracts/README.md)."""
    if choice in ("auto", "none"):
        return
    if not tools:
        raise errors.invalid_request(
            "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
            param="tool_choice",
        )
    if not isinstance(choice, dict):
        return
    kind = choice["type"]
    if kind == "function":
        name = choice["function"]["name"]
        if not any(t["type"] == "function" and t["function"].get("name") == name for t in tools):
            raise errors.invalid_request(
                f"Invalid value for 'tool_choice': function '{name}' was not found in the provided 'tools'.",
                param="tool_choice",
            )
    elif not any(t["type"] == kind for t in tools):
        raise errors.invalid_request(
            f"Invalid value for 'tool_choice': tool '{kind}' was not found in the provided 'tools'.",
            param="tool_choice",
        )


def _stream_flag(body: dict[str, Any]) -> bool:
    value = body.get("stream", False)
    if value is not None and not isinstance(value, bool):
        raise params.invalid_type("stream", "a boolean", value)
    return bool(value)


def _thread(ctx: RequestContext) -> ThreadRecord:
    return _service(ctx).thread(ctx.ns, ctx.params["thread_id"], ctx.fake.clock.now())


def _run(ctx: RequestContext, thread: ThreadRecord | None = None) -> RunRecord:
    thread = thread or _thread(ctx)
    return _service(ctx).run(ctx.ns, thread, ctx.params["run_id"], ctx.fake.clock.now())


# -- handlers ---------------------------------------------------------------------------------------------


def create(ctx: RequestContext) -> dict[str, Any] | EventStream:
    body = ctx.body
    params.only(body, RUN_FIELDS)
    service = _service(ctx)
    now = ctx.fake.clock.now()
    thread = service.thread(ctx.ns, ctx.params["thread_id"], now)
    settings = _settings(ctx, body)
    stream = _stream_flag(body)
    include = _include_content(ctx)
    extra = params.array(body, "additional_messages") or []
    parsed = [messages.parse(m, f"additional_messages[{i}].") for i, m in enumerate(extra)]
    service.check_unlocked_for_run(thread, now)
    for message in parsed:
        messages.add(ctx, thread, message)
    run = service.create(ctx.ns, thread, settings, now, include_content=include, stream=stream)
    if stream:
        return service.stream(run)
    return _answer(ctx, run)


def create_thread_and_run(ctx: RequestContext) -> dict[str, Any] | EventStream:
    body = ctx.body
    params.only(body, THREAD_AND_RUN_FIELDS)
    service = _service(ctx)
    now = ctx.fake.clock.now()
    settings = _settings(ctx, body)
    stream = _stream_flag(body)
    override = None
    if body.get("tool_resources") is not None:
        override = params.tool_resources(ctx.fake, ctx.ns, now, body["tool_resources"], helper=False)
    thread = threads.create_thread(ctx, body.get("thread"), prefix="thread.")
    preface = [("thread.created", objects.render(thread.obj))]
    run = service.create(ctx.ns, thread, settings, now, tool_resources=override, stream=stream, preface=preface)
    if stream:
        return service.stream(run)
    return _answer(ctx, run)


def list_runs(ctx: RequestContext) -> dict[str, Any]:
    return paginate(ctx, _thread(ctx).runs, lambda run: objects.render(run.obj))


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    return _answer(ctx, _run(ctx))


def modify(ctx: RequestContext) -> dict[str, Any]:
    run = _run(ctx)
    params.only(ctx.body, ("metadata",))
    if "metadata" in ctx.body:
        run.obj["metadata"] = validate_metadata(ctx.body["metadata"])
    return _answer(ctx, run)


def cancel(ctx: RequestContext) -> dict[str, Any]:
    run = _run(ctx)
    _service(ctx).cancel(run, ctx.fake.clock.now())
    return _answer(ctx, run)


def submit_tool_outputs(ctx: RequestContext) -> dict[str, Any] | EventStream:
    body = ctx.body
    params.only(body, ("tool_outputs", "stream"))
    outputs = params.array(body, "tool_outputs")
    if outputs is None:
        raise errors.missing_parameter("tool_outputs")
    for i, item in enumerate(outputs):
        if not isinstance(item, dict):
            raise params.invalid_type(f"tool_outputs[{i}]", "an object", item)
        if item.get("output") is not None and not isinstance(item["output"], str):
            raise params.invalid_type(f"tool_outputs[{i}].output", "a string", item["output"])
    stream = _stream_flag(body)
    run = _run(ctx)
    service = _service(ctx)
    service.submit(run, outputs, ctx.fake.clock.now(), stream=stream)
    if stream:
        return service.stream(run)
    return _answer(ctx, run)


def list_steps(ctx: RequestContext) -> dict[str, Any]:
    run = _run(ctx)
    include = _include_content(ctx)
    return paginate(ctx, run.steps, lambda step: objects.render_step(step, include))


def retrieve_step(ctx: RequestContext) -> dict[str, Any]:
    run = _run(ctx)
    include = _include_content(ctx)
    return objects.render_step(lookup(run.steps, ctx.params["step_id"], "run step"), include)
