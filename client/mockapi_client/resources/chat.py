"""``/chat/completions``: create, stream, parse into a pydantic model, and stored completions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel

from mockapi_client import structured
from mockapi_client.options import compact, split_options
from mockapi_client.pagination import AsyncPaginator, SyncPage
from mockapi_client.resources.base import AsyncAPIResource, SyncAPIResource
from mockapi_client.streaming import AsyncChatCompletionStream, ChatCompletionStream
from mockapi_client.types.chat import ChatCompletion, ChatCompletionChunk, ParsedChatCompletion, StoredMessage
from mockapi_client.types.shared import DeletedObject

M = TypeVar("M", bound=BaseModel)
PATH = "/chat/completions"


def message_params(messages: Sequence[Any]) -> list[dict[str, Any]]:
    """Messages as JSON: dicts as given, response messages (``ChatCompletionMessage``) via ``to_param``."""
    out = []
    for message in messages:
        if hasattr(message, "to_param"):
            out.append(message.to_param())
        elif isinstance(message, BaseModel):
            out.append(message.model_dump(exclude_none=True))
        else:
            out.append(dict(message))
    return out


def _body(model: str, messages: Sequence[Any], params: dict[str, Any]) -> dict[str, Any]:
    if params.get("stream"):
        raise TypeError("create() does not stream: call .stream(...) instead")
    return {"model": model, "messages": message_params(messages), **params}


def _chunk(event: str | None, data: Any) -> ChatCompletionChunk:
    return ChatCompletionChunk.model_validate(data)


def _list_query(params: dict[str, Any]) -> dict[str, Any]:
    query = compact(**{k: v for k, v in params.items() if k != "metadata"})
    for key, value in (params.get("metadata") or {}).items():
        query[f"metadata[{key}]"] = value
    return query


class Completions(SyncAPIResource):
    def create(self, *, model: str, messages: Sequence[Any], **params: Any) -> ChatCompletion:
        params, options = split_options(params)
        return self._post(PATH, ChatCompletion, body=_body(model, messages, params), options=options)

    def stream(self, *, model: str, messages: Sequence[Any], **params: Any) -> ChatCompletionStream:
        """Iterate ``ChatCompletionChunk``s; ``final_completion()`` assembles the whole reply."""
        params, options = split_options(params)
        body = {**_body(model, messages, params), "stream": True}
        return self._stream(PATH, body, _chunk, ChatCompletionStream, options)

    def parse(
        self, *, model: str, messages: Sequence[Any], response_format: type[M], **params: Any
    ) -> ParsedChatCompletion[M]:
        """Ask for ``response_format``'s strict JSON schema and parse the reply into it."""
        params, options = split_options(params)
        body = _body(model, messages, params)
        body["response_format"] = structured.response_format(response_format)
        raw = self._post(PATH, None, body=body, options=options)
        return structured.parse_completion(raw, response_format)

    # -- stored completions (store=true) --
    def retrieve(self, completion_id: str, **options: Any) -> ChatCompletion:
        return self._get(f"{PATH}/{completion_id}", ChatCompletion, options=split_options(options)[1])

    def update(self, completion_id: str, *, metadata: dict[str, str] | None, **options: Any) -> ChatCompletion:
        opts = split_options(options)[1]
        return self._post(f"{PATH}/{completion_id}", ChatCompletion, body={"metadata": metadata}, options=opts)

    def list(self, **params: Any) -> SyncPage[ChatCompletion]:
        """``model``, ``metadata`` (dict), ``limit``, ``order``."""
        params, options = split_options(params)
        return self._list(PATH, ChatCompletion, _list_query(params), options)

    def delete(self, completion_id: str, **options: Any) -> DeletedObject:
        return self._delete(f"{PATH}/{completion_id}", DeletedObject, split_options(options)[1])

    def messages(self, completion_id: str, **params: Any) -> SyncPage[StoredMessage]:
        params, options = split_options(params)
        return self._list(f"{PATH}/{completion_id}/messages", StoredMessage, compact(**params), options)


class AsyncCompletions(AsyncAPIResource):
    async def create(self, *, model: str, messages: Sequence[Any], **params: Any) -> ChatCompletion:
        params, options = split_options(params)
        return await self._post(PATH, ChatCompletion, body=_body(model, messages, params), options=options)

    async def stream(self, *, model: str, messages: Sequence[Any], **params: Any) -> AsyncChatCompletionStream:
        params, options = split_options(params)
        body = {**_body(model, messages, params), "stream": True}
        return await self._stream(PATH, body, _chunk, AsyncChatCompletionStream, options)

    async def parse(
        self, *, model: str, messages: Sequence[Any], response_format: type[M], **params: Any
    ) -> ParsedChatCompletion[M]:
        params, options = split_options(params)
        body = _body(model, messages, params)
        body["response_format"] = structured.response_format(response_format)
        raw = await self._post(PATH, None, body=body, options=options)
        return structured.parse_completion(raw, response_format)

    async def retrieve(self, completion_id: str, **options: Any) -> ChatCompletion:
        return await self._get(f"{PATH}/{completion_id}", ChatCompletion, options=split_options(options)[1])

    async def update(self, completion_id: str, *, metadata: dict[str, str] | None, **options: Any) -> ChatCompletion:
        opts = split_options(options)[1]
        return await self._post(f"{PATH}/{completion_id}", ChatCompletion, body={"metadata": metadata}, options=opts)

    def list(self, **params: Any) -> AsyncPaginator[ChatCompletion]:
        params, options = split_options(params)
        return self._list(PATH, ChatCompletion, _list_query(params), options)

    async def delete(self, completion_id: str, **options: Any) -> DeletedObject:
        return await self._delete(f"{PATH}/{completion_id}", DeletedObject, split_options(options)[1])

    def messages(self, completion_id: str, **params: Any) -> AsyncPaginator[StoredMessage]:
        params, options = split_options(params)
        return self._list(f"{PATH}/{completion_id}/messages", StoredMessage, compact(**params), options)
