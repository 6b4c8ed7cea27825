"""Conversations: create (with up to 20 items), retrieve, update metadata, delete, and their items.

A conversation is an ordered list of items in the same stored form as a
response's input and output (``items``). A response created with
``conversation=`` reads every item as context and, once finished, appends its
input and output items (``records.finish``). Item lists are newest first by
default, as the document says.
"""

from __future__ import annotations

from typing import Any

from mockapi import errors
from mockapi.collection import list_body
from mockapi.common import deleted, paginate, validate_metadata
from mockapi.context import RequestContext
from mockapi.responses import items as item_store
from mockapi.responses import records
from mockapi.responses.records import CONVERSATIONS, Conversation

MAX_ITEMS_PER_CALL = 20


def create(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body if isinstance(ctx.body, dict) else {}
    metadata = validate_metadata(body.get("metadata"))
    new_items = _items(body.get("items"), ctx)
    conversation = Conversation(
        {"id": item_store.new_id("conv_"), "object": "conversation", "created_at": ctx.now, "metadata": metadata}
    )
    ctx.ns.collection(CONVERSATIONS).add(conversation.id, conversation)
    records.append(ctx.ns, conversation, new_items)
    return conversation.obj


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    return _get(ctx).obj


def update(ctx: RequestContext) -> dict[str, Any]:
    conversation = _get(ctx)
    body = ctx.body if isinstance(ctx.body, dict) else {}
    if "metadata" not in body:
        raise errors.missing_parameter("metadata")
    conversation.obj["metadata"] = validate_metadata(body.get("metadata"))
    return conversation.obj


def delete(ctx: RequestContext) -> dict[str, Any]:
    conversation = _get(ctx)
    ctx.ns.collection(CONVERSATIONS).remove(conversation.id)
    return deleted(conversation.id, "conversation.deleted")


# -- items -------------------------------------------------------------------------------------------


def create_items(ctx: RequestContext) -> dict[str, Any]:
    conversation = _get(ctx)
    body = ctx.body if isinstance(ctx.body, dict) else {}
    if body.get("items") is None:
        raise errors.missing_parameter("items")
    new_items = _items(body["items"], ctx)
    records.append(ctx.ns, conversation, new_items)
    return list_body(new_items, False)


def list_items(ctx: RequestContext) -> dict[str, Any]:
    return paginate(ctx, _get(ctx).items, dict, default_order="desc")


def retrieve_item(ctx: RequestContext) -> dict[str, Any]:
    return _item(_get(ctx), ctx.params["item_id"])


def delete_item(ctx: RequestContext) -> dict[str, Any]:
    conversation = _get(ctx)
    item_id = ctx.params["item_id"]
    _item(conversation, item_id)
    conversation.items.remove(item_id)
    return conversation.obj


def _get(ctx: RequestContext) -> Conversation:
    return records.get_conversation(ctx.ns, ctx.params["conversation_id"], ctx.fake.clock.now())


def _item(conversation: Conversation, item_id: str) -> dict[str, Any]:
    found = conversation.items.get(item_id)
    if found is None:
        raise errors.APIError(404, f"Item with id '{item_id}' not found in conversation '{conversation.id}'.")
    return found


def _items(value: Any, ctx: RequestContext) -> list[dict[str, Any]]:
    if isinstance(value, list) and len(value) > MAX_ITEMS_PER_CALL:
        raise errors.APIError(
            400, f"Invalid 'items': array too long. Expected an array with maximum length {MAX_ITEMS_PER_CALL}, but "
            f"got an array with length {len(value)} instead.", param="items", code="array_above_max_length",
        )
    if isinstance(value, str):
        raise errors.APIError(400, "Invalid type for 'items': expected an array, but got a string instead.",
                              param="items", code="invalid_type")
    return item_store.from_input(value, ctx.ns, "items")
