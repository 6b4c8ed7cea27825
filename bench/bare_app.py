"""The ceiling: a bare Starlette app returning a fixed body, served exactly like the fake.

``app_with_headers`` is the same app sending the headers every real API response carries (core.md §1.3), which
the fake must send too: it shows what those headers alone cost a server (uvicorn checks each one).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

BODY = b'{"object":"list","data":[{"id":"gpt-4o","object":"model","created":1715367049,"owned_by":"system"}]}'
REAL_HEADERS = {
    "x-request-id": "req_8f86f9ca0422141eea7a573eec671544",
    "openai-processing-ms": "0",
    "access-control-expose-headers": "X-Request-ID",
    "openai-version": "2020-10-01",
    "openai-organization": "user-mockapi",
}


async def fixed(request: Request) -> Response:
    await request.body()
    return Response(BODY, media_type="application/json")


async def fixed_with_headers(request: Request) -> Response:
    await request.body()
    return Response(BODY, media_type="application/json", headers=REAL_HEADERS)


app = Starlette(routes=[Route("/{path:path}", fixed, methods=["GET", "POST"])])
app_with_headers = Starlette(routes=[Route("/{path:path}", fixed_with_headers, methods=["GET", "POST"])])
