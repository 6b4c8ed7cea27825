"""Transcriptions and translations (speech returns raw bytes)."""

from __future__ import annotations

from typing import Any

from mockapi_client.types.shared import APIObject


class Transcription(APIObject):
    text: str = ""
    language: str | None = None
    duration: float | None = None
    words: list[dict[str, Any]] | None = None
    segments: list[dict[str, Any]] | None = None
    usage: dict[str, Any] | None = None
