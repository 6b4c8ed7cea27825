"""``/embeddings``."""

from __future__ import annotations

from typing import Any

from mockapi_client.options import split_options
from mockapi_client.resources.base import AsyncAPIResource, SyncAPIResource
from mockapi_client.types.embeddings import CreateEmbeddingResponse


class Embeddings(SyncAPIResource):
    def create(self, *, model: str, input: Any, **params: Any) -> CreateEmbeddingResponse:
        """``encoding_format`` defaults to the server's (float); ``Embedding.vector()`` decodes base64 too."""
        params, options = split_options(params)
        body = {"model": model, "input": input, **params}
        return self._post("/embeddings", CreateEmbeddingResponse, body=body, options=options)


class AsyncEmbeddings(AsyncAPIResource):
    async def create(self, *, model: str, input: Any, **params: Any) -> CreateEmbeddingResponse:
        params, options = split_options(params)
        body = {"model": model, "input": input, **params}
        return await self._post("/embeddings", CreateEmbeddingResponse, body=body, options=options)
