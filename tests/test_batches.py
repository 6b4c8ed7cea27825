"""The Batch API with the official SDK: lines executed by the fake itself, the real output and
error line formats, request_counts while it runs, cancel, expiry, malformed input and controls."""

from __future__ import annotations

import io
import json
from typing import Any

import openai
import pytest

from mockapi.batch import parse_input

manual = pytest.mark.mockapi(manual_clock=True)
SLOW = {"validating": 10, "in_progress": 100, "finalizing": 10, "cancelling": 5}
CHAT_URL = "/v1/chat/completions"


def chat_line(i: int, **body: Any) -> dict[str, Any]:
    payload = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"Question {i}?"}], **body}
    return {"custom_id": f"req-{i}", "method": "POST", "url": CHAT_URL, "body": payload}


def upload(client, lines: list[Any], name: str = "requests.jsonl") -> str:
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
    return client.files.create(file=(name, io.BytesIO(text.encode())), purpose="batch").id


def jsonl(client, file_id: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in client.files.content(file_id).text.splitlines()]


def create(client, lines: list[Any], endpoint: str = CHAT_URL, **kwargs: Any):
    return client.batches.create(
        input_file_id=upload(client, lines), endpoint=endpoint, completion_window="24h", **kwargs
    )


@manual
def test_hundred_chat_lines_with_three_bad_ones(mockapi, openai_client) -> None:
    mockapi.services["batches"].set_timing(SLOW)
    lines = [chat_line(i) for i in range(100)]
    lines[7] = chat_line(7, messages=[])  # 400 empty_array
    lines[42] = chat_line(42, temperature=5)  # 400 above maximum
    lines[90] = chat_line(90, n=0)  # 400 below minimum
    batch = create(openai_client, lines, metadata={"job": "nightly"})
    assert batch.id.startswith("batch_") and len(batch.id) == len("batch_") + 32
    assert batch.status == "validating" and batch.metadata == {"job": "nightly"}
    assert (batch.request_counts.total, batch.request_counts.completed, batch.request_counts.failed) == (0, 0, 0)
    assert batch.expires_at == batch.created_at + 24 * 3600

    mockapi.advance(10)
    running = openai_client.batches.retrieve(batch.id)
    assert running.status == "in_progress" and running.request_counts.total == 100
    assert running.request_counts.completed == 0 and running.in_progress_at is not None
    mockapi.advance(50)  # half of in_progress: half the lines have run, counts are true
    half = openai_client.batches.retrieve(batch.id).request_counts
    assert (half.completed, half.failed) == (48, 2)  # lines 0-49 ran, with the bad 7 and 42
    mockapi.advance(50)
    finalizing = openai_client.batches.retrieve(batch.id)
    assert finalizing.status == "finalizing" and finalizing.output_file_id is None
    mockapi.advance(10)
    done = openai_client.batches.retrieve(batch.id)
    assert done.status == "completed" and done.completed_at is not None and done.finalizing_at is not None
    counts = done.request_counts
    assert (counts.total, counts.completed, counts.failed) == (100, 97, 3)
    assert done.model == "gpt-4o-mini" and done.usage.input_tokens > 0 and done.usage.output_tokens > 0

    output = jsonl(openai_client, done.output_file_id)
    errors = jsonl(openai_client, done.error_file_id)
    assert len(output) == 97 and len(errors) == 3
    assert {o["custom_id"] for o in output} == {f"req-{i}" for i in range(100)} - {"req-7", "req-42", "req-90"}
    assert [e["custom_id"] for e in errors] == ["req-7", "req-42", "req-90"]
    first = output[0]
    assert set(first) == {"id", "custom_id", "response", "error"} and first["error"] is None
    assert first["id"].startswith("batch_req_") and first["response"]["request_id"].startswith("req_")
    assert first["response"]["status_code"] == 200
    completion = first["response"]["body"]
    assert completion["object"] == "chat.completion" and completion["model"] == "gpt-4o-mini-2024-07-18"
    assert "Question 0?" in completion["choices"][0]["message"]["content"]
    bad = errors[0]
    assert bad["error"] is None and bad["response"]["status_code"] == 400
    assert bad["response"]["body"]["error"]["code"] == "empty_array"
    assert {e["response"]["body"]["error"]["param"] for e in errors} == {"messages", "temperature", "n"}
    files = openai_client.files.retrieve(done.output_file_id)
    assert files.purpose == "batch_output" and files.filename == f"{batch.id}_output.jsonl"


@manual
def test_scripts_apply_to_batch_lines(mockapi, openai_client) -> None:
    mockapi.services["responder"].script({"text": "Scripted answer."}, contains="Question 1?")
    batch = create(openai_client, [chat_line(0), chat_line(1)])
    mockapi.advance(10)
    done = openai_client.batches.retrieve(batch.id)
    answers = {o["custom_id"]: o["response"]["body"]["choices"][0]["message"]["content"]
               for o in jsonl(openai_client, done.output_file_id)}  # fmt: skip
    assert answers["req-1"] == "Scripted answer." and answers["req-0"] != "Scripted answer."


@manual
def test_faults_fail_the_lines_they_hit(mockapi, openai_client) -> None:
    faults = getattr(mockapi, "faults", None)
    if faults is None:
        pytest.skip("mockapi.faults has not landed")
    faults.add("server_error", operation="POST /chat/completions", every=5)
    batch = create(openai_client, [chat_line(i) for i in range(10)])
    mockapi.advance(10)
    done = openai_client.batches.retrieve(batch.id)
    assert (done.request_counts.completed, done.request_counts.failed) == (8, 2)
    errors = jsonl(openai_client, done.error_file_id)
    assert [e["custom_id"] for e in errors] == ["req-4", "req-9"]
    assert {e["response"]["status_code"] for e in errors} == {500}
    assert errors[0]["response"]["body"]["error"]["type"] == "server_error"


@manual
def test_embeddings_batch(mockapi, openai_client) -> None:
    lines = [
        {"custom_id": f"e{i}", "method": "POST", "url": "/v1/embeddings",
         "body": {"model": "text-embedding-3-small", "input": f"text {i}"}}
        for i in range(3)
    ]  # fmt: skip
    batch = create(openai_client, lines, endpoint="/v1/embeddings")
    mockapi.advance(10)
    done = openai_client.batches.retrieve(batch.id)
    assert done.status == "completed" and done.error_file_id is None
    output = jsonl(openai_client, done.output_file_id)
    assert [o["response"]["body"]["object"] for o in output] == ["list"] * 3
    assert done.usage.input_tokens == sum(o["response"]["body"]["usage"]["prompt_tokens"] for o in output)


@manual
def test_malformed_lines_fail_the_batch_during_validation(mockapi, openai_client) -> None:
    lines: list[Any] = [
        chat_line(0),
        '{"custom_id": "broken", "method": "POST"',  # line 2: not JSON
        {"custom_id": "no-body", "method": "POST", "url": CHAT_URL},  # line 3
        {**chat_line(3), "url": "/v1/embeddings"},  # line 4
        chat_line(0),  # line 5: duplicate custom_id
        {"custom_id": "no-method", "url": CHAT_URL, "body": {}},  # line 6
        {**chat_line(6), "body": {**chat_line(6)["body"], "model": "gpt-4.1-mini"}},  # line 7
    ]
    batch = create(openai_client, lines)
    assert openai_client.batches.retrieve(batch.id).status == "validating"
    mockapi.advance(1)
    failed = openai_client.batches.retrieve(batch.id)
    assert failed.status == "failed" and failed.failed_at is not None and failed.in_progress_at is None
    assert failed.output_file_id is None and failed.request_counts.total == 0
    found = [(e.code, e.line, e.param) for e in failed.errors.data]
    assert found == [
        ("invalid_json_line", 2, None),
        ("missing_required_parameter", 3, "body"),
        ("url_mismatch", 4, "url"),
        ("duplicate_custom_id", 5, "custom_id"),
        ("missing_required_parameter", 6, "method"),
        ("model_mismatch", 7, "body.model"),
    ]
    assert failed.errors.object == "list"
    assert failed.errors.data[0].message == "This line is not parseable as valid JSON."
    assert failed.errors.data[3].message.startswith("The custom_id for this request is a duplicate")


def test_parse_input_is_pure() -> None:
    assert parse_input(b"\n\n", CHAT_URL)[1][0]["code"] == "empty_file"
    lines, problems = parse_input(json.dumps(chat_line(1)).encode(), CHAT_URL)
    assert problems == [] and lines[0].custom_id == "req-1" and lines[0].body["model"] == "gpt-4o-mini"


@manual
def test_cancel_keeps_the_partial_output(mockapi, openai_client) -> None:
    mockapi.services["batches"].set_timing(SLOW)
    batch = create(openai_client, [chat_line(i) for i in range(10)])
    mockapi.advance(10 + 35)  # 3 of 10 lines done
    cancelling = openai_client.batches.cancel(batch.id)
    assert cancelling.status == "cancelling" and cancelling.cancelling_at is not None
    assert cancelling.request_counts.completed == 3
    mockapi.advance(100)  # nothing more runs while cancelling
    cancelled = openai_client.batches.retrieve(batch.id)
    assert cancelled.status == "cancelled" and cancelled.cancelled_at is not None
    assert cancelled.request_counts.completed == 3 and cancelled.request_counts.total == 10
    assert [o["custom_id"] for o in jsonl(openai_client, cancelled.output_file_id)] == ["req-0", "req-1", "req-2"]
    assert cancelled.error_file_id is None
    with pytest.raises(openai.BadRequestError):
        openai_client.batches.cancel(batch.id)


@manual
def test_expires_after_the_completion_window(mockapi, openai_client, http) -> None:
    mockapi.services["batches"].set_timing({"in_progress": 48 * 3600})  # slower than the 24h window
    batch = create(openai_client, [chat_line(i) for i in range(4)])
    mockapi.advance(13 * 3600)  # a quarter of in_progress: the first line has run
    assert openai_client.batches.retrieve(batch.id).request_counts.completed == 1
    mockapi.advance(11 * 3600)
    expired = openai_client.batches.retrieve(batch.id)
    assert expired.status == "expired" and expired.expired_at == expired.expires_at
    assert [o["custom_id"] for o in jsonl(openai_client, expired.output_file_id)] == ["req-0"]
    errors = jsonl(openai_client, expired.error_file_id)
    assert [e["custom_id"] for e in errors] == ["req-1", "req-2", "req-3"]
    assert errors[0]["response"] is None and errors[0]["error"]["code"] == "batch_expired"

    other = create(openai_client, [chat_line(0)])
    assert http.post(f"/__mockapi__/batches/{other.id}/expire").json()["status"] == "expired"


@manual
def test_list_paginates_newest_first(mockapi, openai_client) -> None:
    ids = [create(openai_client, [chat_line(i)]).id for i in range(5)]
    page = openai_client.batches.list(limit=2)
    assert [b.id for b in page.data] == [ids[4], ids[3]] and page.has_more
    assert [b.id for b in openai_client.batches.list(limit=2)] == ids[::-1]
    assert openai_client.batches.retrieve(ids[0]).id == ids[0]
    with pytest.raises(openai.NotFoundError):
        openai_client.batches.retrieve("batch_doesnotexist")
    assert openai_client.batches.list(after=ids[0]).data == []


def test_create_errors(openai_client) -> None:
    good = upload(openai_client, [chat_line(0)])
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.batches.create(input_file_id=good, endpoint="/v1/audio/speech", completion_window="24h")
    assert err.value.param == "endpoint"
    # The Videos API shut down: openai 3.63.0 says batch creation "no longer accepts this endpoint".
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.batches.create(input_file_id=good, endpoint="/v1/videos", completion_window="24h")
    assert err.value.param == "endpoint" and "/v1/videos" not in err.value.message.split("Supported values")[1]
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.batches.create(input_file_id=good, endpoint=CHAT_URL, completion_window="48h")
    assert err.value.param == "completion_window"
    with pytest.raises(openai.NotFoundError) as err:
        openai_client.batches.create(input_file_id="file-nope", endpoint=CHAT_URL, completion_window="24h")
    assert err.value.body["message"] == "No such File object: file-nope"
    tuning = openai_client.files.create(file=("t.jsonl", b'{"messages": []}\n'), purpose="fine-tune").id
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.batches.create(input_file_id=tuning, endpoint=CHAT_URL, completion_window="24h")
    assert err.value.param == "input_file_id"


@manual
def test_output_expiry_is_applied(mockapi, openai_client) -> None:
    batch = create(openai_client, [chat_line(0)], output_expires_after={"anchor": "created_at", "seconds": 3600})
    mockapi.advance(1)
    done = openai_client.batches.retrieve(batch.id)
    output = openai_client.files.retrieve(done.output_file_id)
    assert output.expires_at == output.created_at + 3600


# -- controls -----------------------------------------------------------------------


@manual
def test_controls_fail_hold_release_complete(mockapi, openai_client, http) -> None:
    rule = http.post("/__mockapi__/batches/rules", json={
        "match": {"metadata": {"kind": "doomed"}},
        "fail": {"code": "model_not_found", "message": "The model `x` does not exist.", "param": "body.model"},
    })  # fmt: skip
    assert rule.status_code == 200
    doomed = create(openai_client, [chat_line(0)], metadata={"kind": "doomed"})
    mockapi.advance(1)
    failed = openai_client.batches.retrieve(doomed.id)
    assert failed.status == "failed" and failed.errors.data[0].code == "model_not_found"
    assert failed.errors.data[0].line is None

    mockapi.services["batches"].hold_next("in_progress")
    held = create(openai_client, [chat_line(i) for i in range(3)])
    mockapi.advance(3600)
    stuck = openai_client.batches.retrieve(held.id)
    assert stuck.status == "in_progress" and stuck.request_counts.completed == 0
    assert http.post(f"/__mockapi__/batches/{held.id}/release").json() == {"released": [held.id]}
    mockapi.advance(1)
    assert openai_client.batches.retrieve(held.id).status == "completed"

    slow = create(openai_client, [chat_line(0)])
    assert http.post(f"/__mockapi__/batches/{slow.id}/hold", json={"phase": "validating"}).is_success
    done = http.post(f"/__mockapi__/batches/{slow.id}/complete").json()
    assert done["status"] == "completed" and done["request_counts"] == {"total": 1, "completed": 1, "failed": 0}
    assert http.post("/__mockapi__/batches/rules", json={"hold": "nowhere"}).status_code == 400


@manual
@pytest.mark.anyio
async def test_async_client_runs_a_batch(mockapi, async_openai_client) -> None:
    text = "\n".join(json.dumps(chat_line(i)) for i in range(3)).encode()
    uploaded = await async_openai_client.files.create(file=("in.jsonl", text), purpose="batch")
    batch = await async_openai_client.batches.create(
        input_file_id=uploaded.id, endpoint=CHAT_URL, completion_window="24h"
    )
    mockapi.advance(10)
    done = await async_openai_client.batches.retrieve(batch.id)
    assert done.status == "completed" and done.request_counts.completed == 3
