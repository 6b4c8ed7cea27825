"""``/webhook_endpoints`` and ``/webhook_event_types``: the project's webhook endpoints (openai-python 3.63.0
``client.webhooks``; newer than the pinned document, so the contract's overlay describes them).

Delivery, signing and the events themselves live in ``mockapi.webhooks``. Facts and choices: contracts/README.md
("Webhooks").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mockapi import errors
from mockapi.common import deleted, find, paginate, required, typed
from mockapi.context import RequestContext
from mockapi.dispatch import Deferred
from mockapi.webhooks import events
from mockapi.webhooks.service import ENDPOINTS, Endpoint, WebhookService, service_of

if TYPE_CHECKING:
    from mockapi.fake import Fake

THING = "webhook endpoint"


def install(fake: Fake) -> None:
    service = service_of(fake)
    add = fake.router.add
    add("POST", "/webhook_endpoints", create)
    add("GET", "/webhook_endpoints", list_endpoints)
    add("GET", "/webhook_endpoints/{webhook_endpoint_id}", retrieve)
    add("POST", "/webhook_endpoints/{webhook_endpoint_id}", update)
    add("DELETE", "/webhook_endpoints/{webhook_endpoint_id}", delete)
    add("POST", "/webhook_endpoints/{webhook_endpoint_id}/rotate_secret", rotate_secret)
    add("POST", "/webhook_endpoints/{webhook_endpoint_id}/test", test)
    add("GET", "/webhook_event_types", lambda ctx: {"object": "list", "data": list(events.EVENT_TYPES)})
    control = fake.control
    control.add("POST", "/webhooks/endpoints", lambda f, b, q: service.add_endpoint(**b))
    control.add("GET", "/webhooks/deliveries", lambda f, b, q: {"data": service.deliveries(q.get("type"))})
    control.add("POST", "/webhooks/deliveries/wait",
                lambda f, b, q: Deferred(lambda: {"data": service.wait_for(**b)}))


def _url(value: str) -> str:
    """An absolute http(s) URL. The real API wants HTTPS on the public Internet; the fake's receivers are local
    test servers, so plain http is accepted too (contracts/README.md)."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise errors.APIError(400, f"Invalid URL '{value}': expected an absolute http(s) URL.", param="url",
                              code="invalid_url")  # fmt: skip
    return value


def _endpoint(ctx: RequestContext) -> Endpoint:
    found: Endpoint = find(ctx.ns.collection(ENDPOINTS), ctx.params["webhook_endpoint_id"], "Webhook endpoint")
    return found


def create(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    endpoint = service_of(ctx.fake).create(
        ctx.owner, _url(required(body, "url", str)), required(body, "event_types", list), required(body, "name", str)
    )
    ctx.ns.collection(ENDPOINTS).add(endpoint.id, endpoint)
    return endpoint.render_with_secret()


def list_endpoints(ctx: RequestContext) -> dict[str, Any]:
    return paginate(ctx, ctx.ns.collection(ENDPOINTS), Endpoint.render)  # newest first, like the SDK says


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    return _endpoint(ctx).render()


def update(ctx: RequestContext) -> dict[str, Any]:
    endpoint = _endpoint(ctx)
    body = ctx.body
    changes = {"url": _url(body["url"]) if "url" in body else endpoint.url,
               "name": typed(body, "name", str, endpoint.name),
               "event_types": typed(body, "event_types", list, endpoint.event_types)}  # fmt: skip
    if changes != {"url": endpoint.url, "name": endpoint.name, "event_types": endpoint.event_types}:
        # "Tests and unchanged updates do not advance it" (the SDK's updated_at).
        endpoint.url, endpoint.name, endpoint.event_types = changes["url"], changes["name"], changes["event_types"]
        endpoint.updated_at = ctx.fake.clock.now_int()
    return endpoint.render()


def delete(ctx: RequestContext) -> dict[str, Any]:
    endpoint = _endpoint(ctx)
    ctx.ns.collection(ENDPOINTS).remove(endpoint.id)
    endpoint.deleted = True  # its pending retries stop
    return deleted(endpoint.id, "webhook_endpoint.deleted")


def rotate_secret(ctx: RequestContext) -> dict[str, Any]:
    endpoint = _endpoint(ctx)
    body = ctx.body if isinstance(ctx.body, dict) else {}
    service_of(ctx.fake).rotate(endpoint, bool(typed(body, "keep_old_secret_active_for_24_hours", bool, False)))
    return endpoint.render_with_secret()


def test(ctx: RequestContext) -> Deferred:
    endpoint = _endpoint(ctx)
    event_type = required(ctx.body, "event_type", str)
    service: WebhookService = service_of(ctx.fake)

    def send() -> dict[str, Any]:
        status, error = service.send_test(endpoint, event_type)
        if status is None:
            # Wording chosen: the SDK only says results always have success=true.
            raise errors.APIError(400, f"Could not deliver the test event to {endpoint.url}: {error}", param=None)
        return {"object": "webhook_endpoint.test", "webhook_endpoint_id": endpoint.id, "event_type": event_type,
                "status_code": status, "success": True}  # fmt: skip

    return Deferred(send)
