"""``/batches``: create, retrieve, list, cancel, poll until final."""

from __future__ import annotations

from typing import Any

from mockapi_client.options import compact, split_options
from mockapi_client.pagination import AsyncPaginator, SyncPage
from mockapi_client.polling import apoll, poll
from mockapi_client.resources.base import AsyncAPIResource, SyncAPIResource
from mockapi_client.types.batches import Batch


def _body(input_file_id: str, endpoint: str, completion_window: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"input_file_id": input_file_id, "endpoint": endpoint, "completion_window": completion_window, **params}


class Batches(SyncAPIResource):
    def create(
        self, *, input_file_id: str, endpoint: str, completion_window: str = "24h", **params: Any
    ) -> Batch:
        params, options = split_options(params)
        return self._post("/batches", Batch, body=_body(input_file_id, endpoint, completion_window, params),
                          options=options)

    def retrieve(self, batch_id: str, **options: Any) -> Batch:
        return self._get(f"/batches/{batch_id}", Batch, options=split_options(options)[1])

    def list(self, **params: Any) -> SyncPage[Batch]:
        params, options = split_options(params)
        return self._list("/batches", Batch, compact(**params), options)

    def cancel(self, batch_id: str, **options: Any) -> Batch:
        return self._post(f"/batches/{batch_id}/cancel", Batch, options=split_options(options)[1])

    def poll(self, batch_id: str, *, interval: float | None = None, max_wait: float | None = None) -> Batch:
        return poll(
            lambda: self._get_with_headers(f"/batches/{batch_id}", Batch), lambda b: b.done,
            sleep=self._client.sleep, interval=interval, max_wait=max_wait, clock=self._client.clock,
        )


class AsyncBatches(AsyncAPIResource):
    async def create(
        self, *, input_file_id: str, endpoint: str, completion_window: str = "24h", **params: Any
    ) -> Batch:
        params, options = split_options(params)
        return await self._post("/batches", Batch, body=_body(input_file_id, endpoint, completion_window, params),
                                options=options)

    async def retrieve(self, batch_id: str, **options: Any) -> Batch:
        return await self._get(f"/batches/{batch_id}", Batch, options=split_options(options)[1])

    def list(self, **params: Any) -> AsyncPaginator[Batch]:
        params, options = split_options(params)
        return self._list("/batches", Batch, compact(**params), options)

    async def cancel(self, batch_id: str, **options: Any) -> Batch:
        return await self._post(f"/batches/{batch_id}/cancel", Batch, options=split_options(options)[1])

    async def poll(self, batch_id: str, *, interval: float | None = None, max_wait: float | None = None) -> Batch:
        return await apoll(
            lambda: self._get_with_headers(f"/batches/{batch_id}", Batch), lambda b: b.done,
            sleep=self._client.sleep, interval=interval, max_wait=max_wait, clock=self._client.clock,
        )
