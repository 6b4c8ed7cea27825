"""Exact token counts offline with ``bpe-openai`` (tiktoken-compatible vocabularies in the wheel).

Chat prompts add the per-message overhead the real API bills: 3 tokens per
message, 1 more when a ``name`` is given, and 3 to prime the reply (the
OpenAI cookbook's rule for gpt-3.5/4/4o families).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import orjson

from mockapi import catalog

TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING = 3


@cache
def _encoding(name: str) -> Any:
    import bpe_openai  # imported on first use: loading it costs ~0.4 s of start-up

    return bpe_openai.get_encoding(name)


def encoding_for(model: str | None) -> Any:
    info = catalog.family_of(model) if model else None
    return _encoding(info.encoding if info is not None else "o200k_base")


def encode(text: str, model: str | None = None) -> list[int]:
    # Special-token text ("<|endoftext|>", the spec's default completions prompt) is ordinary text to the API,
    # not a control token nor an error (bpe_openai's default refuses it with ValueError, a 500).
    return list(encoding_for(model).encode(text, disallowed_special=()))


def decode(tokens: list[int], model: str | None = None) -> str:
    return str(encoding_for(model).decode(tokens))


def count(text: str, model: str | None = None) -> int:
    return len(encode(text, model)) if text else 0


def message_text(content: Any) -> str:
    """The text of a message's content: a string or a list of parts."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for part in content:
            if isinstance(part, dict):
                text = part.get("text")
                if isinstance(text, dict):  # assistants-style {"text": {"value": ...}}
                    text = text.get("value")
                if isinstance(text, str):
                    texts.append(text)
                elif part.get("type") == "refusal" and isinstance(part.get("refusal"), str):
                    texts.append(part["refusal"])
        return "".join(texts)
    return str(content)


def chat_prompt_tokens(messages: list[dict[str, Any]], model: str | None, tools: list[Any] | None = None) -> int:
    total = REPLY_PRIMING
    for message in messages:
        total += TOKENS_PER_MESSAGE
        total += count(str(message.get("role", "")), model)
        total += count(message_text(message.get("content")), model)
        if message.get("name"):
            total += TOKENS_PER_NAME + count(str(message["name"]), model)
        for call in message.get("tool_calls") or []:
            function = call.get("function") or {}
            total += count(str(function.get("name", "")), model) + count(str(function.get("arguments", "")), model)
    if tools:
        # Tool definitions are billed as the model sees them; the JSON form is a close, stable stand-in.
        total += count(orjson.dumps(tools).decode(), model)
    return total
