"""The official Node SDK (openai 7.x) against the fake over a real socket.

Runs tests/node/all.mjs in one Node process: smoke.mjs (files, chat plain/streamed/stream helper, embeddings
with the SDK's base64 default, assistants runs, Responses, moderations, images, speech and transcription, typed
errors, a fine-tuning job, vector store upload-and-poll and search) and scenarios.mjs (uploads from read
streams, model auto-pagination, tool calls and the chat helpers, zod-free parse, Responses tools, assistants
streams with tool outputs, file batches, batches, fine-tuning events, typed errors from fault directives,
request ids, cut and abandoned streams) and scenarios2.mjs (multi-page cursors over files, assistants, messages,
stored completions and conversation items; every toFile input; assistants streams with parallel tool calls and
failures; chat stream helpers and streamed runTools; Responses stream invariants; asResponse; error fields; retries
counted in the journal; AbortController) and zod.mjs (structured outputs through the SDK's zod helpers: parse,
recursive schemas, function tools, Responses, streams, runTools). The server must stay healthy throughout: no
exception in its log, no 5xx in its journal that a fault did not ask for.
Skipped where Node.js is not installed; the npm package is installed once into tests/node/node_modules.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

import pytest

NODE_DIR = Path(__file__).parent / "node"


@pytest.fixture(scope="module")
def node_sdk() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("Node.js is not installed")
    if not all((NODE_DIR / "node_modules" / name).exists() for name in ("openai", "zod")):
        result = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=NODE_DIR,
                                capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            pytest.skip(f"npm could not install the Node SDK: {result.stderr[-500:]}")
    return NODE_DIR


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(self.format(record))


def test_node_sdk_end_to_end(node_sdk: Path, mockapi, mockapi_server) -> None:
    # uvicorn reports an exception raised while sending a response (e.g. a stream closed by a cut or a client
    # that went away) on its own logger, outside the dispatcher's internal_errors.
    errors = _Errors()
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(errors)
    try:
        result = subprocess.run(["node", "all.mjs"], cwd=node_sdk, capture_output=True, text=True, timeout=180,
                                env={"PATH": shutil.os.environ["PATH"], "BASE": mockapi_server.base_url})
    finally:
        logger.removeHandler(errors)
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stderr
    failed = [line for line in lines if not line.startswith("PASS")]
    assert lines and not failed, "\n".join(failed)
    assert len(lines) >= 60
    assert errors.records == []
    unasked = [(e.method, e.path, e.status) for e in mockapi.journal.entries() if e.status >= 500 and e.fault is None]
    assert unasked == []
