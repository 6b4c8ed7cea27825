"""``/organization/external_keys``: the organization's external (customer-managed) key configs, AWS, GCP, Azure
or OCI, newer than the pinned document and written from the SDK 3.63.0's types. The fake stores the config and
reaches no cloud KMS: ``validate`` answers ``{"status": "valid"}`` for any stored config (chosen). A key's
``api_project_ids`` are the projects whose ``external_key_id`` names it. Audit events: the document's
``external_key.registered`` and ``external_key.removed``. Facts and choices: contracts/README.md
("Administration").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.admin.org import organization
from mockapi.common import find, paginate, required, typed
from mockapi.context import RequestContext
from mockapi.ids import new_id
from mockapi.resources.admin import admin_routes
from mockapi.resources.admin.audit_logs import record

if TYPE_CHECKING:
    from mockapi.fake import Fake

SCOPE = "api.management.read"
PURPOSES = ["ekm", "psp_decryption"]  # the SDK's Literal
# Per provider: the required fields, then the optional ones, in the SDK's create params' order.
PROVIDERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "aws": (("external_id", "kms_arn", "name", "role_arn"), ()),
    "gcp": (("audience", "kms_key_location", "kms_key_name", "kms_key_ring_name", "kms_project_id", "name",
             "workload_identity_pool_id", "workload_identity_project_number", "workload_identity_provider_id"),
            ("kms_key_version",)),
    "azure": (("key_name", "name", "tenant_id", "vault_uri"), ("key_version",)),
    "oci": (("key_ocid", "name", "region", "vault_ocid"), ("key_version_ocid",)),
}
# The published reference's patterns (role_arn, workload_identity_project_number).
PATTERNS = {"role_arn": r"^arn:aws:iam::\d{12}:role/.+$", "workload_identity_project_number": r"^[0-9]{1,19}$"}
# "Must be the OpenAI organization ID or an API project ID that belongs to the organization" (the SDK).
OWNER_IDS = ("external_id", "audience")


def install(fake: Fake) -> None:
    add = admin_routes(fake, SCOPE)
    add("POST", "/external_keys", create_external_key)
    add("GET", "/external_keys", list_external_keys)
    add("GET", "/external_keys/{external_key_id}", retrieve_external_key)
    add("DELETE", "/external_keys/{external_key_id}", delete_external_key)
    add("POST", "/external_keys/{external_key_id}/validate", validate_external_key)


def create_external_key(ctx: RequestContext) -> dict[str, Any]:
    org = organization(ctx.fake)
    body = ctx.body
    kind = required(body, "type", str)
    if kind not in PROVIDERS:
        raise errors.invalid_value("type", kind, list(PROVIDERS))
    needed, optional = PROVIDERS[kind]
    config: dict[str, Any] = {}
    for name in needed:
        value = required(body, name, str)
        if not value.strip():  # wording chosen
            raise errors.invalid_request(f"Invalid '{name}': must not be empty.", param=name)
        config[name] = value
    for name in optional:
        config[name] = typed(body, name, str)
    for name, pattern in PATTERNS.items():
        if name in config and not re.match(pattern, config[name]):  # the published pattern; wording chosen
            raise errors.invalid_request(f"Invalid '{name}': '{config[name]}' does not match pattern '{pattern}'.",
                                         param=name)
    for name in OWNER_IDS:
        if name in config and config[name] != org.id and org.projects.get(config[name]) is None:
            raise errors.invalid_request(  # wording chosen
                f"Invalid '{name}': must be the organization ID or the ID of one of its projects.", param=name)
    purpose = typed(body, "purpose", str, "ekm")  # the default chosen: the SDK's first value
    if purpose not in PURPOSES:
        raise errors.invalid_value("purpose", purpose, PURPOSES)
    key = {"id": new_id("ekc_"), "object": "organization.external_key", "created_at": ctx.now, "type": kind,
           "workspace_id": org.id, "purpose": purpose, **config}
    org.external_keys.add(key["id"], key)
    record(ctx, "external_key.registered", key["id"], data={"type": kind, "purpose": purpose, **config})
    return _render(ctx, key)


def list_external_keys(ctx: RequestContext) -> dict[str, Any]:
    purpose = ctx.query.get("purpose")
    if purpose is not None and purpose not in PURPOSES:
        raise errors.invalid_value("purpose", purpose, PURPOSES)
    where = None if purpose is None else (lambda k: k["purpose"] == purpose)
    return paginate(ctx, organization(ctx.fake).external_keys, lambda k: _render(ctx, k), min_limit=0,
                    default_order="asc", where=where)


def retrieve_external_key(ctx: RequestContext) -> dict[str, Any]:
    return _render(ctx, _key(ctx))


def delete_external_key(ctx: RequestContext) -> dict[str, Any]:
    """Answers the config as it was (the SDK's ``delete`` returns an ExternalKey). A key a project still uses
    cannot go (chosen: removing it would leave the project's data unreadable)."""
    key = _key(ctx)
    rendered = _render(ctx, key)
    if rendered["api_project_ids"]:  # wording chosen
        raise errors.invalid_request(
            f"External key '{key['id']}' is used by {len(rendered['api_project_ids'])} project(s) and cannot be "
            "deleted.", param="external_key_id")
    organization(ctx.fake).external_keys.remove(key["id"])
    record(ctx, "external_key.removed", key["id"])
    return rendered


def validate_external_key(ctx: RequestContext) -> dict[str, Any]:
    _key(ctx)
    return {"status": "valid"}  # chosen: the fake reaches no KMS, so every stored config validates


def _key(ctx: RequestContext) -> dict[str, Any]:
    key_id = ctx.params["external_key_id"]
    return find(organization(ctx.fake).external_keys, key_id, "External key", "external_key_id")  # wording chosen


def _render(ctx: RequestContext, key: dict[str, Any]) -> dict[str, Any]:
    projects = organization(ctx.fake).projects
    used = [p.id for p in projects.values() if p.obj.get("external_key_id") == key["id"]]
    return {**key, "api_project_ids": used}
