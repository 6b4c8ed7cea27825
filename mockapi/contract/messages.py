"""jsonschema-rs errors -> the real API's 400 error envelope (and readable response violations).

The real API reports one problem per request. jsonschema-rs reports all of them, and for a failed
``anyOf`` only the branches' errors; so: each error is first reduced to one *issue* (for anyOf, the
branch the payload was most likely meant for), then the first issue wins by a fixed preference —
missing required, unknown key, wrong type, range/length, enum, anything else — and document order.
Wording from core.md 1.2 (real responses); codes not seen there follow the same pattern.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import jsonschema_rs

from mockapi.errors import APIError, invalid_value, json_type_name, missing_parameter, unknown_parameter

Kind = jsonschema_rs.ValidationErrorKind
Path = tuple[str | int, ...]
# Finds the schema node an error's schema_path points into (the compiled closure document).
SchemaLookup = Callable[[Sequence[str | int]], Any]

_PRIORITY = {"required": 0, "unknown": 1, "type": 2, "range": 3, "enum": 4, "pattern": 5, "invalid": 6}
_TYPE_ORDER = ("string", "integer", "number", "boolean", "object", "array", "null")
_SINGULAR = {
    "string": "a string", "integer": "an integer", "number": "a decimal", "boolean": "a boolean",
    "object": "an object", "array": "an array", "null": "null",
}  # fmt: skip
_PLURAL = {
    "string": "strings", "integer": "integers", "number": "decimals", "boolean": "booleans",
    "object": "objects", "array": "arrays",
}  # fmt: skip
_RANGE_KINDS = (
    Kind.Maximum, Kind.Minimum, Kind.ExclusiveMaximum, Kind.ExclusiveMinimum, Kind.MaxItems, Kind.MinItems,
    Kind.MaxLength, Kind.MinLength, Kind.MaxProperties, Kind.MinProperties,
)  # fmt: skip


@dataclass
class Issue:
    """One problem, reduced from a jsonschema-rs error (or synthesized for top-level unknown keys)."""

    category: str  # a key of _PRIORITY
    path: Path
    instance: Any = None
    error: Any = None  # the jsonschema_rs.ValidationError, when there is one
    expected: list[str] = field(default_factory=list)  # for "type": descriptions such as "a string"
    options: list[Any] = field(default_factory=list)  # for "enum"
    names: list[str] = field(default_factory=list)  # for "unknown"
    masked_by_others: bool = False  # unevaluatedProperties: meaningless if a sibling subschema failed

    @property
    def text(self) -> str:
        return self.error.message if self.error is not None else f"unknown keys {self.names}"


# -- Parameter names ------------------------------------------------------------------


def param_name(path: Sequence[str | int]) -> str | None:
    """``['messages', 1, 'content']`` -> ``messages[1].content``; the root -> None."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or None


# -- Reducing errors to issues ----------------------------------------------------------


def issues_from(errors: Sequence[Any], lookup: SchemaLookup, prefix: Path = ()) -> list[Issue]:
    return [to_issue(error, lookup, prefix) for error in errors]


def to_issue(error: Any, lookup: SchemaLookup, prefix: Path = ()) -> Issue:
    kind = error.kind
    path = prefix + tuple(error.instance_path)
    if isinstance(kind, (Kind.AnyOf, Kind.OneOfNotValid)):
        return _best_branch(error, kind.context, lookup, prefix)
    if isinstance(kind, Kind.Required):
        return Issue("required", (*path, kind.property), error.instance, error)
    if isinstance(kind, (Kind.AdditionalProperties, Kind.UnevaluatedProperties)):
        masked = isinstance(kind, Kind.UnevaluatedProperties)
        return Issue("unknown", path, error.instance, error, names=list(kind.unexpected), masked_by_others=masked)
    if isinstance(kind, Kind.Type):
        return Issue("type", path, error.instance, error, expected=_expected(kind.types, error, lookup))
    if isinstance(kind, _RANGE_KINDS):
        return Issue("range", path, error.instance, error)
    if isinstance(kind, Kind.Enum):
        return Issue("enum", path, error.instance, error, options=list(kind.options))
    if isinstance(kind, Kind.Constant):
        return Issue("enum", path, error.instance, error, options=[kind.expected_value])
    if isinstance(kind, Kind.PropertyNames):
        # A bad key (e.g. a metadata key too long): report it at the object, as the real API names params.
        inner = to_issue(kind.error, lookup, path)
        inner.path = path
        return inner
    if isinstance(kind, Kind.Pattern):
        return Issue("pattern", path, error.instance, error)
    return Issue("invalid", path, error.instance, error)


def first_issue(issues: list[Issue]) -> Issue | None:
    """The issue the real API would report: by category preference, then document order."""
    usable = [i for i in issues if not (i.masked_by_others and _has_deeper(i, issues))]
    if not usable:
        usable = issues
    ranked = sorted(enumerate(usable), key=lambda item: (_PRIORITY[item[1].category], item[0]))
    return ranked[0][1] if ranked else None


def _has_deeper(issue: Issue, issues: list[Issue]) -> bool:
    """An unevaluatedProperties error lists every key when a sibling subschema failed: ignore it then."""
    n = len(issue.path)
    return any(o is not issue and not o.masked_by_others and o.path[:n] == issue.path for o in issues)


def _best_branch(error: Any, branches: Sequence[Sequence[Any]], lookup: SchemaLookup, prefix: Path) -> Issue:
    """For a failed anyOf: the branch meant (not rejected by type or by a tag like ``role``)."""
    path = prefix + tuple(error.instance_path)
    per_branch = [issues_from(branch, lookup, prefix) for branch in branches]
    mismatch = [_mismatch(issues, path) for issues in per_branch]
    meant = [issues for issues, miss in zip(per_branch, mismatch, strict=True) if miss is None and issues]
    if meant:
        chosen = first_issue(min(meant, key=len))
        if chosen is not None:
            return chosen
    tags = [miss for miss in mismatch if miss is not None and miss.category == "enum"]
    if tags and all(t.path == tags[0].path for t in tags):
        options = [o for t in tags for o in t.options]
        return Issue("enum", tags[0].path, tags[0].instance, tags[0].error, options=list(dict.fromkeys(options)))
    expected = [e for miss in mismatch if miss is not None and miss.category == "type" for e in miss.expected]
    if expected:
        return Issue("type", path, error.instance, error, expected=_dedupe_types(expected))
    return Issue("invalid", path, error.instance, error)


def _mismatch(issues: list[Issue], path: Path) -> Issue | None:
    """Why a branch clearly was not the one meant: wrong JSON type here, or a wrong tag value
    (an enum/const error on a direct string property, e.g. ``type`` or ``role``)."""
    for issue in issues:
        if issue.category == "type" and issue.path == path:
            return issue
    for issue in issues:
        is_tag = len(issue.path) == len(path) + 1 and issue.path[: len(path)] == path
        if issue.category == "enum" and is_tag and isinstance(issue.path[-1], str):
            return issue
    return None


def _expected(types: Sequence[str], error: Any, lookup: SchemaLookup) -> list[str]:
    present = [t for t in _TYPE_ORDER if t in types]
    if len(present) > 1 and "null" in present:
        present.remove("null")  # the real API names the useful types, not the nullability
    node = lookup(list(error.schema_path)[:-1])
    return [_describe_type(t, node, lookup, single=len(present) == 1) for t in present]


def _describe_type(kind: str, node: Any, lookup: SchemaLookup, *, single: bool) -> str:
    if kind != "array" or not isinstance(node, dict):
        return _SINGULAR.get(kind, kind)
    item_kind = _item_kind(node.get("items"), lookup)
    if item_kind is None:
        return "an array"
    return f"{'an ' if single else ''}array of {_PLURAL[item_kind]}"


def _item_kind(items: Any, lookup: SchemaLookup, depth: int = 0) -> str | None:
    """The single JSON type of an array's items, following $ref and anyOf when they agree."""
    if not isinstance(items, dict) or depth > 8:
        return None
    ref = items.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        return _item_kind(lookup(ref[2:].split("/")), lookup, depth + 1)
    kind = items.get("type")
    if isinstance(kind, str):
        return kind if kind in _PLURAL else None
    branches = items.get("anyOf") or items.get("oneOf")
    if branches:
        kinds = {_item_kind(b, lookup, depth + 1) for b in branches} - {"null"}
        return kinds.pop() if len(kinds) == 1 else None
    return "object" if "properties" in items else None


def _dedupe_types(expected: list[str]) -> list[str]:
    """Union wording: "one of a string or array of objects" (the real API drops the article on arrays)."""
    out = list(dict.fromkeys(e.removeprefix("an ") if e.startswith("an array of") else e for e in expected))
    return [e for e in out if e != "null"] if len(out) > 1 else out


# -- Issues -> the real API's wording --------------------------------------------------------


def api_error(issue: Issue, *, lookup: SchemaLookup | None = None) -> APIError:
    """The 400 the real API answers for ``issue`` (type invalid_request_error)."""
    param = param_name(issue.path)
    if issue.category == "required":
        return missing_parameter(param or "")
    if issue.category == "unknown":
        return _unknown(issue, param)
    if issue.category == "type":
        return _invalid_type(param, issue.expected, issue.instance)
    if issue.category == "range":
        return _out_of_range(param, issue, lookup)
    if issue.category == "enum":
        return _invalid_enum(param, issue)
    if issue.category == "pattern":
        pattern = issue.error.kind.pattern
        return APIError(
            400,
            f"Invalid '{param}': string does not match pattern. Expected a string that matches the pattern "
            f"'{pattern}'.",
            param=param,
            code="invalid_value",
        )
    return APIError(400, f"Invalid value for '{param or 'body'}'.", param=param, code="invalid_value")


def invalid_type(param: str | None, expected: list[str], got: Any) -> APIError:
    return _invalid_type(param, expected, got)


def nested_unknown_parameter(param: str) -> APIError:
    return APIError(400, f"Unknown parameter: '{param}'.", param=param, code="unknown_parameter")


def _unknown(issue: Issue, param: str | None) -> APIError:
    name = issue.names[0]
    if not issue.path:
        return unknown_parameter(name)
    return nested_unknown_parameter(param_name((*issue.path, name)) or name)


def _invalid_type(param: str | None, expected: list[str], got: Any) -> APIError:
    if len(expected) == 1:
        wanted = expected[0]
    else:
        wanted = "one of " + _or_list(expected)
    where = f"'{param}'" if param else "request body"
    return APIError(
        400,
        f"Invalid type for {where}: expected {wanted}, but got {json_type_name(got)} instead.",
        param=param,
        code="invalid_type",
    )


def _or_list(items: list[str]) -> str:
    if len(items) <= 2:
        return " or ".join(items)
    return ", ".join(items[:-1]) + ", or " + items[-1]


def _invalid_enum(param: str | None, issue: Issue) -> APIError:
    supported = [o if isinstance(o, str) else _json_literal(o) for o in issue.options if o is not None]
    return invalid_value(param or "", issue.instance, supported)


def _json_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _out_of_range(param: str | None, issue: Issue, lookup: SchemaLookup | None) -> APIError:
    kind = issue.error.kind
    limit = _number(kind.limit)
    value = issue.instance
    if isinstance(kind, (Kind.Maximum, Kind.ExclusiveMaximum, Kind.Minimum, Kind.ExclusiveMinimum)):
        return _number_bound(param, issue, limit, lookup)
    if isinstance(kind, (Kind.MaxItems, Kind.MinItems)):
        return _length_bound(param, "array", "array", isinstance(kind, Kind.MaxItems), limit, len(value))
    if isinstance(kind, (Kind.MaxLength, Kind.MinLength)):
        return _length_bound(param, "string", "string", isinstance(kind, Kind.MaxLength), limit, len(value))
    above = isinstance(kind, Kind.MaxProperties)
    word, bound, code = ("many", "at most", "above_max") if above else ("few", "at least", "below_min")
    return APIError(
        400,
        f"Invalid '{param}': too {word} properties. Expected an object with {bound} {limit} properties, but got "
        f"an object with {len(value)} properties instead.",
        param=param,
        code=f"object_{code}_properties",
    )


def _number_bound(param: str | None, issue: Issue, limit: Any, lookup: SchemaLookup | None) -> APIError:
    kind = issue.error.kind
    above = isinstance(kind, (Kind.Maximum, Kind.ExclusiveMaximum))
    exclusive = isinstance(kind, (Kind.ExclusiveMaximum, Kind.ExclusiveMinimum))
    number = "integer" if _is_integer_schema(issue, lookup) else "decimal"
    sign = ("<" if above else ">") + ("" if exclusive else "=")
    where = "above maximum" if above else "below minimum"
    return APIError(
        400,
        f"Invalid '{param}': {number} {where} value. Expected a value {sign} {limit}, but got "
        f"{_number(issue.instance)} instead.",
        param=param,
        code=f"{number}_{'above_max' if above else 'below_min'}_value",
    )


def _is_integer_schema(issue: Issue, lookup: SchemaLookup | None) -> bool:
    node = lookup(list(issue.error.schema_path)[:-1]) if lookup is not None else None
    kind = node.get("type") if isinstance(node, dict) else None
    if kind is not None:
        return kind == "integer" or (isinstance(kind, list) and "integer" in kind and "number" not in kind)
    return isinstance(issue.instance, int) and not isinstance(issue.instance, bool)


def _length_bound(param: str | None, noun: str, shape: str, above: bool, limit: Any, got: int) -> APIError:
    if above:
        return APIError(
            400,
            f"Invalid '{param}': {noun} too long. Expected {_a(shape)} with maximum length {limit}, but got "
            f"{_a(shape)} with length {got} instead.",
            param=param,
            code=f"{noun}_above_max_length",
        )
    if got == 0:
        return APIError(
            400,
            f"Invalid '{param}': empty {noun}. Expected {_a(shape)} with minimum length {limit}, but got an "
            f"empty {noun} instead.",
            param=param,
            code=f"empty_{noun}",
        )
    return APIError(
        400,
        f"Invalid '{param}': {noun} too short. Expected {_a(shape)} with minimum length {limit}, but got "
        f"{_a(shape)} with length {got} instead.",
        param=param,
        code=f"{noun}_below_min_length",
    )


def _a(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def _number(value: Any) -> Any:
    """``2.0`` -> ``2`` (the bound as written in the spec), other values unchanged."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# -- Response violations ---------------------------------------------------------------------


def violation(issue: Issue, where: str) -> str:
    """A readable line for the fake's violation log: ``<where> data[3].bytes: "bytes" is a required ...``."""
    path = issue.path[:-1] if issue.category == "required" else issue.path
    location = param_name(path) or "(root)"
    if issue.category == "type" and issue.expected:
        return f"{where} {location}: expected {_or_list(issue.expected)}, got {json_type_name(issue.instance)}"
    return f"{where} {location}: {issue.text}"
