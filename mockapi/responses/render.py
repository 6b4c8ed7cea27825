"""From the responder's ``Reply`` to a ``response`` object (output items, usage, status).

``generate`` asks the shared responder (``surface="responses"``) and shapes
the reply: text and refusal become one ``message`` item (``output_text`` /
``refusal`` parts), function calls become ``function_call`` items with their
``call_id``. A ``file_search`` call runs against the caller's vector stores
inside the same response (a ``file_search_call`` item), a ``web_search`` call
returns scripted (or made-up) pages (a ``web_search_call`` item), and the model
is asked again with the results, as the real service does with hosted tools.
``max_output_tokens`` truncates with the real tokenizer (the chat surface's
shaping helpers) and ends the response ``incomplete``. The stream
(``stream.py``) is derived from the very body built here, so both agree.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mockapi import moderated, reasoning, tokens, websearch
from mockapi.chat import text as text_shaping
from mockapi.chat.render import shape_calls
from mockapi.ids import new_id
from mockapi.responder import Reply, ToolCall, Turn
from mockapi.responses import hosted
from mockapi.responses import items as item_store
from mockapi.responses.request import (
    INCLUDABLE_ENCRYPTED_REASONING,
    INCLUDABLE_LOGPROBS,
    INCLUDABLE_SEARCH_RESULTS,
    INCLUDABLE_WEB_SOURCES,
    ResponseRequest,
)

if TYPE_CHECKING:
    from mockapi.fake import Fake

MAX_TOOL_ROUNDS = 4  # hosted tool calls answered inside one response before it must end
ERROR_CODES = (
    "server_error", "rate_limit_exceeded", "invalid_prompt", "vector_store_timeout", "invalid_image",
    "invalid_image_format", "invalid_base64_image", "invalid_image_url", "image_too_large", "image_too_small",
    "image_parse_error", "image_content_policy_violation", "invalid_image_mode", "image_file_too_large",
    "unsupported_image_media_type", "empty_image_file", "failed_to_download_image", "image_file_not_found",
)
INCOMPLETE_REASONS = ("max_output_tokens", "content_filter")
DEFAULT_RESULTS = 20  # file_search max_num_results
OPTIONAL_STRINGS = ("prompt_cache_key", "safety_identifier", "user")


@dataclass
class Outcome:
    """What the model produced for one request, before it is wrapped in a response object."""

    output: list[dict[str, Any]]
    output_tokens: int = 0
    status: str = "completed"  # completed | incomplete | failed
    incomplete: str | None = None
    error: dict[str, Any] | None = None  # the scripted {code, message}
    delays: dict[str, float] = field(default_factory=dict)
    reasoning_tokens: int = 0  # included in output_tokens
    moderation: dict[str, Any] | None = None  # {input, output} results when moderation was requested


def generate(req: ResponseRequest, fake: Fake, owner: str, now: float) -> Outcome:
    responder = fake.responder
    messages = req.chat_messages()
    output: list[dict[str, Any]] = []
    searched: list[dict[str, Any]] = []
    for round_number in range(MAX_TOOL_ROUNDS):
        turn = req.turn(owner, messages)
        scripted = responder.peek(turn) is not None
        reply = responder.respond(turn)
        if reply.error:
            return Outcome(output, status="failed", error=dict(reply.error), delays=dict(reply.delays))
        searches = [c for c in reply.tool_calls if c.type in ("file_search", "web_search")]
        if searches and round_number < MAX_TOOL_ROUNDS - 1:
            results = [
                web_search(req, call, turn) if call.type == "web_search"
                else file_search(fake, req, owner, call, turn, now)
                for call in searches
            ]  # fmt: skip
            output += [item for item, _ in results]
            hits = [found for _, found in results]
            searched += [hit for found in hits for hit in found]
            messages = [*messages, *search_history(searches, hits)]
            continue
        runs = [c for c in reply.tool_calls if c.type in hosted.KINDS]
        if runs and round_number < MAX_TOOL_ROUNDS - 1:
            done = [
                hosted.run_code(req, call, fake.state.namespace(owner), int(now)) if call.type == "code_interpreter"
                else hosted.draw(req, call, turn)
                for call in runs
            ]  # fmt: skip
            output += [item for item, _ in done]
            messages = [*messages, *search_history(runs, [[{"text": said}] for _, said in done])]
            continue
        outcome = shape(req, reply, output, [] if scripted else searched)
        outcome.delays = dict(reply.delays)
        if req.info.kind == "reasoning":
            # Reasoning models open their output with a reasoning item (no summary unless asked for one).
            outcome.output.insert(0, reasoning_item(req, reply, turn, outcome.reasoning_tokens))
        return outcome
    raise AssertionError("unreachable: the last round always shapes a reply")


def under_moderation(req: ResponseRequest, moderator: moderated.Moderator, answer: Callable[[], Outcome]) -> Outcome:
    """The outcome under a ``moderation`` policy: a blocked input is not answered, a blocked output is dropped."""
    asked = [item for item in req.input_items if item.get("type") == "message" and item.get("role") != "assistant"]
    verdict_in = moderator.judge(*moderated.contents(asked))
    if moderator.policy.block_input and moderated.flagged(verdict_in):
        outcome = Outcome([], status="incomplete", incomplete="content_filter")
    else:
        outcome = answer()
    said = [{"content": part} for item in outcome.output if item.get("type") == "message"
            for part in item.get("content", []) if part.get("type") == "output_text"]  # fmt: skip
    verdict_out = moderator.judge(*moderated.contents([{"content": [p["content"] for p in said]}]))
    if moderator.policy.block_output and moderated.flagged(verdict_out) and outcome.status != "failed":
        outcome.output = [item for item in outcome.output if item.get("type") != "message"]
        outcome.status, outcome.incomplete = "incomplete", "content_filter"
    outcome.moderation = {"input": verdict_in, "output": verdict_out}
    return outcome


def reasoning_item(req: ResponseRequest, reply: Reply, turn: Turn, thought: int) -> dict[str, Any]:
    item: dict[str, Any] = {"id": item_store.item_id("reasoning"), "type": "reasoning", "summary": []}
    if req.reasoning.get("summary") and thought:
        # A summary is written only when asked for and when the model reasoned; the script's, or a plain one.
        said = " ".join(turn.last_user_text.split())[:80]
        text = reply.reasoning_summary or f"**Planning the answer**\n\nThe user said \"{said}\"; I will reply to it."
        item["summary"] = [{"type": "summary_text", "text": text}]
    if req.wants(INCLUDABLE_ENCRYPTED_REASONING):
        # Stateless (store: false / ZDR) callers pass this item back as input; it must carry the opaque blob.
        item["encrypted_content"] = "gAAAAA" + base64.urlsafe_b64encode(secrets.token_bytes(120)).decode()
    return item


# -- shaping the final reply ----------------------------------------------------------------------


def shape(req: ResponseRequest, reply: Reply, output: list[dict[str, Any]], cited: list[dict[str, Any]]) -> Outcome:
    model = req.model
    thinking = reasoning.tokens(req.info, req.reasoning.get("effort"), reply.reasoning_tokens)
    if req.max_output_tokens is not None and thinking >= req.max_output_tokens:
        # The limit went on reasoning: the output is the reasoning item alone (OpenAI's reasoning guide).
        spent = req.max_output_tokens
        return Outcome(output, spent, "incomplete", "max_output_tokens", reasoning_tokens=spent)
    budget = None if req.max_output_tokens is None else req.max_output_tokens - thinking
    used = 0
    truncated = False
    calls = [c for c in reply.tool_calls if c.type in ("function", "custom")]
    if calls and not req.parallel_tool_calls:
        calls = calls[:1]
    parts: list[dict[str, Any]] = []
    if reply.text is not None or (reply.refusal is None and not calls and not reply.items):
        value = reply.text or ""
        if reply.annotations:
            annotations = [_annotation(a) for a in reply.annotations]
        else:
            value, annotations = citations(cited, value)
        value, ids, cut = _cut(value, model, None if budget is None else budget - used)
        used += len(ids)
        truncated = truncated or cut
        logprobs = []
        if req.wants(INCLUDABLE_LOGPROBS):
            logprobs = text_shaping.token_logprobs(ids, model, req.top_logprobs, f"{model}|responses|{len(output)}")
        parts.append({
            "type": "output_text", "text": value, "logprobs": logprobs,
            "annotations": [a for a in annotations if a.get("index", a.get("end_index", 0)) <= len(value)],
        })
    if reply.refusal is not None:
        refusal, ids, cut = _cut(reply.refusal, model, None if budget is None else budget - used)
        used += len(ids)
        truncated = truncated or cut
        parts.append({"type": "refusal", "refusal": refusal})
    status, reason = "completed", None
    message = None
    if parts:
        message = {"id": item_store.item_id("message"), "type": "message", "status": "completed",
                   "content": parts, "role": "assistant"}
        output = [*output, message]
    if calls and not truncated:
        kept, call_tokens, calls_cut = shape_calls(calls, model, None if budget is None else budget - used)
        used += call_tokens
        truncated = calls_cut
        output = [*output, *(_call_item(c, i == len(kept) - 1 and calls_cut) for i, c in enumerate(kept))]
    output = [*output, *(scripted_item(item) for item in reply.items)]
    if truncated:
        status, reason, used = "incomplete", "max_output_tokens", budget or used
    elif reply.finish_reason == "content_filter" or reply.incomplete in INCOMPLETE_REASONS:
        status, reason = "incomplete", reply.incomplete if reply.incomplete in INCOMPLETE_REASONS else "content_filter"
    if status == "incomplete" and message is not None:
        message["status"] = "incomplete"
    return Outcome(output, used + thinking, status, reason, reasoning_tokens=thinking)


def _cut(value: str, model: str, budget: int | None) -> tuple[str, list[int], bool]:
    if budget is None:
        return value, tokens.encode(value, model) if value else [], False
    return text_shaping.truncate(value, max(budget, 0), model)


def scripted_item(given: dict[str, Any]) -> dict[str, Any]:
    """An output item a script spelled out, completed with what the script need not invent."""
    kind = str(given.get("type") or "")
    item = {"id": item_store.item_id(kind), **given}
    if kind.endswith("_call") and kind != "mcp_call":
        item.setdefault("call_id", new_id("call_"))  # the shape every tool call id has (ids.new_id)
    if kind != "mcp_list_tools" and kind != "mcp_approval_request":
        item.setdefault("status", "completed")
    return item


def _call_item(call: ToolCall, cut: bool) -> dict[str, Any]:
    status = "incomplete" if cut else "completed"
    if call.type == "custom":
        return {"id": item_store.item_id("custom_tool_call"), "type": "custom_tool_call", "status": status,
                "call_id": call.id, "name": call.name, "input": call.input or ""}  # fmt: skip
    return {
        "id": item_store.item_id("function_call"), "type": "function_call", "status": status,
        "arguments": call.arguments, "call_id": call.id, "name": call.name,
    }


def _annotation(given: dict[str, Any]) -> dict[str, Any]:
    """A scripted annotation in the Responses shape (Assistants-style citations are converted)."""
    kind = given.get("type")
    nested = given.get(kind) if isinstance(given.get(kind), dict) else {}
    if kind in ("file_citation", "file_path") and "file_id" not in given and nested:
        converted = {"type": kind, "file_id": nested.get("file_id"), "index": given.get("end_index", 0)}
        if kind == "file_citation":
            converted["filename"] = given.get("filename") or nested.get("filename") or ""
        return converted
    return dict(given)


def citations(hits: list[dict[str, Any]], text: str) -> tuple[str, list[dict[str, Any]]]:
    """The default reply after a search cites each web page with an inline link (``websearch.cite``) and each
    file it used once, at the end of its text."""
    pages = [websearch.Page(h["url"], h["title"], h["text"]) for h in hits if "url" in h]
    text, spans = websearch.cite(text, pages)
    cited = [{"type": "url_citation", "start_index": start, "end_index": end, "url": page.url, "title": page.title}
             for start, end, page in spans]  # fmt: skip
    files: set[str] = set()
    for hit in hits:
        if "file_id" in hit and hit["file_id"] not in files:
            files.add(hit["file_id"])
            cited.append({"type": "file_citation", "file_id": hit["file_id"], "filename": hit["filename"],
                          "index": len(text)})  # fmt: skip
    return text, cited


# -- file search (hosted tool) ---------------------------------------------------------------------


def file_search(
    fake: Fake, req: ResponseRequest, owner: str, call: ToolCall, turn: Turn, now: float,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run one search on the request's vector stores: the ``file_search_call`` item and its results."""
    tool = next((t.get("file_search") or {} for t in req.chat_tools if t["type"] == "file_search"), {})
    query = call.query or turn.last_user_text
    ranking = tool.get("ranking_options") or {}
    limit = int(tool.get("max_num_results") or DEFAULT_RESULTS)
    threshold = float(ranking.get("score_threshold") or 0.0)
    vectors = fake.services.get("vector_stores")
    hits = []
    if vectors is not None:
        # The tool's attribute `filters` narrow the search as on `vector_stores.search` (they used to be ignored).
        hits = vectors.search_for_run(owner, list(tool.get("vector_store_ids") or []), query, limit, threshold, now,
                                      rule=tool.get("filters"))
    results = [
        {"file_id": h.file_id, "filename": h.filename, "score": h.score, "text": h.text,
         "attributes": h.attributes or {}}
        for h in hits
    ]
    item = {
        "id": item_store.item_id("file_search_call"), "type": "file_search_call", "status": "completed",
        "queries": [query], "results": results if req.wants(INCLUDABLE_SEARCH_RESULTS) else None,
    }
    return item, results


def web_search(req: ResponseRequest, call: ToolCall, turn: Turn) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One web search: the ``web_search_call`` item and the pages found (``websearch.pages_for``)."""
    query = call.query or " ".join(turn.last_user_text.split())[:80]
    pages = websearch.pages_for(query, call.outputs)
    action: dict[str, Any] = {"type": "search", "query": query}
    if req.wants(INCLUDABLE_WEB_SOURCES):
        action["sources"] = [{"type": "url", "url": page.url} for page in pages]
    item = {"id": item_store.item_id("web_search_call"), "type": "web_search_call", "status": "completed",
            "action": action}  # fmt: skip
    return item, [{"url": page.url, "title": page.title, "text": page.text} for page in pages]


def search_history(calls: list[ToolCall], results: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The search as the model sees it next: a tool call and a tool message with the found text."""
    history: list[dict[str, Any]] = [{
        "role": "assistant", "content": None,
        "tool_calls": [{"id": c.id, "type": "function", "function": {"name": c.type, "arguments": c.query or ""}}
                       for c in calls],
    }]
    for call, found in zip(calls, results, strict=True):
        history.append({"role": "tool", "tool_call_id": call.id, "content": "\n".join(h["text"] for h in found)})
    return history


# -- the response object ---------------------------------------------------------------------------


def failure(error: dict[str, Any]) -> dict[str, str]:
    code = error.get("code")
    message = error.get("message") or "The server had an error while processing your request. Sorry about that!"
    return {"code": code if code in ERROR_CODES else "server_error", "message": str(message)}


def usage(input_tokens: int, output_tokens: int, reasoning_tokens: int = 0) -> dict[str, Any]:
    return {
        "input_tokens": input_tokens,
        # cache_write_tokens: required by the current SDK's ResponseUsage, newer than the document
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": output_tokens,
        "output_tokens_details": {"reasoning_tokens": reasoning_tokens},
        "total_tokens": input_tokens + output_tokens,
    }


def response_body(
    req: ResponseRequest, response_id: str, created_at: int, outcome: Outcome | None, *, status: str,
    completed_at: int | None = None,
) -> dict[str, Any]:
    """The ``response`` object; ``outcome`` None gives the empty shell of a queued / in-progress response."""
    body = req.body
    finished = outcome is not None
    response = {
        "id": response_id,
        "object": "response",
        "created_at": created_at,
        "status": status,
        "background": req.background,
        "completed_at": completed_at,
        "conversation": {"id": req.conversation.id} if req.conversation is not None else None,
        "error": failure(outcome.error) if finished and outcome.error else None,
        "incomplete_details": {"reason": outcome.incomplete} if finished and outcome.incomplete else None,
        "instructions": req.instructions,
        "max_output_tokens": req.max_output_tokens,
        "max_tool_calls": body.get("max_tool_calls"),
        "model": req.echo_model,
        "output": outcome.output if finished else [],
        "parallel_tool_calls": req.parallel_tool_calls,
        "previous_response_id": req.previous.id if req.previous is not None else None,
        "prompt_cache_retention": body.get("prompt_cache_retention"),
        "reasoning": req.reasoning,
        "service_tier": req.service_tier,
        "store": req.store,
        "temperature": req.temperature,
        "text": {"format": req.text_format, "verbosity": (body.get("text") or {}).get("verbosity") or "medium"},
        "tool_choice": req.tool_choice,
        "tools": req.tools,
        "top_logprobs": req.top_logprobs,
        "top_p": req.top_p,
        "truncation": body.get("truncation") or "disabled",
        "metadata": req.metadata,
    }
    response.update(req.extras)
    if finished and outcome.moderation is not None:
        response["moderation"] = outcome.moderation
    if finished and outcome.status != "failed":
        # left out until there is one
        response["usage"] = usage(req.input_tokens(), outcome.output_tokens, outcome.reasoning_tokens)
    # The document types these as strings: left out when not given (the real API sends null).
    for name in OPTIONAL_STRINGS:
        if isinstance(body.get(name), str):
            response[name] = body[name]
    return response
