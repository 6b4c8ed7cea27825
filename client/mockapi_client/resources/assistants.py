"""``/assistants`` (OpenAI-Beta: assistants=v2)."""

from __future__ import annotations

from typing import Any

from mockapi_client.options import compact, split_options
from mockapi_client.pagination import AsyncPaginator, SyncPage
from mockapi_client.resources.base import BETA, AsyncAPIResource, SyncAPIResource
from mockapi_client.types.assistants import Assistant
from mockapi_client.types.shared import DeletedObject


class Assistants(SyncAPIResource):
    _headers = BETA

    def create(self, *, model: str, **params: Any) -> Assistant:
        params, options = split_options(params)
        return self._post("/assistants", Assistant, body={"model": model, **params}, options=options)

    def retrieve(self, assistant_id: str, **options: Any) -> Assistant:
        return self._get(f"/assistants/{assistant_id}", Assistant, options=split_options(options)[1])

    def update(self, assistant_id: str, **params: Any) -> Assistant:
        params, options = split_options(params)
        return self._post(f"/assistants/{assistant_id}", Assistant, body=params, options=options)

    def list(self, **params: Any) -> SyncPage[Assistant]:
        params, options = split_options(params)
        return self._list("/assistants", Assistant, compact(**params), options)

    def delete(self, assistant_id: str, **options: Any) -> DeletedObject:
        return self._delete(f"/assistants/{assistant_id}", DeletedObject, split_options(options)[1])


class AsyncAssistants(AsyncAPIResource):
    _headers = BETA

    async def create(self, *, model: str, **params: Any) -> Assistant:
        params, options = split_options(params)
        return await self._post("/assistants", Assistant, body={"model": model, **params}, options=options)

    async def retrieve(self, assistant_id: str, **options: Any) -> Assistant:
        return await self._get(f"/assistants/{assistant_id}", Assistant, options=split_options(options)[1])

    async def update(self, assistant_id: str, **params: Any) -> Assistant:
        params, options = split_options(params)
        return await self._post(f"/assistants/{assistant_id}", Assistant, body=params, options=options)

    def list(self, **params: Any) -> AsyncPaginator[Assistant]:
        params, options = split_options(params)
        return self._list("/assistants", Assistant, compact(**params), options)

    async def delete(self, assistant_id: str, **options: Any) -> DeletedObject:
        return await self._delete(f"/assistants/{assistant_id}", DeletedObject, split_options(options)[1])
