"""Deterministic JSON values that satisfy a JSON Schema.

Used when the "model" must call a tool or answer in a structured format
without a script: arguments for ``tool_choice="required"`` and content for
``response_format: json_schema``. Covers what function and structured-output
schemas use (objects, arrays and tuples, enums, const, anyOf/oneOf/allOf,
$ref/$defs including recursive models, numeric bounds and multiples, string
lengths, common formats and simple patterns); the same schema always gives the
same value. Values stay readable: a string property ``city`` becomes
``"sample city"``, an array gets one item unless its bounds say otherwise.
"""

from __future__ import annotations

import math
import re
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
    "ipv6": "2001:db8::1",
    "hostname": "example.com",
    "duration": "P1D",
}
MAX_DEPTH = 12
# Below this depth optional parts are filled in; deeper, only what the schema requires
# (so recursive models such as a tree of nodes end).
SHALLOW = 4


def sample(schema: Any, root: Any = None, *, name: str = "value", depth: int = 0) -> Any:
    root = schema if root is None else root
    if schema is True or schema == {}:
        return f"sample {name}"
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return None
    schema = _expand(schema, root)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        options = [v for v in schema["enum"] if v is not None]
        return (options or schema["enum"])[0]
    for key in ("anyOf", "oneOf"):
        if schema.get(key):
            return sample(_pick_option(schema[key], root, depth), root, name=name, depth=depth + 1)
    kind = _kind(schema, depth)
    return _SAMPLERS.get(kind, lambda s, r, n, d: None)(schema, root, name, depth)


def _expand(schema: dict[str, Any], root: Any) -> dict[str, Any]:
    """Resolve a ``$ref`` (sibling keys kept) and merge ``allOf`` parts into one schema."""
    seen = 0
    while "$ref" in schema and seen < MAX_DEPTH:
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**_resolve(root, schema["$ref"]), **siblings}
        seen += 1
    if schema.get("allOf"):
        merged = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            part = _expand(part, root) if isinstance(part, dict) else {}
            properties = {**merged.get("properties", {}), **part.get("properties", {})}
            required = list(dict.fromkeys([*merged.get("required", []), *part.get("required", [])]))
            merged.update(part)
            if properties:
                merged["properties"] = properties
            if required:
                merged["required"] = required
        schema = merged
    return schema


def _pick_option(options: list[Any], root: Any, depth: int) -> Any:
    nullable = [o for o in options if isinstance(o, dict) and _expand(o, root).get("type") == "null"]
    others = [o for o in options if o not in nullable]
    if nullable and (depth >= SHALLOW or not others):
        return nullable[0]
    return (others or options)[0]


def _kind(schema: dict[str, Any], depth: int) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        if "null" in kind and depth >= SHALLOW:
            return "null"
        return next((k for k in kind if k != "null"), "null")
    if kind is None:
        if "properties" in schema or "required" in schema or "additionalProperties" in schema:
            return "object"
        if "items" in schema or "prefixItems" in schema:
            return "array"
        return "string"
    return str(kind)


def _object(schema: dict[str, Any], root: Any, name: str, depth: int) -> dict[str, Any]:
    properties = schema.get("properties") or {}
    required = list(schema.get("required") or [])
    keys = [k for k in properties if depth < SHALLOW or k in required]
    value = {key: sample(properties[key], root, name=key, depth=depth + 1) for key in keys}
    extra = schema.get("additionalProperties")
    extra_schema = extra if isinstance(extra, dict) else {"type": "string"}
    for key in required:
        if key not in value:
            value[key] = sample(extra_schema, root, name=key, depth=depth + 1)
    index = 1
    while len(value) < int(schema.get("minProperties", 0)) and extra is not False:
        value.setdefault(f"key{index}", sample(extra_schema, root, name=f"key{index}", depth=depth + 1))
        index += 1
    return value


def _array(schema: dict[str, Any], root: Any, name: str, depth: int) -> list[Any]:
    prefix = schema.get("prefixItems") or (schema["items"] if isinstance(schema.get("items"), list) else [])
    values = [sample(item, root, name=name, depth=depth + 1) for item in prefix]
    items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
    low = int(schema.get("minItems", 0))
    count = max(low, len(values), 1 if depth < SHALLOW and schema.get("items") is not False else 0)
    if "maxItems" in schema:
        count = min(count, int(schema["maxItems"]))
    while len(values) < count:
        values.append(sample(items, root, name=name, depth=depth + 1))
    if "contains" in schema and values:
        values[0] = sample(schema["contains"], root, name=name, depth=depth + 1)
    if schema.get("uniqueItems"):
        values = _distinct(values)
    return values[:count] if count < len(values) else values


def _distinct(values: list[Any]) -> list[Any]:
    """Make repeated samples differ (strings get a number, numbers count up)."""
    out: list[Any] = []
    for i, value in enumerate(values):
        if value in out:
            if isinstance(value, str):
                value = f"{value} {i + 1}"
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                value = value + i
        out.append(value)
    return out


def _string(schema: dict[str, Any], root: Any, name: str, depth: int) -> str:
    value = FORMATS.get(schema.get("format", ""), f"sample {name}")
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and not _matches(pattern, value):
        generated = pattern_sample(pattern)
        if generated is not None:
            return generated
    low, high = int(schema.get("minLength", 0)), schema.get("maxLength")
    if len(value) < low:
        value += "x" * (low - len(value))
    if high is not None:
        value = value[: int(high)]
    return value


def _number(schema: dict[str, Any], root: Any, name: str, depth: int) -> float | int:
    integer = schema.get("type") == "integer" or (isinstance(schema.get("type"), list) and "integer" in schema["type"])
    low, low_open = _bound(schema, "minimum", "exclusiveMinimum", max)
    high, high_open = _bound(schema, "maximum", "exclusiveMaximum", min)
    step = schema.get("multipleOf")
    if integer:
        lo = None if low is None else (math.floor(low) + 1 if low_open else math.ceil(low))
        hi = None if high is None else (math.ceil(high) - 1 if high_open else math.floor(high))
        value = lo if lo is not None else (min(1, hi) if hi is not None else 1)
        if step:
            value = math.ceil(value / step) * step
            if hi is not None and value > hi:
                value = math.floor(hi / step) * step
        return int(value)
    if low is not None and high is not None and (low_open or high_open):
        number = (low + high) / 2
    elif low is not None:
        number = low + 1 if low_open else low
    elif high is not None:
        number = min(1.0, high - 1 if high_open else high)
    else:
        number = 1.0
    if step:
        number = math.ceil(number / step) * step
    return float(number)


def _bound(schema: dict[str, Any], closed: str, open_: str, pick: Any) -> tuple[float | None, bool]:
    """The tighter of the inclusive and the exclusive bound, and whether it is exclusive."""
    inclusive = schema.get(closed)
    exclusive = schema.get(open_)
    if isinstance(exclusive, bool):  # draft-4 style flag
        return inclusive, exclusive and inclusive is not None
    if exclusive is None:
        return inclusive, False
    if inclusive is None or pick(inclusive, exclusive) == exclusive:
        return exclusive, True
    return inclusive, False


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


# -- strings for a regular expression -----------------------------------------------------------


def _matches(pattern: str, value: str) -> bool:
    try:
        return re.search(pattern, value) is not None
    except re.error:
        return True  # a pattern Python cannot read: keep the default rather than guess


def pattern_sample(pattern: str) -> str | None:
    """A short string the pattern matches (JSON Schema patterns are unanchored searches), or None."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern)
        text = _emit(list(parsed), {})
    except Exception:
        return None
    return text if _matches(pattern, text) else None


def _emit(items: list[Any], groups: dict[int, str]) -> str:
    from re import _constants as c  # type: ignore[attr-defined]

    out = []
    for op, arg in items:
        if op is c.LITERAL:
            out.append(chr(arg))
        elif op is c.NOT_LITERAL:
            out.append("a" if chr(arg) != "a" else "b")
        elif op is c.ANY:
            out.append("a")
        elif op is c.IN:
            out.append(_class_char(arg))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            low, _, body = arg
            out.append(_emit(list(body), groups) * low)
        elif op is c.SUBPATTERN:
            group, _, _, body = arg
            text = _emit(list(body), groups)
            if group is not None:
                groups[group] = text
            out.append(text)
        elif op is getattr(c, "ATOMIC_GROUP", None):
            out.append(_emit(list(arg), groups))
        elif op is c.BRANCH:
            out.append(_emit(list(arg[1][0]), groups))
        elif op is c.GROUPREF:
            out.append(groups.get(arg, ""))
        elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        else:
            raise ValueError(f"unsupported regex construct {op}")
    return "".join(out)


def _class_char(members: list[Any]) -> str:
    from re import _constants as c  # type: ignore[attr-defined]

    if members and members[0][0] is c.NEGATE:
        excluded = {chr(a) for op, a in members[1:] if op is c.LITERAL}
        return next(ch for ch in "ax0 _" if ch not in excluded)
    categories = {
        c.CATEGORY_DIGIT: "0", c.CATEGORY_WORD: "a", c.CATEGORY_SPACE: " ",
        c.CATEGORY_NOT_DIGIT: "a", c.CATEGORY_NOT_WORD: " ", c.CATEGORY_NOT_SPACE: "a",
    }
    op, arg = members[0]
    if op is c.LITERAL:
        return chr(arg)
    if op is c.RANGE:
        return chr(arg[0])
    if op is c.CATEGORY:
        return categories.get(arg, "a")
    raise ValueError(f"unsupported character class {op}")
