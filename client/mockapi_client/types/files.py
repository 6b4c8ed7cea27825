"""Files and multipart uploads."""

from __future__ import annotations

from mockapi_client.types.shared import APIObject


class FileObject(APIObject):
    id: str
    object: str = "file"
    bytes: int = 0
    created_at: int = 0
    filename: str = ""
    purpose: str = ""
    status: str | None = None
    expires_at: int | None = None
    status_details: str | None = None


class Upload(APIObject):
    id: str
    object: str = "upload"
    bytes: int = 0
    created_at: int = 0
    filename: str = ""
    purpose: str = ""
    status: str = ""
    expires_at: int | None = None
    file: FileObject | None = None


class UploadPart(APIObject):
    id: str
    object: str = "upload.part"
    created_at: int = 0
    upload_id: str = ""
