"""In-process transports: the official SDK and httpx clients call the fake with no socket.

The SDK 3.x sends through ``httpx2`` (2.x used ``httpx``); both share one API,
so one bridge serves either module, sync and async. Responses stream chunk by
chunk, so a stream cut mid-way raises while the caller iterates (as over a
socket), and a read timeout fires when the fake does not answer in time.
Sync clients run the app on one background event-loop thread.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from types import ModuleType
from typing import Any

from starlette.types import ASGIApp, Message

_END = object()


class ConnectionDropped(Exception):
    """Raised inside the app to make the client see a reset connection (fault injection)."""


class _Exchange:
    """One request's trip through the ASGI app, with the response streamed out of a queue."""

    def __init__(self, app: ASGIApp, scope: dict[str, Any], body: bytes) -> None:
        self.app = app
        self.scope = scope
        self.body = body
        self.started = asyncio.Event()
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: asyncio.Queue[Any] = asyncio.Queue()
        self.disconnected = asyncio.Event()
        self.task: asyncio.Task[None] | None = None
        self.responded = False
        self._sent_body = False

    async def receive(self) -> Message:
        if not self._sent_body:
            self._sent_body = True
            return {"type": "http.request", "body": self.body, "more_body": False}
        await self.disconnected.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
            self.responded = True
            self.started.set()
        elif message["type"] == "http.response.body":
            chunk = message.get("body", b"")
            if chunk:
                await self.chunks.put(chunk)
            if not message.get("more_body", False):
                await self.chunks.put(_END)

    async def run(self) -> None:
        try:
            await self.app(self.scope, self.receive, self.send)
        except BaseException as exc:
            await self.chunks.put(exc)
            self.started.set()
            if not isinstance(exc, Exception):
                raise
        else:
            await self.chunks.put(_END)

    async def open(self, timeout: float | None) -> None:
        self.task = asyncio.get_running_loop().create_task(self.run())
        await asyncio.wait_for(self.started.wait(), timeout)
        if not self.responded:  # the app failed before sending a status line
            failure = self.chunks.get_nowait()
            raise failure if isinstance(failure, BaseException) else ConnectionDropped()

    async def next_chunk(self, timeout: float | None) -> bytes | None:
        item = await asyncio.wait_for(self.chunks.get(), timeout)
        if item is _END:
            return None
        if isinstance(item, BaseException):
            raise item
        return item

    def close(self) -> None:
        self.disconnected.set()
        if self.task is not None and not self.task.done():
            self.task.cancel()

    def drop(self) -> None:
        """Fault injection (``faults.drop_connection``): the client sees a reset, before or mid-response."""
        self.chunks.put_nowait(ConnectionDropped())
        self.started.set()


def _scope(request: Any) -> dict[str, Any]:
    url = request.url
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": url.scheme or "http",
        "path": url.path,
        "raw_path": url.raw_path.split(b"?")[0],
        "query_string": url.query,
        "root_path": "",
        "headers": [(k.lower(), v) for k, v in request.headers.raw],
        "server": (url.host or "mockapi.local", url.port or 80),
        "client": ("127.0.0.1", 40000),
    }


def _read_timeout(request: Any) -> float | None:
    timeout = request.extensions.get("timeout") or {}
    return timeout.get("read")


def _translate(mod: ModuleType, exc: BaseException, request: Any) -> Exception:
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        return mod.ReadTimeout("The fake did not answer before the read timeout.", request=request)
    if isinstance(exc, ConnectionDropped):
        return mod.RemoteProtocolError("Server disconnected without sending a complete response.", request=request)
    return mod.RemoteProtocolError(f"Connection broken: {exc!r}", request=request)


def async_transport(app: ASGIApp, mod: ModuleType) -> Any:
    """An ``AsyncBaseTransport`` of ``mod`` (httpx or httpx2) that calls ``app``."""

    class _Stream(mod.AsyncByteStream):  # type: ignore[name-defined,misc]
        def __init__(self, exchange: _Exchange, request: Any) -> None:
            self.exchange, self.request = exchange, request

        async def __aiter__(self) -> AsyncIterator[bytes]:
            timeout = _read_timeout(self.request)
            while True:
                try:
                    chunk = await self.exchange.next_chunk(timeout)
                except BaseException as exc:
                    raise _translate(mod, exc, self.request) from exc
                if chunk is None:
                    return
                yield chunk

        async def aclose(self) -> None:
            self.exchange.close()

    class _Transport(mod.AsyncBaseTransport):  # type: ignore[name-defined,misc]
        async def handle_async_request(self, request: Any) -> Any:
            body = await request.aread()
            exchange = _Exchange(app, _scope(request), body)
            try:
                await exchange.open(_read_timeout(request))
            except BaseException as exc:
                exchange.close()
                raise _translate(mod, exc, request) from exc
            return mod.Response(exchange.status, headers=exchange.headers, stream=_Stream(exchange, request))

    return _Transport()


class _LoopThread:
    """One daemon thread running an event loop for every sync in-process client."""

    _lock = threading.Lock()
    _loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def loop(cls) -> asyncio.AbstractEventLoop:
        with cls._lock:
            if cls._loop is None:
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="mockapi-inprocess", daemon=True).start()
                cls._loop = loop
            return cls._loop


def sync_transport(app: ASGIApp, mod: ModuleType) -> Any:
    """A ``BaseTransport`` of ``mod`` that runs ``app`` on the background loop."""
    loop = _LoopThread.loop()

    def call(coro: Any, timeout: float | None) -> Any:
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        # The coroutine applies the read timeout itself; this is only a backstop.
        return future.result(None if timeout is None else timeout + 5)

    class _Stream(mod.SyncByteStream):  # type: ignore[name-defined,misc]
        def __init__(self, exchange: _Exchange, request: Any) -> None:
            self.exchange, self.request = exchange, request

        def __iter__(self) -> Iterator[bytes]:
            timeout = _read_timeout(self.request)
            while True:
                try:
                    chunk = call(self.exchange.next_chunk(timeout), timeout)
                except BaseException as exc:
                    raise _translate(mod, exc, self.request) from exc
                if chunk is None:
                    return
                yield chunk

        def close(self) -> None:
            loop.call_soon_threadsafe(self.exchange.close)

    class _Transport(mod.BaseTransport):  # type: ignore[name-defined,misc]
        def handle_request(self, request: Any) -> Any:
            body = request.read()
            timeout = _read_timeout(request)

            async def start() -> _Exchange:
                exchange = _Exchange(app, _scope(request), body)
                try:
                    await exchange.open(timeout)
                except BaseException:
                    exchange.close()
                    raise
                return exchange

            try:
                exchange = call(start(), timeout)
            except BaseException as exc:
                raise _translate(mod, exc, request) from exc
            return mod.Response(exchange.status, headers=exchange.headers, stream=_Stream(exchange, request))

    return _Transport()


def openai_client(fake: Any, api_key: str = "sk-test", **kwargs: Any) -> Any:
    """An official ``openai.OpenAI`` wired to ``fake`` in-process."""
    import httpx2
    import openai

    http_client = httpx2.Client(transport=sync_transport(fake.app, httpx2))
    return openai.OpenAI(api_key=api_key, base_url=fake.base_url, http_client=http_client, **kwargs)


def async_openai_client(fake: Any, api_key: str = "sk-test", **kwargs: Any) -> Any:
    import httpx2
    import openai

    http_client = httpx2.AsyncClient(transport=async_transport(fake.app, httpx2))
    return openai.AsyncOpenAI(api_key=api_key, base_url=fake.base_url, http_client=http_client, **kwargs)
