"""Skills: upload (files, then a zip), versions and the default pointer, downloads, a skill on a container."""

from __future__ import annotations

import io
import zipfile

import pytest


def _manifest(name: str) -> bytes:
    return f"---\nname: {name}\ndescription: Adds two numbers.\n---\n\nRun add.py.\n".encode()


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return out.getvalue()


@pytest.mark.sdk_only("the reference client has no skills resource")
def scenario_skill_versions(api, token) -> None:
    name = f"adder-{token.lower()}"[:64].rstrip("-")
    skill = api.skills.create(files=[(f"{name}/SKILL.md", _manifest(name)), (f"{name}/add.py", b"print(1 + 1)")])
    assert skill.id.startswith("skill_") and skill.name == name
    assert (skill.default_version, skill.latest_version) == ("1", "1")
    assert api.skills.retrieve(skill.id).description == "Adds two numbers."
    assert skill.id in {s.id for s in api.skills.list(limit=100).data}
    with zipfile.ZipFile(io.BytesIO(api.skills.content.retrieve(skill.id).read())) as archive:
        assert sorted(archive.namelist()) == [f"{name}/SKILL.md", f"{name}/add.py"]
    second = api.skills.versions.create(skill.id, files=(f"{name}.zip", _zip({f"{name}/SKILL.md": _manifest(name)})))
    assert second.version == "2" and second.skill_id == skill.id
    assert api.skills.versions.retrieve("2", skill_id=skill.id).id == second.id
    assert [v.version for v in api.skills.versions.list(skill.id, order="asc")] == ["1", "2"]
    with zipfile.ZipFile(io.BytesIO(api.skills.versions.content.retrieve("2", skill_id=skill.id).read())) as archive:
        assert archive.namelist() == [f"{name}/SKILL.md"]
    assert api.skills.update(skill.id, default_version="2").default_version == "2"
    container = api.containers.create(name=f"skilled-{token}", skills=[
        {"type": "skill_reference", "skill_id": skill.id, "version": "1"}])
    api.containers.delete(container.id)
    api.skills.update(skill.id, default_version="1")
    deleted = api.skills.versions.delete("2", skill_id=skill.id)
    assert (deleted.deleted, deleted.version) == (True, "2")
    with api.raises(404):
        api.skills.versions.retrieve("2", skill_id=skill.id)
    assert api.skills.delete(skill.id).deleted
    with api.raises(404):
        api.skills.retrieve(skill.id)
