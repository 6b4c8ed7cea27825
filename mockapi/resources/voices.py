"""Custom voices: ``/audio/voice_consents`` (consent recordings) and ``POST /audio/voices``.

A voice made from an audio sample needs a consent recording of the same owner; it is then usable wherever the SDK
takes ``voice={"id": "voice_..."}`` (``/audio/speech``, chat audio output), where the synthesizer gives it a pitch
of its own (mockapi.media.audio.pitch_of). A voice made from a text prompt (the SDK's ``type: "prompt"``) is
stored too but, as the SDK says, is "supported only in Live, not in Realtime or the speech endpoint". Facts and
choices: contracts/README.md ("Custom voices").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.common import deleted, find, paginate, typed
from mockapi.context import RequestContext, UploadedFile
from mockapi.ids import new_id
from mockapi.media import audio, params
from mockapi.state import Namespace

if TYPE_CHECKING:
    from mockapi.fake import Fake

CONSENTS = "voice_consents"
VOICES = "voices"
MAX_RECORDING = 10 * 1024 * 1024  # "Maximum size is 10 MiB." (the document)
# The document's list; application/octet-stream is what a client sends when it names no type.
AUDIO_TYPES = ["audio/mpeg", "audio/wav", "audio/x-wav", "audio/ogg", "audio/aac", "audio/flac", "audio/webm",
               "audio/mp4", "application/octet-stream"]
VOICE_MODELS = ["auto", "2026-10-08"]  # the SDK's CreateVoiceRequestPrompt.model Literal
# BCP 47 in outline (language, then subtags), enough to refuse what is not a tag.
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def install(fake: Fake) -> None:
    add = fake.router.add
    add("POST", "/audio/voice_consents", create_consent, body="multipart")
    add("GET", "/audio/voice_consents", list_consents)
    add("GET", "/audio/voice_consents/{consent_id}", retrieve_consent)
    add("POST", "/audio/voice_consents/{consent_id}", update_consent)
    add("DELETE", "/audio/voice_consents/{consent_id}", delete_consent)
    add("POST", "/audio/voices", create_voice, body="multipart")
    add("DELETE", "/audio/voices/{voice_id}", delete_voice)  # SDK 3.63.0; the overlay describes it


# -- consents ---------------------------------------------------------------------------------------


def create_consent(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    name = params.required_text(body, "name")
    language = params.required_text(body, "language")
    if not _BCP47.match(language):
        raise errors.invalid_request(  # wording chosen
            f"Invalid 'language': expected a BCP 47 language tag such as 'en-US', but got '{language[:100]}'.",
            param="language", code="invalid_value",
        )
    _recording(body, "recording")
    obj = {"object": "audio.voice_consent", "id": new_id("cons_"), "name": name, "language": language,
           "created_at": ctx.now}
    ctx.ns.collection(CONSENTS).add(obj["id"], obj)
    return obj


def list_consents(ctx: RequestContext) -> dict[str, Any]:
    return paginate(ctx, ctx.ns.collection(CONSENTS), lambda c: c)


def retrieve_consent(ctx: RequestContext) -> dict[str, Any]:
    return _consent(ctx.ns, ctx.params["consent_id"])


def update_consent(ctx: RequestContext) -> dict[str, Any]:
    consent = _consent(ctx.ns, ctx.params["consent_id"])
    name = typed(ctx.body, "name", str)
    if name is None:
        raise errors.missing_parameter("name")
    consent["name"] = name  # metadata only: the recording stays
    return consent


def delete_consent(ctx: RequestContext) -> dict[str, Any]:
    consent = _consent(ctx.ns, ctx.params["consent_id"])
    ctx.ns.collection(CONSENTS).remove(consent["id"])
    # The document's deletion example: the object name is the consent's own, not "….deleted".
    return deleted(consent["id"], "audio.voice_consent")


def _consent(ns: Namespace, consent_id: str, param: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] | None = ns.collection(CONSENTS).get(consent_id)
    if found is None:
        error = errors.not_found("voice consent", consent_id)  # the Assistants family's wording (chosen)
        error.param = param
        raise error
    return found


# -- voices -----------------------------------------------------------------------------------------


def create_voice(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    name = params.required_text(body, "name")
    kind = params.text(body, "type") or "audio_sample"  # "Defaults to `audio_sample` when omitted." (the SDK)
    params.check_enum("type", kind, ["audio_sample", "prompt"])
    obj: dict[str, Any] = {"object": "audio.voice", "id": new_id("voice_"), "name": name, "created_at": ctx.now,
                           "type": kind}
    if kind == "prompt":
        obj["prompt"] = _prompt_fields(body)
    else:
        _recording(body, "audio_sample")
        _consent(ctx.ns, params.required_text(body, "consent"), param="consent")
    ctx.ns.collection(VOICES).add(obj["id"], obj)
    return obj


def _prompt_fields(body: dict[str, Any]) -> str:
    """The SDK's prompt-voice fields, checked as its docstrings describe them (wording chosen)."""
    prompt = params.required_text(body, "prompt")
    if not prompt.strip():
        raise errors.invalid_request("Invalid 'prompt': must not contain only whitespace.", param="prompt",
                                     code="invalid_value")
    params.check_enum("model", params.text(body, "model") or "auto", VOICE_MODELS)
    hint = params.text(body, "script_hint")
    if hint is not None and not hint.strip():
        raise errors.invalid_request("Invalid 'script_hint': must not be blank.", param="script_hint",
                                     code="invalid_value")
    return prompt


def _recording(body: dict[str, Any], name: str) -> UploadedFile:
    """An audio upload of a listed type, at most 10 MiB, whose bytes really are audio (wording chosen)."""
    upload = body.get(name)
    if upload is None:
        raise errors.missing_parameter(name)
    if not isinstance(upload, UploadedFile):
        raise params.invalid_type(name, "a file", upload)
    if len(upload.data) > MAX_RECORDING:
        raise errors.invalid_request(
            f"Invalid '{name}': the file is larger than the {MAX_RECORDING} byte limit.", param=name,
            code="invalid_value",
        )
    content_type = upload.content_type.split(";")[0].strip().lower()
    if content_type not in AUDIO_TYPES or audio.probe_duration(upload.data) is None:
        raise errors.invalid_request(
            f"Invalid '{name}': expected an audio file of a supported type ({', '.join(AUDIO_TYPES[:-1])}).",
            param=name, code="invalid_value",
        )
    return upload

def delete_voice(ctx: RequestContext) -> dict[str, Any]:
    """"Deleting a voice does not delete its consent recording. Deleting an already deleted voice returns a 404
    error." (the SDK); speech and chat refuse the id from then on."""
    found = find(ctx.ns.collection(VOICES), ctx.params["voice_id"], "Voice")
    ctx.ns.collection(VOICES).remove(found["id"])
    return deleted(found["id"], "audio.voice.deleted")


# -- use elsewhere ----------------------------------------------------------------------------------


def custom_voice(ns: Namespace, raw: Any, param: str) -> str:
    """The voice id a ``{"id": "voice_..."}`` names, for the synthesizer; 404 when the caller has no such voice,
    400 for a prompt voice (not served by the speech endpoints; wording chosen)."""
    voice_id = raw.get("id") if isinstance(raw, dict) else None
    if not isinstance(voice_id, str) or not voice_id:
        raise errors.missing_parameter(param)
    found = find(ns.collection(VOICES), voice_id, "Voice", param)  # wording chosen
    if found["type"] == "prompt":
        raise errors.invalid_request(
            f"Voice '{voice_id}' was created from a text prompt and is supported only in Live.", param=param,
            code="unsupported_value",
        )
    return voice_id
