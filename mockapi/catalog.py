"""The base model catalog (data in ``data/models.json``) and per-owner fine-tuned models.

Other features ask here: does this model exist for this caller, which
snapshot does a response echo, which tokenizer does it use, can it be
fine-tuned.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from mockapi.state import Namespace

FINE_TUNED = "models"  # the namespace collection holding an owner's fine-tuned models


@dataclass(frozen=True)
class ModelInfo:
    id: str
    created: int
    owned_by: str
    kind: str
    snapshot: str | None = None
    encoding: str = "o200k_base"
    context: int = 128000
    max_output: int = 16384
    dimensions: int | None = None
    fine_tunable: bool = False
    base: str | None = None  # for fine-tuned models: the base snapshot
    responses_only: bool = False  # ModelIdsResponses (o3-pro, *-codex, ...): not on /v1/chat/completions
    assistants: bool = True  # False: the Assistants API answers unsupported_model
    web_search: bool = False  # a search model (gpt-4o-search-preview): every chat answer searches the web first
    audio: bool = False  # an audio chat model (gpt-audio-mini): audio in or out, spoken answers (chat/voice.py)

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "object": "model", "created": self.created, "owned_by": self.owned_by}

    @property
    def echo(self) -> str:
        """What responses report as ``model``: the resolved snapshot."""
        return self.snapshot or self.id


@cache
def base_models() -> dict[str, ModelInfo]:
    raw = json.loads((Path(__file__).parent / "data" / "models.json").read_text())
    return {m["id"]: ModelInfo(**m) for m in raw["models"]}


@cache
def ids_of_kind(kind: str) -> tuple[str, ...]:
    return tuple(m.id for m in base_models().values() if m.kind == kind)


@cache
def base_listing() -> tuple[dict[str, Any], ...]:
    """The base models' public objects, built once (GET /models is a hot path)."""
    return tuple(m.public() for m in base_models().values())


def lookup(ns: Namespace | None, model_id: str) -> ModelInfo | None:
    """A base model or one of the owner's fine-tuned models."""
    found = base_models().get(model_id)
    if found is None and ns is not None:
        found = ns.collection(FINE_TUNED).get(model_id)
    return found


def family_of(model_id: str) -> ModelInfo | None:
    """Best-effort info for an id the catalog lacks (a dated snapshot, a ``ft:`` id)."""
    if model_id.startswith("ft:"):
        model_id = model_id.split(":")[1]
    models = base_models()
    if model_id in models:
        return models[model_id]
    for candidate in sorted(models, key=len, reverse=True):
        if model_id.startswith(candidate):
            return models[candidate]
    return None
