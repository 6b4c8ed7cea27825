"""Legacy ``POST /completions`` (gpt-3.5-turbo-instruct, davinci-002, babbage-002 and their fine-tunes).

One responder turn per prompt and choice (``surface="completions"``; the
prompt is the turn's user message). ``max_tokens`` defaults to 16 as in the
real API, so the default reply is often cut (``finish_reason: "length"``).
``echo`` puts the prompt in front of the text, ``suffix`` only counts as
prompt, ``logprobs: k`` gives tokens, offsets and the top ``k`` alternatives.
Streams are ``text_completion`` objects as ``data:`` frames, then ``[DONE]``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from mockapi import catalog, errors, tokens
from mockapi.catalog import ModelInfo
from mockapi.chat import text
from mockapi.chat.render import reply_error
from mockapi.chat.request import check_logit_bias
from mockapi.context import RequestContext
from mockapi.ids import new_id
from mockapi.responder import Responder, Turn
from mockapi.streaming import DONE, EventStream, SSEEvent

DEFAULT_MAX_TOKENS = 16


@dataclass
class CompletionRequest:
    model: str
    info: ModelInfo
    prompts: list[str]
    prompt_ids: list[list[int]]  # each prompt's tokens: as sent for token-array prompts (decoding may not round-trip)
    max_tokens: int
    n: int = 1
    stop: list[str] = field(default_factory=list)
    echo: bool = False
    suffix: str | None = None
    logprobs: int | None = None
    seed: int | None = None
    stream: bool = False
    include_usage: bool = False


@dataclass
class TextChoice:
    index: int
    prompt: str
    ids: list[int]  # the returned text's tokens (prompt tokens first when echo)
    text: str
    text_offsets: list[int]
    finish_reason: str
    completion_tokens: int


def create(ctx: RequestContext) -> dict[str, Any] | EventStream:
    req = parse(ctx)
    completion_id, created = new_id("cmpl-"), ctx.now
    choices = generate(req, ctx.fake.responder, ctx.owner)
    prompt_tokens = sum(len(ids) for ids in req.prompt_ids)
    prompt_tokens += tokens.count(req.suffix or "", req.model) * len(req.prompts)
    completion_tokens = sum(c.completion_tokens for c in choices)
    # Legacy usage has no token details (spec example, real captures).
    totals = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
              "total_tokens": prompt_tokens + completion_tokens}
    base = {"id": completion_id, "object": "text_completion", "created": created, "model": req.info.echo}
    if req.stream:
        return EventStream(_chunks(base, choices, req, totals))
    return {
        **base,
        "choices": [_choice_body(c, req, c.text, c.ids, 0) | {"finish_reason": c.finish_reason} for c in choices],
        "usage": totals,
    }


# -- request -------------------------------------------------------------------------------------


def parse(ctx: RequestContext) -> CompletionRequest:
    body = ctx.body if isinstance(ctx.body, dict) else {}
    model = body.get("model")
    if not isinstance(model, str):
        raise errors.invalid_request("you must provide a model parameter")
    parsed = _prompts(body.get("prompt", "<|endoftext|>"), model)
    prompts, prompt_ids = [said for said, _ in parsed], [ids for _, ids in parsed]
    info = catalog.lookup(ctx.ns, model)
    if info is None:
        raise errors.model_not_found(model)
    if info.kind != "completion":
        raise errors.APIError(
            404, "This is a chat model and not supported in the v1/completions endpoint. Did you mean to use "
            "v1/chat/completions?", param="model",
        )
    stop = body.get("stop")
    req = CompletionRequest(
        model=model, info=info, prompts=prompts, prompt_ids=prompt_ids, max_tokens=DEFAULT_MAX_TOKENS,
        n=_int(body, "n", 1), stop=[stop] if isinstance(stop, str) else [s for s in stop or [] if isinstance(s, str)],
        echo=body.get("echo") is True, suffix=body.get("suffix") if isinstance(body.get("suffix"), str) else None,
        logprobs=_int(body, "logprobs", None), seed=_int(body, "seed", None), stream=body.get("stream") is True,
    )
    options = body.get("stream_options")
    if options is not None and not req.stream:
        raise errors.APIError(
            400, "The 'stream_options' parameter is only allowed when 'stream' is enabled.", param="stream_options"
        )
    req.include_usage = isinstance(options, dict) and bool(options.get("include_usage"))
    check_logit_bias(body.get("logit_bias"), info)
    _limits(body, req)
    return req


def _int(body: dict[str, Any], name: str, default: int | None) -> Any:
    value = body.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise errors.invalid_type(name, "an integer", value)
    return value


def _prompts(prompt: Any, model: str) -> list[tuple[str, list[int]]]:
    """The prompt forms (a string, strings, token ids, or lists of token ids) as each prompt's text and tokens."""
    if isinstance(prompt, str):
        return [(prompt, tokens.encode(prompt, model))]
    if isinstance(prompt, list) and prompt and all(isinstance(p, int) and not isinstance(p, bool) for p in prompt):
        return [_checked_ids(prompt, model)]
    if isinstance(prompt, list) and prompt:
        out = []
        for item in prompt:
            if isinstance(item, str):
                out.append((item, tokens.encode(item, model)))
            elif isinstance(item, list) and all(isinstance(p, int) and not isinstance(p, bool) for p in item):
                out.append(_checked_ids(item, model))
            else:
                break
        else:
            return out
    raise errors.APIError(
        400, "Invalid type for 'prompt': expected one of a string, array of strings, array of integers, or array "
        "of arrays of integers.", param="prompt", code="invalid_type",
    )


def _checked_ids(ids: list[int], model: str) -> tuple[str, list[int]]:
    try:
        return text.decode(ids, model), ids
    except Exception:
        raise errors.invalid_request("Invalid token in prompt.", param="prompt") from None


def _limits(body: dict[str, Any], req: CompletionRequest) -> None:
    if req.n < 1 or req.n > 128:
        raise errors.APIError(
            400, f"Invalid 'n': integer {'below minimum' if req.n < 1 else 'above maximum'} value. Expected a "
            f"value {'>= 1' if req.n < 1 else '<= 128'}, but got {req.n} instead.", param="n",
            code="integer_below_min_value" if req.n < 1 else "integer_above_max_value",
        )
    if len(req.stop) > 4:
        raise errors.APIError(
            400, f"Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with "
            f"length {len(req.stop)} instead.", param="stop", code="array_above_max_length",
        )
    longest = max(len(ids) for ids in req.prompt_ids) + tokens.count(req.suffix or "", req.model)
    limit = req.info.context
    if "max_tokens" in body and body["max_tokens"] is None:
        req.max_tokens = max(limit - longest, 0)  # null: as long as the context allows
        return
    req.max_tokens = _int(body, "max_tokens", DEFAULT_MAX_TOKENS)
    if req.max_tokens < 0:
        raise errors.APIError(
            400, f"Invalid 'max_tokens': integer below minimum value. Expected a value >= 0, but got "
            f"{req.max_tokens} instead.", param="max_tokens", code="integer_below_min_value",
        )
    if longest + req.max_tokens > limit:
        raise errors.APIError(
            400, f"This model's maximum context length is {limit} tokens, however you requested "
            f"{longest + req.max_tokens} tokens ({longest} in your prompt; {req.max_tokens} for the completion). "
            "Please reduce your prompt; or completion length.", param="messages",
            code="context_length_exceeded",
        )


# -- generation ----------------------------------------------------------------------------------


def generate(req: CompletionRequest, responder: Responder, owner: str) -> list[TextChoice]:
    choices = []
    for p, (prompt, prompt_ids) in enumerate(zip(req.prompts, req.prompt_ids, strict=True)):
        turn = Turn(surface="completions", model=req.model, messages=[{"role": "user", "content": prompt}],
                    seed=req.seed, owner=owner)
        for j in range(req.n):
            reply = responder.respond(turn)
            if reply.error:
                raise reply_error(reply.error)
            choices.append(_shape(reply.text or "", reply.finish_reason, prompt, prompt_ids, req, p * req.n + j))
    return choices


def _shape(
    said: str, forced: str | None, prompt: str, prompt_ids: list[int], req: CompletionRequest, index: int
) -> TextChoice:
    said, _ = text.cut_at_stop(said, req.stop)
    said, ids, cut = text.truncate(said, req.max_tokens, req.model)
    finish = "length" if cut else forced if forced in ("stop", "length", "content_filter") else "stop"
    if req.max_tokens == 0:
        finish = "length"
    generated = req.max_tokens if cut else len(ids)
    if req.echo:
        ids = prompt_ids + ids
        said = prompt + said
    return TextChoice(
        index=index, prompt=prompt, ids=ids, text=said, text_offsets=_offsets(ids, req.model),
        finish_reason=finish, completion_tokens=generated,
    )


def _offsets(ids: list[int], model: str) -> list[int]:
    """Character offset of each token in the text (real ``text_offset``)."""
    encoding = tokens.encoding_for(model)
    offsets, consumed = [], b""
    for token in ids:
        offsets.append(len(consumed.decode("utf-8", "ignore")))
        consumed += encoding.decode_single_token_bytes(token)
    return offsets


def _logprobs(choice: TextChoice, req: CompletionRequest, start: int, end: int) -> dict[str, Any] | None:
    if req.logprobs is None:
        return None
    entries = text.token_logprobs(choice.ids, req.model, req.logprobs, f"{req.model}|{req.seed}|{choice.index}")
    part = entries[start:end]
    return {
        "tokens": [e["token"] for e in part],
        "token_logprobs": [e["logprob"] for e in part],
        "top_logprobs": [{alt["token"]: alt["logprob"] for alt in e["top_logprobs"]} for e in part],
        "text_offset": choice.text_offsets[start:end],
    }


def _choice_body(choice: TextChoice, req: CompletionRequest, piece: str, ids: list[int], start: int) -> dict[str, Any]:
    return {
        "text": piece,
        "index": choice.index,
        "logprobs": _logprobs(choice, req, start, start + len(ids)),
        "finish_reason": None,
    }


def _chunks(base: dict[str, Any], choices: list[TextChoice], req: CompletionRequest, totals: dict[str, Any]
            ) -> Iterator[SSEEvent]:
    plans = [_choice_pieces(c, req) for c in choices]
    for position in range(max((len(p) for p in plans), default=0)):
        for plan in plans:
            if position < len(plan):
                yield SSEEvent({**base, "choices": [plan[position]]})
    if req.include_usage:
        yield SSEEvent({**base, "choices": [], "usage": totals})
    yield SSEEvent(DONE)


def _choice_pieces(choice: TextChoice, req: CompletionRequest) -> list[dict[str, Any]]:
    out = [_choice_body(choice, req, piece, choice.ids[start:end], start)
           for piece, start, end in text.pieces(choice.ids, req.model)]
    # The last chunk of a choice carries its finish_reason with empty text.
    out.append({"text": "", "index": choice.index, "logprobs": None, "finish_reason": choice.finish_reason})
    return out
