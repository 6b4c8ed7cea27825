"""pytest plugin (entry point ``pytest11``): a fresh fake per test and SDK clients wired to it.

Fixtures:
- ``mockapi``: a fresh in-process ``Fake`` with response contract checks on; the
  test fails if any response broke the contract or the fake raised internally.
- ``mockapi_server``: the same fake behind a real loopback socket (uvicorn).
- ``openai_client`` / ``async_openai_client``: official SDK clients pointed at
  ``mockapi`` in-process, with ``_strict_response_validation=True``.

While the plugin is active, resolving ``api.openai.com`` fails, so no test can
reach the real service by mistake (set ``MOCKAPI_ALLOW_REAL_API=1`` to opt out).
"""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from mockapi.fake import Fake

REAL_HOSTS = {"api.openai.com"}
_original_getaddrinfo = socket.getaddrinfo


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    name = host.decode() if isinstance(host, bytes) else host
    if isinstance(name, str) and name.lower().rstrip(".") in REAL_HOSTS:
        raise OSError(f"mockapi: refusing to reach the real OpenAI API ({name}) from a test")
    return _original_getaddrinfo(host, *args, **kwargs)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "mockapi(**settings): settings for the mockapi fixture's Fake")
    if os.environ.get("MOCKAPI_ALLOW_REAL_API") != "1":
        socket.getaddrinfo = _guarded_getaddrinfo


def pytest_unconfigure(config: pytest.Config) -> None:
    socket.getaddrinfo = _original_getaddrinfo


def _settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    settings: dict[str, Any] = {"validate_responses": True}
    marker = request.node.get_closest_marker("mockapi")
    if marker is not None:
        settings.update(marker.kwargs)
    return settings


def assert_clean(fake: Fake) -> None:
    problems = [f"contract violation: {v}" for v in fake.violations]
    problems += [f"internal error in the fake:\n{e}" for e in fake.internal_errors]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def mockapi(request: pytest.FixtureRequest) -> Iterator[Fake]:
    fake = Fake(**_settings(request))
    yield fake
    assert_clean(fake)


@pytest.fixture
def mockapi_server(mockapi: Fake) -> Iterator[Any]:
    from mockapi.server import BackgroundServer

    with BackgroundServer(mockapi) as server:
        yield server


@pytest.fixture
def openai_client(mockapi: Fake) -> Iterator[Any]:
    client = mockapi.openai_client(_strict_response_validation=True)
    yield client
    client.close()


@pytest.fixture
async def async_openai_client(mockapi: Fake) -> AsyncIterator[Any]:
    client = mockapi.async_openai_client(_strict_response_validation=True)
    yield client
    await client.close()
