"""``/threads``: create (with initial messages and tool_resources), retrieve, modify, delete.

There is no list endpoint (assistants.md §2). Reading, modifying or deleting a
thread is allowed while a run is active; deleting it removes its runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.common import deleted, validate_metadata
from mockapi.context import RequestContext
from mockapi.ids import new_id
from mockapi.resources import messages
from mockapi.runs import objects, params
from mockapi.runs.records import THREADS, ThreadRecord

if TYPE_CHECKING:
    from mockapi.fake import Fake

FIELDS = ("messages", "tool_resources", "metadata")


def install(fake: Fake) -> None:
    fake.router.add("POST", "/threads", create, beta=True)
    fake.router.add("GET", "/threads/{thread_id}", retrieve, beta=True)
    fake.router.add("POST", "/threads/{thread_id}", modify, beta=True)
    fake.router.add("DELETE", "/threads/{thread_id}", delete, beta=True)


def create_thread(ctx: RequestContext, body: Any, prefix: str = "") -> ThreadRecord:
    """A new thread from a CreateThreadRequest (also the ``thread`` of thread-and-run)."""
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise params.invalid_type(prefix.rstrip(".") or "body", "an object", body)
    for key in body:
        if key not in FIELDS:
            raise errors.unknown_parameter(prefix + key)
    initial = params.array(body, "messages") or []
    parsed = [messages.parse(m, f"{prefix}messages[{i}].") for i, m in enumerate(initial)]
    obj = {
        "id": new_id("thread_"), "object": "thread", "created_at": ctx.now,
        "tool_resources": params.tool_resources(ctx.fake, ctx.ns, ctx.fake.clock.now(), body.get("tool_resources"),
                                                name=prefix + "tool_resources"),
        "metadata": validate_metadata(body.get("metadata"), prefix + "metadata"),
    }
    thread = ThreadRecord(obj)
    for message in parsed:
        messages.add(ctx, thread, message)
    ctx.ns.collection(THREADS).add(thread.id, thread)
    return thread


def _thread(ctx: RequestContext) -> ThreadRecord:
    thread: ThreadRecord = ctx.fake.services["runs"].thread(ctx.ns, ctx.params["thread_id"], ctx.fake.clock.now())
    return thread


def create(ctx: RequestContext) -> dict[str, Any]:
    return objects.render(create_thread(ctx, ctx.body).obj)


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    return objects.render(_thread(ctx).obj)


def modify(ctx: RequestContext) -> dict[str, Any]:
    thread = _thread(ctx)
    params.only(ctx.body, ("tool_resources", "metadata"))
    if "tool_resources" in ctx.body:
        thread.obj["tool_resources"] = params.tool_resources(
            ctx.fake, ctx.ns, ctx.fake.clock.now(), ctx.body["tool_resources"], helper=False,
        )
    if "metadata" in ctx.body:
        thread.obj["metadata"] = validate_metadata(ctx.body["metadata"])
    return objects.render(thread.obj)


def delete(ctx: RequestContext) -> dict[str, Any]:
    thread = _thread(ctx)
    ctx.fake.services["runs"].remove_thread(ctx.ns, thread)
    return deleted(thread.id, "thread.deleted")
