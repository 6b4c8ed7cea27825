"""What a reasoning model spends thinking before it answers (chat completions and Responses).

The real count depends on the prompt; the fake's is fixed per effort so a test can rely on it, and a script sets
it exactly (``{"text": "...", "reasoning_tokens": 900}``). As on the real API, reasoning comes first and counts
against the output limit (``max_completion_tokens`` / ``max_output_tokens``, OpenAI's reasoning guide): a limit
smaller than the reasoning leaves no visible output, the classic reasoning-model surprise users need to test.
"""

from __future__ import annotations

import re

from mockapi.catalog import ModelInfo

# Our choice (contracts/README.md): plausible sizes that grow with the effort asked for.
EFFORT_TOKENS = {"none": 0, "minimal": 0, "low": 64, "medium": 192, "high": 512, "xhigh": 1024}
_GPT5_MINOR = re.compile(r"gpt-5\.(\d+)")


def default_effort(info: ModelInfo) -> str:
    """The effort a request without one gets (the spec's ReasoningEffort): ``medium`` before gpt-5.1, ``none``
    from gpt-5.1 on, ``high`` for the pro models."""
    snapshot = info.echo
    if "-pro" in snapshot:
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
