"""``/files``: upload (multipart), list, retrieve, delete, download."""

from __future__ import annotations

from typing import Any

from mockapi_client.options import compact, split_options
from mockapi_client.pagination import AsyncPaginator, SyncPage
from mockapi_client.resources.base import AsyncAPIResource, SyncAPIResource, file_part
from mockapi_client.types.files import FileObject
from mockapi_client.types.shared import DeletedObject


def _upload(file: Any, purpose: str, params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(form fields, files) for POST /files. ``file``: bytes, a path, an open file or (name, bytes)."""
    return {"purpose": purpose, **params}, {"file": file_part(file, params.pop("filename", None))}


class Files(SyncAPIResource):
    def create(self, *, file: Any, purpose: str, **params: Any) -> FileObject:
        """``expires_after={"anchor": "created_at", "seconds": 3600}``, ``filename=`` to rename bytes."""
        params, options = split_options(params)
        form, files = _upload(file, purpose, params)
        return self._post("/files", FileObject, form=form, files=files, options=options)

    def retrieve(self, file_id: str, **options: Any) -> FileObject:
        return self._get(f"/files/{file_id}", FileObject, options=split_options(options)[1])

    def list(self, **params: Any) -> SyncPage[FileObject]:
        """``purpose``, ``limit``, ``order``."""
        params, options = split_options(params)
        return self._list("/files", FileObject, compact(**params), options)

    def delete(self, file_id: str, **options: Any) -> DeletedObject:
        return self._delete(f"/files/{file_id}", DeletedObject, split_options(options)[1])

    def content(self, file_id: str, **options: Any) -> bytes:
        return self._get(f"/files/{file_id}/content", bytes, options=split_options(options)[1])


class AsyncFiles(AsyncAPIResource):
    async def create(self, *, file: Any, purpose: str, **params: Any) -> FileObject:
        params, options = split_options(params)
        form, files = _upload(file, purpose, params)
        return await self._post("/files", FileObject, form=form, files=files, options=options)

    async def retrieve(self, file_id: str, **options: Any) -> FileObject:
        return await self._get(f"/files/{file_id}", FileObject, options=split_options(options)[1])

    def list(self, **params: Any) -> AsyncPaginator[FileObject]:
        params, options = split_options(params)
        return self._list("/files", FileObject, compact(**params), options)

    async def delete(self, file_id: str, **options: Any) -> DeletedObject:
        return await self._delete(f"/files/{file_id}", DeletedObject, split_options(options)[1])

    async def content(self, file_id: str, **options: Any) -> bytes:
        return await self._get(f"/files/{file_id}/content", bytes, options=split_options(options)[1])
