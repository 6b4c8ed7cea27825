"""``/organization/roles`` and ``/projects/{project_id}/roles``: the predefined roles and the custom ones an
admin creates, updates and deletes. Deleting a role unassigns it everywhere in its scope. Changes go to the
audit log (``role.created``, ``role.updated``, ``role.deleted``). Facts and choices: contracts/README.md
("Administration").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.admin.org import ORG_RESOURCE, PROJECT_RESOURCE, Project, new_role, organization, project_roles
from mockapi.admin.rbac import forget_role, public_role
from mockapi.collection import Collection
from mockapi.common import deleted, find, paginate, required, typed
from mockapi.context import RequestContext
from mockapi.resources.admin import admin_routes
from mockapi.resources.admin.audit_logs import record
from mockapi.resources.admin.projects import active_project, project_of

if TYPE_CHECKING:
    from mockapi.fake import Fake

SCOPE = "api.management.read"
MAX_ROLES_PAGE = 1000  # the document: limit 0-1000, default 1000


def install(fake: Fake) -> None:
    add = admin_routes(fake, SCOPE, "")

    for base, scope in (("/organization/roles", organization_scope), ("/projects/{project_id}/roles", project_scope)):
        add("GET", base, _listing(scope))
        add("POST", base, _creating(scope))
        add("GET", base + "/{role_id}", _retrieving(scope))
        add("POST", base + "/{role_id}", _updating(scope))
        add("DELETE", base + "/{role_id}", _deleting(scope))


@dataclass
class Scope:
    """Where roles live: the organization, or one project."""

    roles: Collection[dict[str, Any]]
    resource_type: str
    resource_id: str
    project: Project | None


def organization_scope(ctx: RequestContext, change: bool = False) -> Scope:
    org = organization(ctx.fake)
    return Scope(org.roles, ORG_RESOURCE, org.id, None)


def project_scope(ctx: RequestContext, change: bool = False) -> Scope:
    project = active_project(ctx) if change else project_of(ctx)
    return Scope(project_roles(organization(ctx.fake), project), PROJECT_RESOURCE, project.id, project)


def role_in(scope: Scope, role_id: str) -> dict[str, Any]:
    return find(scope.roles, role_id, "Role", "role_id")  # wording chosen


# Handlers are made per scope (same behaviour, their own names for the journal and tracebacks).


def _listing(scope_of: Any) -> Any:
    def list_roles(ctx: RequestContext) -> dict[str, Any]:
        return paginate(ctx, scope_of(ctx).roles, public_role, default_limit=MAX_ROLES_PAGE,
                        max_limit=MAX_ROLES_PAGE, min_limit=0, default_order="asc", cursor=lambda r: r["id"])

    return list_roles


def _creating(scope_of: Any) -> Any:
    def create_role(ctx: RequestContext) -> dict[str, Any]:
        scope = scope_of(ctx, change=True)
        name = _role_name(ctx.body)
        _unique(scope, name, None)
        permissions = _permissions(required(ctx.body, "permissions", list))
        owner = organization(ctx.fake).owner  # admin keys act for the owner (audit_logs.record)
        role = new_role(name, typed(ctx.body, "description", str), permissions, scope.resource_type, owner, ctx.now)
        scope.roles.add(role["id"], role)
        record(ctx, "role.created", role["id"], scope.project, role_name=name, permissions=permissions,
               resource_type=scope.resource_type, resource_id=scope.resource_id)
        return public_role(role)

    return create_role


def _retrieving(scope_of: Any) -> Any:
    def retrieve_role(ctx: RequestContext) -> dict[str, Any]:
        return public_role(role_in(scope_of(ctx), ctx.params["role_id"]))

    return retrieve_role


def _updating(scope_of: Any) -> Any:
    def update_role(ctx: RequestContext) -> dict[str, Any]:
        scope = scope_of(ctx, change=True)
        role = _custom(role_in(scope, ctx.params["role_id"]))
        body = ctx.body
        changes: dict[str, Any] = {"resource_id": scope.resource_id, "resource_type": scope.resource_type}
        if body.get("role_name") is not None:
            name = _role_name(body)
            _unique(scope, name, role["id"])
            role["name"] = changes["role_name"] = name
        if body.get("permissions") is not None:
            permissions = _permissions(typed(body, "permissions", list))
            changes["permissions_added"] = [p for p in permissions if p not in role["permissions"]]
            changes["permissions_removed"] = [p for p in role["permissions"] if p not in permissions]
            role["permissions"] = permissions
        if "description" in body:  # null clears it
            role["description"] = typed(body, "description", str)
            if role["description"] is not None:
                changes["description"] = role["description"]
        role["updated_at"] = ctx.now
        record(ctx, "role.updated", role["id"], scope.project, changes=changes)
        return public_role(role)

    return update_role


def _deleting(scope_of: Any) -> Any:
    def delete_role(ctx: RequestContext) -> dict[str, Any]:
        scope = scope_of(ctx, change=True)
        role = _custom(role_in(scope, ctx.params["role_id"]))
        scope.roles.remove(role["id"])
        forget_role(organization(ctx.fake), scope.project, role["id"])
        record(ctx, "role.deleted", role["id"], scope.project)
        return deleted(role["id"], "role.deleted")

    return delete_role


def _role_name(body: dict[str, Any]) -> str:
    name = required(body, "role_name", str)
    if not name.strip():  # wording chosen, as for project names
        raise errors.invalid_request("Invalid 'role_name': empty string.", param="role_name", code="empty_string")
    return name


def _unique(scope: Scope, name: str, role_id: str | None) -> None:
    """Role names are unique in their scope (the document: "Unique name for the role"; wording chosen)."""
    for role in scope.roles.values():
        if role["name"] == name and role["id"] != role_id:
            raise errors.invalid_request(f"A role named '{name}' already exists.", param="role_name")


def _permissions(values: list[Any]) -> list[str]:
    """The permissions as a set in the order given (not checked against a catalog: none is published)."""
    found: list[str] = []
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise errors.wrong_type(f"permissions[{i}]", value, str)
        if not value.strip():  # wording chosen
            raise errors.invalid_request(f"Invalid 'permissions[{i}]': empty string.", param=f"permissions[{i}]",
                                         code="empty_string")
        if value not in found:
            found.append(value)
    return found


def _custom(role: dict[str, Any]) -> dict[str, Any]:
    if role["predefined_role"]:  # wording chosen; the document: "Deletes a custom role"
        raise errors.invalid_request(f"Role {role['id']} is predefined and cannot be changed or deleted.",
                                     param="role_id")
    return role
