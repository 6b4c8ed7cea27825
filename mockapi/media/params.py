"""Reading request fields the same way for JSON and multipart bodies, and the errors they raise.

With the contract layer on, multipart fields arrive typed (``n`` an int,
``timestamp_granularities[]`` folded into a list under ``timestamp_granularities``);
without it they are raw strings under their wire names. These helpers accept
both, so handlers never depend on which one ran.
"""

from __future__ import annotations

from typing import Any

from mockapi import catalog, errors
from mockapi.catalog import ModelInfo
from mockapi.common import typed
from mockapi.context import UploadedFile
from mockapi.state import Namespace


def field(body: dict[str, Any], name: str) -> Any:
    """``name`` or its ``name[]`` wire form (multipart arrays)."""
    if name in body:
        return body[name]
    return body.get(name + "[]")


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def files(body: dict[str, Any], name: str) -> list[UploadedFile]:
    """Every file part sent as ``name`` or ``name[]`` (in order)."""
    found: list[Any] = []
    for key in (name, name + "[]"):
        found += as_list(body.get(key))
    return [item for item in found if isinstance(item, UploadedFile)]


def integer(body: dict[str, Any], name: str, default: int | None = None) -> int | None:
    value = body.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        raise invalid_type(name, "an integer", value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value)
    raise invalid_type(name, "an integer", value)


def number(body: dict[str, Any], name: str, default: float | None = None) -> float | None:
    value = body.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        raise invalid_type(name, "a number", value)
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise invalid_type(name, "a number", value) from None


def boolean(body: dict[str, Any], name: str, default: bool = False) -> bool:
    value = body.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise invalid_type(name, "a boolean", value)


def text(body: dict[str, Any], name: str, default: str | None = None) -> str | None:
    return typed(body, name, str, default)


def required_text(body: dict[str, Any], name: str) -> str:
    value = text(body, name)
    if value is None:
        raise errors.missing_parameter(name)
    return value


def model(ns: Namespace, body: dict[str, Any], kinds: tuple[str, ...], endpoint: str,
          default: str | None = None) -> ModelInfo:
    """The requested model: 404 when unknown to this caller, 400 when it serves another endpoint."""
    name = body.get("model")
    if name is None:
        name = default
    if name is None:
        raise errors.missing_parameter("model")
    if not isinstance(name, str):
        raise invalid_type("model", "a string", name)
    info = catalog.lookup(ns, name)
    if info is None:
        raise errors.model_not_found(name)
    if info.kind not in kinds:
        raise wrong_endpoint(endpoint)
    return info


def check_image_url(url: str, param: str) -> None:
    """An image the caller names by URL must be http(s) or an image ``data:`` URL (the spec's ``format: uri``).

    Found by contract fuzzing: an empty or relative URL was accepted (and echoed, breaking the response
    schema). One wording for every surface that takes one; chosen (contracts/README.md)."""
    if not is_image_url(url):
        raise errors.invalid_request(
            f"Invalid '{param}': expected a valid http(s) or data URL, but got {url!r}.", param=param,
            code="invalid_value",
        )


def is_image_url(url: str) -> bool:
    scheme, _, rest = url.partition(":")
    if scheme.lower() == "data":
        return rest.startswith("image/")
    return scheme.lower() in ("http", "https") and rest.startswith("//") and len(rest) > 2 and " " not in url


# -- errors in the real API's wording (core.md §1.2) ----------------------------------------------


def wrong_endpoint(endpoint: str) -> errors.APIError:
    """A known model that does not serve this endpoint.

    Shaped after the real "This is a chat model and not supported in the v1/completions endpoint."
    (the wording for the media endpoints is unverified; contracts/README.md).
    """
    return errors.APIError(
        400, f"This model is not supported in the v1/{endpoint} endpoint.", param="model", code="model_not_supported"
    )


def invalid_type(name: str, expected: str, got: Any) -> errors.APIError:
    return errors.invalid_type(name, expected, got, kind=_json_kind(got))


def unknown_parameter(name: str) -> errors.APIError:
    # Real (vercel/ai#6102): gpt-image-1 given response_format.
    return errors.APIError(400, f"Unknown parameter: '{name}'.", param=name, code="unknown_parameter")


def unsupported_parameter(name: str) -> errors.APIError:
    return errors.APIError(
        400, f"Unsupported parameter: '{name}' is not supported with this model.",
        param=name, code="unsupported_parameter",
    )


def unsupported_value(name: str, value: Any) -> errors.APIError:
    return errors.APIError(
        400, f"Unsupported value: '{name}' does not support {_show(value)} with this model.",
        param=name, code="unsupported_value",
    )


def out_of_range(name: str, value: float, low: float | None, high: float | None, integer_: bool) -> errors.APIError:
    kind = "integer" if integer_ else "decimal"
    if high is not None and value > high:
        return errors.APIError(
            400,
            f"Invalid '{name}': {kind} above maximum value. Expected a value <= {_num(high)}, "
            f"but got {_num(value)} instead.",
            param=name, code=f"{kind}_above_max_value",
        )
    return errors.APIError(
        400,
        f"Invalid '{name}': {kind} below minimum value. Expected a value >= {_num(low)}, "
        f"but got {_num(value)} instead.",
        param=name, code=f"{kind}_below_min_value",
    )


def check_range(name: str, value: float | None, low: float | None, high: float | None, integer_: bool) -> None:
    if value is None:
        return
    if (low is not None and value < low) or (high is not None and value > high):
        raise out_of_range(name, value, low, high, integer_)


def check_enum(name: str, value: Any, supported: list[str]) -> None:
    if value is not None and value not in supported:
        raise errors.invalid_value(name, value, supported)


def _num(value: float | None) -> str:
    if value is None:
        return "null"
    return str(int(value)) if float(value).is_integer() else str(value)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"'{value}'" if isinstance(value, str) else repr(value)


def _json_kind(value: Any) -> str:
    """As ``errors.json_type_name``, but a file part is "a file" and any number "a number"."""
    if isinstance(value, UploadedFile):
        return "a file"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    return errors.json_type_name(value)
