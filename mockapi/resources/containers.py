"""``/containers`` and their files: the sandboxes the code interpreter and shell tools run in.

A container holds files (uploaded, or copied from ``/files`` by id) under ``/mnt/data``; nothing runs in it.
It expires ``expires_after.minutes`` after its last activity (20 at most, the real cap) and then stays listed
with ``status: "expired"`` (as the real list keeps them); working with its files counts as activity. Facts and
choices: contracts/README.md ("Containers").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from mockapi import errors
from mockapi.collection import Collection
from mockapi.common import deleted, find, paginate
from mockapi.context import RequestContext
from mockapi.ids import new_id
from mockapi.media import params
from mockapi.resources import skills
from mockapi.resources.files import get_file
from mockapi.routing import JSON_OR_MULTIPART
from mockapi.state import Namespace

if TYPE_CHECKING:
    from mockapi.fake import Fake

CONTAINERS = "containers"
MEMORY_LIMITS = ["1g", "4g", "16g", "64g"]
DEFAULT_MINUTES = 20  # the documented example's, and the most the real API takes (unslothai/unsloth#5466)
DATA_DIR = "/mnt/data"


@dataclass
class Container:
    obj: dict[str, Any]
    files: Collection[dict[str, Any]] = field(default_factory=Collection)
    contents: dict[str, bytes] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return str(self.obj["id"])

    def rendered(self, now: int) -> dict[str, Any]:
        expires = self.obj["expires_after"]
        if self.obj["status"] == "running" and now >= self.obj["last_active_at"] + 60 * expires["minutes"]:
            self.obj["status"] = "expired"
        return self.obj


def install(fake: Fake) -> None:
    add = fake.router.add
    add("POST", "/containers", create)
    add("GET", "/containers", list_containers)
    add("GET", "/containers/{container_id}", retrieve)
    add("DELETE", "/containers/{container_id}", delete)
    add("POST", "/containers/{container_id}/files", create_file, body=JSON_OR_MULTIPART)
    add("GET", "/containers/{container_id}/files", list_files)
    add("GET", "/containers/{container_id}/files/{file_id}", retrieve_file)
    add("DELETE", "/containers/{container_id}/files/{file_id}", delete_file)
    add("GET", "/containers/{container_id}/files/{file_id}/content", file_content)


# -- containers -------------------------------------------------------------------------------------


def create(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    name = params.required_text(body, "name")
    memory = params.text(body, "memory_limit") or "1g"
    params.check_enum("memory_limit", memory, MEMORY_LIMITS)
    expires = body.get("expires_after") or {"anchor": "last_active_at", "minutes": DEFAULT_MINUTES}
    params.check_range("expires_after.minutes", expires["minutes"], 1, DEFAULT_MINUTES, integer_=True)
    copies = [get_file(ctx.ns, str(file_id), ctx.now) for file_id in body.get("file_ids") or []]
    skills.check_attached(ctx.ns, body.get("skills"))  # checked, not mounted: nothing runs in a container
    policy = body.get("network_policy")
    extra = {"network_policy": _network_policy(policy)} if isinstance(policy, dict) else {}
    return _open(ctx.ns, name, memory, expires["minutes"], copies, ctx.now, **extra).obj


def for_tool(ns: Namespace, spec: Any, now: int) -> Container:
    """The container a code interpreter call runs in: the tool's container id (must exist: the containers'
    404), or ``{"type": "auto", "file_ids", "memory_limit"}``: a new container, as the real API makes one."""
    if isinstance(spec, str):
        found: Container = find(ns.collection(CONTAINERS), spec, "Container")
        found.obj["last_active_at"] = now
        return found
    auto = spec if isinstance(spec, dict) else {}
    copies = [get_file(ns, str(file_id), now) for file_id in auto.get("file_ids") or []]
    memory = auto.get("memory_limit") or "1g"
    return _open(ns, "code-interpreter (auto)", memory, DEFAULT_MINUTES, copies, now)  # name: chosen


def _open(
    ns: Namespace, name: str, memory: str, minutes: int, copies: list[Any], now: int, **extra: Any
) -> Container:
    """A new running container holding copies of stored files, kept in the caller's namespace."""
    obj: dict[str, Any] = {
        "id": new_id("cntr_"), "object": "container", "created_at": now, "status": "running",
        "expires_after": {"anchor": "last_active_at", "minutes": minutes}, "last_active_at": now,
        "memory_limit": memory, "name": name, **extra,
    }
    container = Container(obj)
    for stored in copies:
        _add_file(container, stored.obj["filename"], stored.data, now, source="user")
    ns.collection(CONTAINERS).add(container.id, container)
    return container


def _network_policy(policy: dict[str, Any]) -> dict[str, Any]:
    if policy.get("type") != "allowlist":
        return {"type": "disabled"}
    domains = policy.get("allowed_domains") or []
    if not domains:
        raise errors.empty_array("network_policy.allowed_domains")  # an allowlist that allows nothing (chosen)
    return {"type": "allowlist", "allowed_domains": list(domains)}


def list_containers(ctx: RequestContext) -> dict[str, Any]:
    name = ctx.query.get("name")
    where = None if name is None else (lambda c: c.obj["name"] == name)
    return paginate(ctx, ctx.ns.collection(CONTAINERS), lambda c: c.rendered(ctx.now), where=where)


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    return _container(ctx).rendered(ctx.now)


def delete(ctx: RequestContext) -> dict[str, Any]:
    container = _container(ctx)
    ctx.ns.collection(CONTAINERS).remove(container.id)
    return deleted(container.id, "container.deleted")


def _container(ctx: RequestContext) -> Container:
    return find(ctx.ns.collection(CONTAINERS), ctx.params["container_id"], "Container")  # real (common.find)


def _active(ctx: RequestContext) -> Container:
    """The container a file operation works in: still running, and now active again."""
    container = _container(ctx)
    if container.rendered(ctx.now)["status"] != "running":
        raise errors.invalid_request(  # wording chosen (contracts/README.md)
            f"Container {container.id} has expired; create a new container.", param="container_id",
        )
    container.obj["last_active_at"] = ctx.now
    return container


# -- files ------------------------------------------------------------------------------------------


def create_file(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    uploads = params.files(body, "file")
    file_id = body.get("file_id")
    if uploads and file_id is not None:
        raise errors.invalid_request("Provide either 'file' or 'file_id', not both.", param="file_id")  # chosen
    if uploads:
        name, data = uploads[0].filename, uploads[0].data
    elif isinstance(file_id, str):
        stored = get_file(ctx.ns, file_id, ctx.now)
        name, data = stored.obj["filename"], stored.data
    else:
        raise errors.missing_parameter("file")
    container = _active(ctx)
    return _add_file(container, name, data, ctx.now, source="user")


def _add_file(container: Container, name: str, data: bytes, now: int, *, source: str) -> dict[str, Any]:
    file_id = new_id("cfile_")
    # The documented example's path: the upload's name behind a 32-hex prefix, under /mnt/data.
    obj = {
        "id": file_id, "object": "container.file", "created_at": now, "bytes": len(data),
        "container_id": container.id, "path": f"{DATA_DIR}/{file_id[len('cfile_'):]}-{_basename(name)}",
        "source": source,
    }
    container.files.add(file_id, obj)
    container.contents[file_id] = data
    return obj


def _basename(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1] or "file"


def list_files(ctx: RequestContext) -> dict[str, Any]:
    container = _container(ctx)
    return paginate(ctx, container.files, lambda f: f)


def retrieve_file(ctx: RequestContext) -> dict[str, Any]:
    return _file(_container(ctx), ctx.params["file_id"])


def delete_file(ctx: RequestContext) -> dict[str, Any]:
    container = _container(ctx)
    obj = _file(container, ctx.params["file_id"])
    container.files.remove(obj["id"])
    container.contents.pop(obj["id"], None)
    return deleted(obj["id"], "container.file.deleted")


def file_content(ctx: RequestContext) -> Response:
    container = _active(ctx)
    obj = _file(container, ctx.params["file_id"])
    return Response(container.contents[obj["id"]], media_type="application/octet-stream")


def _file(container: Container, file_id: str) -> dict[str, Any]:
    return find(container.files, file_id, "Container file")  # wording chosen, the containers' pattern

