"""From the responder's ``Reply`` to a ``chat.completion`` (core.md §3.3).

``generate`` asks the responder once per choice and shapes every reply into a
``Choice``: stop sequences cut the text, the token limit truncates it
(``finish_reason: "length"``, ``completion_tokens`` equal to the limit), tool
calls become ``tool_calls`` (or a legacy ``function_call``). The streaming
producer slices the very same ``Choice`` objects, so both forms agree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from mockapi import errors, moderated, reasoning, tokens, websearch
from mockapi.chat import text
from mockapi.chat import voice as voices
from mockapi.chat.request import ChatRequest
from mockapi.chat.voice import Voice
from mockapi.ids import new_id
from mockapi.responder import Reply, Responder, ToolCall

FINISH_REASONS = ("stop", "length", "tool_calls", "content_filter", "function_call")


@dataclass
class Choice:
    index: int
    content: str | None
    refusal: str | None
    tool_calls: list[ToolCall]
    finish_reason: str
    completion_tokens: int  # reasoning tokens included, as on the real API
    content_ids: list[int] = field(default_factory=list)
    refusal_ids: list[int] = field(default_factory=list)
    annotations: list[dict[str, Any]] = field(default_factory=list)
    legacy_function: bool = False
    reasoning_tokens: int = 0
    audio: dict[str, Any] | None = None  # message.audio of a spoken answer (content is then null)
    audio_tokens: int = 0  # included in completion_tokens


@dataclass
class Generation:
    """Everything one request produced; rendered whole or as chunks."""

    id: str
    created: int
    model: str  # the snapshot responses echo
    fingerprint: str
    service_tier: str
    choices: list[Choice]
    prompt_tokens: int
    moderation: dict[str, Any] | None = None  # {input, output} when moderation was requested

    @property
    def completion_tokens(self) -> int:
        return sum(c.completion_tokens for c in self.choices)

    @property
    def reasoning_tokens(self) -> int:
        return sum(c.reasoning_tokens for c in self.choices)

    @property
    def audio_tokens(self) -> int:
        return sum(c.audio_tokens for c in self.choices)


def generate(req: ChatRequest, responder: Responder, owner: str, now: int) -> Generation:
    turn = req.turn(owner)
    choices = []
    for index in range(req.n):
        scripted = responder.peek(turn) is not None
        reply = responder.respond(turn)
        if reply.error:
            raise reply_error(reply.error)
        if req.info.web_search and not scripted:
            reply = _searched(reply, turn.last_user_text)
        choices.append(shape(reply, req, index))
    if req.voice is not None:
        for choice in choices:
            _speak(choice, req.voice, now)
    return Generation(
        id=new_id("chatcmpl-"), created=now, model=req.echo_model, fingerprint=fingerprint(req.echo_model),
        service_tier=req.service_tier, choices=choices, prompt_tokens=req.prompt_tokens(),
    )


def under_moderation(
    req: ChatRequest, moderator: moderated.Moderator, now: int, answer: Callable[[], Generation]
) -> Generation:
    """A generation under a ``moderation`` policy: a blocked input is not answered, a blocked output is withheld;
    either way the choice ends with ``content_filter`` (the documented meaning of that finish reason)."""
    asked = [m for m in req.messages if m.get("role") in ("system", "developer", "user")]
    verdicts_in = [moderator.judge(*moderated.contents([message])) for message in asked]
    if moderator.policy.block_input and any(moderated.flagged(v) for v in verdicts_in):
        gen = Generation(
            id=new_id("chatcmpl-"), created=now, model=req.echo_model,
            fingerprint=fingerprint(req.echo_model), service_tier=req.service_tier,
            choices=[Choice(i, None, None, [], "content_filter", 0) for i in range(req.n)],
            prompt_tokens=req.prompt_tokens(),
        )
    else:
        gen = answer()
    verdicts_out = [moderator.judge(choice.content or "") for choice in gen.choices]
    for choice, verdict in zip(gen.choices, verdicts_out, strict=True):
        if moderator.policy.block_output and moderated.flagged(verdict):
            choice.content, choice.content_ids, choice.annotations = None, [], []
            choice.finish_reason = "content_filter"
    gen.moderation = {"input": _results(verdicts_in), "output": _results(verdicts_out)}
    return gen


def _results(verdicts: list[dict[str, Any]]) -> dict[str, Any]:
    failed = next((v for v in verdicts if v.get("type") == "error"), None)
    if failed is not None:
        return failed
    model = verdicts[0]["model"] if verdicts else ""
    return {"type": "moderation_results", "model": model, "results": verdicts}


def _speak(choice: Choice, voice: Voice, now: int) -> None:
    """A spoken answer: the text becomes the audio's transcript; content is null (the real message shape)."""
    if choice.content is None or choice.tool_calls:
        return
    choice.audio = voices.message_audio(choice.content, voice, now)
    choice.audio_tokens = voices.tokens_for(choice.content)
    choice.completion_tokens += choice.audio_tokens
    choice.content, choice.annotations = None, []


def _searched(reply: Reply, said: str) -> Reply:
    """A search model's default answer cites the (made-up) page it found, as real search models cite theirs."""
    if not reply.text or reply.tool_calls or reply.annotations:
        return reply
    text, spans = websearch.cite(reply.text, websearch.pages_for(" ".join(said.split())[:80], None))
    cited = [
        {"type": "url_citation", "url_citation": {"start_index": start, "end_index": end, "url": page.url,
                                                  "title": page.title}}
        for start, end, page in spans
    ]  # fmt: skip
    return replace(reply, text=text, annotations=cited)


def fingerprint(model: str) -> str:
    """``fp_`` + 10 hex, stable per model (a backend configuration, as the real field means)."""
    return "fp_" + hashlib.sha256(f"mockapi|{model}".encode()).hexdigest()[:10]


def reply_error(error: dict[str, Any]) -> errors.APIError:
    """A scripted ``{"error": {code, message}}`` fails the request like the real service would."""
    code = error.get("code") or "server_error"
    message = error.get("message") or "The server had an error while processing your request. Sorry about that!"
    if code == "rate_limit_exceeded":
        return errors.APIError(429, message, type="requests", code=code)
    if code in ("server_error", "internal_error"):
        return errors.APIError(500, message, type="server_error")
    return errors.APIError(400, message, code=code)


# -- shaping one reply ---------------------------------------------------------------------------


def shape(reply: Reply, req: ChatRequest, index: int) -> Choice:
    model = req.model
    thinking = reasoning.tokens(req.info, req.reasoning_effort, reply.reasoning_tokens)
    if req.max_tokens is not None and thinking >= req.max_tokens:
        # The limit went on reasoning: no visible output, content "" (not null) and finish_reason "length".
        return Choice(index=index, content="", refusal=None, tool_calls=[], finish_reason="length",
                      completion_tokens=req.max_tokens, reasoning_tokens=req.max_tokens)  # fmt: skip
    calls = _calls_for(reply, req)
    budget = None if req.max_tokens is None else req.max_tokens - thinking
    content, content_ids, cut = _shape_text(reply.text, req, budget)
    used = len(content_ids)
    refusal, refusal_ids, refusal_cut = _shape_text(reply.refusal, req, None if budget is None else budget - used)
    used += len(refusal_ids)
    truncated = cut or refusal_cut
    call_tokens = 0
    if calls:
        calls, call_tokens, calls_cut = shape_calls(calls, model, None if budget is None else budget - used)
        truncated = truncated or calls_cut
    used += call_tokens
    if truncated:
        finish = "length"
        used = budget or 0
    elif reply.finish_reason in FINISH_REASONS:
        finish = reply.finish_reason
    elif calls:
        finish = "function_call" if req.legacy_functions else "tool_calls"
    else:
        finish = "stop"
    used += thinking
    return Choice(
        index=index, content=content, refusal=refusal, tool_calls=calls, finish_reason=finish,
        completion_tokens=used, content_ids=content_ids, refusal_ids=refusal_ids,
        annotations=[a for a in reply.annotations if _fits(a, content)],
        legacy_function=req.legacy_functions and bool(calls),
        reasoning_tokens=thinking,
    )


def _fits(annotation: dict[str, Any], content: str | None) -> bool:
    """A citation of text the token limit cut away goes with it."""
    span = annotation.get("url_citation")
    return not isinstance(span, dict) or span.get("end_index", 0) <= len(content or "")


def _calls_for(reply: Reply, req: ChatRequest) -> list[ToolCall]:
    # code_interpreter / file_search calls have no chat form; custom calls have none in a stream (the chunk's
    # tool call is function-only, in the document and the SDK)
    kinds = ("function",) if req.stream else ("function", "custom")
    calls = [c for c in reply.tool_calls if c.type in kinds]
    if calls and (req.legacy_functions or not req.parallel_tool_calls):
        calls = calls[:1]  # one call per turn: legacy functions and parallel_tool_calls=false
    return calls


def _shape_text(value: str | None, req: ChatRequest, budget: int | None) -> tuple[str | None, list[int], bool]:
    if value is None:
        return None, [], False
    value, _ = text.cut_at_stop(value, req.stop)
    if budget is None:
        return value, tokens.encode(value, req.model) if value else [], False
    shaped, ids, cut = text.truncate(value, max(budget, 0), req.model)
    return shaped, ids, cut


def shape_calls(calls: list[ToolCall], model: str, budget: int | None) -> tuple[list[ToolCall], int, bool]:
    """Calls within the token budget; a call cut short keeps its name and a prefix of its arguments."""
    kept: list[ToolCall] = []
    used = 0
    for call in calls:
        name_cost = tokens.count(call.name, model)
        field_name = "input" if call.type == "custom" else "arguments"  # what the model writes for the call
        argument_ids = tokens.encode(getattr(call, field_name) or "", model)
        if budget is not None and used + name_cost + len(argument_ids) > budget:
            room = budget - used - name_cost
            if room >= 0:
                kept.append(replace(call, **{field_name: text.decode(argument_ids[:room], model)}))
            return kept, budget, True
        used += name_cost + len(argument_ids)
        kept.append(call)
    return kept, used, False


# -- the chat.completion body --------------------------------------------------------------------


def completion_body(gen: Generation, req: ChatRequest) -> dict[str, Any]:
    return {
        "id": gen.id,
        "object": "chat.completion",
        "created": gen.created,
        "model": gen.model,
        "choices": [choice_body(c, req) for c in gen.choices],
        "usage": usage(gen.prompt_tokens, gen.completion_tokens, gen.reasoning_tokens, gen.audio_tokens),
        "service_tier": gen.service_tier,
        "system_fingerprint": gen.fingerprint,
        **({"moderation": gen.moderation} if gen.moderation is not None else {}),
    }


def choice_body(choice: Choice, req: ChatRequest) -> dict[str, Any]:
    return {
        "index": choice.index,
        "message": message_body(choice),
        "logprobs": logprobs_body(choice, req) if req.logprobs else None,
        "finish_reason": choice.finish_reason,
    }


def message_body(choice: Choice) -> dict[str, Any]:
    message: dict[str, Any] = {
        "role": "assistant", "content": choice.content, "refusal": choice.refusal, "annotations": choice.annotations,
    }
    if choice.audio is not None:
        message["audio"] = choice.audio
    if choice.legacy_function:
        call = choice.tool_calls[0]
        message["function_call"] = {"name": call.name, "arguments": call.arguments}
    elif choice.tool_calls:
        message["tool_calls"] = [tool_call_body(c) for c in choice.tool_calls]
    return message


def tool_call_body(call: ToolCall) -> dict[str, Any]:
    if call.type == "custom":
        return {"id": call.id, "type": "custom", "custom": {"name": call.name, "input": call.input or ""}}
    return {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": call.arguments}}


def logprobs_body(choice: Choice, req: ChatRequest) -> dict[str, Any]:
    return {
        "content": content_logprobs(choice, req) if choice.content is not None else None,
        "refusal": refusal_logprobs(choice, req) if choice.refusal is not None else None,
    }


def content_logprobs(choice: Choice, req: ChatRequest) -> list[dict[str, Any]]:
    return text.token_logprobs(choice.content_ids, req.model, req.top_logprobs, _salt(req, choice, "content"))


def refusal_logprobs(choice: Choice, req: ChatRequest) -> list[dict[str, Any]]:
    return text.token_logprobs(choice.refusal_ids, req.model, req.top_logprobs, _salt(req, choice, "refusal"))


def _salt(req: ChatRequest, choice: Choice, part: str) -> str:
    return f"{req.model}|{req.seed}|{choice.index}|{part}"


def usage(prompt: int, completion: int, reasoning_tokens: int = 0, audio_tokens: int = 0) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": reasoning_tokens, "audio_tokens": audio_tokens, "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }
