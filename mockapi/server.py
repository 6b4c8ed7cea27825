"""Run a fake on a real loopback socket in a background thread (for clients that need one)."""

from __future__ import annotations

import gc
import socket
import threading
import time
from typing import Any

import uvicorn

from mockapi.fake import Fake

# How every fake is served. No `server: uvicorn` header (the real API names no Python server) and no
# X-Forwarded-For rewriting (the fake uses no client address): together ~2% of a request's instructions.
UVICORN_SETTINGS: dict[str, Any] = {
    "access_log": False, "log_level": "warning", "server_header": False, "proxy_headers": False,
}


class BackgroundServer:
    def __init__(self, fake: Fake, host: str = "127.0.0.1", port: int = 0) -> None:
        self.fake = fake
        self.host = host
        self.port = port or _free_port(host)
        config = uvicorn.Config(
            fake.app, host=host, port=self.port, loop="asyncio", http="h11", timeout_graceful_shutdown=1,
            **UVICORN_SETTINGS,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="mockapi-server", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("mockapi server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def tune_gc(collect: bool = True) -> None:
    """Call once the Fake is built, before serving.

    The loaded contract is a large, immortal object graph: freezing it keeps the
    cyclic GC from re-walking it, and a higher gen-0 threshold stops frequent
    collections as stored objects pile up (together ~1.5x POST throughput).
    ``collect=False`` skips the full collection first (~30 ms at start-up; what
    little cyclic garbage the start made stays frozen). Collection is enabled.
    """
    if collect:
        gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    gc.enable()


def _free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])
