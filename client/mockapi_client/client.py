"""``Client`` (sync) and ``AsyncClient``: configuration, the resource namespaces, response parsing.

    client = Client(api_key="sk-test", base_url="http://127.0.0.1:4010/v1",
                    breaker=CircuitBreaker(), queue=RequestQueue(8), limiter=RateLimiter(500, 200_000))
    client.chat.completions.create(model="gpt-4o-mini", messages=[...])

``transport=`` takes any httpx transport (tests pass the in-process fake's, or ``httpx.MockTransport``).
Retries are on by default (2); the breaker, queue and limiter are opt-in objects you keep a handle on to
observe them. ``with_options`` makes a copy sharing the connection pool, breaker, queue, limiter and usage.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import httpx
import pydantic

from mockapi_client.breaker import CircuitBreaker
from mockapi_client.errors import APIResponseValidationError, MockapiClientError
from mockapi_client.limiter import RateLimiter
from mockapi_client.request_queue import AsyncRequestQueue, RequestQueue
from mockapi_client.resources import (
    assistants,
    audio,
    batches,
    chat,
    completions,
    embeddings,
    files,
    fine_tuning,
    images,
    models,
    moderations,
    threads,
    uploads,
    vector_stores,
)
from mockapi_client.retry import RetryPolicy
from mockapi_client.streaming import AsyncStream, Stream
from mockapi_client.transport import AsyncPipeline, Call, Settings, SyncPipeline
from mockapi_client.types.assistants import AssistantStreamEvent
from mockapi_client.usage import UsageTracker

T = TypeVar("T")
DEFAULT_BASE_URL = "http://127.0.0.1:4010/v1"


def _invalid_body(response: httpx.Response, what: str) -> APIResponseValidationError:
    return APIResponseValidationError(
        f"The server answered {response.status_code} with {what} where an API object was expected.",
        status=response.status_code, request_id=response.headers.get("x-request-id"), body=response.text,
        headers=response.headers,
    )


class _Namespace:
    """A group of resources (``client.beta``, ``client.audio``)."""

    def __init__(self, **members: Any) -> None:
        self.__dict__.update(members)


class _Core:
    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        organization: str | None,
        project: str | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int | None,
        retry: RetryPolicy | None,
        breaker: CircuitBreaker | None,
        limiter: RateLimiter | None,
        default_headers: Mapping[str, str] | None,
        usage: UsageTracker | None,
        clock: Callable[[], float],
    ) -> None:
        key = api_key or os.environ.get("OPENAI_API_KEY")
        if not key:
            raise MockapiClientError("No API key: pass api_key= or set OPENAI_API_KEY.")
        retry = retry or RetryPolicy()
        if max_retries is not None:
            retry = dataclasses.replace(retry, max_retries=max_retries)
        self.settings = Settings(
            base_url=base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL,
            api_key=key, organization=organization, project=project,
            default_headers=dict(default_headers or {}), timeout=timeout, retry=retry,
            breaker=breaker, limiter=limiter,
        )
        self.usage = usage or UsageTracker()
        self.clock = clock

    @property
    def breaker(self) -> CircuitBreaker | None:
        return self.settings.breaker

    @property
    def limiter(self) -> RateLimiter | None:
        return self.settings.limiter

    @property
    def base_url(self) -> str:
        return self.settings.base_url

    def model(self, cast: type[T], data: Any) -> T:
        return cast.model_validate(data)  # type: ignore[attr-defined,no-any-return]

    def _parse(self, call: Call, response: httpx.Response, cast: Any) -> Any:
        if cast is bytes:
            return response.content
        if cast is str:
            return response.text
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if not media_type.endswith("json"):
            if not response.content or media_type == "text/html":
                raise _invalid_body(response, "an empty body" if not response.content else "an HTML page")
            return response.text  # a text format asked for (transcriptions: text, srt, vtt)
        try:
            body = response.json()
        except ValueError:
            raise _invalid_body(response, "an empty body" if not response.content else "invalid JSON") from None
        self._observe(call, body)
        if cast is None:
            if not isinstance(body, dict):
                raise _invalid_body(response, f"a JSON {type(body).__name__}, not an object")
            return body
        try:
            obj = cast.model_validate(body)
        except pydantic.ValidationError as exc:
            raise _invalid_body(response, f"JSON that is not a {cast.__name__} ({exc.error_count()} errors)") from exc
        obj._request_id = response.headers.get("x-request-id")
        return obj

    def _observe(self, call: Call, body: Any) -> None:
        """Record usage; if the limiter settles with usage, replace its token booking with the real count."""
        if not isinstance(body, dict) or not isinstance(body.get("usage"), dict):
            return
        self.usage.record_body(body)
        limiter = self.settings.limiter
        total = body["usage"].get("total_tokens")
        if limiter is not None and limiter.settle_with_usage and call.reserved_tokens and isinstance(total, int):
            limiter.correct(call.reserved_tokens, total)

    def _stream_item_hook(self, item: Any) -> None:
        """Record usage carried by a stream item (a chat usage chunk, a finished run or step)."""
        target = item.data if isinstance(item, AssistantStreamEvent) else item
        usage = getattr(target, "usage", None)
        model = getattr(target, "model", None)
        if usage is not None and isinstance(model, str):
            self.usage.record(model, usage, getattr(target, "id", None) or None)

    def _copy_kwargs(self, overrides: dict[str, Any]) -> dict[str, Any]:
        s = self.settings
        kwargs: dict[str, Any] = {
            "api_key": s.api_key, "base_url": s.base_url, "organization": s.organization, "project": s.project,
            "timeout": s.timeout, "retry": s.retry, "breaker": s.breaker, "limiter": s.limiter,
            "default_headers": s.default_headers, "usage": self.usage, "clock": self.clock,
        }
        kwargs.update(overrides)
        return kwargs


class Client(_Core):
    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        timeout: float | httpx.Timeout | None = 60.0,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        breaker: CircuitBreaker | None = None,
        queue: RequestQueue | None = None,
        limiter: RateLimiter | None = None,
        default_headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        usage: UsageTracker | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            api_key=api_key, base_url=base_url, organization=organization, project=project, timeout=timeout,
            max_retries=max_retries, retry=retry, breaker=breaker, limiter=limiter,
            default_headers=default_headers, usage=usage, clock=clock,
        )
        if queue is not None and not isinstance(queue, RequestQueue):
            raise TypeError("Client needs a RequestQueue (AsyncRequestQueue is for AsyncClient)")
        self._http = http_client or httpx.Client(transport=transport)
        self.queue = queue
        self.sleep = sleep
        self._pipeline = SyncPipeline(self.settings, self._http, queue, sleep, clock)
        self.chat = _Namespace(completions=chat.Completions(self))
        self.completions = completions.Completions(self)
        self.embeddings = embeddings.Embeddings(self)
        self.moderations = moderations.Moderations(self)
        self.images = images.Images(self)
        self.audio = _Namespace(
            speech=audio.Speech(self), transcriptions=audio.Transcriptions(self), translations=audio.Translations(self)
        )
        self.models = models.Models(self)
        self.files = files.Files(self)
        self.uploads = uploads.Uploads(self)
        self.fine_tuning = _Namespace(jobs=fine_tuning.Jobs(self))
        self.batches = batches.Batches(self)
        self.vector_stores = vector_stores.VectorStores(self)
        self.beta = _Namespace(
            assistants=assistants.Assistants(self), threads=threads.Threads(self), vector_stores=self.vector_stores
        )

    def execute(self, call: Call, cast: Any) -> Any:
        """Send ``call`` through the pipeline and parse the response as ``cast`` (a model, bytes, str or None)."""
        response, _ = self._pipeline.send(call)
        return self._parse(call, response, cast)

    def execute_with_headers(self, call: Call, cast: type[T]) -> tuple[T, httpx.Headers]:
        response, _ = self._pipeline.send(call)
        return self._parse(call, response, cast), response.headers

    def open_stream(self, call: Call, parse: Callable[[str | None, Any], Any], stream_cls: type[Stream[Any]]) -> Any:
        response, release = self._pipeline.send(call)
        return stream_cls(response, parse, on_close=release, on_item=self._stream_item_hook)

    def with_options(self, **overrides: Any) -> Client:
        """A copy with some settings changed (``timeout``, ``max_retries``, ``default_headers``, ...)."""
        kwargs = self._copy_kwargs(overrides)
        kwargs.setdefault("http_client", self._http)
        kwargs.setdefault("queue", self.queue)
        kwargs.setdefault("sleep", self.sleep)
        return Client(**kwargs)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncClient(_Core):
    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        timeout: float | httpx.Timeout | None = 60.0,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        breaker: CircuitBreaker | None = None,
        queue: AsyncRequestQueue | None = None,
        limiter: RateLimiter | None = None,
        default_headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        usage: UsageTracker | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            api_key=api_key, base_url=base_url, organization=organization, project=project, timeout=timeout,
            max_retries=max_retries, retry=retry, breaker=breaker, limiter=limiter,
            default_headers=default_headers, usage=usage, clock=clock,
        )
        if queue is not None and not isinstance(queue, AsyncRequestQueue):
            raise TypeError("AsyncClient needs an AsyncRequestQueue (RequestQueue is for Client)")
        self._http = http_client or httpx.AsyncClient(transport=transport)
        self.queue = queue
        self.sleep = sleep
        self._pipeline = AsyncPipeline(self.settings, self._http, queue, sleep, clock)
        self.chat = _Namespace(completions=chat.AsyncCompletions(self))
        self.completions = completions.AsyncCompletions(self)
        self.embeddings = embeddings.AsyncEmbeddings(self)
        self.moderations = moderations.AsyncModerations(self)
        self.images = images.AsyncImages(self)
        self.audio = _Namespace(
            speech=audio.AsyncSpeech(self), transcriptions=audio.AsyncTranscriptions(self),
            translations=audio.AsyncTranslations(self),
        )
        self.models = models.AsyncModels(self)
        self.files = files.AsyncFiles(self)
        self.uploads = uploads.AsyncUploads(self)
        self.fine_tuning = _Namespace(jobs=fine_tuning.AsyncJobs(self))
        self.batches = batches.AsyncBatches(self)
        self.vector_stores = vector_stores.AsyncVectorStores(self)
        self.beta = _Namespace(
            assistants=assistants.AsyncAssistants(self), threads=threads.AsyncThreads(self),
            vector_stores=self.vector_stores,
        )

    async def execute(self, call: Call, cast: Any) -> Any:
        response, _ = await self._pipeline.send(call)
        return self._parse(call, response, cast)

    async def execute_with_headers(self, call: Call, cast: type[T]) -> tuple[T, httpx.Headers]:
        response, _ = await self._pipeline.send(call)
        return self._parse(call, response, cast), response.headers

    async def open_stream(
        self, call: Call, parse: Callable[[str | None, Any], Any], stream_cls: type[AsyncStream[Any]]
    ) -> Any:
        response, release = await self._pipeline.send(call)
        return stream_cls(response, parse, on_close=release, on_item=self._stream_item_hook)

    def with_options(self, **overrides: Any) -> AsyncClient:
        kwargs = self._copy_kwargs(overrides)
        kwargs.setdefault("http_client", self._http)
        kwargs.setdefault("queue", self.queue)
        kwargs.setdefault("sleep", self.sleep)
        return AsyncClient(**kwargs)

    async def close(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
