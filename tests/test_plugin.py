"""The pytest plugin: fixtures over a real socket, the real-API guard, project-scoped keys."""

from __future__ import annotations

import io
import socket

import openai
import pytest


def test_mockapi_server_serves_the_sdk_over_a_socket(mockapi_server) -> None:
    client = openai.OpenAI(base_url=mockapi_server.base_url, api_key="sk-socket",
                           _strict_response_validation=True)
    created = client.files.create(file=("a.txt", io.BytesIO(b"over tcp")), purpose="assistants")
    assert client.files.content(created.id).read() == b"over tcp"
    # The in-process fixture and the socket share one fake.
    assert mockapi_server.fake.journal.entries(method="POST")[0].path == "/v1/files"


def test_the_real_api_cannot_be_reached_from_a_test() -> None:
    with pytest.raises(OSError, match="refusing to reach the real OpenAI API"):
        socket.getaddrinfo("api.openai.com", 443)


def test_a_default_sdk_client_fails_fast_instead_of_calling_openai() -> None:
    client = openai.OpenAI(api_key="sk-real-looking", max_retries=0)
    with pytest.raises(openai.APIConnectionError):
        client.models.list()


@pytest.mark.mockapi(api_keys={"sk-a1": {"project": "proj_a"}, "sk-a2": {"project": "proj_a"},
                               "sk-b": {"project": "proj_b"}})
def test_keys_of_one_project_share_objects(mockapi) -> None:
    a1, a2, b = (mockapi.openai_client(api_key=k, _strict_response_validation=True) for k in ("sk-a1", "sk-a2", "sk-b"))
    created = a1.files.create(file=("p.txt", io.BytesIO(b"shared")), purpose="assistants")
    assert a2.files.retrieve(created.id).id == created.id
    with pytest.raises(openai.NotFoundError):
        b.files.retrieve(created.id)
    raw = a1.files.with_raw_response.list()
    assert raw.headers["openai-project"] == "proj_a"


@pytest.mark.anyio
async def test_async_client_fixture_streams_nothing_unexpected(async_openai_client) -> None:
    page = await async_openai_client.models.list()
    assert any(m.id == "gpt-4o" for m in page.data)
