"""``/organization/external_storage``: a project's customer-managed storage (an AWS, GCP, Azure or OCI bucket),
newer than the pinned document and written from the SDK 3.63.0's types. The fake reaches no cloud: what the real
service would read from the cloud (the bucket's region, so its geography; AWS's account id) is derived or
chosen, a new config is ``pending`` and ``validate`` makes it ``validated`` (chosen). No audit events: the SDK
names ``external_storage.registered`` / ``.removed`` but the document's AuditLog types lack them. Facts and
choices: contracts/README.md ("Administration").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.admin.org import organization
from mockapi.common import find, paginate, required
from mockapi.context import RequestContext
from mockapi.ids import new_id
from mockapi.resources.admin import admin_routes
from mockapi.resources.admin.external_keys import PATTERNS

if TYPE_CHECKING:
    from mockapi.fake import Fake

SCOPE = "api.management.read"
# Per provider, the SDK's create params' required fields (besides ``type``).
PROVIDERS: dict[str, tuple[str, ...]] = {
    "aws": ("bucket", "role_arn"),
    "azure": ("account_name", "container", "resource_group", "subscription_id", "tenant_id"),
    "gcp": ("bucket", "workload_identity_pool_id", "workload_identity_project_number",
            "workload_identity_provider_id"),
    "oci": ("bucket", "region", "tenancy_ocid"),
}
# The bucket's region where the request does not give one (the real service reads it from the cloud; chosen).
DEFAULT_REGIONS = {"aws": "us-east-1", "azure": "eastus", "gcp": "us"}


def install(fake: Fake) -> None:
    add = admin_routes(fake, SCOPE)
    add("POST", "/external_storage", create_external_storage)
    add("GET", "/external_storage", list_external_storage)
    add("GET", "/external_storage/{external_storage_id}", retrieve_external_storage)
    add("DELETE", "/external_storage/{external_storage_id}", delete_external_storage)
    add("POST", "/external_storage/{external_storage_id}/validate", validate_external_storage)


def create_external_storage(ctx: RequestContext) -> dict[str, Any]:
    org = organization(ctx.fake)
    project_id = required(ctx.body, "project_id", str)
    project = find(org.projects, project_id, "Project", "project_id")
    if project.obj["archived_at"] is not None:  # wording chosen (as for the project routes)
        raise errors.invalid_request(f"Project {project.id} is archived and cannot be changed.", param="project_id")
    provider = _provider(required(ctx.body, "provider", dict), project.id)
    config = {"id": new_id("esc_"), "object": "organization.external_storage", "created_at": ctx.now,
              "project_id": project.id, "provider": provider, "geography": _geography(provider["region"]),
              "status": "pending"}
    org.external_storage.add(config["id"], config)
    return config


def list_external_storage(ctx: RequestContext) -> dict[str, Any]:
    project_id = ctx.query.get("project_id")
    where = None if project_id is None else (lambda c: c["project_id"] == project_id)
    return paginate(ctx, organization(ctx.fake).external_storage, lambda c: c, min_limit=0, default_order="asc",
                    where=where)


def retrieve_external_storage(ctx: RequestContext) -> dict[str, Any]:
    return _config(ctx)


def delete_external_storage(ctx: RequestContext) -> dict[str, Any]:
    """"Repeating a deletion also completes any interrupted retention update" (the SDK): deleting a removed
    config again answers the same 200."""
    org = organization(ctx.fake)
    storage_id = ctx.params["external_storage_id"]
    if storage_id not in org.removed_storage:
        _config(ctx)
        org.external_storage.remove(storage_id)
        org.removed_storage.add(storage_id)
    return {"id": storage_id, "object": "organization.external_storage.deleted", "deleted": True}


def validate_external_storage(ctx: RequestContext) -> dict[str, Any]:
    config = _config(ctx)
    config["status"] = "validated"  # chosen: the fake reaches no bucket, so every config validates
    return config


def _config(ctx: RequestContext) -> dict[str, Any]:
    storage_id = ctx.params["external_storage_id"]  # wording chosen
    return find(organization(ctx.fake).external_storage, storage_id, "External storage", "external_storage_id")


def _provider(body: dict[str, Any], project_id: str) -> dict[str, Any]:
    where = "provider"
    kind = required(body, "type", str, where)
    if kind not in PROVIDERS:
        raise errors.invalid_value(f"{where}.type", kind, list(PROVIDERS))
    provider: dict[str, Any] = {"type": kind}
    for name in PROVIDERS[kind]:
        value = required(body, name, str, where)
        if not value.strip():  # wording chosen
            raise errors.invalid_request(f"Invalid '{where}.{name}': must not be empty.", param=f"{where}.{name}")
        provider[name] = value
    for name, pattern in PATTERNS.items():
        if name in provider and not re.match(pattern, provider[name]):  # the published pattern; wording chosen
            raise errors.invalid_request(f"Invalid '{where}.{name}': '{provider[name]}' does not match pattern "
                                         f"'{pattern}'.", param=f"{where}.{name}")
    provider.setdefault("region", DEFAULT_REGIONS.get(kind))
    if kind == "aws":  # the account from the role's ARN; the ExternalID OpenAI passes is the project's id (chosen)
        provider["account_id"] = provider["role_arn"].split(":")[4]
        provider["external_id"] = project_id
    if kind == "gcp":
        provider["audience"] = project_id  # chosen, as external keys' audience may be a project id
    return provider


def _geography(region: str) -> str:
    """The OpenAI geography of a bucket's region (chosen mapping: Europe's regions are ``eu``, others ``us``)."""
    lowered = region.lower()
    return "eu" if lowered.startswith("eu") or "europe" in lowered else "us"
