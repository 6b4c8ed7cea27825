"""``/assistants``: create, list, retrieve, modify, delete (OpenAI-Beta: assistants=v2)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockapi.common import deleted, lookup, paginate, validate_metadata
from mockapi.context import RequestContext
from mockapi.ids import new_id
from mockapi.runs import objects, params
from mockapi.runs.records import ASSISTANTS
from mockapi.state import Namespace

if TYPE_CHECKING:
    from mockapi.fake import Fake

FIELDS = (
    "model", "name", "description", "instructions", "tools", "tool_resources", "metadata", "temperature", "top_p",
    "response_format", "reasoning_effort",
)


def install(fake: Fake) -> None:
    fake.router.add("POST", "/assistants", create, beta=True)
    fake.router.add("GET", "/assistants", list_assistants, beta=True)
    fake.router.add("GET", "/assistants/{assistant_id}", retrieve, beta=True)
    fake.router.add("POST", "/assistants/{assistant_id}", modify, beta=True)
    fake.router.add("DELETE", "/assistants/{assistant_id}", delete, beta=True)


def get_assistant(ns: Namespace, assistant_id: str) -> dict[str, Any]:
    return lookup(ns.collection(ASSISTANTS), assistant_id, "assistant")


def create(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    params.only(body, FIELDS)
    model = params.model(ctx.ns, params.require(body, "model"))
    obj: dict[str, Any] = {
        "id": new_id("asst_"), "object": "assistant", "created_at": ctx.now,
        "name": None, "description": None, "model": model, "instructions": None, "tools": [],
        "tool_resources": {}, "metadata": {}, "temperature": 1.0, "top_p": 1.0, "response_format": "auto",
    }
    _apply(ctx, obj, body, helper=True)
    ctx.ns.collection(ASSISTANTS).add(obj["id"], obj)
    return objects.render(obj)


def _apply(ctx: RequestContext, obj: dict[str, Any], body: dict[str, Any], *, helper: bool) -> None:
    """Set the given fields (modify: any subset; ``tool_resources`` replaces the old value)."""
    if "model" in body:
        obj["model"] = params.model(ctx.ns, body["model"])
    for name, limit in (("name", 256), ("description", 512), ("instructions", 256000)):
        if name in body:
            obj[name] = params.string(body, name, limit)
    if "tools" in body:
        obj["tools"] = params.tools(body["tools"])
    if "tool_resources" in body:
        obj["tool_resources"] = params.tool_resources(ctx.fake, ctx.ns, ctx.fake.clock.now(), body["tool_resources"],
                                                      helper=helper)
    if "metadata" in body:
        obj["metadata"] = validate_metadata(body["metadata"])
    if body.get("temperature") is not None:
        obj["temperature"] = params.number(body, "temperature", 0, 2)
    if body.get("top_p") is not None:
        obj["top_p"] = params.number(body, "top_p", 0, 1)
    if "response_format" in body:
        obj["response_format"] = params.response_format(body["response_format"])


def list_assistants(ctx: RequestContext) -> dict[str, Any]:
    return paginate(ctx, ctx.ns.collection(ASSISTANTS), objects.render)


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    return objects.render(get_assistant(ctx.ns, ctx.params["assistant_id"]))


def modify(ctx: RequestContext) -> dict[str, Any]:
    obj = get_assistant(ctx.ns, ctx.params["assistant_id"])
    params.only(ctx.body, FIELDS)
    updated = dict(obj)
    _apply(ctx, updated, ctx.body, helper=False)
    obj.update(updated)
    return objects.render(obj)


def delete(ctx: RequestContext) -> dict[str, Any]:
    assistant_id = ctx.params["assistant_id"]
    get_assistant(ctx.ns, assistant_id)
    ctx.ns.collection(ASSISTANTS).remove(assistant_id)
    return deleted(assistant_id, "assistant.deleted")
