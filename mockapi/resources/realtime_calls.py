"""``/realtime/calls``: Realtime calls over WebRTC (create: SDP offer in, SDP answer out) and over SIP (accept,
reject, refer, hang up an incoming phone call).

No media flows: a call is a record of what the caller's backend did with it, which tests read back through the
control plane. A SIP call starts with the control plane (``fake.services["realtime_calls"].incoming(...)``, HTTP
``POST /__mockapi__/realtime/calls``): the call rings (``incoming``) and the ``realtime.call.incoming`` webhook
goes to the owner's endpoints, as the real service does when a phone call reaches the project's SIP address.
Facts and choices: contracts/README.md ("Realtime calls").
"""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from mockapi import errors
from mockapi.common import find, required, typed
from mockapi.context import RequestContext
from mockapi.resources.realtime import realtime_session, session_of
from mockapi.webhooks.service import service_of

if TYPE_CHECKING:
    from mockapi.fake import Fake

CALLS = "realtime_calls"
REJECT_DEFAULT = 603  # the document: "Defaults to `603` (Decline) when omitted."


@dataclass
class Call:
    id: str
    transport: str  # "sip" | "webrtc"
    status: str  # incoming -> active -> ended | referred; incoming -> rejected
    created_at: int
    session: dict[str, Any] | None = None
    sip_headers: list[dict[str, str]] = field(default_factory=list)
    reject_status_code: int | None = None
    refer_target_uri: str | None = None
    actions: list[dict[str, Any]] = field(default_factory=list)  # what the backend did, in order

    def describe(self) -> dict[str, Any]:
        return {"call_id": self.id, "transport": self.transport, "status": self.status,
                "created_at": self.created_at, "session": copy.deepcopy(self.session),
                "sip_headers": list(self.sip_headers), "reject_status_code": self.reject_status_code,
                "refer_target_uri": self.refer_target_uri, "actions": list(self.actions)}  # fmt: skip


def new_call_id() -> str:
    return "rtc_" + secrets.token_hex(16)  # the documented shape: rtc_479a275623b54bdb9b6fbae2f7cbd408


class CallService:
    """Incoming SIP calls for tests, and every call's record (``fake.services["realtime_calls"]``)."""

    def __init__(self, fake: Fake) -> None:
        self.fake = fake

    def incoming(self, api_key: str = "sk-test", *, from_number: str = "+14155550100", to_number: str = "+18005550199",
                 sip_headers: list[dict[str, str]] | None = None) -> dict[str, Any]:  # fmt: skip
        """A phone call reaches the project behind ``api_key``: it rings, and ``realtime.call.incoming`` goes
        out. Returns the call's record (``call_id``, ``sip_headers``...)."""
        owner = self.fake.dispatcher.owner_of(api_key)
        call = Call(id=new_call_id(), transport="sip", status="incoming", created_at=self.fake.clock.now_int(),
                    sip_headers=sip_headers or _sip_headers(from_number, to_number))  # fmt: skip
        with self.fake.state.lock:
            self.fake.state.namespace(owner).collection(CALLS).add(call.id, call)
        service_of(self.fake).emit(owner, "realtime.call.incoming",
                                   {"call_id": call.id, "sip_headers": list(call.sip_headers)})  # fmt: skip
        return call.describe()

    def call(self, call_id: str) -> dict[str, Any]:
        """Any owner's call, as the backend left it."""
        with self.fake.state.lock:
            for ns in self.fake.state.namespaces():
                found = ns.collection(CALLS).get(call_id)
                if found is not None:
                    return found.describe()
        raise errors.not_found("call", call_id)


def install(fake: Fake) -> None:
    service = fake.services["realtime_calls"] = CallService(fake)
    add = fake.router.add
    add("POST", "/realtime/calls", create, body="multipart", raw_media="application/sdp")
    add("POST", "/realtime/calls/{call_id}/accept", accept)
    add("POST", "/realtime/calls/{call_id}/reject", reject)
    add("POST", "/realtime/calls/{call_id}/refer", refer)
    add("POST", "/realtime/calls/{call_id}/hangup", hangup, body="none")
    fake.control.add("POST", "/realtime/calls", lambda f, b, q: service.incoming(**b))
    fake.control.add("GET", "/realtime/calls/{call_id}", lambda f, b, q: service.call(q["call_id"]))


# -- WebRTC -----------------------------------------------------------------------------------------


def create(ctx: RequestContext) -> Response:
    """An SDP offer (multipart ``sdp`` + optional ``session``, or the bare ``application/sdp`` body an
    ephemeral key sends) -> ``201`` with the SDP answer and ``Location: /v1/realtime/calls/{call_id}``."""
    body = ctx.body
    if isinstance(body, str):  # the browser's form: the session is the one its ephemeral key was minted with
        offer, session = body, session_of(ctx.fake, ctx.api_key) or realtime_session(ctx, {}, "session.")
    else:
        asked = body.get("session") or {}
        offer, session = required(body, "sdp", str), realtime_session(ctx, asked if isinstance(asked, dict) else {},
                                                                     "session.")  # fmt: skip
    answer = sdp_answer(offer)
    call = Call(id=new_call_id(), transport="webrtc", status="active", created_at=ctx.now, session=session)
    call.actions.append({"action": "create", "at": ctx.now})
    ctx.ns.collection(CALLS).add(call.id, call)
    return Response(answer, status_code=201, media_type="application/sdp",
                    headers={"location": f"/v1/realtime/calls/{call.id}"})  # fmt: skip


def sdp_answer(offer: str) -> str:
    """An answer to ``offer``: one media section per offered one (same mid, protocol and first formats), as
    OpenAI's answer in the document's example is laid out. 400 for text that is no SDP offer (wording chosen)."""
    lines = [line.strip() for line in offer.replace("\r\n", "\n").split("\n") if line.strip()]
    media = [line for line in lines if line.startswith("m=")]
    if not lines or lines[0] != "v=0" or not media:
        raise errors.invalid_request("Invalid SDP offer: expected 'v=0' followed by at least one 'm=' line.",
                                     param="sdp")  # fmt: skip
    mids = [line[len("a=mid:"):] for line in lines if line.startswith("a=mid:")] or [str(i) for i in range(len(media))]
    session_id = secrets.randbelow(2**32)
    fingerprint = ":".join(f"{b:02X}" for b in secrets.token_bytes(32))
    ufrag, pwd = secrets.token_urlsafe(9)[:12], secrets.token_urlsafe(24)[:32]
    out = ["v=0", f"o=- {session_id} {session_id} IN IP4 127.0.0.1", "s=-", "c=IN IP4 0.0.0.0", "t=0 0",
           f"a=group:BUNDLE {' '.join(mids)}", "a=msid-semantic:WMS *",
           f"a=fingerprint:sha-256 {fingerprint}"]  # fmt: skip
    for index, line in enumerate(media):
        kind, *rest = line[2:].split()
        proto, formats = (rest[1], rest[2:]) if len(rest) > 1 else ("UDP/TLS/RTP/SAVPF", [])
        out.append(f"m={kind} 9 {proto} {' '.join(formats) or '0'}")
        out += [f"a=mid:{mids[index] if index < len(mids) else index}", f"a=ice-ufrag:{ufrag}", f"a=ice-pwd:{pwd}",
                "a=setup:active", "a=rtcp-mux"]  # fmt: skip
        if kind == "audio":
            out.append("a=rtpmap:111 opus/48000/2")
        elif kind == "application":
            out.append("a=sctp-port:5000")
    return "\r\n".join(out) + "\r\n"


# -- SIP --------------------------------------------------------------------------------------------


def _call(ctx: RequestContext) -> Call:
    found: Call = find(ctx.ns.collection(CALLS), ctx.params["call_id"], "Call")  # wording chosen
    return found


def _expect(call: Call, statuses: tuple[str, ...], action: str) -> None:
    if call.status not in statuses:  # wording chosen; the real API's is unverified
        raise errors.invalid_request(f"Cannot {action} call '{call.id}': it is {call.status}.")


def accept(ctx: RequestContext) -> Response:
    call = _call(ctx)
    _expect(call, ("incoming",), "accept")
    call.session = realtime_session(ctx, ctx.body)
    return _moved(call, "active", ctx.now, "accept")


def reject(ctx: RequestContext) -> Response:
    call = _call(ctx)
    _expect(call, ("incoming",), "reject")
    code = typed(ctx.body or {}, "status_code", int, REJECT_DEFAULT)
    if not 400 <= code <= 699:  # a final SIP failure response (range chosen)
        raise errors.invalid_request(f"Invalid 'status_code': {code}. Expected a SIP status code from 400 to 699.",
                                     param="status_code", code="invalid_value")  # fmt: skip
    call.reject_status_code = code
    return _moved(call, "rejected", ctx.now, "reject", status_code=code)


def refer(ctx: RequestContext) -> Response:
    call = _call(ctx)
    if call.transport != "sip":
        raise errors.invalid_request(f"Cannot refer call '{call.id}': only SIP calls can be transferred.")
    _expect(call, ("active",), "refer")
    target = required(ctx.body, "target_uri", str)
    if not target.startswith(("tel:", "sip:", "sips:")):  # the document: "like tel:+14155550123 or sip:agent@…"
        raise errors.invalid_request(f"Invalid 'target_uri': '{target}'. Expected a tel: or sip: URI.",
                                     param="target_uri", code="invalid_value")  # fmt: skip
    call.refer_target_uri = target
    return _moved(call, "referred", ctx.now, "refer", target_uri=target)


def hangup(ctx: RequestContext) -> Response:
    call = _call(ctx)
    _expect(call, ("active",), "hang up")
    return _moved(call, "ended", ctx.now, "hangup")


def _moved(call: Call, status: str, at: int, action: str, **details: Any) -> Response:
    """The call's new status, with the action recorded; the documented empty 200."""
    call.status = status
    call.actions.append({"action": action, "at": at, **details})
    return Response(status_code=200)


def _sip_headers(from_number: str, to_number: str) -> list[dict[str, str]]:
    """What an INVITE to the project's SIP address carries (the realtime SIP guide's example event)."""
    return [
        {"name": "From", "value": f"<sip:{from_number}@sip.example.com>;tag={secrets.token_hex(4)}"},
        {"name": "To", "value": f"<sip:{to_number}@sip.api.openai.com>"},
        {"name": "Call-ID", "value": f"{secrets.token_hex(16)}@sip.example.com"},
        {"name": "CSeq", "value": "1 INVITE"},
        {"name": "Content-Type", "value": "application/sdp"},
    ]
