"""The code interpreter and image generation tools inside a response.

When the model calls one (a script's ``{"type": "code_interpreter", "input", "outputs"}`` or
``{"type": "image_generation", "input": prompt}`` tool call, or a ``tool_choice`` forcing it), the call becomes
its output item and the model is asked again with the result, as for the search tools. Code runs nowhere: its
``outputs`` are the script's (or the code's own ``print`` for the forced default). It runs in a container: the
tool's ``container`` id, or an ``auto`` container created on first use (listed under ``/containers``, as the real
API does). Pictures come from the ``/images`` renderer (``mockapi.media.images``).
"""

from __future__ import annotations

import base64
from typing import Any

from mockapi.media import images as pictures
from mockapi.resources import containers
from mockapi.responder import ToolCall, Turn
from mockapi.responses import items as item_store
from mockapi.responses.request import ResponseRequest
from mockapi.state import Namespace

KINDS = ("code_interpreter", "image_generation")
INCLUDABLE_CODE_OUTPUTS = "code_interpreter_call.outputs"


def tool_of(req: ResponseRequest, kind: str) -> dict[str, Any] | None:
    return next((t for t in req.tools if t.get("type") == kind), None)


def run_code(req: ResponseRequest, call: ToolCall, ns: Namespace, now: int) -> tuple[dict[str, Any], str]:
    """The ``code_interpreter_call`` item and what the model reads back (the logs)."""
    tool = tool_of(req, "code_interpreter") or {"container": {"type": "auto"}}
    container = containers.for_tool(ns, tool.get("container"), now)
    outputs = list(call.outputs or [])
    item = {
        "id": item_store.item_id("code_interpreter_call"), "type": "code_interpreter_call", "status": "completed",
        "container_id": container.id, "code": call.input or "",
        "outputs": outputs if req.wants(INCLUDABLE_CODE_OUTPUTS) else None,
    }
    logs = "".join(o.get("logs", "") for o in outputs if o.get("type") == "logs")
    return item, logs


def draw(req: ResponseRequest, call: ToolCall, turn: Turn) -> tuple[dict[str, Any], str]:
    """The ``image_generation_call`` item (a real picture in ``result``) and what the model reads back."""
    tool = tool_of(req, "image_generation") or {}
    prompt = call.input or " ".join(turn.last_user_text.split())[:200] or "an image"
    size = tool.get("size") if tool.get("size") not in (None, "auto") else "1024x1024"
    fmt = tool.get("output_format") or "png"
    transparent = tool.get("background") == "transparent" and fmt != "jpeg"
    picture = pictures.generate(prompt, 0, size)
    data = pictures.encode(picture, fmt, int(tool.get("output_compression") or 100), transparent)
    item = {
        "id": item_store.item_id("image_generation_call"), "type": "image_generation_call", "status": "completed",
        "result": base64.b64encode(data).decode(), "revised_prompt": prompt, "size": size, "output_format": fmt,
        "quality": tool.get("quality") if tool.get("quality") not in (None, "auto") else "medium",
        "background": "transparent" if transparent else "opaque",
    }
    return item, f"An image was generated for: {prompt}"
