"""Request options the official SDK sends that are newer than the pinned document (contracts/overlay.yaml):
moderated completions on chat and Responses, Responses' image / prompt-cache / background / access-program
options, and the compact and conversation parameters of openai 3.63. A user of these got a 400 'Unknown
parameter' before; now they get what the SDK's types describe."""

from __future__ import annotations

import openai
import pytest

SOL = "gpt-5.6-sol"
SCREEN = {"model": "omni-moderation-latest", "policy": {"input": {"mode": "block"}, "output": {"mode": "block"}}}
SCORE = {"model": "omni-moderation-latest"}


@pytest.fixture
def dragons(mockapi):
    """Any text mentioning a dragon is flagged for violence (a moderation script, as a test would set one)."""
    mockapi.services["moderations"].script(["violence"], contains="dragon")


# -- moderated completions ------------------------------------------------------------------------------


def test_responses_moderation_scores_input_and_output(openai_client) -> None:
    response = openai_client.responses.create(model=SOL, input="Tell me about tea", moderation=SCORE)
    assert response.status == "completed" and response.output_text
    verdict_in, verdict_out = response.moderation.input, response.moderation.output
    assert verdict_in.type == verdict_out.type == "moderation_result"
    assert verdict_in.model.startswith("omni-moderation") and not verdict_in.flagged
    assert set(verdict_in.category_scores) == set(verdict_in.categories)
    assert openai_client.responses.retrieve(response.id).moderation.input.flagged is False  # stored with it


def test_responses_moderation_blocks_a_flagged_input(dragons, openai_client) -> None:
    response = openai_client.responses.create(model=SOL, input="How do I slay a dragon?", moderation=SCREEN)
    assert response.status == "incomplete" and response.incomplete_details.reason == "content_filter"
    assert response.output == [] and response.usage.output_tokens == 0
    assert response.moderation.input.flagged and response.moderation.input.categories["violence"]
    # Scored only: the same input is answered and the verdict reported.
    scored = openai_client.responses.create(model=SOL, input="How do I slay a dragon?", moderation=SCORE)
    assert scored.status == "completed" and scored.moderation.input.flagged


def test_responses_moderation_withholds_a_flagged_answer(mockapi, dragons, openai_client) -> None:
    mockapi.responder.script([{"text": "The dragon breathes fire."}])
    policy = {"model": "omni-moderation-latest", "policy": {"output": {"mode": "block"}}}
    response = openai_client.responses.create(model="gpt-4o", input="A story, please", moderation=policy)
    assert response.status == "incomplete" and response.incomplete_details.reason == "content_filter"
    assert [item.type for item in response.output if item.type == "message"] == []
    assert response.moderation.output.flagged and not response.moderation.input.flagged


def test_responses_moderation_with_a_model_that_does_not_moderate(openai_client) -> None:
    events = openai_client.responses.create(model=SOL, input="hi", moderation={"model": "gpt-4o"}, stream=True)
    final = next(e for e in events if e.type == "response.completed").response
    assert final.moderation.input.type == "error" and final.moderation.input.code == "model_not_found"


def test_chat_moderation_results_and_blocking(mockapi, dragons, openai_client) -> None:
    clean = openai_client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "Hello"}], moderation=SCORE
    )
    assert clean.choices[0].finish_reason == "stop" and clean.choices[0].message.content
    assert clean.moderation.input.type == "moderation_results" and len(clean.moderation.input.results) == 1
    blocked = openai_client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "Draw a dragon"}], moderation=SCREEN, n=2
    )
    assert [(c.finish_reason, c.message.content) for c in blocked.choices] == [("content_filter", None)] * 2
    assert blocked.usage.completion_tokens == 0 and blocked.moderation.input.results[0].flagged
    # Streamed: a flagged answer is withheld and the verdicts arrive on the last chunk.
    mockapi.responder.script([{"text": "A dragon, in ink."}])
    chunks = list(openai_client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "Draw something"}], moderation=SCREEN, stream=True,
    ))  # fmt: skip
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == ""
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "content_filter"
    assert chunks[-1].choices == [] and chunks[-1].moderation.output.results[0].flagged
    # The SDK's stream helper keeps the verdicts on the completion it assembles.
    with openai_client.chat.completions.stream(
        model="gpt-4o", messages=[{"role": "user", "content": "Hi"}], moderation=SCORE
    ) as stream:
        assert stream.get_final_completion().moderation.output.results[0].flagged is False


# -- Responses' request-level options -----------------------------------------------------------------


def test_image_and_prompt_cache_options_are_applied_and_shown(openai_client) -> None:
    response = openai_client.responses.create(
        model=SOL, input="Hello", image={"context_compression": "auto"},
        prompt_cache_options={"ttl": "12h", "prewarm": False},
    )
    assert response.image.context_compression == "disabled"  # auto, and the input has no picture
    assert (response.prompt_cache_options.mode, response.prompt_cache_options.ttl) == ("implicit", "12h")
    assert ask_plain(openai_client).prompt_cache_options is None  # not asked for: not shown
    picture = {"type": "input_image", "image_url": "https://example.com/cat.png"}
    seen = openai_client.responses.create(
        model=SOL, input=[{"role": "user", "content": [{"type": "input_text", "text": "What is it?"}, picture]}],
        image={"context_compression": "auto"},
    )
    assert seen.image.context_compression == "enabled"
    # Chat's prompt cache takes only the 30-minute lifetime (the SDK's chat PromptCacheOptions).
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.chat.completions.create(
            model=SOL, messages=[{"role": "user", "content": "hi"}], prompt_cache_options={"ttl": "12h"}
        )
    assert caught.value.body["param"] == "prompt_cache_options.ttl"


def ask_plain(client):
    return client.responses.create(model=SOL, input="Hello")


def test_prompt_cache_diagnostics_against_a_compared_response(openai_client) -> None:
    first = openai_client.responses.create(model=SOL, input="Plan a trip to Lisbon")

    def compared_with(**kwargs):
        kwargs.setdefault("model", SOL)
        options = {"comparison_response_id": kwargs.pop("compare", first.id)}
        return openai_client.responses.create(prompt_cache_options=options, **kwargs).prompt_cache_diagnostics

    assert compared_with(input="And Porto?", previous_response_id=first.id).type == "cache_hit"
    missing = compared_with(input="x", compare="resp_" + "0" * 48)
    assert missing.type == "comparison_response_not_found"
    changed = compared_with(input="Plan a trip to Lisbon", model="gpt-5.6-terra")
    assert (changed.type, changed.reason) == ("cache_miss", "model_changed")
    other = compared_with(input="Plan a trip to Madrid")
    assert (other.type, other.reason) == ("cache_miss", "input_changed") and other.cache_missed_tokens > 0
    assert compared_with(input="Plan a trip to Lisbon", prompt_cache_key="k").reason == "prompt_cache_key_changed"


def test_background_windows_and_access_programs(openai_client) -> None:
    queued = openai_client.responses.create(
        model=SOL, input="Summarise", background=True,
        background_options={"completion_window": "8h", "continuation_id": "batch-7"},
    )
    assert queued.status == "queued"
    for wrong in ({}, {"background": True, "stream": True}, {"background": True, "service_tier": "flex"}):
        with pytest.raises(openai.BadRequestError) as caught:
            openai_client.responses.create(
                model=SOL, input="x", background_options={"completion_window": "2h"}, **wrong
            )
        assert caught.value.body["param"] == "background_options.completion_window"
    standard = openai_client.responses.create(model=SOL, input="x", access_programs={"cyber": "standard"})
    assert standard.access_programs.cyber == "standard"
    assert ask_plain(openai_client).access_programs is None  # the implicit fallback shows as null
    with pytest.raises(openai.PermissionDeniedError) as denied:
        openai_client.responses.create(model=SOL, input="x", access_programs={"cyber": "daybreak_blue"})
    assert denied.value.body["param"] == "access_programs.cyber"


# -- openai 3.63: compact and conversations ----------------------------------------------------------


def test_compact_and_conversation_take_a_safety_identifier(mockapi, openai_client) -> None:
    # The default (non-strict) client: a compaction's user messages do not fit the SDK's strict output type.
    compacted = mockapi.openai_client().responses.compact(
        model="gpt-5.5", input="Remember the number 7", safety_identifier="user-42", service_tier="fast",
        image={"context_compression": "enabled"},
    )
    assert compacted.safety_identifier == "user-42" and compacted.image.context_compression == "enabled"
    assert compacted.service_tier == "priority"  # fast is served as priority on a model without a Fast tier
    plain = mockapi.openai_client().responses.compact(model="gpt-5.5", input="Remember the number 7")
    assert plain.safety_identifier is None and plain.service_tier is None
    conversation = openai_client.conversations.create(safety_identifier="user-42", metadata={"k": "v"})
    assert openai_client.conversations.retrieve(conversation.id).metadata == {"k": "v"}


# -- openai 3.63: image quality tiers, markup, safety identifiers; personality; multi-agent ----------------------


def _png(size: tuple[int, int] = (64, 64), alpha: int | None = 0) -> bytes:
    import io

    from PIL import Image

    picture = Image.new("RGB", size, (200, 40, 40)) if alpha is None else Image.new("RGBA", size, (200, 40, 40, alpha))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def test_image_quality_tiers_of_gpt_image_2_5(openai_client) -> None:
    """xhigh and max: "gpt-image-2.5-sunburst and gpt-image-2.5-flare, including their 2026-09-08 snapshots"."""
    high = openai_client.images.generate(model="gpt-image-2.5-sunburst", prompt="a fox", quality="high")
    top = openai_client.images.generate(model="gpt-image-2.5-sunburst-2026-09-08", prompt="a fox", quality="max",
                                        safety_identifier="user-hash-1")  # fmt: skip
    assert top.quality == "max" and top.usage.output_tokens > high.usage.output_tokens
    for model in ("gpt-image-1.5", "gpt-image-2"):
        with pytest.raises(openai.BadRequestError) as caught:
            openai_client.images.generate(model=model, prompt="a fox", quality="xhigh")
        assert caught.value.body["param"] == "quality" and "'xhigh'" in caught.value.body["message"]


def test_image_edit_markup_rules(openai_client) -> None:
    source = ("photo.png", _png(alpha=None), "image/png")
    edited = openai_client.images.edit(model="gpt-image-2.5-flare", image=source, prompt="add a hat",
                                       markup=("markup.png", _png(), "image/png"), quality="xhigh",
                                       safety_identifier="user-hash-1")  # fmt: skip
    assert edited.data[0].b64_json and edited.quality == "xhigh"
    refused = [
        ({"model": "gpt-image-1.5"}, "needs GPT Image 2.5"),
        ({"markup": ("m.png", _png(alpha=255), "image/png")}, "transparent pixels"),
        ({"markup": ("m.png", _png((32, 32)), "image/png")}, "same dimensions"),
        ({"markup": ("m.jpg", b"\xff\xd8\xff\xe0 not really", "image/jpeg")}, "must be a PNG"),
        ({"mask": ("k.png", _png(), "image/png")}, "cannot be combined with 'mask'"),
    ]
    for change, message in refused:
        args = {"model": "gpt-image-2.5-flare", "image": source, "prompt": "x",
                "markup": ("markup.png", _png(), "image/png"), **change}  # fmt: skip
        with pytest.raises(openai.BadRequestError) as caught:
            openai_client.images.edit(**args)
        assert caught.value.body["param"] == "markup" and message in caught.value.body["message"], change


def test_input_tokens_personality_and_beta_multi_agent(openai_client) -> None:
    plain = openai_client.responses.input_tokens.count(model="gpt-5.4", input="Plan my week")
    styled = openai_client.responses.input_tokens.count(model="gpt-5.4", input="Plan my week", personality="friendly")
    assert styled.input_tokens == plain.input_tokens
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.responses.input_tokens.count(model="gpt-5.4", input="x", personality="p" * 65)
    assert caught.value.body["code"] == "string_above_max_length"
    answer = openai_client.beta.responses.create(
        model="gpt-5.4", input="Research this", betas=["responses_multi_agent=v1"],
        multi_agent={"enabled": True, "max_concurrent_subagents": 2},
    )  # fmt: skip
    assert answer.status == "completed" and answer.output[-1].content[0].text
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.beta.responses.create(model="gpt-5.4", input="x", multi_agent={"enabled": True,
                                                                                     "max_concurrent_subagents": 0})
    assert caught.value.body["param"] == "multi_agent.max_concurrent_subagents"
