"""Realtime session tokens: GA client secrets (realtime and transcription sessions), translation secrets and
the beta session endpoints."""

from __future__ import annotations

import pytest


@pytest.mark.sdk_only("the reference client has no realtime resource")
def scenario_realtime_client_secrets(api) -> None:
    secret = api.realtime.client_secrets.create(
        expires_after={"anchor": "created_at", "seconds": 120},
        session={"type": "realtime", "model": "gpt-realtime", "instructions": "Be brief."},
    )
    assert secret.value.startswith("ek_") and secret.session.type == "realtime"
    assert secret.session.id.startswith("sess_") and secret.session.instructions == "Be brief."
    heard = api.realtime.client_secrets.create(session={"type": "transcription"})
    assert heard.session.type == "transcription" and heard.value.startswith("ek_")
    spoken = api.realtime.translations.client_secrets.create(
        session={"model": "gpt-realtime-translate", "audio": {"output": {"language": "es"}}}
    )
    assert spoken.session.type == "translation" and spoken.session.audio.output.language == "es"
    with api.raises(400) as err:
        api.realtime.client_secrets.create(expires_after={"anchor": "created_at", "seconds": 9999})
    assert err.param == "expires_after.seconds"


@pytest.mark.sdk_only("the reference client has no realtime resource")
def scenario_realtime_beta_sessions(api) -> None:
    session = api.beta.realtime.sessions.create(model="gpt-realtime", modalities=["audio", "text"])
    assert session.client_secret.value.startswith("ek_") and session.model == "gpt-realtime"
    transcription = api.beta.realtime.transcription_sessions.create()
    assert transcription.client_secret.value.startswith("ek_")
