"""Moderations with the official SDK: every category, the keyword rule, scripts (Python and HTTP), multimodal."""

from __future__ import annotations

import openai
import pytest

from mockapi.media.moderation import CATEGORIES, IMAGE_CAPABLE

IMAGE = {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}


def test_keyword_input_is_flagged_and_benign_is_not(openai_client, http) -> None:
    result = openai_client.moderations.create(input=["I am going to kill you", "What a lovely day"])
    assert result.id.startswith("modr-")
    assert result.model == "omni-moderation-2024-09-26"  # omni-moderation-latest resolves to its snapshot
    bad, good = result.results
    assert bad.flagged and bad.categories.violence and bad.categories.harassment_threatening
    assert bad.categories.harassment  # a flagged sub-category flags its parent
    assert 0.9 <= bad.category_scores.violence < 1
    assert not good.flagged and not any(good.categories.model_dump().values())
    assert all(score < 0.01 for score in good.category_scores.model_dump().values())
    raw = http.post("/v1/moderations", json={"input": "hello"}).json()["results"][0]
    for field in ("categories", "category_scores", "category_applied_input_types"):
        assert list(raw[field]) == CATEGORIES  # every key, in the spec's order
    assert all(types == ["text"] for types in raw["category_applied_input_types"].values())


def test_scores_are_stable(openai_client) -> None:
    one = openai_client.moderations.create(input="some text")
    two = openai_client.moderations.create(input="some text")
    assert one.results[0].category_scores == two.results[0].category_scores
    assert one.id != two.id


def test_python_script_flags_and_clears(openai_client, mockapi) -> None:
    service = mockapi.services["moderations"]
    service.script(["self-harm/intent"], contains="dragon", scores={"self-harm/intent": 0.5})
    service.script([], contains="kill the lights")  # force a clean verdict on an input the rule would flag
    service.script(["hate"], equals="once", times=1)
    dragon, lights = openai_client.moderations.create(input=["Here be a DRAGON", "please kill the lights"]).results
    assert dragon.flagged and dragon.categories.self_harm_intent and dragon.categories.self_harm
    assert dragon.category_scores.self_harm_intent == 0.5
    assert not dragon.categories.violence
    assert not lights.flagged
    assert openai_client.moderations.create(input="once").results[0].categories.hate
    assert not openai_client.moderations.create(input="once").results[0].flagged  # used up
    with pytest.raises(ValueError):
        service.script(["violence/mild"])


def test_http_control_scripts(mockapi, openai_client, http) -> None:
    created = http.post("/__mockapi__/moderations", json={"match": {"regex": "^secret"}, "categories": ["illicit"]})
    script_id = created.json()["id"]
    assert [s["id"] for s in http.get("/__mockapi__/moderations").json()["data"]] == [script_id]
    assert openai_client.moderations.create(input="secret plan").results[0].categories.illicit
    assert http.delete(f"/__mockapi__/moderations/{script_id}").json() == {"deleted": True}
    assert not openai_client.moderations.create(input="secret plan").results[0].flagged
    bad = http.post("/__mockapi__/moderations", json={"match": {"nope": 1}, "categories": []})
    assert bad.status_code == 400


def test_multimodal_input_gives_one_result_with_applied_types(openai_client, mockapi) -> None:
    mockapi.services["moderations"].script(["violence/graphic"], image_url="cat.png")
    result = openai_client.moderations.create(
        model="omni-moderation-latest", input=[{"type": "text", "text": "look at this"}, IMAGE]
    )
    assert len(result.results) == 1
    verdict = result.results[0]
    assert verdict.flagged and verdict.categories.violence_graphic and verdict.categories.violence
    applied = verdict.category_applied_input_types.model_dump(by_alias=True)
    for category, types in applied.items():
        assert types == (["text", "image"] if category in IMAGE_CAPABLE else ["text"])
    image_only = openai_client.moderations.create(input=[IMAGE]).results[0].category_applied_input_types
    assert image_only.hate == [] and image_only.sexual == ["image"]


def test_text_moderation_models(openai_client) -> None:
    result = openai_client.moderations.create(model="text-moderation-latest", input="I will murder them")
    assert result.model == "text-moderation-007"
    verdict = result.results[0]
    assert verdict.categories.violence and verdict.categories.illicit is None
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.moderations.create(model="text-moderation-latest", input=[IMAGE])
    assert err.value.param == "input"


def test_bad_requests(openai_client) -> None:
    with pytest.raises(openai.NotFoundError):
        openai_client.moderations.create(model="omni-moderation-9", input="x")
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.moderations.create(model="gpt-4o", input="x")
    assert err.value.param == "model"
    with pytest.raises(openai.BadRequestError):
        openai_client.moderations.create(input=[{"type": "video", "video": {}}])


def test_reset_forgets_scripts(openai_client, mockapi) -> None:
    mockapi.services["moderations"].script(["sexual"], contains="x")
    mockapi.reset()
    assert mockapi.services["moderations"].scripts() == []
