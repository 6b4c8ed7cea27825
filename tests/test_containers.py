"""Containers and their files with the official SDK: ids and paths, copies of stored files, uploads and
downloads, the 20-minute idle expiry on the fake's clock, errors, and per-key isolation."""

from __future__ import annotations

import re

import openai
import pytest

manual = pytest.mark.mockapi(manual_clock=True)


def test_container_with_copied_and_uploaded_files(openai_client) -> None:
    source = openai_client.files.create(file=("data.csv", b"a,b\n1,2\n"), purpose="user_data")
    container = openai_client.containers.create(
        name="analysis", file_ids=[source.id], memory_limit="4g",
        network_policy={"type": "allowlist", "allowed_domains": ["pypi.org"]},
    )
    assert re.fullmatch(r"cntr_[0-9a-f]{48}", container.id) and container.status == "running"
    assert (container.memory_limit, container.expires_after.minutes) == ("4g", 20)
    assert container.network_policy.allowed_domains == ["pypi.org"]
    [copied] = openai_client.containers.files.list(container.id).data
    assert re.fullmatch(r"/mnt/data/[0-9a-f]{32}-data\.csv", copied.path) and copied.bytes == 8
    uploaded = openai_client.containers.files.create(container.id, file=("notes/plan.txt", b"step 1"))
    assert re.fullmatch(r"cfile_[0-9a-f]{32}", uploaded.id) and uploaded.path.endswith("-plan.txt")
    content = openai_client.containers.files.content.retrieve(uploaded.id, container_id=container.id)
    assert content.read() == b"step 1"
    listed = openai_client.containers.files.list(container.id, order="asc", limit=1)
    assert [f.id for f in listed.data] == [copied.id] and listed.has_more
    assert [f.id for f in openai_client.containers.files.list(container.id, order="asc")] == [copied.id, uploaded.id]
    openai_client.containers.files.delete(uploaded.id, container_id=container.id)
    with pytest.raises(openai.NotFoundError):
        openai_client.containers.files.retrieve(uploaded.id, container_id=container.id)
    assert [c.id for c in openai_client.containers.list(name="analysis")] == [container.id]
    assert openai_client.containers.list(name="other").data == []
    openai_client.containers.delete(container.id)
    with pytest.raises(openai.NotFoundError) as gone:
        openai_client.containers.retrieve(container.id)
    assert gone.value.body["message"] == f"Container with id '{container.id}' not found."


@manual
def test_container_expires_after_its_idle_minutes(mockapi, openai_client) -> None:
    container = openai_client.containers.create(
        name="short", expires_after={"anchor": "last_active_at", "minutes": 5}
    )
    mockapi.advance(4 * 60)
    openai_client.containers.files.create(container.id, file=("a.txt", b"x"))  # activity: the clock restarts
    mockapi.advance(4 * 60)
    assert openai_client.containers.retrieve(container.id).status == "running"
    mockapi.advance(60)
    expired = openai_client.containers.retrieve(container.id)
    assert expired.status == "expired" and expired.last_active_at == container.created_at + 240
    assert container.id in {c.id for c in openai_client.containers.list()}  # expired ones stay listed
    with pytest.raises(openai.BadRequestError):
        openai_client.containers.files.create(container.id, file=("b.txt", b"y"))


def test_container_errors_and_isolation(mockapi, openai_client) -> None:
    with pytest.raises(openai.BadRequestError) as long:
        openai_client.containers.create(name="x", expires_after={"anchor": "last_active_at", "minutes": 60})
    assert long.value.code == "integer_above_max_value" and long.value.param == "expires_after.minutes"
    with pytest.raises(openai.BadRequestError) as memory:
        openai_client.containers.create(name="x", memory_limit="2g")
    assert memory.value.param == "memory_limit"
    with pytest.raises(openai.NotFoundError):
        openai_client.containers.create(name="x", file_ids=["file-missing"])
    container = openai_client.containers.create(name="mine")
    with pytest.raises(openai.BadRequestError) as nothing:
        openai_client.containers.files.create(container.id)
    assert nothing.value.param == "file"
    other = mockapi.openai_client(api_key="sk-other-key")
    with pytest.raises(openai.NotFoundError):
        other.containers.retrieve(container.id)
    assert other.containers.list().data == []
