"""Benchmark of the HTTP core (issue 2): start-up time and throughput against the bare-Starlette ceiling.

Run: ./run bench  [--seconds 5] [--connections 16]
Needs `wrk` (Debian package `wrk`) as the load generator. Each server runs in its own process with
uvloop + httptools and one worker, on loopback; wrk uses one thread so the two cores are split evenly.
"""

from __future__ import annotations

import argparse
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

import httpx

HERE = Path(__file__).parent
PY = sys.executable
AUTH = "Authorization: Bearer sk-bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, deadline: float) -> float:
    while time.perf_counter() < deadline:
        try:
            if httpx.get(url, headers={"Authorization": "Bearer sk-bench"}, timeout=0.5).status_code == 200:
                return time.perf_counter()
        except httpx.TransportError:
            time.sleep(0.005)
    raise RuntimeError(f"{url} never answered")


# Servers run as users run them: with bytecode caches (some sandboxes set PYTHONDONTWRITEBYTECODE).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def start(cmd: list[str], port: int) -> tuple[subprocess.Popen[bytes], float]:
    begun = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=HERE.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    ready = wait_ready(f"http://127.0.0.1:{port}/v1/models", begun + 30)
    return proc, ready - begun


def wrk(url: str, seconds: int, connections: int, script: str | None = None) -> tuple[float, str]:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", AUTH]
    if script:
        cmd += ["-s", script]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{url}: {non2xx.group(1)} non-2xx responses")
    return rps, p50


def multipart_script() -> str:
    boundary = "mockapibench"
    body = (
        f"--{boundary}\\r\\nContent-Disposition: form-data; name=\\\"purpose\\\"\\r\\n\\r\\nassistants\\r\\n"
        f"--{boundary}\\r\\nContent-Disposition: form-data; name=\\\"file\\\"; filename=\\\"a.txt\\\"\\r\\n"
        f"Content-Type: text/plain\\r\\n\\r\\n{'x' * 1024}\\r\\n--{boundary}--\\r\\n"
    )
    lua = (
        'wrk.method = "POST"\n'
        f'wrk.headers["Content-Type"] = "multipart/form-data; boundary={boundary}"\n'
        f'wrk.body = "{body}"\n'
    )
    path = Path(tempfile.mkdtemp()) / "post_file.lua"
    path.write_text(lua)
    return str(path)


def measure(name: str, cmd: list[str], port: int, args: argparse.Namespace, rows: list[str]) -> dict[str, float]:
    proc, startup = start(cmd, port)
    try:
        base = f"http://127.0.0.1:{port}/v1"
        created = httpx.post(f"{base}/files", headers={"Authorization": "Bearer sk-bench"},
                             files={"file": ("a.txt", b"hello")}, data={"purpose": "assistants"})
        file_id = created.json().get("id", "file-x") if created.status_code == 200 else "file-x"
        results = {}
        for label, url, script in (
            ("GET /v1/models", f"{base}/models", None),
            ("GET /v1/files/{id}", f"{base}/files/{file_id}", None),
            ("POST /v1/files", f"{base}/files", multipart_script()),
        ):
            rps, p50 = wrk(url, args.seconds, args.connections, script)
            results[label] = rps
            rows.append(f"| {name} | {label} | {rps:,.0f} | {p50} |")
        results["startup"] = startup
        return results
    finally:
        proc.terminate()
        proc.wait(timeout=10)


LABELS = ("GET /v1/models", "GET /v1/files/{id}", "POST /v1/files")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk not found: apt-get install wrk", file=sys.stderr)
        return 2
    # Warm the contract cache so start-up measures the cached path (the first run ever builds it once).
    subprocess.run([PY, "-c", "from mockapi import Fake; Fake()"], check=True, cwd=HERE.parent, env=ENV)
    rows = ["| server | request | req/s | p50 |", "|---|---|---|---|"]
    uvicorn = [PY, "-m", "uvicorn", "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level",
               "warning"]
    servers = {
        "bare Starlette (ceiling)": [*uvicorn, "bench.bare_app:app"],
        "bare Starlette + the real API's headers": [*uvicorn, "bench.bare_app:app_with_headers"],
        "mockapi, no validation": [PY, "bench/serve_fake.py", "{port}", "0", "0"],
        "mockapi, request+response validation": [PY, "bench/serve_fake.py", "{port}", "1", "1"],
    }
    # The machine is shared and noisy: run every server in each of several rounds (interleaved, so
    # drift hits all alike) and report the median round per server and request.
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in servers}
    for _ in range(args.rounds):
        for name, template in servers.items():
            port = free_port()
            cmd = [part.replace("{port}", str(port)) for part in template]
            if "uvicorn" in cmd:
                cmd += ["--port", str(port)]
            runs[name].append(measure(name, cmd, port, args, rows))
    results = {name: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for name, rs in runs.items()}
    print("\n".join(rows))
    print()
    print("| server | " + " | ".join(LABELS) + " |")
    print("|---|" + "---|" * len(LABELS))
    for name, result in results.items():
        print(f"| {name} | " + " | ".join(f"{result[label]:,.0f}" for label in LABELS) + " |")
    ceiling, full = results["bare Starlette (ceiling)"], results["mockapi, request+response validation"]
    print()
    headed = results["bare Starlette + the real API's headers"]
    for label in LABELS:
        print(f"{label}: validated mockapi at {full[label] / ceiling[label]:.0%} of the ceiling, "
              f"{full[label] / headed[label]:.0%} of the ceiling sending the real headers (medians of rounds)")
    startups = []
    for _ in range(5):
        proc, seconds = start([PY, "-m", "mockapi", "serve", "--port", str(port := free_port())], port)
        proc.terminate()
        proc.wait()
        startups.append(seconds)
    print(f"start-up to first answered request (`mockapi serve`, contract cached), median of 5: "
          f"{statistics.median(startups):.3f} s (min {min(startups):.3f})")
    print(f"cpu count: {os.cpu_count()}, wrk: 1 thread, {args.connections} connections, {args.seconds}s per run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
