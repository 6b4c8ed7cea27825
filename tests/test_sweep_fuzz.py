"""Findings of contract fuzzing against a live fake (schemathesis 4, every check, stateful links).

Run by hand with ``bench/fuzz.sh`` (minutes; see contracts/README.md, "Contract fuzzing"). Each test here
reproduces one finding the way a user would meet it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

# Text that spells a tokenizer special token. Users paste it (docs about LLMs, scraped pages, chat logs); the
# spec even names "<|endoftext|>" as the default `prompt` of /v1/completions. The real API answers these requests.
SPECIAL = "Documents end with <|endoftext|> in GPT-2."


@pytest.fixture
def client(mockapi: Any, openai_client: Any) -> Iterator[Any]:
    """The SDK without retries: a 500 fails at once (and the plugin's teardown reports it)."""
    yield openai_client.with_options(max_retries=0)


def test_embedding_text_with_a_special_token(client: Any) -> None:
    result = client.embeddings.create(model="text-embedding-3-small", input=[SPECIAL, "plain"])
    assert [item.index for item in result.data] == [0, 1]
    assert result.usage.prompt_tokens > 0


def test_chat_message_with_a_special_token(client: Any) -> None:
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": SPECIAL}])
    assert completion.choices[0].message.content


def test_completion_prompt_is_the_documented_default(client: Any) -> None:
    completion = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="<|endoftext|>", max_tokens=5)
    assert completion.choices[0].finish_reason in ("stop", "length")


def test_response_input_with_a_special_token(client: Any) -> None:
    assert client.responses.input_tokens.count(model="gpt-4o-mini", input=SPECIAL).input_tokens > 0


def test_vector_store_file_with_a_special_token(client: Any) -> None:
    store = client.vector_stores.create(name="docs")
    added = client.vector_stores.files.upload_and_poll(vector_store_id=store.id, file=("notes.txt", SPECIAL.encode()))
    assert added.status == "completed" and added.last_error is None


def test_moderation_image_with_an_empty_url_is_refused(client: Any) -> None:
    import openai

    with pytest.raises(openai.BadRequestError) as caught:
        client.moderations.create(
            model="omni-moderation-latest", input=[{"type": "image_url", "image_url": {"url": ""}}]
        )
    assert caught.value.param == "input[0].image_url.url"
    assert caught.value.code == "invalid_value"
    assert "expected a valid http(s) or data URL, but got ''" in caught.value.message


def test_moderation_image_url_still_accepted(client: Any) -> None:
    result = client.moderations.create(
        model="omni-moderation-latest",
        input=[{"type": "text", "text": "hi"}, {"type": "image_url", "image_url": {"url": "https://x.test/a.png"}}],
    )
    assert len(result.results) == 1


def test_vector_store_search_with_an_empty_query_array(client: Any) -> None:
    import openai

    store = client.vector_stores.create(name="empty query")
    with pytest.raises(openai.BadRequestError) as caught:
        client.vector_stores.search(vector_store_id=store.id, query=[])
    assert caught.value.param == "query"
    assert caught.value.code == "empty_array"
    assert caught.value.body["message"] == (
        "Invalid 'query': empty array. Expected an array with minimum length 1, but got an empty array instead."
    )


@pytest.mark.mockapi(validate_requests=False)  # the handler's own check, as with the contract layer off
def test_vector_store_search_names_a_non_string_query(client: Any) -> None:
    import openai

    store = client.vector_stores.create(name="bad query")
    with pytest.raises(openai.BadRequestError) as caught:
        client.vector_stores.search(vector_store_id=store.id, query=["ok", 3])  # type: ignore[list-item]
    assert caught.value.param == "query[1]"
    assert caught.value.body["message"] == "Invalid type for 'query[1]': expected a string, but got an integer instead."
