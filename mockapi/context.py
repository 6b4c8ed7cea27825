"""What a handler receives: the caller, the validated input and the fake's services."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mockapi.state import Namespace

if TYPE_CHECKING:
    from mockapi.fake import Fake


@dataclass
class UploadedFile:
    filename: str
    content_type: str
    data: bytes


@dataclass(slots=True)
class RequestContext:
    fake: Fake
    method: str
    path: str
    params: dict[str, str]
    query: dict[str, Any]
    body: Any
    headers: dict[str, str]
    api_key: str
    owner: str
    request_id: str
    # Response headers a handler wants to add (e.g. openai-poll-after-ms).
    response_headers: dict[str, str] = field(default_factory=dict)
    # The fault or rate-limit rule that answered this request, for the journal (None: the handler did).
    fault: str | None = None
    # A request run inside the fake (a batch line): no connection, so faults and rate limits adapt.
    internal: bool = False
    # x-ratelimit-* headers the rate limiter computed before the handler ran.
    ratelimit_headers: dict[str, str] | None = None

    # The caller's namespace, looked up once (handlers and interceptors ask for it several times).
    _ns: Namespace | None = field(default=None, repr=False, compare=False)

    @property
    def ns(self) -> Namespace:
        found = self._ns
        if found is None:
            found = self._ns = self.fake.state.namespace(self.owner)
        return found

    @property
    def now(self) -> int:
        return int(self.fake.clock.now())  # not now_int(): one call less on every handler's path

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())
