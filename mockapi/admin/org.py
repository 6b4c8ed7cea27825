"""The one organization behind every key: its owner, projects, members, invites, admin keys, audit log, groups,
roles and role assignments, certificates, spend alerts, external key and storage configs, health alert rules,
workload identity providers and data retention setting.

Organization-level objects belong to no API key, so they live in ``state.shared`` (cleared by reset, like
everything else) and are created on first use with an owner and a "Default project". The fake serves one
organization, named by ``config.organization``; facts and choices: contracts/README.md ("Administration").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.collection import Collection
from mockapi.config import KeyInfo
from mockapi.context import RequestContext
from mockapi.ids import new_id

if TYPE_CHECKING:
    from mockapi.fake import Fake

ORGANIZATION = "organization"
ADMIN_PREFIX = "sk-admin-"
OWNER_NAME, OWNER_EMAIL = "Mock Owner", "owner@example.com"  # chosen
# The enum has no "standard" value; a new organization reads the document's example (chosen).
ORG_RETENTION = "modified_abuse_monitoring"
PROJECT_RETENTION = "organization_default"  # the document's example: the project follows the organization
HOSTED_TOOLS = ("file_search", "web_search", "image_generation", "mcp", "code_interpreter")
# A project's service tiers before any change: Standard by default, every optional tier enabled ("all" includes
# future tiers; chosen, so a project behaves as before the setting existed).
DEFAULT_SERVICE_TIERS = {"default": "standard", "enabled_tiers": "all"}
ORG_RESOURCE, PROJECT_RESOURCE = "api.organization", "api.project"  # roles' resource_type (the document's)
# Predefined roles (name, description, permissions), named after the legacy roles the API already shows
# (organization users: owner/reader; project members: owner/member). Permission names chosen (no real catalog is
# published; a few are the document's examples, the others the scopes the real 403s name).
ORG_PREDEFINED = [
    ("owner", "Full access to the organization",
     ["api.management.read", "api.management.write", "api.usage.read", "api.audit_logs.read", "api.groups.read",
      "api.groups.write"]),
    ("reader", "Read access to the organization", ["api.management.read", "api.usage.read", "api.groups.read"]),
]
PROJECT_PREDEFINED = [
    ("owner", "Full access to the project",
     ["api.model.request", "api.organization.projects.api_keys.read", "api.organization.projects.api_keys.write"]),
    ("member", "Uses the project's models", ["api.model.request", "api.organization.projects.api_keys.read"]),
]

Assignments = Collection[dict[str, Any]]  # role id -> the role record (so a renamed role reads renamed)


@dataclass
class Project:
    obj: dict[str, Any]
    users: Collection[dict[str, Any]] = field(default_factory=Collection)
    service_accounts: Collection[dict[str, Any]] = field(default_factory=Collection)
    api_keys: Collection[dict[str, Any]] = field(default_factory=Collection)
    rate_limits: Collection[dict[str, Any]] = field(default_factory=Collection)
    roles: Collection[dict[str, Any]] = field(default_factory=Collection)  # predefined ones seeded on first use
    groups: Collection[dict[str, Any]] = field(default_factory=Collection)  # group id -> project.group
    user_roles: dict[str, Assignments] = field(default_factory=dict)
    group_roles: dict[str, Assignments] = field(default_factory=dict)
    spend_alerts: Collection[dict[str, Any]] = field(default_factory=Collection)
    spend_limit: dict[str, Any] | None = None  # the hard spend limit's settings; None: none set
    health_rules: Collection[dict[str, Any]] = field(default_factory=Collection)  # project-owned alert rules
    health_alerts: Collection[dict[str, Any]] = field(default_factory=Collection)  # what they fired
    # {"default", "enabled_tiers"}: the SDK 3.63.0's service tier settings (DEFAULT_SERVICE_TIERS until set)
    service_tiers: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_SERVICE_TIERS))
    data_retention: str = PROJECT_RETENTION
    hosted_tools: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(HOSTED_TOOLS, True))
    # {"mode", "model_ids"}; None: no policy (every model allowed)
    model_permissions: dict[str, Any] | None = None

    @property
    def id(self) -> str:
        return str(self.obj["id"])


@dataclass
class Group:
    obj: dict[str, Any]
    users: Collection[dict[str, Any]] = field(default_factory=Collection)  # user id -> {"id", "added_at"}
    roles: Assignments = field(default_factory=Collection)

    @property
    def id(self) -> str:
        return str(self.obj["id"])


@dataclass
class Organization:
    id: str
    owner: dict[str, Any]
    default_project: str
    users: Collection[dict[str, Any]] = field(default_factory=Collection)
    projects: Collection[Project] = field(default_factory=Collection)
    invites: Collection[dict[str, Any]] = field(default_factory=Collection)
    admin_keys: Collection[dict[str, Any]] = field(default_factory=Collection)
    audit_logs: Collection[dict[str, Any]] = field(default_factory=Collection)
    # key id -> the secret, so deleting a key by id revokes the secret too
    secrets: dict[str, str] = field(default_factory=dict)
    groups: Collection[Group] = field(default_factory=Collection)
    roles: Collection[dict[str, Any]] = field(default_factory=Collection)
    user_roles: dict[str, Assignments] = field(default_factory=dict)
    certificates: Collection[dict[str, Any]] = field(default_factory=Collection)
    spend_alerts: Collection[dict[str, Any]] = field(default_factory=Collection)
    spend_limit: dict[str, Any] | None = None
    external_keys: Collection[dict[str, Any]] = field(default_factory=Collection)  # the stored configs
    external_storage: Collection[dict[str, Any]] = field(default_factory=Collection)
    removed_storage: set[str] = field(default_factory=set)  # deleted storage ids (deleting again answers 200)
    health_rules: Collection[dict[str, Any]] = field(default_factory=Collection)  # organization-owned alert rules
    identity_providers: Collection[dict[str, Any]] = field(default_factory=Collection)  # workload identity (OIDC)
    federation_rules: Collection[dict[str, Any]] = field(default_factory=Collection)  # of every provider
    health_alerts: Collection[dict[str, Any]] = field(default_factory=Collection)  # what they fired
    data_retention: str = ORG_RETENTION
    # The predefined project roles, the same in every project (seeded into each project's roles on first use).
    project_roles: list[dict[str, Any]] = field(default_factory=list)
    # Projects with a model or hosted tool policy: requests are checked only while this is not empty.
    restricted: set[str] = field(default_factory=set)


def organization(fake: Fake) -> Organization:
    """The organization, created with its owner and default project on first use."""
    found: Organization | None = fake.state.shared.get(ORGANIZATION)
    if found is not None:
        return found
    with fake.state.lock:
        found = fake.state.shared.get(ORGANIZATION)
        if found is None:
            found = fake.state.shared[ORGANIZATION] = _new_organization(fake)
    return found


def _new_organization(fake: Fake) -> Organization:
    now = fake.clock.now_int()
    owner = {
        "object": "organization.user", "id": new_id("user-"), "name": OWNER_NAME, "email": OWNER_EMAIL,
        "role": "owner", "added_at": now,
    }
    project = new_project("Default project", now)
    org = Organization(id=fake.config.organization, owner=owner, default_project=project.id)
    org.users.add(owner["id"], owner)
    org.projects.add(project.id, project)
    add_project_user(project, owner, "owner", now)
    for name, description, permissions in ORG_PREDEFINED:
        role = new_role(name, description, permissions, ORG_RESOURCE, None, now, predefined=True)
        org.roles.add(role["id"], role)
    org.project_roles = [new_role(name, description, permissions, PROJECT_RESOURCE, None, now, predefined=True)
                         for name, description, permissions in PROJECT_PREDEFINED]
    return org


def new_role(name: str, description: str | None, permissions: list[str], resource_type: str,
             creator: dict[str, Any] | None, now: int, *, predefined: bool = False) -> dict[str, Any]:
    """A role record: the public Role fields plus what role assignment listings add (created_by, ...)."""
    return {
        "object": "role", "id": new_id("role_"), "name": name, "description": description,
        "permissions": permissions, "resource_type": resource_type, "predefined_role": predefined,
        "created_at": None if predefined else now, "updated_at": None if predefined else now,
        "created_by": None if creator is None else creator["id"],
        "created_by_user_obj": None if creator is None else
        {"id": creator["id"], "name": creator["name"], "email": creator["email"]},
        "metadata": {},
    }


def project_roles(org: Organization, project: Project) -> Collection[dict[str, Any]]:
    """A project's roles: the predefined ones (shared by every project) first, then its custom roles."""
    if not len(project.roles):
        for role in org.project_roles:
            project.roles.add(role["id"], role)
    return project.roles


def new_project(name: str, now: int) -> Project:
    obj = {"id": new_id("proj_"), "object": "organization.project", "name": name, "created_at": now,
           "archived_at": None, "status": "active", "external_key_id": None}
    return Project(obj)


def add_project_user(project: Project, user: dict[str, Any], role: str, now: int) -> dict[str, Any]:
    member = {"object": "organization.project.user", "id": user["id"], "name": user.get("name"),
              "email": user.get("email"), "role": role, "added_at": now}
    project.users.add(member["id"], member)
    return member


# -- keys -------------------------------------------------------------------------------------------------


def is_admin(ctx: RequestContext) -> bool:
    fake = ctx.fake
    if not fake.config.require_admin_key or ctx.api_key.startswith(ADMIN_PREFIX):
        return True
    info = fake.issued_keys.get(ctx.api_key) or (fake.config.api_keys or {}).get(ctx.api_key)
    return info is not None and info.admin


def require_admin(ctx: RequestContext, scope: str) -> None:
    """Only admin keys reach the Administration API. The real 403 for a project key (verified live by several
    users: "403 Missing scopes: api.usage.read" on usage and costs, api.management.read elsewhere; wording from
    a recorded body, contracts/README.md "Administration")."""
    if not is_admin(ctx):
        raise errors.APIError(403, f"You have insufficient permissions for this operation. Missing scopes: {scope}.")


def key_id(fake: Fake, key: str) -> str:
    """A key's id (``key_...``): the one it was issued or configured with, else derived from the key (stable)."""
    info = fake.issued_keys.get(key) or (fake.config.api_keys or {}).get(key)
    if info is not None and info.id:
        return info.id
    return "key_" + hashlib.sha256(key.encode()).hexdigest()[:16]


def redact(secret: str) -> str:
    """``sk-abc...def``, the documented redacted_value shape."""
    head = ADMIN_PREFIX[:-1] if secret.startswith(ADMIN_PREFIX) else secret[:6]
    return f"{head}...{secret[-3:]}"


def expiry(body: dict[str, Any], now: int, name: str = "expires_in_seconds") -> int | None:
    """When a key given ``expires_in_seconds`` stops working (fake clock), or None (it does not expire). The
    minimum (1) and its wording are chosen: the SDK gives no bounds."""
    seconds = body.get(name)
    if seconds is None:
        return None
    if not isinstance(seconds, int) or isinstance(seconds, bool):
        raise errors.wrong_type(name, seconds, int)
    if seconds < 1:
        raise errors.APIError(400, f"Invalid '{name}': integer below minimum value. Expected a value >= 1, but got "
                              f"{seconds} instead.", param=name, code="integer_below_min_value")
    return now + seconds


def key_spend_limit(body: dict[str, Any], name: str = "spend_limit") -> dict[str, Any] | None:
    """A project API key's monthly hard spend limit (the SDK's ProjectAPIKeySpendLimit), or None. The fake
    stores it and never enforces it, so ``enforcement.status`` stays ``inactive`` (chosen)."""
    limit = body.get(name)
    if limit is None:
        return None
    if not isinstance(limit, dict):
        raise errors.wrong_type(name, limit, dict)
    return {**spend_limit_settings(limit, name), "enforcement": {"status": "inactive"}}


def spend_limit_settings(body: dict[str, Any], where: str | None = None) -> dict[str, Any]:
    """``threshold_amount`` (cents, >= 0), ``currency`` (USD) and ``interval`` (month), checked in order."""
    param = f"{where}.threshold_amount" if where else "threshold_amount"
    threshold = body.get("threshold_amount")
    if threshold is None:
        raise errors.missing_parameter(param)
    if not isinstance(threshold, int) or isinstance(threshold, bool):
        raise errors.wrong_type(param, threshold, int)
    if threshold < 0:
        raise errors.APIError(400, f"Invalid '{param}': integer below minimum value. Expected a value >= 0, but got "
                              f"{threshold} instead.", param=param, code="integer_below_min_value")
    settings: dict[str, Any] = {"threshold_amount": threshold}
    for field_name, values in (("currency", ["USD"]), ("interval", ["month"])):  # the SDK's enums
        name = f"{where}.{field_name}" if where else field_name
        value = body.get(field_name)
        if value is None:
            raise errors.missing_parameter(name)
        if value not in values:
            raise errors.invalid_value(name, value, values)
        settings[field_name] = value
    return settings


def issue(fake: Fake, org: Organization, secret: str, info: KeyInfo) -> None:
    assert info.id is not None
    fake.issued_keys[secret] = info
    org.secrets[info.id] = secret


def revoke(fake: Fake, org: Organization, obj_id: str) -> None:
    secret = org.secrets.pop(obj_id, None)
    if secret is not None:
        fake.issued_keys[secret] = None


@dataclass(frozen=True, slots=True)
class Caller:
    """Who a metered request is billed to, as usage results name it."""

    project_id: str
    user_id: str | None
    api_key_id: str


def caller(ctx: RequestContext) -> Caller:
    fake = ctx.fake
    org = organization(fake)
    info = fake.issued_keys.get(ctx.api_key) or (fake.config.api_keys or {}).get(ctx.api_key)
    project = (info.project if info is not None else None) or ctx.response_headers.get("openai-project")
    service_account = info is not None and info.project is not None and ctx.api_key in fake.issued_keys
    return Caller(project or org.default_project, None if service_account else org.owner["id"],
                  key_id(fake, ctx.api_key))
