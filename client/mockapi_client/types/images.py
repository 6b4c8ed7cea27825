"""Image generation, edits and variations."""

from __future__ import annotations

from typing import Any

from mockapi_client.types.shared import APIObject


class Image(APIObject):
    url: str | None = None
    b64_json: str | None = None
    revised_prompt: str | None = None


class ImagesResponse(APIObject):
    created: int = 0
    data: list[Image] = []
    usage: dict[str, Any] | None = None
