"""Legacy completions (``POST /completions``) with the official SDK."""

from __future__ import annotations

import json

import openai
import pytest

from mockapi import catalog, tokens

MODEL = "gpt-3.5-turbo-instruct"


def test_default_max_tokens_is_16(openai_client) -> None:
    done = openai_client.completions.create(model=MODEL, prompt="Tell me a long story about a dragon")
    assert done.object == "text_completion" and done.id.startswith("cmpl-") and done.model == MODEL
    choice = done.choices[0]
    assert choice.finish_reason == "length" and choice.index == 0 and choice.logprobs is None
    assert done.usage.completion_tokens == 16 == tokens.count(choice.text, MODEL)
    assert done.usage.prompt_tokens == tokens.count("Tell me a long story about a dragon", MODEL)
    again = openai_client.completions.create(model=MODEL, prompt="Tell me a long story about a dragon")
    assert again.choices[0].text == choice.text


def test_scripted_text_stop_and_suffix(mockapi, openai_client) -> None:
    mockapi.responder.script({"text": " Paris.\nQ: next"}, surface="completions", repeat=True)
    done = openai_client.completions.create(model=MODEL, prompt="Q: capital of France?\nA:", stop=["\nQ:"])
    assert done.choices[0].text == " Paris." and done.choices[0].finish_reason == "stop"
    with_suffix = openai_client.completions.create(model=MODEL, prompt="A:", suffix=" the end", max_tokens=50)
    assert with_suffix.usage.prompt_tokens == tokens.count("A:", MODEL) + tokens.count(" the end", MODEL)


def test_echo_n_and_multiple_prompts(mockapi, openai_client) -> None:
    mockapi.responder.script({"text": " world"}, repeat=True)
    done = openai_client.completions.create(model="davinci-002", prompt=["Hello", "Bye"], n=2, echo=True)
    assert [c.index for c in done.choices] == [0, 1, 2, 3]
    assert [c.text for c in done.choices] == ["Hello world", "Hello world", "Bye world", "Bye world"]
    assert done.usage.completion_tokens == 4 * tokens.count(" world", MODEL)
    assert done.usage.prompt_tokens == tokens.count("Hello", MODEL) + tokens.count("Bye", MODEL)
    token_prompt = openai_client.completions.create(model="babbage-002", prompt=tokens.encode("Hello", MODEL))
    assert token_prompt.usage.prompt_tokens == tokens.count("Hello", MODEL)


def test_logprobs(mockapi, openai_client) -> None:
    mockapi.responder.script({"text": " yes indeed"}, repeat=True)
    done = openai_client.completions.create(model=MODEL, prompt="Is it?", logprobs=3, echo=True)
    logprobs = done.choices[0].logprobs
    assert "".join(logprobs.tokens) == "Is it? yes indeed"
    assert len(logprobs.tokens) == len(logprobs.token_logprobs) == len(logprobs.top_logprobs)
    assert logprobs.text_offset[0] == 0 and logprobs.text_offset == sorted(logprobs.text_offset)
    assert all(len(top) == 3 and top[tok] == lp
               for tok, lp, top in zip(logprobs.tokens, logprobs.token_logprobs, logprobs.top_logprobs, strict=True))
    again = openai_client.completions.create(model=MODEL, prompt="Is it?", logprobs=3, echo=True)
    assert again.choices[0].logprobs == logprobs


def test_streaming(mockapi, http) -> None:
    mockapi.responder.script({"text": " once upon a time there was a fake API"}, repeat=True)
    body = {"model": MODEL, "prompt": "Story:", "stream": True, "max_tokens": 6,
            "stream_options": {"include_usage": True}}
    response = http.post("/v1/completions", json=body)
    frames = [f[len("data: "):] for f in response.text.split("\n\n") if f]
    assert frames[-1] == "[DONE]"
    chunks = [json.loads(f) for f in frames[:-1]]
    assert all(c["object"] == "text_completion" and c["id"] == chunks[0]["id"] for c in chunks)
    text = "".join(c["choices"][0]["text"] for c in chunks if c["choices"])
    assert text == tokens.decode(tokens.encode(" once upon a time there was a fake API", MODEL)[:6], MODEL)
    assert chunks[-2]["choices"][0]["finish_reason"] == "length"
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] == 6
    assert all(c["choices"][0]["finish_reason"] is None for c in chunks[:-2])  # null until a choice's last chunk


def test_sdk_stream_reassembles(mockapi) -> None:
    client = mockapi.openai_client()  # the SDK types finish_reason as non-null, real chunks send null
    pieces = [c.choices[0].text for c in client.completions.create(model=MODEL, prompt="Hi", stream=True)]
    whole = client.completions.create(model=MODEL, prompt="Hi")
    assert "".join(pieces) == whole.choices[0].text


def test_models_checked(mockapi, openai_client) -> None:
    with pytest.raises(openai.NotFoundError) as err:
        openai_client.completions.create(model="gpt-4o-mini", prompt="x")
    assert err.value.body["message"] == ("This is a chat model and not supported in the v1/completions endpoint. "
                                         "Did you mean to use v1/chat/completions?")
    assert err.value.body["param"] == "model"
    with pytest.raises(openai.NotFoundError) as err:
        openai_client.completions.create(model="text-davinci-003", prompt="x")
    assert err.value.code == "model_not_found"
    ft_id = "ft:davinci-002:user-mockapi::Xy12Ab34"
    base = catalog.base_models()["davinci-002"]
    mockapi.state.namespace("sk-test").collection(catalog.FINE_TUNED).add(ft_id, catalog.ModelInfo(
        id=ft_id, created=1, owned_by="user-mockapi", kind=base.kind, encoding=base.encoding,
        context=base.context, max_output=base.max_output, base=base.id,
    ))
    assert openai_client.completions.create(model=ft_id, prompt="x").model == ft_id


def test_limits(openai_client) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.completions.create(model=MODEL, prompt="x", max_tokens=5000)
    assert err.value.code == "context_length_exceeded"
    assert "maximum context length is 4096 tokens" in err.value.body["message"]
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.completions.create(model=MODEL, prompt="x", logprobs=6)
    assert err.value.body["param"] == "logprobs"
    nothing = openai_client.completions.create(model=MODEL, prompt="Score this prompt", max_tokens=0, echo=True)
    assert nothing.choices[0].text == "Score this prompt" and nothing.usage.completion_tokens == 0
