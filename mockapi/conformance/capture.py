"""Every response a scenario sees, checked against the official contract.

``capturing_transport(inner, mod, recorder)`` wraps any httpx/httpx2 transport (in-process or a socket):
the response body is teed as the client reads it (streams keep their timing), and once it has been read
to the end (or the client closes it) the recorder checks it: the operation is found by matching the path
against the document's route templates, then status, body (JSON or each SSE event) and headers go through
``mockapi.contract`` (document + overlay). Violations are kept per operation and per scenario.
"""

from __future__ import annotations

import re
import threading
import zlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import orjson

from mockapi.contract import Contract, Operation

MAX_CAPTURE = 16 * 1024 * 1024  # larger bodies are counted but not checked
# The capture decodes bodies itself: ask only for encodings the standard library reads.
ACCEPT_ENCODING = "gzip, deflate"


@dataclass
class OperationStats:
    responses: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)


@dataclass
class Observed:
    """One exchange as the client saw it."""

    method: str
    path: str  # the URL path, base path included
    status: int
    headers: dict[str, str]
    body: bytes
    complete: bool  # False when the client closed the stream before its end
    scenario: str | None = None


class OperationIndex:
    """Route templates -> operations; a literal segment beats a parameter (``/threads/runs``)."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self._routes: list[tuple[int, re.Pattern[str], str, str]] = []
        for method, path, _ in [*contract.operations(), *contract.aliases()]:
            literal = sum(1 for part in path.split("/") if part and not part.startswith("{"))
            pattern = re.compile("^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(path)) + "$")
            self._routes.append((-literal, pattern, method, path))
        self._routes.sort(key=lambda r: r[0])

    def find(self, method: str, path: str) -> tuple[str, Operation] | None:
        """``("POST /threads/{thread_id}/runs", operation)`` for a path without the base path."""
        for _, pattern, op_method, template in self._routes:
            if op_method == method and pattern.match(path):
                operation = self.contract.operation(method, template)
                if operation is not None:
                    return f"{method} {template}", operation
        return None


class Recorder:
    """Collects responses and their contract violations (thread-safe)."""

    def __init__(self, base_path: str = "/v1", contract: Contract | None = None) -> None:
        self.base_path = base_path.rstrip("/")
        self.contract = contract or Contract.load()
        self.index = OperationIndex(self.contract)
        self.operations: dict[str, OperationStats] = {}
        self.by_scenario: dict[str, list[str]] = {}
        self.scenario: str | None = None
        self._lock = threading.Lock()
        self._declared: dict[str, set[str]] = {}

    # -- what the runner reads ---------------------------------------------------------------

    @property
    def violations(self) -> list[str]:
        return [f"{name}: {v}" for name, stats in sorted(self.operations.items()) for v in stats.violations]

    def covered(self) -> set[str]:
        """Operations that answered at least once with a 2xx."""
        return {name for name, stats in self.operations.items() if any(200 <= s < 300 for s in stats.statuses)}

    # -- recording -----------------------------------------------------------------------------

    def observe(self, seen: Observed) -> None:
        path = seen.path
        if not path.startswith(self.base_path + "/"):
            return  # the control plane, image URLs: not API operations
        found = self.index.find(seen.method, path[len(self.base_path) :])
        name = found[0] if found else f"{seen.method} {path[len(self.base_path):]} (not in the document)"
        problems = self.check(found[1], seen) if found else []
        if found is None and seen.status < 400:
            problems = ["a successful answer on a path the document does not have"]
        with self._lock:
            stats = self.operations.setdefault(name, OperationStats())
            stats.responses += 1
            stats.statuses[seen.status] = stats.statuses.get(seen.status, 0) + 1
            for problem in problems:
                stats.violations.append(f"[{seen.status}] {problem}")
                self.by_scenario.setdefault(seen.scenario or "(outside scenarios)", []).append(f"{name}: {problem}")

    def check(self, operation: Operation, seen: Observed) -> list[str]:
        """Contract violations of one exchange."""
        problems = self.contract.validate_headers(seen.headers, seen.status)
        content_type = seen.headers.get("content-type", "")
        media = content_type.split(";", 1)[0].strip().lower()
        if seen.status >= 400 and str(seen.status) not in self._declared_statuses(operation):
            problems.append(f"status {seen.status} is not declared for this operation (document + overlay)")
        if len(seen.body) > MAX_CAPTURE:
            return problems
        if media == "text/event-stream":
            for event, data in sse_events(seen.body.decode("utf-8", "replace")):
                problems += operation.validate_sse_event(event, data)
            return problems
        if not seen.complete:
            return problems  # the client stopped reading: nothing whole to check
        if media == "application/json" or media.endswith("+json"):
            try:
                body = orjson.loads(seen.body) if seen.body else None
            except orjson.JSONDecodeError:
                return [*problems, f"content-type {media} but the body is not JSON: {seen.body[:80]!r}"]
        else:
            body = None
        # No Content-Type: JSON if there is a body (what clients assume), none at all if it is empty.
        return problems + operation.validate_response(seen.status, body, content_type or ("application/json"
                                                                                           if seen.body else ""))

    def _declared_statuses(self, operation: Operation) -> set[str]:
        key = f"{operation.method} {operation.path}"
        declared = self._declared.get(key)
        if declared is None:
            own = {s for s in operation.spec.get("responses", {}) if s[:1] in "45"}
            declared = self._declared[key] = own | set(self.contract.error_statuses(operation.method, operation.path))
        return declared


def sse_events(text: str) -> Iterator[tuple[str | None, str]]:
    """(event name, data) per server-sent event; comments and ids ignored."""
    event: str | None = None
    data: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line == "":
            if data:
                yield event, "\n".join(data)
            event, data = None, []
        elif line.startswith(":"):
            continue
        else:
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)
    if data:
        yield event, "\n".join(data)


class _Tee:
    """Collects the raw bytes of one response and reports them once, when the body ends or is closed."""

    def __init__(self, recorder: Recorder, request: Any, status: int, headers: Any) -> None:
        self.recorder = recorder
        self.method = request.method
        self.path = request.url.path
        self.status = status
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.scenario = recorder.scenario
        self.chunks: list[bytes] = []
        self.size = 0
        self.done = False

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size <= MAX_CAPTURE:
            self.chunks.append(chunk)

    def finish(self, complete: bool) -> None:
        if self.done:
            return
        self.done = True
        body = b"".join(self.chunks)
        if self.size > MAX_CAPTURE:
            body = b"x" * (MAX_CAPTURE + 1)  # marks "too large to check"
        else:
            body = _decode(body, self.headers.get("content-encoding", ""))
        self.recorder.observe(Observed(self.method, self.path, self.status, self.headers, body, complete,
                                       self.scenario))


def _decode(body: bytes, encoding: str) -> bytes:
    for coding in reversed([c.strip().lower() for c in encoding.split(",") if c.strip()]):
        if coding in ("gzip", "x-gzip", "deflate"):
            try:
                body = zlib.decompress(body, zlib.MAX_WBITS | 32 if coding != "deflate" else zlib.MAX_WBITS)
            except zlib.error:
                body = zlib.decompress(body, -zlib.MAX_WBITS)
    return body


def capturing_transport(inner: Any, mod: ModuleType, recorder: Recorder) -> Any:
    """A ``mod.BaseTransport`` (httpx or httpx2) that forwards to ``inner`` and records every response."""

    class _Stream(mod.SyncByteStream):  # type: ignore[name-defined,misc]
        def __init__(self, stream: Any, tee: _Tee) -> None:
            self.stream, self.tee = stream, tee

        def __iter__(self) -> Iterator[bytes]:
            for chunk in self.stream:
                self.tee.add(chunk)
                yield chunk
            self.tee.finish(complete=True)

        def close(self) -> None:
            self.tee.finish(complete=False)
            self.stream.close()

    class _Transport(mod.BaseTransport):  # type: ignore[name-defined,misc]
        def handle_request(self, request: Any) -> Any:
            request.headers["Accept-Encoding"] = ACCEPT_ENCODING
            response = inner.handle_request(request)
            tee = _Tee(recorder, request, response.status_code, response.headers)
            return mod.Response(response.status_code, headers=response.headers,
                                stream=_Stream(response.stream, tee), extensions=response.extensions)

        def close(self) -> None:
            inner.close()

    return _Transport()


def async_capturing_transport(inner: Any, mod: ModuleType, recorder: Recorder) -> Any:
    """The ``AsyncBaseTransport`` twin of ``capturing_transport``."""

    class _Stream(mod.AsyncByteStream):  # type: ignore[name-defined,misc]
        def __init__(self, stream: Any, tee: _Tee) -> None:
            self.stream, self.tee = stream, tee

        async def __aiter__(self) -> AsyncIterator[bytes]:
            async for chunk in self.stream:
                self.tee.add(chunk)
                yield chunk
            self.tee.finish(complete=True)

        async def aclose(self) -> None:
            self.tee.finish(complete=False)
            await self.stream.aclose()

    class _Transport(mod.AsyncBaseTransport):  # type: ignore[name-defined,misc]
        async def handle_async_request(self, request: Any) -> Any:
            request.headers["Accept-Encoding"] = ACCEPT_ENCODING
            response = await inner.handle_async_request(request)
            tee = _Tee(recorder, request, response.status_code, response.headers)
            return mod.Response(response.status_code, headers=response.headers,
                                stream=_Stream(response.stream, tee), extensions=response.extensions)

        async def aclose(self) -> None:
            await inner.aclose()

    return _Transport()
