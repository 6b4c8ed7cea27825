"""``/videos`` (Sora): create, list, retrieve, delete, download content, remix; the lifecycle lives in
``mockapi.videos``, the pictures in ``mockapi.media.video``.

Controls (``/__mockapi__/videos/...``) wrap ``fake.services["videos"]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from mockapi import errors
from mockapi.common import deleted, paginate
from mockapi.context import RequestContext
from mockapi.lifecycle import install_controls
from mockapi.media import params
from mockapi.media import video as media
from mockapi.videos import VIDEOS, Video, VideoService

if TYPE_CHECKING:
    from mockapi.fake import Fake

SECONDS = ["4", "8", "12"]
# Sizes per model family (the spec's VideoSize; the portrait/landscape 1024x1792 pair is sora-2-pro only, per
# OpenAI's video guide; our reading, contracts/README.md).
SIZES = {"sora-2": ["720x1280", "1280x720"], "sora-2-pro": ["720x1280", "1280x720", "1024x1792", "1792x1024"]}


def install(fake: Fake) -> None:
    service = VideoService(fake)
    fake.services["videos"] = service
    fake.router.add("POST", "/videos", create, body="multipart")
    fake.router.add("GET", "/videos", list_videos)
    fake.router.add("GET", "/videos/{video_id}", retrieve)
    fake.router.add("DELETE", "/videos/{video_id}", delete)
    fake.router.add("GET", "/videos/{video_id}/content", content)
    fake.router.add("POST", "/videos/{video_id}/remix", remix)
    install_controls(fake.control, service, "/videos", "/videos", "video_id")
    fake.control.add("POST", "/videos/fail_next", lambda f, b, q: service.fail_next(**b).describe())


def _service(ctx: RequestContext) -> VideoService:
    service: VideoService = ctx.fake.services["videos"]
    return service


def _video(ctx: RequestContext) -> Video:
    return _service(ctx).owned(ctx.ns, ctx.params["video_id"])


def create(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    prompt = params.required_text(body, "prompt")
    info = params.model(ctx.ns, body, ("video",), "videos", default="sora-2")
    family = "sora-2-pro" if info.id.startswith("sora-2-pro") else "sora-2"
    size = params.text(body, "size") or "720x1280"
    params.check_enum("size", size, SIZES[family])
    seconds = params.text(body, "seconds") or "4"
    params.check_enum("seconds", seconds, SECONDS)
    found = _service(ctx).create(ctx.ns, ctx.owner, model=info.id, prompt=prompt, size=size, seconds=seconds)
    return found.render()


def list_videos(ctx: RequestContext) -> dict[str, Any]:
    service = _service(ctx)
    return paginate(ctx, ctx.ns.collection(VIDEOS), service.rendered)


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    return _video(ctx).render()


def delete(ctx: RequestContext) -> dict[str, Any]:
    found = _video(ctx)
    _service(ctx).forget(ctx.ns, found)
    return deleted(found.id, "video.deleted")


def content(ctx: RequestContext) -> Response:
    found = _video(ctx)
    variant = ctx.query.get("variant") or "video"
    params.check_enum("variant", variant, list(media.CONTENT_TYPES))
    _require_completed(found, "download its content")
    if found.obj["expires_at"] is not None and ctx.now >= found.obj["expires_at"]:
        raise errors.invalid_request(f"Video {found.id} has expired; its content is no longer available.")  # chosen
    data = media.render(found.obj["prompt"] or "", found.obj["size"], int(found.obj["seconds"]), variant)
    return Response(data, media_type=media.CONTENT_TYPES[variant])


def remix(ctx: RequestContext) -> dict[str, Any]:
    source = _video(ctx)
    prompt = params.required_text(ctx.body, "prompt")
    _require_completed(source, "remix it")
    obj = source.obj
    found = _service(ctx).create(ctx.ns, ctx.owner, model=obj["model"], prompt=prompt, size=obj["size"],
                                 seconds=obj["seconds"], remixed_from=source.id)  # fmt: skip
    return found.render()


def _require_completed(found: Video, action: str) -> None:
    # Wording chosen (contracts/README.md): no real answer for an unfinished video was found.
    if found.status != "completed":
        raise errors.invalid_request(
            f"Video {found.id} is {found.status.replace('_', ' ')}; it must be completed to {action}.",
            param="video_id",
        )
