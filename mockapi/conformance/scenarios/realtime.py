"""Realtime session tokens: GA client secrets (realtime and transcription sessions), translation secrets and
the beta session endpoints; calls: a WebRTC offer answered, SIP calls accepted, transferred, rejected, hung up
(the fake's control plane rings them)."""

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


OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n"


@pytest.mark.sdk_only("the reference client has no realtime resource")
def scenario_realtime_calls(api, control, target, token) -> None:
    created = api.realtime.calls.with_raw_response.create(sdp=OFFER, session={"type": "realtime",
                                                                              "instructions": token})
    assert created.status_code == 201 and created.http_response.text.startswith("v=0")
    webrtc = created.headers["location"].rsplit("/", 1)[-1]
    assert control.realtime_call(webrtc)["session"]["instructions"] == token
    api.realtime.calls.hangup(webrtc)

    ringing = control.incoming_call(target.api_key)["call_id"]
    api.realtime.calls.accept(ringing, type="realtime", model="gpt-realtime", instructions=f"Answer {token}")
    api.realtime.calls.refer(ringing, target_uri="tel:+14155550123")
    assert control.realtime_call(ringing)["status"] == "referred"
    declined = control.incoming_call(target.api_key)["call_id"]
    api.realtime.calls.reject(declined, status_code=486)
    assert control.realtime_call(declined)["reject_status_code"] == 486
    with api.raises(404):
        api.realtime.calls.hangup(f"rtc_{token}")
