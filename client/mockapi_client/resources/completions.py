"""``/completions`` (legacy text completions)."""

from __future__ import annotations

from typing import Any

from mockapi_client.options import split_options
from mockapi_client.resources.base import AsyncAPIResource, SyncAPIResource
from mockapi_client.streaming import AsyncStream, Stream
from mockapi_client.types.completions import Completion

PATH = "/completions"


def _body(model: str, prompt: Any, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("stream"):
        raise TypeError("create() does not stream: call .stream(...) instead")
    return {"model": model, "prompt": prompt, **params}


def _chunk(event: str | None, data: Any) -> Completion:
    return Completion.model_validate(data)


class Completions(SyncAPIResource):
    def create(self, *, model: str, prompt: Any, **params: Any) -> Completion:
        params, options = split_options(params)
        return self._post(PATH, Completion, body=_body(model, prompt, params), options=options)

    def stream(self, *, model: str, prompt: Any, **params: Any) -> Stream[Completion]:
        params, options = split_options(params)
        return self._stream(PATH, {**_body(model, prompt, params), "stream": True}, _chunk, Stream, options)


class AsyncCompletions(AsyncAPIResource):
    async def create(self, *, model: str, prompt: Any, **params: Any) -> Completion:
        params, options = split_options(params)
        return await self._post(PATH, Completion, body=_body(model, prompt, params), options=options)

    async def stream(self, *, model: str, prompt: Any, **params: Any) -> AsyncStream[Completion]:
        params, options = split_options(params)
        return await self._stream(PATH, {**_body(model, prompt, params), "stream": True}, _chunk, AsyncStream, options)
