"""Chat completion throughput: a 200-token answer, non-streamed and streamed.

    .venv/bin/python bench/chat.py [--seconds 5] [--connections 16] [--requests 300]

Two set-ups:
- in-process: one client calling the ASGI app directly (no socket), sequentially; what a
  test suite using the ``openai_client`` fixture pays per call;
- loopback: ``mockapi`` in its own process (uvicorn, uvloop + httptools, one worker, like
  ``mockapi serve``) loaded by ``wrk`` (1 thread); the streamed run reads every chunk.

The reply is scripted to exactly 200 tokens (o200k_base), so every request renders the
same completion: 200 content tokens, ~67 content chunks when streamed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mockapi import tokens  # noqa: E402

MODEL = "gpt-4o-mini"
PROMPT = [{"role": "system", "content": "You are a helpful assistant."},
          {"role": "user", "content": "Tell me about benchmarks."}]


def reply_200() -> str:
    words = " ".join(f"benchmark word {i} says hello," for i in range(200))
    text = tokens.decode(tokens.encode(words, MODEL)[:200], MODEL)
    assert tokens.count(text, MODEL) == 200
    return text


def body(stream: bool) -> dict:
    return {"model": MODEL, "messages": PROMPT, "stream": stream}


# -- in-process ------------------------------------------------------------------------------


def in_process(requests: int, validate_responses: bool) -> dict[str, float]:
    from mockapi import Fake

    fake = Fake(validate_responses=validate_responses)
    fake.responder.script({"text": reply_200()}, repeat=True)
    results = {}
    with fake.http_client() as http:
        for label, stream in (("non-streamed", False), ("streamed", True)):
            for _ in range(20):  # warm-up
                http.post("/v1/chat/completions", json=body(stream)).read()
            samples = []
            for _ in range(requests):
                started = time.perf_counter()
                response = http.post("/v1/chat/completions", json=body(stream))
                response.read()
                samples.append(time.perf_counter() - started)
                assert response.status_code == 200
            if stream:
                assert response.text.count("data: ") >= 60
            else:
                assert response.json()["usage"]["completion_tokens"] == 200
            results[label] = len(samples) / sum(samples)
            results[label + " p50 ms"] = statistics.median(samples) * 1000
    return results


# -- loopback server + wrk ---------------------------------------------------------------------


def serve(port: int, validate_responses: bool) -> None:
    import uvicorn

    from mockapi import Fake
    from mockapi.server import tune_gc

    fake = Fake(validate_responses=validate_responses)
    fake.responder.script({"text": reply_200()}, repeat=True)
    tune_gc()
    uvicorn.run(fake.app, host="127.0.0.1", port=port, loop="uvloop", http="httptools",
                access_log=False, log_level="warning")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(port: int) -> None:
    import httpx

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/v1/models", headers={"Authorization": "Bearer sk-bench"}, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.02)
    raise RuntimeError("server did not start")


def wrk_script(stream: bool) -> str:
    payload = json.dumps(body(stream)).replace("\\", "\\\\").replace('"', '\\"')
    lua = (
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.body = "{payload}"\n'
    )
    path = Path(tempfile.mkdtemp()) / f"chat_{'stream' if stream else 'plain'}.lua"
    path.write_text(lua)
    return str(path)


def loopback(seconds: int, connections: int, validate_responses: bool) -> dict[str, str | float]:
    port = free_port()
    flag = "1" if validate_responses else "0"
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port), flag], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(port)
        results: dict[str, str | float] = {}
        for label, stream in (("non-streamed", False), ("streamed", True)):
            cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
                   "-H", "Authorization: Bearer sk-bench", "-s", wrk_script(stream),
                   f"http://127.0.0.1:{port}/v1/chat/completions"]
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            if "Non-2xx" in out:
                raise RuntimeError(out)
            results[label] = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
            results[label + " p50"] = re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)
        return results
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]), sys.argv[3] == "1")
        return 0
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    rows = ["| set-up | response validation | non-streamed req/s (p50) | streamed req/s (p50) |", "|---|---|---|---|"]
    for validate in (False, True):
        got = in_process(args.requests, validate)
        rows.append(f"| in-process, sequential | {'on' if validate else 'off'} | "
                    f"{got['non-streamed']:,.0f} ({got['non-streamed p50 ms']:.1f} ms) | "
                    f"{got['streamed']:,.0f} ({got['streamed p50 ms']:.1f} ms) |")
    if shutil.which("wrk") is None:
        print("wrk not found (apt-get install wrk): loopback figures skipped", file=sys.stderr)
    else:
        for validate in (False, True):
            got = loopback(args.seconds, args.connections, validate)
            rows.append(f"| loopback uvicorn, wrk {args.connections} conns | {'on' if validate else 'off'} | "
                        f"{got['non-streamed']:,.0f} ({got['non-streamed p50']}) | "
                        f"{got['streamed']:,.0f} ({got['streamed p50']}) |")
    print("\n".join(rows))
    print(f"\n200-token reply, {MODEL}; cpu count {os.cpu_count()}; request validation on everywhere")
    return 0


if __name__ == "__main__":
    sys.exit(main())
