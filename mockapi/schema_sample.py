"""Deterministic JSON values that satisfy a JSON Schema.

Used when the "model" must call a tool or answer in a structured format
without a script: arguments for ``tool_choice="required"`` and content for
``response_format: json_schema``. Covers what function and structured-output
schemas use (objects, arrays, enums, const, anyOf/oneOf, $ref/$defs, bounds,
common formats); the same schema always gives the same value.
"""

from __future__ import annotations

from typing import Any

FORMATS = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "12:00:00",
    "email": "user@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "ipv4": "192.0.2.1",
    "hostname": "example.com",
    "duration": "P1D",
}
MAX_DEPTH = 12


def sample(schema: Any, root: Any = None, *, name: str = "value", depth: int = 0) -> Any:
    root = schema if root is None else root
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return None
    if "$ref" in schema:
        return sample(_resolve(root, schema["$ref"]), root, name=name, depth=depth + 1)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if schema.get(key):
            options = [o for o in schema[key] if not (isinstance(o, dict) and o.get("type") == "null")]
            return sample((options or schema[key])[0], root, name=name, depth=depth + 1)
    if schema.get("allOf"):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(_resolve(root, part["$ref"]) if isinstance(part, dict) and "$ref" in part else part)
        return sample(merged, root, name=name, depth=depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "string"
    return _SAMPLERS.get(kind, lambda s, r, n, d: None)(schema, root, name, depth)


def _object(schema: dict[str, Any], root: Any, name: str, depth: int) -> dict[str, Any]:
    properties = schema.get("properties") or {}
    return {key: sample(sub, root, name=key, depth=depth + 1) for key, sub in properties.items()}


def _array(schema: dict[str, Any], root: Any, name: str, depth: int) -> list[Any]:
    items = schema.get("items") or {}
    count = max(1, int(schema.get("minItems", 1)))
    if "maxItems" in schema:
        count = min(count, int(schema["maxItems"]))
    if isinstance(items, list):  # tuple form
        return [sample(item, root, name=name, depth=depth + 1) for item in items]
    value = sample(items, root, name=name, depth=depth + 1)
    if schema.get("uniqueItems") and count > 1:
        count = 1
    return [value] * count


def _string(schema: dict[str, Any], root: Any, name: str, depth: int) -> str:
    value = FORMATS.get(schema.get("format", ""), f"sample {name}")
    low, high = int(schema.get("minLength", 0)), schema.get("maxLength")
    if len(value) < low:
        value += "x" * (low - len(value))
    if high is not None:
        value = value[: int(high)]
    return value


def _number(schema: dict[str, Any], root: Any, name: str, depth: int) -> float | int:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    integer = schema.get("type") == "integer" or (isinstance(schema.get("type"), list) and "integer" in schema["type"])
    value: float = 1
    if low is not None:
        value = low + (1 if "exclusiveMinimum" in schema and "minimum" not in schema else 0)
    if high is not None and value > high:
        value = high - (1 if "exclusiveMaximum" in schema and "maximum" not in schema else 0)
    step = schema.get("multipleOf")
    if step:
        value = (value // step) * step or step
    return int(value) if integer else float(value)


_SAMPLERS = {
    "object": _object,
    "array": _array,
    "string": _string,
    "integer": _number,
    "number": _number,
    "boolean": lambda s, r, n, d: True,
    "null": lambda s, r, n, d: None,
}


def _resolve(root: Any, ref: str) -> Any:
    if not ref.startswith("#"):
        return {}
    node = root
    for part in ref.lstrip("#/").split("/"):
        if not part:
            continue
        part = part.replace("~1", "/").replace("~0", "~")
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return node
