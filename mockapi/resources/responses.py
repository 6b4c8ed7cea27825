"""The Responses API: ``POST /responses`` and stored responses (logic in ``mockapi.responses``)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from mockapi import responses
from mockapi.responses import records, store
from mockapi.webhooks.service import service_of

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
    # Background responses end on the clock; with webhook endpoints, the webhook thread ends them as they come due.
    service_of(fake).settlers.append(functools.partial(records.settle_background, fake.state))
