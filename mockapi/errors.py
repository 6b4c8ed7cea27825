"""The one error type of the fake and the real API's error envelope.

Every failure a handler, the contract layer or the HTTP core reports is an
``APIError``; the dispatcher turns it into ``{"error": {message, type, param,
code}}`` with the right status. Constructors below carry the real API's
wording (see ../shared/reference/core.md §1.2 and assistants.md).
"""

from __future__ import annotations

from typing import Any

import orjson

INVALID_REQUEST = "invalid_request_error"


class APIError(Exception):
    """An error the fake answers with, in the real API's envelope."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = INVALID_REQUEST,
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }

    def __repr__(self) -> str:
        return f"APIError({self.status}, {self.message!r}, param={self.param!r}, code={self.code!r})"


def invalid_request(message: str, *, param: str | None = None, code: str | None = None) -> APIError:
    return APIError(400, message, param=param, code=code)


def missing_parameter(param: str) -> APIError:
    return APIError(400, f"Missing required parameter: '{param}'.", param=param, code="missing_required_parameter")


def empty_array(param: str) -> APIError:
    # Real for 'messages' (core.md §1.2); the same pattern for any array the API wants non-empty.
    return APIError(
        400, f"Invalid '{param}': empty array. Expected an array with minimum length 1, but got an empty array "
        "instead.", param=param, code="empty_array",
    )


def invalid_value(param: str, value: Any, supported: list[str] | None = None) -> APIError:
    message = f"Invalid value: {_show(value)}."
    if supported:
        message += f" Supported values are: {quoted_list(supported)}."
    return APIError(400, message, param=param, code="invalid_value")


def invalid_type(param: str, expected: str, value: Any, *, kind: str | None = None) -> APIError:
    """``Invalid type for 'n': expected an integer, but got a string instead.``; ``kind`` overrides the
    name of ``value``'s type."""
    got = json_type_name(value) if kind is None else kind
    return APIError(
        400, f"Invalid type for '{param}': expected {expected}, but got {got} instead.",
        param=param, code="invalid_type",
    )  # fmt: skip


def string_too_long(param: str, maximum: int, length: int, *, name: str | None = None) -> APIError:
    """``Invalid 'x': string too long. ...``; ``name`` is the one the message quotes, if not ``param``."""
    return _too_long(param, name or param, "a string", maximum, length)


def array_too_long(param: str, maximum: int, length: int) -> APIError:
    return _too_long(param, param, "an array", maximum, length)


def _too_long(param: str, name: str, kind: str, maximum: int, length: int) -> APIError:
    noun = kind.split()[1]
    return APIError(
        400,
        f"Invalid '{name}': {noun} too long. Expected {kind} with maximum length {maximum}, "
        f"but got {kind} with length {length} instead.",
        param=param, code=f"{noun}_above_max_length",
    )  # fmt: skip


def too_many_properties(param: str, maximum: int, count: int) -> APIError:
    return APIError(
        400,
        f"Invalid '{param}': too many properties. Expected an object with at most {maximum} properties, "
        f"but got an object with {count} properties instead.",
        param=param, code="object_above_max_properties",
    )  # fmt: skip


_TYPE_PHRASES: dict[type, str] = {
    bool: "a boolean", int: "an integer", float: "a decimal", str: "a string", list: "an array", dict: "an object",
}


def type_phrase(kinds: type | tuple[type, ...]) -> str:
    """Python types as the real messages name what they expected: ``an integer``, ``a string or an array``."""
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    if set(kinds) == {int, float}:
        return "a decimal"  # any number: the real API says "decimal" (core.md §1.2)
    return " or ".join(_TYPE_PHRASES.get(k, "a " + k.__name__) for k in kinds)


def wrong_type(param: str, value: Any, expected: type | tuple[type, ...]) -> APIError:
    """``invalid_type`` with the expected JSON type(s) given as Python types."""
    return invalid_type(param, type_phrase(expected), value)


def json_type_name(value: Any) -> str:
    """How the real API's messages name a value's JSON type: ``null``, ``a boolean``, ``an integer``,
    ``a decimal``, ``a string``, ``an array``, ``an object``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "a " + type(value).__name__


def unknown_parameter(name: str) -> APIError:
    return APIError(400, f"Unrecognized request argument supplied: {name}")


def not_found(thing: str, object_id: str) -> APIError:
    """404 in the Assistants family's wording: ``No assistant found with id 'asst_x'.``"""
    return APIError(404, f"No {thing} found with id '{object_id}'.")


def file_not_found(file_id: str) -> APIError:
    return APIError(404, f"No such File object: {file_id}", param="id")


def model_not_found(model: str) -> APIError:
    return APIError(
        404,
        f"The model `{model}` does not exist or you do not have access to it.",
        code="model_not_found",
    )


def unknown_url(method: str, path: str) -> APIError:
    return APIError(
        404,
        f"Unknown request URL: {method} {path}. Please check the URL for typos, "
        "or see the docs at https://platform.openai.com/docs/api-reference/.",
        code="unknown_url",
    )


def method_not_allowed(method: str, path: str) -> APIError:
    # The real API answers a wrong method on a known path with 405 and the
    # same "unknown URL" style message (verified shape: envelope, code null).
    return APIError(
        405,
        f"Not allowed to {method} on {path}. (HINT: Perhaps you meant to use a different HTTP method?)",
    )


INVALID_JSON_MESSAGE = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your "
    "HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. "
    "If you have trouble figuring out how to fix this, please contact us through our help center at "
    "help.openai.com.)"
)


def invalid_json() -> APIError:
    return APIError(400, INVALID_JSON_MESSAGE)


# JSON nested deeper than this is refused as unparsable (contracts/README.md, "Deviations and choices"). orjson
# writes at most 254 levels and the contract validator recurses on input: a stored body nested near that limit
# could not be echoed inside a list page, a batch output line or the journal (each adds levels), a 500 each time.
MAX_JSON_DEPTH = 128
_ORJSON_MAX_DEPTH = 254


def nested_too_deep(value: Any) -> bool:
    """Whether parsed JSON nests containers more than ``MAX_JSON_DEPTH`` deep.

    orjson's own recursion limit does the walk at C speed: the value wrapped in enough lists that a legal
    depth just fits. Only a recursion failure counts (a form may hold integers orjson cannot write).
    """
    wrapped = value
    for _ in range(_ORJSON_MAX_DEPTH - MAX_JSON_DEPTH):
        wrapped = [wrapped]
    try:
        orjson.dumps(wrapped)
    except orjson.JSONEncodeError as exc:
        return "ecursion" in str(exc)
    return False


def missing_api_key() -> APIError:
    return APIError(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using "
        "Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) "
        "if you're accessing the API from your browser and are prompted for a username and password. You can "
        "obtain an API key from https://platform.openai.com/account/api-keys.",
    )


def invalid_api_key(key: str) -> APIError:
    return APIError(
        401,
        f"Incorrect API key provided: {mask_key(key)}. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
        code="invalid_api_key",
    )


def server_error(request_id: str | None = None) -> APIError:
    """A 500. With a request id, the current wording (code ``server_error``, e.g. openai/openai-node#1730,
    2026); without one, the older "Sorry about that!" form (code null)."""
    if request_id is None:
        return APIError(500, "The server had an error while processing your request. Sorry about that!",
                        type="server_error")  # fmt: skip
    return APIError(
        500,
        "An error occurred while processing your request. You can retry your request, or contact us through our "
        f"help center at help.openai.com if the error persists. Please include the request ID {request_id} in "
        "your message.",
        type="server_error",
        code="server_error",
    )


def mask_key(key: str) -> str:
    """``sk-VKMIs****…****wjh3`` style: first chars, a run of ``*``, last four."""
    if len(key) <= 8:
        return "*" * len(key)
    return key[:8] + "*" * 12 + key[-4:]


def _show(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else repr(value)


def quoted_list(values: list[str] | tuple[str, ...]) -> str:
    """``'a', 'b', and 'c'``: how the real API lists supported values."""
    return _enumerate([f"'{value}'" for value in values])


def _enumerate(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    return ", ".join(items[:-1]) + ", and " + items[-1]
