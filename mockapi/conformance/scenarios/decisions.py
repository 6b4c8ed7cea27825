"""Decisions: a predicate, a choice and a score about one support ticket, answered in question order with
probabilities that add up."""

from __future__ import annotations

import math

import pytest


@pytest.mark.sdk_only("the reference client has no decisions resource")
def scenario_decisions(api, token) -> None:
    decided = api.decisions.create(model="gpt-6-luna", input=f"Ticket {token}: I was charged twice this month.",
                                   questions=[
        {"type": "predicate", "name": "double_charge", "instructions": "The customer was charged twice."},
        {"type": "choice", "name": "team", "instructions": "Which team should handle it?",
         "choices": [{"value": "billing"}, {"value": "engineering"}]},
        {"type": "score", "name": "urgency", "instructions": "How urgent?",
         "levels": [{"label": "low"}, {"label": "medium"}, {"label": "high"}]},
    ])  # fmt: skip
    assert [a.name for a in decided.answers] == ["double_charge", "team", "urgency"]
    answers = {a.name: a for a in decided.answers if a.type != "refusal"}
    if "double_charge" in answers:
        assert 0 <= answers["double_charge"].probability <= 1
    if "team" in answers:
        team = answers["team"]
        assert team.choice in ("billing", "engineering")
        assert math.isclose(sum(p.probability for p in team.probabilities), 1.0, abs_tol=1e-3)
    if "urgency" in answers:
        assert [p.label for p in answers["urgency"].probabilities] == ["low", "medium", "high"]
    assert decided.usage.input_tokens > 0
    with api.raises(400):
        api.decisions.create(model="gpt-6-luna", input="x", questions=[])
