"""Realtime session tokens: ``/realtime/client_secrets`` (GA), ``/realtime/translations/client_secrets``, and the
beta ``/realtime/sessions`` and ``/realtime/transcription_sessions``.

A server mints an ephemeral key (``ek_…``) for a browser or phone, configured with a session; this is the part of
the Realtime API that goes over HTTP, and what a backend's tests exercise. The answer is the session as the
server applies it: the request's settings over the documented defaults (the document's own examples). No
WebSocket or WebRTC endpoint is served: the key is not accepted anywhere. Choices: contracts/README.md.
"""

from __future__ import annotations

import copy
import secrets
from typing import TYPE_CHECKING, Any

from mockapi import catalog, errors
from mockapi.config import KeyInfo
from mockapi.context import RequestContext
from mockapi.ids import new_id
from mockapi.media import params
from mockapi.resources.voices import custom_voice

if TYPE_CHECKING:
    from mockapi.fake import Fake

DEFAULT_MODEL = "gpt-realtime"
EPHEMERAL_SESSIONS = "realtime.ephemeral_sessions"  # state.shared: {ek_ key: the session it was minted with}
SECRET_SECONDS = (10, 7200, 600)  # min, max, default: the SDK's ExpiresAfter docstring
TRANSCRIBERS = ("whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe", "gpt-4o-transcribe-diarize",
                "gpt-realtime-whisper", "gpt-transcribe")
PCM = {"type": "audio/pcm", "rate": 24000}
SERVER_VAD = {
    "type": "server_vad", "threshold": 0.5, "prefix_padding_ms": 300, "silence_duration_ms": 200,
    "idle_timeout_ms": None, "create_response": True, "interrupt_response": True,
}
# The GA session as the document's client-secret example shows it, before the request's settings.
REALTIME_DEFAULTS: dict[str, Any] = {
    "type": "realtime", "object": "realtime.session", "output_modalities": ["audio"], "instructions": "",
    "tools": [], "tool_choice": "auto", "max_output_tokens": "inf", "tracing": None, "truncation": "auto",
    "prompt": None, "expires_at": 0,
    "audio": {
        # transcription and noise_reduction are left out until asked for: the document's example shows them
        # null, its schema allows only objects (the SDK reads both as None).
        "input": {"format": PCM, "turn_detection": SERVER_VAD},
        "output": {"format": PCM, "voice": "alloy", "speed": 1.0},
    },
}
TRANSCRIPTION_DEFAULTS: dict[str, Any] = {
    "type": "transcription", "object": "realtime.transcription_session", "expires_at": 0,
    "audio": {"input": {"format": PCM, "turn_detection": SERVER_VAD}},
}


def install(fake: Fake) -> None:
    fake.router.add("POST", "/realtime/client_secrets", create_client_secret)
    fake.router.add("POST", "/realtime/translations/client_secrets", create_translation_secret)
    fake.router.add("POST", "/realtime/sessions", create_beta_session)
    fake.router.add("POST", "/realtime/transcription_sessions", create_beta_transcription_session)


# -- GA ---------------------------------------------------------------------------------------------


def create_client_secret(ctx: RequestContext) -> dict[str, Any]:
    expires_at = _secret_expiry(ctx)
    asked = ctx.body.get("session") or {"type": "realtime"}
    if asked.get("type") == "transcription":
        session = _merged(TRANSCRIPTION_DEFAULTS, asked)
        _check_transcriber(session["audio"]["input"].get("transcription"), "session.audio.input.transcription")
    else:
        session = realtime_session(ctx, asked, "session.")
    session["id"] = new_id("sess_")
    return {"value": _issue(ctx, expires_at, session), "expires_at": expires_at, "session": session}


def _issue(ctx: RequestContext, expires_at: int, session: dict[str, Any]) -> str:
    """A new ephemeral key, which acts for the caller until it expires (POST /realtime/calls with an SDP body
    takes its session from it)."""
    key = ephemeral_key()
    ctx.fake.issued_keys[key] = KeyInfo(owner=ctx.owner, expires_at=expires_at)
    ctx.fake.state.shared.setdefault(EPHEMERAL_SESSIONS, {})[key] = session
    return key


def session_of(fake: Any, key: str) -> dict[str, Any] | None:
    """The session an ephemeral key was minted with (None for any other key)."""
    found = (fake.state.shared.get(EPHEMERAL_SESSIONS) or {}).get(key)
    return copy.deepcopy(found) if found is not None else None


def realtime_session(ctx: RequestContext, asked: dict[str, Any], where: str = "") -> dict[str, Any]:
    """A ``realtime`` session as the server applies it: the request's settings over the defaults, its model,
    modalities and custom voice checked (``where`` prefixes the param names: ``session.`` or nothing)."""
    session = _merged(REALTIME_DEFAULTS, asked)
    session["model"] = _realtime_model(ctx, asked.get("model"), f"{where}model")
    _check_modalities(session["output_modalities"], f"{where}output_modalities")
    output = session["audio"].get("output")
    if isinstance(output, dict) and isinstance(output.get("voice"), dict):
        # A custom voice is asked for as {"id"}; the session shows its id (the response types voice as a string).
        output["voice"] = custom_voice(ctx.ns, output["voice"], f"{where}audio.output.voice.id")
    return session


def create_translation_secret(ctx: RequestContext) -> dict[str, Any]:
    expires_at = _secret_expiry(ctx)
    asked = ctx.body.get("session") or {}
    session = _merged({"audio": {"input": {"transcription": None, "noise_reduction": None}, "output": {}}}, asked)
    session.update(id=new_id("sess_"), type="translation", expires_at=expires_at)
    session["model"] = params.required_text(asked, "model") if "model" in asked else "gpt-realtime-translate"
    return {"value": ephemeral_key(), "expires_at": expires_at, "session": session}


# -- beta (the SDK's client.beta.realtime: a flat session with its client_secret) --------------------


def create_beta_session(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    modalities = body.get("modalities") or ["text", "audio"]
    session = {
        "id": new_id("sess_"), "object": "realtime.session",
        "model": _realtime_model(ctx, body.get("model"), "model"), "modalities": modalities,
        "instructions": body.get("instructions") or "", "voice": body.get("voice") or "alloy",
        "input_audio_format": body.get("input_audio_format") or "pcm16",
        "output_audio_format": body.get("output_audio_format") or "pcm16",
        "input_audio_transcription": body.get("input_audio_transcription"),
        "turn_detection": body.get("turn_detection", {k: v for k, v in SERVER_VAD.items() if v is not None}),
        "tools": body.get("tools") or [], "tool_choice": body.get("tool_choice") or "auto",
        "temperature": body.get("temperature", 0.8),
        "max_response_output_tokens": body.get("max_response_output_tokens", "inf"),
        "speed": body.get("speed", 1.0),
    }
    if body.get("tracing") is not None:  # left out otherwise: the document's schema has no null for it
        session["tracing"] = body["tracing"]
    return {**session, "client_secret": _beta_secret(ctx, body)}


def create_beta_transcription_session(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    transcription = body.get("input_audio_transcription") or {"model": "gpt-4o-transcribe"}
    _check_transcriber(transcription, "input_audio_transcription")
    return {
        "id": new_id("sess_"), "object": "realtime.transcription_session",
        "modalities": body.get("modalities") or ["audio", "text"],
        "turn_detection": body.get("turn_detection", {k: v for k, v in SERVER_VAD.items() if v is not None}),
        "input_audio_format": body.get("input_audio_format") or "pcm16",
        "input_audio_transcription": {"prompt": "", **transcription},  # no language null: the schema has none
        "client_secret": _beta_secret(ctx, body),
    }


def _beta_secret(ctx: RequestContext, body: dict[str, Any]) -> dict[str, Any]:
    seconds = ((body.get("client_secret") or {}).get("expires_after") or {}).get("seconds", SECRET_SECONDS[2])
    params.check_range("client_secret.expires_after.seconds", seconds, 10, 7200, integer_=True)
    return {"value": ephemeral_key(), "expires_at": ctx.now + int(seconds)}


# -- shared -----------------------------------------------------------------------------------------


def ephemeral_key() -> str:
    return "ek_" + secrets.token_hex(16)  # the documented shape: ek_ + 32 hex


def _secret_expiry(ctx: RequestContext) -> int:
    low, high, default = SECRET_SECONDS
    seconds = (ctx.body.get("expires_after") or {}).get("seconds", default)
    params.check_range("expires_after.seconds", seconds, low, high, integer_=True)
    return ctx.now + int(seconds)


def _merged(defaults: dict[str, Any], asked: dict[str, Any]) -> dict[str, Any]:
    """The defaults with the request's settings laid over them, object by object."""
    merged = copy.deepcopy(defaults)
    for key, value in asked.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _realtime_model(ctx: RequestContext, model: Any, param: str) -> str:
    if model is None:
        return DEFAULT_MODEL
    info = catalog.lookup(ctx.ns, str(model))
    if info is None or not (info.kind == "realtime" or info.audio):
        raise errors.invalid_value(param, model, sorted(catalog.ids_of_kind("realtime")))  # wording: chosen
    return info.id


def _check_modalities(modalities: Any, param: str) -> None:
    # The SDK: "It is not possible to request both `text` and `audio` at the same time." (wording chosen)
    if isinstance(modalities, list) and len(set(modalities)) > 1:
        raise errors.invalid_request(
            f"Invalid '{param}': request either ['audio'] or ['text'], not both.", param=param
        )


def _check_transcriber(transcription: Any, param: str) -> None:
    if isinstance(transcription, dict) and transcription.get("model") is not None:
        params.check_enum(f"{param}.model", transcription["model"], list(TRANSCRIBERS))
