"""``/uploads``: a large file sent in parts, assembled into a File on complete (core.md §9)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.common import lookup
from mockapi.context import RequestContext, UploadedFile
from mockapi.ids import new_id
from mockapi.resources import files

if TYPE_CHECKING:
    from mockapi.fake import Fake

KIND = "uploads"
PURPOSES = ["assistants", "batch", "fine-tune", "vision", "user_data", "evals"]
MAX_UPLOAD_BYTES = 8 * 1024**3
MAX_PART_BYTES = 64 * 1024**2
UPLOAD_TTL = 3600
FILE_TTL_MIN, FILE_TTL_MAX = 3600, 2592000  # FileExpirationAfter.seconds


@dataclass
class Upload:
    obj: dict[str, Any]
    parts: dict[str, bytes] = field(default_factory=dict)
    file_ttl: int | None = None  # `expires_after.seconds` for the File made on complete


def install(fake: Fake) -> None:
    fake.router.add("POST", "/uploads", create)
    fake.router.add("POST", "/uploads/{upload_id}/parts", add_part, body="multipart")
    fake.router.add("POST", "/uploads/{upload_id}/complete", complete)
    fake.router.add("POST", "/uploads/{upload_id}/cancel", cancel)


def create(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    for name in ("filename", "purpose", "bytes", "mime_type"):
        if body.get(name) is None:
            raise errors.missing_parameter(name)
    if body["purpose"] not in PURPOSES:
        raise errors.invalid_value("purpose", body["purpose"], PURPOSES)
    size = body["bytes"]
    if not isinstance(size, int) or size < 0 or size > MAX_UPLOAD_BYTES:
        raise errors.invalid_request(
            f"Invalid 'bytes': the upload size must be between 0 and {MAX_UPLOAD_BYTES} bytes.", param="bytes"
        )
    file_ttl = _file_ttl(body.get("expires_after"))
    obj = {
        "id": new_id("upload_"),
        "object": "upload",
        "bytes": size,
        "created_at": ctx.now,
        "filename": body["filename"],
        "purpose": body["purpose"],
        "status": "pending",
        "expires_at": ctx.now + UPLOAD_TTL,
        "file": None,
    }
    ctx.ns.collection(KIND).add(obj["id"], Upload(obj, file_ttl=file_ttl))
    return obj


def _file_ttl(value: Any) -> int | None:
    """``expires_after`` (the File's expiration policy, as on ``POST /files``): its seconds, checked."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise errors.invalid_type("expires_after", "an object", value)
    if value.get("anchor") is None:
        raise errors.missing_parameter("expires_after.anchor")
    if value["anchor"] != "created_at":
        raise errors.invalid_value("expires_after.anchor", value["anchor"], ["created_at"])
    seconds = value.get("seconds")
    if seconds is None:
        raise errors.missing_parameter("expires_after.seconds")
    if not isinstance(seconds, int) or isinstance(seconds, bool):
        raise errors.invalid_type("expires_after.seconds", "an integer", seconds)
    if not FILE_TTL_MIN <= seconds <= FILE_TTL_MAX:
        below = seconds < FILE_TTL_MIN
        raise errors.APIError(
            400,
            f"Invalid 'expires_after.seconds': integer {'below minimum' if below else 'above maximum'} value. "
            f"Expected a value {'>= ' + str(FILE_TTL_MIN) if below else '<= ' + str(FILE_TTL_MAX)}, "
            f"but got {seconds} instead.",
            param="expires_after.seconds",
            code="integer_below_min_value" if below else "integer_above_max_value",
        )
    return seconds


def _pending(ctx: RequestContext, action: str) -> Upload:
    upload: Upload = lookup(ctx.ns.collection(KIND), ctx.params["upload_id"], "upload")
    if upload.obj["status"] == "pending" and ctx.now >= upload.obj["expires_at"]:
        upload.obj["status"] = "expired"
    status = upload.obj["status"]
    if status != "pending":
        raise errors.invalid_request(
            f"Cannot {action} upload {upload.obj['id']} with status '{status}'; it must be 'pending'.",
        )
    return upload


def add_part(ctx: RequestContext) -> dict[str, Any]:
    upload = _pending(ctx, "add a part to")
    data = ctx.body.get("data")
    if not isinstance(data, UploadedFile):
        raise errors.missing_parameter("data")
    if len(data.data) > MAX_PART_BYTES:
        raise errors.invalid_request("Upload parts must be at most 64 MB.", param="data")
    part = {"id": new_id("part_"), "object": "upload.part", "created_at": ctx.now, "upload_id": upload.obj["id"]}
    upload.parts[part["id"]] = data.data
    return part


def complete(ctx: RequestContext) -> dict[str, Any]:
    upload = _pending(ctx, "complete")
    part_ids = ctx.body.get("part_ids")
    if part_ids is None:
        raise errors.missing_parameter("part_ids")
    unknown = [p for p in part_ids if p not in upload.parts]
    if unknown:
        raise errors.invalid_request(f"Unknown part ids for upload {upload.obj['id']}: {unknown}", param="part_ids")
    data = b"".join(upload.parts[p] for p in part_ids)
    if len(data) != upload.obj["bytes"]:
        raise errors.invalid_request(
            f"The upload expected {upload.obj['bytes']} bytes but the parts total {len(data)} bytes.",
            param="part_ids",
        )
    md5 = ctx.body.get("md5")
    if md5 and hashlib.md5(data).hexdigest() != md5:
        raise errors.invalid_request("The md5 checksum does not match the uploaded parts.", param="md5")
    files.check_upload(upload.obj["purpose"], upload.obj["filename"], data)
    # The File follows the upload's `expires_after`, else the /files default (batch files: 30 days).
    if upload.file_ttl is not None:
        expires_at: int | None = ctx.now + upload.file_ttl
    else:
        expires_at = ctx.now + files.BATCH_FILE_TTL if upload.obj["purpose"] == "batch" else None
    stored = files.create_file(ctx.ns, ctx.now, upload.obj["filename"], upload.obj["purpose"], data, expires_at)
    upload.obj["status"] = "completed"
    upload.obj["file"] = stored.obj
    upload.parts.clear()
    return upload.obj


def cancel(ctx: RequestContext) -> dict[str, Any]:
    upload = _pending(ctx, "cancel")
    upload.obj["status"] = "cancelled"
    upload.parts.clear()
    return upload.obj
