"""``/audio/speech``, ``/audio/transcriptions``, ``/audio/translations`` (core.md §7).

Speech is real audio (mockapi.media.audio) in the requested format, produced
while the body streams out (outside the state lock, so long inputs never stall
other requests), or as ``speech.audio.delta`` events. Transcripts come from
mockapi.media.transcripts: scripts, the text of speech this fake made, or a
deterministic default, in every response format, streamed for models that stream.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from starlette.responses import Response, StreamingResponse

from mockapi import errors, tokens
from mockapi.catalog import ModelInfo
from mockapi.context import RequestContext, UploadedFile
from mockapi.media import audio, params
from mockapi.media import transcripts as tx
from mockapi.resources.voices import custom_voice
from mockapi.state import Namespace
from mockapi.streaming import EventStream, SSEEvent

if TYPE_CHECKING:
    from mockapi.fake import Fake

VOICES = ["alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse", "marin", "cedar", "fable", "onyx",
          "nova"]
LEGACY_VOICES = ["alloy", "ash", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer"]  # tts-1, tts-1-hd
SPEECH_FORMATS = ["mp3", "opus", "aac", "flac", "wav", "pcm"]
MAX_SPEECH_INPUT = 4096
CHUNK = 64 * 1024
# Speech output tokens for the SSE usage: an estimate (no published rate), per second of audio.
SPEECH_TOKENS_PER_SECOND = 20

UPLOAD_FORMATS = ["flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm"]
MAX_UPLOAD = 26_214_400  # 25 MB
MIN_AUDIO_SECONDS = 0.1
TRANSCRIPTION_FORMATS = ["json", "text", "srt", "verbose_json", "vtt", "diarized_json"]
TRANSLATION_FORMATS = ["json", "text", "srt", "verbose_json", "vtt"]


def install(fake: Fake) -> None:
    service = tx.TranscriptionService()
    fake.services["transcriptions"] = service
    fake.state.on_reset(service.clear)
    fake.router.add("POST", "/audio/speech", speech)
    fake.router.add("POST", "/audio/transcriptions", transcribe, body="multipart")
    fake.router.add("POST", "/audio/translations", translate, body="multipart")
    fake.control.add("GET", "/transcriptions", lambda f, b, q: {"object": "list", "data": service.scripts()})
    fake.control.add("POST", "/transcriptions", lambda f, b, q: {"id": script_from_json(service, b)})
    fake.control.add("DELETE", "/transcriptions", lambda f, b, q: service.clear() or {"cleared": True})
    fake.control.add(
        "DELETE", "/transcriptions/{script_id}", lambda f, b, q: {"deleted": service.remove(q["script_id"])}
    )


def script_from_json(service: tx.TranscriptionService, body: dict[str, Any]) -> str:
    """``{"text", "turns"?, "language"?, "match": {"filename"|"model"|"task"|"audio_sha256"}, "times"?}`` -> id."""
    match = body.get("match") or {}
    if not isinstance(match, dict):
        raise ValueError("match must be an object")
    unknown = set(match) - {"filename", "model", "task", "audio_sha256"}
    if unknown:
        raise ValueError(f"unknown match keys: {sorted(unknown)}")
    return service.script(body.get("text"), turns=body.get("turns"), language=body.get("language") or "english",
                          times=body.get("times"), **match)


# -- speech ------------------------------------------------------------------------------------------


def speech(ctx: RequestContext) -> Response | EventStream:
    body = ctx.body
    text = params.required_text(body, "input")
    info = params.model(ctx.ns, body, ("tts",), "audio/speech")
    if len(text) > MAX_SPEECH_INPUT:
        raise errors.string_too_long("input", MAX_SPEECH_INPUT, len(text))
    legacy = info.id.startswith("tts-1")
    voice = _voice(ctx.ns, body.get("voice"), legacy)
    fmt = params.text(body, "response_format") or "mp3"
    params.check_enum("response_format", fmt, SPEECH_FORMATS)
    speed = params.number(body, "speed", 1.0) or 1.0
    params.check_range("speed", speed, 0.25, 4.0, integer_=False)
    instructions = params.text(body, "instructions")
    if instructions is not None and legacy:
        raise params.unsupported_parameter("instructions")
    if instructions is not None and len(instructions) > MAX_SPEECH_INPUT:
        raise errors.string_too_long("instructions", MAX_SPEECH_INPUT, len(instructions))
    stream_format = params.text(body, "stream_format") or "audio"
    params.check_enum("stream_format", stream_format, ["sse", "audio"])
    if stream_format == "sse" and legacy:
        raise params.unsupported_value("stream_format", "sse")
    service: tx.TranscriptionService = ctx.fake.services["transcriptions"]

    def produce() -> bytes:  # runs while the response streams, outside the state lock
        data = audio.speech(text, voice, speed, fmt)
        service.remember_speech(data, text)
        return data

    if stream_format == "sse":
        prompt_tokens = tokens.count(text, "gpt-4o") + tokens.count(instructions or "", "gpt-4o")
        output_tokens = math.ceil(audio.duration_for(text, speed) * SPEECH_TOKENS_PER_SECOND)
        return EventStream(_speech_events(produce, prompt_tokens, output_tokens))
    return StreamingResponse(_chunks(produce), media_type=audio.CONTENT_TYPES[fmt])


def _voice(ns: Namespace, raw: Any, legacy: bool) -> str:
    if raw is None:
        raise errors.missing_parameter("voice")
    if isinstance(raw, dict):
        return custom_voice(ns, raw, "voice.id")  # one of the caller's voices (POST /audio/voices)
    if not isinstance(raw, str):
        raise params.invalid_type("voice", "a string or an object", raw)
    supported = LEGACY_VOICES if legacy else VOICES
    if raw not in supported:
        raise errors.invalid_value("voice", raw, supported)
    return raw


def _chunks(produce: Any) -> Iterator[bytes]:
    data = produce()
    for start in range(0, len(data), CHUNK):
        yield data[start:start + CHUNK]


def _speech_events(produce: Any, prompt_tokens: int, output_tokens: int) -> Iterator[SSEEvent]:
    for chunk in _chunks(produce):
        yield SSEEvent({"type": "speech.audio.delta", "audio": base64.b64encode(chunk).decode("ascii")})
    usage = {"input_tokens": prompt_tokens, "output_tokens": output_tokens,
             "total_tokens": prompt_tokens + output_tokens}
    yield SSEEvent({"type": "speech.audio.done", "usage": usage})


# -- transcriptions and translations ---------------------------------------------------------------


def transcribe(ctx: RequestContext) -> dict[str, Any] | Response | EventStream:
    return _recognize(ctx, "transcribe")


def translate(ctx: RequestContext) -> dict[str, Any] | Response | EventStream:
    return _recognize(ctx, "translate")  # whisper-1 only, so it never streams


def _recognize(ctx: RequestContext, task: str) -> dict[str, Any] | Response | EventStream:
    body = ctx.body
    upload = _upload(body)
    endpoint = "audio/translations" if task == "translate" else "audio/transcriptions"
    info = params.model(ctx.ns, body, ("transcription",), endpoint)
    whisper = info.id.startswith("whisper")
    diarize = "diarize" in info.id
    if task == "translate" and not whisper:
        raise errors.invalid_value("model", info.id, ["whisper-1"])
    fmt = params.text(body, "response_format") or "json"
    params.check_enum("response_format", fmt, TRANSLATION_FORMATS if task == "translate" else TRANSCRIPTION_FORMATS)
    _check_format_for_model(fmt, info, whisper, diarize)
    language = params.text(body, "language")
    _check_language(language, "language")
    # gpt-transcribe's hints (SDK 3.54): checked, and otherwise without effect on the made-up transcript.
    for i, hint in enumerate(params.as_list(params.field(body, "languages"))):
        _check_language(str(hint), f"languages[{i}]")
    params.check_range("temperature", params.number(body, "temperature"), 0, 1, integer_=False)
    granularities = [str(g) for g in params.as_list(params.field(body, "timestamp_granularities"))]
    for i, granularity in enumerate(granularities):
        params.check_enum(f"timestamp_granularities[{i}]", granularity, ["word", "segment"])
    include = [str(i) for i in params.as_list(params.field(body, "include"))]
    for i, item in enumerate(include):
        params.check_enum(f"include[{i}]", item, ["logprobs"])
    duration = _duration(upload)
    if diarize and duration > 30 and body.get("chunking_strategy") is None:
        raise errors.invalid_request(  # wording unverified; the requirement is the spec's
            "chunking_strategy is required for audio longer than 30 seconds with this model.",
            param="chunking_strategy",
        )
    service: tx.TranscriptionService = ctx.fake.services["transcriptions"]
    transcript = service.transcript(upload.data, upload.filename, info.id, task)
    if language is not None and transcript.language == "english":
        transcript = tx.Transcript(transcript.text, tx.LANGUAGES[language], transcript.turns)
    with_logprobs = "logprobs" in include and not whisper and not diarize and fmt == "json"
    speakers = [str(s) for s in params.as_list(params.field(body, "known_speaker_names"))]
    usage = tx.duration_usage(duration) if whisper else tx.token_usage(transcript.text, duration,
                                                                        params.text(body, "prompt"))
    if params.boolean(body, "stream") and not whisper:  # whisper-1 ignores `stream` (SDK docs)
        return EventStream(_transcript_events(transcript, duration, usage, with_logprobs, diarize, speakers))
    if fmt in ("text", "srt", "vtt"):
        rendered = {"text": transcript.text + "\n", "srt": tx.srt(transcript.text, duration),
                    "vtt": tx.vtt(transcript.text, duration)}[fmt]
        return Response(rendered, media_type="text/plain")
    if fmt == "verbose_json":
        return tx.verbose(transcript, duration, task, granularities if task == "transcribe" else ["segment"],
                          usage if task == "transcribe" else None)
    if fmt == "diarized_json":
        return tx.diarized(transcript, duration, speakers, usage)
    result: dict[str, Any] = {"text": transcript.text}
    if task == "transcribe":
        result["usage"] = usage
        if with_logprobs:
            result["logprobs"] = tx.logprobs(transcript.text)
    return result


def _check_language(language: str | None, param: str) -> None:
    if language is not None and language not in tx.LANGUAGES:
        raise errors.APIError(  # wording from memory of real responses (contracts/README.md)
            400, f"Invalid language '{language}'. Language parameter must be specified in ISO-639-1 format.",
            param=param, code="invalid_language_format",
        )


def _check_format_for_model(fmt: str, info: ModelInfo, whisper: bool, diarize: bool) -> None:
    if whisper:
        allowed = TRANSLATION_FORMATS
    elif diarize:
        allowed = ["json", "text", "diarized_json"]
    else:
        allowed = ["json", "text"]
    if fmt not in allowed:
        shown = " or ".join(f"'{a}'" for a in allowed) if len(allowed) <= 2 else ", ".join(f"'{a}'" for a in allowed)
        raise errors.APIError(  # wording from memory of real responses (contracts/README.md)
            400, f"response_format '{fmt}' is not compatible with model '{info.id}'. Use {shown} instead.",
            param="response_format", code="unsupported_value",
        )


def _upload(body: dict[str, Any]) -> UploadedFile:
    upload = body.get("file")
    if not isinstance(upload, UploadedFile):
        raise errors.missing_parameter("file")
    if len(upload.data) > MAX_UPLOAD:
        raise errors.APIError(  # real: status 413, type server_error
            413, f"Maximum content size limit ({MAX_UPLOAD}) exceeded ({len(upload.data)} bytes read)",
            type="server_error",
        )
    extension = upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ""
    if extension not in UPLOAD_FORMATS:
        raise errors.invalid_request(  # real (B4PT0R/streamlit-mic-recorder#10)
            f"Invalid file format. Supported formats: {UPLOAD_FORMATS}"
        )
    return upload


def _duration(upload: UploadedFile) -> float:
    duration = audio.probe_duration(upload.data)
    if duration is None:
        raise errors.invalid_request(  # real message (open-webui/open-webui#13636)
            "Audio file might be corrupted or unsupported", param="file", code="invalid_value"
        )
    if duration < MIN_AUDIO_SECONDS:
        raise errors.invalid_request(
            f"Audio file is too short. Minimum audio length is {MIN_AUDIO_SECONDS} seconds.", param="file",
            code="audio_too_short",
        )
    return duration


def _transcript_events(
    transcript: tx.Transcript, duration: float, usage: dict[str, Any], with_logprobs: bool, diarize: bool,
    speakers: list[str],
) -> Iterator[SSEEvent]:
    if diarize:
        for segment in tx.diarized_segments(transcript, duration, speakers):
            yield SSEEvent(segment)
    else:
        for i, word in enumerate(transcript.text.split(" ")):
            delta = word if i == 0 else " " + word
            event: dict[str, Any] = {"type": "transcript.text.delta", "delta": delta}
            if with_logprobs:
                event["logprobs"] = tx.logprobs(delta)
            yield SSEEvent(event)
    done: dict[str, Any] = {"type": "transcript.text.done", "text": transcript.text, "usage": usage}
    if with_logprobs:
        done["logprobs"] = tx.logprobs(transcript.text)
    yield SSEEvent(done)
