"""The reference client under the fake's fault injection, over a real socket (``mockapi_server``) and
in-process: what a production user sees when the network or the server misbehaves.

Back-off waits are recorded, never slept (``sleep=`` is injected); the waits that remain are the fake's
own short faults.
"""

from __future__ import annotations

import httpx
import pytest
from mockapi_client import APIConnectionError, AsyncClient, Client

from mockapi.inprocess import sync_transport

USER = [{"role": "user", "content": "Tell me something."}]


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)

    async def wait(self, seconds: float) -> None:
        self.waits.append(seconds)


def socket_client(server, sleeps: Sleeps | None = None, **kwargs) -> Client:
    return Client(api_key="sk-test", base_url=server.base_url, sleep=sleeps or Sleeps(), **kwargs)


def async_socket_client(server, sleeps: Sleeps | None = None, **kwargs) -> AsyncClient:
    return AsyncClient(api_key="sk-test", base_url=server.base_url, sleep=(sleeps or Sleeps()).wait, **kwargs)


def inprocess_client(fake, sleeps: Sleeps | None = None, **kwargs) -> Client:
    return Client(api_key="sk-test", base_url=fake.base_url, transport=sync_transport(fake.app, httpx),
                  sleep=sleeps or Sleeps(), **kwargs)


# -- retries ---------------------------------------------------------------------------------------------------


def test_fault_directive_times_n_fails_the_first_attempts_only(mockapi, mockapi_server):
    """``times=2`` counts attempts by the SDK's retry-count header: the third attempt must go through."""
    sleeps = Sleeps()
    with socket_client(mockapi_server, sleeps) as client:
        page = client.models.list(extra_headers={"x-mockapi-fault": "reset; times=2"})
        assert page.data and len(sleeps.waits) == 2
        completion = client.chat.completions.create(
            model="gpt-4o-mini", messages=USER, extra_headers={"x-mockapi-fault": "overloaded; times=1"})
        assert completion.text
    attempts = [(e.status, e.fault, e.headers.get("x-stainless-retry-count")) for e in mockapi.journal.entries()]
    assert attempts == [(0, "header:reset", "0"), (0, "header:reset", "1"), (200, None, "2"),
                        (503, "header:overloaded", "0"), (200, None, "1")]
    with pytest.raises(APIConnectionError):  # and without retries the one attempt fails
        socket_client(mockapi_server, max_retries=0).models.list(extra_headers={"x-mockapi-fault": "reset"})
