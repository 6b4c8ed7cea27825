"""The control plane: how tests steer the fake, over HTTP and from Python.

HTTP routes live under ``/__mockapi__/`` (a prefix no OpenAI path can take).
Every route is a thin wrapper over a method of the ``Fake`` Python API, so both
ways do exactly the same thing. Features add their controls with ``add``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router

from mockapi import errors
from mockapi.dispatch import JSONResponse

if TYPE_CHECKING:
    from mockapi.fake import Fake

PREFIX = "/__mockapi__"

# A control handler gets the fake, the JSON body (or {}) and the query; returns JSON.
ControlHandler = Callable[["Fake", dict[str, Any], dict[str, str]], Any]


class ControlPlane:
    def __init__(self, fake: Fake) -> None:
        self.fake = fake
        self.router = Router()
        self.add("GET", "/health", lambda f, b, q: {"status": "ok", "clock": f.clock.describe()})
        self.add("POST", "/reset", lambda f, b, q: f.reset() or {"reset": True})
        self.add("GET", "/journal", _journal)
        self.add("DELETE", "/journal", lambda f, b, q: f.journal.clear() or {"cleared": True})
        self.add("GET", "/violations", lambda f, b, q: {"violations": list(f.violations)})
        self.add("GET", "/clock", lambda f, b, q: f.clock.describe())
        self.add("POST", "/clock", _clock)

    def add(self, method: str, path: str, handler: ControlHandler) -> None:
        async def endpoint(request: Request) -> Response:
            if not self.fake.config.control_plane:
                return JSONResponse(errors.unknown_url(request.method, request.url.path).body(), status_code=404)
            raw = await request.body()
            try:
                body = orjson.loads(raw) if raw.strip() else {}
            except orjson.JSONDecodeError:
                return JSONResponse(errors.invalid_json().body(), status_code=400)
            params = dict(request.query_params) | dict(request.path_params)
            try:
                with self.fake.state.lock:
                    result = handler(self.fake, body, params)
            except errors.APIError as exc:
                return JSONResponse(exc.body(), status_code=exc.status)
            except (ValueError, KeyError, TypeError) as exc:
                return JSONResponse(errors.invalid_request(f"Invalid control request: {exc}").body(), status_code=400)
            return JSONResponse(result)

        self.router.routes.append(Route(path, endpoint, methods=[method]))


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
