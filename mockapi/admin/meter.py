"""What the fake served, metered for the Usage and Costs API: one record per successful billable request.

A response hook reads the usage the fake itself reported (the JSON body's ``usage``, or the stream event that
carries it) and appends a record to a time-ordered ledger, so reading usage back costs a binary search plus the
records in the window asked for. Records carry the fake's clock time, so a manual clock places them in buckets.
Batch lines run inside the fake and are not metered (``batch`` is always false). Choices: contracts/README.md
("Administration").
"""

from __future__ import annotations

import bisect
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
from starlette.responses import Response, StreamingResponse

from mockapi.admin.org import caller
from mockapi.context import RequestContext, UploadedFile
from mockapi.routing import Route

if TYPE_CHECKING:
    from mockapi.fake import Fake

# The ledger forgets its oldest half past this many records (a long-running server stays bounded).
MAX_RECORDS = 200_000


@dataclass(slots=True)
class Record:
    time: float
    kind: str  # the usage endpoint's name: completions, embeddings, images, ...
    project_id: str
    user_id: str | None
    api_key_id: str
    model: str | None
    counts: dict[str, int]
    service_tier: str | None = None
    size: str | None = None
    source: str | None = None
    batch: bool = False
    vector_store_id: str | None = None  # file search calls
    context_level: str | None = None  # web search calls

    def dimension(self, name: str) -> Any:
        return getattr(self, name)


@dataclass
class Ledger:
    records: list[Record] = field(default_factory=list)
    times: list[float] = field(default_factory=list)

    def add(self, record: Record) -> None:
        at = bisect.bisect_right(self.times, record.time)  # the end, unless a stream finished late
        self.records.insert(at, record)
        self.times.insert(at, record.time)
        if len(self.records) > MAX_RECORDS:
            del self.records[: MAX_RECORDS // 2], self.times[: MAX_RECORDS // 2]

    def window(self, start: float, end: float) -> list[Record]:
        """Records with start <= time < end."""
        return self.records[bisect.bisect_left(self.times, start): bisect.bisect_left(self.times, end)]

    def clear(self) -> None:
        self.records.clear()
        self.times.clear()


# An extractor turns a served request (its JSON answer, or None) into the record's kind, model and counts (or
# several records: a response that searched is also file or web search calls).
Extracted = tuple[str, str | None, dict[str, int], dict[str, Any]]
Extractor = Callable[[RequestContext, dict[str, Any]], "Extracted | list[Extracted] | None"]


def _chat(ctx: RequestContext, data: dict[str, Any]) -> Extracted:
    usage = data.get("usage") or {}
    prompt = usage.get("prompt_tokens")
    if prompt is None:  # a stream without stream_options.include_usage: the prompt, as the fake counts it
        prompt, output = _prompt_tokens(ctx), 0
    else:
        output = usage.get("completion_tokens") or 0
    details = usage.get("prompt_tokens_details") or {}
    out_details = usage.get("completion_tokens_details") or {}
    counts = {"input_tokens": prompt, "output_tokens": output,
              "input_cached_tokens": details.get("cached_tokens") or 0,
              "input_audio_tokens": details.get("audio_tokens") or 0,
              "output_audio_tokens": out_details.get("audio_tokens") or 0, "num_model_requests": 1}
    return "completions", _model(ctx, data), counts, {"service_tier": data.get("service_tier") or "default"}


def _responses(ctx: RequestContext, data: dict[str, Any]) -> list[Extracted]:
    usage = data.get("usage") or {}
    details = usage.get("input_tokens_details") or {}
    counts = {"input_tokens": usage.get("input_tokens") or _prompt_tokens(ctx),
              "output_tokens": usage.get("output_tokens") or 0,
              "input_cached_tokens": details.get("cached_tokens") or 0, "input_audio_tokens": 0,
              "output_audio_tokens": 0, "num_model_requests": 1}
    model = _model(ctx, data)
    return [("completions", model, counts, {"service_tier": data.get("service_tier") or "default"}),
            *_searches(ctx, data, model)]


def _searches(ctx: RequestContext, data: dict[str, Any], model: str | None) -> list[Extracted]:
    """The hosted searches a response made (its ``file_search_call`` and ``web_search_call`` output items).

    File search: one record per vector store of the request's ``file_search`` tool, each counting the calls (a
    call searches every store; chosen). Web search: one model request, its calls, at the tool's
    ``search_context_size`` (default ``medium``, the documented default).
    """
    output = data.get("output")
    if not isinstance(output, list):
        return []
    kinds = [item.get("type") for item in output if isinstance(item, dict)]
    files, webs = kinds.count("file_search_call"), kinds.count("web_search_call")
    if not files and not webs:
        return []
    body = ctx.body if isinstance(ctx.body, dict) else {}
    tools = [t for t in body.get("tools") or [] if isinstance(t, dict) and isinstance(t.get("type"), str)]
    found: list[Extracted] = []
    if files:
        tool = next((t for t in tools if t["type"] == "file_search"), {})
        stores = [s for s in tool.get("vector_store_ids") or [] if isinstance(s, str)] or [None]
        found += [("file_search_calls", None, {"num_requests": files}, {"vector_store_id": s}) for s in stores]
    if webs:
        tool = next((t for t in tools if t["type"].startswith("web_search")), {})
        level = tool.get("search_context_size") if isinstance(tool.get("search_context_size"), str) else "medium"
        found.append(("web_search_calls", model, {"num_model_requests": 1, "num_requests": webs},
                      {"context_level": level}))
    return found


def _decisions(ctx: RequestContext, data: dict[str, Any]) -> Extracted:
    usage = data.get("usage") or {}
    counts = {"input_tokens": usage.get("input_tokens") or 0, "output_tokens": usage.get("output_tokens") or 0,
              "input_cached_tokens": (usage.get("input_tokens_details") or {}).get("cached_tokens") or 0,
              "num_model_requests": 1}
    return "decisions", _model(ctx, data), counts, {"service_tier": "default"}


def _embeddings(ctx: RequestContext, data: dict[str, Any]) -> Extracted:
    used = (data.get("usage") or {}).get("prompt_tokens") or 0
    return "embeddings", _model(ctx, data), {"input_tokens": used, "num_model_requests": 1}, {}


def _moderations(ctx: RequestContext, data: dict[str, Any]) -> Extracted:
    # The moderation answer reports no usage: its text input, counted as the fake counts tokens.
    return "moderations", _model(ctx, data), {"input_tokens": _prompt_tokens(ctx), "num_model_requests": 1}, {}


def _images(source: str) -> Extractor:
    def extract(ctx: RequestContext, data: dict[str, Any]) -> Extracted:
        body = ctx.body if isinstance(ctx.body, dict) else {}
        pictures = data.get("data")
        count = len(pictures) if isinstance(pictures, list) else _int(body.get("n"), 1)
        size = data.get("size") or body.get("size") or "1024x1024"
        model = str(body.get("model") or "dall-e-2")
        return "images", model, {"images": count, "num_model_requests": 1}, {"size": size, "source": source}

    return extract


def _speech(ctx: RequestContext, data: dict[str, Any]) -> Extracted:
    body = ctx.body if isinstance(ctx.body, dict) else {}
    text = body.get("input")
    characters = len(text) if isinstance(text, str) else 0
    return "audio_speeches", _model(ctx, {}), {"characters": characters, "num_model_requests": 1}, {}


def _transcription(ctx: RequestContext, data: dict[str, Any]) -> Extracted:
    from mockapi.media.audio import probe_duration

    upload = ctx.body.get("file") if isinstance(ctx.body, dict) else None
    seconds = probe_duration(upload.data) if isinstance(upload, UploadedFile) else None
    counts = {"seconds": round(seconds or 0), "num_model_requests": 1}
    return "audio_transcriptions", _model(ctx, {}), counts, {}


def _container(ctx: RequestContext, data: dict[str, Any]) -> Extracted:
    # A container is the sandbox a code interpreter session runs in: one created is one session (chosen).
    return "code_interpreter_sessions", None, {"num_sessions": 1}, {}


METERED: dict[str, Extractor] = {
    "POST /chat/completions": _chat,
    "POST /completions": _chat,
    "POST /responses": _responses,
    "POST /decisions": _decisions,
    "POST /embeddings": _embeddings,
    "POST /moderations": _moderations,
    "POST /images/generations": _images("image.generation"),
    "POST /images/edits": _images("image.edit"),
    "POST /images/variations": _images("image.variation"),
    "POST /audio/speech": _speech,
    "POST /audio/transcriptions": _transcription,
    "POST /audio/translations": _transcription,
    "POST /containers": _container,
}


def _model(ctx: RequestContext, data: dict[str, Any]) -> str | None:
    model = data.get("model")
    if isinstance(model, str):
        return model
    body = ctx.body if isinstance(ctx.body, dict) else {}
    return str(body["model"]) if isinstance(body.get("model"), str) else None


def _prompt_tokens(ctx: RequestContext) -> int:
    from mockapi.ratelimit import estimate_tokens

    body = ctx.body if isinstance(ctx.body, dict) else {}
    model = body.get("model") if isinstance(body.get("model"), str) else None
    without_output = {k: v for k, v in body.items() if k not in ("max_tokens", "max_completion_tokens",
                                                                   "max_output_tokens")}
    return estimate_tokens(without_output, model)


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default


class Meter:
    def __init__(self, fake: Fake) -> None:
        self.fake = fake
        self.ledger = Ledger()

    def hook(self, ctx: RequestContext, route: Route | None, response: Response) -> Response:
        extract = METERED.get(route.name) if route is not None else None
        if extract is None or response.status_code != 200 or ctx.internal or ctx.fault is not None:
            return response
        at = self.fake.clock.now()
        if isinstance(response, StreamingResponse):
            response.body_iterator = self._tap(ctx, extract, at, response.body_iterator)
            return response
        data: dict[str, Any] = {}
        if response.media_type == "application/json":
            try:
                parsed = orjson.loads(bytes(response.body))
            except orjson.JSONDecodeError:
                parsed = None
            data = parsed if isinstance(parsed, dict) else {}
        self._record(ctx, extract, at, data)
        return response

    async def _tap(
        self, ctx: RequestContext, extract: Extractor, at: float, frames: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        """Pass a stream through; the event that carries ``usage`` (chat's last chunk, ``response.completed``)
        is parsed when the stream is over."""
        found: dict[str, Any] = {}
        async for chunk in frames:
            raw = chunk.encode() if isinstance(chunk, str) else chunk
            if b'"usage"' in raw:
                found = _usage_event(raw) or found
            yield chunk
        self._record(ctx, extract, at, found)

    def _record(self, ctx: RequestContext, extract: Extractor, at: float, data: dict[str, Any]) -> None:
        extracted = extract(ctx, data)
        if extracted is None:
            return
        who = caller(ctx)
        records = [Record(at, kind, who.project_id, who.user_id, who.api_key_id, model, counts, **extra)
                   for kind, model, counts, extra in (extracted if isinstance(extracted, list) else [extracted])]
        with self.fake.state.lock:
            for record in records:
                self.ledger.add(record)


def _usage_event(raw: bytes) -> dict[str, Any] | None:
    """The last ``data:`` payload in a frame with a usage object (a Responses event nests it in ``response``)."""
    found = None
    for line in raw.split(b"\n"):
        if line.startswith(b"data: ") and b'"usage"' in line:
            try:
                payload = orjson.loads(line[6:])
            except orjson.JSONDecodeError:
                continue
            if isinstance(payload, dict):
                inner = payload.get("response")
                found = inner if isinstance(inner, dict) and inner.get("usage") else payload
    return found


def install(fake: Fake) -> Meter:
    meter = Meter(fake)
    fake.services["meter"] = meter
    fake.dispatcher.response_hooks.append(meter.hook)
    fake.state.on_reset(meter.ledger.clear)
    return meter
