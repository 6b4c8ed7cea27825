"""``/organization/groups`` (+ their users) and ``/organization/projects/{project_id}/groups``, the groups with
access to a project (granted with a project role, which is then the group's role assignment there). A group's
roles: ``role_assignments.py``. Group changes go to the audit log (``group.*``; a project grant as
``role.assignment.*``); membership changes have no event type in the document and are not logged. Facts and
choices: contracts/README.md ("Administration").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.admin.org import Group, Organization, Project, organization, project_roles
from mockapi.admin.rbac import forget_group
from mockapi.collection import Collection
from mockapi.common import deleted, find, paginate, required
from mockapi.context import RequestContext
from mockapi.ids import new_id
from mockapi.resources.admin import admin_routes
from mockapi.resources.admin.audit_logs import record
from mockapi.resources.admin.members import user_of
from mockapi.resources.admin.projects import active_project, project_of
from mockapi.resources.admin.role_assignments import assign, group_of, no_access, project_group, unassign

if TYPE_CHECKING:
    from mockapi.fake import Fake

SCOPE = "api.management.read"
GROUP_TYPES = ["group", "tenant_group"]  # tenant groups are not made here: every group is a "group"


def install(fake: Fake) -> None:
    add = admin_routes(fake, SCOPE)

    add("POST", "/groups", create)
    add("GET", "/groups", list_groups)
    add("GET", "/groups/{group_id}", retrieve)
    add("POST", "/groups/{group_id}", update)
    add("DELETE", "/groups/{group_id}", delete)
    add("POST", "/groups/{group_id}/users", add_user)
    add("GET", "/groups/{group_id}/users", list_users)
    add("GET", "/groups/{group_id}/users/{user_id}", retrieve_user)
    add("DELETE", "/groups/{group_id}/users/{user_id}", remove_user)
    add("POST", "/projects/{project_id}/groups", add_to_project)
    add("GET", "/projects/{project_id}/groups", list_project_groups)
    add("GET", "/projects/{project_id}/groups/{group_id}", retrieve_project_group)
    add("DELETE", "/projects/{project_id}/groups/{group_id}", remove_from_project)


# -- groups ---------------------------------------------------------------------------------------------------


def create(ctx: RequestContext) -> dict[str, Any]:
    name = _name(ctx.body)
    group = Group({"object": "group", "id": new_id("group_"), "name": name, "created_at": ctx.now,
                   "is_scim_managed": False, "group_type": "group"})  # "object" as in the document's examples
    organization(ctx.fake).groups.add(group.id, group)
    record(ctx, "group.created", group.id, data={"group_name": name})
    return group.obj


def list_groups(ctx: RequestContext) -> dict[str, Any]:
    return paginate(ctx, organization(ctx.fake).groups, lambda g: g.obj, default_limit=100, max_limit=1000,
                    min_limit=0, default_order="asc", cursor=lambda g: g.id)


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    return group_of(ctx).obj


def update(ctx: RequestContext) -> dict[str, Any]:
    group = group_of(ctx)
    group.obj["name"] = _name(ctx.body)
    record(ctx, "group.updated", group.id, changes={"group_name": group.obj["name"]})
    return group.obj


def delete(ctx: RequestContext) -> dict[str, Any]:
    org = organization(ctx.fake)
    group = group_of(ctx)
    forget_group(org, group.id)  # its project access and project roles go with it
    org.groups.remove(group.id)
    record(ctx, "group.deleted", group.id)
    return deleted(group.id, "group.deleted")


def _name(body: dict[str, Any]) -> str:
    name = required(body, "name", str)
    if not name.strip():  # wording chosen, as for project names
        raise errors.invalid_request("Invalid 'name': empty string.", param="name", code="empty_string")
    return name


# -- a group's users -----------------------------------------------------------------------------------------------


def add_user(ctx: RequestContext) -> dict[str, Any]:
    group = group_of(ctx)
    user = user_of(organization(ctx.fake), required(ctx.body, "user_id", str))
    if user["id"] in group.users:  # wording chosen
        raise errors.invalid_request(f"User {user['id']} is already a member of group {group.id}.",
                                     param="user_id")
    group.users.add(user["id"], {"id": user["id"], "added_at": ctx.now})
    return {"object": "group.user", "user_id": user["id"], "group_id": group.id}


def list_users(ctx: RequestContext) -> dict[str, Any]:
    """Newest member first by default (the document's default order)."""
    users = organization(ctx.fake).users
    group = group_of(ctx)

    def render(member: dict[str, Any]) -> dict[str, Any]:
        user = users.get(member["id"]) or {}
        return {"id": member["id"], "name": user.get("name") or "", "email": user.get("email")}

    return paginate(ctx, group.users, render, default_limit=100, max_limit=1000, min_limit=0, default_order="desc",
                    cursor=lambda m: m["id"])


def retrieve_user(ctx: RequestContext) -> dict[str, Any]:
    group = group_of(ctx)
    member = _member(group, ctx.params["user_id"])
    user = organization(ctx.fake).users.get(member["id"]) or {}
    return {"id": member["id"], "name": user.get("name") or "", "email": user.get("email"), "picture": None,
            "is_service_account": False, "user_type": "user"}


def remove_user(ctx: RequestContext) -> dict[str, Any]:
    group = group_of(ctx)
    group.users.remove(_member(group, ctx.params["user_id"])["id"])
    return {"object": "group.user.deleted", "deleted": True}


def _member(group: Group, user_id: str) -> dict[str, Any]:
    found = group.users.get(user_id)
    if found is None:  # wording chosen
        raise errors.APIError(404, f"User with id '{user_id}' not found in group {group.id}.", param="user_id")
    return found


# -- groups with access to a project --------------------------------------------------------------------------


def add_to_project(ctx: RequestContext) -> dict[str, Any]:
    project = active_project(ctx)
    org = organization(ctx.fake)
    group = find(org.groups, required(ctx.body, "group_id", str), "Group", "group_id")  # wording chosen
    role = _project_role(org, project, required(ctx.body, "role", str))
    if group.id in project.groups:  # wording chosen
        raise errors.invalid_request(f"Group {group.id} already has access to project {project.id}.",
                                     param="group_id")
    membership = {"object": "project.group", "project_id": project.id, "group_id": group.id,
                  "group_type": group.obj["group_type"], "created_at": ctx.now}
    project.groups.add(group.id, membership)
    assign(ctx, project_group(ctx, project, group), role)
    return _shown(org.groups, membership)


def list_project_groups(ctx: RequestContext) -> dict[str, Any]:
    groups = organization(ctx.fake).groups
    return paginate(ctx, project_of(ctx).groups, lambda m: _shown(groups, m), default_limit=20, max_limit=100,
                    min_limit=0, default_order="asc", cursor=lambda m: m["group_id"])


def retrieve_project_group(ctx: RequestContext) -> dict[str, Any]:
    project = project_of(ctx)
    group_type = ctx.query.get("group_type") or "group"
    if group_type not in GROUP_TYPES:
        raise errors.invalid_value("group_type", group_type, GROUP_TYPES)
    membership = _access(project, ctx.params["group_id"])
    if membership["group_type"] != group_type:  # a group of the other type is another group (chosen)
        raise no_access(project, ctx.params["group_id"])
    return _shown(organization(ctx.fake).groups, membership)


def remove_from_project(ctx: RequestContext) -> dict[str, Any]:
    project = active_project(ctx)
    org = organization(ctx.fake)
    membership = _access(project, ctx.params["group_id"])
    who = project_group(ctx, project, find(org.groups, membership["group_id"], "Group", "group_id"))
    for role in list(who.assignments.values()) if who.assignments is not None else []:
        unassign(ctx, who, role["id"])  # its project roles go, logged one by one as they were assigned
    project.groups.remove(who.id)
    project.group_roles.pop(who.id, None)
    return {"object": "project.group.deleted", "deleted": True}


def _project_role(org: Organization, project: Project, value: str) -> dict[str, Any]:
    """The project role to grant: its id, or a predefined role's name (``member``; accepted too, chosen)."""
    roles = project_roles(org, project)
    found = roles.get(value) or next((r for r in org.project_roles if r["name"] == value), None)
    if found is None:  # wording chosen
        raise errors.APIError(404, f"Role with id '{value}' not found.", param="role")
    return found


def _shown(groups: Collection[Group], membership: dict[str, Any]) -> dict[str, Any]:
    group = groups.get(membership["group_id"])
    return {**membership, "group_name": group.obj["name"] if group is not None else ""}


def _access(project: Project, group_id: str) -> dict[str, Any]:
    found = project.groups.get(group_id)
    if found is None:
        raise no_access(project, group_id)
    return found
