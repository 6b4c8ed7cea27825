"""Skills with the official SDK: directory and zip uploads, the manifest's front matter, versions and the default
pointer, zip downloads, bundle validation, skill references on containers, and per-key isolation."""

from __future__ import annotations

import base64
import io
import re
import zipfile

import openai
import pytest

MANIFEST = b"---\nname: basic-math\ndescription: Add or multiply numbers.\n---\n\nUse this skill for sums.\n"


def manifest(name: str = "basic-math", description: str = "Add or multiply numbers.") -> bytes:
    return f"---\nname: {name}\ndescription: {description}\n---\n\nUse it.\n".encode()


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return out.getvalue()


def names_in(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_directory_upload_reads_the_front_matter(openai_client) -> None:
    skill = openai_client.skills.create(files=[("basic_math/SKILL.md", MANIFEST), ("basic_math/calc.py", b"1+1")])
    assert re.fullmatch(r"skill_[0-9a-f]{48}", skill.id) and skill.object == "skill"
    assert (skill.name, skill.description) == ("basic-math", "Add or multiply numbers.")
    assert (skill.default_version, skill.latest_version) == ("1", "1")
    assert openai_client.skills.retrieve(skill.id) == skill
    bundle = names_in(openai_client.skills.content.retrieve(skill.id).read())
    assert bundle == {"basic_math/SKILL.md": MANIFEST, "basic_math/calc.py": b"1+1"}
    [version] = openai_client.skills.versions.list(skill.id).data
    assert re.fullmatch(r"skillver_[0-9a-f]{48}", version.id)
    assert (version.skill_id, version.version, version.name) == (skill.id, "1", "basic-math")


def test_zip_upload_and_versions(openai_client) -> None:
    first = zipped({"math/": b"", "math/skill.md": MANIFEST})  # the manifest's name is matched in any case
    skill = openai_client.skills.create(files=("math.zip", first))
    second = zipped({"math/SKILL.md": manifest("better-math", "Sums, faster."), "math/run.py": b"print(2)"})
    v2 = openai_client.skills.versions.create(skill.id, files=("math.zip", second))
    assert v2.version == "2" and v2.name == "better-math"
    current = openai_client.skills.retrieve(skill.id)
    assert (current.default_version, current.latest_version, current.name) == ("1", "2", "basic-math")
    v3 = openai_client.skills.versions.create(skill.id, files=[("m/SKILL.md", manifest("third"))], default=True)
    current = openai_client.skills.retrieve(skill.id)
    assert (current.default_version, current.latest_version, current.name) == ("3", "3", "third")
    assert openai_client.skills.versions.retrieve("latest", skill_id=skill.id).id == v3.id
    assert "math/run.py" in names_in(openai_client.skills.versions.content.retrieve("2", skill_id=skill.id).read())
    listed = openai_client.skills.versions.list(skill.id, order="asc")
    assert [v.version for v in listed] == ["1", "2", "3"]
    page = openai_client.skills.versions.list(skill.id, limit=1)
    assert [v.version for v in page.data] == ["3"] and page.has_more

    updated = openai_client.skills.update(skill.id, default_version="2")
    assert (updated.default_version, updated.name, updated.description) == ("2", "better-math", "Sums, faster.")
    with pytest.raises(openai.BadRequestError) as default:
        openai_client.skills.versions.delete("2", skill_id=skill.id)
    assert default.value.param == "version"
    gone = openai_client.skills.versions.delete("3", skill_id=skill.id)
    assert (gone.object, gone.deleted, gone.id, gone.version) == ("skill.version.deleted", True, v3.id, "3")
    assert openai_client.skills.retrieve(skill.id).latest_version == "2"
    assert openai_client.skills.versions.create(skill.id, files=("m.zip", second)).version == "4"  # not reused
    with pytest.raises(openai.NotFoundError) as missing:
        openai_client.skills.versions.retrieve("3", skill_id=skill.id)
    assert missing.value.param == "version"
    with pytest.raises(openai.NotFoundError) as bad_default:
        openai_client.skills.update(skill.id, default_version="9")
    assert bad_default.value.param == "default_version"

    removed = openai_client.skills.delete(skill.id)
    assert (removed.id, removed.object, removed.deleted) == (skill.id, "skill.deleted", True)
    with pytest.raises(openai.NotFoundError) as after:
        openai_client.skills.retrieve(skill.id)
    assert after.value.body["message"] == f"Skill with id '{skill.id}' not found."


@pytest.mark.parametrize(("files", "fragment"), [
    ([("x/README.md", b"hi")], "must contain a SKILL.md"),
    ([("a/SKILL.md", MANIFEST), ("b/run.py", b"")], "single top-level folder"),
    ([("a/SKILL.md", MANIFEST), ("a/skill.md", MANIFEST)], "exactly one SKILL.md"),
    ([("a/SKILL.md", b"# no front matter")], "must start with YAML front matter"),
    ([("a/SKILL.md", b"---\nname: [unclosed\n---\n")], "not valid YAML"),
    ([("a/SKILL.md", b"---\ndescription: nameless\n---\n")], "'name'"),
    ([("a/SKILL.md", manifest("Basic_Math"))], "Invalid skill name"),
    ([("a/SKILL.md", manifest("-math"))], "Invalid skill name"),
    ([("a/../SKILL.md", MANIFEST)], "Invalid file path"),
    (("broken.zip", b"PK\x03\x04 not really"), "not a valid zip"),
])
def test_bad_bundles_are_400s_naming_files(openai_client, files, fragment) -> None:
    with pytest.raises(openai.BadRequestError) as bad:
        openai_client.skills.create(files=files)
    assert bad.value.param == "files" and fragment in bad.value.message
    assert openai_client.skills.list().data == []  # nothing stored


def test_create_needs_file_parts(openai_client) -> None:
    with pytest.raises(openai.BadRequestError) as missing:
        openai_client.skills.create()
    assert missing.value.code == "missing_required_parameter" and missing.value.param == "files"
    with pytest.raises(openai.BadRequestError) as text:
        openai_client.skills.create(extra_body={"files": "SKILL.md"})
    assert text.value.param == "files" and text.value.code == "invalid_type"


def test_a_skill_without_a_folder_and_without_a_description(openai_client) -> None:
    skill = openai_client.skills.create(files=("SKILL.md", b"---\nname: bare\n---\nBody.\n"))
    assert (skill.name, skill.description) == ("bare", "")
    assert list(names_in(openai_client.skills.content.retrieve(skill.id).read())) == ["SKILL.md"]


def test_containers_check_skill_references(openai_client) -> None:
    skill = openai_client.skills.create(files=[("m/SKILL.md", MANIFEST)])
    inline = {"type": "inline", "name": "basic-math", "description": "Sums.", "source": {
        "type": "base64", "media_type": "application/zip", "data": base64.b64encode(zipped({"m/SKILL.md": MANIFEST}))
        .decode()}}
    container = openai_client.containers.create(name="with-skills", skills=[
        {"type": "skill_reference", "skill_id": skill.id},
        {"type": "skill_reference", "skill_id": skill.id, "version": "latest"},
        {"type": "skill_reference", "skill_id": skill.id, "version": "1"}, inline,
    ])
    assert container.status == "running"
    with pytest.raises(openai.NotFoundError) as unknown:
        openai_client.containers.create(name="x", skills=[{"type": "skill_reference", "skill_id": "skill_missing"}])
    assert unknown.value.param == "skills[0].skill_id"
    assert unknown.value.body["message"] == "Skill with id 'skill_missing' not found."
    with pytest.raises(openai.NotFoundError) as version:
        openai_client.containers.create(name="x", skills=[
            inline, {"type": "skill_reference", "skill_id": skill.id, "version": "2"}])
    assert version.value.param == "skills[1].version"
    with pytest.raises(openai.BadRequestError) as word:
        openai_client.containers.create(name="x", skills=[
            {"type": "skill_reference", "skill_id": skill.id, "version": "newest"}])
    assert word.value.param == "skills[0].version"
    with pytest.raises(openai.BadRequestError) as data:
        openai_client.containers.create(name="x", skills=[{**inline, "source": {**inline["source"], "data": "@@"}}])
    assert data.value.param == "skills[0].source.data"
    assert [c.id for c in openai_client.containers.list()] == [container.id]  # the refused ones were not made


def test_skills_are_per_key(mockapi, openai_client) -> None:
    skill = openai_client.skills.create(files=[("m/SKILL.md", MANIFEST)])
    other = mockapi.openai_client(api_key="sk-other-key")
    assert other.skills.list().data == []
    with pytest.raises(openai.NotFoundError):
        other.skills.retrieve(skill.id)
    with pytest.raises(openai.NotFoundError):
        other.skills.versions.list(skill.id)
    with pytest.raises(openai.NotFoundError):
        other.containers.create(name="x", skills=[{"type": "skill_reference", "skill_id": skill.id}])
