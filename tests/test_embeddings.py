"""Embeddings with the official SDK: deterministic unit vectors, base64 by default, real limits."""

from __future__ import annotations

import base64

import numpy as np
import openai
import pytest

from mockapi import tokens


def _cos(a, b) -> float:
    a, b = np.asarray(a), np.asarray(b)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_sdk_default_call_decodes_unit_vectors_where_shared_words_are_closer(mockapi) -> None:
    # A default client: the SDK's opt-in strict mode checks `embedding: List[float]` *before* its post-parser
    # decodes the base64 it asked for, so it rejects even the real API's answer to its own default call.
    client = mockapi.openai_client()
    texts = ["The cat sat on the mat", "A cat sat on a mat", "Quarterly revenue grew in Europe"]
    response = client.embeddings.create(model="text-embedding-3-small", input=texts)
    request = mockapi.journal.entries(path="/v1/embeddings")[-1]
    assert request.body["encoding_format"] == "base64"  # the SDK asks for base64 and decodes it itself
    vectors = [item.embedding for item in response.data]
    assert [item.index for item in response.data] == [0, 1, 2]
    assert all(len(v) == 1536 for v in vectors)
    assert all(abs(np.linalg.norm(v) - 1) < 1e-5 for v in vectors)
    assert _cos(vectors[0], vectors[1]) > 0.5 > _cos(vectors[0], vectors[2])
    assert abs(_cos(vectors[0], vectors[2])) < 0.15
    assert response.model == "text-embedding-3-small"
    assert response.usage.prompt_tokens == sum(tokens.count(t, "text-embedding-3-small") for t in texts)
    assert response.usage.total_tokens == response.usage.prompt_tokens


def test_same_text_same_vector_and_float_equals_base64(openai_client, mockapi, http) -> None:
    as_float = openai_client.embeddings.create(model="text-embedding-3-small", input="hello world",
                                               encoding_format="float")
    again = mockapi.openai_client().embeddings.create(model="text-embedding-3-small", input="hello world")
    assert as_float.data[0].embedding == again.data[0].embedding  # exactly the same float32 numbers
    raw = http.post("/v1/embeddings", json={"model": "text-embedding-3-small", "input": "hello world",
                                             "encoding_format": "base64"}).json()
    packed = base64.b64decode(raw["data"][0]["embedding"])
    assert len(packed) == 4 * 1536
    assert np.frombuffer(packed, "<f4").tolist() == as_float.data[0].embedding


def test_models_have_their_own_dimension_and_snapshot(openai_client) -> None:
    large = openai_client.embeddings.create(model="text-embedding-3-large", input="hi", encoding_format="float")
    ada = openai_client.embeddings.create(model="text-embedding-ada-002", input="hi", encoding_format="float")
    assert len(large.data[0].embedding) == 3072 and len(ada.data[0].embedding) == 1536
    assert ada.model == "text-embedding-ada-002-v2"


def test_dimensions_shortens_and_renormalizes(openai_client) -> None:
    full = openai_client.embeddings.create(model="text-embedding-3-large", input="short me", encoding_format="float")
    short = openai_client.embeddings.create(model="text-embedding-3-large", input="short me", dimensions=256,
                                           encoding_format="float")
    vector = np.asarray(short.data[0].embedding)
    assert vector.shape == (256,) and abs(np.linalg.norm(vector) - 1) < 1e-5
    prefix = np.asarray(full.data[0].embedding[:256])
    assert np.allclose(vector, prefix / np.linalg.norm(prefix), atol=1e-6)
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.embeddings.create(model="text-embedding-ada-002", input="x", dimensions=256)
    assert err.value.body["message"] == "This model does not support specifying dimensions."
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.embeddings.create(model="text-embedding-3-small", input="x", dimensions=1537)
    assert err.value.param == "dimensions"


def test_token_arrays_embed_like_their_text(openai_client) -> None:
    ids = tokens.encode("hello world", "text-embedding-3-small")
    text = openai_client.embeddings.create(model="text-embedding-3-small", input="hello world", encoding_format="float")
    one = openai_client.embeddings.create(model="text-embedding-3-small", input=ids, encoding_format="float")
    many = openai_client.embeddings.create(model="text-embedding-3-small", input=[ids, ids[:1]],
                                           encoding_format="float")
    assert one.data[0].embedding == text.data[0].embedding == many.data[0].embedding
    assert len(many.data) == 2 and many.usage.prompt_tokens == len(ids) + 1


def test_input_limits(openai_client) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.embeddings.create(model="text-embedding-3-small", input="")
    assert err.value.body["message"].startswith("'$.input' is invalid.")
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.embeddings.create(model="text-embedding-3-small", input=["ok", ""])
    assert err.value.body["message"].startswith("'$.input' is invalid.")
    with pytest.raises(openai.BadRequestError):
        openai_client.embeddings.create(model="text-embedding-3-small", input=[])
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.embeddings.create(model="text-embedding-3-small", input=["x"] * 2049)
    assert err.value.param == "input"
    long_text = "hello " * 9000
    count = tokens.count(long_text, "text-embedding-3-small")
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.embeddings.create(model="text-embedding-3-small", input=long_text)
    assert err.value.body["message"].startswith(
        f"This model's maximum context length is 8192 tokens, however you requested {count} tokens"
    )


def test_request_token_budget(openai_client) -> None:
    chunk = "hello " * 8000
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.embeddings.create(model="text-embedding-3-small", input=[chunk] * 38)
    assert err.value.code == "max_tokens_per_request"
    assert err.value.body["message"].endswith("max 300000 tokens per request")


def test_model_must_exist_and_embed(openai_client) -> None:
    with pytest.raises(openai.NotFoundError) as err:
        openai_client.embeddings.create(model="text-embedding-9", input="x")
    assert err.value.code == "model_not_found"
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.embeddings.create(model="gpt-4o-mini", input="x")
    assert err.value.param == "model"
