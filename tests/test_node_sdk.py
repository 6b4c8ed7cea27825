"""The official Node SDK (openai 7.x) against the fake over a real socket.

Runs tests/node/smoke.mjs: files, chat (plain, streamed, the stream helper), embeddings with the SDK's base64
default, assistants runs (createAndPoll, stream events), Responses, moderations, images, speech and
transcription, typed errors, a fine-tuning job to success, vector store upload-and-poll and search.
Skipped where Node.js is not installed; the npm package is installed once into tests/node/node_modules.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

NODE_DIR = Path(__file__).parent / "node"


@pytest.fixture(scope="module")
def node_sdk() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("Node.js is not installed")
    if not (NODE_DIR / "node_modules" / "openai").exists():
        result = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=NODE_DIR,
                                capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            pytest.skip(f"npm could not install the Node SDK: {result.stderr[-500:]}")
    return NODE_DIR


def test_node_sdk_end_to_end(node_sdk: Path, mockapi_server) -> None:
    result = subprocess.run(["node", "smoke.mjs"], cwd=node_sdk, capture_output=True, text=True, timeout=180,
                            env={"PATH": shutil.os.environ["PATH"], "BASE": mockapi_server.base_url})
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stderr
    assert lines and all(line.startswith("PASS") for line in lines), result.stdout
    assert len(lines) >= 20
