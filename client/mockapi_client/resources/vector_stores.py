"""``/vector_stores``: stores, their files, file batches, search (with the assistants beta header, as the SDK)."""

from __future__ import annotations

from typing import Any

from mockapi_client.options import compact, split_options
from mockapi_client.pagination import AsyncPaginator, SyncPage
from mockapi_client.polling import apoll, poll
from mockapi_client.resources.base import BETA, AsyncAPIResource, SyncAPIResource
from mockapi_client.types.shared import DeletedObject
from mockapi_client.types.vector_stores import (
    SearchResultsPage,
    VectorStore,
    VectorStoreFile,
    VectorStoreFileBatch,
)

PATH = "/vector_stores"


def _file_ready(f: VectorStoreFile) -> bool:
    return f.status != "in_progress"


def _batch_ready(b: VectorStoreFileBatch) -> bool:
    return b.file_counts.in_progress == 0  # the SDK's rule: status is ignored


class Files(SyncAPIResource):
    _headers = BETA

    def create(self, vector_store_id: str, *, file_id: str, **params: Any) -> VectorStoreFile:
        params, options = split_options(params)
        body = {"file_id": file_id, **params}
        return self._post(f"{PATH}/{vector_store_id}/files", VectorStoreFile, body=body, options=options)

    def retrieve(self, file_id: str, *, vector_store_id: str, **options: Any) -> VectorStoreFile:
        path = f"{PATH}/{vector_store_id}/files/{file_id}"
        return self._get(path, VectorStoreFile, options=split_options(options)[1])

    def update(self, file_id: str, *, vector_store_id: str, attributes: dict[str, Any], **options: Any
               ) -> VectorStoreFile:
        path = f"{PATH}/{vector_store_id}/files/{file_id}"
        return self._post(path, VectorStoreFile, body={"attributes": attributes}, options=split_options(options)[1])

    def list(self, vector_store_id: str, **params: Any) -> SyncPage[VectorStoreFile]:
        """``filter`` (in_progress|completed|failed|cancelled), ``limit``, ``order``."""
        params, options = split_options(params)
        return self._list(f"{PATH}/{vector_store_id}/files", VectorStoreFile, compact(**params), options)

    def delete(self, file_id: str, *, vector_store_id: str, **options: Any) -> DeletedObject:
        path = f"{PATH}/{vector_store_id}/files/{file_id}"
        return self._delete(path, DeletedObject, split_options(options)[1])

    def content(self, file_id: str, *, vector_store_id: str, **options: Any) -> dict[str, Any]:
        path = f"{PATH}/{vector_store_id}/files/{file_id}/content"
        return self._get(path, None, options=split_options(options)[1])

    def create_and_poll(self, vector_store_id: str, *, file_id: str, interval: float | None = None,
                        max_wait: float | None = None, **params: Any) -> VectorStoreFile:
        self.create(vector_store_id, file_id=file_id, **params)
        path = f"{PATH}/{vector_store_id}/files/{file_id}"
        return poll(
            lambda: self._get_with_headers(path, VectorStoreFile), _file_ready,
            sleep=self._client.sleep, interval=interval, max_wait=max_wait, clock=self._client.clock,
        )


class FileBatches(SyncAPIResource):
    _headers = BETA

    def create(self, vector_store_id: str, **params: Any) -> VectorStoreFileBatch:
        """``file_ids=[...]`` or ``files=[{"file_id", "attributes"?}]``."""
        params, options = split_options(params)
        return self._post(f"{PATH}/{vector_store_id}/file_batches", VectorStoreFileBatch, body=params,
                          options=options)

    def retrieve(self, batch_id: str, *, vector_store_id: str, **options: Any) -> VectorStoreFileBatch:
        path = f"{PATH}/{vector_store_id}/file_batches/{batch_id}"
        return self._get(path, VectorStoreFileBatch, options=split_options(options)[1])

    def cancel(self, batch_id: str, *, vector_store_id: str, **options: Any) -> VectorStoreFileBatch:
        path = f"{PATH}/{vector_store_id}/file_batches/{batch_id}/cancel"
        return self._post(path, VectorStoreFileBatch, options=split_options(options)[1])

    def list_files(self, batch_id: str, *, vector_store_id: str, **params: Any) -> SyncPage[VectorStoreFile]:
        params, options = split_options(params)
        path = f"{PATH}/{vector_store_id}/file_batches/{batch_id}/files"
        return self._list(path, VectorStoreFile, compact(**params), options)

    def create_and_poll(self, vector_store_id: str, *, interval: float | None = None,
                        max_wait: float | None = None, **params: Any) -> VectorStoreFileBatch:
        batch = self.create(vector_store_id, **params)
        path = f"{PATH}/{vector_store_id}/file_batches/{batch.id}"
        return poll(
            lambda: self._get_with_headers(path, VectorStoreFileBatch), _batch_ready,
            sleep=self._client.sleep, interval=interval, max_wait=max_wait, clock=self._client.clock,
        )


class VectorStores(SyncAPIResource):
    _headers = BETA

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.files = Files(client)
        self.file_batches = FileBatches(client)

    def create(self, **params: Any) -> VectorStore:
        params, options = split_options(params)
        return self._post(PATH, VectorStore, body=params, options=options)

    def retrieve(self, vector_store_id: str, **options: Any) -> VectorStore:
        return self._get(f"{PATH}/{vector_store_id}", VectorStore, options=split_options(options)[1])

    def update(self, vector_store_id: str, **params: Any) -> VectorStore:
        params, options = split_options(params)
        return self._post(f"{PATH}/{vector_store_id}", VectorStore, body=params, options=options)

    def list(self, **params: Any) -> SyncPage[VectorStore]:
        params, options = split_options(params)
        return self._list(PATH, VectorStore, compact(**params), options)

    def delete(self, vector_store_id: str, **options: Any) -> DeletedObject:
        return self._delete(f"{PATH}/{vector_store_id}", DeletedObject, split_options(options)[1])

    def search(self, vector_store_id: str, *, query: Any, **params: Any) -> SearchResultsPage:
        params, options = split_options(params)
        body = {"query": query, **params}
        return self._post(f"{PATH}/{vector_store_id}/search", SearchResultsPage, body=body, options=options)


class AsyncFiles(AsyncAPIResource):
    _headers = BETA

    async def create(self, vector_store_id: str, *, file_id: str, **params: Any) -> VectorStoreFile:
        params, options = split_options(params)
        body = {"file_id": file_id, **params}
        return await self._post(f"{PATH}/{vector_store_id}/files", VectorStoreFile, body=body, options=options)

    async def retrieve(self, file_id: str, *, vector_store_id: str, **options: Any) -> VectorStoreFile:
        path = f"{PATH}/{vector_store_id}/files/{file_id}"
        return await self._get(path, VectorStoreFile, options=split_options(options)[1])

    async def update(self, file_id: str, *, vector_store_id: str, attributes: dict[str, Any], **options: Any
                     ) -> VectorStoreFile:
        path = f"{PATH}/{vector_store_id}/files/{file_id}"
        opts = split_options(options)[1]
        return await self._post(path, VectorStoreFile, body={"attributes": attributes}, options=opts)

    def list(self, vector_store_id: str, **params: Any) -> AsyncPaginator[VectorStoreFile]:
        params, options = split_options(params)
        return self._list(f"{PATH}/{vector_store_id}/files", VectorStoreFile, compact(**params), options)

    async def delete(self, file_id: str, *, vector_store_id: str, **options: Any) -> DeletedObject:
        path = f"{PATH}/{vector_store_id}/files/{file_id}"
        return await self._delete(path, DeletedObject, split_options(options)[1])

    async def content(self, file_id: str, *, vector_store_id: str, **options: Any) -> dict[str, Any]:
        path = f"{PATH}/{vector_store_id}/files/{file_id}/content"
        return await self._get(path, None, options=split_options(options)[1])

    async def create_and_poll(self, vector_store_id: str, *, file_id: str, interval: float | None = None,
                              max_wait: float | None = None, **params: Any) -> VectorStoreFile:
        await self.create(vector_store_id, file_id=file_id, **params)
        path = f"{PATH}/{vector_store_id}/files/{file_id}"
        return await apoll(
            lambda: self._get_with_headers(path, VectorStoreFile), _file_ready,
            sleep=self._client.sleep, interval=interval, max_wait=max_wait, clock=self._client.clock,
        )


class AsyncFileBatches(AsyncAPIResource):
    _headers = BETA

    async def create(self, vector_store_id: str, **params: Any) -> VectorStoreFileBatch:
        params, options = split_options(params)
        return await self._post(f"{PATH}/{vector_store_id}/file_batches", VectorStoreFileBatch, body=params,
                                options=options)

    async def retrieve(self, batch_id: str, *, vector_store_id: str, **options: Any) -> VectorStoreFileBatch:
        path = f"{PATH}/{vector_store_id}/file_batches/{batch_id}"
        return await self._get(path, VectorStoreFileBatch, options=split_options(options)[1])

    async def cancel(self, batch_id: str, *, vector_store_id: str, **options: Any) -> VectorStoreFileBatch:
        path = f"{PATH}/{vector_store_id}/file_batches/{batch_id}/cancel"
        return await self._post(path, VectorStoreFileBatch, options=split_options(options)[1])

    def list_files(self, batch_id: str, *, vector_store_id: str, **params: Any) -> AsyncPaginator[VectorStoreFile]:
        params, options = split_options(params)
        path = f"{PATH}/{vector_store_id}/file_batches/{batch_id}/files"
        return self._list(path, VectorStoreFile, compact(**params), options)

    async def create_and_poll(self, vector_store_id: str, *, interval: float | None = None,
                              max_wait: float | None = None, **params: Any) -> VectorStoreFileBatch:
        batch = await self.create(vector_store_id, **params)
        path = f"{PATH}/{vector_store_id}/file_batches/{batch.id}"
        return await apoll(
            lambda: self._get_with_headers(path, VectorStoreFileBatch), _batch_ready,
            sleep=self._client.sleep, interval=interval, max_wait=max_wait, clock=self._client.clock,
        )


class AsyncVectorStores(AsyncAPIResource):
    _headers = BETA

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.files = AsyncFiles(client)
        self.file_batches = AsyncFileBatches(client)

    async def create(self, **params: Any) -> VectorStore:
        params, options = split_options(params)
        return await self._post(PATH, VectorStore, body=params, options=options)

    async def retrieve(self, vector_store_id: str, **options: Any) -> VectorStore:
        return await self._get(f"{PATH}/{vector_store_id}", VectorStore, options=split_options(options)[1])

    async def update(self, vector_store_id: str, **params: Any) -> VectorStore:
        params, options = split_options(params)
        return await self._post(f"{PATH}/{vector_store_id}", VectorStore, body=params, options=options)

    def list(self, **params: Any) -> AsyncPaginator[VectorStore]:
        params, options = split_options(params)
        return self._list(PATH, VectorStore, compact(**params), options)

    async def delete(self, vector_store_id: str, **options: Any) -> DeletedObject:
        return await self._delete(f"{PATH}/{vector_store_id}", DeletedObject, split_options(options)[1])

    async def search(self, vector_store_id: str, *, query: Any, **params: Any) -> SearchResultsPage:
        params, options = split_options(params)
        body = {"query": query, **params}
        return await self._post(f"{PATH}/{vector_store_id}/search", SearchResultsPage, body=body, options=options)
