"""The request pipeline shared by every OpenAI endpoint.

route -> authenticate -> read body -> validate against the contract ->
interceptors (faults, rate limits) -> handler under the state lock -> response
(JSON, raw bytes or SSE) with the real API's headers -> journal.

Every failure becomes the real error envelope; an unexpected exception becomes
a 500 ``server_error`` (and is recorded, so tests fail on it).
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import anyio.to_thread
import orjson
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Message, Receive, Scope, Send

from mockapi import errors, multipart
from mockapi.context import RequestContext, UploadedFile
from mockapi.ids import request_id as new_request_id
from mockapi.routing import FORM as FORM_MEDIA
from mockapi.routing import Route
from mockapi.streaming import COALESCE, EventStream, SSEEvent, frames

if TYPE_CHECKING:
    from mockapi.fake import Fake

log = logging.getLogger("mockapi")

# An interceptor sees the context before the handler; returning a Response
# short-circuits the handler (fault injection, rate limiting).
Interceptor = Callable[[RequestContext, Route], "Response | None"]
# A response hook may add headers or wrap a stream (rate-limit headers, stream cuts).
ResponseHook = Callable[[RequestContext, Route, Response], Response]

JSON_HEADERS = {"access-control-expose-headers": "X-Request-ID", "openai-version": "2020-10-01"}
_STATIC_HEADERS = [(k.encode(), v.encode()) for k, v in JSON_HEADERS.items()]
_JSON_TYPE = (b"content-type", b"application/json")
# Browsers (the Node SDK with dangerouslyAllowBrowser): the real API answers CORS preflights without a key and lets
# any origin read its answers (contracts/README.md, "CORS").
_ALLOW_ORIGIN = (b"access-control-allow-origin", b"*")
_PREFLIGHT_METHODS = (b"access-control-allow-methods", b"GET, POST, PUT, PATCH, DELETE, OPTIONS")
_PREFLIGHT_MAX_AGE = (b"access-control-max-age", b"86400")
# The largest JSON body read (config file: `max_json_bytes`); the documented request ceiling is 50 MB (images in
# chat), so this is a choice (contracts/README.md, "Deviations and choices").
MAX_JSON_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Deferred:
    """What a handler returns when its work must run with no lock held and off the event loop (an outbound
    call that the receiver may answer by calling the fake back): ``work`` runs in a worker thread and returns
    the JSON body, or raises an ``APIError``."""

    work: Callable[[], Any]


class JSONResponse(Response):
    """A JSON response built with no more work than the wire needs (the hot path of every endpoint).

    Starlette's Response API (``headers``, ``body``, ``status_code``, ``raw_headers``) still works on it.
    """

    media_type = "application/json"

    def __init__(self, content: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> None:
        self.status_code = status_code
        self.background = None
        body = self.body = content if isinstance(content, bytes) else orjson.dumps(content)
        self.raw_headers = [(b"content-length", b"%d" % len(body)), _JSON_TYPE]
        if headers:
            self.raw_headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]

    @classmethod
    def from_bytes(cls, body: bytes) -> JSONResponse:
        """A JSON response whose body is already serialized."""
        return cls(body)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        await send({"type": "http.response.body", "body": self.body})


@dataclass(frozen=True)
class Constant:
    """What a handler returns for a body that never changes (the base model listing): the dispatcher
    builds, validates and serializes it once, then answers with the cached bytes."""

    key: str
    build: Callable[[], Any]


class Dispatcher:
    """ASGI app for ``/v1/...``; mounted by ``Fake.app``."""

    def __init__(self, fake: Fake) -> None:
        self.fake = fake
        self.interceptors: list[Interceptor] = []
        self.response_hooks: list[ResponseHook] = []
        self._constants: dict[str, bytes] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.handle(scope, receive)
        await response(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive) -> Response:
        started = time.perf_counter()
        rid = new_request_id()
        method = scope["method"]
        path = scope["path"]
        # One pass over the raw headers (a loop: a comprehension is one more frame); Starlette's Headers object
        # costs more on the hot path.
        headers: dict[str, str] = {}
        for name, value in scope["headers"]:
            headers[name.decode("latin-1")] = value.decode("latin-1")
        ctx: RequestContext | None = None
        route: Route | None = None
        if method == "OPTIONS":
            return self._preflight(scope, headers, rid, started)
        try:
            route, params = self._route(method, path)
            key, owner, key_headers = self._authenticate(headers)
            # Positional, in RequestContext's field order: keywords cost this hot path measurably more.
            ctx = RequestContext(self.fake, method, path, params, {}, None, headers, key, owner, rid, key_headers)
            if route.beta:
                _check_beta(ctx)
            await self._read_input(scope, receive, ctx, route)
            # Interceptors (faults, rate limits) run on the parsed body: they match on its model and
            # ids and estimate its tokens.
            response = None
            for intercept in self.interceptors:
                response = intercept(ctx, route)
                if response is not None:
                    break
            if response is None:
                response = self._call(ctx, route)
            if isinstance(response, Deferred):
                response = self._respond(route, await anyio.to_thread.run_sync(response.work))
        except errors.APIError as exc:
            response = self._error(exc, route)
        except Exception:
            log.exception("unexpected error on %s %s", method, path)
            self.fake.internal_errors.append(traceback.format_exc())
            response = self._error(errors.server_error(rid), route)
        if ctx is not None:
            for hook in self.response_hooks:
                response = hook(ctx, route, response)  # type: ignore[arg-type]
        self._finish(response, rid, started, ctx)
        if "origin" in headers:
            response.raw_headers.append(_ALLOW_ORIGIN)
        self._journal(scope, headers, response, rid, route, ctx)
        return response

    def _preflight(self, scope: Scope, headers: dict[str, str], rid: str, started: float) -> Response:
        """A CORS preflight: no key needed; the headers the browser asks for are allowed (a ``*`` would not
        cover Authorization)."""
        response = Response(status_code=200)
        asked = headers.get("access-control-request-headers")
        response.raw_headers += [_ALLOW_ORIGIN, _PREFLIGHT_METHODS, _PREFLIGHT_MAX_AGE]
        if asked:
            response.raw_headers.append((b"access-control-allow-headers", asked.encode("latin-1")))
        self._finish(response, rid, started, None)
        self._journal(scope, headers, response, rid, None, None)
        return response

    def execute(self, method: str, path: str, body: Any, *, api_key: str, owner: str) -> tuple[int, Any]:
        """Run one request inside the fake, synchronously (batch lines). Returns (status, JSON body).

        Goes through the same route, interceptors (faults), validation and handler as an HTTP request.
        """
        rid = new_request_id()
        route: Route | None = None
        try:
            route, params = self._route(method, path)
            ctx = RequestContext(
                fake=self.fake, method=method, path=path, params=params, query={}, body=body,
                headers={}, api_key=api_key, owner=owner, request_id=rid,
            )
            ctx.internal = True
            if route.body_for("application/json") == "json":
                if errors.nested_too_deep(body):  # a batch line: parsed by the batch service, not _parse_json
                    raise errors.invalid_json()
                self._check_json_body(body, route)
            for intercept in self.interceptors:
                response = intercept(ctx, route)
                if response is not None:
                    return response.status_code, orjson.loads(bytes(response.body) or b"null")
            response = self._call(ctx, route)
            if isinstance(response, Deferred):
                response = self._respond(route, response.work())
        except errors.APIError as exc:
            return exc.status, exc.body()
        except Exception:
            log.exception("unexpected error executing %s %s", method, path)
            self.fake.internal_errors.append(traceback.format_exc())
            return 500, errors.server_error(rid).body()
        if not isinstance(response, JSONResponse):
            return 400, errors.invalid_request("This endpoint cannot be used in a batch (streaming).").body()
        return response.status_code, orjson.loads(bytes(response.body))

    # -- steps -------------------------------------------------------------

    def _route(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        # Only /v1/... is the API: "/chat/completions" (a base URL without /v1) is the real 404 "Invalid URL
        # (POST /chat/completions)" (Chanzhaoyu/chatgpt-web#737), and "/v1models" is no API path either.
        if not path.startswith("/v1/"):
            raise errors.unknown_url(method, path)
        return self.fake.router.match(method, path[3:])

    def owner_of(self, api_key: str) -> str:
        """The account (namespace) a request with ``api_key`` works in; the real 401 for an unknown key."""
        return self._authenticate({"authorization": f"Bearer {api_key}"})[1]

    def _authenticate(self, request_headers: dict[str, str]) -> tuple[str, str, dict[str, str]]:
        header = request_headers.get("authorization", "")
        scheme, _, key = header.partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            raise errors.missing_api_key()
        keys = self.fake.config.api_keys
        headers = {"openai-organization": self.fake.config.organization}
        if key in self.fake.issued_keys:  # created (or revoked) through the Administration API, or ephemeral
            issued = self.fake.issued_keys[key]
            if issued is None or (issued.expires_at is not None and self.fake.clock.now() >= issued.expires_at):
                raise errors.invalid_api_key(key)
            if issued.owner is not None:
                return key, issued.owner, headers
            keys = {key: issued}
        if keys is None:
            project = request_headers.get("openai-project")
            if project:
                headers["openai-project"] = project
            return key, key, headers
        info = keys.get(key)
        if info is None:
            raise errors.invalid_api_key(key)
        if info.organization:
            headers["openai-organization"] = info.organization
        if info.project:
            headers["openai-project"] = info.project
            return key, "project:" + info.project, headers
        return key, key, headers

    async def _read_input(self, scope: Scope, receive: Receive, ctx: RequestContext, route: Route) -> None:
        op = route.operation
        validate = self.fake.config.validate_requests and op is not None
        raw_query: dict[str, list[str]] = {}
        if scope["query_string"]:
            for name, value in parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True):
                raw_query.setdefault(name, []).append(value)
        if validate:
            ctx.query = op.validate_query(raw_query)
        else:
            ctx.query = {k: v[0] if len(v) == 1 else v for k, v in raw_query.items()}
        mode = route.body_for(ctx.headers.get("content-type", ""))
        if mode == "json":
            limit = self.fake.config.extra.get("max_json_bytes") or MAX_JSON_BYTES
            ctx.body = _parse_json(await _receive_body(receive, limit, _json_too_large), ctx.headers)
            self._check_json_body(ctx.body, route)
        elif mode == "multipart":
            fields = await _read_multipart(scope, receive, ctx.headers, self.fake.config.max_file_bytes)
            ctx.body = op.coerce_form(fields) if op is not None else _flatten(fields)
            if validate:
                op.validate_body(ctx.body, "multipart/form-data")  # file parts checked as binary stand-ins
        elif mode == "form":
            raw = await _receive_body(receive, MAX_JSON_BYTES, _json_too_large)
            fields: dict[str, list[str]] = {}
            for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
                fields.setdefault(name, []).append(value)
            ctx.body = op.coerce_form(fields) if op is not None else _flatten(fields)
            if validate:
                op.validate_body(ctx.body, FORM_MEDIA)
        elif mode == "raw":
            data = await _receive_body(receive, MAX_JSON_BYTES, _json_too_large)  # a text body: the JSON limit
            try:
                ctx.body = data.decode("utf-8")
            except UnicodeDecodeError:
                raise errors.invalid_request(f"The {route.raw_media} body is not valid UTF-8 text.") from None
            if validate:
                op.validate_body(ctx.body, route.raw_media)

    def _check_json_body(self, body: Any, route: Route) -> None:
        """A JSON body is an object, valid against its operation (HTTP requests and batch lines alike)."""
        if not isinstance(body, dict):
            raise errors.APIError(
                400, f"Invalid type for request body: expected an object, but got {errors.json_type_name(body)} "
                "instead.", code="invalid_type",
            )  # fmt: skip
        if self.fake.config.validate_requests and route.operation is not None:
            route.operation.validate_body(body)

    def _call(self, ctx: RequestContext, route: Route) -> Response | Deferred:
        with self.fake.state.lock:
            result = route.handler(ctx)
        if isinstance(result, (Response, Deferred)):
            return result
        return self._respond(route, result, ctx)

    def _respond(self, route: Route, result: Any, ctx: RequestContext | None = None) -> Response:
        if isinstance(result, EventStream):
            assert ctx is not None
            # A delivery fault (cut, malformed line, per-event latency) counts frames: one per event.
            return self._stream(result, route, ctx.request_id, coalesce=1 if ctx.fault is not None else COALESCE)
        if isinstance(result, Constant):
            return JSONResponse.from_bytes(self._constant(result, route))
        if self.fake.config.validate_responses and route.operation is not None:
            self._check(route, route.operation.validate_response(route.status, result))
        return JSONResponse(result, route.status)

    def _constant(self, constant: Constant, route: Route) -> bytes:
        """A body that never changes is built, checked and serialized once per fake."""
        body = self._constants.get(constant.key)
        if body is None:
            value = constant.build()
            if self.fake.config.validate_responses and route.operation is not None:
                self._check(route, route.operation.validate_response(200, value))
            body = self._constants[constant.key] = orjson.dumps(value)
        return body

    def _stream(self, stream: EventStream, route: Route, rid: str, coalesce: int = COALESCE) -> Response:
        op = route.operation if self.fake.config.validate_responses else None

        def checked() -> Any:
            named = False
            try:
                for item in stream:
                    if isinstance(item, SSEEvent):
                        named = item.event is not None
                        if op is not None:
                            self._check(route, op.validate_sse_event(item.event, item.data))
                    yield item
            except Exception:
                # A producer failing mid-stream (the 200 is already sent) used to end in uvicorn's log only: the
                # connection dropped, the SDK saw a connection error and fake.internal_errors stayed empty. It is
                # recorded, and the stream ends with the error event every SDK stream raises on (APIError).
                log.exception("unexpected error streaming %s", route.name)
                self.fake.internal_errors.append(traceback.format_exc())
                yield SSEEvent(errors.server_error(rid).body(), event="error" if named else None)

        return StreamingResponse(
            frames(EventStream(checked()), coalesce),
            media_type="text/event-stream; charset=utf-8",
        )

    def _error(self, exc: errors.APIError, route: Route | None) -> Response:
        body = exc.body()
        if self.fake.config.validate_responses and route is not None and route.operation is not None:
            self._check(route, route.operation.validate_response(exc.status, body))
        return JSONResponse(body, status_code=exc.status, headers=exc.headers or None)

    def _check(self, route: Route, violations: list[str]) -> None:
        for violation in violations:
            message = f"{route.name}: {violation}"
            log.warning("contract violation: %s", message)
            self.fake.violations.append(message)

    def _finish(self, response: Response, rid: str, started: float, ctx: RequestContext | None) -> None:
        # Appending raw header pairs is much cheaper than MutableHeaders' de-duplicating __setitem__.
        raw = response.raw_headers
        raw.append((b"x-request-id", rid.encode()))
        raw.append((b"openai-processing-ms", b"%d" % ((time.perf_counter() - started) * 1000)))  # %d truncates
        raw += _STATIC_HEADERS
        if ctx is not None:
            for name, value in ctx.response_headers.items():
                raw.append((name.encode("latin-1"), value.encode("latin-1")))

    def _journal(
        self, scope: Scope, headers: dict[str, str], response: Response, rid: str, route: Route | None,
        ctx: RequestContext | None,
    ) -> None:
        # Positional, in Entry's field order (the hot path); "fault" is set by the fault engine / rate limiter.
        has_ctx = ctx is not None
        self.fake.journal.record(
            self.fake.clock.now(), scope["method"], scope["path"], scope["query_string"].decode("latin-1"), headers,
            ctx.body if has_ctx else None, response.status_code, ctx.api_key if has_ctx else None,
            ctx.owner if has_ctx else None, rid, route.name if route is not None else None,
            ctx.fault if has_ctx else None,
        )  # fmt: skip


def _check_beta(ctx: RequestContext) -> None:
    beta = ctx.header("openai-beta") or ""
    values = {part.strip() for part in beta.split(",")}
    if "assistants=v2" in values:
        return
    if "assistants=v1" in values:
        raise errors.APIError(
            400,
            "The v1 Assistants API has been deprecated. Please try again by setting the header "
            "'OpenAI-Beta: assistants=v2'.",
            code="invalid_beta",
        )
    raise errors.APIError(
        400,
        "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by setting "
        "the header 'OpenAI-Beta: assistants=v2'.",
        code="invalid_beta",
    )


async def _receive_body(receive: Receive, limit: int, too_large: Callable[[int, int], errors.APIError]) -> bytes:
    """The whole request body, straight from the ASGI channel (Starlette's Request costs more).

    A body longer than ``limit`` is refused with ``too_large(limit, bytes read)`` as soon as the bytes read pass
    the limit, so an endless (chunked) body cannot fill the memory.
    """
    message = await receive()
    body = _body_of(message)
    if not message.get("more_body"):  # one chunk, the usual case: returned as is, not copied
        if len(body) > limit:
            raise too_large(limit, len(body))
        return body
    chunks = [body]
    read = len(body)
    while True:
        message = await receive()
        chunk = _body_of(message)
        read += len(chunk)
        if read > limit:
            raise too_large(limit, read)
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def _body_of(message: Message) -> bytes:
    if message["type"] == "http.disconnect":
        # Nobody is left to read the answer; it only shows in the journal. Nothing is stored.
        raise errors.invalid_request("The client disconnected before sending the whole request body.")
    return message.get("body", b"")


def _json_too_large(limit: int, read: int) -> errors.APIError:
    # The real API's wording for an oversize upload (transcriptions, contracts/README.md): status 413, type
    # server_error. Its general JSON body limit and message are unverified.
    return errors.APIError(413, f"Maximum content size limit ({limit}) exceeded ({read} bytes read)",
                           type="server_error")  # fmt: skip


def _parse_json(raw: bytes, headers: dict[str, str]) -> Any:
    if not raw.strip():
        return {}
    ctype = headers.get("content-type", "")
    if ctype.startswith("multipart/form-data"):
        raise errors.invalid_request(
            f"Invalid Content-Type header ({ctype.split(';')[0]}), expected application/json."
        )
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise errors.invalid_json() from None
    # Nesting deeper than MAX_JSON_DEPTH needs that many brackets: most bodies skip the check after two counts.
    if (
        len(raw) > 2 * errors.MAX_JSON_DEPTH
        and raw.count(b"[") + raw.count(b"{") > errors.MAX_JSON_DEPTH
        and errors.nested_too_deep(body)
    ):
        raise errors.invalid_json()
    return body


async def _read_multipart(
    scope: Scope, receive: Receive, headers: dict[str, str], max_bytes: int
) -> dict[str, list[str | UploadedFile]]:
    ctype = headers.get("content-type", "")
    if not ctype.startswith("multipart/form-data"):
        shown = ctype.split(";")[0] or "none"
        raise errors.invalid_request(
            f"Invalid Content-Type header ({shown}), expected multipart/form-data. "
            "(HINT: If you're using curl, you can pass in multipart form data with the -F flag.)"
        )
    length = headers.get("content-length")
    if length and length.isdigit() and int(length) > max_bytes + 65536:
        raise _too_large(max_bytes)
    raw = await _receive_body(receive, max_bytes + 65536, lambda limit, read: _too_large(max_bytes))
    boundary = multipart.boundary_of(ctype)
    if boundary is not None:
        fast = multipart.parse(raw, boundary)
        if fast is not None:
            if len(raw) <= max_bytes:
                return fast  # no part can be larger than the whole body
            for values in fast.values():
                for value in values:
                    if isinstance(value, UploadedFile) and len(value.data) > max_bytes:
                        raise _too_large(max_bytes)
            return fast
    request = Request(scope, receive)
    request._body = raw  # already read: python-multipart parses it from memory
    try:
        form = await request.form(max_files=64, max_fields=1000, max_part_size=64 * 1024 * 1024)
    except Exception as exc:
        # Starlette's HTTPException reads "400: <detail>"; the client needs only the detail.
        raise errors.invalid_request(f"Could not parse multipart form: {getattr(exc, 'detail', None) or exc}") from None
    fields: dict[str, list[str | UploadedFile]] = {}
    try:
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                data = await value.read()
                if len(data) > max_bytes:
                    raise _too_large(max_bytes)
                item: str | UploadedFile = UploadedFile(
                    value.filename or "upload", value.content_type or "application/octet-stream", data
                )
            else:
                item = value
            fields.setdefault(name, []).append(item)
    finally:
        await form.close()
    return fields


def _too_large(max_bytes: int) -> errors.APIError:
    # core.md §1.2: "File is too large." (400) is what the real API says for oversize uploads.
    return errors.APIError(400, f"File is too large. The maximum file size is {max_bytes} bytes.", param="file")


def _flatten(fields: dict[str, list[Any]]) -> dict[str, Any]:
    return {k: v[0] if len(v) == 1 else v for k, v in fields.items()}
