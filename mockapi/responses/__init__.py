"""The Responses API (``/responses``) and Conversations (``/conversations``) on the shared responder.

``create(ctx)`` is the whole of ``POST /responses``: validate the request and
build its context (``request``: input items, instructions, the
``previous_response_id`` chain or the ``conversation``), ask the responder
and shape the reply into output items (``render``), keep it (``records``:
``store``, background lifecycle, conversation items) and answer with the
response object or its event stream (``stream``). Stored responses are read
through ``store``; conversations through ``conversations``.
``count_input_tokens(ctx)`` is ``POST /responses/input_tokens``: the same
request, counted as ``usage.input_tokens`` would count it, nothing generated.
``compact(ctx)`` is ``POST /responses/compact``: the same context, every item
but the user's messages folded into one ``compaction`` item.
"""

from __future__ import annotations

import functools
from typing import Any

from mockapi import moderated, reasoning, tokens
from mockapi.chat.render import reply_error
from mockapi.context import RequestContext
from mockapi.responses import items, options, records, render, request, stream
from mockapi.responses.records import StoredResponse
from mockapi.streaming import EventStream
from mockapi.webhooks import service as webhooks


def create(ctx: RequestContext) -> dict[str, Any] | EventStream:
    req = request.parse(ctx)
    now = ctx.fake.clock.now()
    compacted, folded = _compact_in_stream(req)
    moderator = moderated.for_request(ctx.fake, ctx.ns, req.body)
    if moderator is None:
        outcome = render.generate(req, ctx.fake, ctx.owner, now)
    else:
        outcome = render.under_moderation(req, moderator, lambda: render.generate(req, ctx.fake, ctx.owner, now))
    if outcome.status == "failed" and not (req.background or req.stream):
        raise reply_error(outcome.error or {})  # a plain request fails like the chat surface does
    if compacted is not None:
        outcome.output.insert(0, compacted)
    response_id = items.new_id("resp_")
    created = int(now)
    completed_at = created if outcome.status == "completed" else None
    final = render.response_body(req, response_id, created, outcome, status=outcome.status, completed_at=completed_at)
    diagnostics = options.cache_diagnostics(req.body, final, req.context, ctx.ns, now)
    if diagnostics is not None:
        final["prompt_cache_diagnostics"] = diagnostics
    record = StoredResponse(
        body=final, input_items=req.input_items, prefix=req.prefix,
        conversation_id=req.conversation.id if req.conversation is not None else None, folded=folded,
    )
    if req.background and not req.stream:
        # Queued now; the finished body shows once its phases have passed on the shared clock.
        step = ctx.fake.config.step_delay
        record.final = final
        record.body = render.response_body(req, response_id, created, None, status="queued")
        record.starts_at = now + float(outcome.delays.get("queued", step))
        record.done_at = record.starts_at + float(outcome.delays.get("in_progress", step))
        record.notify = functools.partial(webhooks.service_of(ctx.fake).emit, ctx.owner)
    records.save(ctx.ns, record, req.store)
    if req.background and req.stream:  # over before the stream is: its event goes out now
        webhooks.service_of(ctx.fake).emit(ctx.owner, f"response.{final['status']}", {"id": response_id})
    if req.stream:
        events = stream.events(final, req.model, obfuscate=req.include_obfuscation, queued=req.background)
        return EventStream(stream.sse(events))
    return record.body


def _compact_in_stream(req: request.ResponseRequest) -> tuple[dict[str, Any] | None, int]:
    """Server-side compaction (``context_management``): past the threshold, everything before the latest user
    message is folded into one compaction item, which the model reads instead and which leads the output
    (microsoft/vscode-copilot-chat#3740, BerriAI/litellm#21058). Returns the item and how many items it folded."""
    threshold = options.compact_threshold(req.body, req.info.context)
    if threshold is None or req.input_tokens() <= threshold:
        return None, 0
    context = req.context
    last_user = max((i for i, item in enumerate(context) if item.get("role") == "user"), default=0)
    if last_user == 0:
        return None, 0  # nothing before the question to fold
    item, _ = items.compaction(context[:last_user], req.model)
    req.fold(item, last_user)
    return item, last_user


def count_input_tokens(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body if isinstance(ctx.body, dict) else {}
    previous_id = body.get("previous_response_id")
    if body.get("model") is None and isinstance(previous_id, str):
        # `model` is optional here: a chained count is for the model of the response it continues.
        previous = records.find_response(ctx.ns, previous_id, ctx.fake.clock.now())
        if previous is not None:
            ctx.body = {**body, "model": previous.body.get("model")}
    req = request.parse(ctx)
    return {"object": "response.input_tokens", "input_tokens": req.input_tokens()}


def compact(ctx: RequestContext) -> dict[str, Any]:
    """As the real endpoint does (openai/openai-agents-js#760): the user's messages are kept as they were, the
    rest (assistant messages, tool calls, reasoning, earlier compactions) becomes one opaque item that a later
    request takes as input. Nothing is stored."""
    req = request.parse(ctx)
    kept: list[dict[str, Any]] = []
    folded: list[dict[str, Any]] = []
    for item in req.context:
        user = item.get("type") == "message" and item.get("role") == "user"
        (kept if user else folded).append(item)
    item, summary = items.compaction(folded, req.model)
    thought = reasoning.tokens(req.info, None, None)
    written = tokens.count(summary, req.model) + thought
    compacted = {
        "id": items.new_id("resp_"), "object": "response.compaction", "created_at": int(ctx.fake.clock.now()),
        "output": [*kept, item], "usage": render.usage(req.input_tokens(), written, thought),
        **options.image(req.body, req.context),
    }
    # SDK 3.63's CompactedResponse: the safety identifier used, and the tier "when reported" (when asked for).
    if isinstance(req.body.get("safety_identifier"), str):
        compacted["safety_identifier"] = req.body["safety_identifier"]
    if req.body.get("service_tier") is not None:
        compacted["service_tier"] = req.service_tier
    return compacted
