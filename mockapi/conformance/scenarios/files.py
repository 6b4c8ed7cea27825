"""Files and uploads: upload, find, download, delete; multi-part uploads completed and cancelled."""

from __future__ import annotations

from mockapi.conformance.scenarios._util import jsonl, training_rows


def scenario_upload_list_download_delete(api, token) -> None:
    data = jsonl(training_rows())
    created = api.files.create(file=(f"train-{token}.jsonl", data, "application/jsonl"), purpose="fine-tune")
    assert created.id.startswith("file-") and created.object == "file"
    assert (created.filename, created.bytes, created.purpose) == (f"train-{token}.jsonl", len(data), "fine-tune")

    assert api.files.retrieve(created.id).filename == created.filename
    listed = api.files.list(purpose="fine-tune", limit=100)
    assert created.id in [f.id for f in listed.data]
    assert api.file_content(created.id) == data

    deleted = api.files.delete(created.id)
    assert (deleted.id, deleted.deleted) == (created.id, True)
    with api.raises(404):
        api.files.retrieve(created.id)


def scenario_unknown_file_is_404(api) -> None:
    with api.raises(404):
        api.files.retrieve("file-conformance0000000000000")
    with api.raises(404):
        api.file_content("file-conformance0000000000000")
    with api.raises(404):
        api.files.delete("file-conformance0000000000000")


def scenario_bad_purpose_is_400(api, token) -> None:
    with api.raises(400) as err:
        api.files.create(file=(f"{token}.txt", b"hello"), purpose="not-a-purpose")
    assert err.param == "purpose"


def scenario_multipart_upload(api, token) -> None:
    data = b"".join(f"line {i} of {token}\n".encode() for i in range(200))
    half = len(data) // 2
    upload = api.uploads.create(filename=f"{token}.txt", purpose="assistants", bytes=len(data),
                                mime_type="text/plain")
    assert upload.id.startswith("upload_") and upload.status == "pending"
    parts = [api.upload_part(upload.id, data[:half]), api.upload_part(upload.id, data[half:])]
    assert all(p.id.startswith("part_") and p.upload_id == upload.id for p in parts)
    done = api.uploads.complete(upload.id, part_ids=[p.id for p in parts])
    assert done.status == "completed" and done.file is not None
    assert done.file.bytes == len(data) and done.file.filename == f"{token}.txt"
    assert api.file_content(done.file.id) == data
    api.files.delete(done.file.id)


def scenario_cancelled_upload(api, token) -> None:
    upload = api.uploads.create(filename=f"{token}.txt", purpose="assistants", bytes=10, mime_type="text/plain")
    cancelled = api.uploads.cancel(upload.id)
    assert (cancelled.id, cancelled.status) == (upload.id, "cancelled")
    with api.raises(400):
        api.upload_part(upload.id, b"0123456789")
