"""``/decisions`` (openai-python 3.63.0 ``client.decisions``): typed answers to questions about one input; the
answers come from ``mockapi.decisions``. Newer than the pinned document: the overlay's ``paths`` describe it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from mockapi import decisions, errors, tokens
from mockapi.context import RequestContext
from mockapi.media import params
from mockapi.responder import Turn

if TYPE_CHECKING:
    from mockapi.fake import Fake

MODEL = "gpt-6-luna"  # "Only `gpt-6-luna` is supported." (the SDK)
IMAGE_TOKENS = 85  # per image part, whatever its size (chosen)
CALLS = {"function_call_output": "function_call", "custom_tool_call_output": "custom_tool_call"}


def install(fake: Fake) -> None:
    fake.router.add("POST", "/decisions", create)


def create(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    info = params.model(ctx.ns, body, ("chat", "reasoning"), "decisions")
    if info.id != MODEL and not info.id.startswith(MODEL + "-20"):
        raise errors.invalid_value("model", info.id, [MODEL])
    items = [{"role": "user", "content": body["input"]}] if isinstance(body["input"], str) else body["input"]
    _check_input(items)
    questions = body["questions"]
    _check_questions(questions)
    text, images = _text(items)
    reply = ctx.fake.responder.respond(Turn(surface="decisions", model=info.id, owner=ctx.owner,
                                            messages=[_user_text(items)]))  # fmt: skip
    scripted = list(reply.answers or [])
    answers = []
    for i, question in enumerate(questions):
        seed = decisions.seed_of(info.id, text, question)
        answers.append(decisions.answer(question, scripted[i] if i < len(scripted) else None, seed, f"questions[{i}]"))
    used = tokens.count(text, info.id) + images * IMAGE_TOKENS + sum(_question_tokens(q, info.id) for q in questions)
    return {"answers": answers, "model": info.id, "usage": {
        "input_tokens": used, "input_tokens_details": {"cache_write_tokens": 0, "cached_tokens": 0},
        "output_tokens": 0, "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": used,
    }}  # fmt: skip


def _check_input(items: list[dict[str, Any]]) -> None:
    """"Each tool output must identify a matching call by call ID." (the SDK; wording ours), and images are "a
    base64-encoded image in a data URL or a publicly accessible HTTP(S) image URL" (the shared URL check)."""
    made: dict[str, set[str]] = {"function_call": set(), "custom_tool_call": set()}
    for i, item in enumerate(items):
        for key in ("content", "output"):
            parts = item.get(key)
            for j, part in enumerate(parts if isinstance(parts, list) else []):
                if part.get("type") == "input_image":
                    params.check_image_url(part["image_url"], f"input[{i}].{key}[{j}].image_url")
        kind = item.get("type")
        if kind in made:
            made[kind].add(item["call_id"])
        elif kind in CALLS and item["call_id"] not in made[CALLS[kind]]:
            raise errors.invalid_request(
                f"No {CALLS[kind]} found for call_id '{item['call_id']}' before this {kind}.",
                param=f"input[{i}].call_id",
            )


def _check_questions(questions: list[dict[str, Any]]) -> None:
    """What the schema cannot say: names and choice values are unique (choices typed: "true" is not true),
    level labels too (wording ours)."""
    names: set[str] = set()
    for i, question in enumerate(questions):
        name = question.get("name")
        if name is not None:
            if name in names:
                raise errors.invalid_request(f"Duplicate question name '{name}'.", param=f"questions[{i}].name")
            names.add(name)
        seen: set[tuple[type, Any]] = set()
        for j, choice in enumerate(question.get("choices") or []):
            key = (type(choice["value"]), choice["value"])
            if key in seen:
                raise errors.invalid_request("Each choice must be unique.", param=f"questions[{i}].choices[{j}].value")
            seen.add(key)
        labels = [level["label"] for level in question.get("levels") or []]
        if len(set(labels)) != len(labels):
            raise errors.invalid_request("Each level label must be unique.", param=f"questions[{i}].levels")


def _text(items: list[dict[str, Any]]) -> tuple[str, int]:
    """All the input's text (JSON parts as compact JSON) and how many images it holds."""
    texts, images = [], 0
    for item in items:
        content = item.get("content", item.get("output", item.get("arguments", item.get("input", ""))))
        for part in [content] if isinstance(content, str) else content:
            if isinstance(part, str):
                texts.append(part)
            elif part.get("type") == "input_image":
                images += 1
            elif part.get("type") == "input_json":
                texts.append(orjson.dumps(part["data"]).decode())
            else:
                texts.append(part.get("text") or part.get("refusal") or "")
    return "\n".join(texts), images


def _user_text(items: list[dict[str, Any]]) -> dict[str, Any]:
    """What scripts match on: the last user message's text."""
    users = [item for item in items if item.get("role") == "user"]
    return {"role": "user", "content": _text(users[-1:])[0]}


def _question_tokens(question: dict[str, Any], model: str) -> int:
    parts = [question["instructions"]] if isinstance(question["instructions"], str) else question["instructions"]
    text = " ".join(p if isinstance(p, str) else str(p.get("text", "")) for p in parts)
    extra = " ".join(str(c["value"]) for c in question.get("choices") or []) + " ".join(
        level["label"] for level in question.get("levels") or [])
    return tokens.count(f"{text} {extra}", model) + 3
