"""``/threads/{thread_id}/messages``: create (refused while a run is active), list (``run_id`` filter),
retrieve, modify (metadata only), delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.common import deleted, lookup, paginate, required, validate_metadata
from mockapi.context import RequestContext
from mockapi.media.params import check_image_url
from mockapi.runs import objects, params
from mockapi.runs.records import ThreadRecord
from mockapi.vectors.service import HELPER_EXPIRY
from mockapi.vectors.service import KIND as VECTOR_STORES

if TYPE_CHECKING:
    from mockapi.fake import Fake

FIELDS = ("role", "content", "attachments", "metadata")
ROLES = ["user", "assistant"]
PART_TYPES = ["text", "image_file", "image_url"]


def install(fake: Fake) -> None:
    fake.router.add("POST", "/threads/{thread_id}/messages", create, beta=True)
    fake.router.add("GET", "/threads/{thread_id}/messages", list_messages, beta=True)
    fake.router.add("GET", "/threads/{thread_id}/messages/{message_id}", retrieve, beta=True)
    fake.router.add("POST", "/threads/{thread_id}/messages/{message_id}", modify, beta=True)
    fake.router.add("DELETE", "/threads/{thread_id}/messages/{message_id}", delete, beta=True)


# -- shared with threads (initial messages) and runs (additional_messages) -----------------------------


def parse(body: Any, prefix: str = "") -> dict[str, Any]:
    """A CreateMessageRequest, checked: {role, content (parts), attachments, metadata}."""
    if not isinstance(body, dict):
        raise params.invalid_type(prefix.rstrip(".") or "body", "an object", body)
    for key in body:
        if key not in FIELDS:
            raise errors.unknown_parameter(prefix + key)
    role = body.get("role")
    if role is None:
        raise errors.missing_parameter(prefix + "role")
    if role not in ROLES:
        raise errors.invalid_value(prefix + "role", role, ROLES)
    if body.get("content") is None:
        raise errors.missing_parameter(prefix + "content")
    return {
        "role": role,
        "content": _content(body["content"], prefix + "content"),
        "attachments": _attachments(body.get("attachments"), prefix + "attachments"),
        "metadata": validate_metadata(body.get("metadata"), prefix + "metadata"),
    }


def add(ctx: RequestContext, thread: ThreadRecord, parsed: dict[str, Any]) -> dict[str, Any]:
    """Store a parsed message on the thread (files attached for file_search join the thread's store)."""
    _index_attachments(ctx, thread, parsed["attachments"])
    msg = objects.message(thread.id, ctx.now, parsed["role"], parsed["content"],
                          attachments=parsed["attachments"], metadata=parsed["metadata"])
    thread.messages.add(msg["id"], msg)
    return msg


def _content(value: Any, name: str) -> list[dict[str, Any]]:
    if isinstance(value, str):
        return [objects.text_part(value)]
    if not isinstance(value, list):
        raise params.invalid_type(name, "one of a string or array of objects", value)
    if not value:
        raise errors.empty_array(name)
    parts = []
    for i, part in enumerate(value):
        where = f"{name}[{i}]"
        if not isinstance(part, dict):
            raise params.invalid_type(where, "an object", part)
        kind = part.get("type")
        if kind not in PART_TYPES:
            raise errors.invalid_value(f"{where}.type", kind, PART_TYPES)
        if kind == "text":
            parts.append(objects.text_part(required(part, "text", str, where)))
            continue
        inner = required(part, kind, dict, where)
        key = "file_id" if kind == "image_file" else "url"
        required(inner, key, str, f"{where}.{kind}")
        if kind == "image_file":
            params.file_id(inner[key], f"{where}.image_file.file_id")
        if kind == "image_url":
            check_image_url(inner[key], f"{where}.image_url.url")
        parts.append({"type": kind, kind: {key: inner[key], "detail": inner.get("detail") or "auto"}})
    return parts


def _attachments(value: Any, name: str) -> list[dict[str, Any]]:
    items = params.array({name: value}, name) or []
    result = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise params.invalid_type(f"{name}[{i}]", "an object", item)
        params.file_id(required(item, "file_id", str, f"{name}[{i}]"), f"{name}[{i}].file_id")
        tools = item.get("tools") or []
        for j, tool in enumerate(tools):
            if not isinstance(tool, dict) or tool.get("type") not in ("code_interpreter", "file_search"):
                kind = tool.get("type") if isinstance(tool, dict) else tool
                raise errors.invalid_value(f"{name}[{i}].tools[{j}].type", kind, ["code_interpreter", "file_search"])
        result.append({"file_id": item["file_id"], "tools": [{"type": t["type"]} for t in tools]})
    return result


def _index_attachments(ctx: RequestContext, thread: ThreadRecord, attachments: list[dict[str, Any]]) -> None:
    """Files attached with the file_search tool are added to the thread's vector store (made on first use)."""
    wanted = [a["file_id"] for a in attachments if any(t["type"] == "file_search" for t in a["tools"])]
    if not wanted:
        return
    vectors = ctx.fake.services["vector_stores"]
    resources = thread.obj.get("tool_resources") or {}
    ids = (resources.get("file_search") or {}).get("vector_store_ids") or []
    store = None
    if ids:
        store = ctx.ns.collection(VECTOR_STORES).get(ids[0])
    if store is None:
        store = vectors.create(ctx.ns, ctx.fake.clock.now(), expires_after=dict(HELPER_EXPIRY))
        thread.obj["tool_resources"] = {**resources, "file_search": {"vector_store_ids": [store.id]}}
    for file_id in wanted:
        vectors.add_file(ctx.ns, store, file_id, ctx.fake.clock.now(), param="attachments")


# -- handlers -------------------------------------------------------------------------------------------


def _thread(ctx: RequestContext) -> ThreadRecord:
    thread: ThreadRecord = ctx.fake.services["runs"].thread(ctx.ns, ctx.params["thread_id"], ctx.fake.clock.now())
    return thread


def get_message(thread: ThreadRecord, message_id: str) -> dict[str, Any]:
    return lookup(thread.messages, message_id, "message")


def create(ctx: RequestContext) -> dict[str, Any]:
    thread = _thread(ctx)
    ctx.fake.services["runs"].check_unlocked_for_message(thread, ctx.fake.clock.now())
    return objects.render(add(ctx, thread, parse(ctx.body)))


def list_messages(ctx: RequestContext) -> dict[str, Any]:
    thread = _thread(ctx)
    run_id = ctx.query.get("run_id")
    index = ("run", run_id) if run_id else None
    return paginate(ctx, thread.messages, objects.render, index=index)


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    return objects.render(get_message(_thread(ctx), ctx.params["message_id"]))


def modify(ctx: RequestContext) -> dict[str, Any]:
    msg = get_message(_thread(ctx), ctx.params["message_id"])
    params.only(ctx.body, ("metadata",))
    if "metadata" in ctx.body:
        msg["metadata"] = validate_metadata(ctx.body["metadata"])
    return objects.render(msg)


def delete(ctx: RequestContext) -> dict[str, Any]:
    thread = _thread(ctx)
    message_id = ctx.params["message_id"]
    get_message(thread, message_id)
    thread.messages.remove(message_id)
    return deleted(message_id, "thread.message.deleted")
