"""Moderated completions: the ``moderation`` request option of chat and Responses (official SDK 3.54+/3.63).

The request names a moderation model and, per side, a mode: ``score`` reports the verdict, ``block`` also
withholds what was flagged. Verdicts come from the moderations classifier (``mockapi.media.moderation``:
its keyword rule, or the scripts a test sets with ``fake.services["moderations"]``), so a test can flag an
input or an answer on demand. What blocking looks like is our choice, documented in contracts/README.md:
a flagged input is not answered and a flagged output is dropped, the completion ending for ``content_filter``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockapi import catalog
from mockapi.media.moderation import ModerationService
from mockapi.state import Namespace


@dataclass(frozen=True)
class Policy:
    model: str
    block_input: bool
    block_output: bool


def policy(body: dict[str, Any]) -> Policy | None:
    """The request's ``moderation`` option (already checked against the contract), or None."""
    option = body.get("moderation")
    if not isinstance(option, dict):
        return None
    modes = option.get("policy") or {}

    def blocks(side: str) -> bool:
        return isinstance(modes.get(side), dict) and modes[side].get("mode") == "block"

    return Policy(str(option["model"]), blocks("input"), blocks("output"))


class Moderator:
    """Judges texts for one request under its policy."""

    def __init__(self, service: ModerationService, ns: Namespace, chosen: Policy) -> None:
        self.service = service
        self.policy = chosen
        info = catalog.lookup(ns, chosen.model)
        self.model = info.echo if info is not None and info.kind == "moderation" else None

    def judge(self, text: str, images: list[str] | None = None) -> dict[str, Any]:
        """One ``moderation_result`` (or the ``error`` object for a model that is not a moderation model)."""
        if self.model is None:
            return {
                "type": "error", "code": "model_not_found",
                "message": f"The moderation model '{self.policy.model}' does not exist or you do not have access "
                "to it.",
            }
        omni = not self.model.startswith("text-moderation")
        verdict = self.service.classify(text, images or [], self.model, omni=omni)
        return {**verdict, "model": self.model, "type": "moderation_result"}


def flagged(result: dict[str, Any]) -> bool:
    return bool(result.get("flagged"))


def for_request(fake: Any, ns: Namespace, body: dict[str, Any]) -> Moderator | None:
    chosen = policy(body)
    return Moderator(fake.services["moderations"], ns, chosen) if chosen is not None else None


def contents(messages: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """The text and image URLs of chat-form messages, as the moderations endpoint takes them."""
    texts: list[str] = []
    images: list[str] = []
    for message in messages:
        content = message.get("content")
        parts = [{"text": content}] if isinstance(content, str) else content if isinstance(content, list) else []
        for part in parts:
            if not isinstance(part, dict):
                continue
            if isinstance(part.get("text"), str):
                texts.append(part["text"])
            image = part.get("image_url")
            url = image.get("url") if isinstance(image, dict) else image
            if isinstance(url, str):
                images.append(url)
    return "\n".join(texts), images
