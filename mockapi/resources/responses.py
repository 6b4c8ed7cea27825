"""The Responses API: ``POST /responses`` and stored responses (logic in ``mockapi.responses``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockapi import responses
from mockapi.responses import store

if TYPE_CHECKING:
    from mockapi.fake import Fake


def install(fake: Fake) -> None:
    add = fake.router.add
    add("POST", "/responses", responses.create)
    add("POST", "/responses/input_tokens", responses.count_input_tokens)
    add("POST", "/responses/compact", responses.compact)
    add("GET", "/responses/{response_id}", store.retrieve)
    add("DELETE", "/responses/{response_id}", store.delete)
    add("POST", "/responses/{response_id}/cancel", store.cancel, body="none")
    add("GET", "/responses/{response_id}/input_items", store.input_items)
