"""Fault injection: make the fake fail exactly like the real service, on demand and reproducibly.

One engine (``fake.faults``) holds an ordered list of rules. Each rule says which requests it
targets (operation, path, method, model, API key, assistant/thread/run), when it fires (the next N
matching requests, every Kth, with a seeded probability, inside a time window on ``fake.clock``) and
what happens (an error with the real status, body and headers; latency; a reset connection; a cut
or malformed stream; a hang; an empty 200). For each request the rules are tried in order and the
first one that matches *and* fires wins; its id goes into the journal entry's ``fault`` field.

Rules come from the Python API (``fake.faults.add("rate_limit", times=2)``), the control plane
(``POST /__mockapi__/faults``), the config file (``faults:`` list) or, for one request, a directive
header ``x-mockapi-fault: <kind>[; key=value]...`` (a real server ignores unknown headers).

Cost when unused: one interceptor call that returns after a length test and a dict lookup (no
response hook: a fault that lets the request run calls the handler itself and wraps its response).
"""

from __future__ import annotations

import asyncio
import fnmatch
import itertools
import random
import re
import socket
import struct
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from mockapi import errors
from mockapi.dispatch import JSONResponse
from mockapi.inprocess import ConnectionDropped
from mockapi.ratelimit import RATE_LIMIT_DOCS, go_duration, retry_headers

if TYPE_CHECKING:
    from mockapi.clock import Clock
    from mockapi.context import RequestContext
    from mockapi.fake import Fake
    from mockapi.routing import Route

DIRECTIVE_HEADER = "x-mockapi-fault"

# Error kinds and their status (``error`` takes any ``status``).
ERROR_KINDS: dict[str, int] = {
    "rate_limit": 429,
    "insufficient_quota": 429,
    "server_error": 500,
    "bad_gateway": 502,
    "overloaded": 503,
    "gateway_timeout": 504,
    "error": 500,
}
# Kinds that let the request run and change how its response is delivered.
DELIVERY_KINDS = {"latency", "stream_cut", "malformed_sse"}
# Kinds that only make sense for a streamed response: they only match requests with "stream": true.
STREAM_KINDS = {"stream_cut", "malformed_sse"}
KINDS = set(ERROR_KINDS) | DELIVERY_KINDS | {"reset", "hang", "empty"}

DEFAULT_MALFORMED_LINE = 'data: {"id": "chatcmpl-malformed", "choices": [{"delta": {"content": "unterminated'

_FIELD_NAMES: set[str] = set()  # filled after Rule is defined


@dataclass(eq=False)
class Rule:
    """One fault rule. Every filter given must match; globs use ``*`` and ``?``."""

    kind: str
    id: str = ""
    # -- which requests ---------------------------------------------------------------
    # Route template or spec operationId: "POST /threads/{thread_id}/runs", "createRun", "POST /chat/*".
    operation: str | None = None
    path: str | None = None  # request path glob, with or without the /v1 prefix
    method: str | None = None
    model: str | None = None  # the JSON body's "model"
    api_key: str | None = None
    assistant_id: str | None = None  # path parameter or body field
    thread_id: str | None = None
    run_id: str | None = None
    # -- when ---------------------------------------------------------------------------
    times: int | None = None  # fire this many times, then stay idle (None: no limit)
    every: int | None = None  # fire on every Kth matching request
    probability: float | None = None  # fire with this probability, drawn from a per-rule seeded generator
    seed: int | str | None = None  # default 0: the same seed gives the same sequence
    start: float | None = None  # active from this time on fake.clock (epoch seconds) ...
    end: float | None = None  # ... until this time (exclusive)
    # -- what ---------------------------------------------------------------------------
    status: int | None = None  # for kind "error" (any 4xx/5xx)
    message: str | None = None
    type: str | None = None
    code: str | None = None
    param: str | None = None
    headers: dict[str, str] | None = None  # extra response headers (e.g. x-should-retry)
    retry_after: float | None = None  # seconds: Retry-After (whole seconds) and retry-after-ms; 0 = none
    retry_after_ms: int | None = None
    limit: int | None = None  # rate_limit: the limit shown in the message and headers
    on: str = "requests"  # rate_limit: "requests" (RPM) or "tokens" (TPM)
    delay: float = 0.0  # seconds before the response starts ...
    jitter: float = 0.0  # ... plus a seeded uniform 0..jitter
    per_event: float = 0.0  # seconds between streamed events (tokens)
    after: int = 0  # stream_cut / malformed_sse: events delivered first
    line: str | None = None  # malformed_sse: the broken line
    seconds: float | None = None  # hang: give up (drop the connection) after this long; None = never
    html: bool = False  # bad_gateway / gateway_timeout: Cloudflare's HTML page instead of JSON
    # -- counters ---------------------------------------------------------------------
    matched: int = field(default=0, init=False)
    fired: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        kind = str(self.kind).strip()
        if kind.isdigit():  # a bare status: "503"
            self.status, kind = int(kind), "error"
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; one of {sorted(KINDS)} or an HTTP status")
        self.kind = kind
        if kind == "error":
            self.status = 500 if self.status is None else int(self.status)
            if not 400 <= self.status <= 599:
                raise ValueError(f"status must be 4xx or 5xx, got {self.status}")
        elif self.status is not None and kind in ERROR_KINDS:
            raise ValueError(f"kind {kind!r} has a fixed status; use kind 'error' with status={self.status}")
        for name in ("times", "every"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.probability is not None:
            self.probability = float(self.probability)
            if not 0 <= self.probability <= 1:
                raise ValueError(f"probability must be between 0 and 1, got {self.probability!r}")
        for name in ("delay", "jitter", "per_event", "after"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.on not in ("requests", "tokens"):
            raise ValueError("on must be 'requests' or 'tokens'")
        if self.method:
            self.method = self.method.upper()
        seed = 0 if self.seed is None else self.seed
        # Separate generators, so jitter never shifts the sequence of failures.
        self._draws = random.Random(f"mockapi-fault:{seed}")
        self._jitter = random.Random(f"mockapi-jitter:{seed}")
        self._checks = self._compile()

    # -- matching ---------------------------------------------------------------------

    def _compile(self) -> list[Callable[[RequestContext, Route], bool]]:
        checks: list[Callable[[RequestContext, Route], bool]] = []
        if self.method:
            method = self.method
            checks.append(lambda ctx, route: ctx.method == method)
        if self.operation:
            op = _glob(self.operation)
            checks.append(lambda ctx, route: bool(
                op.fullmatch(route.name) or op.fullmatch(getattr(route.operation, "operation_id", "") or "")
            ))
        if self.path:
            path = _glob(self.path.removeprefix("/v1"))
            checks.append(lambda ctx, route: bool(path.fullmatch(ctx.path.removeprefix("/v1"))))
        if self.model:
            model = _glob(self.model)
            checks.append(lambda ctx, route: bool(model.fullmatch(_body_str(ctx, "model") or "")))
        if self.api_key:
            key = _glob(self.api_key)
            checks.append(lambda ctx, route: bool(key.fullmatch(ctx.api_key)))
        for name in ("assistant_id", "thread_id", "run_id"):
            pattern = getattr(self, name)
            if pattern:
                checks.append(_id_check(name, _glob(pattern)))
        if self.kind in STREAM_KINDS:
            checks.append(lambda ctx, route: isinstance(ctx.body, dict) and ctx.body.get("stream") is True)
        return checks

    def matches(self, ctx: RequestContext, route: Route, clock: Clock) -> bool:
        for check in self._checks:
            if not check(ctx, route):
                return False
        if self.start is not None or self.end is not None:
            now = clock.now()
            if (self.start is not None and now < self.start) or (self.end is not None and now >= self.end):
                return False
        return True

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def trigger(self) -> bool:
        """Count one matching request; True if the rule fires for it."""
        self.matched += 1
        fires = True
        if self.every is not None and self.matched % self.every:
            fires = False
        if self.probability is not None and self._draws.random() >= self.probability:
            fires = False
        if fires:
            self.fired += 1
        return fires

    def planned_delay(self) -> float:
        return self.delay + (self._jitter.uniform(0, self.jitter) if self.jitter else 0.0)

    # -- description --------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.kind}
        for f in fields(self):
            value = getattr(self, f.name)
            default = f.default
            if f.name in out or (f.init and value == default):
                continue
            out[f.name] = value
        out["matched"], out["fired"], out["exhausted"] = self.matched, self.fired, self.exhausted
        return out


_FIELD_NAMES.update(f.name for f in fields(Rule) if f.init)


def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(fnmatch.translate(str(pattern)))


def _body_str(ctx: RequestContext, name: str) -> str | None:
    body = ctx.body
    value = body.get(name) if isinstance(body, dict) else None
    return value if isinstance(value, str) else None


def _id_check(name: str, pattern: re.Pattern[str]) -> Callable[[RequestContext, Route], bool]:
    def check(ctx: RequestContext, route: Route) -> bool:
        value = ctx.params.get(name) or _body_str(ctx, name)
        return value is not None and bool(pattern.fullmatch(value))

    return check


# -- the engine -------------------------------------------------------------------------


class Faults:
    """``fake.faults``: add, list and remove rules; the dispatcher calls ``intercept`` (the last interceptor)."""

    def __init__(self, fake: Fake) -> None:
        self.fake = fake
        self._rules: list[Rule] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._configured: list[dict[str, Any]] = list(fake.config.extra.get("faults") or [])
        self._load_configured()

    # -- Python API (the control plane calls these) ----------------------------------

    def add(self, kind: str | int, **settings: Any) -> Rule:
        """Add a rule at the end of the list (first match wins); returns it (``rule.id``, counters).

        ``start_in`` / ``duration`` (seconds from now on ``fake.clock``) may stand for ``start`` / ``end``.
        An ``id`` that is already used replaces that rule in place.
        """
        now = self.fake.clock.now()
        start_in = settings.pop("start_in", None)
        duration = settings.pop("duration", None)
        if start_in is not None:
            settings["start"] = now + float(start_in)
        if duration is not None:
            settings["end"] = (settings.get("start") or now) + float(duration)
        unknown = set(settings) - _FIELD_NAMES
        if unknown:
            raise ValueError(f"unknown fault rule setting(s): {sorted(unknown)}")
        rule = Rule(kind=str(kind), **settings)
        with self._lock:
            if not rule.id:
                rule.id = f"fault_{next(self._ids)}"
            for i, existing in enumerate(self._rules):
                if existing.id == rule.id:
                    self._rules = [*self._rules[:i], rule, *self._rules[i + 1:]]
                    break
            else:
                self._rules = [*self._rules, rule]  # copy on write: readers never see a list change
        return rule

    def add_many(self, rules: list[dict[str, Any]]) -> list[Rule]:
        return [self.add(**dict(r)) for r in rules]

    def remove(self, rule_id: str) -> Rule:
        with self._lock:
            for rule in self._rules:
                if rule.id == rule_id:
                    self._rules = [r for r in self._rules if r is not rule]
                    return rule
        raise KeyError(rule_id)

    def clear(self) -> None:
        with self._lock:
            self._rules = []

    def get(self, rule_id: str) -> Rule:
        for rule in self._rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def list(self) -> list[Rule]:
        return list(self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def __iter__(self) -> Any:
        return iter(self._rules)

    def reset(self) -> None:
        """Back to the config file's rules, with fresh counters (``fake.reset()``)."""
        self.clear()
        self._ids = itertools.count(1)  # so config rules without an id get the same ids again
        self._load_configured()

    def _load_configured(self) -> None:
        for settings in self._configured:
            if not isinstance(settings, dict) or "kind" not in settings:
                raise ValueError(f"each entry of 'faults' needs a 'kind': {settings!r}")
            self.add(**settings)

    # -- pipeline ---------------------------------------------------------------------

    def intercept(self, ctx: RequestContext, route: Route) -> Response | None:
        directive = ctx.headers.get(DIRECTIVE_HEADER)
        if not self._rules and directive is None:
            return None
        if directive is not None and self.fake.config.control_plane:
            rule = directive_rule(directive, ctx)
            if rule is not None:
                return self._fire(rule, ctx, route, f"header:{rule.kind}")
        rule = self._select(ctx, route)
        return None if rule is None else self._fire(rule, ctx, route, rule.id)

    def _select(self, ctx: RequestContext, route: Route) -> Rule | None:
        clock = self.fake.clock
        for rule in self._rules:
            # Matching reads only the request, so no lock until a rule matches and counts it.
            if rule.matches(ctx, route, clock):
                with self._lock:
                    if not rule.exhausted and rule.trigger():
                        return rule
        return None

    def _fire(self, rule: Rule, ctx: RequestContext, route: Route, label: str) -> Response:
        ctx.fault = label
        delay = rule.planned_delay()
        internal = ctx.internal
        kind = rule.kind
        if kind in DELIVERY_KINDS:
            return self._deliver(ctx, route, _Plan(rule, delay), internal)
        if kind in ("reset", "hang"):
            if internal:  # a batch line has no connection to drop: it fails like a server error
                error = errors.server_error(ctx.request_id)
                return JSONResponse(error.body(), status_code=error.status)
            return _NoAnswer(kind, delay, rule.seconds)
        if kind == "empty":
            response: Response = Response(b"", status_code=200, media_type="application/json")
        else:
            response = render_error(rule, ctx)
        if rule.headers and kind == "empty":
            response.raw_headers.extend(_raw(rule.headers))
        return _Delivery(response, _Plan(rule, delay)) if delay and not internal else response

    def _deliver(self, ctx: RequestContext, route: Route, plan: _Plan, internal: bool) -> Response:
        """Run the handler as the dispatcher would, then deliver its response late, paced, cut or broken.

        Running it here (this is the last interceptor) spares every other request a response hook.
        """
        dispatcher = self.fake.dispatcher
        try:
            response = dispatcher._call(ctx, route)
        except errors.APIError as exc:
            response = dispatcher._error(exc, route)
        if internal:
            return response
        if plan.rule.headers:
            response.raw_headers.extend(_raw(plan.rule.headers))
        return _Delivery(response, plan)


def _raw(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(str(k).lower().encode("latin-1"), str(v).encode("latin-1")) for k, v in headers.items()]


# -- directive headers ------------------------------------------------------------------

_DIRECTIVE_PART = re.compile(r'\s*([A-Za-z_][\w-]*)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*?)\s*(?:;|$)')
# Settings a directive may carry: what happens, not which requests (it targets its own request).
_DIRECTIVE_SETTINGS = {
    "status", "message", "type", "code", "param", "retry_after", "retry_after_ms", "limit", "on",
    "delay", "jitter", "per_event", "after", "line", "seconds", "html", "seed", "times",
}


def directive_rule(value: str, ctx: RequestContext) -> Rule | None:
    """The one-off rule an ``x-mockapi-fault`` header asks for, or None if it does not apply.

    ``times=N`` makes it apply only to the first N attempts of the request (the SDK numbers its
    attempts in ``x-stainless-retry-count``), so one header can say "fail twice, then succeed".
    """
    kind, _, rest = value.partition(";")
    settings: dict[str, Any] = {}
    pos = 0
    rest = rest.strip()
    while pos < len(rest):
        found = _DIRECTIVE_PART.match(rest, pos)
        if found is None or found.end() == pos:
            raise _bad_directive(f"cannot parse {rest[pos:]!r}")
        name = found.group(1).replace("-", "_")
        if name not in _DIRECTIVE_SETTINGS:
            raise _bad_directive(f"unknown setting {name!r}")
        settings[name] = _directive_value(found.group(2))
        pos = found.end()
    times = settings.pop("times", None)
    if times is not None:
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise _bad_directive(f"times must be a positive integer, got {times!r}")
        attempt = ctx.headers.get("x-stainless-retry-count", "0")
        if attempt.isdigit() and int(attempt) >= int(times):
            return None
    try:
        rule = Rule(kind=kind.strip(), id="header", **settings)
    except (TypeError, ValueError) as exc:
        raise _bad_directive(str(exc)) from None
    if rule.kind in STREAM_KINDS and not (isinstance(ctx.body, dict) and ctx.body.get("stream") is True):
        return None
    rule.matched = rule.fired = 1
    return rule


def _directive_value(raw: str) -> Any:
    if raw.startswith('"'):
        return re.sub(r"\\(.)", r"\1", raw[1:-1])
    lowered = raw.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for convert in (int, float):
        try:
            return convert(raw)
        except ValueError:
            pass
    return raw


def _bad_directive(reason: str) -> errors.APIError:
    return errors.invalid_request(f"Invalid {DIRECTIVE_HEADER} header: {reason}.")


# -- error bodies -------------------------------------------------------------------------

OVERLOADED = (
    "That model is currently overloaded with other requests. You can retry your request, or contact us through "
    "our help center at help.openai.com if the error persists. (Please include the request ID {rid} in your "
    "message.)"
)
INSUFFICIENT_QUOTA = (
    "You exceeded your current quota, please check your plan and billing details. For more information on this "
    "error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors."
)
CLOUDFLARE_HTML = (
    "<html>\r\n<head><title>{status} {title}</title></head>\r\n<body>\r\n<center><h1>{status} {title}</h1></center>"
    "\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n"
)


def render_error(rule: Rule, ctx: RequestContext) -> Response:
    """The real API's response for an error fault: status, envelope and headers."""
    status = rule.status if rule.kind == "error" else ERROR_KINDS[rule.kind]
    kind = rule.kind if rule.kind != "error" else _kind_for_status(status)
    headers: dict[str, str] = {}
    if kind == "rate_limit":
        error, headers = _rate_limit(rule, ctx)
    elif kind == "insufficient_quota":
        error = errors.APIError(429, INSUFFICIENT_QUOTA, type="insufficient_quota", code="insufficient_quota")
    elif kind in ("bad_gateway", "gateway_timeout"):
        title = "Bad Gateway" if status == 502 else "Gateway Time-out"
        if rule.html and rule.message is None:
            body = CLOUDFLARE_HTML.format(status=status, title=title).encode()
            response = Response(body, status_code=status, media_type="text/html")
            response.raw_headers.extend(_raw(_retry(rule) | (rule.headers or {})))
            return response
        # Cloudflare's JSON form puts the status number in "code" (seen in real 502/524 bodies).
        message = "Bad gateway." if status == 502 else "Gateway timeout."
        error = errors.APIError(status, message, type="cf_bad_gateway" if status == 502 else "cf_gateway_timeout")
        error.code = status  # type: ignore[assignment]
    elif kind == "overloaded":
        error = errors.APIError(503, OVERLOADED.format(rid=ctx.request_id), type="server_error")
    else:
        error = _status_error(status, ctx)
    if rule.message is not None:
        error.message = rule.message
    for name in ("type", "code", "param"):
        if getattr(rule, name) is not None:
            setattr(error, name, getattr(rule, name))
    if kind != "rate_limit":  # a rate limit has its own (default 1 s)
        headers |= _retry(rule)
    headers |= rule.headers or {}
    return JSONResponse(error.body(), status_code=status, headers=headers)


def _kind_for_status(status: int) -> str:
    for kind, code in ERROR_KINDS.items():
        if code == status and kind not in ("error", "insufficient_quota"):
            return kind
    return "error"


def _retry(rule: Rule) -> dict[str, str]:
    """Retry-After headers a rule asks for explicitly (``retry_after=0`` asks for none)."""
    if rule.retry_after_ms:
        return {"retry-after": retry_headers(rule.retry_after_ms / 1000)["retry-after"],
                "retry-after-ms": str(rule.retry_after_ms)}
    if rule.retry_after:
        return retry_headers(float(rule.retry_after))
    return {}


def _rate_limit(rule: Rule, ctx: RequestContext) -> tuple[errors.APIError, dict[str, str]]:
    explicit_none = rule.retry_after == 0 or rule.retry_after_ms == 0
    retry = {} if explicit_none else (_retry(rule) or retry_headers(1.0))
    wait = int(retry["retry-after-ms"]) / 1000 if retry else 1.0
    on_tokens = rule.on == "tokens"
    rpm = rule.limit if (rule.limit and not on_tokens) else 60
    tpm = rule.limit if (rule.limit and on_tokens) else 150000
    headers = {
        "x-ratelimit-limit-requests": str(rpm),
        "x-ratelimit-remaining-requests": str(rpm - 1 if on_tokens else 0),
        "x-ratelimit-reset-requests": go_duration(60 / rpm if on_tokens else wait),
        "x-ratelimit-limit-tokens": str(tpm),
        "x-ratelimit-remaining-tokens": str(0 if on_tokens else tpm),
        "x-ratelimit-reset-tokens": go_duration(wait if on_tokens else 0),
    } | retry
    model = _body_str(ctx, "model") or "requests"
    org = ctx.response_headers.get("openai-organization") or ctx.fake.config.organization
    what, limit = ("tokens per min (TPM)", tpm) if on_tokens else ("requests per min (RPM)", rpm)
    message = (
        f"Rate limit reached for {model} in organization {org} on {what}: Limit {limit}, Used {limit}, "
        f"Requested 1. Please try again in {go_duration(wait)}. {RATE_LIMIT_DOCS}"
    )
    return errors.APIError(429, message, type=rule.on, code="rate_limit_exceeded"), headers


def _status_error(status: int, ctx: RequestContext) -> errors.APIError:
    """A plausible real body for any other status (400/401/403/404 are real wordings; others unverified)."""
    if status == 400:
        return errors.invalid_json()
    if status == 401:
        return errors.invalid_api_key(ctx.api_key)
    if status == 403:
        return errors.APIError(
            403, "Country, region, or territory not supported", type="request_forbidden",
            code="unsupported_country_region_territory",
        )
    if status == 404:
        model = _body_str(ctx, "model")
        return errors.model_not_found(model) if model else errors.unknown_url(ctx.method, ctx.path)
    if status == 408:
        return errors.APIError(408, "Request timed out.", type="timeout")
    if status == 409:
        return errors.APIError(409, "The request conflicts with the current state of the target resource.")
    if status == 422:
        return errors.APIError(422, "The request could not be processed.")
    if status == 429:
        return errors.APIError(429, INSUFFICIENT_QUOTA, type="insufficient_quota", code="insufficient_quota")
    if status >= 500:
        error = errors.server_error(ctx.request_id)
        error.status = status
        return error
    return errors.invalid_request(f"The request failed with status {status}.")


# -- delivery: latency, cut and malformed streams, resets, hangs --------------------------


class _Plan:
    __slots__ = ("delay", "rule")

    def __init__(self, rule: Rule, delay: float) -> None:
        self.rule = rule
        self.delay = delay


class _Delivery(Response):
    """Sends ``inner`` late, or paced, cut or corrupted, as the plan says. Shares its headers."""

    def __init__(self, inner: Response, plan: _Plan) -> None:
        self.inner = inner
        self.plan = plan
        self.status_code = inner.status_code
        self.raw_headers = inner.raw_headers  # the dispatcher appends its headers to the shared list
        self.background = inner.background
        self.body = getattr(inner, "body", b"")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        rule = self.plan.rule
        if self.plan.delay > 0:
            await asyncio.sleep(self.plan.delay)
        inner = self.inner
        if isinstance(inner, StreamingResponse) and (rule.kind in STREAM_KINDS or rule.per_event):
            inner.body_iterator = _altered(inner.body_iterator, rule, receive)
        await inner(scope, receive, send)


async def _altered(frames: AsyncIterator[Any], rule: Rule, receive: Receive) -> AsyncIterator[Any]:
    """The stream's frames (one per event), paced, with a broken line inserted or cut short."""
    cut = rule.after if rule.kind == "stream_cut" else None
    broken_at = rule.after if rule.kind == "malformed_sse" else None
    line = ((rule.line if rule.line is not None else DEFAULT_MALFORMED_LINE).rstrip("\n") + "\n\n").encode()
    sent = 0
    try:
        async for frame in frames:
            if sent == broken_at:
                yield line
            if sent == cut:
                await drop_connection(receive)
                return
            # Yield to the loop between frames, so a client that gave up is noticed before the next write.
            await asyncio.sleep(rule.per_event if sent and rule.per_event else 0)
            yield frame
            sent += 1
        if sent == broken_at:
            yield line
    finally:
        close = getattr(frames, "aclose", None)
        if close is not None:
            await close()


class _NoAnswer(Response):
    """A reset connection or a server that never answers: no status line at all."""

    def __init__(self, kind: str, delay: float, seconds: float | None) -> None:
        super().__init__(b"", status_code=0)  # the journal shows status 0: nothing was sent
        self.kind = kind
        self.delay = delay
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        if self.kind == "hang":
            try:
                await asyncio.wait_for(_disconnected(receive), self.seconds)
                return  # the client gave up (its timeout fired)
            except TimeoutError:
                pass
        await drop_connection(receive)


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def drop_connection(receive: Receive) -> None:
    """Reset the client's connection from inside the app, before or during a response.

    In-process, the exchange behind ``receive`` raises ``ConnectionDropped`` to the client. Under
    uvicorn, ``receive`` is bound to the request cycle, whose transport is aborted with SO_LINGER 0
    (a TCP RST). Elsewhere, raising makes most servers close the connection.
    """
    owner = getattr(receive, "__self__", None)
    drop = getattr(owner, "drop", None)
    if callable(drop):
        drop()
        return
    transport = getattr(owner, "transport", None)
    if transport is None:
        raise ConnectionDropped()
    sock = transport.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except (OSError, AttributeError, TypeError):
            pass
    transport.abort()
    # Let the server see the disconnect, so it does not answer "500" on our behalf.
    for _ in range(10):
        if getattr(owner, "disconnected", True):
            break
        await asyncio.sleep(0)


# -- wiring -------------------------------------------------------------------------------


def install(fake: Fake) -> Faults:
    """Add the engine to the pipeline and its controls."""
    engine = Faults(fake)
    fake.services["faults"] = engine
    fake.faults = engine  # type: ignore[attr-defined]
    # Last interceptor: rate limits (at the edge, like the real service) come first, and a delivery
    # fault can run the handler itself.
    fake.dispatcher.interceptors.append(engine.intercept)
    fake.state.on_reset(engine.reset)
    fake.control.add("GET", "/faults", lambda f, b, q: _listing(engine))
    fake.control.add("POST", "/faults", lambda f, b, q: _add(engine, b))
    fake.control.add("DELETE", "/faults", lambda f, b, q: engine.clear() or _listing(engine))
    fake.control.add("GET", "/faults/{id}", lambda f, b, q: _one(engine, q["id"]).to_dict())
    fake.control.add("DELETE", "/faults/{id}", lambda f, b, q: _remove(engine, q["id"]))
    return engine


def _listing(engine: Faults) -> dict[str, Any]:
    return {"object": "list", "data": [r.to_dict() for r in engine.list()]}


def _add(engine: Faults, body: Any) -> dict[str, Any]:
    """One rule object, or ``{"faults": [...]}`` / a JSON array for several."""
    if isinstance(body, list) or (isinstance(body, dict) and "faults" in body):
        items = body if isinstance(body, list) else body["faults"]
        return {"object": "list", "data": [r.to_dict() for r in engine.add_many(items)]}
    if not isinstance(body, dict) or "kind" not in body:
        raise ValueError("a fault rule needs a 'kind'")
    return engine.add(**body).to_dict()


def _one(engine: Faults, rule_id: str) -> Rule:
    try:
        return engine.get(rule_id)
    except KeyError:
        raise errors.APIError(404, f"No fault rule found with id '{rule_id}'.") from None


def _remove(engine: Faults, rule_id: str) -> dict[str, Any]:
    _one(engine, rule_id)
    engine.remove(rule_id)
    return {"id": rule_id, "object": "fault", "deleted": True}
