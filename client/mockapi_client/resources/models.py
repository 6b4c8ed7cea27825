"""``/models``: list (one page), retrieve, delete a fine-tuned model."""

from __future__ import annotations

from typing import Any

from mockapi_client.options import split_options
from mockapi_client.pagination import AsyncPaginator, SyncPage
from mockapi_client.resources.base import AsyncAPIResource, SyncAPIResource
from mockapi_client.types.models import Model
from mockapi_client.types.shared import DeletedObject


class Models(SyncAPIResource):
    def list(self, **options: Any) -> SyncPage[Model]:
        return self._list("/models", Model, None, split_options(options)[1])

    def retrieve(self, model: str, **options: Any) -> Model:
        return self._get(f"/models/{model}", Model, options=split_options(options)[1])

    def delete(self, model: str, **options: Any) -> DeletedObject:
        return self._delete(f"/models/{model}", DeletedObject, split_options(options)[1])


class AsyncModels(AsyncAPIResource):
    def list(self, **options: Any) -> AsyncPaginator[Model]:
        return self._list("/models", Model, None, split_options(options)[1])

    async def retrieve(self, model: str, **options: Any) -> Model:
        return await self._get(f"/models/{model}", Model, options=split_options(options)[1])

    async def delete(self, model: str, **options: Any) -> DeletedObject:
        return await self._delete(f"/models/{model}", DeletedObject, split_options(options)[1])
