"""``/files``: multipart upload, list, retrieve, delete and byte-exact download.

Other features create and read files through ``create_file`` / ``get_file``
(batch output, fine-tuning results, vector stores).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from starlette.responses import Response

from mockapi import errors
from mockapi.common import deleted, paginate
from mockapi.context import RequestContext, UploadedFile
from mockapi.ids import new_id
from mockapi.state import Namespace

if TYPE_CHECKING:
    from mockapi.fake import Fake

KIND = "files"
UPLOAD_PURPOSES = ["assistants", "batch", "fine-tune", "vision", "user_data", "evals"]
BATCH_FILE_TTL = 30 * 24 * 3600  # batch input files expire after 30 days (core.md §9)


@dataclass(slots=True)
class StoredFile:
    obj: dict[str, Any]
    data: bytes

    @property
    def id(self) -> str:
        return self.obj["id"]


def install(fake: Fake) -> None:
    fake.router.add("POST", "/files", create, body="multipart")
    fake.router.add("GET", "/files", list_files)
    fake.router.add("GET", "/files/{file_id}", retrieve)
    fake.router.add("DELETE", "/files/{file_id}", delete)
    fake.router.add("GET", "/files/{file_id}/content", content)


# -- shared API for other features ----------------------------------------------


def create_file(
    ns: Namespace, now: int, filename: str, purpose: str, data: bytes, expires_at: int | None = None
) -> StoredFile:
    obj: dict[str, Any] = {
        "id": new_id("file-"),
        "object": "file",
        "bytes": len(data),
        "created_at": now,
        "filename": filename,
        "purpose": purpose,
        "status": "processed",
    }
    if expires_at is not None:
        obj["expires_at"] = expires_at
    return ns.collection(KIND).add(obj["id"], StoredFile(obj, data), purpose=purpose)


def get_file(ns: Namespace, file_id: str, now: int | None = None) -> StoredFile:
    """The caller's file, or the real 404 (an expired file is gone)."""
    found: StoredFile | None = ns.collection(KIND).get(file_id)
    if found is None:
        raise errors.file_not_found(file_id)
    expires = found.obj.get("expires_at")
    if now is not None and expires is not None and now >= expires:
        ns.collection(KIND).remove(file_id)
        raise errors.file_not_found(file_id)
    return found


# -- handlers ---------------------------------------------------------------------


def create(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    upload = body.get("file")
    if not isinstance(upload, UploadedFile):
        raise errors.missing_parameter("file")
    purpose = body.get("purpose")
    if purpose is None:
        raise errors.missing_parameter("purpose")
    if purpose not in UPLOAD_PURPOSES:
        raise errors.invalid_value("purpose", purpose, UPLOAD_PURPOSES)
    check_upload(purpose, upload.filename, upload.data)
    now = ctx.now
    expires_at = _expiry(body.get("expires_after"), now, purpose)
    return create_file(ctx.ns, now, upload.filename, purpose, upload.data, expires_at).obj


def check_upload(purpose: str, filename: str, data: bytes) -> None:
    """What the real API checks at upload time (core.md §9)."""
    if purpose == "batch" and not filename.endswith(".jsonl"):
        raise errors.invalid_request("Invalid file format for Batch API. Must be .jsonl", param="file")
    if purpose == "batch" and len(data) > 200 * 1024 * 1024:
        raise errors.invalid_request("File is too large.", param="file")
    if purpose == "fine-tune":
        if not filename.endswith(".jsonl"):
            raise errors.invalid_request("Invalid file format for Fine-Tuning API. Must be .jsonl", param="file")
        _check_jsonl(data)


def _check_jsonl(data: bytes) -> None:
    """Each non-empty line of a fine-tuning file must be a JSON object (contents are checked by the job)."""
    if not data.strip():
        raise errors.invalid_request("Invalid file format for Fine-Tuning API. The file is empty.", param="file")
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            parsed = orjson.loads(line)
        except orjson.JSONDecodeError:
            parsed = None
        if not isinstance(parsed, dict):
            raise errors.invalid_request(
                f"Invalid file format for Fine-Tuning API. Must be .jsonl: line {number} is not a JSON object.",
                param="file",
            )


def _expiry(expires_after: Any, now: int, purpose: str) -> int | None:
    if isinstance(expires_after, dict):
        if expires_after.get("anchor") != "created_at":
            raise errors.invalid_value("expires_after.anchor", expires_after.get("anchor"), ["created_at"])
        seconds = expires_after.get("seconds")
        if not isinstance(seconds, int) or not 3600 <= seconds <= 2592000:
            raise errors.APIError(
                400,
                f"Invalid 'expires_after.seconds': expected an integer between 3600 and 2592000, got {seconds!r}.",
                param="expires_after.seconds",
                code="invalid_value",
            )
        return now + seconds
    return now + BATCH_FILE_TTL if purpose == "batch" else None


def list_files(ctx: RequestContext) -> dict[str, Any]:
    purpose = ctx.query.get("purpose")
    index = ("purpose", purpose) if purpose else None
    now = ctx.now

    def live(found: StoredFile) -> bool:  # an expired file is gone from the list as from retrieve
        expires = found.obj.get("expires_at")
        return expires is None or now < expires

    return paginate(
        ctx, ctx.ns.collection(KIND), lambda f: f.obj, default_limit=10000, max_limit=10000, index=index, where=live
    )


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    return get_file(ctx.ns, ctx.params["file_id"], ctx.now).obj


def delete(ctx: RequestContext) -> dict[str, Any]:
    file_id = ctx.params["file_id"]
    get_file(ctx.ns, file_id, ctx.now)
    ctx.ns.collection(KIND).remove(file_id)
    vectors = ctx.fake.services.get("vector_stores")
    if vectors is not None:
        vectors.forget_file(ctx.ns, file_id)
    return deleted(file_id, "file")


def content(ctx: RequestContext) -> Response:
    stored = get_file(ctx.ns, ctx.params["file_id"], ctx.now)
    return Response(stored.data, media_type="application/octet-stream")
