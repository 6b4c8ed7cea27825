"""Legacy text completions."""

from __future__ import annotations

from typing import Any

from mockapi_client.types.shared import APIObject, CompletionUsage


class CompletionChoice(APIObject):
    index: int = 0
    text: str = ""
    finish_reason: str | None = None
    logprobs: dict[str, Any] | None = None


class Completion(APIObject):
    id: str = ""
    object: str = "text_completion"
    created: int = 0
    model: str = ""
    choices: list[CompletionChoice] = []
    usage: CompletionUsage | None = None
    system_fingerprint: str | None = None
