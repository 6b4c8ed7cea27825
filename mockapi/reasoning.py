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
EFFORT_TOKENS = {"none": 0, "minimal": 0, "low": 64, "medium": 192, "high": 512, "xhigh": 1024}
_GPT5_MINOR = re.compile(r"gpt-5\.(\d+)")


def default_effort(info: ModelInfo) -> str:
    """The effort a request without one gets (the spec's ReasoningEffort): ``medium`` before gpt-5.1, ``none``
    from gpt-5.1 on, ``high`` for the pro models."""
    snapshot = info.echo
    if snapshot.startswith("gpt-5") and "-pro" in snapshot:
        return "high"
    found = _GPT5_MINOR.match(snapshot)
    if found and int(found.group(1)) >= 1 and "codex" not in snapshot:
        return "none"
    return "medium"


def tokens(info: ModelInfo, effort: str | None, scripted: int | None) -> int:
    """Reasoning tokens of one reply: none for non-reasoning models, else the script's or the effort's."""
    if info.kind != "reasoning":
        return 0
    if scripted is not None:
        return max(int(scripted), 0)
    return EFFORT_TOKENS.get(effort or default_effort(info), EFFORT_TOKENS["medium"])


def supported_efforts(info: ModelInfo) -> tuple[str, ...] | None:
    """The efforts a reasoning model accepts, where the spec's ReasoningEffort says (None: any)."""
    snapshot = info.echo
    if snapshot.startswith("o"):
        return ("low", "medium", "high")
    if snapshot.startswith("gpt-5-pro"):
        return ("high",)
    if snapshot.startswith("gpt-5.1") and "codex" not in snapshot:
        return ("none", "low", "medium", "high")
    if snapshot.startswith("gpt-5") and not _GPT5_MINOR.match(snapshot):
        return ("minimal", "low", "medium", "high")  # before gpt-5.1: no "none", no "xhigh"
    return None


def check_effort(info: ModelInfo, effort: str | None, param: str) -> None:
    """A known effort this model does not take: the real 400 (wording from a real gpt-5 answer quoted in
    Kilo-Org/cloud#3807)."""
    supported = supported_efforts(info)
    if effort is None or supported is None or effort in supported or effort not in EFFORT_TOKENS:
        return
    raise errors.APIError(
        400, f"Unsupported value: '{param}' does not support '{effort}' with this model. Supported values are: "
        f"{errors.quoted_list(supported)}.", param=param, code="unsupported_value",
    )  # fmt: skip
