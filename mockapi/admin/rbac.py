"""Roles and role assignments (``/organization/roles``, ``/projects/{id}/roles`` and the ``.../roles`` of users
and groups): how roles read, and what goes when a role, a user or a group goes.

An assignment list is a ``Collection`` keyed by role id whose values are the role records themselves, so a role
renamed or given new permissions reads that way wherever it is assigned, and a page costs O(limit). Only direct
assignments are listed (``assignment_sources`` is null); roles a user holds through a group are not (chosen).
Facts and choices: contracts/README.md ("Administration").
"""

from __future__ import annotations

from typing import Any

from mockapi.admin.org import Organization, Project

ROLE_FIELDS = ("object", "id", "name", "description", "permissions", "resource_type", "predefined_role")
ASSIGNED_FIELDS = ("id", "name", "permissions", "resource_type", "predefined_role", "description", "created_at",
                   "updated_at", "created_by", "created_by_user_obj", "metadata")


def public_role(role: dict[str, Any]) -> dict[str, Any]:
    """The ``Role`` object (roles endpoints, and the ``role`` of an assignment)."""
    return {name: role[name] for name in ROLE_FIELDS}


def assigned_role(role: dict[str, Any]) -> dict[str, Any]:
    """The ``AssignedRoleDetails`` object of an assignment listing."""
    found = {name: role[name] for name in ASSIGNED_FIELDS}
    found["assignment_sources"] = None
    return found


def forget_role(org: Organization, project: Project | None, role_id: str) -> None:
    """A deleted role leaves every assignment of its scope (organization: users and groups; a project: its
    users and groups)."""
    holders = [*org.user_roles.values(), *(g.roles for g in org.groups.values())] if project is None else \
        [*project.user_roles.values(), *project.group_roles.values()]
    for assignments in holders:
        assignments.remove(role_id)


def forget_user(org: Organization, user_id: str) -> None:
    """A user leaving the organization leaves its groups and role assignments."""
    org.user_roles.pop(user_id, None)
    for group in org.groups.values():
        group.users.remove(user_id)
    for project in org.projects.values():
        project.user_roles.pop(user_id, None)


def forget_group(org: Organization, group_id: str) -> None:
    """A deleted group loses its access to every project (and its project role assignments)."""
    for project in org.projects.values():
        project.groups.remove(group_id)
        project.group_roles.pop(group_id, None)
