"""Realtime session tokens with the official SDK: what a backend that mints ephemeral keys for browsers sees."""

from __future__ import annotations

import re

import openai
import pytest


def test_client_secret_carries_the_applied_session(mockapi, openai_client) -> None:
    secret = openai_client.realtime.client_secrets.create(
        expires_after={"anchor": "created_at", "seconds": 300},
        session={"type": "realtime", "model": "gpt-realtime-mini", "instructions": "Speak French.",
                 "audio": {"output": {"voice": "marin"}}, "output_modalities": ["text"]},
    )
    assert re.fullmatch(r"ek_[0-9a-f]{32}", secret.value) and secret.expires_at == mockapi.clock.now() // 1 + 300
    session = secret.session
    assert (session.type, session.model, session.instructions) == ("realtime", "gpt-realtime-mini", "Speak French.")
    assert session.audio.output.voice == "marin" and session.audio.output.format.rate == 24000  # the rest defaulted
    assert session.audio.input.turn_detection.type == "server_vad" and session.output_modalities == ["text"]
    default = openai_client.realtime.client_secrets.create()
    assert default.session.model == "gpt-realtime" and default.expires_at - default.session.expires_at > 0
    assert openai_client.models.retrieve("gpt-realtime").owned_by == "system"


def test_transcription_and_translation_secrets(openai_client) -> None:
    heard = openai_client.realtime.client_secrets.create(
        session={"type": "transcription", "audio": {"input": {"transcription": {"model": "gpt-4o-transcribe"}}}}
    )
    assert heard.session.object == "realtime.transcription_session"
    assert heard.session.audio.input.transcription.model == "gpt-4o-transcribe"
    spoken = openai_client.realtime.translations.client_secrets.create(
        session={"model": "gpt-realtime-translate", "audio": {"output": {"language": "de"}}}
    )
    assert spoken.session.type == "translation" and spoken.session.expires_at == spoken.expires_at


def test_beta_sessions_return_their_client_secret(openai_client) -> None:
    session = openai_client.beta.realtime.sessions.create(
        model="gpt-realtime", modalities=["audio", "text"], voice="verse", instructions="Hi."
    )
    assert session.client_secret.value.startswith("ek_") and (session.voice, session.instructions) == ("verse", "Hi.")
    assert session.input_audio_format == "pcm16" and session.max_response_output_tokens == "inf"
    transcription = openai_client.beta.realtime.transcription_sessions.create(
        input_audio_transcription={"model": "whisper-1", "language": "en"}
    )
    assert transcription.input_audio_transcription.model == "whisper-1"


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"expires_after": {"anchor": "created_at", "seconds": 7201}}, "expires_after.seconds"),
        ({"session": {"type": "realtime", "model": "gpt-4o"}}, "session.model"),
        ({"session": {"type": "realtime", "output_modalities": ["text", "audio"]}}, "session.output_modalities"),
        ({"session": {"type": "transcription", "audio": {"input": {"transcription": {"model": "tts-1"}}}}},
         "session.audio.input.transcription.model"),
    ],
)
def test_client_secret_errors(openai_client, kwargs, param) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.realtime.client_secrets.create(**kwargs)
    assert caught.value.body["param"] == param


def test_custom_voice_in_a_realtime_session(openai_client) -> None:
    """A custom voice is asked for as {"id"}; the session shows its id (found by the schemathesis CLI: the object
    was echoed, which the response schema does not allow); another key's or an unknown voice is a 404."""
    with pytest.raises(openai.NotFoundError) as caught:
        openai_client.realtime.client_secrets.create(
            session={"type": "realtime", "audio": {"output": {"voice": {"id": "voice_missing"}}}}
        )
    assert caught.value.body["param"] == "session.audio.output.voice.id"
