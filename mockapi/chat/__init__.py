"""Chat completions and legacy completions: validation, rendering, streaming, stored completions.

``create(ctx)`` is the whole of ``POST /chat/completions``: validate the
request (``request``), ask the shared responder for one reply per choice and
shape them (``render``), then answer with a ``chat.completion`` or its chunk
stream (``stream``), keeping it when ``store: true`` (``store``). Legacy
``POST /completions`` lives in ``legacy``.
"""

from __future__ import annotations

from typing import Any

from mockapi import moderated
from mockapi.chat import render, request, store, stream
from mockapi.context import RequestContext
from mockapi.streaming import EventStream


def create(ctx: RequestContext) -> dict[str, Any] | EventStream:
    req = request.parse(ctx)
    moderator = moderated.for_request(ctx.fake, ctx.ns, req.body)
    if moderator is None:
        gen = render.generate(req, ctx.fake.responder, ctx.owner, ctx.now)
    else:
        gen = render.under_moderation(
            req, moderator, ctx.now, lambda: render.generate(req, ctx.fake.responder, ctx.owner, ctx.now)
        )
    if req.store:
        store.save(ctx.ns, render.completion_body(gen, req), req.body, ctx.request_id)
    if req.stream:
        return EventStream(stream.chunks(gen, req))
    return render.completion_body(gen, req)
