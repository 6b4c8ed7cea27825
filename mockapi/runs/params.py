"""Request checks the Assistants family shares, with the real API's wording.

The contract layer validates bodies against the official schema first (types,
enums, lengths, unknown keys); these checks cover what the schema cannot say
(existence, prefixes, model usability) and keep handlers safe when request
validation is off.
"""

from __future__ import annotations

import re
from typing import Any

from mockapi import catalog, errors
from mockapi.common import typed, validate_metadata
from mockapi.errors import invalid_type  # also used as params.invalid_type by the resources
from mockapi.runs.objects import RANKING_OPTIONS
from mockapi.state import Namespace
from mockapi.vectors.service import HELPER_EXPIRY

USABLE_KINDS = ("chat", "reasoning")
# What may follow a catalog id in a model name the catalog lacks and still be that model for Assistants: a
# dated or numbered snapshot ("gpt-4o-2024-11-20", "gpt-4-1106-preview", "gpt-4-turbo-preview"). Other
# variants ("gpt-5.1", "o3-pro", "gpt-4o-realtime-preview") are different models the API refuses here.
SNAPSHOT_SUFFIX = re.compile(r"(-\d{4}-\d{2}-\d{2}|-\d{4})?(-preview)?")
TOOL_TYPES = ("code_interpreter", "file_search", "function")


def only(body: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for key in body:
        if key not in allowed:
            raise errors.unknown_parameter(key)


def require(body: dict[str, Any], name: str) -> Any:
    if body.get(name) is None:
        raise errors.missing_parameter(name)
    return body[name]


def string(body: dict[str, Any], name: str, max_length: int | None = None) -> str | None:
    value = typed(body, name, str)
    if value is None:
        return None
    if max_length is not None and len(value) > max_length:
        raise errors.string_too_long(name, max_length, len(value))
    return value


def number(body: dict[str, Any], name: str, low: float, high: float) -> float | None:
    value = typed(body, name, (int, float))
    if value is None:
        return None
    if value < low:
        raise errors.APIError(
            400, f"Invalid '{name}': decimal below minimum value. Expected a value >= {low}, but got {value} instead.",
            param=name, code="decimal_below_min_value",
        )
    if value > high:
        raise errors.APIError(
            400, f"Invalid '{name}': decimal above maximum value. Expected a value <= {high}, but got {value} instead.",
            param=name, code="decimal_above_max_value",
        )
    return float(value)


def integer(body: dict[str, Any], name: str, low: int) -> int | None:
    value = typed(body, name, int)
    if value is None:
        return None
    if value < low:
        raise errors.APIError(
            400, f"Invalid '{name}': integer below minimum value. Expected a value >= {low}, but got {value} instead.",
            param=name, code="integer_below_min_value",
        )
    return value


def array(body: dict[str, Any], name: str, max_items: int | None = None) -> list[Any] | None:
    value = typed(body, name, list)
    if value is None:
        return None
    if max_items is not None and len(value) > max_items:
        raise errors.array_too_long(name, max_items, len(value))
    return value


def prefixed_id(value: Any, name: str, prefix: str) -> str:
    """Ids in bodies must carry their kind's prefix (``Expected an ID that begins with 'asst'.``)."""
    if not isinstance(value, str):
        raise invalid_type(name, "a string", value)
    if not value.startswith(prefix + "_"):
        raise errors.APIError(
            400, f"Invalid '{name}': '{value}'. Expected an ID that begins with '{prefix}'.",
            param=name, code="invalid_value",
        )
    return value


def file_id(value: Any, name: str) -> str:
    """A File id in a body (attachments, image_file, code_interpreter.file_ids): real ids start with 'file-'.

    Real: ``Invalid 'messages[0].attachments[0].file_id': '31ab…'. Expected an ID that begins with 'file'.``
    """
    if not isinstance(value, str):
        raise invalid_type(name, "a string", value)
    if not value.startswith("file-"):
        raise errors.APIError(
            400, f"Invalid '{name}': '{value}'. Expected an ID that begins with 'file'.", param=name,
            code="invalid_value",
        )
    return value


def model(ns: Namespace, value: Any, name: str = "model") -> str:
    if not isinstance(value, str):
        raise invalid_type(name, "a string", value)
    info = catalog.lookup(ns, value)
    variant = False
    if info is None and not value.startswith("ft:"):  # a fine-tuned model exists only once its job made it
        info = catalog.family_of(value)
        variant = info is not None and not SNAPSHOT_SUFFIX.fullmatch(value[len(info.id):])
    if info is None:
        raise errors.APIError(400, f"The requested model '{value}' does not exist.", param=name,
                              code="model_not_found")
    # Catalog entries newer than the Assistants API (gpt-5.1 and later, *-pro, codex, deep research,
    # *-chat-latest) carry assistants=false; a dated snapshot of one inherits its family's refusal.
    if variant or not info.assistants or info.kind not in USABLE_KINDS:
        raise errors.APIError(400, f"The requested model '{value}' cannot be used with the Assistants API.",
                              param=name, code="unsupported_model")
    return value


def tools(value: Any, name: str = "tools", max_items: int = 128) -> list[dict[str, Any]]:
    items = array({name: value}, name, max_items) or []
    result = []
    for i, tool in enumerate(items):
        where = f"{name}[{i}]"
        if not isinstance(tool, dict):
            raise invalid_type(where, "an object", tool)
        kind = tool.get("type")
        if kind not in TOOL_TYPES:
            raise errors.invalid_value(f"{where}.type", kind, list(TOOL_TYPES))
        if kind == "function":
            function = tool.get("function")
            if not isinstance(function, dict):
                raise errors.missing_parameter(f"{where}.function")
            if not isinstance(function.get("name"), str):
                raise errors.missing_parameter(f"{where}.function.name")
        if kind == "file_search":
            tool = _file_search_tool(tool)
        result.append(dict(tool))
    return result


def _file_search_tool(tool: dict[str, Any]) -> dict[str, Any]:
    """The API stores a file_search tool with its ranking defaults filled in: a bare ``{"type": "file_search"}``
    comes back as ``{..., "file_search": {"ranking_options": {"ranker": "default_2024_08_21", "score_threshold":
    0.0}}}`` (real responses quoted in dongri/openai-api-rs#125 and Playground exports)."""
    options = tool.get("file_search")
    options = dict(options) if isinstance(options, dict) else {}
    ranking = options.get("ranking_options")
    options["ranking_options"] = {**RANKING_OPTIONS, **(ranking if isinstance(ranking, dict) else {})}
    return {**tool, "file_search": options}


def tool_choice(value: Any) -> Any:
    if value is None:
        return "auto"
    if value in ("none", "auto", "required"):
        return value
    if isinstance(value, dict) and value.get("type") in TOOL_TYPES:
        if value["type"] == "function" and not isinstance((value.get("function") or {}).get("name"), str):
            raise errors.missing_parameter("tool_choice.function.name")
        return dict(value)
    raise errors.invalid_value("tool_choice", value if isinstance(value, str) else str(value),
                               ["none", "auto", "required"])


def response_format(value: Any) -> Any:
    if value is None or value == "auto":
        return "auto"
    if isinstance(value, dict) and value.get("type") in ("text", "json_object", "json_schema"):
        return dict(value)
    raise errors.invalid_value("response_format", value if isinstance(value, str) else str(value),
                               ["auto", "text", "json_object", "json_schema"])


def truncation_strategy(value: Any) -> dict[str, Any]:
    if value is None:
        return {"type": "auto", "last_messages": None}
    if not isinstance(value, dict):
        raise invalid_type("truncation_strategy", "an object", value)
    kind = value.get("type")
    if kind not in ("auto", "last_messages"):
        raise errors.invalid_value("truncation_strategy.type", kind, ["auto", "last_messages"])
    last = integer({"truncation_strategy.last_messages": value.get("last_messages")},
                   "truncation_strategy.last_messages", 1)
    return {"type": kind, "last_messages": last}


def tool_resources(
    fake: Any, ns: Namespace, now: float, value: Any, *, name: str = "tool_resources", helper: bool = True,
) -> dict[str, Any]:
    """``{code_interpreter: {file_ids}, file_search: {vector_store_ids}}``; the ``vector_stores`` helper
    (threads and assistants create) makes the store here. Unknown vector stores are a 404."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid_type(name, "an object", value)
    result: dict[str, Any] = {}
    code = value.get("code_interpreter")
    if code is not None:
        if not isinstance(code, dict):
            raise invalid_type(f"{name}.code_interpreter", "an object", code)
        where = f"{name}.code_interpreter.file_ids"
        file_ids = array({where: code.get("file_ids")}, where, 20) or []
        result["code_interpreter"] = {"file_ids": [file_id(f, f"{where}[{i}]") for i, f in enumerate(file_ids)]}
    search = value.get("file_search")
    if search is not None:
        if not isinstance(search, dict):
            raise invalid_type(f"{name}.file_search", "an object", search)
        result["file_search"] = {"vector_store_ids": _store_ids(fake, ns, now, search, f"{name}.file_search", helper)}
    return result


def _store_ids(fake: Any, ns: Namespace, now: float, search: dict[str, Any], name: str, helper: bool) -> list[str]:
    vectors = fake.services["vector_stores"]
    ids = search.get("vector_store_ids")
    stores = search.get("vector_stores") if helper else None
    if ids is not None and stores is not None:
        raise errors.APIError(
            400, f"Invalid '{name}': only one of 'vector_store_ids' or 'vector_stores' may be provided.",
            param=name, code="invalid_value",
        )
    if stores is not None:
        stores = array({f"{name}.vector_stores": stores}, f"{name}.vector_stores", 1) or []
        made = []
        for i, spec in enumerate(stores):
            if not isinstance(spec, dict):
                raise invalid_type(f"{name}.vector_stores[{i}]", "an object", spec)
            store = vectors.create(
                ns, now, file_ids=[str(f) for f in spec.get("file_ids") or []],
                chunking_strategy=spec.get("chunking_strategy"),
                metadata=validate_metadata(spec.get("metadata"), f"{name}.vector_stores[{i}].metadata"),
                expires_after=dict(HELPER_EXPIRY), param=f"{name}.vector_stores[{i}].file_ids",
            )
            made.append(store.id)
        return made
    ids = array({f"{name}.vector_store_ids": ids}, f"{name}.vector_store_ids", 1) or []
    for store_id in ids:
        vectors.get(ns, str(store_id), now)
    return [str(s) for s in ids]
