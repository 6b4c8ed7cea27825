"""``POST /moderations`` plus its control: verdicts from mockapi.media.moderation (keyword rule or scripts).

One result per string; one result for a whole multimodal array (core.md §5).
Scripts: ``fake.services["moderations"]`` or ``/__mockapi__/moderations``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.context import RequestContext
from mockapi.ids import new_id
from mockapi.media import params
from mockapi.media.moderation import ModerationService

if TYPE_CHECKING:
    from mockapi.fake import Fake

DEFAULT_MODEL = "omni-moderation-latest"
INVALID_INPUT = "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference."


def install(fake: Fake) -> None:
    service = ModerationService()
    fake.services["moderations"] = service
    fake.state.on_reset(service.clear)
    fake.router.add("POST", "/moderations", create)
    fake.control.add("GET", "/moderations", lambda f, b, q: {"object": "list", "data": service.scripts()})
    fake.control.add("POST", "/moderations", lambda f, b, q: {"id": script_from_json(service, b)})
    fake.control.add("DELETE", "/moderations", lambda f, b, q: service.clear() or {"cleared": True})
    fake.control.add("DELETE", "/moderations/{script_id}", lambda f, b, q: {"deleted": service.remove(q["script_id"])})


def script_from_json(service: ModerationService, body: dict[str, Any]) -> str:
    """``{"match": {"contains"|"equals"|"regex"|"image_url"|"model": ...}, "categories": [...], "scores": {...},
    "times": n}`` -> script id."""
    match = body.get("match") or {}
    if not isinstance(match, dict):
        raise ValueError("match must be an object")
    unknown = set(match) - {"contains", "equals", "regex", "image_url", "model"}
    if unknown:
        raise ValueError(f"unknown match keys: {sorted(unknown)}")
    return service.script(body.get("categories"), scores=body.get("scores"), times=body.get("times"), **match)


def create(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    raw = body.get("input")
    if raw is None:
        raise errors.missing_parameter("input")
    info = params.model(ctx.ns, body, ("moderation",), "moderations", default=DEFAULT_MODEL)
    omni = not info.id.startswith("text-moderation")
    service: ModerationService = ctx.fake.services["moderations"]
    results = [service.classify(text, images, info.id, omni=omni) for text, images in _inputs(raw, omni)]
    return {"id": new_id("modr-"), "model": info.echo, "results": results}


def _inputs(raw: Any, omni: bool) -> list[tuple[str, list[str]]]:
    """(text, image URLs) per result: each string alone, or one multimodal array as a whole."""
    if isinstance(raw, str):
        return [(raw, [])]
    if not isinstance(raw, list):
        raise errors.invalid_request(INVALID_INPUT)
    if all(isinstance(item, str) for item in raw):
        return [(item, []) for item in raw]
    if not all(isinstance(item, dict) for item in raw):
        raise errors.invalid_request(INVALID_INPUT)
    texts: list[str] = []
    images: list[str] = []
    for i, part in enumerate(raw):
        kind = part.get("type")
        if kind == "text" and isinstance(part.get("text"), str):
            texts.append(part["text"])
        elif kind == "image_url" and isinstance(part.get("image_url"), dict) and isinstance(
            part["image_url"].get("url"), str
        ):
            params.check_image_url(part["image_url"]["url"], f"input[{i}].image_url.url")
            images.append(part["image_url"]["url"])
        elif kind not in ("text", "image_url"):
            raise errors.invalid_value(f"input[{i}].type", kind, ["text", "image_url"])
        else:
            raise errors.invalid_request(INVALID_INPUT)
    if images and not omni:
        raise errors.APIError(  # wording unverified (contracts/README.md)
            400, "Image inputs are not supported by this model. Use an omni-moderation model.",
            param="input", code="unsupported_value",
        )
    return [(" ".join(texts), images)]
