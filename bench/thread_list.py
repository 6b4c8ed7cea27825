"""Message list cost vs thread size: a page must cost O(limit), not O(messages in the thread).

    .venv/bin/python bench/thread_list.py [--sizes 100 1000 10000 100000] [--requests 300] [--validate]

For each size, one thread holds that many messages (inserted directly, to build big threads fast; the first one
belongs to a run, for the ``run_id`` filter). Then, through the full in-process HTTP pipeline (routing, auth, query
validation, handler under the state lock, JSON), it times ``GET /v1/threads/{id}/messages``:
- ``first page``: ``limit=20`` newest first (the default order);
- ``mid cursor``: ``order=asc&after=<the middle message>&limit=20``;
- ``before``: ``order=desc&before=<the middle message>&limit=20``;
- ``run_id``: ``run_id=<the run>`` (a secondary index, not a scan), which matches one message at the far end;
- ``floor``: ``GET /v1/threads/{id}`` (same pipeline, no list): what any in-process request costs.
Reports microseconds per request (the lowest of 5 medians, so other load on the machine does not blur the trend);
``--validate`` also checks every response against the contract. Big threads are frozen out of the garbage collector
(``gc.freeze()``, as ``mockapi serve`` does at start-up), or every request would pay for GC passes over the heap.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mockapi.fake import Fake  # noqa: E402
from mockapi.runs import objects  # noqa: E402
from mockapi.runs.records import THREADS, ThreadRecord  # noqa: E402

HEADERS = {"OpenAI-Beta": "assistants=v2"}


def build(fake: Fake, size: int) -> tuple[str, str, str]:
    """A thread with ``size`` messages; returns (thread id, middle message id, run id)."""
    with fake.http_client() as http:
        thread_id = http.post("/v1/threads", json={}, headers=HEADERS).json()["id"]
    ns = fake.state.namespace("sk-test")
    thread: ThreadRecord = ns.collection(THREADS).get(thread_id)
    now = fake.clock.now_int()
    run_id = "run_bench"
    middle = ""
    for i in range(size):
        content = [objects.text_part(f"message number {i}")]
        by_run = i == 0
        msg = objects.message(thread_id, now, "assistant" if by_run else "user", content,
                              run_id=run_id if by_run else None)
        thread.messages.add(msg["id"], msg, run=msg["run_id"])
        if i == size // 2:
            middle = msg["id"]
    return thread_id, middle, run_id


def timed(http, url: str, requests: int, rounds: int = 5) -> float:
    """The lowest of ``rounds`` medians: robust to bursts of load from other processes on the machine."""
    medians = []
    for _ in range(rounds):
        samples = []
        for _ in range(max(1, requests // rounds)):
            started = time.perf_counter()
            response = http.get(url, headers=HEADERS)
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
            assert response.json().get("data", True), url
        medians.append(statistics.median(samples))
    return min(medians) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 10_000, 100_000])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--validate", action="store_true", help="validate every response against the contract")
    args = parser.parse_args()

    print(f"µs per GET /v1/threads/{{id}}/messages ({args.requests} requests each, in-process,"
          f" response validation {'on' if args.validate else 'off'})")
    print(f"{'messages':>10} {'first page':>11} {'mid cursor':>11} {'before':>9} {'run_id':>9} {'floor':>9}")
    rows = []
    for size in args.sizes:
        fake = Fake(validate_responses=args.validate)
        thread_id, middle, run_id = build(fake, size)
        # Long-lived objects leave the collector's scans, as `mockapi serve` does with its own start-up state:
        # otherwise every request pays for GC passes over the whole heap, whatever it lists.
        gc.collect()
        gc.freeze()
        base = f"/v1/threads/{thread_id}/messages"
        with fake.http_client() as http:
            timed(http, base, 20)  # warm-up: compiled validators, caches
            row = (
                timed(http, f"{base}?limit=20", args.requests),
                timed(http, f"{base}?order=asc&after={middle}&limit=20", args.requests),
                timed(http, f"{base}?order=desc&before={middle}&limit=20", args.requests),
                timed(http, f"{base}?run_id={run_id}", args.requests),
                timed(http, f"/v1/threads/{thread_id}", args.requests),
            )
        if fake.violations:
            raise SystemExit(f"contract violations: {fake.violations[:3]}")
        gc.unfreeze()
        rows.append(row)
        print(f"{size:>10} {row[0]:>11.0f} {row[1]:>11.0f} {row[2]:>9.0f} {row[3]:>9.0f} {row[4]:>9.0f}")
    if len(rows) > 1:
        ratios = [rows[-1][i] / rows[0][i] for i in range(5)]
        print(f"largest / smallest thread: {', '.join(f'{r:.2f}x' for r in ratios)}")


if __name__ == "__main__":
    main()
