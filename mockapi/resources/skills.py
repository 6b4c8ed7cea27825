"""``/skills`` and their versions: uploaded bundles of files anchored by a ``SKILL.md`` manifest.

Each upload is an immutable version numbered "1", "2", … (never reused); the skill points at a default and a
latest version and shows the default version's name and description. Content downloads are zips of the
version's files. Bundles are read by mockapi.bundles. Facts and choices: contracts/README.md ("Skills").
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from mockapi import bundles, errors
from mockapi.collection import Collection
from mockapi.common import deleted, paginate, required, typed
from mockapi.context import RequestContext, UploadedFile
from mockapi.ids import new_id
from mockapi.media import params
from mockapi.routing import JSON_OR_MULTIPART
from mockapi.state import Namespace

if TYPE_CHECKING:
    from mockapi.fake import Fake

SKILLS = "skills"
LATEST = "latest"  # the version alias skill references take (SkillReferenceParam.version)


@dataclass
class Version:
    obj: dict[str, Any]
    files: dict[str, bytes]


@dataclass
class Skill:
    obj: dict[str, Any]
    versions: Collection[Version] = field(default_factory=Collection)
    numbers: dict[str, str] = field(default_factory=dict)  # version number -> version id
    issued: int = 0  # the highest number ever given: deleted numbers are not reused

    @property
    def id(self) -> str:
        return str(self.obj["id"])

    def version(self, number: str) -> Version | None:
        if number == LATEST:
            number = self.obj["latest_version"]
        version_id = self.numbers.get(number)
        return None if version_id is None else self.versions.get(version_id)

    def add(self, bundle: bundles.Bundle, now: int, make_default: bool) -> Version:
        self.issued += 1
        number = str(self.issued)
        obj = {
            "id": new_id("skillver_"), "object": "skill.version", "skill_id": self.id, "version": number,
            "created_at": now, "name": bundle.name, "description": bundle.description,
        }
        version = Version(obj, dict(bundle.files))
        self.versions.add(obj["id"], version)
        self.numbers[number] = obj["id"]
        self.obj["latest_version"] = number
        if make_default:
            self.point_default(version)
        return version

    def point_default(self, version: Version) -> None:
        self.obj.update(default_version=version.obj["version"], name=version.obj["name"],
                        description=version.obj["description"])

    def remove(self, version: Version) -> None:
        self.versions.remove(version.obj["id"])
        del self.numbers[version.obj["version"]]
        if self.obj["latest_version"] == version.obj["version"]:
            self.obj["latest_version"] = max(self.numbers, key=int)


def install(fake: Fake) -> None:
    add = fake.router.add
    add("POST", "/skills", create, body=JSON_OR_MULTIPART)
    add("GET", "/skills", list_skills)
    add("GET", "/skills/{skill_id}", retrieve)
    add("POST", "/skills/{skill_id}", update)
    add("DELETE", "/skills/{skill_id}", delete)
    add("GET", "/skills/{skill_id}/content", content)
    add("POST", "/skills/{skill_id}/versions", create_version, body=JSON_OR_MULTIPART)
    add("GET", "/skills/{skill_id}/versions", list_versions)
    add("GET", "/skills/{skill_id}/versions/{version}", retrieve_version)
    add("DELETE", "/skills/{skill_id}/versions/{version}", delete_version)
    add("GET", "/skills/{skill_id}/versions/{version}/content", version_content)


# -- skills -----------------------------------------------------------------------------------------


def create(ctx: RequestContext) -> dict[str, Any]:
    bundle = _bundle(ctx.body)  # everything is checked before anything is stored
    skill = Skill({
        "id": new_id("skill_"), "object": "skill", "name": bundle.name, "description": bundle.description,
        "created_at": ctx.now, "default_version": "1", "latest_version": "1",
    })
    skill.add(bundle, ctx.now, make_default=True)
    ctx.ns.collection(SKILLS).add(skill.id, skill)
    return skill.obj


def list_skills(ctx: RequestContext) -> dict[str, Any]:
    return paginate(ctx, ctx.ns.collection(SKILLS), lambda s: s.obj)


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    return _skill(ctx).obj


def update(ctx: RequestContext) -> dict[str, Any]:
    skill = _skill(ctx)
    number = typed(ctx.body, "default_version", str)
    if number is None:
        raise errors.missing_parameter("default_version")
    skill.point_default(_version(skill, number, "default_version"))
    return skill.obj


def delete(ctx: RequestContext) -> dict[str, Any]:
    skill = _skill(ctx)
    ctx.ns.collection(SKILLS).remove(skill.id)
    return deleted(skill.id, "skill.deleted")


def content(ctx: RequestContext) -> Response:
    skill = _skill(ctx)
    return _zip(_version(skill, skill.obj["default_version"], "skill_id"))


# -- versions ---------------------------------------------------------------------------------------


def create_version(ctx: RequestContext) -> dict[str, Any]:
    skill = _skill(ctx)
    bundle = _bundle(ctx.body)
    make_default = params.boolean(ctx.body, "default", False)
    return skill.add(bundle, ctx.now, make_default).obj


def list_versions(ctx: RequestContext) -> dict[str, Any]:
    # Versions are stored in number order, so the shared cursor page orders them by number.
    return paginate(ctx, _skill(ctx).versions, lambda v: v.obj)


def retrieve_version(ctx: RequestContext) -> dict[str, Any]:
    skill = _skill(ctx)
    return _version(skill, ctx.params["version"], "version").obj


def delete_version(ctx: RequestContext) -> dict[str, Any]:
    skill = _skill(ctx)
    version = _version(skill, ctx.params["version"], "version")
    if version.obj["version"] == skill.obj["default_version"]:
        # Chosen: the skill would be left without a default (a skill always shows one).
        raise errors.invalid_request(
            f"Cannot delete version '{version.obj['version']}' of skill '{skill.id}': it is the default "
            "version. Set another default version first.", param="version", code="invalid_value",
        )
    skill.remove(version)
    return {**deleted(version.obj["id"], "skill.version.deleted"), "version": version.obj["version"]}


def version_content(ctx: RequestContext) -> Response:
    skill = _skill(ctx)
    return _zip(_version(skill, ctx.params["version"], "version"))


# -- shared -----------------------------------------------------------------------------------------


def find_skill(ns: Namespace, skill_id: str) -> Skill | None:
    """The caller's skill (another key's is not found), for other resources that reference skills."""
    found: Skill | None = ns.collection(SKILLS).get(skill_id)
    return found


def check_attached(ns: Namespace, skills: Any, param: str = "skills") -> None:
    """Skills attached to another resource (``POST /containers``): each reference names a skill of the caller,
    and a version of it when one is given; each inline bundle is a valid skill zip. 404/400 naming the item."""
    for i, item in enumerate(skills if isinstance(skills, list) else []):
        where = f"{param}[{i}]"
        if not isinstance(item, dict):
            raise errors.invalid_type(where, "an object", item)
        kind = required(item, "type", str, where)
        if kind == "skill_reference":
            _referenced(ns, item, where)
        elif kind == "inline":
            _inline(item, where)
        else:
            raise errors.invalid_value(f"{where}.type", kind, ["skill_reference", "inline"])


def _referenced(ns: Namespace, item: dict[str, Any], where: str) -> Version:
    skill_id = required(item, "skill_id", str, where)
    skill = find_skill(ns, skill_id)
    if skill is None:
        raise skill_not_found(skill_id, f"{where}.skill_id")
    number = item.get("version")
    if number is not None and not isinstance(number, str):
        raise errors.wrong_type(f"{where}.version", number, str)  # "1", not 1 (a real 400, see the module doc)
    if number is None:
        number = skill.obj["default_version"]  # "Omit for default."
    elif number != LATEST and not (number.isdigit() and int(number) > 0):
        # The document: "Use a positive integer or 'latest'." (wording chosen)
        raise errors.invalid_request(
            f"Invalid '{where}.version': expected a positive integer or 'latest', but got '{number}'.",
            param=f"{where}.version", code="invalid_value",
        )
    return _version(skill, number, f"{where}.version")


def _inline(item: dict[str, Any], where: str) -> bundles.Bundle:
    source = required(item, "source", dict, where)
    data = required(source, "data", str, f"{where}.source")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise errors.invalid_request(
            f"Invalid '{where}.source.data': expected base64-encoded zip data.", param=f"{where}.source.data",
            code="invalid_value",
        ) from None
    return bundles.read([UploadedFile("skill.zip", "application/zip", raw)], f"{where}.source.data")


def skill_not_found(skill_id: str, param: str | None = None) -> errors.APIError:
    # Chosen wording, after the real containers' "Container with id '…' not found." (contracts/README.md).
    return errors.APIError(404, f"Skill with id '{skill_id}' not found.", param=param)


def version_not_found(skill: Skill, number: str, param: str) -> errors.APIError:
    return errors.APIError(404, f"Version '{number}' of skill '{skill.id}' not found.", param=param)


def _skill(ctx: RequestContext) -> Skill:
    skill_id = ctx.params["skill_id"]
    found = find_skill(ctx.ns, skill_id)
    if found is None:
        raise skill_not_found(skill_id)
    return found


def _version(skill: Skill, number: str, param: str) -> Version:
    found = skill.version(number)
    if found is None:
        raise version_not_found(skill, number, param)
    return found


def _bundle(body: dict[str, Any]) -> bundles.Bundle:
    uploads = params.files(body, "files")
    sent = params.field(body, "files")
    if not uploads and sent is not None:
        # A JSON body (or a text field) cannot carry file bytes.
        raise errors.invalid_request(
            "Invalid 'files': expected file uploads (multipart/form-data), but got "
            f"{errors.json_type_name(sent)} instead.", param="files", code="invalid_type",
        )
    return bundles.read(uploads)


def _zip(version: Version) -> Response:
    return Response(bundles.to_zip(version.files), media_type="application/zip")
