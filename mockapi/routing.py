"""Path routing for the OpenAI surface: a segment trie, so matching costs O(path depth).

Routes use the official spec's path templates (``/files/{file_id}``) without
the ``/v1`` prefix, so each route is tied to its contract operation by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mockapi import errors

if TYPE_CHECKING:
    from mockapi.context import RequestContext

Handler = Callable[["RequestContext"], Any]
# A body mode for operations the spec declares with both media types (POST /images/edits): the request's
# Content-Type picks the reader and the schema it is validated against.
JSON_OR_MULTIPART = "json|multipart"
FORM = "application/x-www-form-urlencoded"


@dataclass
class Route:
    method: str
    path: str
    handler: Handler
    # "json", "multipart", JSON_OR_MULTIPART or "none": how the request body is read.
    body: str = "json"
    # A media type also read as it comes (the text in ``ctx.body``), e.g. POST /realtime/calls' application/sdp.
    raw_media: str | None = None
    # Assistants-family routes need `OpenAI-Beta: assistants=v2`.
    beta: bool = False
    # Set by the dispatcher at start-up: the contract operation, if the spec has it.
    operation: Any = None
    # A JSON answer's status: 201 where the operation declares only that (POST /evals), else 200.
    status: int = 200
    # A JSON route whose operation also declares a urlencoded body (POST /responses/compact, /responses/input_tokens,
    # /skills/{id}); set with ``operation``.
    takes_form: bool = False
    name: str = ""

    def body_for(self, content_type: str) -> str:
        """How a request with this Content-Type is read: "json", "multipart", "form", "raw" or "none".

        A route taking both reads JSON only when it is sent as JSON, so anything else still gets the
        multipart route's Content-Type error."""
        if self.raw_media is not None and content_type.split(";")[0].strip().lower() == self.raw_media:
            return "raw"
        if self.takes_form and content_type[:33].lower() == FORM:
            return "form"
        if self.body != JSON_OR_MULTIPART:
            return self.body
        return "json" if content_type.split(";")[0].strip().lower() == "application/json" else "multipart"


@dataclass
class _Node:
    literals: dict[str, _Node] = field(default_factory=dict)
    param: tuple[str, _Node] | None = None
    routes: dict[str, Route] = field(default_factory=dict)


class Router:
    def __init__(self) -> None:
        self._root = _Node()
        self.routes: list[Route] = []
        # Paths without parameters (`/models`, `/files`), by path: one dict lookup instead of the trie walk. The
        # trie would find the same node (a literal segment wins over a parameter).
        self._static: dict[str, _Node] = {}

    def add(self, method: str, path: str, handler: Handler, *, body: str | None = None, beta: bool = False,
            raw_media: str | None = None) -> Route:  # fmt: skip
        method = method.upper()
        if body is None:
            body = "json" if method == "POST" else "none"
        route = Route(method, path, handler, body=body, beta=beta, raw_media=raw_media, name=f"{method} {path}")
        node = self._root
        for segment in _segments(path):
            if segment.startswith("{") and segment.endswith("}"):
                name = segment[1:-1]
                if node.param is None:
                    node.param = (name, _Node())
                elif node.param[0] != name:
                    raise ValueError(f"conflicting parameter names at {path}")
                node = node.param[1]
            else:
                node = node.literals.setdefault(segment, _Node())
        if method in node.routes:
            raise ValueError(f"duplicate route {route.name}")
        node.routes[method] = route
        self.routes.append(route)
        if "{" not in path:
            self._static["/" + "/".join(_segments(path))] = node
        return route

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        """The route and path parameters, or the real API's 404/405 ``APIError``."""
        params: dict[str, str] = {}
        node = self._static.get(path)
        if node is None:
            # Split as sent: an empty segment (`/v1/models/`, `/v1//models`) matches no route, so a client that
            # builds its URLs wrongly gets the 404 here too (contracts/README.md, "Deviations and choices").
            node = _find(self._root, path[1:].split("/"), 0, params)
        if node is None:
            raise errors.unknown_url(method, "/v1" + path)
        route = node.routes.get(method)
        if route is None:
            raise errors.method_not_allowed(method, "/v1" + path)
        return route, params


def _find(node: _Node, segments: list[str], i: int, params: dict[str, str]) -> _Node | None:
    """Depth-first: a literal segment wins over a parameter, with backtracking."""
    if i == len(segments):
        return node if node.routes else None
    segment = segments[i]
    child = node.literals.get(segment)
    if child is not None:
        found = _find(child, segments, i + 1, params)
        if found is not None:
            return found
    if node.param is not None and segment:
        name, child = node.param
        found = _find(child, segments, i + 1, params)
        if found is not None:
            params[name] = segment
            return found
    return None


def _segments(path: str) -> list[str]:
    return path.strip("/").split("/") if path.strip("/") else []
