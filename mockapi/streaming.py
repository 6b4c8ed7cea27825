"""Server-sent events: what handlers return to stream, and the wire encoder.

A handler returns an ``EventStream`` over ``SSEEvent``s (and optional
``Pause``s). Producers are plain generators that take the state lock for each
step themselves; the encoder turns events into ``event:``/``data:`` frames.
Chat and legacy completions streams have no ``event:`` lines (core.md §3.4);
Assistants streams name every event (assistants.md §6.1).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

DONE = "[DONE]"


@dataclass
class SSEEvent:
    data: Any
    event: str | None = None


@dataclass
class Pause:
    """Wait this long before the next event (latency, scripted durations)."""

    seconds: float


@dataclass
class EventStream:
    events: Iterable[SSEEvent | Pause]

    def __iter__(self) -> Iterator[SSEEvent | Pause]:
        return iter(self.events)


def encode(event: SSEEvent) -> bytes:
    data = event.data if isinstance(event.data, str) else orjson.dumps(event.data).decode()
    if event.event is None:
        return f"data: {data}\n\n".encode()
    return f"event: {event.event}\ndata: {data}\n\n".encode()


# Events produced back to back are sent in one ASGI message (up to this many): one send per
# ~3-token chunk was most of a streamed reply's cost. Pauses and the end flush the buffer.
COALESCE = 32


async def frames(stream: EventStream, coalesce: int = COALESCE) -> AsyncIterator[bytes]:
    """Encoded frames, honouring pauses without blocking the event loop.

    ``coalesce=1`` gives one frame per event (stream faults count events). If the producer
    fails mid-way, what it produced so far is sent first.
    """
    import asyncio

    buffer: list[bytes] = []
    try:
        for item in stream:
            if isinstance(item, Pause):
                if buffer:
                    chunk = b"".join(buffer)
                    buffer.clear()
                    yield chunk
                await asyncio.sleep(item.seconds)
                continue
            buffer.append(encode(item))
            if len(buffer) >= coalesce:
                chunk = b"".join(buffer)
                buffer.clear()
                yield chunk
    except Exception:
        # Not on GeneratorExit: a closed generator (cut stream, client gone) must not yield again.
        if buffer:
            yield b"".join(buffer)
        raise
    if buffer:
        yield b"".join(buffer)
