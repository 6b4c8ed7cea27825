"""Structured output: a pydantic model becomes a strict ``json_schema`` response format, and the reply
becomes an instance of it.

Strict mode (core.md §3.5) wants every object closed (``additionalProperties: false``) with every property
listed in ``required``; an optional field stays required but may be null. A ``$ref`` with sibling keys is
inlined (strict schemas may not combine them); defaults and titles are dropped.
"""

from __future__ import annotations

import copy
from typing import Any, TypeVar

from pydantic import BaseModel

from mockapi_client.errors import FinishReasonError
from mockapi_client.types.chat import ParsedChatCompletion

M = TypeVar("M", bound=BaseModel)
STOPPED_EARLY = ("length", "content_filter")


def strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of a JSON schema made acceptable for strict mode."""
    root = copy.deepcopy(schema)
    return _strict(root, root)


def _strict(node: Any, root: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_strict(item, root) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node and len(node) > 1:
        ref = node.pop("$ref")
        node = {**_resolve(root, ref), **node}
    node.pop("title", None)
    node.pop("default", None)
    for key in ("properties", "$defs", "definitions"):
        if isinstance(node.get(key), dict):
            node[key] = {name: _strict(sub, root) for name, sub in node[key].items()}
    for key in ("items", "anyOf", "allOf", "oneOf", "prefixItems", "additionalProperties"):
        if key in node and not isinstance(node[key], bool):
            node[key] = _strict(node[key], root)
    if node.get("type") == "object" or "properties" in node:
        node.setdefault("properties", {})
        node["additionalProperties"] = False
        node["required"] = list(node["properties"])
    return node


def _resolve(root: dict[str, Any], ref: str) -> dict[str, Any]:
    target: Any = root
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return copy.deepcopy(target)


def response_format(model: type[BaseModel], *, name: str | None = None, strict: bool = True) -> dict[str, Any]:
    """``response_format`` for ``model`` (name defaults to the class name)."""
    schema = model.model_json_schema()
    return {
        "type": "json_schema",
        "json_schema": {
            "name": name or model.__name__,
            "schema": strict_schema(schema) if strict else schema,
            "strict": strict,
        },
    }


def parse_completion(body: dict[str, Any], model: type[M], request_id: str | None = None) -> ParsedChatCompletion[M]:
    """The completion with each choice's content parsed into ``model`` (None for a refusal).

    Raises ``FinishReasonError`` when a choice stopped early: its JSON is cut off or withheld.
    """
    choices = []
    for choice in body.get("choices", []):
        if choice.get("finish_reason") in STOPPED_EARLY:
            raise FinishReasonError(choice["finish_reason"], body)
        message = dict(choice.get("message") or {})
        content, refusal = message.get("content"), message.get("refusal")
        message["parsed"] = model.model_validate_json(content) if content and not refusal else None
        choices.append({**choice, "message": message})
    parsed = ParsedChatCompletion[model].model_validate({**body, "choices": choices})  # type: ignore[valid-type]
    parsed._request_id = request_id
    return parsed
