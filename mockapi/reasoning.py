"""What a reasoning model spends thinking before it answers (chat completions and Responses).

The real count depends on the prompt; the fake's is fixed per effort so a test can rely on it, and a script sets
it exactly (``{"text": "...", "reasoning_tokens": 900}``). As on the real API, reasoning comes first and counts
against the output limit (``max_completion_tokens`` / ``max_output_tokens``, OpenAI's reasoning guide): a limit
smaller than the reasoning leaves no visible output, the classic reasoning-model surprise users need to test.
"""

from __future__ import annotations

import re

from mockapi import errors
from mockapi.catalog import ModelInfo

# Our choice (contracts/README.md): plausible sizes that grow with the effort asked for.
EFFORT_TOKENS = {"none": 0, "minimal": 0, "low": 64, "medium": 192, "high": 512, "xhigh": 1024, "max": 2048}
_GPT_VERSION = re.compile(r"gpt-(\d+)(?:\.(\d+))?(?:-|$)")
_ALL = tuple(EFFORT_TOKENS)
_BEFORE_MAX = tuple(e for e in EFFORT_TOKENS if e != "max")


def _version(snapshot: str) -> tuple[int, int] | None:
    """(5, 1) for ``gpt-5.1-2025-11-13``, (6, 0) for ``gpt-6-astra``; None for o-series and ``gpt-4o``."""
    found = _GPT_VERSION.match(snapshot)
    return (int(found.group(1)), int(found.group(2) or 0)) if found else None


def default_effort(info: ModelInfo) -> str:
    """The effort a request without one gets (the spec's ReasoningEffort): ``medium`` before gpt-5.1, ``none``
    from gpt-5.1 on where the model takes it, ``high`` for the pro models."""
    snapshot = info.echo
    if snapshot.startswith("gpt-5") and "-pro" in snapshot:
        return "high"
    version = _version(snapshot)
    if version and version >= (5, 1) and "codex" not in snapshot and "none" in supported_efforts(info):
        return "none"
    return "medium"


def default_context(info: ModelInfo) -> str:
    """Which reasoning items later turns see (``reasoning.context: auto``): the SDK's Reasoning docs say the
    gpt-5.6 family defaults to ``all_turns``, earlier models to ``current_turn`` (later ones: like gpt-5.6)."""
    version = _version(info.echo)
    return "all_turns" if version and version >= (5, 6) else "current_turn"


def tokens(info: ModelInfo, effort: str | None, scripted: int | None) -> int:
    """Reasoning tokens of one reply: none for non-reasoning models, else the script's or the effort's."""
    if info.kind != "reasoning":
        return 0
    if scripted is not None:
        return max(int(scripted), 0)
    return EFFORT_TOKENS.get(effort or default_effort(info), EFFORT_TOKENS["medium"])


def supported_efforts(info: ModelInfo) -> tuple[str, ...]:
    """The efforts a reasoning model accepts: the spec's ReasoningEffort for o-series and gpt-5.x; ``max`` came
    with gpt-5.6 (SDK 3.54 ReasoningEffort); gpt-6 takes low..max, no ``none``/``minimal`` (contracts/README.md)."""
    snapshot = info.echo
    if snapshot.startswith("o"):
        return ("low", "medium", "high")
    version = _version(snapshot)
    if version is None or (5, 6) <= version < (6, 0):
        return _ALL
    if version >= (6, 0):
        return ("low", "medium", "high", "xhigh", "max")
    if snapshot.startswith("gpt-5-pro"):
        return ("high",)
    if version == (5, 1) and "codex" not in snapshot:
        return ("none", "low", "medium", "high")
    if version == (5, 0):
        return ("minimal", "low", "medium", "high")  # before gpt-5.1: no "none", no "xhigh"
    return _BEFORE_MAX  # gpt-5.1-codex..gpt-5.5


def check_effort(info: ModelInfo, effort: str | None, param: str) -> None:
    """A known effort this model does not take: the real 400 (wording from a real gpt-5 answer quoted in
    Kilo-Org/cloud#3807)."""
    supported = supported_efforts(info)
    if effort is None or effort in supported or effort not in EFFORT_TOKENS:
        return
    raise errors.APIError(
        400, f"Unsupported value: '{param}' does not support '{effort}' with this model. Supported values are: "
        f"{errors.quoted_list(supported)}.", param=param, code="unsupported_value",
    )  # fmt: skip
