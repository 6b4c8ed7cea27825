"""Per-operation contract checks with compiled jsonschema-rs validators.

Each validator is compiled lazily, on first use, from that operation's ``$ref`` closure
(``{"$ref": ..., "components": {"schemas": {only the reachable ones}}}``): ~0.5 ms each, then
microseconds per call. One validator over all 983 components would cost 1.4 s and +600 MiB.

Requests are checked the way the real API checks them (first problem only, its wording, nested
unknown keys rejected); responses and stream events are checked against the document plus
``contracts/overlay.yaml`` and reported as readable violations, never raised.
"""

from __future__ import annotations

import copy
import functools
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import jsonschema_rs
import orjson

from mockapi.contract import messages
from mockapi.contract.normalize import COMPONENT_PREFIX, closed_objects
from mockapi.contract.spec import load_document, load_overlay
from mockapi.errors import APIError, invalid_request, missing_parameter, nested_too_deep

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON_MEDIA = "application/json"
MULTIPART_MEDIA = "multipart/form-data"
FORM_MEDIA = "application/x-www-form-urlencoded"
SSE_MEDIA = "text/event-stream"
ERROR_ENVELOPE = "ErrorEnvelope"
# jsonschema-rs cannot take bytes or upload objects: file parts are validated as this string.
BINARY_STAND_IN = "<binary>"
MAX_VIOLATIONS = 10

_INTEGER = re.compile(r"^[+-]?\d+$")
# Real forms nest two or three levels (`chunking_strategy[static][max_chunk_size_tokens]`); deeper bracket keys
# are refused before they become objects the validator recurses on (hundreds of levels were a 500).
MAX_FORM_KEY_DEPTH = 16
_FORM_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
# Values under these keys are data, not schemas; under _NAME_MAPS every value is a schema.
_NOT_SCHEMAS = frozenset({"example", "examples", "default", "enum", "const"})
_NAME_MAPS = frozenset({"properties", "patternProperties", "$defs", "dependentSchemas"})


@dataclass(slots=True)
class Compiled:
    """A compiled validator and the closure document it was built from (for error lookups)."""

    validator: Any
    schema: dict[str, Any]
    top_keys: frozenset[str] | None = None  # request bodies: keys the root accepts (None: any)

    def lookup(self, path: Sequence[str | int]) -> Any:
        node: Any = self.schema
        for part in path:
            if isinstance(node, dict) and isinstance(part, str):
                node = node.get(part)
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                return None
        return node


class Contract:
    """The normalized official document plus the overlay, with per-operation validators."""

    _loaded: ClassVar[Contract | None] = None
    _load_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, document: dict[str, Any], spec_sha256: str, overlay: dict[str, Any] | None = None) -> None:
        self.overlay = overlay or {}
        # The overlay's `paths`: operations newer than the pinned document, served and checked like its own (a
        # path the document has keeps its operations: the overlay adds methods to it).
        added = self.overlay.get("paths") or {}
        if added:
            paths = dict(document.get("paths", {}))
            for path, item in added.items():
                paths[path] = {**paths.get(path, {}), **item}
            document = {**document, "paths": paths}
        self.document = document
        self.spec_sha256 = spec_sha256
        self._schemas: dict[str, Any] = dict(document.get("components", {}).get("schemas", {}))
        for name, schema in self.overlay.get("components", {}).get("schemas", {}).items():
            self._schemas.setdefault(name, schema)
        self._apply_patches(self.overlay.get("schema_patches", {}))
        self._refs: dict[str, frozenset[str]] = {}
        self._component_validators: dict[tuple[str, ...], Compiled] = {}
        self._operations: dict[tuple[str, str], Operation] = {}
        for path, item in self.document.get("paths", {}).items():
            for method in HTTP_METHODS:
                if isinstance(item.get(method), dict):
                    self._operations[(method.upper(), path)] = Operation(self, method, path, item[method])
        # Paths the real API (and its SDKs) use for an operation the document files under another path.
        self._aliases: dict[tuple[str, str], Operation] = {}
        for alias, entry in self.overlay.get("path_aliases", {}).items():
            if alias == "source":
                continue
            method, path = alias.split(" ", 1)
            target_method, target_path = entry["same_as"].split(" ", 1)
            spec = document["paths"][target_path][target_method.lower()]
            self._aliases[(method.upper(), path)] = Operation(self, method.lower(), path, spec)

    def _apply_patches(self, patches: dict[str, Any]) -> None:
        """Overlay ``schema_patches``: ``"Component/json/pointer": {keywords to set}`` (on a copy), or
        ``"METHOD /path#json/pointer"`` for a schema the document writes inline in an operation (``#parameters``
        takes ``append``: query parameters the operation lacks)."""
        for target, keywords in patches.items():
            if target == "source":
                continue
            if "#" in target:
                operation, inline = target.split("#", 1)
                method, path = operation.split(" ", 1)
                self.document = {**self.document, "paths": dict(self.document["paths"])}  # the loaded one stays
                paths = self.document["paths"]
                item = paths[path] = dict(paths[path])
                node = item[method.lower()] = copy.deepcopy(item[method.lower()])
                pointer = [part.replace("~1", "/").replace("~0", "~") for part in inline.split("/")]
            else:
                name, *pointer = target.split("/")
                node = self._schemas[name] = copy.deepcopy(self._schemas[name])
            for part in pointer:
                node = node[int(part)] if isinstance(node, list) else node[part]
            if isinstance(node, list):  # an operation's parameters: {append: [the parameters it lacks]}
                node.extend(keywords["append"])
                continue
            node.update({k: v for k, v in keywords.items() if k != "source"})

    @classmethod
    def load(cls) -> Contract:
        """The process-wide contract (spec verified, normalized document from the cache)."""
        loaded = cls._loaded
        if loaded is not None:
            return loaded
        with cls._load_lock:
            if cls._loaded is None:
                document, digest = load_document()
                cls._loaded = cls(document, digest, load_overlay())
            return cls._loaded

    def operation(self, method: str, path_template: str) -> Operation | None:
        """By the spec's path key, e.g. ``("GET", "/files/{file_id}")`` (no ``/v1`` prefix)."""
        key = (method.upper(), path_template)
        found = self._operations.get(key)
        return found if found is not None else self._aliases.get(key)

    def aliases(self) -> Iterator[tuple[str, str, str]]:
        """The overlay's ``path_aliases``: (METHOD, path template, operationId of the operation it serves)."""
        for (method, path), op in self._aliases.items():
            yield method, path, op.operation_id

    def operations(self) -> Iterator[tuple[str, str, str]]:
        """Every (METHOD, path template, operationId)."""
        for (method, path), op in self._operations.items():
            yield method, path, op.operation_id

    # -- schemas and closures -------------------------------------------------------------

    def validation_document(self) -> dict[str, Any]:
        """The normalized document with the overlay's schemas and patches in its components, and its query
        parameter bounds, error responses and undeclared response media types (raw downloads, audio, plain-text
        transcripts, event streams) in the operations: what the fast validators check against, for tools that
        want the same contract (openapi-core, schemathesis). The loaded document is not changed."""
        components = {**self.document.get("components", {}), "schemas": dict(self._schemas)}
        return {**self.document, "components": components, "paths": self._overlaid_paths()}

    def error_statuses(self, method: str, path_template: str) -> list[str]:
        """Error statuses the overlay's ``error_responses`` add to an operation (every one, plus its own)."""
        section = self.overlay.get("error_responses", {})
        extra = section.get("operations", {}).get(f"{method.upper()} {path_template}", {})
        return [str(s) for s in section.get("every", [])] + [str(s) for s in extra if s != "source"]

    def _overlaid_paths(self) -> dict[str, Any]:
        bounds = self.overlay.get("query_parameters", {})
        error = {"description": "Error (contracts/overlay.yaml error_responses)",
                 "content": {JSON_MEDIA: {"schema": {"$ref": COMPONENT_PREFIX + ERROR_ENVELOPE}}}}
        paths: dict[str, Any] = {}
        for path, item in self.document.get("paths", {}).items():
            item = dict(item)
            for method in HTTP_METHODS:
                if not isinstance(item.get(method), dict):
                    continue
                op = item[method] = dict(item[method])
                responses = op["responses"] = dict(op.get("responses") or {})
                # Every error body is the envelope, as the fast validators check it: the 16 operations that
                # declare errors mostly name the bare `Error`, which the real API wraps (core.md 1.1).
                declared = [s for s in responses if s[:1] in "45"]
                for status in [*declared, *self.error_statuses(method, path)]:
                    responses[status] = error
                self._add_media(f"{method.upper()} {path}", responses)
                limits = bounds.get(f"{method.upper()} {path}")
                if limits and "parameters" in op:
                    op["parameters"] = [
                        {**p, "schema": {**(p.get("schema") or {}), **limits[p["name"]]}}
                        if p.get("in") == "query" and p.get("name") in limits else p
                        for p in op["parameters"]
                    ]
            paths[path] = item
        for method, path, _ in self.aliases():
            target = self.overlay["path_aliases"][f"{method} {path}"]["same_as"].split(" ", 1)
            item = paths.setdefault(path, {k: v for k, v in paths[target[1]].items() if k not in HTTP_METHODS})
            spec = paths[target[1]][target[0].lower()]
            item[method.lower()] = {**spec, "operationId": spec.get("operationId", "") + "Alias"}
        return paths

    def extra_media(self, method: str, path_template: str, status: str) -> dict[str, Any]:
        """The overlay's ``response_media`` for one operation and status: media type -> {schema, source}."""
        entry = self.overlay.get("response_media", {}).get(f"{method.upper()} {path_template}", {})
        return {k: v for k, v in (entry.get(status) or {}).items() if k != "source"}

    def _add_media(self, key: str, responses: dict[str, Any]) -> None:
        """Media types the real API answers with but the operation does not declare: the overlay's
        ``response_media``, and ``text/event-stream`` for the streams the overlay wires up."""
        extra = {status: dict(media) for status, media in self.overlay.get("response_media", {}).get(key, {}).items()
                 if status != "source"}
        stream = self.overlay.get("streams", {}).get(key)
        if stream is not None:
            names = dict.fromkeys(n for v in stream["events"].values() for n in (v if isinstance(v, list) else [v]))
            options: list[Any] = [{"$ref": COMPONENT_PREFIX + name} for name in names]
            if stream.get("done"):
                options.append({"const": stream["done"]["data"]})
            extra.setdefault("200", {}).setdefault(SSE_MEDIA, {"schema": {"anyOf": options}})
        for status, media in extra.items():
            response = responses[status] = dict(responses.get(status) or {"description": "OK"})
            content = response["content"] = dict(response.get("content") or {})
            for media_type, entry in media.items():
                if media_type != "source":
                    content.setdefault(media_type, {"schema": entry.get("schema", {})})

    def schema(self, name: str) -> dict[str, Any] | None:
        """A component schema by name (the document's, or the overlay's such as ErrorEnvelope)."""
        return self._schemas.get(name)

    def closure(self, root: dict[str, Any]) -> dict[str, Any]:
        """``root`` plus exactly the components it reaches, so $refs resolve inside one small document."""
        todo = list(_refs_in(root))
        reached: set[str] = set()
        while todo:
            name = todo.pop()
            if name in reached or name not in self._schemas:
                continue
            reached.add(name)
            todo.extend(self._component_refs(name))
        components = {name: self._schemas[name] for name in sorted(reached)}
        return {**root, "components": {"schemas": components}}

    def compile(self, root: dict[str, Any], *, strict: bool = False) -> Compiled:
        """A validator for ``root``; ``strict`` (request bodies) makes nested objects reject unknown keys."""
        schema = self.closure(root)
        if strict:
            schema = closed_objects(schema)
        validator = jsonschema_rs.Draft202012Validator(schema, validate_formats=False)
        return Compiled(validator, schema, self._top_keys(root) if strict else None)

    def component_validator(self, *names: str) -> Compiled:
        """A (memoized) validator accepting any of the named components."""
        compiled = self._component_validators.get(names)
        if compiled is None:
            refs = [{"$ref": COMPONENT_PREFIX + name} for name in names]
            compiled = self.compile(refs[0] if len(refs) == 1 else {"anyOf": refs})
            self._component_validators[names] = compiled
        return compiled

    def _component_refs(self, name: str) -> frozenset[str]:
        refs = self._refs.get(name)
        if refs is None:
            refs = self._refs[name] = frozenset(_refs_in(self._schemas[name]))
        return refs

    def resolve(self, node: Any) -> Any:
        """Follow a component $ref (repeatedly); other nodes are returned as they are."""
        for _ in range(32):
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not (isinstance(ref, str) and ref.startswith(COMPONENT_PREFIX)):
                return node
            node = self._schemas.get(ref[len(COMPONENT_PREFIX) :])
        return node

    def _top_keys(self, root: dict[str, Any]) -> frozenset[str] | None:
        """The keys a request body may have at its top level, or None when it accepts any."""
        keys: set[str] = set()
        return frozenset(keys) if self._collect_keys(root, keys, set()) else None

    def _collect_keys(self, node: Any, keys: set[str], seen: set[int]) -> bool:
        node = self.resolve(node)
        if not isinstance(node, dict) or id(node) in seen:
            return True
        seen.add(id(node))
        extra = node.get("additionalProperties", node.get("unevaluatedProperties"))
        if extra not in (None, False) or "patternProperties" in node:
            return False
        keys.update(node.get("properties", {}))
        parts = [*node.get("allOf", []), *node.get("anyOf", []), *node.get("oneOf", [])]
        if "$ref" in node:
            parts.append({"$ref": node["$ref"]})
        if not parts and "properties" not in node:
            kind = node.get("type")
            return kind is not None and kind != "object" and not (isinstance(kind, list) and "object" in kind)
        return all(self._collect_keys(part, keys, seen) for part in parts)

    # -- headers ----------------------------------------------------------------------------

    def validate_headers(self, headers: Mapping[str, str], status: int) -> list[str]:
        """The overlay's header rules: the ``every`` headers must be present; the others, if sent, well-formed."""
        lowered = {k.lower(): v for k, v in headers.items()}
        problems: list[str] = []
        for name, rule in self.overlay.get("headers", {}).items():
            value = lowered.get(name)
            if value is None:
                if rule.get("sent") == "every":
                    problems.append(f"header {name} missing")
                continue
            if rule.get("sent") == "429" and status != 429:
                problems.append(f"header {name} sent on a {status}")
            if not self._header_validator(name).validator.is_valid(value):
                problems.append(f"header {name}: {value!r} does not match {rule['schema']}")
        return problems

    def _header_validator(self, name: str) -> Compiled:
        key = ("header:" + name,)
        compiled = self._component_validators.get(key)
        if compiled is None:
            compiled = self._component_validators[key] = self.compile(self.overlay["headers"][name]["schema"])
        return compiled


class Operation:
    """One operation of the document: request checks (raising APIError 400) and response checks."""

    def __init__(self, contract: Contract, method: str, path: str, spec: dict[str, Any]) -> None:
        self.contract = contract
        self.method = method.upper()
        self.path = path
        self.spec = spec
        self.operation_id: str = spec.get("operationId", "")
        body = spec.get("requestBody") or {}
        self.request_content_types: list[str] = list(body.get("content") or {})
        self.body_required = bool(body.get("required"))
        self._bodies: dict[str, Compiled] = {}
        self._body_for: dict[str, tuple[Compiled, bool]] = {}  # content type -> (schema, is a form)
        self._responses: dict[tuple[str, str], Compiled] = {}
        self._query: _Query | None = None
        self._stream_contract: tuple[_Stream | None] | None = None  # built on first use
        self._coercer = _Coercer(contract)
        # Form fields whose single value passes through coercion unchanged (a string, or a file where
        # the schema expects one value), learned per field name.
        self._plain_fields: dict[str, bool] = {}
        # (status, content type) -> the declared JSON response schema, once the full path has resolved it.
        self._response_fast: dict[tuple[int, str], Compiled] = {}

    def __repr__(self) -> str:
        return f"Operation({self.method} {self.path}, {self.operation_id})"

    # -- request body -----------------------------------------------------------------------

    def validate_body(self, body: Any, content_type: str = JSON_MEDIA) -> None:
        """Raise the real API's 400 for the first problem in ``body``; return None when it is valid."""
        found = self._body_for.get(content_type)
        if found is None:
            if not self.request_content_types:
                return  # nothing declared (e.g. POST .../cancel): the real API ignores a body
            media = self._request_media(content_type)
            found = self._body_for[content_type] = (self._body_validator(media), media in (MULTIPART_MEDIA, FORM_MEDIA))
        compiled, form = found
        if form:
            body = _json_form(body)
        elif body is None:
            body = {}
        top = compiled.top_keys
        # issuperset first: the usual body has no unknown key, and the list is built only when it has one.
        unknown = [k for k in body if k not in top] if top and type(body) is dict and not top.issuperset(body) else []
        if not unknown and compiled.validator.is_valid(body):
            return
        raise self._body_error(compiled, body, unknown)

    def _body_error(self, compiled: Compiled, body: Any, unknown: list[str]) -> APIError:
        issues = [messages.Issue("unknown", (), body, names=unknown)] if unknown else []
        issues += messages.issues_from(list(compiled.validator.iter_errors(body)), compiled.lookup)
        issue = messages.first_issue(issues)
        if issue is None:  # cannot happen: invalid bodies have errors
            return invalid_request("Invalid request body.")
        return messages.api_error(issue, lookup=compiled.lookup)

    def _request_media(self, content_type: str) -> str:
        media = _media_type(content_type)
        if media in self.request_content_types:
            return media
        accepted = ", ".join(self.request_content_types)
        raise invalid_request(f"Invalid Content-Type header ({media}), expected one of: {accepted}.")

    def _body_validator(self, media: str) -> Compiled:
        compiled = self._bodies.get(media)
        if compiled is None:
            schema = self.spec["requestBody"]["content"][media].get("schema") or {}
            compiled = self._bodies[media] = self.contract.compile(schema, strict=True)
        return compiled

    def coerce_form(self, fields: Mapping[str, Sequence[str | bytes]]) -> dict[str, Any]:
        """Multipart form fields (all strings, files as bytes) -> the typed body ``validate_body`` checks.

        ``key[]`` and repeated keys make arrays, ``key[sub]`` nested objects; numbers and
        ``true``/``false`` become numbers and booleans where the schema says so.
        """
        plain = self._plain_fields
        body: dict[str, Any] = {}
        for name, values in fields.items():
            if len(values) != 1 or not plain.get(name, False):
                break
            body[name] = values[0]
        else:
            return body  # the common form: nothing to convert
        schema = self._form_schema()
        for name in fields:
            if name not in plain:
                kinds = self._coercer.kinds(self._coercer.property_schema(schema, name))
                plain[name] = "[" not in name and not kinds - {"string", "null"}
        return self._coercer.coerce_fields(fields, schema)

    def _form_schema(self) -> dict[str, Any]:
        media = next((m for m in (MULTIPART_MEDIA, FORM_MEDIA) if m in self.request_content_types), None)
        return (self.spec["requestBody"]["content"][media].get("schema") if media else None) or {}

    # -- query ------------------------------------------------------------------------------

    def validate_query(self, params: Mapping[str, Sequence[str]]) -> dict[str, Any]:
        """Typed query parameters with spec defaults filled in; 400 naming the parameter on a violation.

        Keys are the parameter names without a trailing ``[]`` (``include[]`` -> ``include``).
        Undeclared parameters are ignored, as the real API ignores them.
        """
        query = self._query
        if query is None:
            query = self._query = _Query(self)
        return query.validate(params)

    # -- responses --------------------------------------------------------------------------

    def validate_response(self, status: int, body: Any, content_type: str = JSON_MEDIA) -> list[str]:
        """Readable contract violations of a response (empty when it conforms)."""
        compiled = self._response_fast.get((status, content_type))
        if compiled is not None:
            try:
                if compiled.validator.is_valid(body):
                    return []
            except ValueError:
                pass  # not JSON-serializable: the full path explains it
        return self._validate_response(status, body, content_type)

    def _validate_response(self, status: int, body: Any, content_type: str) -> list[str]:
        media = _media_type(content_type)
        if media == SSE_MEDIA:
            return []  # streams are checked event by event (validate_sse_event)
        if status >= 400:
            return _violations(self.contract.component_validator(ERROR_ENVELOPE), body, f"{status}")
        key = self._response_key(status)
        if key is None:
            declared = ", ".join(self.spec.get("responses", {}))
            return [f"status {status} is not declared (declared: {declared})"]
        content = self.spec["responses"][key].get("content") or {}
        if not media and body is None:  # an empty answer without a Content-Type
            return [f"{status} has no body (declared: {', '.join(content)})"] if content else []
        if media not in content:
            extra = self.contract.extra_media(self.method, self.path, key).get(media)
            if not _is_json(media):
                return []  # audio, files, text/plain: the document says little; nothing to check
            if extra is not None:  # the overlay's response_media: what the real API sends instead
                compiled = self._responses.get((key, media))
                if compiled is None:
                    compiled = self._responses[(key, media)] = self.contract.compile(extra.get("schema") or {})
                return _violations(compiled, body, f"{status}")
            return [f"{status} {media} is not declared (declared: {', '.join(content) or 'no body'})"]
        if not _is_json(media):
            return []
        # A declared JSON success body: later responses with this status and type go straight to it.
        compiled = self._response_fast[(status, content_type)] = self._response_validator(key, media)
        return _violations(compiled, body, f"{status}")

    def _response_key(self, status: int) -> str | None:
        responses = self.spec.get("responses", {})
        for key in (str(status), f"{status // 100}XX", f"{status // 100}xx"):
            if key in responses:
                return key
        if 200 <= status < 300:
            # The fake answers 200 where a few operations declare 201 (e.g. POST /evals): same body.
            success = [k for k in responses if k.startswith("2")]
            if len(success) == 1:
                return success[0]
        return "default" if "default" in responses else None

    def _response_validator(self, key: str, media: str) -> Compiled:
        compiled = self._responses.get((key, media))
        if compiled is None:
            schema = self.spec["responses"][key]["content"][media].get("schema") or {}
            compiled = self._responses[(key, media)] = self.contract.compile(schema)
        return compiled

    def validate_sse_event(self, event_name: str | None, data: Any) -> list[str]:
        """Violations of one server-sent event (``data`` parsed JSON, or the ``[DONE]`` string)."""
        stream = self._stream()
        where = f"event {event_name or '(none)'}"
        if stream is None:
            return [f"{self.method} {self.path} has no event-stream contract"]
        if stream.done is not None and data == stream.done[1]:
            expected = stream.done[0]
            return [] if event_name == expected else [f"{where}: {data} expected under event {expected or '(none)'}"]
        if isinstance(data, (str, bytes)):
            try:
                data = orjson.loads(data)
            except orjson.JSONDecodeError:
                return [f"{where}: data is not JSON: {str(data)[:80]!r}"]
        if stream.events is None:
            compiled = self._response_validator("200", SSE_MEDIA)
        elif event_name in stream.events:
            compiled = self.contract.component_validator(*stream.events[event_name])
        else:
            return [f"{where} is not a {self.method} {self.path} stream event"]
        return _violations(compiled, data, where)

    def _stream(self) -> _Stream | None:
        if self._stream_contract is None:
            self._stream_contract = (self._build_stream(),)
        return self._stream_contract[0]

    def _build_stream(self) -> _Stream | None:
        """The overlay's wiring for this operation, else the document's text/event-stream schema."""
        entry = self.contract.overlay.get("streams", {}).get(f"{self.method} {self.path}")
        if entry is not None:
            events = {name: tuple(v) if isinstance(v, list) else (v,) for name, v in entry["events"].items()}
            done = entry.get("done")
            return _Stream(events, (done["event"], done["data"]) if done else None)
        declared = self.spec.get("responses", {}).get("200", {}).get("content", {})
        return _Stream(None, None) if SSE_MEDIA in declared else None


@dataclass(slots=True)
class _Stream:
    events: dict[str | None, tuple[str, ...]] | None  # None: any event, the declared SSE schema
    done: tuple[str | None, str] | None


class _Query:
    """An operation's query parameters: one compiled object schema, coercion plans and defaults."""

    def __init__(self, op: Operation) -> None:
        self.op = op
        overlay = op.contract.overlay.get("query_parameters", {}).get(f"{op.method} {op.path}", {})
        properties: dict[str, Any] = {}
        self.required: list[str] = []
        self.defaults: dict[str, Any] = {}
        self.names: dict[str, str] = {}  # name as sent (with and without []) -> key in the typed dict
        for param in op.spec.get("parameters", []):
            if param.get("in") != "query":
                continue
            key = param["name"].removesuffix("[]")
            schema = dict(param.get("schema") or {})
            schema.update(overlay.get(param["name"], {}))
            properties[key] = schema
            self.names[key] = self.names[key + "[]"] = key
            if param.get("required"):
                self.required.append(key)
            if "default" in (param.get("schema") or {}):
                self.defaults[key] = param["schema"]["default"]
        self.properties = properties
        root = {"type": "object", "properties": properties, "required": self.required}
        self.compiled = op.contract.compile(root) if properties else None

    def validate(self, params: Mapping[str, Sequence[str]]) -> dict[str, Any]:
        if self.compiled is None:
            return {}
        grouped: dict[str, dict[str, list[str]]] = {}
        for raw, values in params.items():
            base = _split_key(raw)[0]
            key = self.names.get(raw) or self.names.get(base)
            if key is not None:
                grouped.setdefault(key, {}).setdefault(raw, []).extend(values)
        typed = {key: self._coerce(key, raws) for key, raws in grouped.items()}
        if not self.compiled.validator.is_valid(typed):
            raise self._error(typed)
        for key, default in self.defaults.items():
            typed.setdefault(key, default)
        return typed

    def _coerce(self, key: str, raws: dict[str, list[str]]) -> Any:
        return self.op._coercer.coerce_fields(raws, {"properties": {key: self.properties[key]}}).get(key)

    def _error(self, typed: dict[str, Any]) -> APIError:
        issues = messages.issues_from(list(self.compiled.validator.iter_errors(typed)), self.compiled.lookup)
        issue = messages.first_issue(issues)
        if issue is None or (issue.category == "required" and len(issue.path) == 1):
            return missing_parameter(str(issue.path[0]) if issue else "")
        return messages.api_error(issue, lookup=self.compiled.lookup)


class _Coercer:
    """Strings (query strings, form fields) -> JSON values of the types the schema declares."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        # Schemas are immutable parts of the loaded document: memoize by identity (hot on every form).
        self._kinds: dict[int, set[str]] = {}
        self._props: dict[tuple[int, str], Any] = {}

    def coerce_fields(self, fields: Mapping[str, Sequence[str | bytes]], schema: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for raw, values in fields.items():
            base, subkeys, is_list = _split_key(raw)
            if len(subkeys) > MAX_FORM_KEY_DEPTH:
                shown = raw if len(raw) <= 80 else raw[:80] + "..."
                raise invalid_request(
                    f"Invalid parameter name '{shown}': nested more than {MAX_FORM_KEY_DEPTH} levels deep.",
                    param=base,
                )
            target, name, sub_schema = out, base, self.property_schema(schema, base)
            for sub in subkeys:
                existing = target.get(name)
                target[name] = existing if isinstance(existing, dict) else {}
                target, name, sub_schema = target[name], sub, self.property_schema(sub_schema, sub)
            value = self.coerce(list(values), sub_schema, is_list)
            previous = target.get(name)
            if isinstance(previous, list) and isinstance(value, list):
                value = previous + value  # both `image` and `image[]` sent
            target[name] = value
        return out

    def coerce(self, values: list[str | bytes], schema: Any, is_list: bool) -> Any:
        kinds = self.kinds(schema)
        if is_list or len(values) > 1 or (kinds and kinds <= {"array", "null"}):
            items = self.items_schema(schema)
            return [self.scalar(v, items) for v in values]
        return self.scalar(values[-1], schema) if values else None

    def scalar(self, value: str | bytes, schema: Any) -> Any:
        if not isinstance(value, str):
            return value  # a file part
        kinds = self.kinds(schema)
        if "integer" in kinds and _INTEGER.match(value):
            return int(value)
        if "integer" in kinds and "string" not in kinds and _is_number(value):
            return float(value)  # so the 400 says "got a decimal", not "got a string"
        if "number" in kinds and _is_number(value):
            number = float(value)
            return int(number) if _INTEGER.match(value) else number
        if "boolean" in kinds and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if kinds & {"object", "array"} and "string" not in kinds and value[:1] in ("{", "["):
            try:
                parsed = orjson.loads(value)  # some clients send JSON text for structured fields
            except orjson.JSONDecodeError:
                return value
            return value if nested_too_deep(parsed) else parsed  # too deep: the 400 says "got a string"
        return value

    def kinds(self, schema: Any) -> set[str]:
        """Every JSON type ``schema`` may accept, through $ref and anyOf/oneOf/allOf."""
        found = self._kinds.get(id(schema))
        if found is None:
            found = self._kinds[id(schema)] = self._compute_kinds(schema)
        return found

    def _compute_kinds(self, schema: Any, depth: int = 0) -> set[str]:
        node = self.contract.resolve(schema)
        if not isinstance(node, dict) or depth > 16:
            return set()
        kind = node.get("type")
        found = {kind} if isinstance(kind, str) else set(kind) if isinstance(kind, list) else set()
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in node.get(key, []):
                found |= self._compute_kinds(sub, depth + 1)
        if not found and "enum" in node:
            found = {_json_kind(v) for v in node["enum"]}
        if not found and "properties" in node:
            found = {"object"}
        return found

    def items_schema(self, schema: Any) -> Any:
        return self._find(schema, lambda node: node.get("items") if "items" in node else None)

    def property_schema(self, schema: Any, name: str) -> Any:
        key = (id(schema), name)
        if key not in self._props:
            self._props[key] = self._property_schema(schema, name)
        return self._props[key]

    def _property_schema(self, schema: Any, name: str) -> Any:
        def pick(node: dict[str, Any]) -> Any:
            if name in node.get("properties", {}):
                return node["properties"][name]
            extra = node.get("additionalProperties")
            return extra if isinstance(extra, dict) else None

        return self._find(schema, pick)

    def _find(self, schema: Any, pick: Any, depth: int = 0) -> Any:
        node = self.contract.resolve(schema)
        if not isinstance(node, dict) or depth > 16:
            return None
        found = pick(node)
        if found is not None:
            return found
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in node.get(key, []):
                found = self._find(sub, pick, depth + 1)
                if found is not None:
                    return found
        return None


# -- helpers ---------------------------------------------------------------------------------


def _violations(compiled: Compiled, body: Any, where: str) -> list[str]:
    try:
        if compiled.validator.is_valid(body):
            return []
        errors = list(compiled.validator.iter_errors(body))
    except ValueError as exc:  # a value JSON cannot hold (bytes, datetime...)
        return [f"{where}: not JSON-serializable: {exc}"]
    issues = messages.issues_from(errors, compiled.lookup)
    lines = [messages.violation(issue, where) for issue in issues[:MAX_VIOLATIONS]]
    if len(issues) > MAX_VIOLATIONS:
        lines.append(f"{where}: ... and {len(issues) - MAX_VIOLATIONS} more")
    return lines


def _refs_in(node: Any) -> Iterator[str]:
    """Component names referenced anywhere in a schema (examples and enums skipped)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(COMPONENT_PREFIX):
            yield ref[len(COMPONENT_PREFIX) :]
        for key, value in node.items():
            if key in _NAME_MAPS and isinstance(value, dict):
                for sub in value.values():  # property names may be "default", "example"...
                    yield from _refs_in(sub)
            elif key not in _NOT_SCHEMAS and isinstance(value, (dict, list)):
                yield from _refs_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs_in(value)


@functools.lru_cache(maxsize=1024)
def _split_key(raw: str) -> tuple[str, list[str], bool]:
    """``a[b][]`` -> ("a", ["b"], True); keys that are not bracket forms come back whole."""
    match = _FORM_KEY.match(raw)
    if match is None:
        return raw, [], False
    parts = re.findall(r"\[([^\[\]]*)\]", match.group(2))
    is_list = bool(parts) and parts[-1] == ""
    return match.group(1), [p for p in parts if p != ""], is_list


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _is_json(media: str) -> bool:
    return media == JSON_MEDIA or media.endswith("+json")


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return value.strip().lower() not in ("nan", "inf", "-inf", "infinity", "+inf", "-infinity")


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, dict):
        return "object"
    return "array" if isinstance(value, list) else "string"


def _json_form(value: Any) -> Any:
    """A coerced form as JSON: file parts (bytes, upload objects) become ``BINARY_STAND_IN``."""
    if isinstance(value, dict):
        form: dict[str, Any] = {}
        for k, v in value.items():  # a loop, not a comprehension: one frame less on every form request
            form[k] = v if type(v) is str else _json_form(v)
        return form
    if isinstance(value, list):
        return [_json_form(v) for v in value]
    if value is None or isinstance(value, (str, int, float)):
        return value
    return BINARY_STAND_IN
