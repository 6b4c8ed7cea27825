"""Request-level options of ``POST /responses`` newer than the pinned document (the official SDK's params).

The contract overlay checks their shape; here are their rules and what the response shows for them:
``image`` (the effective context compression), ``prompt_cache_options`` (echoed, with cache diagnostics
against ``comparison_response_id``), ``background_options`` (the discounted windows' preconditions) and
``access_programs`` (Daybreak needs an access no account of the fake has). Choices the SDK's docstrings leave
open are recorded in contracts/README.md.
"""

from __future__ import annotations

from typing import Any

from mockapi import errors, tokens
from mockapi.responses import items as item_store
from mockapi.responses import records
from mockapi.state import Namespace

# Response fields compared, in this order, to explain a prompt-cache miss (the SDK's CacheMiss reasons).
_CACHE_KEYS = (
    ("model", "model_changed"),
    ("prompt_cache_key", "prompt_cache_key_changed"),
    ("tools", "tools_changed"),
    ("text.format", "text_format_changed"),
    ("reasoning.effort", "reasoning_effort_changed"),
    ("text.verbosity", "verbosity_changed"),
    ("service_tier", "service_tier_changed"),
)


def echoed(body: dict[str, Any], context: list[dict[str, Any]]) -> dict[str, Any]:
    """The response fields these options add (none when none was sent); raises the API's 4xx for misuse."""
    fields = image(body, context)
    cache = body.get("prompt_cache_options")
    if isinstance(cache, dict):
        fields["prompt_cache_options"] = {
            "mode": cache.get("mode") or "implicit", "ttl": cache.get("ttl") or "30m",
            "comparison_response_id": cache.get("comparison_response_id"),
        }
    _check_background(body)
    programs = body.get("access_programs")
    if isinstance(programs, dict) and programs.get("cyber") is not None:
        fields["access_programs"] = {"cyber": _cyber(programs["cyber"])}
    return fields


def image(body: dict[str, Any], context: list[dict[str, Any]]) -> dict[str, Any]:
    """``{"image": {"context_compression": ...}}`` as applied, when the request set ``image`` (also on compact)."""
    option = body.get("image")
    if not isinstance(option, dict):
        return {}
    return {"image": {"context_compression": _compression(option.get("context_compression"), context)}}


def _compression(asked: str | None, context: list[dict[str, Any]]) -> str:
    """``auto`` picks by the input (the docstring: "uses the model, transport, and input"): on with pictures."""
    if asked in ("enabled", "disabled"):
        return asked
    pictures = any(
        isinstance(part, dict) and part.get("type") == "input_image"
        for item in context if isinstance(item.get("content"), list) for part in item["content"]
    )  # fmt: skip
    return "enabled" if pictures else "disabled"


def compact_threshold(body: dict[str, Any], context_window: int) -> int | None:
    """The token count past which this request compacts its context in-stream (``context_management``)."""
    entries = body.get("context_management") or []
    for i, entry in enumerate(entries):
        if entry.get("type") != "compaction":  # "Currently only 'compaction' is supported." (the SDK)
            raise errors.invalid_value(f"context_management[{i}].type", entry.get("type"), ["compaction"])
    if not entries:
        return None
    threshold = entries[0].get("compact_threshold")
    # No threshold given: 80% of the model's context window (chosen; the docs name no default).
    return int(threshold) if threshold is not None else int(context_window * 0.8)


def _check_background(body: dict[str, Any]) -> None:
    """The SDK: the ``2h`` and ``8h`` windows require ``background: true``, Standard processing, and no stream."""
    window = (body.get("background_options") or {}).get("completion_window")
    if window not in ("2h", "8h"):
        return
    param = "background_options.completion_window"
    if body.get("background") is not True:
        raise errors.APIError(400, f"The '{window}' completion window requires 'background' to be true.", param=param)
    if body.get("stream") is True:
        raise errors.APIError(400, f"The '{window}' completion window cannot be used with 'stream'.", param=param)
    if body.get("service_tier") not in (None, "auto", "default"):
        raise errors.APIError(
            400, f"The '{window}' completion window requires Standard processing ('service_tier' auto or default).",
            param=param,
        )


def _cyber(program: str) -> str:
    """Standard is open to all; Daybreak needs an authorization (the SDK: "return 403"), which no key here has."""
    if program == "standard":
        return program
    raise errors.APIError(
        403, f"Your organization does not have access to the '{program}' Cyber access program.",
        param="access_programs.cyber", code="access_program_unavailable",
    )


def cache_diagnostics(
    body: dict[str, Any], response: dict[str, Any], context: list[dict[str, Any]], ns: Namespace, now: float
) -> dict[str, Any] | None:
    """``prompt_cache_diagnostics`` against ``prompt_cache_options.comparison_response_id``, when one is given.

    The first setting that differs from the compared response explains the miss; otherwise the compared
    response's whole context (its input and output) must be a prefix of this one's for a hit.
    """
    compared_id = (body.get("prompt_cache_options") or {}).get("comparison_response_id")
    if not isinstance(compared_id, str):
        return None
    compared = records.find_response(ns, compared_id, now)
    if compared is None:
        return {"type": "comparison_response_not_found"}
    model = str(response["model"])
    for path, reason in _CACHE_KEYS:
        if _at(compared.body, path) != _at(response, path):
            return _miss(reason, context, 0, model)
    before = [_plain(item) for item in compared.context()]
    now_items = [_plain(item) for item in context]
    shared = 0
    while shared < min(len(before), len(now_items)) and before[shared] == now_items[shared]:
        shared += 1
    if shared == len(before):
        return {"type": "cache_hit"}
    return _miss("input_changed", context, shared, model, reusable=_tokens(compared.context()[:shared], model))


def _miss(
    reason: str, context: list[dict[str, Any]], shared: int, model: str, reusable: int | None = None
) -> dict[str, Any]:
    return {
        "type": "cache_miss", "reason": reason, "cache_missed_tokens": _tokens(context[shared:], model),
        "comparison_reusable_tokens": reusable,
    }


def _tokens(context: list[dict[str, Any]], model: str) -> int:
    return tokens.chat_prompt_tokens(item_store.to_chat(context), model, None) if context else 0


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    """An item as the model reads it: ids and statuses do not change the prompt."""
    return {k: v for k, v in item.items() if k not in ("id", "status")}


def _at(body: dict[str, Any], path: str) -> Any:
    node: Any = body
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    return node
