"""``/organization/workload_identity_providers`` (OIDC providers for keyless service-account authentication) and
their ``/federation_rules`` (verified token attributes bound to a project's service account): operations newer
than the pinned document, written from the SDK 3.63.0's types. The fake stores them; it verifies no tokens and
fetches no discovery documents. No audit events: the SDK names ``workload_identity_provider.*`` and
``workload_identity_provider_mapping.*`` but the document's AuditLog types lack them. Facts and choices:
contracts/README.md ("Administration").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.admin.org import Organization, organization
from mockapi.common import find, paginate, required, typed
from mockapi.context import RequestContext
from mockapi.ids import new_id
from mockapi.resources.admin import admin_routes

if TYPE_CHECKING:
    from mockapi.fake import Fake

SCOPE = "api.management.read"
PROVIDER_TYPES = ["oidc"]
VERIFICATIONS = ["discovery", "uploaded_jwks"]
PERMISSIONS = ["service_account_default", "restricted"]
BASE = "/workload_identity_providers"
RULES = BASE + "/{workload_identity_provider_id}/federation_rules"


def install(fake: Fake) -> None:
    add = admin_routes(fake, SCOPE)
    add("POST", BASE, create_provider)
    add("GET", BASE, list_providers)
    add("GET", BASE + "/{workload_identity_provider_id}", retrieve_provider)
    add("POST", BASE + "/{workload_identity_provider_id}", update_provider)
    add("DELETE", BASE + "/{workload_identity_provider_id}", delete_provider)
    add("POST", RULES, create_rule)
    add("GET", RULES, list_rules)
    add("GET", RULES + "/{workload_identity_federation_rule_id}", retrieve_rule)
    add("POST", RULES + "/{workload_identity_federation_rule_id}", update_rule)
    add("DELETE", RULES + "/{workload_identity_federation_rule_id}", delete_rule)


# -- providers ------------------------------------------------------------------------------------------------


def create_provider(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    kind = required(body, "type", str)
    if kind not in PROVIDER_TYPES:
        raise errors.invalid_value("type", kind, PROVIDER_TYPES)
    provider = {"id": new_id("wip_"), "object": "organization.workload_identity_provider", "type": kind,
                "name": _text(body, "name"), "issuer": _issuer(body), "audience": _text(body, "audience"),
                "description": typed(body, "description", str),
                "enabled": typed(body, "enabled", bool, True),  # default chosen: a new provider is on
                "attribute_transformations": _transformations(body),
                # Default chosen: the issuer's OIDC discovery document (discovery_url null: derived from issuer).
                "verification": _verification(body) or {"type": "discovery", "discovery_url": None},
                "created_at": ctx.now, "updated_at": ctx.now}
    organization(ctx.fake).identity_providers.add(provider["id"], provider)
    return provider


def list_providers(ctx: RequestContext) -> dict[str, Any]:
    return paginate(ctx, organization(ctx.fake).identity_providers, lambda p: p, default_order="asc")


def retrieve_provider(ctx: RequestContext) -> dict[str, Any]:
    return _provider(ctx)


def update_provider(ctx: RequestContext) -> dict[str, Any]:
    """"Update supplied provider fields, preserving omitted fields" (the SDK); description null clears it."""
    provider = _provider(ctx)
    body = ctx.body
    changes: dict[str, Any] = {}
    for name in ("name", "audience"):
        if body.get(name) is not None:
            changes[name] = _text(body, name)
    if body.get("issuer") is not None:
        changes["issuer"] = _issuer(body)
    if "description" in body:
        changes["description"] = typed(body, "description", str)
    if body.get("enabled") is not None:
        changes["enabled"] = typed(body, "enabled", bool)
    if body.get("attribute_transformations") is not None:
        changes["attribute_transformations"] = _transformations(body)
    if body.get("verification") is not None:
        changes["verification"] = _verification(body)
    provider.update(changes, updated_at=ctx.now)
    return provider


def delete_provider(ctx: RequestContext) -> dict[str, Any]:
    """"Delete a provider after deleting all its federation rules" (the SDK): one that still has rules is a 400
    (wording chosen)."""
    org = organization(ctx.fake)
    provider = _provider(ctx)
    if any(r["workload_identity_provider_id"] == provider["id"] for r in org.federation_rules.values()):
        raise errors.invalid_request(f"Workload identity provider '{provider['id']}' still has federation rules; "
                                     "delete them first.", param="workload_identity_provider_id")
    org.identity_providers.remove(provider["id"])
    return {"id": provider["id"], "object": "organization.workload_identity_provider.deleted", "deleted": True}


def _provider(ctx: RequestContext) -> dict[str, Any]:
    provider_id = ctx.params["workload_identity_provider_id"]  # wording chosen
    return find(organization(ctx.fake).identity_providers, provider_id, "Workload identity provider",
                "workload_identity_provider_id")


def _text(body: dict[str, Any], name: str, where: str | None = None) -> str:
    value = required(body, name, str, where)
    if not value.strip():  # wording chosen
        param = f"{where}.{name}" if where else name
        raise errors.invalid_request(f"Invalid '{param}': must not be empty.", param=param)
    return str(value)


def _issuer(body: dict[str, Any]) -> str:
    issuer = _text(body, "issuer")
    if not issuer.startswith("https://"):  # OIDC issuers are https URLs (OpenID Connect Discovery); wording chosen
        raise errors.invalid_request(f"Invalid 'issuer': '{issuer}' is not an https URL.", param="issuer")
    return issuer


def _transformations(body: dict[str, Any]) -> list[dict[str, str]]:
    items = typed(body, "attribute_transformations", list, [])
    out = []
    for i, item in enumerate(items):
        where = f"attribute_transformations[{i}]"
        if not isinstance(item, dict):
            raise errors.wrong_type(where, item, dict)
        out.append({"attribute": _text(item, "attribute", where), "expression": _text(item, "expression", where)})
    return out


def _verification(body: dict[str, Any]) -> dict[str, Any] | None:
    given = typed(body, "verification", dict)
    if given is None:
        return None
    where = "verification"
    kind = required(given, "type", str, where)
    if kind not in VERIFICATIONS:
        raise errors.invalid_value(f"{where}.type", kind, VERIFICATIONS)
    if kind == "discovery":
        url = typed(given, "discovery_url", str, None, where)
        if url is not None and not url.startswith("https://"):  # wording chosen
            raise errors.invalid_request(f"Invalid '{where}.discovery_url': '{url}' is not an https URL.",
                                         param=f"{where}.discovery_url")
        return {"type": kind, "discovery_url": url}
    jwks = required(given, "jwks", dict, where)
    if not isinstance(jwks.get("keys"), list):  # a JWK Set is {"keys": [...]} (RFC 7517 §5); wording chosen
        raise errors.invalid_request(f"Invalid '{where}.jwks': a JWK Set needs a 'keys' array.",
                                     param=f"{where}.jwks")
    return {"type": kind, "jwks": jwks}


# -- federation rules -----------------------------------------------------------------------------------------


def create_rule(ctx: RequestContext) -> dict[str, Any]:
    org = organization(ctx.fake)
    provider = _provider(ctx)
    body = ctx.body
    matchers = _matchers(body)
    project_id = required(body, "project_id", str)
    service_account_id = required(body, "service_account_id", str)
    _service_account(org, project_id, service_account_id)
    rule = {"id": new_id("wifr_"), "object": "organization.workload_identity_federation_rule",
            "workload_identity_provider_id": provider["id"], "project_id": project_id,
            "service_account_id": service_account_id, "attribute_matchers": matchers,
            "name": typed(body, "name", str), "description": typed(body, "description", str),
            "enabled": typed(body, "enabled", bool, True),  # default chosen
            "permissions": _permissions(body) or {"type": "service_account_default"},  # default chosen
            "created_at": ctx.now, "updated_at": ctx.now}
    org.federation_rules.add(rule["id"], rule)
    return rule


def list_rules(ctx: RequestContext) -> dict[str, Any]:
    provider = _provider(ctx)
    account = ctx.query.get("service_account_id")

    def where(rule: dict[str, Any]) -> bool:
        return rule["workload_identity_provider_id"] == provider["id"] and \
            (account is None or rule["service_account_id"] == account)

    return paginate(ctx, organization(ctx.fake).federation_rules, lambda r: r, default_order="asc", where=where)


def retrieve_rule(ctx: RequestContext) -> dict[str, Any]:
    return _rule(ctx)


def update_rule(ctx: RequestContext) -> dict[str, Any]:
    """"Update supplied matcher, permission, metadata, or enabled fields" (the SDK); the project and service
    account stay; name and description null clear them."""
    rule = _rule(ctx)
    body = ctx.body
    changes: dict[str, Any] = {}
    if body.get("attribute_matchers") is not None:
        changes["attribute_matchers"] = _matchers(body)
    if body.get("permissions") is not None:
        changes["permissions"] = _permissions(body)
    for name in ("name", "description"):
        if name in body:
            changes[name] = typed(body, name, str)
    if body.get("enabled") is not None:
        changes["enabled"] = typed(body, "enabled", bool)
    rule.update(changes, updated_at=ctx.now)
    return rule


def delete_rule(ctx: RequestContext) -> dict[str, Any]:
    rule = _rule(ctx)
    organization(ctx.fake).federation_rules.remove(rule["id"])
    return {"id": rule["id"], "object": "organization.workload_identity_federation_rule.deleted", "deleted": True}


def _rule(ctx: RequestContext) -> dict[str, Any]:
    provider = _provider(ctx)
    rule_id = ctx.params["workload_identity_federation_rule_id"]
    rule = organization(ctx.fake).federation_rules.get(rule_id)
    if rule is None or rule["workload_identity_provider_id"] != provider["id"]:  # wording chosen
        raise errors.APIError(404, f"Federation rule with id '{rule_id}' not found.",
                              param="workload_identity_federation_rule_id")
    return rule


def _service_account(org: Organization, project_id: str, account_id: str) -> None:
    """"Bind verified token attributes to an existing project service account" (the SDK)."""
    project = find(org.projects, project_id, "Project", "project_id")
    if project.obj["archived_at"] is not None:  # wording chosen (as for the project routes)
        raise errors.invalid_request(f"Project {project.id} is archived and cannot be changed.", param="project_id")
    find(project.service_accounts, account_id, "Service account", "service_account_id")


def _matchers(body: dict[str, Any]) -> dict[str, Any]:
    """Token attribute -> the value it must have (string, boolean or number); at least one (chosen: a rule
    without matchers would admit every token of the provider)."""
    matchers = required(body, "attribute_matchers", dict)
    if not matchers:  # wording chosen
        raise errors.invalid_request("Invalid 'attribute_matchers': give at least one attribute to match.",
                                     param="attribute_matchers")
    for name, value in matchers.items():
        if not isinstance(value, (str, bool, int, float)):
            raise errors.wrong_type(f"attribute_matchers.{name}", value, (str, bool, int, float))
    return dict(matchers)


def _permissions(body: dict[str, Any]) -> dict[str, Any] | None:
    given = typed(body, "permissions", dict)
    if given is None:
        return None
    where = "permissions"
    kind = required(given, "type", str, where)
    if kind not in PERMISSIONS:
        raise errors.invalid_value(f"{where}.type", kind, PERMISSIONS)
    if kind == "service_account_default":
        return {"type": kind}
    scopes = required(given, "scopes", list, where)
    if not scopes:
        raise errors.empty_array(f"{where}.scopes")
    for i, scope in enumerate(scopes):
        if not isinstance(scope, str):
            raise errors.wrong_type(f"{where}.scopes[{i}]", scope, str)
    return {"type": kind, "scopes": list(dict.fromkeys(scopes))}
