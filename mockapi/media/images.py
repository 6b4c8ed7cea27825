"""Images: per-model rules, real decodable pictures (pillow), and the URL store the fake serves.

Pictures are deterministic: a two-colour gradient and a few shapes whose
colours and positions come from a hash of the prompt and the image's index,
at exactly the requested size. Edits and variations blend that pattern over the
uploaded image. Streaming "partial" images are blurred versions of the final one.

URL results are kept in memory and served by the fake itself at
``/__mockapi__/images/<name>?se=<expiry>`` (a prefix no OpenAI path can take),
without authentication, like the real pre-signed blob URLs; they expire
60 minutes after creation on the fake's clock (then 403).
"""

from __future__ import annotations

import hashlib
import io
import math
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from mockapi.ids import new_id

if TYPE_CHECKING:
    from mockapi.fake import Fake

CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp", "gif": "image/gif",
                 "svg": "image/svg+xml"}
DALLE2_SIZES = ("256x256", "512x512", "1024x1024")
DALLE3_SIZES = ("1024x1024", "1792x1024", "1024x1792")
GPT_SIZES = ("1024x1024", "1536x1024", "1024x1536", "auto")
# GPT image parameters that DALL-E models do not know.
GPT_ONLY = ("output_format", "output_compression", "background", "moderation", "partial_images", "stream",
            "input_fidelity", "complexity", "frame_count", "frame_duration_ms", "svg")
# Output image tokens per image (OpenAI's published gpt-image-1 table), by quality and shape; xhigh and max
# (GPT Image 2.5 only) are not published: twice and four times high (chosen).
OUTPUT_TOKENS = {
    ("low", True): 272, ("medium", True): 1056, ("high", True): 4160, ("xhigh", True): 8320, ("max", True): 16640,
    ("low", False): 408, ("medium", False): 1584, ("high", False): 6240, ("xhigh", False): 12480,
    ("max", False): 24960,
}
# openai-python 3.63.0: "gpt-image-2.5-sunburst and gpt-image-2.5-flare, including their 2026-09-08 snapshots,
# also support xhigh and max"; markup ("Supports GPT Image 2.5") likewise.
GPT_IMAGE_25 = ("gpt-image-2.5-sunburst", "gpt-image-2.5-flare")


@dataclass(frozen=True)
class ImageModel:
    family: str  # "dall-e-2" | "dall-e-3" | "gpt-image"
    sizes: tuple[str, ...]
    max_prompt: int
    qualities: tuple[str, ...]
    styles: tuple[str, ...] = ()
    markup: bool = False  # takes a markup PNG on edits

    @property
    def gpt(self) -> bool:
        return self.family == "gpt-image"


RULES = {
    "dall-e-2": ImageModel("dall-e-2", DALLE2_SIZES, 1000, ("standard", "auto")),
    "dall-e-3": ImageModel("dall-e-3", DALLE3_SIZES, 4000, ("standard", "hd", "auto"), ("vivid", "natural")),
    "gpt-image": ImageModel("gpt-image", GPT_SIZES, 32000, ("low", "medium", "high", "auto")),
    "gpt-image-2.5": ImageModel("gpt-image", GPT_SIZES, 32000, ("low", "medium", "high", "xhigh", "max", "auto"),
                                markup=True),
}


def rules_for(model_id: str) -> ImageModel:
    for family in ("dall-e-2", "dall-e-3"):
        if model_id.startswith(family):
            return RULES[family]
    return RULES["gpt-image-2.5"] if model_id.startswith(GPT_IMAGE_25) else RULES["gpt-image"]


def parse_size(size: str) -> tuple[int, int]:
    width, _, height = size.partition("x")
    return int(width), int(height)


def size_for(image: Image.Image) -> str:
    """``auto`` for GPT edits: the standard size closest to the first input's shape."""
    ratio = image.width / max(image.height, 1)
    if ratio > 1.2:
        return "1536x1024"
    if ratio < 1 / 1.2:
        return "1024x1536"
    return "1024x1024"


def output_tokens(quality: str, size: str) -> int:
    width, height = parse_size(size)
    return OUTPUT_TOKENS[(quality, width == height)]


def input_image_tokens(image: Image.Image) -> int:
    """Vision-style tile count (fit in 2048, shortest side 768, 512-px tiles): 65 + 129 per tile."""
    width, height = image.width, image.height
    scale = min(1.0, 2048 / max(width, height))
    width, height = width * scale, height * scale
    scale = min(1.0, 768 / min(width, height)) if min(width, height) > 0 else 1.0
    width, height = width * scale, height * scale
    return 65 + 129 * math.ceil(width / 512) * math.ceil(height / 512)


# -- pictures -------------------------------------------------------------------------------------


def _palette(seed: bytes, count: int) -> list[tuple[int, int, int]]:
    return [(seed[3 * i % len(seed)], seed[(3 * i + 1) % len(seed)], seed[(3 * i + 2) % len(seed)])
            for i in range(count)]


def _pattern(prompt: str, index: int, width: int, height: int) -> Image.Image:
    seed = hashlib.sha256(f"{index}\x00{prompt}".encode()).digest()
    top, bottom, *shapes = _palette(seed, 6)
    ramp = Image.linear_gradient("L").resize((width, height))
    picture = Image.composite(Image.new("RGB", (width, height), bottom), Image.new("RGB", (width, height), top), ramp)
    draw = ImageDraw.Draw(picture)
    for i, colour in enumerate(shapes):
        x, y = seed[10 + i] / 255 * width, seed[20 + i] / 255 * height
        radius = (0.1 + seed[28 + i % 4] / 255 * 0.25) * min(width, height)
        box = (x - radius, y - radius, x + radius, y + radius)
        (draw.ellipse if i % 2 == 0 else draw.rectangle)(box, fill=colour)
    return picture


@lru_cache(maxsize=64)
def _generated(prompt: str, index: int, width: int, height: int) -> Image.Image:
    return _pattern(prompt, index, width, height)


def generate(prompt: str, index: int, size: str, base: Image.Image | None = None) -> Image.Image:
    """The ``index``-th picture for ``prompt`` at ``size``, blended over ``base`` (edits, variations) if given."""
    width, height = parse_size(size)
    picture = _generated(prompt, index, width, height)
    if base is not None:
        picture = Image.blend(base.convert("RGB").resize((width, height)), picture, 0.35)
    return picture


def stand_in(url: str, size: tuple[int, int] = (1024, 1024)) -> bytes:
    """A PNG for an http(s) image URL: the fake has no internet, so the same URL always "downloads" the same
    made-up picture (RGBA, so it can serve as a mask too)."""
    picture = _generated(f"url\x00{url}", 0, *size).convert("RGBA")
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def mime_of(data: bytes) -> str | None:
    """The MIME type of the picture in ``data`` (from its bytes), or None when it is not one."""
    picture = decode(data)
    return None if picture is None else Image.MIME.get(picture.format or "", "application/octet-stream")


def encode(picture: Image.Image, fmt: str = "png", compression: int = 100, transparent: bool = False) -> bytes:
    buffer = io.BytesIO()
    if transparent and fmt != "jpeg":  # a real alpha channel: fading out towards the bottom
        picture = picture.convert("RGBA")
        picture.putalpha(Image.linear_gradient("L").resize(picture.size).point(lambda v: 255 - v // 2))
    else:
        picture = picture.convert("RGB")
    if fmt == "jpeg":
        picture.save(buffer, "JPEG", quality=max(1, min(compression, 95)))
    elif fmt == "webp":
        picture.save(buffer, "WEBP", quality=max(1, compression))
    else:
        picture.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def animate(picture: Image.Image, frames: int, frame_ms: int) -> bytes:
    """An animated GIF: the picture panning once across ``frames`` frames, looping forever.

    Quantized once (fast octree, 64 colours) and shifted in palette mode: every frame shares one palette, so
    the encoder does not quantize each frame again (~10x faster for 1024x1024).
    """
    still = picture.convert("RGB").quantize(64, method=Image.Quantize.FASTOCTREE)
    shots = [ImageChops.offset(still, picture.width * i // frames, 0) for i in range(frames)]
    buffer = io.BytesIO()
    shots[0].save(buffer, "GIF", save_all=True, append_images=shots[1:], duration=frame_ms, loop=0)
    return buffer.getvalue()


SVG_CELLS = 16  # the vector rendition: a grid of this many cells a side, each filled with the picture's colour there


def vector(picture: Image.Image) -> bytes:
    """An SVG document of the picture: one rectangle per grid cell (deterministic, like the raster forms)."""
    width, height = picture.size
    cells = picture.convert("RGB").resize((SVG_CELLS, SVG_CELLS), Image.Resampling.BOX)
    cell_w, cell_h = width / SVG_CELLS, height / SVG_CELLS
    shapes = []
    for y in range(SVG_CELLS):
        for x in range(SVG_CELLS):
            r, g, b = cells.getpixel((x, y))  # type: ignore[misc]
            shapes.append(f'<rect x="{x * cell_w:g}" y="{y * cell_h:g}" width="{cell_w:g}" height="{cell_h:g}" '
                          f'fill="#{r:02x}{g:02x}{b:02x}"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}">' + "".join(shapes) + "</svg>").encode()


def partial(picture: Image.Image, step: int, steps: int) -> Image.Image:
    """A rough early rendering: blurred more the earlier it is."""
    return picture.filter(ImageFilter.GaussianBlur(radius=4 * (steps - step)))


def decode(data: bytes) -> Image.Image | None:
    """The uploaded picture, or None when the bytes are not an image pillow can read."""
    try:
        picture = Image.open(io.BytesIO(data))
        picture.load()
    except Exception:
        return None
    return picture


# -- URL store ------------------------------------------------------------------------------------

URL_PATH = "/__mockapi__/images"
URL_TTL = 3600
MAX_STORED = 512


@dataclass
class StoredImage:
    data: bytes
    content_type: str
    expires_at: float


class ImageStore:
    """Images served at ``URL_PATH``: ``fake.services["images"]``. Cleared by ``fake.reset()``."""

    def __init__(self, fake: Fake) -> None:
        self.fake = fake

    @property
    def _items(self) -> OrderedDict[str, StoredImage]:
        return self.fake.state.shared.setdefault("images.urls", OrderedDict())

    def put(self, data: bytes, fmt: str, base_url: str) -> str:
        """Keep ``data`` for an hour; return its URL under ``base_url`` (scheme://host of the request)."""
        now = self.fake.clock.now()
        name = f"{new_id('img-')}.{fmt if fmt != 'jpeg' else 'jpg'}"
        with self.fake.state.lock:
            items = self._items
            items[name] = StoredImage(data, CONTENT_TYPES[fmt], now + URL_TTL)
            while len(items) > MAX_STORED:
                items.popitem(last=False)
        expiry = datetime.fromtimestamp(now + URL_TTL, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"{base_url}{URL_PATH}/{name}?se={expiry.replace(':', '%3A')}&sp=r"

    def get(self, name: str) -> StoredImage | str | None:
        """The image, ``"expired"`` once its hour is up, or None if it never existed (or was reset)."""
        with self.fake.state.lock:
            found = self._items.get(name)
        if found is None:
            return None
        return "expired" if self.fake.clock.now() >= found.expires_at else found

    def stored(self) -> list[dict[str, Any]]:
        with self.fake.state.lock:
            return [{"name": k, "bytes": len(v.data), "content_type": v.content_type, "expires_at": v.expires_at}
                    for k, v in self._items.items()]
