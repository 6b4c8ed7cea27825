"""A project's model and hosted tool permissions, enforced on its requests.

An interceptor looks at each ``POST`` before its handler: while no project has a policy (``Organization.
restricted`` is empty) that costs one dict lookup. Otherwise the request's project (``org.caller``: its key's
project, the ``OpenAI-Project`` header, else the default project) is checked:
- its ``model`` against the model permissions: the real 403 ``Project `proj_x` does not have access to model
  `gpt-4o``` (code ``model_not_found``; recorded bodies in Aider-AI/aider#604 and #1903, cursor/cursor#2953). A
  listed id also covers its dated snapshots (``gpt-4o`` -> ``gpt-4o-2024-08-06``; chosen).
- its hosted ``tools`` against the hosted tool permissions: a 403 in the same style (wording chosen).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.admin.org import ORGANIZATION, Organization, caller
from mockapi.context import RequestContext
from mockapi.routing import Route

if TYPE_CHECKING:
    from starlette.responses import Response

    from mockapi.fake import Fake

SNAPSHOT = re.compile(r"\d{4}-\d{2}-\d{2}")
ADMIN_PATHS = ("/organization/", "/projects/")


def install(fake: Fake) -> None:
    def intercept(ctx: RequestContext, route: Route) -> Response | None:
        org: Organization | None = fake.state.shared.get(ORGANIZATION)
        if org is None or not org.restricted or ctx.method != "POST" or not isinstance(ctx.body, dict):
            return None
        if route.path.startswith(ADMIN_PATHS):
            return None
        project = org.projects.get(caller(ctx).project_id)
        if project is None or project.id not in org.restricted:
            return None
        model = ctx.body.get("model")
        if isinstance(model, str) and not model_allowed(project.model_permissions, model):
            raise errors.APIError(403, f"Project `{project.id}` does not have access to model `{model}`",
                                  code="model_not_found")
        tools = ctx.body.get("tools")
        for i, tool in enumerate(tools if isinstance(tools, list) else []):
            name = hosted_tool(tool)
            if name is not None and not project.hosted_tools.get(name, True):
                raise errors.APIError(403, f"Project `{project.id}` does not have access to the `{name}` tool.",
                                      param=f"tools[{i}]")
        return None

    fake.dispatcher.interceptors.append(intercept)


def model_allowed(policy: dict[str, Any] | None, model: str) -> bool:
    if policy is None:
        return True
    listed = any(model == item or (model.startswith(item + "-") and SNAPSHOT.fullmatch(model[len(item) + 1:]))
                 for item in policy["model_ids"])
    return listed if policy["mode"] == "allow_list" else not listed


def hosted_tool(tool: Any) -> str | None:
    """The hosted tool a ``tools`` entry uses (``web_search_preview`` is web search), or None."""
    kind = tool.get("type") if isinstance(tool, dict) else None
    if not isinstance(kind, str):
        return None
    if kind.startswith("web_search"):
        return "web_search"
    return kind if kind in ("file_search", "image_generation", "mcp", "code_interpreter") else None
