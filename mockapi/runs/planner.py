"""What a run does when it goes in_progress: ask the responder, turn the reply into stages.

The "model" sees the assistant's (or run's) instructions as a system message,
the thread's messages (after the truncation strategy) and what this run already
did (tool calls and their results). A reply becomes up to three stages, in
order: executed tools (code_interpreter / file_search), the message, and the
function calls that put the run in requires_action. A reply with executed tools
and nothing else is followed by another turn with the tool results (at most
``MAX_ROUNDS``), as the real service continues after its own tools.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from mockapi import tokens
from mockapi.responder import Reply, ToolCall, Turn
from mockapi.runs.objects import RANKING_OPTIONS
from mockapi.runs.records import ASSISTANTS, Outcome, RunRecord, Stage

if TYPE_CHECKING:
    from mockapi.fake import Fake

MAX_ROUNDS = 4
EXECUTED = ("code_interpreter", "file_search")
LAST_ERROR_CODES = ("server_error", "rate_limit_exceeded", "invalid_prompt")
DEFAULT_ERROR_MESSAGES = {
    "server_error": "Sorry, something went wrong.",
    "rate_limit_exceeded": "Rate limit reached. Please try again later.",
    "invalid_prompt": "Invalid prompt: your prompt was flagged as potentially violating our usage policy.",
}
INCOMPLETE_REASONS = ("max_completion_tokens", "max_prompt_tokens")
# Chosen wording (unverified): the docs say only that such runs fail.
EXPIRED_STORE = (
    "Vector store {store_id} has expired. Create a new vector store with the same files and attach it instead."
)
DEFAULT_FILE_SEARCH_RESULTS = 20


def build_turn(fake: Fake, run: RunRecord) -> Turn:
    obj = run.obj
    messages: list[dict[str, Any]] = []
    if obj["instructions"]:
        messages.append({"role": "system", "content": obj["instructions"]})
    thread_messages = [
        {"role": m["role"], "content": tokens.message_text(m["content"])} for m in run.thread.messages.values()
    ]
    strategy = obj.get("truncation_strategy") or {}
    if strategy.get("type") == "last_messages" and strategy.get("last_messages"):
        thread_messages = thread_messages[-int(strategy["last_messages"]):]
    messages += thread_messages
    messages += run.history
    fmt = obj.get("response_format")
    return Turn(
        surface="assistants",
        model=obj["model"],
        messages=messages,
        tools=list(obj["tools"]),
        tool_choice=obj.get("tool_choice"),
        response_format=fmt if isinstance(fmt, dict) else None,
        assistant_id=obj["assistant_id"],
        thread_id=obj["thread_id"],
        run_id=obj["id"],
        owner=run.owner,
    )


def plan(fake: Fake, run: RunRecord, now: float) -> tuple[list[Stage], Outcome, Reply | None]:
    """Ask the responder (one or more rounds) and return the stages, the outcome and the first reply."""
    expired = _expired_store(fake, run, now)
    if expired is not None:
        return [], Outcome("fail", error=expired), None
    turn = build_turn(fake, run)
    stages: list[Stage] = []
    first: Reply | None = None
    limits = run.obj
    # The latest executed tools and their results: a default reply cites the files they found.
    executed: list[ToolCall] = []
    results: list[Any] = []
    for _ in range(MAX_ROUNDS):
        scripted = fake.responder.peek(turn) is not None
        reply = fake.responder.respond(turn)
        first = first or reply
        prompt = tokens.chat_prompt_tokens(turn.messages, turn.model, turn.tools)
        max_prompt = limits.get("max_prompt_tokens")
        if max_prompt is not None and run.prompt_used + prompt > max_prompt:
            return stages, Outcome("truncate", reason="max_prompt_tokens"), first
        run.prompt_used += prompt

        ran = [c for c in reply.tool_calls if c.type in EXECUTED]
        if ran:
            executed = ran
            stage = Stage("tools", calls=executed, prompt_tokens=prompt)
            results = [_execute(fake, run, call, turn, now) for call in executed]
            stage.completion_tokens = sum(tokens.count(c.input or c.query or "", turn.model) for c in executed)
            stages.append(stage)
            turn.messages = [*turn.messages, *_tool_history(executed, results)]
            run.history += _tool_history(executed, results)
        if reply.error is not None:
            return stages, Outcome("fail", error=_last_error(reply.error)), first

        text = reply.text
        functions = reply.function_calls
        if text is None and reply.refusal is None and ran and not functions and reply.incomplete is None:
            continue  # the model saw its tools' results: ask again
        truncated_by_limit = False
        if text is not None or reply.refusal is not None or not functions:
            message = _message_stage(fake, run, reply, executed, results, scripted, prompt)
            truncated_by_limit = message.truncated
            if reply.incomplete is not None:
                message.truncated = True
            stages.append(message)
        if truncated_by_limit:
            return stages, Outcome("truncate", reason="max_completion_tokens"), first
        if reply.incomplete is not None:
            reason = reply.incomplete if reply.incomplete in INCOMPLETE_REASONS else "max_completion_tokens"
            return stages, Outcome("truncate", reason=reason), first
        if functions:
            arguments = sum(tokens.count(c.name + c.arguments, turn.model) for c in functions)
            stages.append(Stage("functions", calls=functions, prompt_tokens=prompt, completion_tokens=arguments))
            return stages, Outcome("need_action"), first
        return stages, Outcome("complete"), first
    return stages, Outcome("complete"), first


def _message_stage(
    fake: Fake, run: RunRecord, reply: Reply, executed: list[ToolCall], results: list[Any], scripted: bool,
    prompt: int,
) -> Stage:
    text = reply.text if reply.text is not None else ("" if reply.refusal is None else None)
    annotations = [dict(a) for a in reply.annotations]
    if text is not None and not scripted and not annotations:
        text, annotations = _cite(text, executed, results)
    model = run.obj["model"]
    value = text if text is not None else reply.refusal or ""
    completion = tokens.count(value, model)
    stage = Stage("message", text=text or "", refusal=reply.refusal if text is None else None,
                  annotations=annotations, prompt_tokens=prompt)
    limit = run.obj.get("max_completion_tokens")
    if limit is not None and run.completion_used + completion > limit:
        remaining = max(0, limit - run.completion_used)
        cut = tokens.decode(tokens.encode(value, model)[:remaining], model)
        if stage.refusal is not None:
            stage.refusal = cut
        else:
            stage.text = cut
        stage.annotations = [a for a in annotations if a.get("end_index", 0) <= len(cut)]
        stage.truncated = True
        completion = remaining
    stage.completion_tokens = completion
    run.completion_used += completion
    return stage


def _execute(fake: Fake, run: RunRecord, call: ToolCall, turn: Turn, now: float) -> Any:
    """Fill in what an executed tool produced: code outputs as given, file search results from the stores."""
    if call.type == "code_interpreter":
        call.input = call.input if call.input is not None else ""
        call.outputs = list(call.outputs or [])
        return call.outputs
    tool = next((t for t in turn.tools if t.get("type") == "file_search"), {})
    options = tool.get("file_search") or {}
    ranking = dict(RANKING_OPTIONS)
    given = options.get("ranking_options") or {}
    if given.get("score_threshold") is not None:
        ranking["score_threshold"] = float(given["score_threshold"])
    limit = options.get("max_num_results") or DEFAULT_FILE_SEARCH_RESULTS
    query = call.query if call.query else turn.last_user_text
    call.query = query
    vectors = fake.services.get("vector_stores")
    hits = []
    if vectors is not None:
        hits = vectors.search_for_run(run.owner, vector_store_ids(fake, run), query, limit,
                                      ranking["score_threshold"], now)
    results = [
        {"file_id": h.file_id, "file_name": h.filename, "score": h.score,
         "content": [{"type": "text", "text": h.text}]}
        for h in hits
    ]
    call.outputs = [{"ranking_options": ranking, "results": results}]
    return results


def _expired_store(fake: Fake, run: RunRecord, now: float) -> dict[str, str] | None:
    """A run with file_search over an expired vector store fails (file-search docs: "If the vector store
    expires, runs on that thread will fail"); it used to search it as if it were live."""
    vectors = fake.services.get("vector_stores")
    if vectors is None or not any(t.get("type") == "file_search" for t in run.obj["tools"]):
        return None
    for store_id in vector_store_ids(fake, run):
        if vectors.is_expired(run.owner, store_id, now):
            return {"code": "server_error", "message": EXPIRED_STORE.format(store_id=store_id)}
    return None


def vector_store_ids(fake: Fake, run: RunRecord) -> list[str]:
    """The stores file_search reads: the run's override, else the assistant's and the thread's."""
    if run.tool_resources is not None:
        return list(((run.tool_resources.get("file_search") or {}).get("vector_store_ids")) or [])
    ids: list[str] = []
    assistant = fake.state.namespace(run.owner).collection(ASSISTANTS).get(run.obj["assistant_id"])
    for resources in ((assistant or {}).get("tool_resources"), run.thread.obj.get("tool_resources")):
        for store_id in ((resources or {}).get("file_search") or {}).get("vector_store_ids") or []:
            if store_id not in ids:
                ids.append(store_id)
    return ids


def _tool_history(calls: list[ToolCall], results: list[Any]) -> list[dict[str, Any]]:
    history: list[dict[str, Any]] = [{
        "role": "assistant", "content": None,
        "tool_calls": [
            {"id": c.id, "type": "function", "function": {"name": c.type, "arguments": c.input or c.query or ""}}
            for c in calls
        ],
    }]
    for call, result in zip(calls, results, strict=True):
        if call.type == "code_interpreter":
            content = "".join(o.get("logs", "") for o in result if isinstance(o, dict))
        else:
            content = "\n".join(r["content"][0]["text"] for r in result)
        history.append({"role": "tool", "tool_call_id": call.id, "content": content})
    return history


def function_history(calls: list[ToolCall], outputs: dict[str, str]) -> list[dict[str, Any]]:
    history: list[dict[str, Any]] = [{
        "role": "assistant", "content": None,
        "tool_calls": [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}} for c in calls
        ],
    }]
    history += [{"role": "tool", "tool_call_id": c.id, "content": outputs[c.id]} for c in calls]
    return history


def _cite(text: str, executed: list[ToolCall], results: list[Any]) -> tuple[str, list[dict[str, Any]]]:
    """The default reply after a file search cites the files it used, as the real service does (【n:m†name】)."""
    annotations: list[dict[str, Any]] = []
    cited: list[str] = []
    for call_index, (call, result) in enumerate(zip(executed, results, strict=True)):
        if call.type != "file_search":
            continue
        for result_index, hit in enumerate(result):
            if hit["file_id"] in cited:
                continue
            cited.append(hit["file_id"])
            marker = f"【{call_index}:{result_index}†{hit['file_name']}】"
            start = len(text)
            text += marker
            annotations.append({
                "type": "file_citation", "text": marker, "file_citation": {"file_id": hit["file_id"]},
                "start_index": start, "end_index": start + len(marker),
            })
    return text, annotations


def _last_error(error: dict[str, Any]) -> dict[str, str]:
    code = error.get("code") if error.get("code") in LAST_ERROR_CODES else "server_error"
    message = error.get("message") or DEFAULT_ERROR_MESSAGES[code]
    return {"code": code, "message": str(message)}


def arguments_json(call: ToolCall) -> str:
    """Function arguments as the JSON string the API carries."""
    if isinstance(call.arguments, str):
        return call.arguments
    return orjson.dumps(call.arguments).decode()
