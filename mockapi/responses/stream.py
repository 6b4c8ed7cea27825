"""The server-sent event stream of a response, derived from its finished body.

Order (the real API's, see README "Responses and Conversations"):
``response.created`` and ``response.in_progress`` (``response.queued`` between
them for a background response) carrying the response with no output yet;
per output item ``response.output_item.added`` then, for a message, per
content part ``response.content_part.added``, ``response.output_text.delta``
pieces of about 3 tokens (``response.refusal.delta`` for a refusal),
``response.output_text.annotation.added`` per annotation,
``response.output_text.done`` and ``response.content_part.done``; for a
function call ``response.function_call_arguments.delta`` pieces and
``.done``; for a file (web) search ``response.file_search_call.in_progress`` (``web_search_call``) /
``.searching`` / ``.completed``; for a code interpreter call ``.in_progress``, code deltas and ``_code.done``,
``.interpreting``, ``.completed``; for an image generation call ``.in_progress`` / ``.generating`` /
``.completed``; then ``response.output_item.done``; finally
``response.completed`` (or ``.incomplete`` / ``.failed``) with the whole
response. Every event carries ``sequence_number`` (0, 1, 2...) and its type as
the SSE ``event:`` name; there is no ``[DONE]`` frame. Deltas join to exactly
the texts of the body, so the SDK's accumulator rebuilds the non-streamed
response.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from mockapi import tokens
from mockapi.chat import text as text_shaping
from mockapi.chat.stream import obfuscation_pad
from mockapi.streaming import SSEEvent

Emit = Callable[..., None]
FINAL_EVENTS = {"completed": "response.completed", "incomplete": "response.incomplete", "failed": "response.failed"}


def events(body: dict[str, Any], model: str, *, obfuscate: bool = True, queued: bool = False) -> list[dict[str, Any]]:
    """Every event of ``body``'s stream, numbered from 0."""
    out: list[dict[str, Any]] = []

    def emit(kind: str, **fields: Any) -> None:
        out.append({"type": kind, "sequence_number": len(out), **fields})

    shell = {
        **body, "status": "queued" if queued else "in_progress", "output": [], "completed_at": None, "error": None,
        "incomplete_details": None,
    }
    shell.pop("usage", None)  # no usage yet (the document types it non-null, so it is left out)
    emit("response.created", response=shell)
    if queued:
        emit("response.queued", response=shell)
        shell = {**shell, "status": "in_progress"}
    emit("response.in_progress", response=shell)
    for index, item in enumerate(body.get("output", [])):
        _item_events(emit, index, item, model, obfuscate)
    final = FINAL_EVENTS.get(body["status"])
    if final is not None:
        emit(final, response=body)
    return out


def sse(events_list: list[dict[str, Any]], starting_after: int | None = None) -> Iterator[SSEEvent]:
    for event in events_list:
        if starting_after is None or event["sequence_number"] > starting_after:
            yield SSEEvent(event, event=event["type"])


def _item_events(emit: Emit, index: int, item: dict[str, Any], model: str, obfuscate: bool) -> None:
    kind = item.get("type")
    if kind == "message":
        emit("response.output_item.added", output_index=index, item={**item, "status": "in_progress", "content": []})
        for content_index, part in enumerate(item["content"]):
            _part_events(emit, index, item["id"], content_index, part, model, obfuscate)
    elif kind == "function_call":
        emit("response.output_item.added", output_index=index,
             item={**item, "status": "in_progress", "arguments": ""})
        for piece in text_shaping.split_text(item["arguments"], model):
            _delta(emit, "response.function_call_arguments.delta", obfuscate, item_id=item["id"], output_index=index,
                   delta=piece)
        emit("response.function_call_arguments.done", item_id=item["id"], output_index=index, name=item["name"],
             arguments=item["arguments"])
    elif kind == "custom_tool_call":
        emit("response.output_item.added", output_index=index, item={**item, "status": "in_progress", "input": ""})
        for piece in text_shaping.split_text(item["input"], model):
            _delta(emit, "response.custom_tool_call_input.delta", obfuscate, item_id=item["id"], output_index=index,
                   delta=piece)
        emit("response.custom_tool_call_input.done", item_id=item["id"], output_index=index, input=item["input"])
    elif kind == "reasoning":
        emit("response.output_item.added", output_index=index, item={**item, "summary": []})
        for summary_index, part in enumerate(item["summary"]):
            where = {"item_id": item["id"], "output_index": index, "summary_index": summary_index}
            emit("response.reasoning_summary_part.added", **where, part={"type": "summary_text", "text": ""})
            for piece in text_shaping.split_text(part["text"], model):
                emit("response.reasoning_summary_text.delta", **where, delta=piece)
            emit("response.reasoning_summary_text.done", **where, text=part["text"])
            emit("response.reasoning_summary_part.done", **where, part=part)
    elif kind in ("file_search_call", "web_search_call"):
        started = {"queries": [], "results": None} if kind == "file_search_call" else {}
        emit("response.output_item.added", output_index=index, item={**item, "status": "in_progress", **started})
        for phase in ("in_progress", "searching", "completed"):
            emit(f"response.{kind}.{phase}", item_id=item["id"], output_index=index)
    elif kind == "code_interpreter_call":
        emit("response.output_item.added", output_index=index,
             item={**item, "status": "in_progress", "code": "", "outputs": None})
        where = {"item_id": item["id"], "output_index": index}
        emit("response.code_interpreter_call.in_progress", **where)
        for piece in text_shaping.split_text(item["code"] or "", model):
            _delta(emit, "response.code_interpreter_call_code.delta", obfuscate, **where, delta=piece)
        emit("response.code_interpreter_call_code.done", **where, code=item["code"] or "")
        emit("response.code_interpreter_call.interpreting", **where)
        emit("response.code_interpreter_call.completed", **where)
    elif kind == "image_generation_call":
        emit("response.output_item.added", output_index=index, item={**item, "status": "in_progress", "result": None})
        for phase in ("in_progress", "generating", "completed"):
            emit(f"response.image_generation_call.{phase}", item_id=item["id"], output_index=index)
    elif kind == "compaction":  # an in-stream compaction: "emitted when new summary content is sampled" (the SDK)
        emit("response.output_item.added", output_index=index, item=item)
        emit("response.compaction.compacting", item_id=item["id"], output_index=index)
    else:
        emit("response.output_item.added", output_index=index, item=item)
    emit("response.output_item.done", output_index=index, item=item)


def _part_events(
    emit: Emit, index: int, item_id: str, content_index: int, part: dict[str, Any], model: str, obfuscate: bool,
) -> None:
    where = {"item_id": item_id, "output_index": index, "content_index": content_index}
    if part.get("type") == "refusal":
        emit("response.content_part.added", **where, part={"type": "refusal", "refusal": ""})
        for piece in text_shaping.split_text(part["refusal"], model):
            emit("response.refusal.delta", **where, delta=piece)
        emit("response.refusal.done", **where, refusal=part["refusal"])
        emit("response.content_part.done", **where, part=part)
        return
    emit("response.content_part.added", **where, part={"type": "output_text", "annotations": [], "logprobs": [],
                                                        "text": ""})
    logprobs = part.get("logprobs") or []
    ids = tokens.encode(part["text"], model) if part["text"] else []
    for piece, start, end in text_shaping.pieces(ids, model):
        _delta(emit, "response.output_text.delta", obfuscate, **where, delta=piece, logprobs=logprobs[start:end])
    for annotation_index, annotation in enumerate(part.get("annotations") or []):
        emit("response.output_text.annotation.added", **where, annotation_index=annotation_index,
             annotation=annotation)
    emit("response.output_text.done", **where, text=part["text"], logprobs=logprobs)
    emit("response.content_part.done", **where, part=part)


def _delta(emit: Emit, kind: str, obfuscate: bool, **fields: Any) -> None:
    if obfuscate:
        fields["obfuscation"] = obfuscation_pad()  # random filler hiding delta sizes, as real streams carry
    emit(kind, **fields)
