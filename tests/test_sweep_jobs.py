"""Where fine-tuning, batches, uploads and faults differed from the real API, as an SDK user meets it.

Each test here failed before its fix; see the commit that added it.
"""

from __future__ import annotations

import json

import openai
import pytest

from tests.test_batches import chat_line

manual = pytest.mark.mockapi(manual_clock=True)
THIRTY_DAYS = 30 * 24 * 3600


# -- uploads ----------------------------------------------------------------------------------


@manual
def test_upload_expires_after_reaches_the_file(mockapi, openai_client) -> None:
    """`uploads.create(expires_after=...)` sets the resulting File's expiry, as `files.create` does."""
    data = b"some notes\n"
    upload = openai_client.uploads.create(
        bytes=len(data), filename="notes.txt", mime_type="text/plain", purpose="assistants",
        expires_after={"anchor": "created_at", "seconds": 3600},
    )  # fmt: skip
    part = openai_client.uploads.parts.create(upload.id, data=data)
    done = openai_client.uploads.complete(upload.id, part_ids=[part.id])
    assert done.file is not None and done.file.expires_at == done.file.created_at + 3600
    assert openai_client.files.retrieve(done.file.id).expires_at == done.file.expires_at
    mockapi.advance(3600)
    with pytest.raises(openai.NotFoundError):
        openai_client.files.retrieve(done.file.id)


def test_chunked_batch_upload_expires_like_a_batch_file(openai_client) -> None:
    """A batch file is kept 30 days by default whichever way it was uploaded (SDK docstring, core.md §9)."""
    data = b"".join(json.dumps(chat_line(i)).encode() + b"\n" for i in range(20))
    upload = openai_client.uploads.upload_file_chunked(
        file=data, filename="big.jsonl", bytes=len(data), mime_type="application/jsonl", purpose="batch",
        part_size=len(data) // 3 + 1,
    )  # fmt: skip
    assert upload.status == "completed" and upload.file is not None
    assert upload.file.expires_at == upload.file.created_at + THIRTY_DAYS
    assert openai_client.files.content(upload.file.id).content == data


# -- fine-tuning ------------------------------------------------------------------------------


@manual
def test_result_file_is_base64_of_the_metrics_csv(mockapi, openai_client) -> None:
    """The cookbook reads a job's result file with `base64.b64decode(client.files.content(id).read())`."""
    import base64
    import binascii

    examples = [
        {"messages": [{"role": "user", "content": f"Hi {i}"}, {"role": "assistant", "content": "Hello."}]}
        for i in range(10)
    ]  # fmt: skip
    data = "\n".join(json.dumps(e) for e in examples).encode()
    training = openai_client.files.create(file=("hello.jsonl", data), purpose="fine-tune").id
    job = openai_client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=training)
    mockapi.advance(60)
    job = openai_client.fine_tuning.jobs.retrieve(job.id)
    assert job.status == "succeeded"
    raw = openai_client.files.content(job.result_files[0]).read()
    try:
        text = base64.b64decode(raw, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        text = ""
    assert text.splitlines()[0:1] == ["step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy"]
