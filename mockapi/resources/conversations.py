"""Conversations and their items (logic in ``mockapi.responses.conversations``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockapi.responses import conversations

if TYPE_CHECKING:
    from mockapi.fake import Fake


def install(fake: Fake) -> None:
    add = fake.router.add
    add("POST", "/conversations", conversations.create)
    add("GET", "/conversations/{conversation_id}", conversations.retrieve)
    add("POST", "/conversations/{conversation_id}", conversations.update)
    add("DELETE", "/conversations/{conversation_id}", conversations.delete)
    add("POST", "/conversations/{conversation_id}/items", conversations.create_items)
    add("GET", "/conversations/{conversation_id}/items", conversations.list_items)
    add("GET", "/conversations/{conversation_id}/items/{item_id}", conversations.retrieve_item)
    add("DELETE", "/conversations/{conversation_id}/items/{item_id}", conversations.delete_item)
