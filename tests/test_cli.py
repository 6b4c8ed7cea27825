"""`mockapi serve`: prints the base URL, answers on loopback, stops cleanly on SIGTERM and Ctrl-C."""

from __future__ import annotations

import gc
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_answers_and_exits_cleanly(stop: signal.Signals) -> None:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "mockapi", "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/v1" in first
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/v1/models", headers={"Authorization": "Bearer k"})
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "server never answered"
                time.sleep(0.05)
        assert response.status_code == 200 and response.json()["object"] == "list"
        # The real API's headers, not the server's: no `server: uvicorn` naming what answers.
        assert "uvicorn" not in response.headers.get("server", "") and response.headers["x-request-id"]
        proc.send_signal(stop)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_main_turns_the_collector_back_on() -> None:
    """`mockapi` disables the cyclic GC while it builds the fake (start-up time); whatever the command, a caller
    in the same process gets it back."""
    from mockapi import cli

    assert gc.isenabled()
    with pytest.raises(SystemExit):
        cli.main(["serve", "--help"])
    assert gc.isenabled()
