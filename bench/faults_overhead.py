"""What fault injection and rate limiting cost when they are not used (issue 5).

Compares throughput of the same request against fakes that differ only in their pipeline:
- "no interceptor": the fault engine and the rate limiter removed from the dispatcher (as before issue 5);
- "zero rules": the default fake (engine installed, no rule, rate limits off);
- "1 rule, no match": one rule that targets another path (the engine walks its list);
- "rate limits on": accounting with a limit never reached (headers on every response).

Run: python bench/faults_overhead.py [--requests 5000] [--rounds 40] [--wrk --seconds 5 --wrk-rounds 5]
In-process, requests go straight into the ASGI app (no client), so the pipeline is all that is measured,
in CPU time of this process with the cyclic GC paused; variants are interleaved round by round (order
rotated); the best and the median round are reported, and variants are compared on their best round
(the one least disturbed by other load on the machine). ``--wrk`` also serves each variant
with uvicorn (uvloop + httptools) on loopback and loads ``GET /v1/models`` with wrk.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from mockapi.fake import Fake  # noqa: E402

PATH = "/v1/models"


def no_interceptor(fake: Fake) -> None:
    # The rate limiter only joins the pipeline when configured; the fault engine is always there.
    # (Other features' interceptors, e.g. lifecycle catch-ups, stay in every variant.)
    fake.dispatcher.interceptors.remove(fake.services["faults"].intercept)
    assert fake.services["rate_limits"].hook not in fake.dispatcher.response_hooks


def zero_rules(fake: Fake) -> None:
    pass


def one_rule(fake: Fake) -> None:
    fake.faults.add("server_error", path="/nowhere")


def rate_limits_on(fake: Fake) -> None:
    fake.rate_limits.configure(rpm=10**9, tpm=10**12)


VARIANTS: dict[str, Callable[[Fake], None]] = {
    "no interceptor": no_interceptor,
    "zero rules": zero_rules,
    "1 rule, no match": one_rule,
    "rate limits on": rate_limits_on,
}


def build(variant: str) -> Fake:
    fake = Fake(journal_size=1000)
    VARIANTS[variant](fake)
    return fake


async def _drive(fake: Fake, n: int) -> float:
    scope = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": PATH, "raw_path": PATH.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"host", b"bench"), (b"authorization", b"Bearer sk-bench")],
        "server": ("bench", 80), "client": ("127.0.0.1", 1),
    }
    request = {"type": "http.request", "body": b"", "more_body": False}
    status: list[int] = []

    async def receive() -> dict:
        return request

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    app = fake.app
    started = time.process_time()  # CPU time of this process: other load on the machine does not count
    for _ in range(n):
        await app(dict(scope), receive, send)
    elapsed = time.process_time() - started
    if set(status) != {200}:
        raise RuntimeError(f"unexpected statuses {set(status)}")
    return n / elapsed


def in_process(requests: int, rounds: int) -> dict[str, list[float]]:
    fakes = {name: build(name) for name in VARIANTS}
    loop = asyncio.new_event_loop()
    for fake in fakes.values():  # warm-up
        loop.run_until_complete(_drive(fake, 500))
    samples: dict[str, list[float]] = {name: [] for name in VARIANTS}
    names = list(fakes)
    gc.collect()
    gc.freeze()  # as `mockapi serve` does (server.tune_gc); collections inside a round are noise
    gc.disable()
    try:
        for i in range(rounds):
            for name in names[i % len(names):] + names[:i % len(names)]:  # rotate the order: no position bias
                samples[name].append(loop.run_until_complete(_drive(fakes[name], requests)))
                gc.collect()
    finally:
        gc.enable()
    loop.close()
    return samples


# -- over uvicorn ----------------------------------------------------------------------------------


def serve(variant: str, port: int) -> None:
    import uvicorn

    fake = build(variant)
    uvicorn.run(fake.app, host="127.0.0.1", port=port, loop="uvloop", http="httptools",
                access_log=False, log_level="warning")


def over_uvicorn(seconds: int, connections: int, rounds: int) -> dict[str, list[float]]:
    import socket

    import httpx

    samples: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for _ in range(rounds):
        for name in VARIANTS:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            proc = subprocess.Popen([sys.executable, __file__, "--serve", name, "--port", str(port)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                url = f"http://127.0.0.1:{port}{PATH}"
                deadline = time.monotonic() + 30
                while True:
                    try:
                        httpx.get(url, headers={"Authorization": "Bearer sk-bench"}, timeout=0.5)
                        break
                    except httpx.TransportError:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.02)
                out = subprocess.run(
                    ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-H", "Authorization: Bearer sk-bench", url],
                    capture_output=True, text=True, check=True,
                ).stdout
                samples[name].append(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)))
            finally:
                proc.terminate()
                proc.wait(timeout=10)
    return samples


def report(title: str, samples: dict[str, list[float]]) -> None:
    """Best and median per variant; the comparison uses the best round (least disturbed by other load)."""
    best = {name: max(values) for name, values in samples.items()}
    print(f"\n{title}")
    print("| pipeline | best req/s | best µs/request | median µs/request | best vs no interceptor |")
    print("|---|---|---|---|---|")
    for name, values in samples.items():
        print(f"| {name} | {best[name]:,.0f} | {1e6 / best[name]:.1f} | {1e6 / statistics.median(values):.1f} | "
              f"{best[name] / best['no interceptor'] - 1:+.1%} |")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--wrk", action="store_true", help="also measure over uvicorn with wrk")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-rounds", type=int, default=5)
    parser.add_argument("--serve", choices=list(VARIANTS), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return 0
    report(f"In-process ASGI, GET {PATH}, {args.requests} requests x {args.rounds} rounds",
           in_process(args.requests, args.rounds))
    if args.wrk:
        if shutil.which("wrk") is None:
            print("wrk not found: apt-get install wrk", file=sys.stderr)
            return 2
        report(f"uvicorn loopback, wrk 1 thread {args.connections} connections {args.seconds}s "
               f"x {args.wrk_rounds}", over_uvicorn(args.seconds, args.connections, args.wrk_rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
