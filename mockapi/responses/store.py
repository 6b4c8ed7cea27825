"""Stored responses: retrieve (plain or as a replayed stream), delete, cancel, input items.

Only responses created with ``store`` (the default) are kept, per owner. A
background response settles on the shared clock whenever it is read
(``records.settle``).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from mockapi import errors
from mockapi.collection import Collection
from mockapi.common import paginate
from mockapi.context import RequestContext
from mockapi.responses import records, stream
from mockapi.responses.records import RESPONSES, StoredResponse
from mockapi.streaming import EventStream, Pause

REPLAY_POLL = 0.05  # seconds between clock checks while a replayed background stream waits


def retrieve(ctx: RequestContext) -> dict[str, Any] | EventStream:
    record = records.get_response(ctx.ns, ctx.params["response_id"], ctx.fake.clock.now())
    if _flag(ctx.query.get("stream")):
        if not record.body.get("background"):
            raise errors.APIError(
                400, "Only responses created with 'background' set to true can be streamed by id.", param="stream",
            )
        after = ctx.query.get("starting_after")
        return EventStream(_replay(ctx, record, None if after is None else int(after)))
    return record.body


def delete(ctx: RequestContext) -> JSONResponse:
    response_id = ctx.params["response_id"]
    records.get_response(ctx.ns, response_id, ctx.fake.clock.now())
    ctx.ns.collection(RESPONSES).remove(response_id)
    # The document declares no body; the real API (and the document's example) answers with this one.
    return JSONResponse({"id": response_id, "object": "response", "deleted": True})


def cancel(ctx: RequestContext) -> dict[str, Any]:
    record = records.get_response(ctx.ns, ctx.params["response_id"], ctx.fake.clock.now())
    if not record.body.get("background"):
        raise errors.APIError(400, "Only responses created with 'background' set to true can be cancelled.")
    if record.status in ("queued", "in_progress"):
        records.cancel(ctx.ns, record)
    return record.body  # cancelling a finished response again returns it unchanged


def input_items(ctx: RequestContext) -> dict[str, Any]:
    record = records.get_response(ctx.ns, ctx.params["response_id"], ctx.fake.clock.now())
    listed: Collection[dict[str, Any]] = Collection()
    for item in record.input_items:
        if item["id"] not in listed:
            listed.add(item["id"], item)
    return paginate(ctx, listed, dict, default_order="desc")


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _replay(ctx: RequestContext, record: StoredResponse, starting_after: int | None) -> Any:
    """A background response's events; waits on the clock until it has finished (a manual clock must move)."""
    fake = ctx.fake
    while True:
        with fake.state.lock:
            records.settle(ctx.ns, record, fake.clock.now())
            status = record.status
            body = record.body
        if status not in ("queued", "in_progress"):
            break
        yield Pause(REPLAY_POLL)
    events = stream.events(body, body["model"], queued=True)
    yield from stream.sse(events, starting_after)
