"""The OpenAPI 3.0 -> 3.1 normalizing pass over the official document.

The document declares ``openapi: 3.1.0`` (JSON Schema 2020-12) but still uses
3.0 keywords, so every 2020-12 validator rejects valid payloads until they are
rewritten (see ../shared/reference/contract-and-performance.md). ``normalized``
is pure: it returns a new document and never mutates its input.

Bump ``NORMALIZER_VERSION`` whenever the output changes: the on-disk cache of
the normalized document is keyed by it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

NORMALIZER_VERSION = 5

COMPONENT_PREFIX = "#/components/schemas/"

# Keywords whose value is one schema / a list of schemas / a name -> schema map.
_SCHEMA_KEYS = (
    "items", "additionalProperties", "not", "contains", "if", "then", "else", "propertyNames",
    "unevaluatedProperties", "unevaluatedItems", "additionalItems",
)  # fmt: skip
_SCHEMA_LIST_KEYS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_MAP_KEYS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
# Keys that only annotate: they stay on the outer node when a schema is wrapped in anyOf.
_ANNOTATIONS = frozenset(
    {"title", "description", "default", "example", "examples", "deprecated", "readOnly", "writeOnly"}
)
_COMPOSITION = ("$ref", "allOf", "anyOf", "oneOf", "not")
_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# orjson (the cache format) and jsonschema-rs only take 64-bit integers; the spec
# writes the int64 bounds of `seed` rounded through a float (+-9223372036854776000).
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_NUMERIC_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
_JSON_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}


def normalized(doc: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``doc`` whose schemas mean under 2020-12 what they meant under 3.0."""
    out = dict(doc)
    if "paths" in doc:
        out["paths"] = {path: _path_item(item) for path, item in doc["paths"].items()}
    if "webhooks" in doc:
        out["webhooks"] = {name: _path_item(item) for name, item in doc["webhooks"].items()}
    if "components" in doc:
        out["components"] = _components(doc["components"])
    return out


# -- OpenAPI structure: find every schema --------------------------------------


def _components(components: dict[str, Any]) -> dict[str, Any]:
    out = dict(components)
    if "schemas" in components:
        out["schemas"] = {
            name: _schema(schema, COMPONENT_PREFIX + name) for name, schema in components["schemas"].items()
        }
    for key, fix in (("parameters", _parameter), ("requestBodies", _with_content), ("responses", _response),
                     ("headers", _parameter)):  # fmt: skip
        if key in components:
            out[key] = {name: fix(value) for name, value in components[key].items()}
    return out


def _path_item(item: dict[str, Any]) -> dict[str, Any]:
    out = dict(item)
    if "parameters" in item:
        out["parameters"] = [_parameter(p) for p in item["parameters"]]
    for method in _HTTP_METHODS:
        if method in item:
            out[method] = _operation(item[method])
    return out


def _operation(op: dict[str, Any]) -> dict[str, Any]:
    out = dict(op)
    if "parameters" in op:
        out["parameters"] = [_parameter(p) for p in op["parameters"]]
    if "requestBody" in op:
        out["requestBody"] = _with_content(op["requestBody"])
    if "responses" in op:
        out["responses"] = {status: _response(r) for status, r in op["responses"].items()}
    if "callbacks" in op:
        out["callbacks"] = {
            name: {expr: _path_item(item) for expr, item in cb.items()} for name, cb in op["callbacks"].items()
        }
    return out


def _parameter(param: dict[str, Any]) -> dict[str, Any]:
    out = _with_content(param)
    if isinstance(param.get("schema"), dict):
        out["schema"] = _schema(param["schema"], None)
    return out


def _response(response: dict[str, Any]) -> dict[str, Any]:
    out = _with_content(response)
    if "headers" in response:
        out["headers"] = {name: _parameter(h) for name, h in response["headers"].items()}
    return out


def _with_content(obj: dict[str, Any]) -> dict[str, Any]:
    out = dict(obj)
    if isinstance(obj.get("content"), dict):
        out["content"] = {media: _media(m) if isinstance(m, dict) else m for media, m in obj["content"].items()}
    return out


def _media(media: dict[str, Any]) -> dict[str, Any]:
    out = dict(media)
    if isinstance(media.get("schema"), dict):
        out["schema"] = _schema(media["schema"], None)
    return out


# -- Schemas --------------------------------------------------------------------


def _schema(node: Any, component: str | None) -> Any:
    """Rewrite one schema and its subschemas; ``component`` is the enclosing component's $ref."""
    if not isinstance(node, dict):
        return node
    out = _children(_hoist_nullable_member(node), component)
    _fix_recursive_ref(out, component)
    _fix_exclusive_bounds(out)
    _clamp_int64(out)
    _dedupe_required(out)
    _drop_unmapped_discriminator(out)
    _drop_invalid_default(out)
    _one_of_as_any_of(out)
    return _fix_nullable(out)


def _children(node: dict[str, Any], component: str | None) -> dict[str, Any]:
    out = dict(node)
    for key in _SCHEMA_KEYS:
        if isinstance(node.get(key), dict):
            out[key] = _schema(node[key], component)
    for key in _SCHEMA_LIST_KEYS:
        if isinstance(node.get(key), list):
            out[key] = [_schema(sub, component) for sub in node[key]]
    for key in _SCHEMA_MAP_KEYS:
        if isinstance(node.get(key), dict):
            out[key] = {name: _schema(sub, component) for name, sub in node[key].items()}
    return out


def _hoist_nullable_member(node: dict[str, Any]) -> dict[str, Any]:
    """``allOf: [$ref, {nullable: true}]`` (8 places, e.g. runs' ``tool_choice``) means "the ref, or null":
    lift the flag onto the node, or the lone member would normalize to ``{}`` and null would be rejected."""
    members = node.get("allOf")
    if not isinstance(members, list):
        return node
    rest = [m for m in members if not _is_nullable_flag(m)]
    if len(rest) == len(members):
        return node
    lifted = {**node, "nullable": True}
    if rest:
        lifted["allOf"] = rest
    else:
        del lifted["allOf"]
    return lifted


def _is_nullable_flag(member: Any) -> bool:
    """``{nullable: true}``, maybe with annotations, and nothing else."""
    return (isinstance(member, dict) and member.get("nullable") is True
            and all(k == "nullable" or k in _ANNOTATIONS for k in member))  # fmt: skip


def _fix_nullable(node: dict[str, Any]) -> dict[str, Any]:
    """3.0 ``nullable: true`` -> a 2020-12 type list, or ``anyOf [schema, {type: null}]``."""
    if "nullable" not in node:
        return node
    nullable = node.pop("nullable")
    if nullable is not True:
        return node
    if any(key in node for key in _COMPOSITION):
        # `type: [T, null]` would not help: the $ref/allOf branches still reject null.
        outer = {k: v for k, v in node.items() if k in _ANNOTATIONS or k.startswith("x-")}
        inner = {k: v for k, v in node.items() if k not in outer}
        return {**outer, "anyOf": [inner, {"type": "null"}]}
    if "enum" in node and None not in node["enum"]:
        node["enum"] = [*node["enum"], None]
    kind = node.get("type")
    if isinstance(kind, str) and kind != "null":
        node["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        node["type"] = [*kind, "null"]
    # No type and no composition: the schema already accepts null.
    return node


def _one_of_as_any_of(node: dict[str, Any]) -> None:
    """``oneOf`` -> ``anyOf``. The spec's objects are open (no ``additionalProperties: false``), so
    branches overlap and real payloads match several (e.g. a diarized transcription matches the plain
    and the diarized schema): "valid under more than one" would reject what the real API sends."""
    if "oneOf" not in node:
        return
    branches = node.pop("oneOf")
    if "anyOf" in node:
        node["allOf"] = [*node.get("allOf", []), {"anyOf": branches}]
    else:
        node["anyOf"] = branches


def _fix_exclusive_bounds(node: dict[str, Any]) -> None:
    """3.0 ``exclusiveMinimum: true`` + ``minimum: x`` -> 2020-12 ``exclusiveMinimum: x``."""
    for exclusive, inclusive in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        flag = node.get(exclusive)
        if not isinstance(flag, bool):
            continue
        del node[exclusive]
        if flag and inclusive in node:
            node[exclusive] = node.pop(inclusive)


def _clamp_int64(node: dict[str, Any]) -> None:
    for key in _NUMERIC_BOUNDS:
        value = node.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            node[key] = min(max(value, _INT64_MIN), _INT64_MAX)


def _dedupe_required(node: dict[str, Any]) -> None:
    required = node.get("required")
    if isinstance(required, list) and len(set(required)) != len(required):
        node["required"] = list(dict.fromkeys(required))


def _drop_unmapped_discriminator(node: dict[str, Any]) -> None:
    """Without ``mapping`` openapi-core resolves ``#/components/schemas/<value>`` and fails;
    the oneOf/anyOf still validates on its own, so the hint is simply dropped."""
    disc = node.get("discriminator")
    if isinstance(disc, dict) and not disc.get("mapping"):
        del node["discriminator"]


def _fix_recursive_ref(node: dict[str, Any], component: str | None) -> None:
    """``$recursiveRef: "#"`` means "the enclosing (anchored) component": say so with a plain $ref,
    which keeps meaning the same thing once the component is copied into a per-operation closure."""
    node.pop("$recursiveAnchor", None)
    if node.get("$recursiveRef") == "#" and component is not None:
        del node["$recursiveRef"]
        node["$ref"] = component


def _drop_invalid_default(node: dict[str, Any]) -> None:
    """Defaults never affect validation, but tools that check them (or fill them in) choke on wrong ones."""
    if "default" in node and not _plausible(node["default"], node):
        del node["default"]


def _plausible(value: Any, node: dict[str, Any]) -> bool:
    """A local, ref-free check of ``value`` against ``node``'s type, enum and const."""
    kind = node.get("type")
    kinds = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []
    if node.get("nullable") is True:
        kinds = [*kinds, "null"] if kinds else kinds
    if kinds and not any(_JSON_TYPES.get(k, lambda v: True)(value) for k in kinds):
        return False
    if "enum" in node and value not in node["enum"] and not (value is None and node.get("nullable") is True):
        return False
    return "const" not in node or node["const"] == value


# -- Request-side strictness ------------------------------------------------------

_SAME_LOCATION_LISTS = ("allOf", "anyOf", "oneOf")
_CHILD_SCHEMA_KEYS = ("items", "additionalProperties", "unevaluatedProperties", "unevaluatedItems", "additionalItems")
_FROZEN_KEYS = ("not", "if", "then", "else", "contains", "propertyNames")
_OPENING_KEYS = ("additionalProperties", "unevaluatedProperties", "patternProperties")


def closed_objects(closure: dict[str, Any]) -> dict[str, Any]:
    """A copy of a per-operation closure whose nested objects reject unknown keys.

    The real API answers ``Unknown parameter: 'tools[0].foo'.``, but the spec's objects are open.
    Closing is only sound where an object schema is the *whole* schema for its instance location:
    never an ``allOf`` member, never a branch next to sibling ``properties``, never under ``not``.
    Composites are closed with ``unevaluatedProperties`` (which sees through allOf/$ref); plain
    objects with ``additionalProperties``. The root stays open: top-level unknown keys get their
    own wording and are checked by the caller. A component reached in several places is closed
    only if every place allows it.
    """
    doc = copy.deepcopy(closure)
    closer = _Closer(doc.get("components", {}).get("schemas", {}))
    closer.walk(doc, standalone=False, frozen=False)
    closer.close()
    return doc


class _Closer:
    def __init__(self, components: dict[str, Any]) -> None:
        self.components = components
        self.nodes: dict[int, dict[str, Any]] = {}
        self.closable: dict[int, bool] = {}
        self.seen: set[tuple[int, bool, bool]] = set()

    def walk(self, node: Any, *, standalone: bool, frozen: bool) -> None:
        if not isinstance(node, dict) or (id(node), standalone, frozen) in self.seen:
            return
        self.seen.add((id(node), standalone, frozen))
        self.nodes[id(node)] = node
        self.closable[id(node)] = self.closable.get(id(node), True) and standalone and not frozen
        own = any(k in node for k in ("properties", "patternProperties", "allOf")) or isinstance(
            node.get("additionalProperties"), dict
        )
        target = self._target(node)
        if target is not None:
            siblings = own or "anyOf" in node or "oneOf" in node
            self.walk(target, standalone=standalone and not siblings, frozen=frozen)
        for sub in node.get("allOf", []):
            self.walk(sub, standalone=False, frozen=frozen)
        branch_standalone = standalone and not own and target is None
        for key in ("anyOf", "oneOf"):
            for sub in node.get(key, []):
                self.walk(sub, standalone=branch_standalone, frozen=frozen)
        self._walk_children(node, frozen)

    def _walk_children(self, node: dict[str, Any], frozen: bool) -> None:
        for key in ("properties", "patternProperties", "dependentSchemas"):
            for sub in (node.get(key) or {}).values():
                self.walk(sub, standalone=True, frozen=frozen)
        for key in _CHILD_SCHEMA_KEYS:
            self.walk(node.get(key), standalone=True, frozen=frozen)
        for sub in node.get("prefixItems", []):
            self.walk(sub, standalone=True, frozen=frozen)
        for key in _FROZEN_KEYS:
            self.walk(node.get(key), standalone=False, frozen=True)

    def _target(self, node: dict[str, Any]) -> dict[str, Any] | None:
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(COMPONENT_PREFIX):
            return self.components.get(ref[len(COMPONENT_PREFIX) :])
        return None

    def close(self) -> None:
        for key, node in self.nodes.items():
            if not self.closable[key] or any(k in node for k in _OPENING_KEYS):
                continue
            if "properties" in node and not any(k in node for k in (*_SAME_LOCATION_LISTS, "$ref")):
                if self._fully_specified(node, set()):
                    node["additionalProperties"] = False
            elif ("allOf" in node or ("$ref" in node and "properties" in node) or "properties" in node) and (
                self._fully_specified(node, set())
            ):
                node["unevaluatedProperties"] = False

    def _fully_specified(self, node: Any, seen: set[int]) -> bool:
        """Whether every object this schema can accept lists its keys (closing it is then safe)."""
        if not isinstance(node, dict) or id(node) in seen:
            return True
        seen.add(id(node))
        if node.get("additionalProperties") is False or node.get("unevaluatedProperties") is False:
            return True
        if any(k in node for k in _OPENING_KEYS):
            return False
        kind = node.get("type")
        kinds = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else None
        if kinds is not None and "object" not in kinds:
            return True
        parts = [*node.get("allOf", []), *node.get("anyOf", []), *node.get("oneOf", [])]
        target = self._target(node)
        if target is not None:
            parts.append(target)
        if not parts:
            # No listed keys: only fine if the schema cannot be an object at all.
            return "properties" in node or "enum" in node or "const" in node
        return all(self._fully_specified(part, seen) for part in parts)
