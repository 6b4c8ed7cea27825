"""The ``chat.completion.chunk`` stream of a generation (core.md §3.4).

Per choice: a first delta with the role (``content: ""`` and ``refusal: null``
for text; ``content: null, refusal: ""`` for a refusal; ``content: null`` plus
the first tool call's header for a tool call), then content / refusal pieces
of a few tokens, tool calls as a header (index, id, type, name, empty
arguments) followed by argument fragments, and a last empty delta with the
``finish_reason``. With ``n > 1`` choices interleave one delta per chunk. With
``stream_options.include_usage`` every chunk carries ``usage: null`` and an
extra chunk with no choices carries the usage, just before ``[DONE]``.

The SDK's accumulator (``lib/streaming/_deltas.py``) concatenates strings and
merges tool calls by ``index``, so the deltas reassemble exactly into the
non-streamed message built from the same ``Choice``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from mockapi.chat import render, text
from mockapi.chat import voice as voices
from mockapi.chat.render import Choice, Generation
from mockapi.chat.request import ChatRequest
from mockapi.streaming import DONE, SSEEvent

_OBFUSCATION_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_PAD_RNG = random.Random()  # filler needs no cryptographic quality; secrets cost 60% of a chunk

# (delta, logprobs, finish_reason) for one chunk of one choice
Step = tuple[dict[str, Any], dict[str, Any] | None, str | None]


def chunks(gen: Generation, req: ChatRequest) -> Iterator[SSEEvent]:
    plans = [choice_steps(choice, req) for choice in gen.choices]
    base = {
        "id": gen.id, "object": "chat.completion.chunk", "created": gen.created, "model": gen.model,
        "service_tier": gen.service_tier, "system_fingerprint": gen.fingerprint,
    }
    longest = max((len(p) for p in plans), default=0)
    for position in range(longest):
        for choice, plan in zip(gen.choices, plans, strict=True):
            if position < len(plan):
                delta, logprobs, finish = plan[position]
                entry = {"index": choice.index, "delta": delta, "logprobs": logprobs, "finish_reason": finish}
                yield SSEEvent(_chunk(base, [entry], req, None))
    if req.include_usage or gen.moderation is not None:
        # One last chunk without choices: the usage (when asked for) and the moderation results (when requested).
        usage = render.usage(gen.prompt_tokens, gen.completion_tokens, gen.reasoning_tokens, gen.audio_tokens)
        last = _chunk(base, [], req, usage)
        if gen.moderation is not None:
            last["moderation"] = gen.moderation
        yield SSEEvent(last)
    yield SSEEvent(DONE)


def _chunk(base: dict[str, Any], choices: list[dict[str, Any]], req: ChatRequest, usage: Any) -> dict[str, Any]:
    chunk = {**base, "choices": choices}
    if req.include_usage:
        chunk["usage"] = usage
    if req.include_obfuscation:
        chunk["obfuscation"] = obfuscation_pad()
    return chunk


def obfuscation_pad() -> str:
    # Random filler that hides chunk sizes (real streams vary its length the same way).
    return "".join(_PAD_RNG.choices(_OBFUSCATION_ALPHABET, k=_PAD_RNG.randint(1, 12)))


def choice_steps(choice: Choice, req: ChatRequest) -> list[Step]:
    steps: list[Step] = []
    want_logprobs = req.logprobs
    first: dict[str, Any] = {"role": "assistant"}
    if choice.audio is not None:  # a spoken answer: no content, the transcript and the sound in delta.audio
        first.update(content=None, refusal=None)
        steps.append((first, None, None))
        pieces = text.split_text(choice.audio["transcript"], req.model)
        steps += [({"audio": delta}, None, None) for delta in voices.stream_deltas(choice.audio, pieces)]
    elif choice.content is not None:
        first.update(content="", refusal=None)
        steps.append((first, {"content": [], "refusal": None} if want_logprobs else None, None))
        steps += _text_steps(choice, req, "content")
        if choice.refusal is not None:
            steps += _text_steps(choice, req, "refusal")
    elif choice.refusal is not None:
        first.update(content=None, refusal="")
        steps.append((first, {"content": None, "refusal": []} if want_logprobs else None, None))
        steps += _text_steps(choice, req, "refusal")
    elif not choice.tool_calls:
        first.update(content=None, refusal=None)
        steps.append((first, None, None))
    steps += _call_steps(choice, req)
    steps.append(({}, None, choice.finish_reason))
    return steps


def _text_steps(choice: Choice, req: ChatRequest, part: str) -> list[Step]:
    ids = choice.content_ids if part == "content" else choice.refusal_ids
    entries = None
    if req.logprobs:
        entries = render.content_logprobs(choice, req) if part == "content" else render.refusal_logprobs(choice, req)
    steps: list[Step] = []
    for piece, start, end in text.pieces(ids, req.model):
        logprobs = None
        if entries is not None:
            sliced = entries[start:end]
            logprobs = {"content": None, "refusal": None, part: sliced}
        steps.append(({part: piece}, logprobs, None))
    return steps


def _call_steps(choice: Choice, req: ChatRequest) -> list[Step]:
    steps: list[Step] = []
    for index, call in enumerate(choice.tool_calls):
        fragments = text.split_text(call.arguments, req.model)
        if choice.legacy_function:
            header: dict[str, Any] = {"function_call": {"name": call.name, "arguments": ""}}
            steps.append((header, None, None))
            steps += [({"function_call": {"arguments": f}}, None, None) for f in fragments]
            break
        header_call = {
            "index": index, "id": call.id, "type": "function", "function": {"name": call.name, "arguments": ""},
        }
        steps.append(({"tool_calls": [header_call]}, None, None))
        steps += [({"tool_calls": [{"index": index, "function": {"arguments": f}}]}, None, None) for f in fragments]
    if steps and choice.content is None and choice.refusal is None:
        # The first call rides on the role delta, as real tool-call streams start.
        role_step = (_merge_first(steps[0][0]), None, None)
        return [role_step, *steps[1:]]
    return steps


def _merge_first(delta: dict[str, Any]) -> dict[str, Any]:
    return {"role": "assistant", "content": None, **delta, "refusal": None}
