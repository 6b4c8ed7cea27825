"""Webhook endpoints, the events the fake's long-running work emits, and their delivery.

Endpoints come from the API (``/webhook_endpoints``, each owner its own), the config file (``webhooks:
endpoints``) or the Python control API (``fake.webhooks.add_endpoint``); the last two get every owner's
events. An event becomes one ``Delivery`` per subscribed endpoint. A background thread, started with the first
endpoint, sends them as the real service does (signed POSTs; a non-2xx, a redirect or no answer within the
timeout is retried with exponential backoff for up to 72 hours, on the fake's clock) and settles lifecycles as
they come due, so an event goes out without anybody polling (the fake is otherwise lazy: mockapi/lifecycle.py).
The thread holds no lock while it sends: a receiver may call the fake back.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from mockapi.ids import new_id
from mockapi.webhooks import events, signing

if TYPE_CHECKING:
    import httpx

    from mockapi.fake import Fake

log = logging.getLogger("mockapi.webhooks")

ENDPOINTS = "webhook_endpoints"  # namespace collection of the endpoints made through the API
# The guide's captured delivery (platform.openai.com/docs/guides/webhooks).
USER_AGENT = "OpenAI/1.0 (+https://platform.openai.com/docs/webhooks)"
OLD_SECRET_SECONDS = 24 * 3600  # rotate_secret's keep_old_secret_active_for_24_hours


@dataclass
class Endpoint:
    id: str
    url: str
    name: str
    event_types: list[str]
    created_at: int
    owner: str | None  # None: every owner's events (config and control-plane endpoints)
    secrets: list[tuple[str, float | None]] = field(default_factory=list)  # (secret, expiry), newest first
    updated_at: int | None = None
    deleted: bool = False

    def live_secrets(self, now: float) -> list[str]:
        return [secret for secret, expires in self.secrets if expires is None or expires > now]

    def render(self) -> dict[str, Any]:
        return {
            "id": self.id, "object": "webhook_endpoint", "name": self.name, "url": self.url,
            "event_types": list(self.event_types), "created_at": self.created_at,
            "updated_at": self.updated_at if self.updated_at is not None else self.created_at,
            "signing_secret_hint": signing.hint(self.secrets[0][0]),
        }  # fmt: skip

    def render_with_secret(self) -> dict[str, Any]:
        return {**self.render(), "signing_secret": self.secrets[0][0]}


@dataclass
class Delivery:
    id: str  # the webhook-id header: the same on every attempt (the guide: an idempotency key)
    endpoint: Endpoint
    event: dict[str, Any]
    body: bytes
    first: float  # fake clock
    due: float
    attempts: list[dict[str, Any]] = field(default_factory=list)
    status: str = "pending"  # delivered | failed (retries given up) | pending

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, "endpoint_id": self.endpoint.id, "url": self.endpoint.url, "event": self.event,
                "status": self.status, "attempts": list(self.attempts)}  # fmt: skip


class WebhookService:
    """Endpoints and deliveries of one fake (``fake.webhooks``)."""

    NAME = "webhooks"

    def __init__(self, fake: Fake) -> None:
        self.fake = fake
        settings = fake.config.extra.get("webhooks") or {}
        self.timeout = float(settings.get("timeout", 5.0))  # "doesn't respond within a few seconds"
        self.retry_delay = float(settings.get("retry_delay", 5.0))  # first retry; doubles after each failure
        self.retry_for = float(settings.get("retry_for", 72 * 3600))  # "for up to 72 hours"
        self.tick = float(settings.get("tick", min(0.05, max(0.005, fake.config.step_delay / 2))))
        # Called with the clock's now on every tick: bring due lifecycles up to date (they emit as they end).
        self.settlers: list[Callable[[float], None]] = []
        self._cond = threading.Condition()
        self._ticking = threading.Lock()
        self._deliveries: list[Delivery] = []
        self._pending: list[Delivery] = []
        self._added: list[Endpoint] = []  # the control API's; forgotten on reset
        self._configured = [self._new_endpoint(None, **spec) for spec in settings.get("endpoints") or []]
        for endpoint in self._configured:
            _check_types(endpoint.event_types)
        self._thread: threading.Thread | None = None
        self._http: httpx.Client | None = None
        fake.state.on_reset(self._reset)
        if self._configured:
            self.start()

    # -- endpoints ------------------------------------------------------------------------------

    def _new_endpoint(self, owner: str | None, url: str, event_types: list[str] | None = None,
                      name: str = "mockapi", secret: str | None = None) -> Endpoint:  # fmt: skip
        return Endpoint(
            id=new_id("we_"), url=url, name=name, event_types=list(event_types or events.EVENT_TYPES),
            created_at=self.fake.clock.now_int(), owner=owner, secrets=[(secret or signing.new_secret(), None)],
        )

    def add_endpoint(self, url: str, *, event_types: list[str] | None = None, secret: str | None = None,
                     name: str = "mockapi") -> dict[str, Any]:  # fmt: skip
        """An endpoint for every owner's events (default: every event type); returns it with its secret."""
        _check_types(event_types or [])
        endpoint = self._new_endpoint(None, url, event_types, name, secret)
        with self._cond:
            self._added.append(endpoint)
        self.start()
        return endpoint.render_with_secret()

    def create(self, owner: str, url: str, event_types: list[str], name: str) -> Endpoint:
        """An endpoint made through the API (stored by the handler in the owner's namespace)."""
        endpoint = self._new_endpoint(owner, url, event_types, name)
        self.start()
        return endpoint

    def rotate(self, endpoint: Endpoint, keep_old: bool) -> None:
        now = self.fake.clock.now()
        old = [(secret, now + OLD_SECRET_SECONDS) for secret, _ in endpoint.secrets[:1]] if keep_old else []
        endpoint.secrets = [(signing.new_secret(), None), *old]
        endpoint.updated_at = int(now)

    def _endpoints_of(self, owner: str) -> list[Endpoint]:
        own = self.fake.state.namespace(owner).collection(ENDPOINTS)
        return [*self._configured, *self._added, *own.values()]

    # -- events ---------------------------------------------------------------------------------

    def emit(self, owner: str, type: str, data: dict[str, Any]) -> None:
        """``type`` happened to one of ``owner``'s objects: queue a delivery to each subscribed endpoint."""
        if self._thread is None:
            return  # no endpoint anywhere (the common case): nothing to do
        targets = [e for e in self._endpoints_of(owner) if type in e.event_types]
        if targets:
            self._queue(targets, events.event(type, data, self.fake.clock.now_int()))

    def _queue(self, targets: list[Endpoint], event: dict[str, Any]) -> list[Delivery]:
        now = self.fake.clock.now()
        body = orjson.dumps(event)
        queued = [Delivery(new_id("wh_"), endpoint, event, body, first=now, due=now) for endpoint in targets]
        with self._cond:
            self._deliveries += queued
            self._pending += queued
            self._trim()
        return queued

    def _trim(self) -> None:
        """Keep the newest ``journal_size`` deliveries for reading back (those still pending stay queued)."""
        excess = len(self._deliveries) - self.fake.config.journal_size
        if excess > 0:
            del self._deliveries[:excess]

    def send_test(self, endpoint: Endpoint, type: str) -> tuple[int | None, str | None]:
        """``POST /webhook_endpoints/{id}/test``: a sample event, sent once now (no retry; to be called with no
        lock held). Returns the receiver's status, or None and what went wrong."""
        event = events.event(type, events.sample_data(type), self.fake.clock.now_int())
        delivery = Delivery(new_id("wh_"), endpoint, event, orjson.dumps(event), first=0.0, due=0.0)
        with self._cond:
            self._deliveries.append(delivery)
            self._trim()
        self._attempt(delivery, retry=False)
        attempt = delivery.attempts[-1]
        return attempt["status_code"], attempt["error"]

    # -- what tests read ------------------------------------------------------------------------

    def deliveries(self, type: str | None = None) -> list[dict[str, Any]]:
        """The deliveries so far (the newest ``journal_size``), each with its attempts, oldest first; only events
        of ``type`` if given."""
        with self._cond:
            return [d.describe() for d in self._deliveries if type is None or d.event["type"] == type]

    def wait_for(self, type: str | None = None, *, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Block until ``count`` deliveries (of ``type``) have been attempted at least once; returns them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                done = [d for d in self._deliveries if d.attempts and (type is None or d.event["type"] == type)]
                if len(done) >= count:
                    return [d.describe() for d in done]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(done)} of {count} {type or 'webhook'} deliveries within {timeout} s")
                self._cond.wait(left)

    # -- the background thread ------------------------------------------------------------------

    def start(self) -> None:
        with self._cond:
            if self._thread is None:
                # A weak reference: the thread ends once the fake is gone (tests make one fake each).
                self._thread = threading.Thread(target=_run, args=(weakref.ref(self),), name="mockapi-webhooks",
                                                daemon=True)  # fmt: skip
                self._thread.start()

    def run_once(self) -> None:
        """One tick: settle what came due, then send what is due (one tick at a time: never a double send)."""
        with self._ticking:
            now = self.fake.clock.now()
            for settle in self.settlers:
                settle(now)
            with self._cond:
                for gone in [d for d in self._pending if d.endpoint.deleted]:
                    gone.status = "failed"
                    self._pending.remove(gone)
                due = [d for d in self._pending if d.due <= now]
            for delivery in due:
                self._attempt(delivery)

    def _attempt(self, delivery: Delivery, retry: bool = True) -> int | None:
        """Send once, with no lock held; record the attempt and what comes next. Returns the status."""
        now = self.fake.clock.now()
        timestamp = int(time.time())  # the SDKs check it against the wall clock (a 5-minute tolerance)
        endpoint = delivery.endpoint
        headers = {
            "content-type": "application/json", "user-agent": USER_AGENT, "webhook-id": delivery.id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signing.signature(endpoint.live_secrets(now), delivery.id, timestamp, delivery.body),
        }  # fmt: skip
        import httpx  # here: only a fake with endpoints pays for the import (start-up time)

        status, error = None, None
        try:
            status = self._client().post(endpoint.url, content=delivery.body, headers=headers).status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        ok = status is not None and 200 <= status < 300  # redirects are not followed: a failure
        with self._cond:
            delivery.attempts.append({"at": int(now), "status_code": status, "error": error})
            if ok or not retry:
                delivery.status = "delivered" if ok else "failed"
            else:
                delay = self.retry_delay * 2 ** (len(delivery.attempts) - 1)
                delivery.due = now + delay
                if delivery.due - delivery.first > self.retry_for:
                    delivery.status = "failed"
            if delivery.status != "pending" and delivery in self._pending:
                self._pending.remove(delivery)
            self._cond.notify_all()
        return status

    def _client(self) -> httpx.Client:
        if self._http is None:
            import httpx

            self._http = httpx.Client(timeout=self.timeout, follow_redirects=False, trust_env=False)
        return self._http

    def _reset(self) -> None:
        with self._cond:
            self._added.clear()
            self._deliveries.clear()
            self._pending.clear()


def _check_types(event_types: list[str]) -> None:
    unknown = sorted(set(event_types) - set(events.EVENT_TYPES))
    if unknown:
        raise ValueError(f"unknown event types: {', '.join(unknown)}")


def _run(ref: weakref.ref[WebhookService]) -> None:
    while True:
        service = ref()
        if service is None:
            return
        try:
            service.run_once()
        except Exception:  # a bug here must not stop later deliveries
            log.exception("webhook tick failed")
        tick = service.tick
        del service
        time.sleep(tick)


def service_of(fake: Fake) -> WebhookService:
    """The fake's webhook service (made on first use: lifecycles register with it as they install)."""
    found = fake.services.get(WebhookService.NAME)
    if found is None:
        found = fake.services[WebhookService.NAME] = WebhookService(fake)
    return found
