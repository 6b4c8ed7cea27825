"""Every exception the client raises, and the mapping from an HTTP error response to its class.

Errors from the API carry what the error envelope says (``type``, ``code``,
``param``, message), the HTTP ``status`` and the ``x-request-id``. Errors the
client makes itself (breaker open, queue full, ...) derive from
``MockapiClientError`` too, so one ``except`` catches everything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import httpx


class MockapiClientError(Exception):
    """Base of every error raised by ``mockapi_client``."""


class APIError(MockapiClientError):
    """A failed API call: an error response, a dropped connection, a timeout or an error inside a stream."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        type: str | None = None,
        code: str | None = None,
        param: str | None = None,
        request_id: str | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.type = type
        self.code = code
        self.param = param
        self.request_id = request_id
        self.body = body
        self.headers: Mapping[str, str] = headers or {}

    def __str__(self) -> str:
        prefix = f"Error code: {self.status} - " if self.status is not None else ""
        suffix = f" (request id {self.request_id})" if self.request_id else ""
        return f"{prefix}{self.message}{suffix}"


class APIStatusError(APIError):
    """The API answered with a 4xx/5xx status."""


class BadRequestError(APIStatusError):
    """400: the request is invalid; ``param`` names the offending field."""


class AuthenticationError(APIStatusError):
    """401: missing or wrong API key."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not do this."""


class NotFoundError(APIStatusError):
    """404: unknown object, model or URL."""


class ConflictError(APIStatusError):
    """409: the object is in a state that forbids this (retried: the conflict is often transient)."""


class UnprocessableEntityError(APIStatusError):
    """422."""


class RateLimitError(APIStatusError):
    """429 rate limit; ``retry_after`` (seconds) is what the server asked us to wait, when it said."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class QuotaExceededError(APIStatusError):
    """429 ``insufficient_quota``: out of credit. Not a ``RateLimitError``: waiting does not help."""


class ServerError(APIStatusError):
    """5xx: a transient server failure (retried before it is raised)."""


class APIResponseValidationError(APIError):
    """A successful status whose body is not the expected object (empty, not JSON, an HTML page, or JSON
    missing required fields): the call's result is unknown, so it is an error, never a silent ``str``/``None``."""


class APIConnectionError(APIError):
    """The request never got a complete response: refused, reset, or cut mid-stream."""


class APITimeoutError(APIConnectionError):
    """No response within the call's timeout."""


class StreamError(APIError):
    """An ``error`` event arrived inside an SSE stream."""


# -- errors the client makes itself ------------------------------------------------


class CircuitOpenError(MockapiClientError):
    """The circuit breaker is open: the call was not sent. ``retry_after`` is when a trial is allowed."""

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class QueueFullError(MockapiClientError):
    """Every concurrency slot is busy and the waiting queue is at its limit: the call was not queued."""

    def __init__(self, message: str, *, active: int, waiting: int) -> None:
        super().__init__(message)
        self.active = active
        self.waiting = waiting


class QueueTimeoutError(MockapiClientError):
    """The call waited in the queue longer than the queue's ``max_wait``."""


class RequestTooLargeError(MockapiClientError):
    """The call needs more tokens than the limiter allows in a whole minute: it could never be sent."""

    def __init__(self, message: str, *, tokens: int, limit: int) -> None:
        super().__init__(message)
        self.tokens = tokens
        self.limit = limit


class FinishReasonError(MockapiClientError):
    """Structured output could not be parsed because the reply stopped early (``length``, ``content_filter``)."""

    def __init__(self, finish_reason: str, completion: Any = None) -> None:
        super().__init__(f"Could not parse the reply: it finished with finish_reason={finish_reason!r}.")
        self.finish_reason = finish_reason
        self.completion = completion


class ToolLoopError(MockapiClientError):
    """The tool loop hit its round limit, met an unknown tool, or the run ended badly."""


class PollTimeoutError(MockapiClientError):
    """Polling gave up before the object reached a final status."""


class TokenBudgetError(MockapiClientError):
    """The messages that must be kept (system messages and the newest turn) exceed the token budget."""


class FineTuneFileError(MockapiClientError):
    """The training file breaks the fine-tuning rules; ``problems`` holds every reason found locally."""

    def __init__(self, problems: list[Any]) -> None:
        first = problems[0] if problems else "invalid file"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{getattr(first, 'message', first)}{more}")
        self.problems = problems


# -- building errors from responses ---------------------------------------------------

_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
}


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds the server asked to wait: ``retry-after-ms`` first, then ``retry-after`` (seconds or HTTP date)."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return float(raw_ms) / 1000
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    import time
    from datetime import UTC

    if when.tzinfo is None:  # "-0000" parses naive: HTTP dates are UTC, never local time
        when = when.replace(tzinfo=UTC)
    return when.timestamp() - time.time()


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def error_body(response: httpx.Response) -> tuple[Any, dict[str, Any]]:
    """(whole body, the ``error`` object or {}) of an error response; tolerant of non-JSON bodies."""
    try:
        body = response.json()
    except ValueError:
        text = response.text
        return text, {"message": _text_message(text, response)}
    inner = body.get("error") if isinstance(body, dict) else None
    if isinstance(inner, str):  # some gateways: {"error": "Bad gateway"}
        return body, {"message": inner}
    return body, inner if isinstance(inner, dict) else {}


def _text_message(text: str, response: httpx.Response) -> str:
    """A one-line message for a non-JSON error body: an HTML page (a proxy's, e.g. Cloudflare's 502) gives
    its title, not its markup; the whole page stays in ``body``."""
    stripped = text.strip()
    if stripped.startswith("<"):
        title = _TITLE.search(stripped)
        return " ".join(title.group(1).split()) if title else f"HTTP {response.status_code} {response.reason_phrase}"
    return stripped or f"HTTP {response.status_code} {response.reason_phrase}"


def from_response(response: httpx.Response) -> APIStatusError:
    """The typed error for an error response (its body must have been read)."""
    body, error = error_body(response)
    status = response.status_code
    message = str(error.get("message") or f"HTTP {status} {response.reason_phrase}")
    kwargs: dict[str, Any] = {
        "status": status,
        "type": error.get("type"),
        "code": error.get("code"),
        "param": error.get("param"),
        "request_id": response.headers.get("x-request-id"),
        "body": body,
        "headers": response.headers,
    }
    if status == 429:
        if "insufficient_quota" in (kwargs["code"], kwargs["type"]):
            return QuotaExceededError(message, **kwargs)
        return RateLimitError(message, retry_after=parse_retry_after(response.headers), **kwargs)
    if status >= 500:
        return ServerError(message, **kwargs)
    return _BY_STATUS.get(status, APIStatusError)(message, **kwargs)


def from_transport_error(exc: httpx.TransportError) -> APIConnectionError:
    detail = str(exc) or type(exc).__name__  # httpx's read timeouts and resets often have no text
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"Request timed out: {detail}")
    return APIConnectionError(f"Connection error: {detail}")


def from_stream_event(data: Any, event: str | None = None) -> StreamError:
    """The error carried by an SSE event: ``{"error": {...}}`` or a bare error object."""
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        error = data if isinstance(data, dict) else {"message": str(data)}
    return StreamError(
        str(error.get("message") or f"error event in stream ({event or 'data'})"),
        type=error.get("type"),
        code=error.get("code"),
        param=error.get("param"),
        body=data,
    )
