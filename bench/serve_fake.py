"""Serve a fake for the benchmark with validation switched as asked (uvloop + httptools, one worker)."""

from __future__ import annotations

import sys

import uvicorn

from mockapi import Fake
from mockapi.server import UVICORN_SETTINGS, tune_gc


def main() -> None:
    port, requests, responses = int(sys.argv[1]), sys.argv[2] == "1", sys.argv[3] == "1"
    fake = Fake(validate_requests=requests, validate_responses=responses)
    tune_gc()
    uvicorn.run(fake.app, host="127.0.0.1", port=port, loop="uvloop", http="httptools", **UVICORN_SETTINGS)


if __name__ == "__main__":
    main()
