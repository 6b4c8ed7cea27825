"""The control plane: how tests steer the fake, over HTTP and from Python.

HTTP routes live under ``/__mockapi__/`` (a prefix no OpenAI path can take).
Every route is a thin wrapper over a method of the ``Fake`` Python API, so both
ways do exactly the same thing. Features add their controls with ``add``.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import anyio.to_thread
import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router

from mockapi import errors
from mockapi.dispatch import Deferred, JSONResponse

if TYPE_CHECKING:
    from mockapi.fake import Fake

PREFIX = "/__mockapi__"
_ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
log = logging.getLogger("mockapi")

# A control handler gets the fake, the JSON body (or {}) and the query; returns JSON.
ControlHandler = Callable[["Fake", dict[str, Any], dict[str, str]], Any]


class ControlPlane:
    def __init__(self, fake: Fake) -> None:
        self.fake = fake
        # Unknown control paths and methods answer in the API's error envelope, like everything else.
        self.router = Router(default=self._not_found)
        self._handlers: dict[str, dict[str, ControlHandler]] = {}
        self.add("GET", "/health", lambda f, b, q: {"status": "ok", "clock": f.clock.describe()})
        self.add("POST", "/reset", lambda f, b, q: f.reset() or {"reset": True})
        self.add("GET", "/journal", _journal)
        self.add("DELETE", "/journal", lambda f, b, q: f.journal.clear() or {"cleared": True})
        self.add("GET", "/violations", lambda f, b, q: {"violations": list(f.violations)})
        self.add("GET", "/clock", lambda f, b, q: f.clock.describe())
        self.add("POST", "/clock", _clock)

    def add(self, method: str, path: str, handler: ControlHandler) -> None:
        methods = self._handlers.get(path)
        if methods is None:
            methods = self._handlers[path] = {}
            # One route per path taking every method, so a wrong method gets the enveloped 405.
            self.router.routes.append(Route(path, self._endpoint(methods), methods=_ANY_METHOD))
            # A route takes every method, so a literal path (/runs/hold) must be tried before a template that
            # also matches it (/runs/{run_id}); the sort is stable.
            self.router.routes.sort(key=lambda route: "{" in getattr(route, "path", ""))
        methods[method.upper()] = handler

    def _endpoint(self, methods: dict[str, ControlHandler]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            if not self.fake.config.control_plane:
                return await self._not_found(request)
            handler = methods.get(request.method)
            if handler is None:
                exc = errors.method_not_allowed(request.method, request.url.path)
                return JSONResponse(exc.body(), status_code=exc.status)
            return await self._call(handler, request)

        return endpoint

    async def _call(self, handler: ControlHandler, request: Request) -> Response:
        raw = await request.body()
        try:
            body = orjson.loads(raw) if raw.strip() else {}
        except orjson.JSONDecodeError:
            return JSONResponse(errors.invalid_json().body(), status_code=400)
        if not isinstance(body, dict):
            message = f"Invalid control request: expected a JSON object, but got {errors.json_type_name(body)}."
            return JSONResponse(errors.invalid_request(message).body(), status_code=400)
        if errors.nested_too_deep(body):  # a script nested that deep could not be written back (the journal)
            return JSONResponse(errors.invalid_json().body(), status_code=400)
        params = dict(request.query_params) | dict(request.path_params)
        try:
            with self.fake.state.lock:
                result = handler(self.fake, body, params)
            if isinstance(result, Deferred):  # a control that waits: no lock held, off the event loop
                result = await anyio.to_thread.run_sync(result.work)
        except errors.APIError as exc:
            return JSONResponse(exc.body(), status_code=exc.status)
        except TimeoutError as exc:
            return JSONResponse(errors.APIError(408, str(exc), code="timeout").body(), status_code=408)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            return JSONResponse(errors.invalid_request(f"Invalid control request: {exc}").body(), status_code=400)
        except Exception:
            # A bug in a control: an enveloped 500 that tests see (internal_errors), not Starlette's plain text.
            log.exception("unexpected error on control %s %s", request.method, request.url.path)
            self.fake.internal_errors.append(traceback.format_exc())
            return JSONResponse(errors.server_error().body(), status_code=500)
        return JSONResponse(result)

    async def _not_found(self, scope: Any, receive: Any = None, send: Any = None) -> Response | None:
        """The 404 for an unknown control path: an ASGI app as the router's default, or a Response."""
        request = scope if isinstance(scope, Request) else Request(scope)
        exc = errors.unknown_url(request.method, request.url.path)
        response = JSONResponse(exc.body(), status_code=exc.status)
        if send is None:
            return response
        await response(scope, receive, send)
        return None


def _journal(fake: Fake, body: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
    entries = fake.journal.entries(path=query.get("path"), method=query.get("method"))
    return {"object": "list", "data": [e.to_dict() for e in entries]}


def _clock(fake: Fake, body: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
    if "mode" in body:
        if body["mode"] not in ("manual", "real"):
            raise ValueError("mode must be 'manual' or 'real'")
        fake.clock.set_manual(body["mode"] == "manual")
    if "advance" in body:
        fake.advance(float(body["advance"]))
    return fake.clock.describe()
