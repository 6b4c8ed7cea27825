"""Cursor pages that fetch the next page on demand.

A list call returns its first page; iterating the page yields every item of every page, asking for the
next one with ``after=<last item's id>`` while ``has_more`` is true and the page was not empty (the
official SDK's rule, core.md §2). ``iter_pages()`` walks page by page. Page-less lists (``/models``)
are one page. The async twin: ``await client.files.list()`` is the first page, and
``async for f in client.files.list()`` walks every item.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class _Page(Generic[T]):
    def __init__(self, data: list[T], body: dict[str, Any]) -> None:
        self.data = data
        self.has_more = bool(body.get("has_more"))
        self.first_id: str | None = body.get("first_id")
        self.last_id: str | None = body.get("last_id")
        self.body = body

    def next_cursor(self) -> str | None:
        if not self.has_more or not self.data:
            return None
        return getattr(self.data[-1], "id", None)

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(items={len(self.data)}, has_more={self.has_more})"


class SyncPage(_Page[T]):
    def __init__(self, data: list[T], body: dict[str, Any], fetch: Callable[[str], SyncPage[T]] | None) -> None:
        super().__init__(data, body)
        self._fetch = fetch

    def next_page(self) -> SyncPage[T] | None:
        cursor = self.next_cursor()
        return None if cursor is None or self._fetch is None else self._fetch(cursor)

    def iter_pages(self) -> Iterator[SyncPage[T]]:
        page: SyncPage[T] | None = self
        while page is not None:
            yield page
            page = page.next_page()

    def __iter__(self) -> Iterator[T]:  # type: ignore[override]
        for page in self.iter_pages():
            yield from page.data


class AsyncPage(_Page[T]):
    def __init__(
        self, data: list[T], body: dict[str, Any], fetch: Callable[[str], Awaitable[AsyncPage[T]]] | None
    ) -> None:
        super().__init__(data, body)
        self._fetch = fetch

    async def next_page(self) -> AsyncPage[T] | None:
        cursor = self.next_cursor()
        return None if cursor is None or self._fetch is None else await self._fetch(cursor)

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        page: AsyncPage[T] | None = self
        while page is not None:
            yield page
            page = await page.next_page()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item


class AsyncPaginator(Generic[T]):
    """What an async list call returns: await it for the first page, or ``async for`` over every item."""

    def __init__(self, first: Callable[[], Awaitable[AsyncPage[T]]]) -> None:
        self._first = first

    def __await__(self) -> Generator[Any, None, AsyncPage[T]]:
        return self._first().__await__()

    async def __aiter__(self) -> AsyncIterator[T]:
        page = await self._first()
        async for item in page:
            yield item
