"""Cursor pagination, written once for every list endpoint."""

from __future__ import annotations

import pytest

from mockapi.collection import Collection


def _filled(n: int) -> Collection[dict]:
    items: Collection[dict] = Collection()
    for i in range(n):
        items.add(f"id{i:03d}", {"id": f"id{i:03d}", "n": i}, parity="even" if i % 2 == 0 else "odd")
    return items


def _walk(items: Collection[dict], order: str, limit: int, **kw) -> list[int]:
    seen: list[int] = []
    after = None
    while True:
        page = items.page(limit=limit, order=order, after=after, **kw)
        seen += [r["n"] for r in page.items]
        if not page.has_more:
            return seen
        after = page.items[-1]["id"]


@pytest.mark.parametrize("limit", [1, 7, 20, 100])
def test_pages_cover_everything_in_both_orders(limit: int) -> None:
    items = _filled(250)
    assert _walk(items, "asc", limit) == list(range(250))
    assert _walk(items, "desc", limit) == list(range(249, -1, -1))


def test_before_returns_the_items_just_before_the_cursor() -> None:
    items = _filled(10)
    page = items.page(limit=3, order="asc", before="id005")
    assert [r["n"] for r in page.items] == [2, 3, 4] and page.has_more
    page = items.page(limit=3, order="desc", before="id005")
    assert [r["n"] for r in page.items] == [8, 7, 6] and page.has_more
    page = items.page(limit=10, order="desc", before="id005")
    assert [r["n"] for r in page.items] == [9, 8, 7, 6] and not page.has_more


def test_deleted_cursor_still_works_and_holes_are_skipped() -> None:
    items = _filled(6)
    items.remove("id002")
    items.remove("id003")
    assert [r["n"] for r in items.page(limit=10, order="asc", after="id002").items] == [4, 5]
    assert [r["n"] for r in items.page(limit=10, order="asc").items] == [0, 1, 4, 5]
    assert len(items) == 4


def test_unknown_cursor_raises_key_error() -> None:
    with pytest.raises(KeyError):
        _filled(3).page(limit=2, after="nope")


def test_secondary_index_pages_only_matching_records() -> None:
    items = _filled(20)
    page = items.page(limit=3, order="asc", index=("parity", "odd"))
    assert [r["n"] for r in page.items] == [1, 3, 5] and page.has_more
    items.remove("id003")
    page = items.page(limit=3, order="asc", index=("parity", "odd"), after="id001")
    assert [r["n"] for r in page.items] == [5, 7, 9]
    assert items.page(limit=3, index=("parity", "none")).items == []


def test_empty_list_envelope() -> None:
    from mockapi.collection import list_body

    assert list_body([], False) == {"object": "list", "data": [], "first_id": None, "last_id": None,
                                    "has_more": False}



def test_both_cursors_give_the_items_between_them() -> None:
    # The SDK's auto-paging keeps the caller's `before` and adds `after=<last id>` (openai/pagination.py).
    items = _filled(6)

    def ns(**kw) -> list[int]:
        return [r["n"] for r in items.page(**kw).items]

    assert ns(limit=10, order="asc", after="id001", before="id004") == [2, 3]
    assert ns(limit=1, order="asc", after="id001", before="id004") == [2]
    assert items.page(limit=1, order="asc", after="id001", before="id004").has_more is True
    assert items.page(limit=2, order="asc", after="id001", before="id004").has_more is False
    assert ns(limit=10, order="desc", after="id004", before="id001") == [3, 2]
    assert ns(limit=10, order="asc", after="id004", before="id001") == []
    assert ns(limit=10, order="asc", after="id003", before="id004") == []


def test_sdk_auto_paging_with_before_ends(openai_client) -> None:
    made = [openai_client.beta.assistants.create(model="gpt-4o", name=f"a{i}").id for i in range(5)]
    # Newest first, `before` the oldest, one per page: the page is the assistant next to the cursor; the SDK then asks
    # for what lies between it and the cursor (nothing), and the iteration stops instead of looping.
    seen = [a.id for a in openai_client.beta.assistants.list(before=made[0], limit=1)]
    assert seen == [made[1]]
