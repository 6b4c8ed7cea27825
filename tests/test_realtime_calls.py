"""Realtime calls with the official SDK: a WebRTC call (SDP offer in, answer and Location out, the bare
application/sdp variant), and SIP calls started through the control plane whose ``realtime.call.incoming``
webhook a handler answers by accepting, rejecting, transferring or hanging up; the calls' records as tests read
them, and the bad calls' 4xx."""

from __future__ import annotations

import json

import openai
import pytest

OFFER = "\r\n".join([
    "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0 1",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 63", "a=mid:0", "a=rtpmap:111 opus/48000/2",
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "a=mid:1",
]) + "\r\n"  # fmt: skip


def test_webrtc_call_answers_the_offer(mockapi, openai_client) -> None:
    raw = openai_client.realtime.calls.with_raw_response.create(
        sdp=OFFER, session={"type": "realtime", "model": "gpt-realtime", "instructions": "Be brief."}
    )
    assert raw.status_code == 201 and raw.headers["content-type"].startswith("application/sdp")
    call_id = raw.headers["location"].removeprefix("/v1/realtime/calls/")
    assert call_id.startswith("rtc_") and len(call_id) == 36
    answer = raw.http_response.text.split("\r\n")
    assert answer[0] == "v=0" and "a=group:BUNDLE 0 1" in answer and "a=setup:active" in answer
    media = [line for line in answer if line.startswith("m=")]
    assert media == ["m=audio 9 UDP/TLS/RTP/SAVPF 111 63", "m=application 9 UDP/DTLS/SCTP webrtc-datachannel"]
    assert any(line.startswith("a=fingerprint:sha-256 ") for line in answer)
    call = mockapi.services["realtime_calls"].call(call_id)
    assert (call["transport"], call["status"]) == ("webrtc", "active")
    assert call["session"]["instructions"] == "Be brief." and call["session"]["audio"]["output"]["voice"] == "alloy"

    assert openai_client.realtime.calls.create(sdp=OFFER).read().startswith(b"v=0\r\n")  # the SDK's plain call
    openai_client.realtime.calls.hangup(call_id)
    assert mockapi.services["realtime_calls"].call(call_id)["status"] == "ended"
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.realtime.calls.hangup(call_id)
    assert caught.value.body["message"] == f"Cannot hang up call '{call_id}': it is ended."
    with pytest.raises(openai.BadRequestError, match="only SIP calls"):
        openai_client.realtime.calls.refer(call_id, target_uri="tel:+14155550123")


def test_bare_sdp_body_and_bad_offers(http) -> None:
    answered = http.post("/v1/realtime/calls", content=OFFER, headers={"content-type": "application/sdp"})
    assert answered.status_code == 201 and answered.headers["location"].startswith("/v1/realtime/calls/rtc_")
    for bad in ("hello", "v=0\r\ns=-\r\n", ""):
        refused = http.post("/v1/realtime/calls", content=bad, headers={"content-type": "application/sdp"})
        assert refused.status_code == 400 and refused.json()["error"]["param"] == "sdp", bad
    wrong_type = http.post("/v1/realtime/calls", content=OFFER, headers={"content-type": "text/plain"})
    assert wrong_type.status_code == 400 and "Content-Type" in wrong_type.json()["error"]["message"]


def test_bad_session_in_a_webrtc_call(openai_client) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.realtime.calls.create(sdp=OFFER, session={"type": "realtime", "model": "gpt-4o-mini"})
    assert caught.value.body["param"] == "session.model"


def test_incoming_sip_call_is_accepted_by_the_webhook_handler(mockapi, openai_client, receiver) -> None:
    """The realtime SIP guide's flow: the webhook says a call is ringing; the handler accepts it with a session."""
    endpoint = openai_client.webhooks.create(url=receiver.url, name="sip", event_types=["realtime.call.incoming"])

    def handler(headers: dict[str, str], body: bytes) -> None:
        event = openai_client.webhooks.unwrap(body, headers, secret=endpoint.signing_secret)
        openai_client.realtime.calls.accept(event.data.call_id, type="realtime", model="gpt-realtime",
                                            instructions="You are Alex, a friendly concierge.")  # fmt: skip

    receiver.on_event = handler
    calls = mockapi.services["realtime_calls"]
    ringing = calls.incoming(from_number="+14155550123")
    assert ringing["status"] == "incoming" and ringing["call_id"].startswith("rtc_")
    assert {"name": "From", "value": ringing["sip_headers"][0]["value"]} in ringing["sip_headers"]
    assert "+14155550123" in ringing["sip_headers"][0]["value"]
    (delivery,) = mockapi.webhooks.wait_for("realtime.call.incoming")
    assert delivery["event"]["data"] == {"call_id": ringing["call_id"], "sip_headers": ringing["sip_headers"]}
    call = calls.call(ringing["call_id"])
    assert call["status"] == "active" and call["session"]["instructions"] == "You are Alex, a friendly concierge."
    assert [a["action"] for a in call["actions"]] == ["accept"]

    openai_client.realtime.calls.refer(ringing["call_id"], target_uri="sip:agent@example.com")
    call = calls.call(ringing["call_id"])
    assert (call["status"], call["refer_target_uri"]) == ("referred", "sip:agent@example.com")
    with pytest.raises(openai.BadRequestError, match="it is referred"):
        openai_client.realtime.calls.accept(ringing["call_id"], type="realtime")


def test_reject_defaults_to_603_and_checks_the_code(mockapi, openai_client) -> None:
    calls = mockapi.services["realtime_calls"]
    first, second = calls.incoming(), calls.incoming()
    openai_client.realtime.calls.reject(first["call_id"])
    assert calls.call(first["call_id"])["reject_status_code"] == 603  # "Defaults to 603 (Decline)"
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.realtime.calls.reject(second["call_id"], status_code=200)
    assert caught.value.body["param"] == "status_code"
    openai_client.realtime.calls.reject(second["call_id"], status_code=486)
    assert calls.call(second["call_id"])["status"] == "rejected"
    with pytest.raises(openai.BadRequestError, match="Cannot reject"):
        openai_client.realtime.calls.reject(second["call_id"])
    third = calls.incoming()
    with pytest.raises(openai.BadRequestError, match="Cannot hang up"):  # ringing: reject it instead
        openai_client.realtime.calls.hangup(third["call_id"])
    openai_client.realtime.calls.accept(third["call_id"], type="realtime")
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.realtime.calls.refer(third["call_id"], target_uri="https://example.com")
    assert caught.value.body["param"] == "target_uri"
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.realtime.calls.accept(calls.incoming()["call_id"], type="realtime", model="whisper-1")
    assert caught.value.body["param"] == "model"


def test_calls_belong_to_their_key(mockapi, openai_client) -> None:
    mine = mockapi.services["realtime_calls"].incoming(api_key="sk-test")
    other = mockapi.openai_client("sk-other")
    with pytest.raises(openai.NotFoundError) as caught:
        other.realtime.calls.accept(mine["call_id"], type="realtime")
    assert caught.value.body["message"] == f"Call with id '{mine['call_id']}' not found."
    with pytest.raises(openai.NotFoundError):
        openai_client.realtime.calls.hangup("rtc_00000000000000000000000000000000")


def test_control_plane_over_http(mockapi, http) -> None:
    ringing = http.post("/__mockapi__/realtime/calls", json={"api_key": "sk-test", "from_number": "+15550001"})
    call_id = ringing.json()["call_id"]
    assert ringing.status_code == 200 and "+15550001" in json.dumps(ringing.json()["sip_headers"])
    mockapi.openai_client().realtime.calls.reject(call_id, status_code=486)
    record = http.get(f"/__mockapi__/realtime/calls/{call_id}").json()
    assert (record["status"], record["reject_status_code"]) == ("rejected", 486)
    assert http.get("/__mockapi__/realtime/calls/rtc_missing").status_code == 404


@pytest.mark.mockapi(manual_clock=True, api_keys=["sk-backend"])
def test_browser_call_with_an_ephemeral_key(mockapi) -> None:
    """The unified WebRTC flow: the backend mints a client secret; the browser posts its SDP offer with it; the
    call belongs to the backend's project (which can hang it up) and runs the minted session."""
    backend = mockapi.openai_client("sk-backend")
    secret = backend.realtime.client_secrets.create(
        expires_after={"anchor": "created_at", "seconds": 60},
        session={"type": "realtime", "model": "gpt-realtime", "instructions": "Speak like a pirate."},
    )
    with mockapi.http_client(secret.value) as browser:
        answered = browser.post("/v1/realtime/calls", content=OFFER, headers={"content-type": "application/sdp"})
        assert answered.status_code == 201, answered.text
        call_id = answered.headers["location"].rsplit("/", 1)[-1]
        assert mockapi.services["realtime_calls"].call(call_id)["session"]["instructions"] == "Speak like a pirate."
        backend.realtime.calls.hangup(call_id)  # the backend's key sees the browser's call
        mockapi.advance(61)
        expired = browser.post("/v1/realtime/calls", content=OFFER, headers={"content-type": "application/sdp"})
        assert expired.status_code == 401 and expired.json()["error"]["code"] == "invalid_api_key"
    with pytest.raises(openai.AuthenticationError):
        mockapi.openai_client("ek_made_up").realtime.calls.create(sdp=OFFER)
