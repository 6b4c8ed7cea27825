"""``/organization/projects`` and what hangs off a project: users, service accounts (whose creation returns a
working API key), API keys and rate limits. Every change is written to the audit log (``audit_logs.record``).
Facts and choices: contracts/README.md ("Administration").
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.admin.org import (
    Project,
    add_project_user,
    expiry,
    issue,
    key_spend_limit,
    new_project,
    organization,
    revoke,
)
from mockapi.common import deleted, find, paginate, required, typed
from mockapi.config import KeyInfo
from mockapi.context import RequestContext
from mockapi.ids import new_id
from mockapi.resources.admin import admin_routes
from mockapi.resources.admin.audit_logs import record

if TYPE_CHECKING:
    from mockapi.fake import Fake

SCOPE = "api.management.read"
PROJECT_ROLES = ["owner", "member"]
# The SDK 3.63.0's ProjectResidency. The fake has one region: a project's residency is recorded, not enforced.
RESIDENCIES = ["GLOBAL", "US_STORAGE_PROCESSING", "EU_STORAGE_PROCESSING", "JP_STORAGE", "JP_STORAGE_PROCESSING",
               "KR_STORAGE", "CA_STORAGE", "SG_STORAGE", "IN_STORAGE", "IN_STORAGE_PROCESSING", "AU_STORAGE",
               "AU_STORAGE_PROCESSING", "GB_STORAGE", "AE_STORAGE", "AE_STORAGE_PROCESSING"]
OWNER_ACCESS = ["active", "inactive", "any"]  # the SDK 3.63.0's api_keys.list(owner_project_access)
KEY_NAME = "Secret Key"  # a new key's name when none is given (the document's example)
BASE = "/organization/projects"
# A new project's limits: tier-1 figures from OpenAI's rate-limit guide for a few models (chosen snapshot).
DEFAULT_LIMITS = {"gpt-4o": (500, 30_000), "gpt-4o-mini": (500, 200_000), "text-embedding-3-small": (3_000, 1_000_000)}
RATE_LIMIT_FIELDS = ("max_requests_per_1_minute", "max_tokens_per_1_minute", "max_images_per_1_minute",
                     "max_audio_megabytes_per_1_minute", "max_requests_per_1_day", "batch_1_day_max_input_tokens")


def install(fake: Fake) -> None:
    add = admin_routes(fake, SCOPE, BASE)

    add("POST", "", create)
    add("GET", "", list_projects)
    add("GET", "/{project_id}", retrieve)
    add("POST", "/{project_id}", modify)
    add("POST", "/{project_id}/archive", archive)
    add("POST", "/{project_id}/users", add_user)
    add("GET", "/{project_id}/users", list_users)
    add("GET", "/{project_id}/users/{user_id}", retrieve_user)
    add("POST", "/{project_id}/users/{user_id}", modify_user)
    add("DELETE", "/{project_id}/users/{user_id}", remove_user)
    add("POST", "/{project_id}/service_accounts", create_service_account)
    add("GET", "/{project_id}/service_accounts", list_service_accounts)
    add("GET", "/{project_id}/service_accounts/{service_account_id}", retrieve_service_account)
    add("POST", "/{project_id}/service_accounts/{service_account_id}", modify_service_account)
    add("DELETE", "/{project_id}/service_accounts/{service_account_id}", delete_service_account)
    add("GET", "/{project_id}/api_keys", list_api_keys)
    add("POST", "/{project_id}/service_accounts/{service_account_id}/api_keys", create_service_account_key)
    add("GET", "/{project_id}/api_keys/{api_key_id}", retrieve_api_key)
    add("POST", "/{project_id}/api_keys/{api_key_id}", update_api_key)
    add("DELETE", "/{project_id}/api_keys/{api_key_id}", delete_api_key)
    add("GET", "/{project_id}/rate_limits", list_rate_limits)
    add("POST", "/{project_id}/rate_limits/{rate_limit_id}", update_rate_limit)


# -- projects -------------------------------------------------------------------------------------------


def create(ctx: RequestContext) -> dict[str, Any]:
    org = organization(ctx.fake)
    project = new_project(_name(ctx.body), ctx.now)
    project.obj["external_key_id"] = typed(ctx.body, "external_key_id", str)
    residency = typed(ctx.body, "residency", str)
    if residency is not None:
        if residency not in RESIDENCIES:
            raise errors.invalid_value("residency", residency, RESIDENCIES)
        if ctx.body.get("geography") is not None:  # the SDK: "Do not provide both" (wording chosen)
            raise errors.invalid_request("Provide either 'geography' or 'residency', not both.", param="residency")
    project.obj["residency"] = residency
    org.projects.add(project.id, project)
    add_project_user(project, org.owner, "owner", ctx.now)  # the creator owns it, as in the dashboard (chosen)
    record(ctx, "project.created", project.id, project, data={"name": project.obj["name"]})
    return project.obj


def list_projects(ctx: RequestContext) -> dict[str, Any]:
    archived = ctx.query.get("include_archived") in (True, "true")
    where = None if archived else (lambda p: p.obj["archived_at"] is None)
    return paginate(ctx, organization(ctx.fake).projects, lambda p: p.obj, default_order="asc", where=where)


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    return project_of(ctx).obj


def modify(ctx: RequestContext) -> dict[str, Any]:
    project = active_project(ctx)
    name = typed(ctx.body, "name", str)
    if name is not None:
        project.obj["name"] = _name(ctx.body)
    if "external_key_id" in ctx.body:
        project.obj["external_key_id"] = typed(ctx.body, "external_key_id", str)
    record(ctx, "project.updated", project.id, project, changes={"title": project.obj["name"]})
    return project.obj


def archive(ctx: RequestContext) -> dict[str, Any]:
    project = project_of(ctx)
    org = organization(ctx.fake)
    if project.id == org.default_project:  # wording chosen; the dashboard cannot archive it either
        raise errors.invalid_request("The default project cannot be archived.", param="project_id")
    if project.obj["archived_at"] is None:
        project.obj.update(archived_at=ctx.now, status="archived")
        for key in list(project.api_keys.values()):
            revoke(ctx.fake, org, key["id"])  # an archived project's keys stop working
        record(ctx, "project.archived", project.id, project)
    return project.obj


def _name(body: dict[str, Any]) -> str:
    name = required(body, "name", str)
    if not name.strip():
        raise errors.invalid_request("Invalid 'name': empty string.", param="name", code="empty_string")  # chosen
    return name


def project_of(ctx: RequestContext) -> Project:
    projects = organization(ctx.fake).projects
    return find(projects, ctx.params["project_id"], "Project", "project_id")  # wording chosen (no real capture)


def active_project(ctx: RequestContext) -> Project:
    project = project_of(ctx)
    if project.obj["archived_at"] is not None:  # wording chosen
        raise errors.invalid_request(f"Project {project.id} is archived and cannot be changed.", param="project_id")
    return project


# -- project users ------------------------------------------------------------------------------------------


def add_user(ctx: RequestContext) -> dict[str, Any]:
    project = active_project(ctx)
    role = _role(ctx.body, PROJECT_ROLES)
    org = organization(ctx.fake)
    user_id, email = typed(ctx.body, "user_id", str), typed(ctx.body, "email", str)
    user = org.users.get(user_id) if user_id else next(
        (u for u in org.users.values() if email is not None and u["email"] == email), None)
    if user is None:
        if user_id is None and email is None:
            raise errors.missing_parameter("user_id")
        # Only members of the organization can join a project (chosen wording).
        raise errors.APIError(404, f"User with id '{user_id or email}' is not a member of this organization.",
                              param="user_id" if user_id else "email")
    if user["id"] in project.users:
        raise errors.invalid_request(f"User {user['id']} is already a member of project {project.id}.",
                                     param="user_id")  # chosen
    member = add_project_user(project, user, role, ctx.now)
    record(ctx, "user.added", user["id"], project, data={"role": role})
    return member


def list_users(ctx: RequestContext) -> dict[str, Any]:
    return paginate(ctx, project_of(ctx).users, lambda u: u, default_order="asc")


def retrieve_user(ctx: RequestContext) -> dict[str, Any]:
    return member_of(project_of(ctx), ctx.params["user_id"])


def modify_user(ctx: RequestContext) -> dict[str, Any]:
    project = active_project(ctx)
    member = member_of(project, ctx.params["user_id"])
    role = typed(ctx.body, "role", str)
    if role is not None:
        member["role"] = _role(ctx.body, PROJECT_ROLES)
    record(ctx, "user.updated", member["id"], project, changes={"role": member["role"]})
    return member


def remove_user(ctx: RequestContext) -> dict[str, Any]:
    project = active_project(ctx)
    member = member_of(project, ctx.params["user_id"])
    project.users.remove(member["id"])
    project.user_roles.pop(member["id"], None)  # and the project roles assigned to them
    record(ctx, "user.deleted", member["id"], project)
    return deleted(member["id"], "organization.project.user.deleted")


def member_of(project: Project, user_id: str) -> dict[str, Any]:
    found = project.users.get(user_id)
    if found is None:  # wording chosen
        raise errors.APIError(404, f"User with id '{user_id}' not found in project {project.id}.", param="user_id")
    return found


def _role(body: dict[str, Any], roles: list[str]) -> str:
    role = required(body, "role", str)
    if role not in roles:
        raise errors.invalid_value("role", role, roles)
    return role


# -- service accounts and API keys ------------------------------------------------------------------------------


def create_service_account(ctx: RequestContext) -> dict[str, Any]:
    project = active_project(ctx)
    name = required(ctx.body, "name", str)
    only = typed(ctx.body, "create_service_account_only", bool, False)
    expires_at, limit = expiry(ctx.body, ctx.now), key_spend_limit(ctx.body)
    if only and (expires_at is not None or limit is not None):  # the SDK's docstring; wording chosen
        which = "expires_in_seconds" if expires_at is not None else "spend_limit"
        raise errors.invalid_request(f"'{which}' cannot be used when 'create_service_account_only' is true.",
                                     param=which)
    # Accounts created with create_service_account_only have role "none" and no key (the SDK 3.63.0).
    account = {"object": "organization.project.service_account", "id": new_id("svc_acct_"), "name": name,
               "role": "none" if only else "member", "created_at": ctx.now}
    project.service_accounts.add(account["id"], account)
    record(ctx, "service_account.created", account["id"], project, data={"role": account["role"]})
    if only:
        return {**account, "api_key": None}
    # The documented answer: the account with its key's secret, shown once (name "Secret Key" as in the example).
    return {**account, "api_key": _new_key(ctx, project, account, KEY_NAME, expires_at, limit)}


def create_service_account_key(ctx: RequestContext) -> dict[str, Any]:
    """Another key for a service account (the SDK 3.63.0's service_accounts.api_keys.create). ``scopes`` are
    checked and kept, not enforced (chosen)."""
    project = active_project(ctx)
    account = _service_account(project, ctx.params["service_account_id"])
    name = typed(ctx.body, "name", str, KEY_NAME)
    scopes = _scopes(ctx.body)
    expires_at, limit = expiry(ctx.body, ctx.now), key_spend_limit(ctx.body)
    created = _new_key(ctx, project, account, name, expires_at, limit, scopes)
    record(ctx, "api_key.created", created["id"], project, data={"scopes": scopes or []})
    return created


def _new_key(ctx: RequestContext, project: Project, account: dict[str, Any], name: str, expires_at: int | None,
             limit: dict[str, Any] | None, scopes: list[str] | None = None) -> dict[str, Any]:
    """A service account's new key: listed in the project (redacted) and working until ``expires_at``; the
    answer carries the secret, shown once."""
    secret = "sk-svcacct-" + new_id("")[:24] + new_id("")[:24]
    key_id = new_id("key_")
    key = {"object": "organization.project.api_key", "redacted_value": f"{secret[:6]}...{secret[-3:]}",
           "name": name, "created_at": ctx.now, "last_used_at": None, "id": key_id,
           "owner": {"type": "service_account", "service_account": {**_public(account)}},
           # owner_project_access (required by the SDK 3.x, absent from the pinned document) is worked out when
           # listed: see _key_now
           "owner_project_access": "active", "expires_at": expires_at, "spend_limit": limit, "scopes": scopes}
    project.api_keys.add(key_id, key)
    issue(ctx.fake, organization(ctx.fake), secret, KeyInfo(project=project.id, id=key_id, expires_at=expires_at))
    return {"object": "organization.project.service_account.api_key", "value": secret, "name": name,
            "created_at": ctx.now, "id": key_id, "expires_at": expires_at, "spend_limit": limit}


def _scopes(body: dict[str, Any]) -> list[str] | None:
    scopes = typed(body, "scopes", list)
    for i, scope in enumerate(scopes or []):
        if not isinstance(scope, str):
            raise errors.wrong_type(f"scopes[{i}]", scope, str)
    return None if scopes is None else list(scopes)


def _public(account: dict[str, Any]) -> dict[str, Any]:
    return {k: account[k] for k in ("object", "id", "name", "role", "created_at")}


def list_service_accounts(ctx: RequestContext) -> dict[str, Any]:
    return paginate(ctx, project_of(ctx).service_accounts, lambda a: a, default_order="asc")


def retrieve_service_account(ctx: RequestContext) -> dict[str, Any]:
    return _service_account(project_of(ctx), ctx.params["service_account_id"])


def modify_service_account(ctx: RequestContext) -> dict[str, Any]:
    project = active_project(ctx)
    account = _service_account(project, ctx.params["service_account_id"])
    name = typed(ctx.body, "name", str)
    role = _role(ctx.body, PROJECT_ROLES) if ctx.body.get("role") is not None else None
    if name is not None:
        account["name"] = name
    if role is not None:
        account["role"] = role
    record(ctx, "service_account.updated", account["id"], project, changes={"role": account["role"]})
    return account


def delete_service_account(ctx: RequestContext) -> dict[str, Any]:
    project = active_project(ctx)
    account = _service_account(project, ctx.params["service_account_id"])
    org = organization(ctx.fake)
    for key in [k for k in project.api_keys.values() if _owner_id(k) == account["id"]]:
        project.api_keys.remove(key["id"])
        revoke(ctx.fake, org, key["id"])
    project.service_accounts.remove(account["id"])
    record(ctx, "service_account.deleted", account["id"], project)
    return deleted(account["id"], "organization.project.service_account.deleted")


def _service_account(project: Project, account_id: str) -> dict[str, Any]:
    return find(project.service_accounts, account_id, "Service account", "service_account_id")  # wording chosen


def _owner_id(key: dict[str, Any]) -> str | None:
    owner = key["owner"]
    return owner.get(owner["type"], {}).get("id")


def list_api_keys(ctx: RequestContext) -> dict[str, Any]:
    project = project_of(ctx)
    access = ctx.query.get("owner_project_access")
    if access is not None and access not in OWNER_ACCESS:
        raise errors.invalid_value("owner_project_access", access, OWNER_ACCESS)
    # Omitted: "the endpoint applies its existing membership-based visibility rules" (the SDK), taken here as
    # the keys whose owner has access (chosen); "any" lists every enabled key.
    wanted = None if access == "any" else access or "active"
    where = None if wanted is None else (lambda k: _key_now(project, k)["owner_project_access"] == wanted)
    return paginate(ctx, project.api_keys, lambda k: _key_now(project, k), default_order="asc", where=where)


def retrieve_api_key(ctx: RequestContext) -> dict[str, Any]:
    project = project_of(ctx)
    return _key_now(project, _api_key(project, ctx.params["api_key_id"]))


def update_api_key(ctx: RequestContext) -> dict[str, Any]:
    """New scopes, spend limit or expiry for a key (the SDK 3.63.0's api_keys.update): fields omitted stay,
    ``spend_limit: null`` removes the limit, ``expires_in_seconds`` counts from this request."""
    project = active_project(ctx)
    key = _api_key(project, ctx.params["api_key_id"])
    if key.get("expires_at") is not None and ctx.now >= key["expires_at"]:  # the SDK; wording chosen
        raise errors.invalid_request(f"API key {key['id']} has expired and cannot be updated.", param="api_key_id")
    changes: dict[str, Any] = {}
    if ctx.body.get("expires_in_seconds") is not None:
        changes["expires_at"] = expiry(ctx.body, ctx.now)
    if ctx.body.get("scopes") is not None:
        changes["scopes"] = _scopes(ctx.body)
    if "spend_limit" in ctx.body:
        changes["spend_limit"] = key_spend_limit(ctx.body)
    key.update(changes)
    if "expires_at" in changes:
        org = organization(ctx.fake)
        secret = org.secrets.get(key["id"])
        info = ctx.fake.issued_keys.get(secret) if secret is not None else None
        if secret is not None and info is not None:
            ctx.fake.issued_keys[secret] = replace(info, expires_at=changes["expires_at"])
    record(ctx, "api_key.updated", key["id"], project, changes=changes)
    return _key_now(project, key)


def _key_now(project: Project, key: dict[str, Any]) -> dict[str, Any]:
    """A key as listed: ``owner_project_access`` is ``active`` while its owner still has a project role (a
    service account created with ``create_service_account_only`` has role ``none``: its keys are inactive,
    chosen); ``scopes`` are kept for the audit log only."""
    owner_id = _owner_id(key)
    if key["owner"]["type"] == "service_account":
        account = project.service_accounts.get(owner_id)
        active = account is not None and account["role"] != "none"
    else:
        active = owner_id in project.users
    key["owner_project_access"] = "active" if active else "inactive"
    return {k: v for k, v in key.items() if k != "scopes"}


def delete_api_key(ctx: RequestContext) -> dict[str, Any]:
    project = project_of(ctx)
    # Service accounts' keys too; the account stays (the SDK's docstring for this operation).
    key = _api_key(project, ctx.params["api_key_id"])
    project.api_keys.remove(key["id"])
    revoke(ctx.fake, organization(ctx.fake), key["id"])
    record(ctx, "api_key.deleted", key["id"], project)
    return deleted(key["id"], "organization.project.api_key.deleted")


def _api_key(project: Project, key_id: str) -> dict[str, Any]:
    return find(project.api_keys, key_id, "API key", "api_key_id")  # wording chosen


# -- rate limits --------------------------------------------------------------------------------------------


def list_rate_limits(ctx: RequestContext) -> dict[str, Any]:
    project = project_of(ctx)
    _seed_rate_limits(project)
    return paginate(ctx, project.rate_limits, lambda r: r, default_limit=100, default_order="asc")


def update_rate_limit(ctx: RequestContext) -> dict[str, Any]:
    project = active_project(ctx)
    _seed_rate_limits(project)
    rate_limit_id = ctx.params["rate_limit_id"]
    found = find(project.rate_limits, rate_limit_id, "Rate limit", "rate_limit_id")  # wording chosen
    changes = {}
    for name in RATE_LIMIT_FIELDS:
        value = typed(ctx.body, name, int)
        if value is not None:
            if value < 0:
                raise errors.APIError(400, f"Invalid '{name}': integer below minimum value. Expected a value >= 0, "
                                      f"but got {value} instead.", param=name, code="integer_below_min_value")
            changes[name] = found[name] = value
    record(ctx, "rate_limit.updated", found["id"], project, changes=changes)
    return found


def _seed_rate_limits(project: Project) -> None:
    """A project's limits start as DEFAULT_LIMITS, ids like the document's example (``rl_ada``)."""
    if len(project.rate_limits):
        return
    for model, (rpm, tpm) in DEFAULT_LIMITS.items():
        obj = {"object": "project.rate_limit", "id": f"rl_{model}", "model": model,
               "max_requests_per_1_minute": rpm, "max_tokens_per_1_minute": tpm}
        project.rate_limits.add(obj["id"], obj)
