"""Custom voices: a consent recording (create, read, rename, list, delete) and a voice made from a sample,
spoken, then deleted."""

from __future__ import annotations

import pytest

from mockapi.conformance.scenarios._util import wav_tone


@pytest.mark.sdk_only("the reference client has no voice consents or voices")
def scenario_custom_voice(api, token) -> None:
    sample = wav_tone(1.0)
    consent = api.audio.voice_consents.create(name=f"consent-{token}", language="en-US",
                                              recording=("consent.wav", sample, "audio/wav"))
    assert consent.object == "audio.voice_consent" and consent.language == "en-US"
    assert api.audio.voice_consents.retrieve(consent.id).name == f"consent-{token}"
    assert api.audio.voice_consents.update(consent.id, name=f"renamed-{token}").name == f"renamed-{token}"
    assert consent.id in {c.id for c in api.audio.voice_consents.list(limit=100).data}
    voice = api.audio.voices.create(name=f"voice-{token}", consent=consent.id,
                                    audio_sample=("sample.wav", sample, "audio/wav"))
    assert voice.object == "audio.voice" and voice.name == f"voice-{token}"
    spoken = api.audio.speech.create(model="gpt-4o-mini-tts", input="Hello.", voice={"id": voice.id})
    assert len(spoken.read()) > 0
    assert api.audio.voices.delete(voice.id).deleted
    with api.raises(404):
        api.audio.voices.delete(voice.id)
    assert api.audio.voice_consents.delete(consent.id).deleted
    with api.raises(404):
        api.audio.voice_consents.retrieve(consent.id)
