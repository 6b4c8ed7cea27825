"""Helpers shared by the scenarios: waiting for lifecycles, and small inputs made on the spot."""

from __future__ import annotations

import io
import json
import struct
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

CHAT_MODEL = "gpt-4o-mini"
INSTRUCT_MODEL = "gpt-3.5-turbo-instruct"
EMBEDDING_MODEL = "text-embedding-3-small"
FINE_TUNE_MODEL = "gpt-4o-mini-2024-07-18"

# A self-signed test certificate (EC P-256, CN "mockapi test", valid 2025-01-01 to 2035-01-01): made for these
# scenarios, it secures nothing.
TEST_CERTIFICATE = """-----BEGIN CERTIFICATE-----
MIIBFjCBvQICEAAwCgYIKoZIzj0EAwIwFzEVMBMGA1UEAwwMbW9ja2FwaSB0ZXN0
MB4XDTI1MDEwMTAwMDAwMFoXDTM1MDEwMTAwMDAwMFowFzEVMBMGA1UEAwwMbW9j
a2FwaSB0ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE5XGrfYgK0U2uRYN4
I6JnKoNamKgqKMJixpzVwFECWSN3EO8KpF3ZepfZkbERBHY69U7FgcCeI+2qGQ1h
+BtOGTAKBggqhkjOPQQDAgNIADBFAiAaue+61aeWLecwPcvLC0zAgPZ/mhBiqTrV
hMAjv4QzjwIhALg9HXYAC0iIvWtp/WleVJ6PVIkuv/LVD326JM4KdE9Q
-----END CERTIFICATE-----
"""


def wait_until(fetch: Callable[[], T], done: Callable[[T], bool], patience: float, what: str = "") -> T:
    """Call ``fetch`` until ``done`` says so (short sleeps, growing to 1 s), at most ``patience`` seconds."""
    deadline = time.monotonic() + patience
    delay = 0.02
    while True:
        value = fetch()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting{' for ' + what if what else ''}: {value!r}"[:500])
        time.sleep(delay)
        delay = min(delay * 1.5, 1.0)


def data(obj: Any) -> Any:
    """A response object as plain JSON: the two clients type nested shapes differently (objects or dicts)."""
    return obj.model_dump(mode="json") if hasattr(obj, "model_dump") else obj


def text_of(message: Any) -> str:
    """The text of a thread message (its text parts joined)."""
    return "".join(part["text"]["value"] for part in data(message)["content"] if part["type"] == "text")


def ids(page: Any) -> list[str]:
    """Ids on one page of a list."""
    return [item.id for item in page.data]


def jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "\n".join(json.dumps(row) for row in rows).encode() + b"\n"


def training_rows(n: int = 10) -> list[dict[str, Any]]:
    """A small valid chat fine-tuning file (the API needs at least 10 examples)."""
    colors = ["Red", "Green", "Blue"]
    return [
        {"messages": [
            {"role": "system", "content": "You answer in one word."},
            {"role": "user", "content": f"Name a color, number {i}."},
            {"role": "assistant", "content": colors[i % 3]},
        ]}
        for i in range(n)
    ]  # fmt: skip


def batch_rows(token: str, n: int = 2) -> list[dict[str, Any]]:
    return [
        {"custom_id": f"{token}-{i}", "method": "POST", "url": "/v1/chat/completions",
         "body": {"model": CHAT_MODEL, "messages": [{"role": "user", "content": f"Say {i}."}], "max_tokens": 5}}
        for i in range(n)
    ]  # fmt: skip


def png_rgba(size: int = 64) -> bytes:
    """A square RGBA PNG with a transparent corner (what DALL-E 2 edits and variations accept)."""
    from PIL import Image

    image = Image.new("RGBA", (size, size), (40, 120, 200, 255))
    for x in range(size // 4):
        for y in range(size // 4):
            image.putpixel((x, y), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def wav_tone(seconds: float = 0.5, rate: int = 16_000) -> bytes:
    """A mono 16-bit WAV of a plain tone."""
    import math
    import wave

    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate))) for i in range(int(seconds * rate))
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return out.getvalue()
