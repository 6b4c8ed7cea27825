from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests._webhook_receiver import Receiver


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def http(mockapi):
    """Raw HTTP against the in-process fake, for requests the SDK would never send."""
    with mockapi.http_client() as client:
        yield client


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A local webhook handler: records each delivery (``.received``), answers with the queued ``.answers``."""
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def admin(mockapi):
    """The official SDK's ``admin.organization`` with an admin key (the Administration API's tests)."""
    client = mockapi.openai_client(admin_api_key="sk-admin-test", _strict_response_validation=True)
    yield client.admin.organization
    client.close()
