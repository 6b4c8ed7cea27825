"""Chat completions: ``POST /chat/completions`` and stored completions (logic in ``mockapi.chat``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockapi import chat
from mockapi.chat import store

if TYPE_CHECKING:
    from mockapi.fake import Fake


def install(fake: Fake) -> None:
    add = fake.router.add
    add("POST", "/chat/completions", chat.create)
    add("GET", "/chat/completions", store.list_completions)
    add("GET", "/chat/completions/{completion_id}", store.retrieve)
    add("POST", "/chat/completions/{completion_id}", store.update)
    add("DELETE", "/chat/completions/{completion_id}", store.delete)
    add("GET", "/chat/completions/{completion_id}/messages", store.list_messages)
