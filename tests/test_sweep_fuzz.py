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
