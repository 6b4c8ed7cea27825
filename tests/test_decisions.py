"""The Decisions API with the official SDK: typed answers (predicate, choice, score) that are deterministic by
default and scriptable, refusals, message and tool-call inputs, token usage, and the 4xx of bad requests."""

from __future__ import annotations

import openai
import pytest

TICKET = "I was charged twice for the same subscription renewal."
QUESTIONS = [
    {"type": "choice", "name": "category", "instructions": "Classify the support ticket.",
     "choices": [{"value": "billing"}, {"value": "technical", "description": "Software errors and outages"}]},
    {"type": "predicate", "name": "duplicate_charge", "instructions": "The customer was charged more than once."},
    {"type": "score", "name": "urgency", "instructions": "How urgent is it?",
     "levels": [{"label": "low"}, {"label": "medium"}, {"label": "high"}]},
]  # fmt: skip


def decide(client, questions=QUESTIONS, input=TICKET, **kwargs):
    return client.decisions.create(model="gpt-6-luna", input=input, questions=questions, **kwargs)


def test_default_answers_are_consistent_and_repeatable(openai_client) -> None:
    first = decide(openai_client)
    assert first.model == "gpt-6-luna" and [a.type for a in first.answers] == ["choice", "predicate", "score"]
    assert [a.name for a in first.answers] == ["category", "duplicate_charge", "urgency"]
    choice, predicate, score = first.answers
    assert sum(p.probability for p in choice.probabilities) == pytest.approx(1.0, abs=1e-6)
    best = max(choice.probabilities, key=lambda p: p.probability)
    assert choice.choice == best.value and choice.confidence == best.probability
    assert [p.value for p in choice.probabilities] == ["billing", "technical"]  # question order
    assert 0 <= predicate.probability <= 1
    assert [(p.label, p.value) for p in score.probabilities] == [("low", 1), ("medium", 2), ("high", 3)]
    assert score.score == pytest.approx(sum(p.value * p.probability for p in score.probabilities), abs=1e-3)
    assert score.confidence == max(p.probability for p in score.probabilities)
    assert decide(openai_client).answers == first.answers  # the same request, the same verdicts
    other = decide(openai_client, input="The app crashes on start.")
    assert other.answers != first.answers
    assert first.usage.input_tokens > 20 and first.usage.output_tokens == 0
    assert first.usage.total_tokens == first.usage.input_tokens


def test_scripted_answers(mockapi, openai_client) -> None:
    mockapi.responder.script({"answers": [{"choice": "billing"}, {"probability": 0.97}, {"level": "high"}]},
                             contains="charged twice", surface="decisions")  # fmt: skip
    choice, predicate, score = decide(openai_client).answers
    assert (choice.choice, choice.confidence) == ("billing", 0.8) and predicate.probability == 0.97
    assert score.probabilities[2].probability == 0.8 and score.score == pytest.approx(2.7, abs=1e-3)
    mockapi.responder.script({"answers": [None, {"type": "refusal"}]}, contains="charged twice")
    answers = decide(openai_client).answers
    assert answers[0].type == "choice" and (answers[1].type, answers[1].name) == ("refusal", "duplicate_charge")
    assert answers[2].type == "score"  # past the script's list: the default


def test_typed_choices_and_unnamed_questions(openai_client) -> None:
    questions = [{"type": "choice", "instructions": "Is it spam?", "choices": [{"value": True}, {"value": "true"}]}]
    (answer,) = decide(openai_client, questions=questions).answers
    assert answer.name is None and {type(p.value) for p in answer.probabilities} == {bool, str}


def test_message_and_tool_inputs(mockapi, openai_client) -> None:
    conversation = [
        {"role": "system", "content": "You route support tickets."},
        {"role": "user", "content": [{"type": "input_text", "text": TICKET},
                                     {"type": "input_json", "data": {"plan": "pro", "renewals": 2}},
                                     {"type": "input_image", "image_url": "https://example.com/receipt.png"}]},
        {"type": "function_call", "call_id": "call_1", "name": "lookup_charges", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "call_1", "output": "two charges of $20"},
        {"role": "assistant", "content": "I see two charges."},
    ]  # fmt: skip
    mockapi.responder.script({"answers": [{"choice": "billing"}]}, contains="charged twice")  # the last user text
    decided = decide(openai_client, input=conversation)
    assert decided.answers[0].choice == "billing"
    assert decided.usage.input_tokens > decide(openai_client).usage.input_tokens + 85  # JSON, image, tool turns
    orphan = [{"role": "user", "content": "hi"}, {"type": "function_call_output", "call_id": "call_9", "output": "x"}]
    with pytest.raises(openai.BadRequestError) as caught:
        decide(openai_client, input=orphan)
    assert caught.value.body["param"] == "input[1].call_id"


@pytest.mark.parametrize(
    ("change", "status", "param"),
    [
        ({"model": "gpt-4o-mini"}, 400, "model"),
        ({"model": "gpt-nope"}, 404, None),
        ({"questions": []}, 400, "questions"),
        ({"questions": QUESTIONS * 134}, 400, "questions"),
        ({"questions": [{"type": "choice", "instructions": "x", "choices": [{"value": "a"}, {"value": "a"}]}]},
         400, "questions[0].choices[1].value"),
        ({"questions": [{"type": "score", "instructions": "x", "levels": [{"label": "one"}]}]}, 400,
         "questions[0].levels"),
        ({"questions": [QUESTIONS[1], {**QUESTIONS[1], "instructions": "again"}]}, 400, "questions[1].name"),
        ({"questions": [{"type": "ranking", "instructions": "x"}]}, 400, "questions[0].type"),
        ({"input": [{"role": "tool", "content": "x"}]}, 400, "input[0]"),
        ({"safety_identifier": "s" * 65}, 400, "safety_identifier"),
        ({"input": [{"role": "user", "content": [{"type": "input_image", "image_url": "receipt.png"}]}]}, 400,
         "input[0].content[0].image_url"),
    ],
)
def test_bad_requests(openai_client, change: dict, status: int, param: str | None) -> None:
    body = {"model": "gpt-6-luna", "input": TICKET, "questions": QUESTIONS, **change}
    with pytest.raises(openai.APIStatusError) as caught:
        openai_client.post("/decisions", body=body, cast_to=object)
    found = caught.value.body["param"]
    assert caught.value.status_code == status, caught.value.body
    assert found == param or (param is not None and found.startswith(param + ".")), caught.value.body
