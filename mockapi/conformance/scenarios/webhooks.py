"""Webhooks: a project's endpoints managed through the API; a test event and a background response's event
delivered to a receiver on this machine and verified with the SDK's ``webhooks.unwrap``."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from mockapi.conformance.scenarios._util import CHAT_MODEL

sdk_only = pytest.mark.sdk_only("the reference client has no webhooks resource")


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    """A local webhook handler that answers 200 and keeps what it got: (its URL, [(headers, body)])."""
    got: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            got.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/webhook", got
    server.shutdown()
    server.server_close()


@sdk_only
def scenario_webhook_endpoints(api, token) -> None:
    created = api.webhooks.create(url=f"https://example.com/hooks/{token}", name=f"ep-{token}",
                                  event_types=["batch.completed", "response.completed"])
    assert created.object == "webhook_endpoint" and created.signing_secret.startswith("whsec_")
    assert api.webhooks.retrieve(created.id).url == f"https://example.com/hooks/{token}"
    assert created.id in [e.id for e in api.webhooks.list(limit=100).data]
    updated = api.webhooks.update(created.id, event_types=["batch.failed"])
    assert updated.event_types == ["batch.failed"] and updated.name == f"ep-{token}"
    rotated = api.webhooks.rotate_secret(created.id)
    assert rotated.signing_secret != created.signing_secret
    assert "response.completed" in api.webhooks.event_types.list().data
    assert api.webhooks.delete(created.id).deleted is True
    with api.raises(404):
        api.webhooks.retrieve(created.id)
    with api.raises(400):
        api.webhooks.create(url=f"https://example.com/hooks/{token}", name="x", event_types=["no.such.event"])


@sdk_only
def scenario_webhook_deliveries(api, control, receiver, token) -> None:
    url, got = receiver
    endpoint = api.webhooks.create(url=url, name=f"local-{token}", event_types=["response.completed"])
    try:
        tested = api.webhooks.test(endpoint.id, event_type="batch.completed")
        assert tested.status_code == 200 and tested.success and tested.webhook_endpoint_id == endpoint.id
        sample = api.webhooks.unwrap(got[0][1], got[0][0], secret=endpoint.signing_secret)
        assert sample.type == "batch.completed"

        response = api.responses.create(model=CHAT_MODEL, input=f"hello {token}", background=True)
        delivery = next(d for d in control.wait_for_webhooks("response.completed", timeout=15.0)
                        if d["event"]["data"]["id"] == response.id)  # fmt: skip
        headers, body = next((h, b) for h, b in got if h["webhook-id"] == delivery["id"])
        event = api.webhooks.unwrap(body, headers, secret=endpoint.signing_secret)
        assert event.type == "response.completed" and event.data.id == response.id
        assert json.loads(body)["object"] == "event"
    finally:
        api.webhooks.delete(endpoint.id)
