"""The request pipeline: one logical call becomes one or more HTTP attempts.

Each attempt: pace with the rate limiter (tokens estimated exactly) -> take a queue slot -> ask the
circuit breaker -> send with the call's timeout -> read the body (a successful stream stays open and keeps
its slot until closed) -> tell the breaker how it went -> on a retryable failure wait (server's
Retry-After, else backoff with jitter) and go again. POSTs carry one ``Idempotency-Key`` across attempts.
The waits use the injected ``sleep`` so tests never really sleep long.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from mockapi_client import errors, token_estimate
from mockapi_client.breaker import CircuitBreaker
from mockapi_client.limiter import RateLimiter
from mockapi_client.options import RequestOptions
from mockapi_client.request_queue import AsyncRequestQueue, RequestQueue
from mockapi_client.retry import RetryPolicy

USER_AGENT = "mockapi-client/0.1"
Release = Callable[[], None]


@dataclass
class Call:
    """One logical API call (before retries)."""

    method: str
    path: str  # as in the API reference, without /v1: "/chat/completions"
    body: Any = None  # JSON body
    query: Mapping[str, Any] | None = None
    form: Mapping[str, Any] | None = None  # multipart fields (with ``files``)
    files: Mapping[str, Any] | None = None
    headers: Mapping[str, str] | None = None
    options: RequestOptions = field(default_factory=RequestOptions)
    stream: bool = False
    # Tokens booked with the limiter by the successful attempt (set by the pipeline).
    reserved_tokens: int = 0


@dataclass
class Settings:
    """What every attempt needs; shared by a client and its ``with_options`` copies."""

    base_url: str
    api_key: str
    organization: str | None = None
    project: str | None = None
    default_headers: Mapping[str, str] = field(default_factory=dict)
    timeout: float | httpx.Timeout | None = 60.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    breaker: CircuitBreaker | None = None
    limiter: RateLimiter | None = None


class _Pipeline:
    def __init__(self, settings: Settings, clock: Callable[[], float]) -> None:
        self.settings = settings
        self.clock = clock

    def _policy(self, call: Call) -> RetryPolicy:
        retry = self.settings.retry
        if call.options.max_retries is not None:
            return dataclasses.replace(retry, max_retries=call.options.max_retries)
        return retry

    def _remaining(self, call: Call, started: float) -> float | None:
        """Seconds left of the call's ``total_timeout`` (None: no total budget)."""
        total = self._policy(call).total_timeout
        return None if total is None else total - (self.clock() - started)

    def _within_budget(self, call: Call, started: float, delay: float | None) -> float | None:
        """``delay`` if a retry after it still starts within the call's total budget, else None (give up)."""
        remaining = self._remaining(call, started)
        if delay is None or (remaining is not None and delay >= remaining):
            return None
        return delay

    def _reserve(self, call: Call) -> float:
        """Book the attempt with the limiter; seconds to wait first. An open breaker refuses the call here,
        before it books or waits for anything."""
        if self.settings.breaker is not None:
            self.settings.breaker.check()
        limiter = self.settings.limiter
        if limiter is None:
            return 0.0
        tokens = token_estimate.estimate(call.path, call.body) if call.method == "POST" else 0
        call.reserved_tokens = tokens
        return limiter.reserve(tokens)

    def _unreserve(self, call: Call) -> None:
        """The attempt was never sent (queue full or timed out, breaker open, cancelled while waiting)."""
        if self.settings.limiter is not None:
            self.settings.limiter.cancel(call.reserved_tokens)

    def _request(
        self, http: httpx.Client | httpx.AsyncClient, call: Call, key: str | None, retries: int,
        remaining: float | None = None,
    ) -> httpx.Request:
        s = self.settings
        headers = {
            "Authorization": f"Bearer {s.api_key}",
            "Accept": "text/event-stream" if call.stream else "application/json",
            "User-Agent": USER_AGENT,
            # The official SDKs' name for the attempt number: servers (and the fake's ``times=N`` fault
            # directive) read this one.
            "X-Stainless-Retry-Count": str(retries),
        }
        if s.organization:
            headers["OpenAI-Organization"] = s.organization
        if s.project:
            headers["OpenAI-Project"] = s.project
        if key:
            headers["Idempotency-Key"] = key
        headers.update(s.default_headers)
        headers.update(call.headers or {})
        headers.update(call.options.extra_headers or {})
        query = {**(call.query or {}), **(call.options.extra_query or {})}
        timeout = _cap_timeout(call.options.timeout if call.options.timeout is not None else s.timeout, remaining)
        url = s.base_url.rstrip("/") + call.path
        if call.files is not None:
            return http.build_request(
                call.method, url, params=query or None, headers=headers, timeout=timeout,
                data=_form_fields({**(call.form or {}), **(call.options.extra_body or {})}), files=call.files,
            )
        body = call.body
        if call.options.extra_body:
            body = {**(body or {}), **call.options.extra_body}
        return http.build_request(
            call.method, url, params=query or None, headers=headers, timeout=timeout,
            json=body if body is not None else None,
        )

    @staticmethod
    def _idempotency_key(call: Call) -> str | None:
        if call.method != "POST":
            return None
        return call.options.idempotency_key or f"mockapi-client-{uuid.uuid4()}"

    def _admit(self, call: Call) -> None:
        """The breaker's last word, with a queue slot in hand (it may have opened while we waited)."""
        if self.settings.breaker is not None:
            try:
                self.settings.breaker.before_call()
            except errors.CircuitOpenError:
                self._unreserve(call)
                raise

    def _breaker_record(self, failed: bool) -> None:
        breaker = self.settings.breaker
        if breaker is not None:
            (breaker.record_failure if failed else breaker.record_success)()

    def _breaker_abandon(self) -> None:
        if self.settings.breaker is not None:
            self.settings.breaker.abandon_call()

    @staticmethod
    def _server_unwell(status: int) -> bool:
        return status >= 500 or status == 408

    def _verdict(self, call: Call, response: httpx.Response, retries: int) -> tuple[errors.APIError, float | None]:
        """(error, seconds to wait before retrying or None to raise) for an error response."""
        error = errors.from_response(response)
        # Out of credit is never worth a retry, whichever of code/type says so.
        code = "insufficient_quota" if isinstance(error, errors.QuotaExceededError) else error.code
        delay = self._policy(call).delay_for_response(response.status_code, response.headers, retries, code)
        return error, delay


def _cap_timeout(timeout: float | httpx.Timeout | None, remaining: float | None) -> float | httpx.Timeout | None:
    """The attempt's timeout, no longer than what is left of the call's total budget."""
    if remaining is None:
        return timeout
    remaining = max(remaining, 0.001)
    if not isinstance(timeout, httpx.Timeout):
        return remaining if timeout is None else min(timeout, remaining)
    parts = (timeout.connect, timeout.read, timeout.write, timeout.pool)
    connect, read, write, pool = (remaining if p is None else min(p, remaining) for p in parts)
    return httpx.Timeout(connect=connect, read=read, write=write, pool=pool)


def _form_fields(fields: Mapping[str, Any], prefix: str | None = None) -> dict[str, Any]:
    """Multipart fields the way the API reads them: dicts as ``key[sub]``, lists as ``key[]``, booleans lower-case."""
    flat: dict[str, Any] = {}
    for key, value in fields.items():
        name = key if prefix is None else f"{prefix}[{key}]"
        if value is None:
            continue
        if isinstance(value, dict):
            flat.update(_form_fields(value, name))
        elif isinstance(value, list):
            flat[f"{name}[]"] = [_scalar(v) for v in value]
        else:
            flat[name] = _scalar(value)
    return flat


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class SyncPipeline(_Pipeline):
    def __init__(
        self, settings: Settings, http: httpx.Client, queue: RequestQueue | None = None,
        sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(settings, clock)
        self.http = http
        self.queue = queue
        self.sleep = sleep

    def send(self, call: Call) -> tuple[httpx.Response, Release | None]:
        """A successful response (body read, or an open stream plus the release of its queue slot)."""
        key = self._idempotency_key(call)
        retries = 0
        started = self.clock()
        while True:
            wait = self._reserve(call)
            if wait > 0:
                try:
                    self.sleep(wait)
                except BaseException:
                    self._unreserve(call)
                    raise
            request = self._request(self.http, call, key, retries, self._remaining(call, started))
            try:
                response, release = self._attempt(request, call)
            except errors.APIConnectionError:
                delay = self._within_budget(call, started, self._policy(call).delay_for_connection_error(retries))
                if delay is None:
                    raise
            else:
                if response.status_code < 400:
                    return response, release
                error, delay = self._verdict(call, response, retries)
                delay = self._within_budget(call, started, delay)
                if delay is None:
                    raise error
            self.sleep(delay)
            retries += 1

    def _attempt(self, request: httpx.Request, call: Call) -> tuple[httpx.Response, Release | None]:
        stream = call.stream
        release = self.queue.release if self.queue is not None else None
        try:
            if self.queue is not None:
                self.queue.acquire()
        except BaseException:
            self._unreserve(call)
            raise
        try:
            self._admit(call)
            response = self._exchange(request, stream)
        except BaseException:
            if release is not None:
                release()
            raise
        if stream and response.status_code < 400:
            return response, release  # the stream frees its slot when closed
        if release is not None:
            release()
        return response, None

    def _exchange(self, request: httpx.Request, stream: bool) -> httpx.Response:
        """Send and (unless a good stream) read the body; report the outcome to the breaker exactly once."""
        try:
            response = self.http.send(request, stream=True)
            try:
                if not stream or response.status_code >= 400:
                    response.read()
            except BaseException:
                response.close()
                raise
        except httpx.TransportError as exc:
            self._breaker_record(failed=True)
            raise errors.from_transport_error(exc) from exc
        except BaseException:
            self._breaker_abandon()  # cancelled or interrupted: says nothing about the server
            raise
        self._breaker_record(failed=self._server_unwell(response.status_code))
        return response


class AsyncPipeline(_Pipeline):
    def __init__(
        self, settings: Settings, http: httpx.AsyncClient, queue: AsyncRequestQueue | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(settings, clock)
        self.http = http
        self.queue = queue
        self.sleep = sleep

    async def send(self, call: Call) -> tuple[httpx.Response, Release | None]:
        key = self._idempotency_key(call)
        retries = 0
        started = self.clock()
        while True:
            wait = self._reserve(call)
            if wait > 0:
                try:
                    await self.sleep(wait)
                except BaseException:
                    self._unreserve(call)
                    raise
            request = self._request(self.http, call, key, retries, self._remaining(call, started))
            try:
                response, release = await self._attempt(request, call)
            except errors.APIConnectionError:
                delay = self._within_budget(call, started, self._policy(call).delay_for_connection_error(retries))
                if delay is None:
                    raise
            else:
                if response.status_code < 400:
                    return response, release
                error, delay = self._verdict(call, response, retries)
                delay = self._within_budget(call, started, delay)
                if delay is None:
                    raise error
            await self.sleep(delay)
            retries += 1

    async def _attempt(self, request: httpx.Request, call: Call) -> tuple[httpx.Response, Release | None]:
        stream = call.stream
        release = self.queue.release if self.queue is not None else None
        try:
            if self.queue is not None:
                await self.queue.acquire()
        except BaseException:
            self._unreserve(call)
            raise
        try:
            self._admit(call)
            response = await self._exchange(request, stream)
        except BaseException:
            if release is not None:
                release()
            raise
        if stream and response.status_code < 400:
            return response, release
        if release is not None:
            release()
        return response, None

    async def _exchange(self, request: httpx.Request, stream: bool) -> httpx.Response:
        try:
            response = await self.http.send(request, stream=True)
            try:
                if not stream or response.status_code >= 400:
                    await response.aread()
            except BaseException:
                await response.aclose()
                raise
        except httpx.TransportError as exc:
            self._breaker_record(failed=True)
            raise errors.from_transport_error(exc) from exc
        except BaseException:
            self._breaker_abandon()  # cancelled or interrupted: says nothing about the server
            raise
        self._breaker_record(failed=self._server_unwell(response.status_code))
        return response
