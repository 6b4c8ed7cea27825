"""Moderations."""

from __future__ import annotations

from typing import Any

from mockapi_client.types.shared import APIObject


class ModerationResult(APIObject):
    flagged: bool = False
    categories: dict[str, bool | None] = {}
    category_scores: dict[str, float] = {}
    category_applied_input_types: dict[str, Any] | None = None


class ModerationResponse(APIObject):
    id: str = ""
    model: str = ""
    results: list[ModerationResult] = []
