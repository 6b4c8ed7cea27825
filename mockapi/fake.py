"""``Fake``: one instance of the fake API and its Python control API.

It wires the pieces together (config, clock, state, router, contract,
dispatcher, control plane, journal) and builds the Starlette app. Tests use
it in-process; ``mockapi serve`` serves its ``app`` with uvicorn.
"""

from __future__ import annotations

import math
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.types import Receive, Scope, Send

from mockapi import faults, ratelimit, resources, responder
from mockapi.clock import Clock
from mockapi.config import Config, KeyInfo
from mockapi.control import PREFIX, ControlPlane
from mockapi.dispatch import Dispatcher
from mockapi.journal import Journal
from mockapi.routing import FORM, Router
from mockapi.state import State

# 9999-12-31T23:59:59Z: the last moment every client can read as a date.
_LAST_TIMESTAMP = 253_402_300_799


class App(Starlette):
    """The Starlette app, with a direct path for ``/v1`` requests.

    The dispatcher already turns every failure into the real error envelope, so
    OpenAI requests skip Starlette's middleware stack and router (a measurable
    share of the per-request cost); everything else goes the usual way.
    """

    def __init__(self, dispatcher: Dispatcher, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dispatcher = dispatcher

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/v1/"):
            scope["app"] = self
            # What Dispatcher.__call__ does, one coroutine less per request.
            response = await self.dispatcher.handle(scope, receive)
            await response(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


class Fake:
    def __init__(self, config: Config | None = None, **overrides: Any) -> None:
        config = config or Config()
        for name, value in overrides.items():
            if not hasattr(config, name):
                raise TypeError(f"unknown setting {name!r}")
            setattr(config, name, value)
        config.normalize()
        self.config = config
        self.clock = Clock(manual=config.manual_clock)
        self.state = State()
        self.journal = Journal(config.journal_size)
        self.router = Router()
        self.dispatcher = Dispatcher(self)
        self.control = ControlPlane(self)
        # Contract violations seen in responses and unexpected exceptions: tests fail on either.
        self.violations: list[str] = []
        self.internal_errors: list[str] = []
        # Feature services (responder, faults, ...) register themselves here by name.
        self.services: dict[str, Any] = {}
        # Keys the Administration API created (service account and admin keys) -> what they belong to; None:
        # deleted, so refused. They authenticate whatever `api_keys` says (contracts/README.md, "Administration").
        self.issued_keys: dict[str, KeyInfo | None] = {}
        responder.install(self)
        resources.install_all(self)
        faults.install(self)
        ratelimit.install(self)
        self._bind_contract()
        routes = [Mount(PREFIX, app=self.control.router), Mount("/", app=self.dispatcher)]
        self.app = App(self.dispatcher, routes=routes)

    def _bind_contract(self) -> None:
        from mockapi.contract import Contract

        contract = Contract.load()
        for route in self.router.routes:
            route.operation = op = contract.operation(route.method, route.path)
            if op is not None and [s for s in op.spec.get("responses", {}) if s.startswith("2")] == ["201"]:
                route.status = 201
            route.takes_form = route.body == "json" and op is not None and FORM in op.request_content_types

    # -- Python control API (the HTTP control plane calls these) -------------

    @property
    def responder(self) -> responder.Responder:
        """Script what the model says: ``fake.responder.script({"text": "hi"}, contains="hello")``."""
        return self.services["responder"]

    @property
    def webhooks(self) -> Any:
        """Webhook endpoints for every owner and what was delivered: ``fake.webhooks.add_endpoint(url)``,
        ``fake.webhooks.wait_for("batch.completed")`` (a ``mockapi.webhooks.service.WebhookService``)."""
        return self.services["webhooks"]

    def reset(self) -> None:
        """Forget every object, script and fault; keep config and clock mode."""
        self.state.reset()
        self.journal.clear()
        self.violations.clear()
        self.internal_errors.clear()

    def advance(self, seconds: float) -> float:
        """Move the clock forward; lazy lifecycles catch up when next read."""
        seconds = float(seconds)
        # NaN, infinity or a jump past year 9999 would make every later timestamp unwritable (a 500 on
        # every request until the fake is rebuilt: reset keeps the clock).
        if not math.isfinite(seconds) or self.clock.now() + seconds > _LAST_TIMESTAMP:
            raise ValueError(f"cannot advance the clock by {seconds} seconds (it must stay before the year 10000)")
        return self.clock.advance(seconds)

    @property
    def base_url(self) -> str:
        return "http://mockapi.local/v1"

    def openai_client(self, api_key: str = "sk-test", **kwargs: Any) -> Any:
        """An official ``openai.OpenAI`` client that talks to this fake in-process."""
        from mockapi.inprocess import openai_client

        return openai_client(self, api_key=api_key, **kwargs)

    def http_client(self, api_key: str | None = "sk-test", **kwargs: Any) -> Any:
        """A plain ``httpx.Client`` bound to this fake in-process (for raw requests)."""
        import httpx

        from mockapi.inprocess import sync_transport

        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        headers.update(kwargs.pop("headers", None) or {})
        return httpx.Client(
            transport=sync_transport(self.app, httpx), base_url=self.base_url.removesuffix("/v1"),
            headers=headers, **kwargs,
        )

    def async_openai_client(self, api_key: str = "sk-test", **kwargs: Any) -> Any:
        from mockapi.inprocess import async_openai_client

        return async_openai_client(self, api_key=api_key, **kwargs)
