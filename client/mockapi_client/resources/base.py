"""What every resource class uses to make calls: typed GET/POST/DELETE, pages and streams.

A resource holds its client; the client owns the pipeline (retries, breaker, queue, limiter) and turns
responses into models (recording usage on the way).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from mockapi_client.options import RequestOptions
from mockapi_client.pagination import AsyncPage, AsyncPaginator, SyncPage
from mockapi_client.transport import Call

if TYPE_CHECKING:
    from mockapi_client.client import AsyncClient, Client

T = TypeVar("T")
BETA = {"OpenAI-Beta": "assistants=v2"}

NO_OPTIONS = RequestOptions()


def file_part(file: Any, filename: str | None = None, content_type: str | None = None) -> tuple[str, bytes, str]:
    """A multipart file from bytes, a path, an open file or a ``(name, bytes[, type])`` tuple.

    The bytes are read once up front so every retry can resend them.
    """
    import mimetypes
    from pathlib import Path

    if isinstance(file, tuple):
        name, data = file[0], file[1]
        kind = file[2] if len(file) > 2 else content_type
    elif isinstance(file, (str, Path)):
        path = Path(file)
        name, data, kind = path.name, path.read_bytes(), content_type
    elif isinstance(file, (bytes, bytearray)):
        name, data, kind = filename or "upload", bytes(file), content_type
    else:  # a file object
        name = Path(getattr(file, "name", filename or "upload")).name
        data, kind = file.read(), content_type
    name = filename or name
    if isinstance(data, str):
        data = data.encode()
    return name, data, kind or mimetypes.guess_type(name)[0] or "application/octet-stream"


class SyncAPIResource:
    _headers: Mapping[str, str] | None = None

    def __init__(self, client: Client) -> None:
        self._client = client

    def _call(self, method: str, path: str, **kwargs: Any) -> Call:
        options = kwargs.pop("options", None) or NO_OPTIONS
        return Call(method, path, headers=self._headers, options=options, **kwargs)

    def _get(self, path: str, cast: Any, *, query: Mapping[str, Any] | None = None,
             options: RequestOptions | None = None) -> Any:
        return self._client.execute(self._call("GET", path, query=query, options=options), cast)

    def _get_with_headers(self, path: str, cast: type[T], options: RequestOptions | None = None
                          ) -> tuple[T, httpx.Headers]:
        return self._client.execute_with_headers(self._call("GET", path, options=options), cast)

    def _post(self, path: str, cast: Any, *, body: Any = None, options: RequestOptions | None = None,
              query: Mapping[str, Any] | None = None, form: Mapping[str, Any] | None = None,
              files: Mapping[str, Any] | None = None) -> Any:
        call = self._call("POST", path, body=body, options=options, query=query, form=form, files=files)
        return self._client.execute(call, cast)

    def _delete(self, path: str, cast: Any, options: RequestOptions | None = None) -> Any:
        return self._client.execute(self._call("DELETE", path, options=options), cast)

    def _list(self, path: str, cast: type[T], query: Mapping[str, Any] | None = None,
              options: RequestOptions | None = None) -> SyncPage[T]:
        def fetch(after: str | None) -> SyncPage[T]:
            page_query = {**(query or {}), **({"after": after} if after else {})}
            body = self._client.execute(self._call("GET", path, query=page_query, options=options), None)
            items = [self._client.model(cast, item) for item in body.get("data", [])]
            return SyncPage(items, body, fetch)

        return fetch(None)

    def _stream(self, path: str, body: Any, parse: Callable[[str | None, Any], Any], stream_cls: type,
                options: RequestOptions | None = None, query: Mapping[str, Any] | None = None) -> Any:
        call = self._call("POST", path, body=body, options=options, query=query, stream=True)
        return self._client.open_stream(call, parse, stream_cls)


class AsyncAPIResource:
    _headers: Mapping[str, str] | None = None

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    def _call(self, method: str, path: str, **kwargs: Any) -> Call:
        options = kwargs.pop("options", None) or NO_OPTIONS
        return Call(method, path, headers=self._headers, options=options, **kwargs)

    async def _get(self, path: str, cast: Any, *, query: Mapping[str, Any] | None = None,
                   options: RequestOptions | None = None) -> Any:
        return await self._client.execute(self._call("GET", path, query=query, options=options), cast)

    async def _get_with_headers(self, path: str, cast: type[T], options: RequestOptions | None = None
                                ) -> tuple[T, httpx.Headers]:
        return await self._client.execute_with_headers(self._call("GET", path, options=options), cast)

    async def _post(self, path: str, cast: Any, *, body: Any = None, options: RequestOptions | None = None,
                    query: Mapping[str, Any] | None = None, form: Mapping[str, Any] | None = None,
                    files: Mapping[str, Any] | None = None) -> Any:
        call = self._call("POST", path, body=body, options=options, query=query, form=form, files=files)
        return await self._client.execute(call, cast)

    async def _delete(self, path: str, cast: Any, options: RequestOptions | None = None) -> Any:
        return await self._client.execute(self._call("DELETE", path, options=options), cast)

    def _list(self, path: str, cast: type[T], query: Mapping[str, Any] | None = None,
              options: RequestOptions | None = None) -> AsyncPaginator[T]:
        async def fetch(after: str | None) -> AsyncPage[T]:
            page_query = {**(query or {}), **({"after": after} if after else {})}
            body = await self._client.execute(self._call("GET", path, query=page_query, options=options), None)
            items = [self._client.model(cast, item) for item in body.get("data", [])]
            return AsyncPage(items, body, fetch)

        return AsyncPaginator(lambda: fetch(None))

    async def _stream(self, path: str, body: Any, parse: Callable[[str | None, Any], Any], stream_cls: type,
                      options: RequestOptions | None = None, query: Mapping[str, Any] | None = None) -> Any:
        call = self._call("POST", path, body=body, options=options, query=query, stream=True)
        return await self._client.open_stream(call, parse, stream_cls)
