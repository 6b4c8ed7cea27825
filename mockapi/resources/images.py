"""``/images/generations``, ``/images/edits``, ``/images/variations``: per-model validation, real pictures.

Rules by model family (core.md §6) live in mockapi.media.images; pictures are
real PNG/JPEG/WEBP at the requested size. DALL-E results are URLs served by
the fake (``/__mockapi__/images/...``) or b64_json; GPT image models always
return b64_json with usage, and stream partial images when asked. Edits also take
a JSON body naming images by file id, data URL or http(s) URL (GPT models only).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageOps
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockapi import catalog, errors, tokens
from mockapi.catalog import ModelInfo
from mockapi.chat.request import image_url_problem
from mockapi.context import RequestContext, UploadedFile
from mockapi.media import images as media
from mockapi.media import params
from mockapi.reasoning import check_effort
from mockapi.resources.files import get_file
from mockapi.routing import JSON_OR_MULTIPART
from mockapi.streaming import EventStream, SSEEvent

if TYPE_CHECKING:
    from mockapi.fake import Fake

MB = 1024 * 1024
GPT_MIMETYPES = ["image/jpeg", "image/png", "image/webp"]


def install(fake: Fake) -> None:
    store = media.ImageStore(fake)
    fake.services["images"] = store
    fake.router.add("POST", "/images/generations", generate)
    # The spec declares both bodies: multipart uploads, or JSON naming images by URL or file id.
    fake.router.add("POST", "/images/edits", edit, body=JSON_OR_MULTIPART)
    fake.router.add("POST", "/images/variations", variation, body="multipart")
    # Served without auth and even with the control plane off: the URLs are part of the API's answers.
    prefix = media.URL_PATH.removeprefix("/__mockapi__")
    fake.control.router.routes.append(Route(prefix + "/{name}", _serve(store), methods=["GET"]))


@dataclass
class Options:
    info: ModelInfo
    rules: media.ImageModel
    prompt: str
    n: int
    size: str
    quality: str
    style: str
    response_format: str
    output_format: str
    compression: int
    background: str
    partial_images: int
    stream: bool
    frames: int = 0  # GIF output: frames of the animation and the delay of each
    frame_ms: int = 0


# -- handlers -----------------------------------------------------------------------------------


def generate(ctx: RequestContext) -> dict[str, Any] | EventStream:
    body = ctx.body
    opts = _options(ctx, body, default_model="dall-e-2", default_size=None)
    pictures = [media.generate(opts.prompt, i, _resolved_size(opts, None)) for i in range(opts.n)]
    return _respond(ctx, opts, pictures, image_tokens=0, event_prefix="image_generation")


def edit(ctx: RequestContext) -> dict[str, Any] | EventStream:
    body = ctx.body
    opts = _options(ctx, body, default_model="gpt-image-1.5", default_size=None)
    as_json = _sent_as_json(ctx)
    if as_json and not opts.rules.gpt:
        raise _json_needs_gpt(opts.info.id)
    if opts.rules.family == "dall-e-3":
        raise errors.invalid_value("model", opts.info.id, ["gpt-image-1.5", "gpt-image-1", "gpt-image-1-mini",
                                                          "dall-e-2"])
    uploads = _json_images(ctx, body) if as_json else params.files(body, "image")
    if not uploads:
        raise errors.missing_parameter("image")
    if opts.rules.gpt:
        sources = _gpt_inputs(uploads, indexed=as_json)
        mask = _json_mask(ctx, body, sources[0]) if as_json else params.files(body, "mask")
        if mask:
            _mask(mask[0], sources[0], gpt=True)
        markup = [] if as_json else params.files(body, "markup")
        if markup:
            _markup(markup[0], sources[0], opts, bool(mask))
    else:
        mask = params.files(body, "mask")
        sources = [_dalle2_edit_input(uploads, bool(mask))]
        if mask:
            _mask(mask[0], sources[0], gpt=False)
    size = _resolved_size(opts, sources[0])
    pictures = [media.generate(opts.prompt, i, size, base=sources[0]) for i in range(opts.n)]
    image_tokens = sum(media.input_image_tokens(s) for s in sources)
    return _respond(ctx, opts, pictures, image_tokens=image_tokens, event_prefix="image_edit")


def variation(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    info = params.model(ctx.ns, body, ("image",), "images/variations", default="dall-e-2")
    if info.id != "dall-e-2":
        raise errors.invalid_value("model", info.id, ["dall-e-2"])
    uploads = params.files(body, "image")
    if not uploads:
        raise errors.missing_parameter("image")
    source = _dalle2_png(uploads[0], "image")
    n = _n(body)
    size = params.text(body, "size") or "1024x1024"
    if size not in media.DALLE2_SIZES:
        raise _invalid_size()
    response_format = params.text(body, "response_format") or "url"
    params.check_enum("response_format", response_format, ["url", "b64_json"])
    data = []
    for i in range(n):
        picture = media.generate(f"variation\x00{i}", i, size, base=source)
        data.append(_item(ctx, media.encode(picture), "png", response_format))
    return {"created": ctx.now, "data": data}


# -- validation -----------------------------------------------------------------------------------


def _options(ctx: RequestContext, body: dict[str, Any], *, default_model: str, default_size: str | None) -> Options:
    prompt = params.required_text(body, "prompt")
    info = params.model(ctx.ns, body, ("image",), "images", default=default_model)
    rules = media.rules_for(info.id)
    if len(prompt) > rules.max_prompt:
        raise errors.string_too_long("prompt", rules.max_prompt, len(prompt))
    n = _n(body)
    if rules.family == "dall-e-3" and n != 1:
        raise errors.invalid_request("You must provide n=1 for this model.", param="n")  # wording unverified
    given = {name for name, value in body.items() if value is not None and value not in (False, "false")}
    if rules.gpt:
        for name in ("response_format", "style"):
            if name in given:
                raise params.unknown_parameter(name)  # real for response_format (vercel/ai#6102)
    else:
        for name in media.GPT_ONLY:
            if name in given:
                raise params.unknown_parameter(name)
        if "style" in given and rules.family != "dall-e-3":
            raise params.unknown_parameter("style")
    size = params.text(body, "size") or default_size or ("auto" if rules.gpt else "1024x1024")
    if size not in rules.sizes:
        if rules.gpt:
            raise errors.invalid_value("size", size, list(rules.sizes))
        raise _invalid_size()
    quality = params.text(body, "quality") or "auto"
    params.check_enum("quality", quality, list(rules.qualities))
    style = params.text(body, "style") or "vivid"
    if rules.styles:
        params.check_enum("style", style, list(rules.styles))
    response_format = params.text(body, "response_format") or ("b64_json" if rules.gpt else "url")
    params.check_enum("response_format", response_format, ["url", "b64_json"])
    output_format = params.text(body, "output_format") or "png"
    params.check_enum("output_format", output_format, list(media.CONTENT_TYPES))
    params.check_enum("complexity", params.text(body, "complexity"), ["low", "medium", "high"])
    compression = params.integer(body, "output_compression", 100)
    params.check_range("output_compression", compression, 0, 100, integer_=True)
    background = params.text(body, "background") or "auto"
    params.check_enum("background", background, ["transparent", "opaque", "auto"])
    if background == "transparent" and output_format not in ("png", "webp"):
        raise errors.invalid_request(  # wording unverified; the SDK: "set the output format to png or webp"
            f"Transparent background is not supported for the {output_format} output format. Use png or webp.",
            param="background",
        )
    params.check_enum("moderation", params.text(body, "moderation"), ["low", "auto"])
    params.check_enum("input_fidelity", params.text(body, "input_fidelity"), ["high", "low"])
    partial_images = params.integer(body, "partial_images", 0)
    params.check_range("partial_images", partial_images, 0, 3, integer_=True)
    opts = Options(
        info, rules, prompt, n, size, quality, style, response_format, output_format, compression or 0,
        background, partial_images or 0, params.boolean(body, "stream"),
    )
    _check_vector_and_animation(ctx, body, given, opts)
    return opts


# What GIF and SVG output cannot be combined with (the SDK's docstrings; the wording is ours), and the one
# value of each that changes nothing and so is let through.
GIF_EXCLUDES = ("stream", "partial_images", "mask", "output_compression")
SVG_EXCLUDES = ("stream", "partial_images", "output_compression")
HARMLESS = {"partial_images": 0, "output_compression": 100}


def _check_vector_and_animation(ctx: RequestContext, body: dict[str, Any], given: set[str], opts: Options) -> None:
    fmt = opts.output_format
    for name in ("frame_count", "frame_duration_ms"):
        if name in given and fmt != "gif":
            raise errors.invalid_request(f"'{name}' is only supported with output_format=gif.", param=name)
    if "svg" in given and fmt != "svg":
        raise errors.invalid_request("'svg' is only supported with output_format=svg.", param="svg")
    excluded = GIF_EXCLUDES if fmt == "gif" else SVG_EXCLUDES if fmt == "svg" else ()
    for name in excluded:
        if name in given and str(body.get(name)) != str(HARMLESS.get(name)):
            raise errors.invalid_request(f"'{name}' is not supported with output_format={fmt}.", param=name)
    if fmt == "svg" and opts.n != 1:
        raise errors.invalid_request("SVG output requires n=1.", param="n")
    if fmt == "svg":
        _check_svg_author(ctx, body.get("svg"))
    if fmt == "gif":
        frames = params.integer(body, "frame_count", 9)
        params.check_range("frame_count", frames, 2, 16, integer_=True)
        delay = params.integer(body, "frame_duration_ms", 200)
        params.check_range("frame_duration_ms", delay, 1, None, integer_=True)
        # "GIF output rounds to the nearest 10 ms and caps the encoded delay at 655,350 ms per frame."
        opts.frames, opts.frame_ms = frames or 9, min(round((delay or 200) / 10) * 10 or 10, 655_350)


def _check_svg_author(ctx: RequestContext, svg: Any) -> None:
    """``svg.model`` names the model that writes the SVG: it must exist; its effort must be one it takes."""
    if not isinstance(svg, dict):
        return
    author = catalog.lookup(ctx.ns, str(svg.get("model")))
    if author is None:
        raise errors.model_not_found(str(svg.get("model")))
    effort = (svg.get("reasoning") or {}).get("effort")
    if effort is not None:
        check_effort(author, effort, "svg.reasoning.effort")


def _encode(opts: Options, picture: Image.Image, transparent: bool) -> bytes:
    if opts.output_format == "gif":
        return media.animate(picture, opts.frames, opts.frame_ms)
    if opts.output_format == "svg":
        return media.vector(picture)
    return media.encode(picture, opts.output_format, opts.compression, transparent)


def _n(body: dict[str, Any]) -> int:
    n = params.integer(body, "n", 1)
    params.check_range("n", n, 1, 10, integer_=True)
    return n or 1


def _invalid_size() -> errors.APIError:
    return errors.APIError(400, "The size is not supported by this model.", code="invalid_size")  # real, core.md


def _resolved_size(opts: Options, source: Image.Image | None) -> str:
    if opts.size != "auto":
        return opts.size
    return media.size_for(source) if source is not None else "1024x1024"


def _gpt_inputs(uploads: list[UploadedFile], *, indexed: bool = False) -> list[Image.Image]:
    """Decoded GPT edit inputs; ``indexed`` names each one's param ``images[i]`` (JSON) rather than ``image``."""
    if len(uploads) > 16:
        raise errors.array_too_long("images" if indexed else "image", 16, len(uploads))
    sources = []
    for i, upload in enumerate(uploads):
        param = f"images[{i}]" if indexed else "image"
        if upload.content_type.split(";")[0].strip() not in GPT_MIMETYPES:
            raise _mimetype(param, upload, GPT_MIMETYPES)
        if len(upload.data) >= 50 * MB:
            raise errors.invalid_request(f"Image {i + 1} is too large. Images must be less than 50MB.", param=param)
        picture = media.decode(upload.data)
        if picture is None:
            raise errors.invalid_request(
                f"Invalid image file or mode for image {i + 1}, please check your image file.", param=param,
                code="invalid_image_file",
            )
        sources.append(picture)
    return sources


# -- JSON edits: images referenced by URL or file id ---------------------------------------------------


def _sent_as_json(ctx: RequestContext) -> bool:
    # A batch line (no headers) is JSON too.
    return not (ctx.header("content-type") or "").startswith("multipart/form-data")


def _json_needs_gpt(model: str) -> errors.APIError:
    # Wording chosen after the spec's "JSON edits support GPT image models only" (contracts/README.md).
    return errors.APIError(
        400, f"Invalid value: '{model}'. Image edits sent as JSON support GPT image models only; DALL-E edits "
        "require multipart/form-data (dall-e-2 only).", param="model", code="invalid_value",
    )


def _json_images(ctx: RequestContext, body: dict[str, Any]) -> list[UploadedFile]:
    """``images: [ImageRefParam]``, each resolved to the bytes an upload would have carried."""
    for name in ("image", "image[]"):
        if name in body:
            raise params.unknown_parameter(name)  # the multipart field; JSON takes `images`
    refs = body.get("images")
    if refs is None:
        raise errors.missing_parameter("images")
    if not isinstance(refs, list):
        raise params.invalid_type("images", "an array", refs)
    if not refs:
        raise errors.empty_array("images")
    if len(refs) > 16:
        raise errors.array_too_long("images", 16, len(refs))
    return [_reference(ctx, ref, f"images[{i}]", None) for i, ref in enumerate(refs)]


def _json_mask(ctx: RequestContext, body: dict[str, Any], source: Image.Image) -> list[UploadedFile]:
    ref = body.get("mask")
    # A mask named by http(s) URL stands in at the image's size, so it can pass the same-size check.
    return [] if ref is None else [_reference(ctx, ref, "mask", source.size)]


def _reference(ctx: RequestContext, ref: Any, param: str, size: tuple[int, int] | None) -> UploadedFile:
    """One ImageRefParam: exactly one of ``image_url`` (http(s) or data URL) or ``file_id``."""
    if not isinstance(ref, dict):
        raise params.invalid_type(param, "an object", ref)
    for key in ref:
        if key not in ("image_url", "file_id"):
            raise params.unknown_parameter(f"{param}.{key}")
    given = [key for key in ("image_url", "file_id") if ref.get(key) is not None]
    if len(given) != 1:
        raise errors.invalid_request(  # wording chosen (contracts/README.md)
            f"Invalid '{param}': provide exactly one of 'image_url' or 'file_id'.", param=param,
            code="invalid_value",
        )
    key = given[0]
    value = ref[key]
    if not isinstance(value, str):
        raise params.invalid_type(f"{param}.{key}", "a string", value)
    if key == "file_id":
        stored = get_file(ctx.ns, value, ctx.now)
        # Typed from its bytes: a file that is no picture gets the invalid-image 400 an upload gets.
        return UploadedFile(stored.obj["filename"], media.mime_of(stored.data) or "image/png", stored.data)
    return _from_url(value, f"{param}.image_url", size)


def _from_url(url: str, param: str, size: tuple[int, int] | None) -> UploadedFile:
    problem = image_url_problem(url)
    if problem is not None:  # Responses' real wording for its input_image.image_url
        raise errors.APIError(400, f"Invalid '{param}'. {problem}", param=param, code="invalid_value")
    if url[:5].lower() == "data:":
        header, _, payload = url.partition(",")
        mime = header[5:].split(";")[0].strip().lower()
        return UploadedFile(param, mime, base64.b64decode("".join(payload.split())))
    return UploadedFile(url, "image/png", media.stand_in(url, size or (1024, 1024)))


def _markup(upload: UploadedFile, source: Image.Image, opts: Options, has_mask: bool) -> None:
    """openai-python 3.63.0: "A transparent PNG overlaid on the first image to guide the edit. Must match that
    image's dimensions after orientation and contain transparent pixels. Supports GPT Image 2.5. Cannot be
    combined with mask." (The wording of each 400 is ours.) It guides nothing here: the picture is the same."""
    if not opts.rules.markup:
        raise errors.invalid_request(f"'markup' is not supported for model '{opts.info.id}'; it needs GPT Image 2.5.",
                                     param="markup")  # fmt: skip
    if has_mask:
        raise errors.invalid_request("'markup' cannot be combined with 'mask'.", param="markup")
    picture = media.decode(upload.data)
    if picture is None or picture.format != "PNG":
        raise errors.invalid_request("Invalid markup image: it must be a PNG.", param="markup")
    picture = ImageOps.exif_transpose(picture)
    if picture.size != source.size:
        raise errors.invalid_request(
            f"Invalid markup image - it must have the same dimensions as the image: markup is "
            f"{picture.width}x{picture.height}, image is {source.width}x{source.height}.", param="markup",
        )
    alpha = picture.getchannel("A") if "A" in picture.getbands() else None
    if alpha is None or alpha.getextrema()[0] == 255:
        raise errors.invalid_request("Invalid markup image: it must contain transparent pixels.", param="markup")


def _dalle2_edit_input(uploads: list[UploadedFile], has_mask: bool) -> Image.Image:
    if len(uploads) > 1:
        raise errors.APIError(  # real (AIProxyTeam/AIProxySwift#211)
            400, "Invalid type for 'image': expected a file, but got an array instead.", param="image",
            code="invalid_type",
        )
    picture = _dalle2_png(uploads[0], "image")
    if not has_mask and picture.mode not in ("RGBA", "LA", "L"):
        raise errors.invalid_request(  # real (sashabaranov/go-openai#188)
            f"Invalid input image - format must be in ['RGBA', 'LA', 'L'], got {picture.mode}.", param="image"
        )
    return picture


def _dalle2_png(upload: UploadedFile, name: str) -> Image.Image:
    """DALL-E 2 inputs: a square PNG under 4 MB."""
    if upload.content_type.split(";")[0].strip() != "image/png":
        raise _mimetype(name, upload, ["image/png"])
    picture = media.decode(upload.data)
    if len(upload.data) >= 4 * MB or picture is None or picture.format != "PNG":
        raise errors.invalid_request("Uploaded image must be a PNG and less than 4 MB.", param=name)
    if picture.width != picture.height:
        raise errors.invalid_request("Uploaded image must be square.", param=name)  # wording unverified
    return picture


def _mask(upload: UploadedFile, source: Image.Image, *, gpt: bool) -> None:
    if upload.content_type.split(";")[0].strip() != "image/png":
        raise _mimetype("mask", upload, ["image/png"])
    mask = media.decode(upload.data)
    if mask is None or mask.format != "PNG" or len(upload.data) >= 4 * MB:
        raise errors.invalid_request("Uploaded mask must be a PNG and less than 4 MB.", param="mask")
    if mask.mode not in ("RGBA", "LA", "L"):
        raise errors.invalid_request(
            f"Invalid mask image - format must be in ['RGBA', 'LA', 'L'], got {mask.mode}.", param="mask"
        )
    if mask.size != source.size:
        raise errors.invalid_request(  # wording unverified
            f"Invalid mask image - the mask must have the same dimensions as the image: mask is "
            f"{mask.width}x{mask.height}, image is {source.width}x{source.height}.", param="mask",
        )


def _mimetype(name: str, upload: UploadedFile, supported: list[str]) -> errors.APIError:
    # Real for DALL-E 2 (Comfy-Org/ComfyUI#10552): the part's declared type is checked, not its bytes.
    quoted = [f"'{s}'" for s in supported]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + ", and " + quoted[-1]
    return errors.APIError(
        400, f"Invalid file '{name}': unsupported mimetype ('{upload.content_type}'). Supported file formats are "
        f"{listed}.", param=name, code="unsupported_file",
    )


# -- responses -------------------------------------------------------------------------------------


def _respond(
    ctx: RequestContext, opts: Options, pictures: list[Image.Image], *, image_tokens: int, event_prefix: str
) -> dict[str, Any] | EventStream:
    if opts.rules.gpt:
        if opts.stream:
            return _stream(ctx, opts, pictures, image_tokens, event_prefix)
        return _gpt_body(ctx, opts, pictures, image_tokens)
    data = []
    for picture in pictures:
        item = _item(ctx, media.encode(picture), "png", opts.response_format)
        if opts.rules.family == "dall-e-3":
            item["revised_prompt"] = _revised(opts)
        data.append(item)
    return {"created": ctx.now, "data": data}


def _gpt_body(ctx: RequestContext, opts: Options, pictures: list[Image.Image], image_tokens: int) -> dict[str, Any]:
    transparent = opts.background == "transparent"
    data = [
        {"b64_json": _b64(_encode(opts, p, transparent))} for p in pictures
    ]
    return {
        "created": ctx.now,
        "data": data,
        "background": "transparent" if transparent else "opaque",
        "output_format": opts.output_format,
        "size": _resolved_size_of(pictures[0]),
        "quality": _quality(opts),
        "usage": _usage(opts, len(pictures), _resolved_size_of(pictures[0]), image_tokens),
    }


def _stream(
    ctx: RequestContext, opts: Options, pictures: list[Image.Image], image_tokens: int, prefix: str
) -> EventStream:
    transparent = opts.background == "transparent"
    size = _resolved_size_of(pictures[0])
    common = {
        "created_at": ctx.now, "size": size, "quality": _quality(opts),
        "background": "transparent" if transparent else "opaque", "output_format": opts.output_format,
    }

    def events() -> Any:
        for picture in pictures:
            for step in range(opts.partial_images):
                rough = media.encode(media.partial(picture, step, opts.partial_images), opts.output_format,
                                     opts.compression, transparent)
                kind = f"{prefix}.partial_image"
                yield SSEEvent({"type": kind, "b64_json": _b64(rough), **common, "partial_image_index": step}, kind)
            final = media.encode(picture, opts.output_format, opts.compression, transparent)
            kind = f"{prefix}.completed"
            yield SSEEvent({"type": kind, "b64_json": _b64(final), **common,
                            "usage": _usage(opts, 1, size, image_tokens)}, kind)

    return EventStream(events())


def _usage(opts: Options, count: int, size: str, image_tokens: int) -> dict[str, Any]:
    text_tokens = tokens.count(opts.prompt, "gpt-4o")
    output = media.output_tokens(_quality(opts), size) * count
    return {
        "input_tokens": text_tokens + image_tokens,
        "input_tokens_details": {"text_tokens": text_tokens, "image_tokens": image_tokens},
        "output_tokens": output,
        "output_tokens_details": {"image_tokens": output, "text_tokens": 0},
        "total_tokens": text_tokens + image_tokens + output,
    }


def _quality(opts: Options) -> str:
    return "medium" if opts.quality == "auto" else opts.quality  # what "auto" resolves to here


def _resolved_size_of(picture: Image.Image) -> str:
    return f"{picture.width}x{picture.height}"


def _revised(opts: Options) -> str:
    """DALL-E 3 rewrites every prompt; here deterministically."""
    return f"A {opts.style}, detailed image of {opts.prompt.strip().rstrip('.')}."


def _item(ctx: RequestContext, data: bytes, fmt: str, response_format: str) -> dict[str, Any]:
    if response_format == "b64_json":
        return {"b64_json": _b64(data)}
    store: media.ImageStore = ctx.fake.services["images"]
    return {"url": store.put(data, fmt, _public_base(ctx))}


def _public_base(ctx: RequestContext) -> str:
    """scheme://host the caller reached us at (config ``public_base_url`` overrides), for fetchable URLs."""
    configured = ctx.fake.config.extra.get("public_base_url")
    if configured:
        return str(configured).rstrip("/")
    config = ctx.fake.config
    # Requests run inside the fake (batch lines) have no Host header: use the address `mockapi serve` listens on.
    host = ctx.header("x-forwarded-host") or ctx.header("host") or f"{config.host}:{config.port}"
    scheme = ctx.header("x-forwarded-proto") or "http"
    return f"{scheme}://{host}"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _serve(store: media.ImageStore) -> Any:
    async def endpoint(request: Request) -> Response:
        found = store.get(request.path_params["name"])
        if found is None:
            return Response(_blob_error("BlobNotFound", "The specified blob does not exist."), 404,
                            media_type="application/xml")
        if isinstance(found, str):
            return Response(_blob_error("AuthenticationFailed", "Signature not valid in the specified time frame."),
                            403, media_type="application/xml")
        return Response(found.data, media_type=found.content_type)

    return endpoint


def _blob_error(code: str, message: str) -> str:
    """Expired or unknown image URLs answer like the blob storage that hosts the real ones."""
    return f'<?xml version="1.0" encoding="utf-8"?><Error><Code>{code}</Code><Message>{message}</Message></Error>'
