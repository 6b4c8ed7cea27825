"""Settings: data retention (``/organization/data_retention``, ``/organization/projects/{id}/data_retention``)
and a project's hosted tool and model permissions (``.../hosted_tool_permissions``, ``.../model_permissions``),
which the fake enforces on the project's requests (``mockapi/admin/policy.py``). The document has no audit event
type for them. Facts and choices: contracts/README.md ("Administration").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.admin.org import HOSTED_TOOLS, Organization, Project, organization
from mockapi.common import required, typed
from mockapi.context import RequestContext
from mockapi.resources.admin import admin_routes
from mockapi.resources.admin.projects import active_project, project_of

if TYPE_CHECKING:
    from mockapi.fake import Fake

SCOPE = "api.management.read"
ORG_RETENTION = ["zero_data_retention", "modified_abuse_monitoring", "enhanced_zero_data_retention",
                 "enhanced_modified_abuse_monitoring"]  # the document's enums
PROJECT_RETENTION = ["organization_default", "none", *ORG_RETENTION]
MODES = ["allow_list", "deny_list"]
NO_POLICY = {"mode": "deny_list", "model_ids": []}  # what a project without a policy reads: nothing denied (chosen)


def install(fake: Fake) -> None:
    add = admin_routes(fake, SCOPE)

    add("GET", "/data_retention", retrieve_retention)
    add("POST", "/data_retention", update_retention)
    add("GET", "/projects/{project_id}/data_retention", retrieve_project_retention)
    add("POST", "/projects/{project_id}/data_retention", update_project_retention)
    add("GET", "/projects/{project_id}/hosted_tool_permissions", retrieve_hosted_tools)
    add("POST", "/projects/{project_id}/hosted_tool_permissions", update_hosted_tools)
    add("GET", "/projects/{project_id}/model_permissions", retrieve_model_permissions)
    add("POST", "/projects/{project_id}/model_permissions", update_model_permissions)
    add("DELETE", "/projects/{project_id}/model_permissions", delete_model_permissions)


# -- data retention --------------------------------------------------------------------------------------------


def retrieve_retention(ctx: RequestContext) -> dict[str, Any]:
    return {"object": "organization.data_retention", "type": organization(ctx.fake).data_retention}


def update_retention(ctx: RequestContext) -> dict[str, Any]:
    organization(ctx.fake).data_retention = _retention(ctx.body, ORG_RETENTION)
    return retrieve_retention(ctx)


def retrieve_project_retention(ctx: RequestContext) -> dict[str, Any]:
    return {"object": "project.data_retention", "type": project_of(ctx).data_retention}


def update_project_retention(ctx: RequestContext) -> dict[str, Any]:
    project = active_project(ctx)
    project.data_retention = _retention(ctx.body, PROJECT_RETENTION)
    return {"object": "project.data_retention", "type": project.data_retention}


def _retention(body: dict[str, Any], values: list[str]) -> str:
    value = required(body, "retention_type", str)
    if value not in values:
        raise errors.invalid_value("retention_type", value, values)
    return str(value)


# -- hosted tools and models ----------------------------------------------------------------------------------


def retrieve_hosted_tools(ctx: RequestContext) -> dict[str, Any]:
    return _hosted_tools(project_of(ctx))


def update_hosted_tools(ctx: RequestContext) -> dict[str, Any]:
    project = active_project(ctx)
    changes = {}
    for tool in HOSTED_TOOLS:  # every one checked before any changes (a 400 leaves them as they were)
        update = typed(ctx.body, tool, dict)
        if update is not None:
            changes[tool] = required(update, "enabled", bool, tool)
    project.hosted_tools.update(changes)
    _restrict(organization(ctx.fake), project)
    return _hosted_tools(project)


def retrieve_model_permissions(ctx: RequestContext) -> dict[str, Any]:
    return _model_permissions(project_of(ctx))


def update_model_permissions(ctx: RequestContext) -> dict[str, Any]:
    project = active_project(ctx)
    mode = required(ctx.body, "mode", str)
    if mode not in MODES:
        raise errors.invalid_value("mode", mode, MODES)
    model_ids: list[str] = []
    for i, model in enumerate(required(ctx.body, "model_ids", list)):
        if not isinstance(model, str):
            raise errors.wrong_type(f"model_ids[{i}]", model, str)
        if model not in model_ids:
            model_ids.append(model)
    project.model_permissions = {"mode": mode, "model_ids": model_ids}
    _restrict(organization(ctx.fake), project)
    return _model_permissions(project)


def delete_model_permissions(ctx: RequestContext) -> dict[str, Any]:
    """Back to no policy; deleting when there is none also answers ``deleted`` (chosen)."""
    project = active_project(ctx)
    project.model_permissions = None
    _restrict(organization(ctx.fake), project)
    return {"object": "project.model_permissions.deleted", "deleted": True}


def _hosted_tools(project: Project) -> dict[str, Any]:
    return {tool: {"enabled": project.hosted_tools[tool]} for tool in HOSTED_TOOLS}


def _model_permissions(project: Project) -> dict[str, Any]:
    policy = project.model_permissions or NO_POLICY
    return {"object": "project.model_permissions", "mode": policy["mode"], "model_ids": list(policy["model_ids"])}


def _restrict(org: Organization, project: Project) -> None:
    """Keep the set of projects whose requests need checking (empty: the check costs one lookup)."""
    if project.model_permissions is not None or not all(project.hosted_tools.values()):
        org.restricted.add(project.id)
    else:
        org.restricted.discard(project.id)
