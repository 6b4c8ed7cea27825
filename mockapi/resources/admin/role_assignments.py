"""Role assignments: organization roles of users (``/organization/users/{user_id}/roles``) and groups
(``/organization/groups/{group_id}/roles``), project roles of a project's users
(``/projects/{project_id}/users/{user_id}/roles``) and groups (``/projects/{project_id}/groups/{group_id}/roles``).

Four principals, one behaviour: assign (a role of the scope, once), list, retrieve, unassign; each change is
written to the audit log as ``role.assignment.created`` / ``role.assignment.deleted``. Facts and choices:
contracts/README.md ("Administration").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.admin.org import Assignments, Group, Project, organization
from mockapi.admin.rbac import assigned_role, public_role
from mockapi.collection import Collection
from mockapi.common import find, paginate, required
from mockapi.context import RequestContext
from mockapi.resources.admin import admin_routes
from mockapi.resources.admin.audit_logs import record
from mockapi.resources.admin.members import user_of
from mockapi.resources.admin.projects import active_project, member_of, project_of
from mockapi.resources.admin.roles import Scope, organization_scope, project_scope, role_in

if TYPE_CHECKING:
    from mockapi.fake import Fake

SCOPE = "api.management.read"
DEFAULT_PAGE, MAX_PAGE = 100, 1000  # the document: limit 0-1000 (no default given: 100 chosen)
EMPTY: Assignments = Collection()


def install(fake: Fake) -> None:
    add = admin_routes(fake, SCOPE, "")

    principals = [("/organization/users/{user_id}/roles", _org_user), ("/organization/groups/{group_id}/roles",
                  _org_group), ("/projects/{project_id}/users/{user_id}/roles", _project_user),
                  ("/projects/{project_id}/groups/{group_id}/roles", _project_group)]
    for base, principal in principals:
        add("GET", base, _listing(principal))
        add("POST", base, _assigning(principal))
        add("GET", base + "/{role_id}", _retrieving(principal))
        add("DELETE", base + "/{role_id}", _unassigning(principal))


@dataclass
class Principal:
    """Who holds roles in a scope: their assignments (None: none yet, created on the first), and how an
    assignment answer names them."""

    kind: str  # "user" or "group"
    id: str
    scope: Scope
    assignments: Assignments | None
    create: Callable[[], Assignments]
    shown: dict[str, Any]  # the ``user`` (an organization.user) or ``group`` of an assignment answer


def _org_user(ctx: RequestContext, change: bool = False) -> Principal:
    org = organization(ctx.fake)
    user = user_of(org, ctx.params["user_id"])
    return Principal("user", user["id"], organization_scope(ctx), org.user_roles.get(user["id"]),
                     lambda: org.user_roles.setdefault(user["id"], Collection()), user)


def _org_group(ctx: RequestContext, change: bool = False) -> Principal:
    group = group_of(ctx)
    return Principal("group", group.id, organization_scope(ctx), group.roles, lambda: group.roles, summary(group))


def _project_user(ctx: RequestContext, change: bool = False) -> Principal:
    org = organization(ctx.fake)
    project = active_project(ctx) if change else project_of(ctx)
    user = user_of(org, member_of(project, ctx.params["user_id"])["id"])  # project members are the org's users
    return Principal("user", user["id"], project_scope(ctx), project.user_roles.get(user["id"]),
                     lambda: project.user_roles.setdefault(user["id"], Collection()), user)


def _project_group(ctx: RequestContext, change: bool = False) -> Principal:
    project = active_project(ctx) if change else project_of(ctx)
    group = group_of(ctx)
    if group.id not in project.groups:
        raise no_access(project, group.id)
    return project_group(ctx, project, group)


def project_group(ctx: RequestContext, project: Project, group: Group) -> Principal:
    """A group with access to ``project``, as the holder of project roles there."""
    return Principal("group", group.id, project_scope(ctx), project.group_roles.get(group.id),
                     lambda: project.group_roles.setdefault(group.id, Collection()), summary(group))


def no_access(project: Project, group_id: str) -> errors.APIError:  # wording chosen
    return errors.APIError(404, f"Group with id '{group_id}' has no access to project {project.id}.",
                           param="group_id")


def group_of(ctx: RequestContext) -> Group:
    return find(organization(ctx.fake).groups, ctx.params["group_id"], "Group", "group_id")  # wording chosen


def summary(group: Group) -> dict[str, Any]:
    """The ``Group`` of an assignment answer (``scim_managed``, not ``is_scim_managed``, as the document has it)."""
    obj = group.obj
    return {"object": "group", "id": obj["id"], "name": obj["name"], "created_at": obj["created_at"],
            "scim_managed": obj["is_scim_managed"]}


def assign(ctx: RequestContext, who: Principal, role: dict[str, Any]) -> None:
    """Give ``who`` the role (a 400 if they hold it) and write it to the audit log."""
    assignments = who.assignments if who.assignments is not None else who.create()
    if role["id"] in assignments:  # wording chosen
        raise errors.invalid_request(f"Role {role['id']} is already assigned to {who.kind} {who.id}.",
                                     param="role_id")
    assignments.add(role["id"], role)
    _record(ctx, "role.assignment.created", who, role["id"])


def unassign(ctx: RequestContext, who: Principal, role_id: str) -> None:
    if who.assignments is not None:
        who.assignments.remove(role_id)
    _record(ctx, "role.assignment.deleted", who, role_id)


def _record(ctx: RequestContext, event: str, who: Principal, role_id: str) -> None:
    """The assignment's id in the log is its role's id (chosen: assignments have no id of their own)."""
    scope = who.scope
    record(ctx, event, role_id, scope.project, principal_id=who.id, principal_type=who.kind,
           resource_id=scope.resource_id, resource_type=scope.resource_type)


def _held(who: Principal, role_id: str) -> dict[str, Any]:
    found = who.assignments.get(role_id) if who.assignments is not None else None
    if found is None:  # wording chosen
        raise errors.APIError(404, f"Role with id '{role_id}' is not assigned to {who.kind} {who.id}.",
                              param="role_id")
    return found


def _listing(principal_of: Any) -> Any:
    def list_role_assignments(ctx: RequestContext) -> dict[str, Any]:
        who = principal_of(ctx)
        assignments = who.assignments if who.assignments is not None else EMPTY
        return paginate(ctx, assignments, assigned_role, default_limit=DEFAULT_PAGE, max_limit=MAX_PAGE,
                        min_limit=0, default_order="asc", cursor=lambda r: r["id"])

    return list_role_assignments


def _assigning(principal_of: Any) -> Any:
    def assign_role(ctx: RequestContext) -> dict[str, Any]:
        who = principal_of(ctx, change=True)
        role = role_in(who.scope, required(ctx.body, "role_id", str))
        assign(ctx, who, role)
        return {"object": f"{who.kind}.role", who.kind: who.shown, "role": public_role(role)}

    return assign_role


def _retrieving(principal_of: Any) -> Any:
    def retrieve_role_assignment(ctx: RequestContext) -> dict[str, Any]:
        return assigned_role(_held(principal_of(ctx), ctx.params["role_id"]))

    return retrieve_role_assignment


def _unassigning(principal_of: Any) -> Any:
    def unassign_role(ctx: RequestContext) -> dict[str, Any]:
        who = principal_of(ctx, change=True)
        unassign(ctx, who, _held(who, ctx.params["role_id"])["id"])
        return {"object": f"{who.kind}.role.deleted", "deleted": True}

    return unassign_role
