"""Legacy completions (``/completions``) with an instruct model, plain and streamed."""

from __future__ import annotations

from mockapi.conformance.scenarios._util import INSTRUCT_MODEL


def scenario_completion(api) -> None:
    reply = api.completions.create(model=INSTRUCT_MODEL, prompt="Say this is a test.", max_tokens=7)
    assert reply.object == "text_completion" and reply.model.startswith(INSTRUCT_MODEL)
    choice = reply.choices[0]
    assert choice.text and choice.finish_reason in ("stop", "length")
    assert 0 < reply.usage.completion_tokens <= 7


def scenario_stream(api) -> None:
    chunks = api.completion_stream(model=INSTRUCT_MODEL, prompt="Say this is a test.", max_tokens=7)
    assert chunks and all(c.object == "text_completion" for c in chunks)
    assert "".join(c.choices[0].text for c in chunks if c.choices)
    assert chunks[-1].choices[0].finish_reason in ("stop", "length")


def scenario_unknown_model_is_404(api) -> None:
    with api.raises(404):
        api.completions.create(model="no-such-model-conformance", prompt="hi")
