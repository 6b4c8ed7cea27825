"""Rate limits: optional per-key accounting of requests and tokens per minute, like the real service.

Off unless configured (config file ``rate_limits: {rpm: 3, tpm: 10000, models: {gpt-4o: {rpm: 1}}}``,
``fake.rate_limits.configure(...)`` or ``POST /__mockapi__/rate_limits``). When on, every response
carries ``x-ratelimit-{limit,remaining,reset}-{requests,tokens}`` and a request over the limit gets
the real 429 ``rate_limit_exceeded`` with ``Retry-After``/``retry-after-ms``.

Accounting is a continuously refilled bucket per owner (API key, or project) and model, as the real
limits are "replenished continuously" rather than per calendar minute: a limit of 60 RPM gives back
one request per second, so ``x-ratelimit-reset-requests`` is the time until the bucket is full again.
Time is ``fake.clock``: with a manual clock, ``fake.advance(60)`` refills every bucket. Tokens are
estimated before the request runs (prompt tokens with the model's real tokenizer, plus
``max_tokens``/``max_completion_tokens`` times ``n``), as the real service does.
"""

from __future__ import annotations

import fnmatch
import math
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from mockapi import errors, tokens
from mockapi.dispatch import JSONResponse

if TYPE_CHECKING:
    from mockapi.context import RequestContext
    from mockapi.fake import Fake
    from mockapi.routing import Route

RATE_LIMIT_DOCS = "Visit https://platform.openai.com/account/rate-limits to learn more."
_HEADER_PREFIX = b"x-ratelimit-"


def go_duration(seconds: float) -> str:
    """Go's ``time.Duration`` spelling, as the real headers use: ``1s``, ``120ms``, ``6m0s``, ``1h2m3.5s``.

    Rounded to the millisecond (the real headers never show finer steps above 1 ms).
    """
    ms = max(0, round(seconds * 1000))
    if ms == 0:
        return "0s"
    if ms < 1000:
        return f"{ms}ms"
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs = f"{ms / 1000:.3f}".rstrip("0").rstrip(".")
    out = f"{hours}h" if hours else ""
    if hours or minutes:
        out += f"{minutes}m"
    return out + secs + "s"


def retry_headers(wait: float) -> dict[str, str]:
    """``Retry-After`` (whole seconds, at least 1, as the spec says) and the SDK's ``retry-after-ms``."""
    ms = max(1, math.ceil(round(wait * 1000, 6)))
    return {"retry-after": str(max(1, math.ceil(ms / 1000))), "retry-after-ms": str(ms)}


@dataclass
class Limits:
    rpm: int | None = None
    tpm: int | None = None

    def to_dict(self) -> dict[str, int | None]:
        return {"rpm": self.rpm, "tpm": self.tpm}


class _Bucket:
    """What an owner has used of one model's limits; drains at ``limit / 60`` per second."""

    __slots__ = ("last", "requests", "tokens")

    def __init__(self, now: float) -> None:
        self.requests = 0.0
        self.tokens = 0.0
        self.last = now

    def refill(self, now: float, limits: Limits) -> None:
        elapsed = max(0.0, now - self.last)
        self.last = max(now, self.last)
        if limits.rpm:
            self.requests = max(0.0, self.requests - elapsed * limits.rpm / 60)
        if limits.tpm:
            self.tokens = max(0.0, self.tokens - elapsed * limits.tpm / 60)


def _wait(used: float, cost: float, limit: int | None) -> float:
    """Seconds until ``cost`` more fits under ``limit`` (0 if it fits now)."""
    if not limit or used + cost <= limit + 1e-9:
        return 0.0
    return (used + cost - limit) * 60 / limit


def _headers(bucket: _Bucket, limits: Limits) -> dict[str, str]:
    headers: dict[str, str] = {}
    if limits.rpm:
        headers["x-ratelimit-limit-requests"] = str(limits.rpm)
        headers["x-ratelimit-remaining-requests"] = str(max(0, math.floor(limits.rpm - bucket.requests + 1e-9)))
        headers["x-ratelimit-reset-requests"] = go_duration(bucket.requests * 60 / limits.rpm)
    if limits.tpm:
        headers["x-ratelimit-limit-tokens"] = str(limits.tpm)
        headers["x-ratelimit-remaining-tokens"] = str(max(0, math.floor(limits.tpm - bucket.tokens + 1e-9)))
        headers["x-ratelimit-reset-tokens"] = go_duration(bucket.tokens * 60 / limits.tpm)
    return headers


def estimate_tokens(body: Any, model: str | None) -> int:
    """What the real service charges against TPM up front: prompt tokens plus the requested output."""
    if not isinstance(body, dict):
        return 0
    total = 0
    messages = body.get("messages")
    if isinstance(messages, list):
        total += tokens.chat_prompt_tokens([m for m in messages if isinstance(m, dict)], model, body.get("tools"))
    for key in ("prompt", "input", "instructions"):
        total += _count(body.get(key), model)
    output = body.get("max_completion_tokens") or body.get("max_tokens") or body.get("max_output_tokens") or 0
    n = body.get("n") if isinstance(body.get("n"), int) and body.get("n") > 0 else 1
    if isinstance(output, int) and output > 0:
        total += output * n
    return total


def _count(value: Any, model: str | None) -> int:
    if isinstance(value, str):
        return tokens.count(value, model)
    if isinstance(value, list):
        if value and all(isinstance(v, int) for v in value):  # one prompt given as token ids
            return len(value)
        total = 0
        for item in value:
            if isinstance(item, dict):  # Responses-style input items
                total += tokens.count(tokens.message_text(item.get("content")), model)
            else:
                total += _count(item, model)
        return total
    return 0


class RateLimits:
    """The accounting service: ``fake.rate_limits`` (and ``fake.services["rate_limits"]``)."""

    def __init__(self, fake: Fake) -> None:
        self.fake = fake
        self.enabled = False
        self.default = Limits()
        self.models: dict[str, Limits] = {}
        self._buckets: dict[tuple[str, str | None], _Bucket] = {}
        self._lock = threading.Lock()
        configured = fake.config.extra.get("rate_limits")
        if configured:
            self.configure(**configured)

    # -- Python API (the control plane calls these) ---------------------------

    def configure(
        self, rpm: int | None = None, tpm: int | None = None, models: dict[str, dict[str, int]] | None = None,
    ) -> dict[str, Any]:
        """Turn accounting on with these per-minute limits (per model: ``models={"gpt-4o": {"rpm": 2}}``).

        A model entry's key may be a glob (``gpt-4o*``); missing values fall back to the defaults.
        Usage so far is forgotten.
        """
        self.default = Limits(_limit(rpm, "rpm"), _limit(tpm, "tpm"))
        self.models = {}
        for pattern, values in (models or {}).items():
            unknown = set(values or {}) - {"rpm", "tpm"}
            if unknown:
                raise ValueError(f"unknown rate limit setting(s) for {pattern!r}: {sorted(unknown)}")
            values = values or {}
            self.models[str(pattern)] = Limits(
                _limit(values.get("rpm", self.default.rpm), "rpm"), _limit(values.get("tpm", self.default.tpm), "tpm")
            )
        self.enabled = any(x.rpm or x.tpm for x in (self.default, *self.models.values()))
        self._plug(self.enabled)
        self.reset()
        return self.describe()

    def disable(self) -> None:
        self.enabled = False
        self.default = Limits()
        self.models = {}
        self._plug(False)
        self.reset()

    def _plug(self, on: bool) -> None:
        """Be in the pipeline only while enabled, so an unused rate limiter costs nothing.

        First interceptor (limits apply at the edge, before faults), last response hook. The lists
        are replaced, not mutated, so a request being dispatched never sees them change.
        """
        dispatcher = self.fake.dispatcher
        interceptors = [i for i in dispatcher.interceptors if i != self.intercept]
        hooks = [h for h in dispatcher.response_hooks if h != self.hook]
        if on:
            interceptors.insert(0, self.intercept)
            hooks.append(self.hook)
        dispatcher.interceptors = interceptors
        dispatcher.response_hooks = hooks

    def reset(self) -> None:
        """Forget usage (limits stay)."""
        with self._lock:
            self._buckets.clear()

    def use(self, owner: str, *, model: str | None = None, requests: float = 0, tokens: float = 0) -> dict[str, str]:
        """Count usage as if requests had been made (e.g. start a test with a key at its limit)."""
        limits = self.limits_for(model)
        now = self.fake.clock.now()
        with self._lock:
            bucket = self._buckets.setdefault((owner, model), _Bucket(now))
            bucket.refill(now, limits)
            bucket.requests += requests
            bucket.tokens += tokens
            return _headers(bucket, limits)

    def status(self, owner: str, model: str | None = None) -> dict[str, str]:
        """The headers a response to ``owner`` for ``model`` would carry now (owner = API key or project)."""
        limits = self.limits_for(model)
        with self._lock:
            bucket = self._buckets.get((owner, model)) or _Bucket(self.fake.clock.now())
            bucket.refill(self.fake.clock.now(), limits)
            return _headers(bucket, limits)

    def describe(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            **self.default.to_dict(),
            "models": {k: v.to_dict() for k, v in self.models.items()},
        }

    def limits_for(self, model: str | None) -> Limits:
        if model is not None and self.models:
            found = self.models.get(model)
            if found is not None:
                return found
            for pattern, limits in self.models.items():
                if fnmatch.fnmatchcase(model, pattern):
                    return limits
        return self.default

    # -- pipeline ------------------------------------------------------------

    def intercept(self, ctx: RequestContext, route: Route) -> Response | None:
        if ctx.internal:  # batch lines have their own limits
            return None
        body = ctx.body if isinstance(ctx.body, dict) else {}
        model = body.get("model") if isinstance(body.get("model"), str) else None
        limits = self.limits_for(model)
        if not (limits.rpm or limits.tpm):
            return None
        cost = estimate_tokens(body, model) if limits.tpm and model else 0
        now = self.fake.clock.now()
        with self._lock:
            bucket = self._buckets.get((ctx.owner, model))
            if bucket is None:
                bucket = self._buckets[(ctx.owner, model)] = _Bucket(now)
            bucket.refill(now, limits)
            if limits.tpm and cost > limits.tpm:
                return self._too_large(ctx, model, cost, limits, _headers(bucket, limits))
            wait_requests = _wait(bucket.requests, 1, limits.rpm)
            wait_tokens = _wait(bucket.tokens, cost, limits.tpm)
            if wait_requests or wait_tokens:
                # A rejected request does not count, so a client that honours Retry-After gets through.
                return self._exceeded(ctx, model, cost, limits, bucket, wait_requests, wait_tokens)
            bucket.requests += 1
            bucket.tokens += cost
            ctx.ratelimit_headers = _headers(bucket, limits)
        return None

    def hook(self, ctx: RequestContext, route: Route, response: Response) -> Response:
        if ctx.fault is not None and any(name.startswith(_HEADER_PREFIX) for name, _ in response.raw_headers):
            return response  # a 429 (ours or a rate_limit fault) already carries its own
        headers = ctx.ratelimit_headers
        if headers is None:  # answered before accounting (a fault, a bad request): show the state as is
            body = ctx.body if isinstance(ctx.body, dict) else {}
            model = body.get("model") if isinstance(body.get("model"), str) else None
            headers = self.status(ctx.owner, model)
        ctx.response_headers.update(headers)
        return response

    # -- 429s ------------------------------------------------------------------

    def _exceeded(
        self, ctx: RequestContext, model: str | None, cost: int, limits: Limits, bucket: _Bucket,
        wait_requests: float, wait_tokens: float,
    ) -> Response:
        on_requests = wait_requests >= wait_tokens
        wait = max(wait_requests, wait_tokens)
        if on_requests:
            what, limit, used, requested = "requests per min (RPM)", limits.rpm, bucket.requests, 1
        else:
            what, limit, used, requested = "tokens per min (TPM)", limits.tpm, bucket.tokens, cost
        message = (
            f"Rate limit reached for {_subject(model)} in organization {_org(ctx)} on {what}: Limit {limit}, "
            f"Used {math.ceil(used - 1e-9)}, Requested {requested}. Please try again in {go_duration(wait)}. "
            + RATE_LIMIT_DOCS
        )
        kind = "requests" if on_requests else "tokens"
        ctx.fault = f"rate_limits:{kind}"
        headers = _headers(bucket, limits) | retry_headers(wait)
        error = errors.APIError(429, message, type=kind, code="rate_limit_exceeded")
        return JSONResponse(error.body(), status_code=429, headers=headers)

    def _too_large(
        self, ctx: RequestContext, model: str | None, cost: int, limits: Limits, headers: dict[str, str],
    ) -> Response:
        # Retrying cannot help, so (as for insufficient_quota) no Retry-After.
        message = (
            f"Request too large for {_subject(model)} in organization {_org(ctx)} on tokens per min (TPM): "
            f"Limit {limits.tpm}, Requested {cost}. The input or output tokens must be reduced in order to run "
            "successfully. " + RATE_LIMIT_DOCS
        )
        ctx.fault = "rate_limits:too_large"
        error = errors.APIError(429, message, type="tokens", code="rate_limit_exceeded")
        return JSONResponse(error.body(), status_code=429, headers=headers)


def _subject(model: str | None) -> str:
    return model if model else "requests"


def _org(ctx: RequestContext) -> str:
    return ctx.response_headers.get("openai-organization") or ctx.fake.config.organization


def _limit(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return value


# -- wiring ----------------------------------------------------------------------


def install(fake: Fake) -> RateLimits:
    """The accounting service and its controls; it joins the pipeline when limits are configured."""
    service = RateLimits(fake)
    fake.services["rate_limits"] = service
    fake.rate_limits = service  # type: ignore[attr-defined]
    fake.state.on_reset(service.reset)
    fake.control.add("GET", "/rate_limits", lambda f, b, q: service.describe())
    fake.control.add("POST", "/rate_limits", lambda f, b, q: service.configure(**b))
    fake.control.add("DELETE", "/rate_limits", lambda f, b, q: service.disable() or service.describe())
    fake.control.add("GET", "/rate_limits/status", _status)
    return service


def _status(fake: Fake, body: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
    owner = query.get("owner") or query.get("api_key")
    if not owner:
        raise ValueError("give ?api_key= (or ?owner=project:<id>)")
    return fake.rate_limits.status(owner, query.get("model"))  # type: ignore[attr-defined]
