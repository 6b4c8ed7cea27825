"""Real, playable media for ``GET /videos/{id}/content``: an H.264 MP4 at the requested size and length, its
thumbnail (WEBP) and a spritesheet (JPEG), drawn deterministically from the video's prompt.

The MP4 runs at a few frames a second (real Sora output is 24-30 fps) so a test's download stays small and
fast while players, ``ffprobe`` and duration checks see the requested size and seconds.
"""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache

FPS = 2
CONTENT_TYPES = {"video": "video/mp4", "thumbnail": "image/webp", "spritesheet": "image/jpeg"}


def _colour(prompt: str, frame: int) -> tuple[int, int, int]:
    digest = hashlib.sha256(f"{prompt}\x00{frame}".encode()).digest()
    return digest[0], digest[1], digest[2]


def _frame(prompt: str, size: tuple[int, int], frame: int):  # type: ignore[no-untyped-def]
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", size, _colour(prompt, 0))
    width, height = size
    x = int((frame * 97) % max(1, width - width // 4))
    ImageDraw.Draw(picture).rectangle((x, height // 3, x + width // 4, height // 3 + height // 4),
                                      fill=_colour(prompt, frame + 1))  # fmt: skip
    return picture


@lru_cache(maxsize=16)
def render(prompt: str, size: str, seconds: int, variant: str) -> bytes:
    width, height = (int(n) for n in size.split("x"))
    if variant == "thumbnail":
        return _image(_frame(prompt, (width, height), 0), "WEBP")
    if variant == "spritesheet":
        return _spritesheet(prompt, (width, height), seconds)
    return _mp4(prompt, (width, height), seconds)


def _image(picture, fmt: str) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    picture.save(out, fmt)
    return out.getvalue()


def _spritesheet(prompt: str, size: tuple[int, int], seconds: int) -> bytes:
    from PIL import Image

    tile = (size[0] // 8, size[1] // 8)
    sheet = Image.new("RGB", (tile[0] * seconds, tile[1]))
    for second in range(seconds):
        sheet.paste(_frame(prompt, size, second * FPS).resize(tile), (second * tile[0], 0))
    return _image(sheet, "JPEG")


def _mp4(prompt: str, size: tuple[int, int], seconds: int) -> bytes:
    import av

    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=FPS, options={"preset": "ultrafast"})
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for number in range(seconds * FPS):
            frame = av.VideoFrame.from_image(_frame(prompt, size, number))
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return out.getvalue()
