"""Contract layer speed: cold and warm spec load, compile cost, per-call validation.

    .venv/bin/python bench/contract_speed.py

Cold = parse the YAML + normalize + write the cache (in a fresh temp cache dir); warm = read the
cache + build the Contract. Per-call figures are medians of 5 runs of N calls each.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mockapi.contract import Contract, spec
from mockapi.errors import APIError

SAMPLES = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "contract_samples.json").read_text())
# A chat request with a few optional fields, and an assistant's message.
CHAT = {**SAMPLES["chat"], "temperature": 0.5, "max_completion_tokens": 64}
MESSAGE = {**SAMPLES["message"], "role": "assistant", "assistant_id": "asst_abc", "run_id": "run_abc"}
MESSAGES = {"object": "list", "data": [MESSAGE] * 20, "first_id": "msg_abc", "last_id": "msg_abc", "has_more": False}


def median_seconds(fn: Callable[[], Any], runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def per_call_us(fn: Callable[[], Any], n: int) -> float:
    fn()  # compile outside the measurement
    return median_seconds(lambda: [fn() for _ in range(n)]) / n * 1e6


def load_times() -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as cache:
        os.environ[spec.CACHE_DIR_ENV] = cache

        def cold() -> None:
            for f in Path(cache).iterdir():
                f.unlink()
            spec.load_document()

        cold_s = median_seconds(cold, runs=3)
        warm_doc_s = median_seconds(spec.load_document)

        def warm_contract() -> None:
            document, digest = spec.load_document()
            Contract(document, digest, spec.load_overlay())

        warm_s = median_seconds(warm_contract)
        del os.environ[spec.CACHE_DIR_ENV]
    return cold_s, warm_doc_s, warm_s


def invalid_chat(op: Any) -> None:
    try:
        op.validate_body({**CHAT, "n": 500})
    except APIError:
        pass


def main() -> None:
    cold_s, warm_doc_s, warm_s = load_times()
    print(f"cold load (YAML + normalize + cache write): {cold_s * 1000:7.0f} ms")
    print(f"warm load (orjson cache read):              {warm_doc_s * 1000:7.1f} ms")
    print(f"warm Contract (cache + overlay + index):    {warm_s * 1000:7.1f} ms")

    contract = Contract.load()
    chat = contract.operation("POST", "/chat/completions")
    messages = contract.operation("GET", "/threads/{thread_id}/messages")
    batches = contract.operation("GET", "/batches")
    assert chat is not None and messages is not None and batches is not None
    started = time.perf_counter()
    chat.validate_body(CHAT)
    print(f"first chat request (compile, strict):       {(time.perf_counter() - started) * 1000:7.2f} ms")
    started = time.perf_counter()
    messages.validate_response(200, MESSAGES)
    print(f"first 20-message list (compile):            {(time.perf_counter() - started) * 1000:7.2f} ms")
    assert messages.validate_response(200, MESSAGES) == []
    print(f"chat request body, valid:                   {per_call_us(lambda: chat.validate_body(CHAT), 20000):7.1f} µs")
    print(f"chat request body, invalid (400 built):     {per_call_us(lambda: invalid_chat(chat), 2000):7.1f} µs")
    list_us = per_call_us(lambda: messages.validate_response(200, MESSAGES), 5000)
    print(f"list of 20 messages response:               {list_us:7.1f} µs")
    query_us = per_call_us(lambda: batches.validate_query({"limit": ["5"], "after": ["batch_1"]}), 20000)
    print(f"GET /batches query (coerce + defaults):     {query_us:7.1f} µs")


if __name__ == "__main__":
    main()
