"""Behaviour every resource shares, written once: lists, lookups, metadata, deletes."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

from mockapi import errors
from mockapi.collection import Collection, list_body
from mockapi.context import RequestContext

T = TypeVar("T")

METADATA_MAX_PAIRS = 16
METADATA_KEY_MAX = 64
METADATA_VALUE_MAX = 512


def paginate(
    ctx: RequestContext,
    collection: Collection[T],
    render: Callable[[T], dict[str, Any]],
    *,
    default_limit: int = 20,
    max_limit: int = 100,
    default_order: str = "desc",
    index: tuple[str, Hashable] | None = None,
    where: Callable[[T], bool] | None = None,
    min_limit: int = 1,
    cursor: Callable[[T], str] | None = None,
) -> dict[str, Any]:
    """A cursor page in the shared list envelope; costs O(limit).

    ``cursor`` gives the newer envelope (the Administration API's groups and roles): no ``first_id``/``last_id``
    but ``next``, the cursor of the last item (its id, which ``after`` takes back) when there are more.
    """
    query = ctx.query
    limit = page_limit(query.get("limit"), default_limit, max_limit, min_limit)
    order = query.get("order") or default_order
    if order not in ("asc", "desc"):
        raise errors.invalid_value("order", order, ["asc", "desc"])
    after, before = query.get("after"), query.get("before")
    try:
        page = collection.page(limit=limit, order=order, after=after, before=before, index=index, where=where)
    except KeyError as exc:
        which = "after" if after is not None and exc.args[0] == after else "before"
        raise errors.APIError(
            400,
            f"Invalid '{which}': no object with id '{exc.args[0]}' was found in this list.",
            param=which,
            code="invalid_value",
        ) from None
    if cursor is not None:
        last = cursor(page.items[-1]) if page.items and page.has_more else None
        return {"object": "list", "data": [render(item) for item in page.items], "has_more": page.has_more,
                "next": last}
    return list_body([render(item) for item in page.items], page.has_more)


def page_limit(value: Any, default: int, maximum: int, minimum: int = 1) -> int:
    """A `limit` query value, or the real 400 naming it (below `minimum`, above `maximum`, not an integer)."""
    if value is None:
        return default
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise errors.APIError(
            400, f"Invalid type for 'limit': expected an integer, but got '{value}' instead.",
            param="limit", code="invalid_type",
        ) from None
    if limit < minimum:
        raise errors.APIError(
            400,
            f"Invalid 'limit': integer below minimum value. Expected a value >= {minimum}, but got {limit} instead.",
            param="limit", code="integer_below_min_value",
        )
    if limit > maximum:
        raise errors.APIError(
            400,
            f"Invalid 'limit': integer above maximum value. Expected a value <= {maximum}, but got {limit} instead.",
            param="limit", code="integer_above_max_value",
        )
    return limit


def typed(
    body: dict[str, Any], name: str, kinds: type | tuple[type, ...], default: Any = None, where: str | None = None
) -> Any:
    """``body[name]`` when it has one of the JSON ``kinds`` (absent or null: ``default``); else the real 400
    (``where`` prefixes the param, as for ``required``).

    The contract layer normally refuses wrong types first; handlers read through this so they stay safe (and say
    the same thing) with request validation off. ``True`` is not an integer here, and ``2.0`` is not one either.
    """
    value = body.get(name)
    if value is None:
        return default
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in _as_tuple(kinds)):
        raise errors.wrong_type(f"{where}.{name}" if where else name, value, kinds)
    return value


def required(body: dict[str, Any], name: str, kinds: type | tuple[type, ...], where: str | None = None) -> Any:
    """Like ``typed``, but absent or null is the real ``missing_required_parameter``; ``where`` prefixes the param
    (``messages[0].content[1]`` -> ``messages[0].content[1].text``)."""
    param = f"{where}.{name}" if where else name
    value = body.get(name)
    if value is None:
        raise errors.missing_parameter(param)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in _as_tuple(kinds)):
        raise errors.wrong_type(param, value, kinds)
    return value


def _as_tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)


def validate_metadata(value: Any, param: str = "metadata") -> dict[str, str]:
    """The Metadata rules every resource shares: ≤16 string pairs, key ≤64, value ≤512."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise errors.invalid_type(param, "an object", value)
    if len(value) > METADATA_MAX_PAIRS:
        raise errors.too_many_properties(param, METADATA_MAX_PAIRS, len(value))
    for key, item in value.items():
        if len(key) > METADATA_KEY_MAX:
            raise errors.string_too_long(f"{param}.{key}", METADATA_KEY_MAX, len(key), name=param)
        if not isinstance(item, str):
            raise errors.invalid_type(f"{param}.{key}", "a string", item)
        if len(item) > METADATA_VALUE_MAX:
            raise errors.string_too_long(f"{param}.{key}", METADATA_VALUE_MAX, len(item))
    return dict(value)


def lookup(collection: Collection[T] | Mapping[str, T], item_id: str, thing: str) -> T:
    """The item, or the real 404: ``No {thing} found with id '{item_id}'.``"""
    found = collection.get(item_id)
    if found is None:
        raise errors.not_found(thing, item_id)
    return found


def find(collection: Collection[T] | Mapping[str, T], item_id: str, thing: str, param: str | None = None) -> T:
    """The item, or the newer APIs' 404: ``{thing} with id '{item_id}' not found.`` (Responses, conversations,
    containers: BerriAI/litellm#39464; the families that follow their style use it too)."""
    found = collection.get(item_id)
    if found is None:
        raise errors.APIError(404, f"{thing} with id '{item_id}' not found.", param=param)
    return found


def deleted(obj_id: str, object_name: str) -> dict[str, Any]:
    return {"id": obj_id, "object": object_name, "deleted": True}
