"""``/uploads``: a large file in parts (create, add parts, complete or cancel), plus a one-call helper."""

from __future__ import annotations

from typing import Any

from mockapi_client.options import split_options
from mockapi_client.resources.base import AsyncAPIResource, SyncAPIResource, file_part
from mockapi_client.types.files import Upload, UploadPart

PART_SIZE = 64 * 1024 * 1024  # the API's maximum part size


class Uploads(SyncAPIResource):
    def create(self, *, filename: str, purpose: str, bytes: int, mime_type: str, **params: Any) -> Upload:
        params, options = split_options(params)
        body = {"filename": filename, "purpose": purpose, "bytes": bytes, "mime_type": mime_type, **params}
        return self._post("/uploads", Upload, body=body, options=options)

    def add_part(self, upload_id: str, *, data: bytes, **options: Any) -> UploadPart:
        files = {"data": file_part(data, "part")}
        return self._post(f"/uploads/{upload_id}/parts", UploadPart, files=files, options=split_options(options)[1])

    def complete(self, upload_id: str, *, part_ids: list[str], **params: Any) -> Upload:
        params, options = split_options(params)
        body = {"part_ids": part_ids, **params}
        return self._post(f"/uploads/{upload_id}/complete", Upload, body=body, options=options)

    def cancel(self, upload_id: str, **options: Any) -> Upload:
        return self._post(f"/uploads/{upload_id}/cancel", Upload, options=split_options(options)[1])

    def upload_file(
        self, *, file: Any, purpose: str, mime_type: str | None = None, part_size: int = PART_SIZE
    ) -> Upload:
        """Create an upload, send ``file`` in ``part_size`` parts and complete it (``.file`` is the File)."""
        name, data, kind = file_part(file, content_type=mime_type)
        upload = self.create(filename=name, purpose=purpose, bytes=len(data), mime_type=kind)
        parts = [self.add_part(upload.id, data=data[i : i + part_size]).id for i in range(0, len(data), part_size)]
        return self.complete(upload.id, part_ids=parts)


class AsyncUploads(AsyncAPIResource):
    async def create(self, *, filename: str, purpose: str, bytes: int, mime_type: str, **params: Any) -> Upload:
        params, options = split_options(params)
        body = {"filename": filename, "purpose": purpose, "bytes": bytes, "mime_type": mime_type, **params}
        return await self._post("/uploads", Upload, body=body, options=options)

    async def add_part(self, upload_id: str, *, data: bytes, **options: Any) -> UploadPart:
        files = {"data": file_part(data, "part")}
        opts = split_options(options)[1]
        return await self._post(f"/uploads/{upload_id}/parts", UploadPart, files=files, options=opts)

    async def complete(self, upload_id: str, *, part_ids: list[str], **params: Any) -> Upload:
        params, options = split_options(params)
        body = {"part_ids": part_ids, **params}
        return await self._post(f"/uploads/{upload_id}/complete", Upload, body=body, options=options)

    async def cancel(self, upload_id: str, **options: Any) -> Upload:
        return await self._post(f"/uploads/{upload_id}/cancel", Upload, options=split_options(options)[1])

    async def upload_file(
        self, *, file: Any, purpose: str, mime_type: str | None = None, part_size: int = PART_SIZE
    ) -> Upload:
        name, data, kind = file_part(file, content_type=mime_type)
        upload = await self.create(filename=name, purpose=purpose, bytes=len(data), mime_type=kind)
        parts = [
            (await self.add_part(upload.id, data=data[i : i + part_size])).id for i in range(0, len(data), part_size)
        ]
        return await self.complete(upload.id, part_ids=parts)
