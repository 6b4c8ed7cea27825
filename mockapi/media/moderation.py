"""Moderation verdicts: a documented keyword rule plus per-input scripts.

Default rule (README.md): an input is flagged for a category when its text
contains one of that category's keywords (whole words, case-insensitive; see
``KEYWORDS``). A flagged sub-category also flags its parent (``violence/graphic``
flags ``violence``). Flagged categories score 0.90-0.99, the others 1e-4 to
1e-3; every score is derived from a hash of the input, so it is stable. Images
are never flagged by the rule; script them.

Scripts (``fake.services["moderations"]``, HTTP ``/__mockapi__/moderations``)
override the rule for inputs they match: by substring, exact text, regex or
image URL substring, optionally only for one model, for ever or ``times`` times.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from mockapi.scriptbook import ScriptBook, Scripted, check_times

CATEGORIES = [
    "hate", "hate/threatening", "harassment", "harassment/threatening", "illicit", "illicit/violent",
    "self-harm", "self-harm/intent", "self-harm/instructions", "sexual", "sexual/minors", "violence",
    "violence/graphic",
]
# Which input types each category can be judged on (spec: CreateModerationResponse).
IMAGE_CAPABLE = frozenset(
    {"self-harm", "self-harm/intent", "self-harm/instructions", "sexual", "violence", "violence/graphic"}
)
# Categories the legacy text-moderation models do not have: null verdict, zero score, no applied types.
OMNI_ONLY = frozenset({"illicit", "illicit/violent"})

KEYWORDS: dict[str, list[str]] = {
    "hate": ["subhuman", "vermin", "inferior race"],
    "hate/threatening": ["exterminate them", "wipe them out"],
    "harassment": ["idiot", "moron", "loser", "worthless"],
    "harassment/threatening": ["kill you", "hurt you", "i will find you"],
    "illicit": ["shoplift", "launder money", "counterfeit", "make meth", "pick a lock"],
    "illicit/violent": ["build a bomb", "make a bomb", "pipe bomb", "untraceable gun"],
    "self-harm": ["suicide", "self-harm", "cut myself"],
    "self-harm/intent": ["kill myself", "want to die", "end my life"],
    "self-harm/instructions": ["how to kill myself", "ways to commit suicide"],
    "sexual": ["porn", "explicit sex", "nude"],
    "sexual/minors": ["underage sex", "child porn"],
    "violence": ["kill", "murder", "stab", "shoot", "attack"],
    "violence/graphic": ["gore", "dismember", "disembowel", "blood everywhere"],
}
_PATTERNS = {
    category: re.compile(r"\b(?:" + "|".join(re.escape(k) for k in words) + r")\b", re.IGNORECASE)
    for category, words in KEYWORDS.items()
}


def parent(category: str) -> str | None:
    return category.split("/")[0] if "/" in category else None


@dataclass
class Verdict:
    """What a script says about one input: flagged categories and optional score overrides."""

    categories: list[str]
    scores: dict[str, float] = field(default_factory=dict)


@dataclass
class ModerationScript:
    id: str
    verdict: Verdict
    contains: str | None = None
    equals: str | None = None
    regex: str | None = None
    image_url: str | None = None
    model: str | None = None
    times: int | None = None  # None: every matching input, for ever

    def matches(self, text: str, images: list[str], model: str) -> bool:
        if self.model is not None and self.model != model:
            return False
        if self.contains is not None and self.contains.lower() not in text.lower():
            return False
        if self.equals is not None and self.equals != text:
            return False
        if self.regex is not None and re.search(self.regex, text) is None:
            return False
        return self.image_url is None or any(self.image_url in url for url in images)

    def describe(self) -> dict[str, Any]:
        match = {k: v for k, v in {
            "contains": self.contains, "equals": self.equals, "regex": self.regex,
            "image_url": self.image_url, "model": self.model,
        }.items() if v is not None}
        return {"id": self.id, "match": match, "categories": self.verdict.categories,
                "scores": self.verdict.scores, "times": self.times}


class ModerationService(Scripted[ModerationScript]):
    """Scriptable verdicts: ``fake.services["moderations"]``."""

    def __init__(self) -> None:
        self._book: ScriptBook[ModerationScript] = ScriptBook()

    def script(
        self,
        categories: list[str] | dict[str, bool] | None = None,
        *,
        scores: dict[str, float] | None = None,
        contains: str | None = None,
        equals: str | None = None,
        regex: str | None = None,
        image_url: str | None = None,
        model: str | None = None,
        times: int | None = None,
    ) -> str:
        """Decide the verdict for matching inputs; ``categories=[]`` forces a clean result. Returns the script id.

        ``fake.services["moderations"].script(["violence"], contains="dragon")`` flags any input mentioning dragons.
        """
        flagged = _category_list(categories or [])
        for name in list(flagged) + list(scores or {}):
            if name not in CATEGORIES:
                raise ValueError(f"unknown moderation category {name!r}; expected one of {CATEGORIES}")
        if regex is not None:
            re.compile(regex)
        check_times(times)
        return self._book.add(ModerationScript(
            f"modscript_{self._book.number()}", Verdict(flagged, dict(scores or {})),
            contains=contains, equals=equals, regex=regex, image_url=image_url, model=model, times=times,
        ))  # fmt: skip

    def scripted(self, text: str, images: list[str], model: str) -> Verdict | None:
        """The first matching script's verdict (using up one of its ``times``), or None."""
        script = self._book.take(lambda s: s.matches(text, images, model))
        return script.verdict if script is not None else None

    def classify(self, text: str, images: list[str], model: str, *, omni: bool) -> dict[str, Any]:
        """One ``results[]`` entry for an input made of ``text`` and ``images``."""
        verdict = self.scripted(text, images, model) or keyword_verdict(text)
        return result(verdict, text, images, omni=omni)


def keyword_verdict(text: str) -> Verdict:
    return Verdict([c for c, pattern in _PATTERNS.items() if pattern.search(text)])


def result(verdict: Verdict, text: str, images: list[str], *, omni: bool) -> dict[str, Any]:
    flagged = set(verdict.categories)
    flagged |= {p for c in flagged if (p := parent(c)) is not None}
    seed = text + "\x00" + "\x00".join(images)
    categories: dict[str, bool | None] = {}
    scores: dict[str, float] = {}
    applied: dict[str, list[str]] = {}
    for name in CATEGORIES:
        if not omni and name in OMNI_ONLY:
            categories[name], scores[name], applied[name] = None, 0.0, []
            continue
        hit = name in flagged
        categories[name] = hit
        scores[name] = verdict.scores.get(name, _score(seed, name, hit))
        types = ["text"] if text or not images else []
        if images and name in IMAGE_CAPABLE:
            types.append("image")
        applied[name] = types
    return {
        "flagged": any(v for v in categories.values()),
        "categories": categories,
        "category_scores": scores,
        "category_applied_input_types": applied,
    }


def _score(seed: str, category: str, hit: bool) -> float:
    fraction = int.from_bytes(hashlib.blake2b(f"{category}\x00{seed}".encode(), digest_size=4).digest()) / 2**32
    return round(0.90 + 0.09 * fraction, 6) if hit else round(1e-4 + 9e-4 * fraction, 8)


def _category_list(categories: list[str] | dict[str, bool]) -> list[str]:
    if isinstance(categories, dict):
        return [name for name, on in categories.items() if on]
    if isinstance(categories, str):
        return [categories]
    return list(categories)
