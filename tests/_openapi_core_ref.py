"""openapi-core as an independent, slow (~1-10 ms a call) reference for the fast contract validators.

Both see the same contract: the normalized document with the overlay's schemas and patches
(``Contract.validation_document()``). openapi-core's own spec validation is off (it rejects this
document after 5-7 s), and its type checker accepts bytes as strings so multipart file parts
(``type: string, format: binary``) validate.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from functools import cache
from typing import Any

import orjson
from jsonschema.validators import extend
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.schemas.factories import SchemaValidatorsFactory
from openapi_schema_validator import OAS30ReadValidator, OAS31Validator

from mockapi.contract import Contract

HOST = "https://api.openai.com"
AUTH = {"Authorization": "Bearer sk-reference"}


@cache
def reference_api() -> OpenAPI:
    """openapi-core over the contract's document, built once per process."""
    string_or_bytes = OAS31Validator.TYPE_CHECKER.redefine("string", lambda _, value: isinstance(value, (str, bytes)))
    validator_cls = extend(OAS31Validator, type_checker=string_or_bytes)
    # The 3.0 format checker, as openapi-core itself uses for 3.1 (it knows `binary`).
    factory = SchemaValidatorsFactory(validator_cls, format_checker=OAS30ReadValidator.FORMAT_CHECKER)
    config = Config(spec_validator_cls=None, schema_validators_factory=factory)
    return OpenAPI.from_dict(Contract.load().validation_document(), config=config)


def url_path(path_template_or_url_path: str) -> str:
    """``/files/{file_id}`` or ``/v1/files/file-1`` -> ``/v1/files/...`` (templates get placeholder ids)."""
    path = re.sub(r"\{([^}]+)\}", r"\1_placeholder", path_template_or_url_path)
    return path if path.startswith("/v1/") else "/v1" + path


def reference_validate_response(
    method: str,
    path_template_or_url_path: str,
    status: int,
    body: Any,
    content_type: str = "application/json",
) -> list[str]:
    """openapi-core's complaints about a response (empty when it conforms)."""
    request = MockRequest(HOST, method.lower(), url_path(path_template_or_url_path), headers=AUTH)
    data = body if isinstance(body, bytes) else orjson.dumps(body)
    response = MockResponse(data, status_code=status, content_type=content_type)
    try:
        reference_api().validate_response(request, response)
    except Exception as exc:  # openapi-core raises a family of OpenAPIError subclasses
        return _describe(exc)
    return []


def reference_validate_request(
    method: str,
    path_template_or_url_path: str,
    body: Any = None,
    *,
    query: Mapping[str, Any] | None = None,
    content_type: str = "application/json",
) -> list[str]:
    """openapi-core's complaints about a request; a multipart ``body`` is a dict of str/bytes fields."""
    if content_type == "multipart/form-data":
        data, content_type = encode_multipart(body or {})
    else:
        data = b"" if body is None else orjson.dumps(body)
    request = MockRequest(
        HOST,
        method.lower(),
        url_path(path_template_or_url_path),
        args=dict(query or {}),
        headers=AUTH,
        data=data,
        content_type=content_type,
    )
    try:
        reference_api().validate_request(request)
    except Exception as exc:
        return _describe(exc)
    return []


def encode_multipart(fields: Mapping[str, str | bytes]) -> tuple[bytes, str]:
    """A multipart/form-data body: bytes values become file parts."""
    boundary = uuid.uuid4().hex
    chunks: list[bytes] = []
    for name, value in fields.items():
        if isinstance(value, bytes):
            head = f'Content-Disposition: form-data; name="{name}"; filename="{name}.bin"\r\n'
            head += "Content-Type: application/octet-stream\r\n"
            payload = value
        else:
            head = f'Content-Disposition: form-data; name="{name}"\r\n'
            payload = str(value).encode()
        chunks.append(f"--{boundary}\r\n{head}\r\n".encode() + payload + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def _describe(exc: BaseException) -> list[str]:
    cause = exc.__cause__
    schema_errors = getattr(cause, "schema_errors", None) or getattr(exc, "schema_errors", None)
    if schema_errors:
        return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in schema_errors]
    return [f"{type(exc).__name__}: {exc}"]
