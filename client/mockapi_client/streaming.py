"""Server-sent events: an incremental decoder and typed streams over an httpx response.

The decoder follows the SSE rules the API relies on (core.md §1.7, assistants.md §6.1): CR, LF or CRLF
line ends (also split across chunks), ``event:``/``data:``/``id:``/``retry:`` fields, several ``data:``
lines joined by newlines, ``:`` comments ignored, an event dispatched at a blank line.
Streams stop at data starting ``[DONE]`` and raise ``StreamError`` for an error event (a chat ``data``
with an ``error`` key, or an ``error`` event); a broken connection, or an end without ``[DONE]`` (every API
stream sends it last), raises ``APIConnectionError``: a truncated result is never passed off as whole.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx

from mockapi_client import errors
from mockapi_client.types.chat import ChatCompletion, ChatCompletionChunk

T = TypeVar("T")

_LINE_END = re.compile(r"[\r\n]")


@dataclass
class ServerSentEvent:
    data: str
    event: str | None = None
    id: str | None = None
    retry: int | None = None

    def json(self) -> Any:
        return json.loads(self.data)


class SSEDecoder:
    """Feed bytes as they arrive; get complete events back."""

    def __init__(self) -> None:
        self._text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buffer = ""
        self._reset()

    def _reset(self) -> None:
        self._event: str | None = None
        self._data: list[str] = []
        self._id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes | str) -> list[ServerSentEvent]:
        self._buffer += chunk if isinstance(chunk, str) else self._text.decode(chunk)
        return self._drain(final=False)

    def flush(self) -> list[ServerSentEvent]:
        """End of stream: a trailing line without its newline still counts, then any unfinished event."""
        self._buffer += self._text.decode(b"", final=True)
        events = self._drain(final=True)
        if self._buffer:
            found = self._line(self._buffer)
            self._buffer = ""
            if found:
                events.append(found)
        if self._data:
            events.append(self._dispatch())
        return events

    def _drain(self, final: bool) -> list[ServerSentEvent]:
        events = []
        while (match := _LINE_END.search(self._buffer)) is not None:
            at = match.start()
            if self._buffer[at] == "\r":
                if at + 1 == len(self._buffer) and not final:
                    break  # maybe the \r of a \r\n split across chunks
                end = at + 2 if self._buffer[at + 1 : at + 2] == "\n" else at + 1
            else:
                end = at + 1
            line, self._buffer = self._buffer[:at], self._buffer[end:]
            found = self._line(line)
            if found is not None:
                events.append(found)
        return events

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            if self._data:
                return self._dispatch()
            self._reset()  # a blank line after fields without data dispatches nothing
            return None
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._id = value
        elif name == "retry" and value.isdigit():
            self._retry = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent:
        event = ServerSentEvent("\n".join(self._data), self._event, self._id, self._retry)
        self._reset()
        return event


def decode_lines(chunks: Iterable[bytes | str]) -> Iterator[ServerSentEvent]:
    """Every event in an iterable of chunks (for parsing a recorded stream)."""
    decoder = SSEDecoder()
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.flush()


# -- typed streams -----------------------------------------------------------------------

# Turns one event (name, parsed JSON data) into the stream's item type.
Parser = Callable[[str | None, Any], T]


def _check(sse: ServerSentEvent) -> Any:
    """Parsed data of an event, or raise the error it carries."""
    try:
        data = sse.json()
    except ValueError as exc:
        raise errors.StreamError(f"Malformed event data: {sse.data[:200]!r}", body=sse.data) from exc
    is_thread_event = sse.event is not None and sse.event.startswith("thread.")
    if sse.event == "error" or (not is_thread_event and isinstance(data, dict) and "error" in data):
        raise errors.from_stream_event(data, sse.event)
    return data


class _StreamBase(Generic[T]):
    def __init__(
        self,
        response: httpx.Response,
        parse: Parser[T],
        *,
        on_close: Callable[[], None] | None = None,
        on_item: Callable[[T], None] | None = None,
    ) -> None:
        self.response = response
        self._parse = parse
        self._on_close = on_close
        self._on_item = on_item
        self._closed = False
        self.done = False  # saw the [DONE] sentinel

    @property
    def request_id(self) -> str | None:
        return self.response.headers.get("x-request-id")

    def _handle(self, sse: ServerSentEvent) -> T | None:
        """The item for one event; None once the stream is done."""
        if sse.data.startswith("[DONE]"):
            self.done = True
            return None
        item = self._parse(sse.event, _check(sse))
        if self._on_item is not None:
            self._on_item(item)
        return item

    def _truncated(self) -> errors.APIConnectionError:
        """Every stream of the API ends with ``[DONE]``: an end without it is a cut, not a short answer."""
        return errors.APIConnectionError(
            "The stream ended before [DONE]: the connection was closed early and the result is incomplete.",
            request_id=self.request_id,
        )

    def _closed_now(self) -> bool:
        if self._closed:
            return False
        self._closed = True
        if self._on_close is not None:
            self._on_close()
        return True


class Stream(_StreamBase[T]):
    """Iterate to get items (one pass); use as a context manager or ``close`` to free the connection early."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._iterator: Iterator[T] | None = None

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        if self._iterator is None:
            self._iterator = self._items()
        return next(self._iterator)

    def _items(self) -> Iterator[T]:
        decoder = SSEDecoder()
        try:
            for chunk in self.response.iter_bytes():
                for sse in decoder.feed(chunk):
                    item = self._handle(sse)
                    if item is None:
                        return
                    yield item
            for sse in decoder.flush():
                item = self._handle(sse)
                if item is None:
                    return
                yield item
            raise self._truncated()
        except httpx.TransportError as exc:
            raise errors.from_transport_error(exc) from exc
        finally:
            self.close()

    def until_done(self) -> list[T]:
        """Read the rest of the stream; returns the items read now."""
        return list(self)

    def close(self) -> None:
        if self._closed_now():
            self.response.close()

    def __enter__(self) -> Stream[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncStream(_StreamBase[T]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._iterator: AsyncGenerator[T, None] | None = None

    def __aiter__(self) -> AsyncIterator[T]:
        return self

    async def __anext__(self) -> T:
        if self._iterator is None:
            self._iterator = self._items()
        return await self._iterator.__anext__()

    async def _items(self) -> AsyncGenerator[T, None]:
        decoder = SSEDecoder()
        try:
            async for chunk in self.response.aiter_bytes():
                for sse in decoder.feed(chunk):
                    item = self._handle(sse)
                    if item is None:
                        return
                    yield item
            for sse in decoder.flush():
                item = self._handle(sse)
                if item is None:
                    return
                yield item
            raise self._truncated()
        except httpx.TransportError as exc:
            raise errors.from_transport_error(exc) from exc
        finally:
            await self._close_response()

    async def until_done(self) -> list[T]:
        return [item async for item in self]

    async def aclose(self) -> None:
        """Free the connection and the queue slot; a half-read iteration is finished too (no pending
        async generator left for the garbage collector)."""
        iterator = self._iterator
        if iterator is not None and not iterator.ag_running:
            await iterator.aclose()
        await self._close_response()

    async def _close_response(self) -> None:
        if self._closed_now():
            await self.response.aclose()

    async def __aenter__(self) -> AsyncStream[T]:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


# -- chat streams -----------------------------------------------------------------------------


class ChatCompletionAccumulator:
    """Builds the whole ``ChatCompletion`` from its chunks (strings concatenate; ids and names come first)."""

    def __init__(self) -> None:
        self._head: dict[str, Any] = {}
        self._choices: dict[int, dict[str, Any]] = {}
        self._usage: Any = None

    def add(self, chunk: ChatCompletionChunk) -> None:
        for key in ("id", "created", "model", "system_fingerprint", "service_tier"):
            value = getattr(chunk, key, None)
            if value is not None:
                self._head.setdefault(key, value)
        if chunk.usage is not None:
            self._usage = chunk.usage.model_dump()
        for choice in chunk.choices:
            state = self._choices.setdefault(
                choice.index, {"index": choice.index, "message": {"role": "assistant"}, "finish_reason": None}
            )
            self._merge_delta(state["message"], choice.delta.model_dump(exclude_none=True))
            if choice.finish_reason is not None:
                state["finish_reason"] = choice.finish_reason

    @staticmethod
    def _merge_delta(message: dict[str, Any], delta: dict[str, Any]) -> None:
        for key in ("content", "refusal"):
            if key in delta:
                message[key] = (message.get(key) or "") + delta[key]
        if "role" in delta:
            message["role"] = delta["role"]
        for call in delta.get("tool_calls") or []:
            calls: dict[int, dict[str, Any]] = message.setdefault("_calls", {})
            slot = calls.setdefault(call["index"], {"type": "function", "function": {"name": "", "arguments": ""}})
            if call.get("id"):
                slot["id"] = call["id"]
            if call.get("type"):
                slot["type"] = call["type"]
            function = call.get("function") or {}
            slot["function"]["name"] += function.get("name") or ""
            slot["function"]["arguments"] += function.get("arguments") or ""

    def completion(self) -> ChatCompletion:
        choices = []
        for index in sorted(self._choices):
            state = self._choices[index]
            message = dict(state["message"])
            calls = message.pop("_calls", None)
            if calls:
                message["tool_calls"] = [calls[i] for i in sorted(calls)]
            message.setdefault("content", None)
            choices.append({**state, "message": message})
        return ChatCompletion.model_validate(
            {**self._head, "object": "chat.completion", "choices": choices, "usage": self._usage}
        )


class ChatCompletionStream(Stream[ChatCompletionChunk]):
    """A chat stream that also builds the whole completion (``final_completion``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.accumulator = ChatCompletionAccumulator()

    def _handle(self, sse: ServerSentEvent) -> ChatCompletionChunk | None:
        chunk = super()._handle(sse)
        if chunk is not None:
            self.accumulator.add(chunk)
        return chunk

    def final_completion(self) -> ChatCompletion:
        """Read the rest of the stream and return the whole completion."""
        self.until_done()
        return self.accumulator.completion()


class AsyncChatCompletionStream(AsyncStream[ChatCompletionChunk]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.accumulator = ChatCompletionAccumulator()

    def _handle(self, sse: ServerSentEvent) -> ChatCompletionChunk | None:
        chunk = super()._handle(sse)
        if chunk is not None:
            self.accumulator.add(chunk)
        return chunk

    async def final_completion(self) -> ChatCompletion:
        await self.until_done()
        return self.accumulator.completion()
