"""Instructions per request, counted by callgrind: a noise-free companion to bench/run.py.

Throughput on a shared two-core machine drifts by ±20% between runs, which hides any change smaller than that.
This drives uvicorn's httptools protocol in one process (no socket, no load generator) with keep-alive requests,
counts the instructions of N and of 4N requests under callgrind and reports the difference per request, for the
bare Starlette ceiling and the fake. Kernel work (the socket reads and writes, the same for every server) is not
counted, so the ratios here are lower bounds of what wrk sees once the kernel's share is added to both.

Run: python bench/instructions.py [--requests 500] [--only fake,bare]   (needs valgrind; ~20 s per case)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BOUNDARY = "mockapibench"
UPLOAD = (
    f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nassistants\r\n"
    f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
    f"Content-Type: text/plain\r\n\r\n{'x' * 1024}\r\n--{BOUNDARY}--\r\n"
).encode()
SERVERS = ("bare", "bare-headers", "fake", "fake-novalidation")
REQUESTS = ("GET /v1/models", "GET /v1/files/{id}", "POST /v1/files")


def wire(request: str, file_id: str) -> bytes:
    """The bytes of one HTTP/1.1 keep-alive request, as wrk sends them."""
    method, path = request.split(" ")
    target = path.replace("{id}", file_id)
    head = f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:4010\r\nAuthorization: Bearer sk-bench\r\n"
    if method == "GET":
        return (head + "\r\n").encode()
    return (head + f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
            f"Content-Length: {len(UPLOAD)}\r\n\r\n").encode() + UPLOAD  # fmt: skip


class _Transport(asyncio.Transport):
    """Swallows the response; a response is two writes (head, body) for every server measured here."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.done: asyncio.Future[None] | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))
        if len(self.writes) % 2 == 0 and self.done is not None:
            self.done.set_result(None)

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 4010), "peername": ("127.0.0.1", 50000)}.get(name, default)

    def is_closing(self) -> bool:
        return False

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...

    def close(self) -> None: ...


def _app(server: str) -> tuple[Any, dict[str, Any]]:
    if server.startswith("bare"):
        sys.path.insert(0, str(ROOT))
        from bench.bare_app import app, app_with_headers

        return (app_with_headers if server == "bare-headers" else app), {}
    from mockapi import Fake
    from mockapi.server import UVICORN_SETTINGS, tune_gc

    validate = server == "fake"
    fake = Fake(validate_requests=validate, validate_responses=validate)
    tune_gc()
    return fake.app, UVICORN_SETTINGS


async def _drive(server: str, request: str, count: int) -> None:
    from uvicorn.config import Config
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    from uvicorn.server import ServerState

    app, settings = _app(server)
    config = Config(app, loop="uvloop", http="httptools", **{"access_log": False, "log_level": "warning", **settings})
    config.load()
    protocol = HttpToolsProtocol(config=config, server_state=ServerState(), app_state={})
    transport = _Transport()
    protocol.connection_made(transport)
    loop = asyncio.get_running_loop()

    async def send(data: bytes) -> bytes:
        transport.done = loop.create_future()
        protocol.data_received(data)
        await transport.done
        return transport.writes[-1]

    created = await send(wire("POST /v1/files", ""))
    found = re.search(rb'"id":"(file-[^"]+)"', created)
    data = wire(request, found.group(1).decode() if found else "file-x")
    for _ in range(200):  # warm caches, lazily compiled validators and the dicts' first growth
        await send(data)
    for _ in range(count):
        await send(data)


def _instructions(server: str, request: str, count: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        result = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, __file__, "--drive",
             server, request, str(count)],
            capture_output=True, text=True, cwd=ROOT, env=env, check=True,
        )  # fmt: skip
    found = re.search(r"Collected : (\d+)", result.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no count:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def per_request(server: str, request: str, count: int) -> float:
    return (_instructions(server, request, 4 * count) - _instructions(server, request, count)) / (3 * count)


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--drive":
        import uvloop

        uvloop.run(_drive(sys.argv[2], sys.argv[3], int(sys.argv[4])))
        return 0
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--only", default=",".join(SERVERS), help="comma-separated servers: " + ", ".join(SERVERS))
    args = parser.parse_args()
    servers = [s for s in args.only.split(",") if s in SERVERS]
    counts = {(s, r): per_request(s, r, args.requests) for s in servers for r in REQUESTS}
    print("| server | " + " | ".join(REQUESTS) + " |")
    print("|---|" + "---|" * len(REQUESTS))
    for server in servers:
        print(f"| {server} | " + " | ".join(f"{counts[server, r]:,.0f}" for r in REQUESTS) + " |")
    if "bare" in servers:
        for server in (s for s in servers if s.startswith("fake")):
            shares = ", ".join(f"{r} {counts['bare', r] / counts[server, r]:.0%}" for r in REQUESTS)
            print(f"{server}: the ceiling's instructions as a share of the fake's: {shares}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
