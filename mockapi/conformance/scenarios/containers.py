"""Containers and their files: create (with a file copied in), upload, list, download, delete."""

from __future__ import annotations

import pytest


@pytest.mark.sdk_only("the reference client has no containers resource")
def scenario_container_files(api, token) -> None:
    source = api.files.create(file=(f"{token}.csv", b"a,b\n1,2\n"), purpose="user_data")
    container = api.containers.create(name=f"sandbox-{token}", file_ids=[source.id])
    assert container.id.startswith("cntr_") and (container.object, container.status) == ("container", "running")
    assert container.expires_after.anchor == "last_active_at"
    assert api.containers.retrieve(container.id).name == f"sandbox-{token}"
    copied = api.containers.files.list(container.id).data
    assert [(f.bytes, f.source) for f in copied] == [(8, "user")] and copied[0].path.endswith(f"{token}.csv")
    uploaded = api.containers.files.create(container.id, file=(f"{token}.txt", b"hello"))
    assert uploaded.object == "container.file" and uploaded.container_id == container.id
    assert api.containers.files.retrieve(uploaded.id, container_id=container.id).bytes == 5
    body = api.containers.files.content.retrieve(uploaded.id, container_id=container.id)
    assert bytes(body.content) == b"hello"
    assert container.id in {c.id for c in api.containers.list(name=f"sandbox-{token}")}
    api.containers.files.delete(uploaded.id, container_id=container.id)
    with api.raises(404):
        api.containers.files.retrieve(uploaded.id, container_id=container.id)
    api.containers.delete(container.id)
    with api.raises(404):
        api.containers.retrieve(container.id)
    api.files.delete(source.id)
