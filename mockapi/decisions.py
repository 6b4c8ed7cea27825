"""The Decisions API's answers: typed, probabilistic verdicts about one input (``POST /decisions``).

Each question gets an answer in its own shape: a ``predicate`` the probability that its statement holds, a
``choice`` a probability per option and the likeliest one, a ``score`` a probability per ordered level and the
expected score. By default the numbers are a pure function of the model, the input and the question (the same
request always gets the same answers); a responder script's ``answers`` set any of them (surface
``decisions``, matched on the input's last user text): ``{"probability": 0.9}``, ``{"choice": "billing"}``,
``{"level": "good"}`` (or ``{"value": 3}``), ``{"type": "refusal"}``, or ``null`` for the default.
Facts and choices: contracts/README.md ("Decisions").
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from mockapi import errors

PEAK = 0.8  # the probability a scripted choice or level gets; the rest is shared by the others (chosen)


def answer(question: dict[str, Any], scripted: dict[str, Any] | None, seed: str, param: str) -> dict[str, Any]:
    """One question's answer: scripted where the script says, else the deterministic default."""
    kind, name = question["type"], question.get("name")
    if scripted is not None and scripted.get("type") == "refusal":
        return {"type": "refusal", "name": name}
    if kind == "predicate":
        probability = _unit(seed, "predicate") if scripted is None else _probability(scripted, param)
        return {"type": "predicate", "name": name, "probability": round(probability, 4)}
    if kind == "choice":
        values = [c["value"] for c in question["choices"]]
        weights = _scripted_weights(values, scripted, "choice", param) or _weights(seed, len(values))
        best = max(range(len(values)), key=lambda i: weights[i])
        spread = [{"value": v, "probability": w} for v, w in zip(values, weights, strict=True)]
        return {"type": "choice", "name": name, "choice": values[best], "confidence": weights[best],
                "probabilities": spread}  # fmt: skip
    labels = [level["label"] for level in question["levels"]]
    wanted = None if scripted is None else _level_index(labels, scripted, param)
    weights = _peaked(len(labels), wanted) if wanted is not None else _weights(seed, len(labels))
    values = range(1, len(labels) + 1)  # levels count from 1 in their order (chosen)
    return {"type": "score", "name": name, "score": round(sum(v * w for v, w in zip(values, weights, strict=True)), 4),
            "confidence": max(weights),
            "probabilities": [{"label": label, "value": v, "probability": w}
                              for label, v, w in zip(labels, values, weights, strict=True)]}  # fmt: skip


def seed_of(model: str, text: str, question: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps([model, text, question], option=orjson.OPT_SORT_KEYS)).hexdigest()


def _unit(seed: str, salt: str) -> float:
    """A number in [0.02, 0.98] from the seed."""
    digest = hashlib.sha256(f"{seed}\x00{salt}".encode()).digest()
    return 0.02 + 0.96 * int.from_bytes(digest[:8], "big") / 2**64


def _weights(seed: str, count: int) -> list[float]:
    raw = [_unit(seed, str(i)) ** 3 for i in range(count)]  # cubed: one option usually stands out
    return _normalized(raw)


def _peaked(count: int, index: int) -> list[float]:
    rest = (1 - PEAK) / (count - 1)
    return _normalized([PEAK if i == index else rest for i in range(count)])


def _normalized(raw: list[float]) -> list[float]:
    total = sum(raw)
    weights = [round(w / total, 4) for w in raw]
    weights[max(range(len(weights)), key=lambda i: weights[i])] += round(1 - sum(weights), 4)  # sums to 1
    return [round(w, 4) for w in weights]


def _probability(scripted: dict[str, Any], param: str) -> float:
    value = scripted.get("probability")
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise errors.invalid_request(f"The script's answer for '{param}' needs a probability from 0 to 1.")
    return float(value)


def _scripted_weights(values: list[Any], scripted: dict[str, Any] | None, key: str, param: str) -> list[float] | None:
    if scripted is None:
        return None
    wanted = scripted.get(key)
    matches = [i for i, v in enumerate(values) if v == wanted and type(v) is type(wanted)]
    if not matches:
        raise errors.invalid_request(f"The script's answer for '{param}' names no offered choice: {wanted!r}.")
    return _peaked(len(values), matches[0])


def _level_index(labels: list[str], scripted: dict[str, Any], param: str) -> int:
    if "level" in scripted and scripted["level"] in labels:
        return labels.index(scripted["level"])
    value = scripted.get("value")
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= len(labels):
        return value - 1
    raise errors.invalid_request(f"The script's answer for '{param}' names no level: {scripted!r}.")
