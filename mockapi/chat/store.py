"""Stored chat completions (``store: true``): retrieve, list, update metadata, delete, input messages.

Only completions created with ``store: true`` are kept (core.md §3.6), per
owner. Lists are ascending by default; the input messages of completion
``chatcmpl-x`` have ids ``chatcmpl-x-0``, ``chatcmpl-x-1``, ...
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockapi import errors, tokens
from mockapi.collection import Collection
from mockapi.common import deleted, paginate, validate_metadata
from mockapi.context import RequestContext
from mockapi.state import Namespace

KIND = "chat_completions"


@dataclass
class Stored:
    body: dict[str, Any]  # the chat.completion as returned, plus the request echo fields
    requested_model: str
    metadata: dict[str, str]
    messages: Collection[dict[str, Any]] = field(default_factory=Collection)

    def render(self) -> dict[str, Any]:
        return {**self.body, "metadata": dict(self.metadata)}


def save(ns: Namespace, completion: dict[str, Any], body: dict[str, Any], request_id: str) -> None:
    """Keep a completion created with ``store: true``."""
    record = Stored(
        body={**completion, **_request_echo(body, request_id)},
        requested_model=str(body.get("model")),
        metadata=validate_metadata(body.get("metadata")),
    )
    for i, message in enumerate(body.get("messages") or []):
        item_id = f"{completion['id']}-{i}"
        record.messages.add(item_id, stored_message(item_id, message))
    ns.collection(KIND).add(completion["id"], record)


def _request_echo(body: dict[str, Any], request_id: str) -> dict[str, Any]:
    # What the real stored object repeats from its request (spec example of ChatCompletionList).
    return {
        "request_id": request_id,
        "seed": body.get("seed"),
        "temperature": body.get("temperature", 1.0),
        "top_p": body.get("top_p", 1.0),
        "presence_penalty": body.get("presence_penalty", 0.0),
        "frequency_penalty": body.get("frequency_penalty", 0.0),
        "tool_choice": body.get("tool_choice"),
        "tools": body.get("tools"),
        "response_format": body.get("response_format"),
        "input_user": body.get("user"),
    }


def stored_message(item_id: str, message: dict[str, Any]) -> dict[str, Any]:
    content = message.get("content")
    parts = content if isinstance(content, list) else None
    item: dict[str, Any] = {
        "id": item_id,
        "role": message.get("role"),
        "content": tokens.message_text(content) if content is not None else None,
        "refusal": message.get("refusal"),
        "name": message.get("name"),
        "content_parts": [p for p in parts if isinstance(p, dict) and p.get("type") in ("text", "image_url")]
        if parts is not None else None,
    }
    if message.get("tool_calls"):
        item["tool_calls"] = message["tool_calls"]
    if message.get("function_call"):
        item["function_call"] = message["function_call"]
    if message.get("tool_call_id"):
        item["tool_call_id"] = message["tool_call_id"]
    return item


def _get(ns: Namespace, completion_id: str) -> Stored:
    found = ns.collection(KIND).get(completion_id)
    if found is None:
        raise errors.not_found("chat completion", completion_id)
    return found


# -- handlers ------------------------------------------------------------------------------------


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    return _get(ctx.ns, ctx.params["completion_id"]).render()


def update(ctx: RequestContext) -> dict[str, Any]:
    record = _get(ctx.ns, ctx.params["completion_id"])
    body = ctx.body if isinstance(ctx.body, dict) else {}
    if "metadata" not in body:
        raise errors.missing_parameter("metadata")
    record.metadata = validate_metadata(body.get("metadata"))
    return record.render()


def delete(ctx: RequestContext) -> dict[str, Any]:
    completion_id = ctx.params["completion_id"]
    _get(ctx.ns, completion_id)
    ctx.ns.collection(KIND).remove(completion_id)
    return deleted(completion_id, "chat.completion.deleted")


def list_completions(ctx: RequestContext) -> dict[str, Any]:
    model = ctx.query.get("model")
    wanted = _metadata_filter(ctx.query)

    def where(record: Stored) -> bool:
        if model and model not in (record.requested_model, record.body.get("model")):
            return False
        return all(record.metadata.get(k) == v for k, v in wanted.items())

    filtered = where if model or wanted else None
    return paginate(ctx, ctx.ns.collection(KIND), Stored.render, default_order="asc", where=filtered)


def list_messages(ctx: RequestContext) -> dict[str, Any]:
    record = _get(ctx.ns, ctx.params["completion_id"])
    return paginate(ctx, record.messages, dict, default_order="asc")


def _metadata_filter(query: dict[str, Any]) -> dict[str, str]:
    """``metadata[k]=v`` (typed by the contract into a dict, or raw bracket keys without it)."""
    found: dict[str, str] = {}
    value = query.get("metadata")
    if isinstance(value, dict):
        found.update({str(k): str(v) for k, v in value.items()})
    for key, item in query.items():
        if key.startswith("metadata[") and key.endswith("]"):
            found[key[9:-1]] = str(item)
    return found
