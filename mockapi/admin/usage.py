"""Time buckets over the metered ledger: the Usage API's results and the Costs API's amounts.

A page is ``limit`` buckets of ``bucket_width`` from ``start_time`` (inclusive) to ``end_time`` (exclusive; by
default the end of the bucket holding now). Buckets start at ``start_time`` itself, not at a UTC boundary
(chosen: nothing before ``start_time`` is counted), and the last one stops at ``end_time``. Empty buckets are
listed with no results. ``next_page`` is an opaque cursor naming the next bucket's start. Work per request: a
binary search, then the records in the page's window. Choices: contracts/README.md ("Administration").
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mockapi import errors
from mockapi.admin import prices
from mockapi.admin.meter import Ledger, Record
from mockapi.common import page_limit

WIDTHS = {"1m": 60, "1h": 3600, "1d": 86400}
# bucket_width -> (default limit, max limit), from the parameter's description in the document
LIMITS = {"1m": (60, 1440), "1h": (24, 168), "1d": (7, 31)}
COSTS_LIMITS = (7, 180)
MAX_TIME = 2**53

COMPLETION_COUNTS = ("input_tokens", "output_tokens", "input_cached_tokens", "input_audio_tokens",
                     "output_audio_tokens", "num_model_requests")
PERSONAL = ("project_id", "user_id", "api_key_id", "model")


@dataclass(frozen=True)
class Kind:
    """One usage endpoint: its counts (always present) and its dimensions (null unless grouped by)."""

    counts: tuple[str, ...]
    dimensions: tuple[str, ...]
    filters: dict[str, str]  # query parameter -> dimension
    result: str | None = None  # the result's object name, when not organization.usage.<kind>.result


_WHO = {"project_ids": "project_id", "user_ids": "user_id", "api_key_ids": "api_key_id"}
_FILTERS = {**_WHO, "models": "model"}
KINDS: dict[str, Kind] = {
    "completions": Kind(COMPLETION_COUNTS, (*PERSONAL, "batch", "service_tier"), _FILTERS),
    "embeddings": Kind(("input_tokens", "num_model_requests"), PERSONAL, _FILTERS),
    # the SDK 3.63.0's usage.decisions (newer than the pinned document): the Decisions API's tokens
    "decisions": Kind(("input_tokens", "output_tokens", "input_cached_tokens", "num_model_requests"),
                      (*PERSONAL, "batch", "service_tier"), _FILTERS),
    "moderations": Kind(("input_tokens", "num_model_requests"), PERSONAL, _FILTERS),
    "images": Kind(("images", "num_model_requests"), (*PERSONAL, "size", "source"),
                   {**_FILTERS, "sizes": "size", "sources": "source"}),
    "audio_speeches": Kind(("characters", "num_model_requests"), PERSONAL, _FILTERS),
    "audio_transcriptions": Kind(("seconds", "num_model_requests"), PERSONAL, _FILTERS),
    "code_interpreter_sessions": Kind(("num_sessions",), ("project_id",), {"project_ids": "project_id"}),
    "vector_stores": Kind(("usage_bytes",), ("project_id",), {"project_ids": "project_id"}),
    # result objects named as in the document (file_searches, web_searches)
    "file_search_calls": Kind(("num_requests",), ("project_id", "user_id", "api_key_id", "vector_store_id"),
                              {**_WHO, "vector_store_ids": "vector_store_id"},
                              "organization.usage.file_searches.result"),
    "web_search_calls": Kind(("num_model_requests", "num_requests"), (*PERSONAL, "context_level"),
                             {**_FILTERS, "context_levels": "context_level"},
                             "organization.usage.web_searches.result"),
}


@dataclass(frozen=True)
class Window:
    buckets: list[tuple[int, int]]
    next_page: str | None


def window(query: dict[str, Any], now: int, limits: tuple[int, int], width_name: str) -> Window:
    """The page of buckets the query asks for."""
    width = WIDTHS[width_name]
    start = _integer(query, "start_time")
    if start is None:
        raise errors.missing_parameter("start_time")
    end = _integer(query, "end_time")
    if end is None:
        end = start + (max(now - start, 0) // width + 1) * width
    elif end <= start:  # wording chosen
        raise errors.invalid_request("Invalid 'end_time': it must be later than 'start_time'.", param="end_time")
    limit = page_limit(query.get("limit"), *limits)
    first = start
    page = query.get("page")
    if page is not None:
        first = _decode_page(str(page))
        if first < start or first >= end or (first - start) % width:
            raise _bad_page(str(page))
    buckets = []
    at = first
    while at < end and len(buckets) < limit:
        buckets.append((at, min(at + width, end)))
        at += width
    return Window(buckets, _encode_page(at) if at < end else None)


def usage_page(ledger: Ledger, kind_name: str, query: dict[str, Any], win: Window,
               gauge: Callable[[int, int], Iterable[Record]] | None = None) -> dict[str, Any]:
    """The UsageResponse for one kind; ``gauge`` gives the records of a kind measured, not metered."""
    kind = KINDS[kind_name]
    group_by = _strings(query, "group_by")
    keep = _filter(query, kind.filters, query.get("batch"))
    data = []
    for start, end in win.buckets:
        found = gauge(start, end) if gauge is not None else ledger.window(start, end)
        records = [r for r in found if r.kind == kind_name and keep(r)]
        groups: dict[tuple[Any, ...], dict[str, Any]] = {}
        for record in records:
            key = tuple(record.dimension(name) for name in group_by)
            result = groups.get(key)
            if result is None:
                result = groups[key] = _result(kind_name, kind, dict(zip(group_by, key, strict=True)))
            for name in kind.counts:
                result[name] += record.counts.get(name, 0)
        data.append(_bucket(start, end, list(groups.values())))
    return {"object": "page", "data": data, "has_more": win.next_page is not None, "next_page": win.next_page}


def costs_page(ledger: Ledger, query: dict[str, Any], win: Window) -> dict[str, Any]:
    group_by = _strings(query, "group_by")
    keep = _filter(query, {"project_ids": "project_id", "api_key_ids": "api_key_id"}, None)
    # line_items (the SDK 3.63.0): "Return only costs for these exact line item names"
    items = set(_strings(query, "line_items") + _strings(query, "line_items[]"))
    data = []
    for start, end in win.buckets:
        groups: dict[tuple[Any, ...], dict[str, Any]] = {}
        for record in ledger.window(start, end):
            if not keep(record):
                continue
            for item, quantity, usd in line_items(record):
                if items and item not in items:
                    continue
                values = {"project_id": record.project_id, "api_key_id": record.api_key_id, "line_item": item}
                key = tuple(values[name] for name in group_by)
                result = groups.get(key)
                if result is None:
                    result = groups[key] = {
                        "object": "organization.costs.result", "amount": {"value": 0.0, "currency": "usd"},
                        "line_item": None, "project_id": None, "api_key_id": None,
                        "quantity": 0.0 if "line_item" in group_by else None, **dict(zip(group_by, key, strict=True)),
                    }
                result["amount"]["value"] += usd
                if result["quantity"] is not None:
                    result["quantity"] += quantity
        for result in groups.values():
            result["amount"]["value"] = round(result["amount"]["value"], 10)
        data.append(_bucket(start, end, list(groups.values())))
    return {"object": "page", "data": data, "has_more": win.next_page is not None, "next_page": win.next_page}


def line_items(record: Record) -> list[tuple[str, float, float]]:
    """(line item, quantity, USD) a record is charged as. Line item names are chosen, except "Image models"
    (the document's example)."""
    counts, model = record.counts, record.model
    if record.kind in ("completions", "embeddings", "decisions"):
        _, (price_in, price_cached, price_out) = prices.text(model)
        cached = counts.get("input_cached_tokens", 0)
        fresh = counts.get("input_tokens", 0) - cached
        items = [(f"{model}, input", fresh, fresh * price_in / prices.PER_MILLION)]
        if cached:
            items.append((f"{model}, cached input", cached, cached * price_cached / prices.PER_MILLION))
        if record.kind != "embeddings":
            out = counts.get("output_tokens", 0)
            items.append((f"{model}, output", out, out * price_out / prices.PER_MILLION))
        return items
    if record.kind == "images":
        _, each = prices.image(model)
        return [("Image models", counts["images"], counts["images"] * each)]
    if record.kind == "audio_speeches":
        rate = prices.SPEECH_PER_MILLION_CHARACTERS.get(model or "", prices.DEFAULT_SPEECH)
        return [(f"{model}, characters", counts["characters"], counts["characters"] * rate / prices.PER_MILLION)]
    if record.kind == "audio_transcriptions":
        rate = prices.TRANSCRIPTION_PER_MINUTE.get(model or "", prices.DEFAULT_TRANSCRIPTION)
        return [(f"{model}, minutes", counts["seconds"] / 60, counts["seconds"] / 60 * rate)]
    if record.kind == "code_interpreter_sessions":
        return [("Code interpreter sessions", counts["num_sessions"],
                 counts["num_sessions"] * prices.CODE_INTERPRETER_SESSION)]
    if record.kind == "file_search_calls":
        return [("File search tool calls", counts["num_requests"],
                 counts["num_requests"] * prices.FILE_SEARCH_PER_THOUSAND / 1000)]
    if record.kind == "web_search_calls":
        return [("Web search tool calls", counts["num_requests"],
                 counts["num_requests"] * prices.WEB_SEARCH_PER_THOUSAND / 1000)]
    return []  # moderations are free


def _result(kind_name: str, kind: Kind, grouped: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {"object": kind.result or f"organization.usage.{kind_name}.result"}
    result.update(dict.fromkeys(kind.counts, 0))
    result.update(dict.fromkeys(kind.dimensions))
    result.update(grouped)
    return result


def _bucket(start: int, end: int, results: list[dict[str, Any]]) -> dict[str, Any]:
    return {"object": "bucket", "start_time": start, "end_time": end, "results": results}


def _filter(query: dict[str, Any], filters: dict[str, str], batch: Any) -> Callable[[Record], bool]:
    wanted = [(dimension, set(values)) for param, dimension in filters.items()
              if (values := _strings(query, param))]
    only_batch = None if batch is None else batch in (True, "true")

    def keep(record: Record) -> bool:
        if only_batch is not None and record.batch != only_batch:
            return False
        return all(record.dimension(dimension) in values for dimension, values in wanted)

    return keep


def _strings(query: dict[str, Any], name: str) -> list[str]:
    value = query.get(name)
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [str(v) for v in values]


def _integer(query: dict[str, Any], name: str) -> int | None:
    value = query.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        try:
            value = int(str(value))
        except ValueError:
            raise errors.APIError(400, f"Invalid type for '{name}': expected an integer, but got '{value}' instead.",
                                  param=name, code="invalid_type") from None
    # A time past ±2^53 s (JSON's safe integers, ~285 million years) would overflow the answer (a 500 found by
    # fuzzing); the real bounds are unknown, so the limit and its wording are chosen.
    if value > MAX_TIME:
        raise errors.APIError(400, f"Invalid '{name}': integer above maximum value. Expected a value <= {MAX_TIME}, "
                              f"but got {value} instead.", param=name, code="integer_above_max_value")
    if value < -MAX_TIME:
        raise errors.APIError(400, f"Invalid '{name}': integer below minimum value. Expected a value >= "
                              f"{-MAX_TIME}, but got {value} instead.", param=name, code="integer_below_min_value")
    return value


def _encode_page(start: int) -> str:
    return "page_" + base64.urlsafe_b64encode(str(start).encode()).decode()


def _decode_page(page: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(page.removeprefix("page_").encode()).decode()
        if not page.startswith("page_") or len(raw) > 24:
            raise ValueError(page)
        return int(raw)
    except (binascii.Error, ValueError):  # UnicodeDecodeError is a ValueError
        raise _bad_page(page) from None


def _bad_page(page: str) -> errors.APIError:
    return errors.invalid_request(f"Invalid 'page': '{page}' is not a cursor from this query.", param="page")  # chosen
