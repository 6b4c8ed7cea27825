"""``/moderations``."""

from __future__ import annotations

from typing import Any

from mockapi_client.options import split_options
from mockapi_client.resources.base import AsyncAPIResource, SyncAPIResource
from mockapi_client.types.moderations import ModerationResponse


class Moderations(SyncAPIResource):
    def create(self, *, input: Any, **params: Any) -> ModerationResponse:
        params, options = split_options(params)
        return self._post("/moderations", ModerationResponse, body={"input": input, **params}, options=options)


class AsyncModerations(AsyncAPIResource):
    async def create(self, *, input: Any, **params: Any) -> ModerationResponse:
        params, options = split_options(params)
        return await self._post("/moderations", ModerationResponse, body={"input": input, **params}, options=options)
