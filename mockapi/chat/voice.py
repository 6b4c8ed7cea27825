"""Spoken answers on chat: ``modalities: ["text", "audio"]`` with ``audio: {voice, format}`` (gpt-audio-mini).

The answer's text becomes the audio's ``transcript`` and is spoken by the same synthesizer as
``/audio/speech`` (``mockapi.media.audio``), so the bytes are real audio of the requested format; the message's
``content`` is null, as on the real API. Streams carry ``delta.audio`` pieces: the id first, then the
transcript and the base64 PCM in slices, then ``expires_at`` alone (the SDK's ChoiceDeltaAudio docstring).
"""

from __future__ import annotations

import base64
import math
import secrets
from dataclasses import dataclass
from typing import Any

from mockapi import errors
from mockapi.catalog import ModelInfo
from mockapi.media import audio
from mockapi.resources.voices import custom_voice
from mockapi.state import Namespace

FORMATS = {"wav": "wav", "aac": "aac", "mp3": "mp3", "flac": "flac", "opus": "opus", "pcm16": "pcm"}
AUDIO_TTL = 3600  # seconds an audio id can be referred back to (chosen; the real expiry is not documented)
TOKENS_PER_SECOND = 10  # audio tokens per second of speech (chosen; the real rate is not published)
DATA_SLICES = 4  # a streamed answer's audio arrives in this many base64 pieces


@dataclass(frozen=True)
class Voice:
    voice: str
    format: str  # as requested (pcm16, wav, ...)


def requested(
    ns: Namespace, body: dict[str, Any], messages: list[dict[str, Any]], info: ModelInfo, stream: bool,
) -> Voice | None:
    """The spoken output a request asks for (None: text only), with the real 400s for misuse."""
    modalities = body.get("modalities") or ["text"]
    spoken = "audio" in modalities
    if info.audio and not spoken and not _hears_audio(messages):
        # Real: truefoundry/models#822, CherryHQ/cherry-studio#1179.
        raise errors.APIError(
            400, "This model requires that either input content or output modality contain audio.",
            param="model", code="invalid_value",
        )
    if not spoken:
        return None
    if not info.audio:
        raise errors.APIError(  # wording chosen (contracts/README.md)
            400, f"The model '{info.id}' does not support audio output.", param="modalities", code="invalid_value",
        )
    options = body.get("audio")
    if not isinstance(options, dict):
        raise errors.missing_parameter("audio")
    fmt = str(options.get("format"))
    if stream and fmt != "pcm16":
        # Real: Agent-Field/agentfield#584 and #968 (OpenAI's answer relayed by OpenRouter).
        raise errors.APIError(
            400, f"Unsupported value: 'audio.format' does not support '{fmt}' when stream=true. Supported values "
            "are: 'pcm16'.", param="audio.format", code="unsupported_value",
        )
    voice = options.get("voice")
    # A custom voice is {"id": "voice_..."}: one of the caller's (POST /audio/voices).
    name = custom_voice(ns, voice, "audio.voice.id") if isinstance(voice, dict) else voice
    return Voice(str(name), fmt)


def _hears_audio(messages: list[dict[str, Any]]) -> bool:
    return any(
        isinstance(part, dict) and part.get("type") == "input_audio"
        for message in messages if isinstance(message.get("content"), list) for part in message["content"]
    )  # fmt: skip


def speak(text: str, voice: Voice) -> bytes:
    return audio.speech(text, voice.voice, 1.0, FORMATS[voice.format])


def tokens_for(text: str) -> int:
    return math.ceil(audio.duration_for(text, 1.0) * TOKENS_PER_SECOND)


def message_audio(text: str, voice: Voice, now: int) -> dict[str, Any]:
    """``message.audio`` for a spoken answer."""
    return {
        "id": new_audio_id(), "expires_at": now + AUDIO_TTL, "transcript": text,
        "data": base64.b64encode(speak(text, voice)).decode(),
    }


def new_audio_id() -> str:
    return "audio_" + secrets.token_hex(16)


def stream_deltas(spoken: dict[str, Any], transcript_pieces: list[str]) -> list[dict[str, Any]]:
    """The ``delta.audio`` objects of a streamed spoken answer (after the role delta)."""
    data = spoken["data"]
    step = max(1, math.ceil(len(data) / DATA_SLICES / 4) * 4)  # whole base64 quanta: each piece decodes alone
    pieces: list[dict[str, Any]] = [{"id": spoken["id"], "transcript": ""}]
    pieces += [{"transcript": piece} for piece in transcript_pieces]
    pieces += [{"data": data[i : i + step]} for i in range(0, len(data), step)]
    pieces.append({"expires_at": spoken["expires_at"]})  # the SDK: "the final audio update contains only its expiry"
    return pieces
