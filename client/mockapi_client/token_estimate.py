"""How many tokens a request will use, counted with the real tokenizer (``mockapi.tokens``, bpe-openai).

What the rate limiter reserves before sending: the exact prompt tokens plus the completion budget the
request allows (``max_completion_tokens`` / ``max_tokens`` times ``n``), as the real API counts a request
against its tokens-per-minute limit. Requests with no model input (files, lists, ...) cost 0 tokens.
``mockapi.tokens`` is imported on first use: importing the client stays light when no limiter counts tokens.
"""

from __future__ import annotations

from typing import Any


def estimate(path: str, body: Any) -> int:
    """Tokens to reserve for ``POST <path>`` with JSON ``body`` (``path`` without the ``/v1`` prefix)."""
    if not isinstance(body, dict):
        return 0
    model = body.get("model") if isinstance(body.get("model"), str) else None
    if path == "/chat/completions":
        prompt = chat_tokens(body.get("messages") or [], model, body.get("tools"))
        return prompt + _completion_budget(body, "max_completion_tokens", "max_tokens")
    if path == "/completions":
        return text_tokens(body.get("prompt"), model) + _completion_budget(body, "max_tokens")
    if path == "/embeddings":
        return text_tokens(body.get("input"), model)
    if path == "/moderations":
        return text_tokens(body.get("input"), model)
    return 0


def chat_tokens(messages: list[dict[str, Any]], model: str | None, tools: list[Any] | None = None) -> int:
    """Prompt tokens of a chat request, with the per-message overhead the API bills."""
    from mockapi import tokens

    return tokens.chat_prompt_tokens([m for m in messages if isinstance(m, dict)], model, tools)


def text_tokens(value: Any, model: str | None) -> int:
    """Tokens of a string, a list of strings, or already-tokenized input (lists of ints)."""
    from mockapi import tokens

    if isinstance(value, str):
        return tokens.count(value, model)
    if isinstance(value, list):
        if value and all(isinstance(v, int) for v in value):
            return len(value)
        return sum(text_tokens(v, model) for v in value)
    if isinstance(value, dict):  # multimodal moderation part
        return text_tokens(value.get("text"), model)
    return 0


def _completion_budget(body: dict[str, Any], *names: str) -> int:
    for name in names:
        value = body.get(name)
        if isinstance(value, int) and value > 0:
            n = body.get("n")
            return value * (n if isinstance(n, int) and n > 0 else 1)
    return 0
