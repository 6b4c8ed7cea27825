"""Custom voices with the official SDK: consent recordings (CRUD), voices from an audio sample or a prompt, their
use in /audio/speech and chat audio output, errors naming the param, and per-key isolation."""

from __future__ import annotations

import base64
import io
import re

import openai
import pytest
import soundfile

from mockapi.conformance.scenarios._util import wav_tone
from mockapi.media import audio

WAV = wav_tone(0.5)


def _consent(client, name: str = "John Doe"):
    return client.audio.voice_consents.create(name=name, language="en-US", recording=("consent.wav", WAV))


def test_consent_recordings(openai_client) -> None:
    consent = _consent(openai_client)
    assert re.fullmatch(r"cons_[A-Za-z0-9]{24}", consent.id)
    assert (consent.object, consent.name, consent.language) == ("audio.voice_consent", "John Doe", "en-US")
    assert openai_client.audio.voice_consents.retrieve(consent.id) == consent
    renamed = openai_client.audio.voice_consents.update(consent.id, name="Jane Doe")
    assert renamed.name == "Jane Doe" and renamed.language == "en-US"
    second = _consent(openai_client, "Second")
    assert [c.id for c in openai_client.audio.voice_consents.list()] == [second.id, consent.id]
    page = openai_client.audio.voice_consents.list(limit=1)
    assert [c.id for c in page.data] == [second.id] and page.has_more
    gone = openai_client.audio.voice_consents.delete(consent.id)
    assert (gone.id, gone.object, gone.deleted) == (consent.id, "audio.voice_consent", True)
    with pytest.raises(openai.NotFoundError) as missing:
        openai_client.audio.voice_consents.retrieve(consent.id)
    assert missing.value.body["message"] == f"No voice consent found with id '{consent.id}'."


def test_consent_errors(openai_client, http) -> None:
    with pytest.raises(openai.BadRequestError) as language:
        openai_client.audio.voice_consents.create(name="x", language="english", recording=("c.wav", WAV))
    assert language.value.param == "language"
    with pytest.raises(openai.BadRequestError) as not_audio:
        openai_client.audio.voice_consents.create(name="x", language="en", recording=("c.txt", b"words"))
    assert not_audio.value.param == "recording"
    missing = http.post("/v1/audio/voice_consents", data={"name": "x", "language": "en"},
                        files={"file": ("a.wav", WAV, "audio/wav")})
    assert missing.status_code == 400 and missing.json()["error"]["param"] in ("recording", "file")
    assert openai_client.audio.voice_consents.list().data == []


def test_a_voice_from_a_sample_speaks(openai_client) -> None:
    consent = _consent(openai_client)
    voice = openai_client.audio.voices.create(name="My new voice", consent=consent.id, audio_sample=("s.wav", WAV))
    assert re.fullmatch(r"voice_[A-Za-z0-9]{24}", voice.id)
    assert (voice.object, voice.name, voice.type, voice.prompt) == ("audio.voice", "My new voice", "audio_sample", None)
    spoken = openai_client.audio.speech.create(model="gpt-4o-mini-tts", input="Hello there.", voice={"id": voice.id},
                                               response_format="wav").read()
    assert spoken == audio.speech("Hello there.", voice.id, 1.0, "wav")  # its own pitch, from its id
    assert spoken != audio.speech("Hello there.", "alloy", 1.0, "wav")
    assert soundfile.info(io.BytesIO(spoken)).duration > 0
    chat = openai_client.chat.completions.create(
        model="gpt-audio-mini", modalities=["text", "audio"], audio={"voice": {"id": voice.id}, "format": "wav"},
        messages=[{"role": "user", "content": "Say hi"}],
    )
    message_audio = chat.choices[0].message.audio
    assert base64.b64decode(message_audio.data) == audio.speech(message_audio.transcript, voice.id, 1.0, "wav")
    openai_client.audio.voice_consents.delete(consent.id)  # the voice outlives its consent recording
    again = openai_client.audio.speech.create(model="gpt-4o-mini-tts", input="Still here.", voice={"id": voice.id})
    assert again.read()
    gone = openai_client.audio.voices.delete(voice.id)
    assert (gone.id, gone.deleted, gone.object) == (voice.id, True, "audio.voice.deleted")
    with pytest.raises(openai.NotFoundError) as caught:  # "Deleting an already deleted voice returns a 404"
        openai_client.audio.voices.delete(voice.id)
    assert caught.value.body["message"] == f"Voice with id '{voice.id}' not found."
    with pytest.raises(openai.NotFoundError):
        openai_client.audio.speech.create(model="gpt-4o-mini-tts", input="Gone.", voice={"id": voice.id})


def test_voice_errors(openai_client) -> None:
    consent = _consent(openai_client)
    with pytest.raises(openai.NotFoundError) as no_consent:
        openai_client.audio.voices.create(name="v", consent="cons_missing", audio_sample=("s.wav", WAV))
    assert no_consent.value.param == "consent"
    with pytest.raises(openai.BadRequestError) as not_audio:
        openai_client.audio.voices.create(name="v", consent=consent.id, audio_sample=("s.wav", b"RIFF...."))
    assert not_audio.value.param == "audio_sample"
    with pytest.raises(openai.NotFoundError) as unknown:
        openai_client.audio.speech.create(model="gpt-4o-mini-tts", input="hi", voice={"id": "voice_missing"})
    assert unknown.value.param == "voice.id"
    assert unknown.value.body["message"] == "Voice with id 'voice_missing' not found."
    with pytest.raises(openai.NotFoundError) as in_chat:
        openai_client.chat.completions.create(
            model="gpt-audio-mini", modalities=["text", "audio"], audio={"voice": {"id": "voice_x"}, "format": "wav"},
            messages=[{"role": "user", "content": "hi"}],
        )
    assert in_chat.value.param == "audio.voice.id"


def test_a_prompt_voice_is_stored_but_not_spoken(openai_client) -> None:
    voice = openai_client.audio.voices.create(name="Narrator", type="prompt", prompt="A calm, low narrator.",
                                              model="auto", script_hint="Once upon a time.")
    assert (voice.type, voice.prompt) == ("prompt", "A calm, low narrator.")
    with pytest.raises(openai.BadRequestError) as live_only:
        openai_client.audio.speech.create(model="gpt-4o-mini-tts", input="hi", voice={"id": voice.id})
    assert live_only.value.param == "voice.id" and live_only.value.code == "unsupported_value"
    with pytest.raises(openai.BadRequestError) as blank:
        openai_client.audio.voices.create(name="n", type="prompt", prompt="   ")
    assert blank.value.param == "prompt"
    with pytest.raises(openai.BadRequestError) as model:
        openai_client.audio.voices.create(name="n", type="prompt", prompt="p", model="2020-01-01")
    assert model.value.param == "model"


def test_voices_and_consents_are_per_key(mockapi, openai_client) -> None:
    consent = _consent(openai_client)
    voice = openai_client.audio.voices.create(name="mine", consent=consent.id, audio_sample=("s.wav", WAV))
    other = mockapi.openai_client(api_key="sk-other-key")
    assert other.audio.voice_consents.list().data == []
    with pytest.raises(openai.NotFoundError):
        other.audio.voice_consents.retrieve(consent.id)
    with pytest.raises(openai.NotFoundError):
        other.audio.voices.create(name="theirs", consent=consent.id, audio_sample=("s.wav", WAV))
    with pytest.raises(openai.NotFoundError):
        other.audio.speech.create(model="gpt-4o-mini-tts", input="hi", voice={"id": voice.id})
    with pytest.raises(openai.NotFoundError):
        other.audio.voices.delete(voice.id)


def test_a_custom_voice_in_a_realtime_session(openai_client) -> None:
    consent = _consent(openai_client)
    voice = openai_client.audio.voices.create(name="Mine", consent=consent.id, audio_sample=("s.wav", WAV))
    secret = openai_client.realtime.client_secrets.create(
        session={"type": "realtime", "audio": {"output": {"voice": {"id": voice.id}}}}
    )
    assert secret.session.audio.output.voice == voice.id
