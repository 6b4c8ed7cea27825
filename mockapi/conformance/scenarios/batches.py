"""Batches: create from an uploaded JSONL file, follow, cancel; with the fake's controls, complete and read
the output file."""

from __future__ import annotations

import json

from mockapi.conformance.scenarios._util import batch_rows, jsonl, wait_until


def _input_file(api, token: str) -> str:
    return api.files.create(file=(f"batch-{token}.jsonl", jsonl(batch_rows(token)), "application/jsonl"),
                            purpose="batch").id


def scenario_create_and_cancel(api, token) -> None:
    input_file = _input_file(api, token)
    batch = api.batches.create(input_file_id=input_file, endpoint="/v1/chat/completions", completion_window="24h",
                               metadata={"run": token})
    cancelled = api.batches.cancel(batch.id)  # at once: nothing runs on the real service
    assert batch.id.startswith("batch_") and batch.object == "batch" and batch.input_file_id == input_file
    assert batch.endpoint == "/v1/chat/completions" and batch.metadata == {"run": token}
    assert cancelled.id == batch.id and cancelled.status in ("cancelling", "cancelled")
    assert api.batches.retrieve(batch.id).status in ("cancelling", "cancelled")
    assert batch.id in [b.id for b in api.batches.list(limit=100).data]


def scenario_complete_and_read_output(api, control, target, token) -> None:
    input_file = _input_file(api, token)
    batch = api.batches.create(input_file_id=input_file, endpoint="/v1/chat/completions", completion_window="24h")
    wait_until(lambda: api.batches.retrieve(batch.id), lambda b: b.status != "validating", target.patience,
               "validation")
    control.complete_batch(batch.id)
    batch = wait_until(lambda: api.batches.retrieve(batch.id), lambda b: b.status == "completed", target.patience,
                       "the batch")
    assert batch.request_counts.completed == 2 and batch.request_counts.failed == 0
    lines = [json.loads(line) for line in api.file_content(batch.output_file_id).splitlines()]
    assert sorted(line["custom_id"] for line in lines) == [f"{token}-0", f"{token}-1"]
    assert all(line["response"]["status_code"] == 200 for line in lines)


def scenario_errors(api, token) -> None:
    with api.raises(404):
        api.batches.retrieve("batch_conformance000000000000")
    with api.raises(404):
        api.batches.create(input_file_id="file-conformance0000000000000", endpoint="/v1/chat/completions",
                           completion_window="24h")
