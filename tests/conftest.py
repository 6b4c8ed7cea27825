from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def http(mockapi):
    """Raw HTTP against the in-process fake, for requests the SDK would never send."""
    with mockapi.http_client() as client:
        yield client
