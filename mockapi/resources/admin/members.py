"""The organization's people and keys: ``/organization/users``, ``/organization/invites`` and
``/organization/admin_api_keys`` (whose created keys work as admin keys on this fake)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.admin.org import Organization, add_project_user, expiry, issue, organization, redact, revoke
from mockapi.admin.rbac import forget_user
from mockapi.common import deleted, find, paginate, required, typed
from mockapi.config import KeyInfo
from mockapi.context import RequestContext
from mockapi.ids import new_id
from mockapi.resources.admin import admin_routes, check_email
from mockapi.resources.admin.audit_logs import record

if TYPE_CHECKING:
    from mockapi.fake import Fake

SCOPE = "api.management.read"
USER_ROLES = ["owner", "reader"]  # the Invite schema's organization roles
INVITE_DAYS = 7  # chosen (the dashboard's invites expire after a week)


def install(fake: Fake) -> None:
    add = admin_routes(fake, SCOPE)

    add("GET", "/users", list_users)
    add("GET", "/users/{user_id}", retrieve_user)
    add("POST", "/users/{user_id}", modify_user)
    add("DELETE", "/users/{user_id}", delete_user)
    add("POST", "/invites", invite)
    add("GET", "/invites", list_invites)
    add("GET", "/invites/{invite_id}", retrieve_invite)
    add("DELETE", "/invites/{invite_id}", delete_invite)
    add("POST", "/admin_api_keys", create_admin_key)
    add("GET", "/admin_api_keys", list_admin_keys)
    add("GET", "/admin_api_keys/{key_id}", retrieve_admin_key)
    add("DELETE", "/admin_api_keys/{key_id}", delete_admin_key)
    # Nobody can accept an invite on a fake, so tests do it here: the invitee joins the organization.
    fake.control.add("POST", "/admin/invites/{invite_id}/accept", lambda f, b, q: accept_invite(f, q["invite_id"]))


# -- users ------------------------------------------------------------------------------------------------


def list_users(ctx: RequestContext) -> dict[str, Any]:
    emails = ctx.query.get("emails")
    wanted = set(emails if isinstance(emails, list) else [emails]) if emails else None
    where = None if wanted is None else (lambda u: u["email"] in wanted)
    return paginate(ctx, organization(ctx.fake).users, lambda u: u, default_order="asc", where=where)


def retrieve_user(ctx: RequestContext) -> dict[str, Any]:
    return user_of(organization(ctx.fake), ctx.params["user_id"])


def modify_user(ctx: RequestContext) -> dict[str, Any]:
    org = organization(ctx.fake)
    user = user_of(org, ctx.params["user_id"])
    role = typed(ctx.body, "role", str)
    if role is not None:
        if role not in USER_ROLES:
            raise errors.invalid_value("role", role, USER_ROLES)
        _keep_an_owner(org, user, role)
        user["role"] = role
    record(ctx, "user.updated", user["id"], changes={"role": user["role"]})
    return user


def delete_user(ctx: RequestContext) -> dict[str, Any]:
    org = organization(ctx.fake)
    user = user_of(org, ctx.params["user_id"])
    _keep_an_owner(org, user, None)
    org.users.remove(user["id"])
    for project in org.projects.values():
        project.users.remove(user["id"])
    forget_user(org, user["id"])  # their groups and role assignments
    record(ctx, "user.deleted", user["id"])
    return deleted(user["id"], "organization.user.deleted")


def _keep_an_owner(org: Organization, user: dict[str, Any], role: str | None) -> None:
    """An organization keeps at least one owner (wording chosen)."""
    if user["role"] == "owner" and role != "owner" and sum(u["role"] == "owner" for u in org.users.values()) == 1:
        raise errors.invalid_request("The organization must keep at least one owner.", param="user_id")


def user_of(org: Organization, user_id: str) -> dict[str, Any]:
    return find(org.users, user_id, "User", "user_id")  # wording chosen


# -- invites ---------------------------------------------------------------------------------------------


def invite(ctx: RequestContext) -> dict[str, Any]:
    org = organization(ctx.fake)
    email = required(ctx.body, "email", str)
    role = required(ctx.body, "role", str)
    if role not in USER_ROLES:
        raise errors.invalid_value("role", role, USER_ROLES)
    check_email(email, "email")
    if any(u["email"] == email for u in org.users.values()):
        raise errors.invalid_request(f"{email} is already a member of this organization.", param="email")
    projects = []
    for i, item in enumerate(ctx.body.get("projects") or []):
        if item.get("id") not in org.projects:
            raise errors.APIError(404, f"Project with id '{item.get('id')}' not found.", param=f"projects[{i}].id")
        projects.append({"id": item["id"], "role": item["role"]})
    obj = {"object": "organization.invite", "id": new_id("invite-"), "email": email, "role": role,
           "status": "pending", "created_at": ctx.now, "expires_at": ctx.now + INVITE_DAYS * 86400,
           "accepted_at": None, "projects": projects}
    org.invites.add(obj["id"], obj)
    record(ctx, "invite.sent", obj["id"], data={"email": email, "role": role})
    return obj


def list_invites(ctx: RequestContext) -> dict[str, Any]:
    return paginate(ctx, organization(ctx.fake).invites, lambda i: _invite_now(i, ctx.now), default_order="asc")


def retrieve_invite(ctx: RequestContext) -> dict[str, Any]:
    return _invite_now(_invite(organization(ctx.fake), ctx.params["invite_id"]), ctx.now)


def delete_invite(ctx: RequestContext) -> dict[str, Any]:
    org = organization(ctx.fake)
    found = _invite_now(_invite(org, ctx.params["invite_id"]), ctx.now)
    if found["status"] == "accepted":  # wording chosen
        raise errors.invalid_request("An accepted invite cannot be deleted.", param="invite_id")
    org.invites.remove(found["id"])
    record(ctx, "invite.deleted", found["id"])
    return deleted(found["id"], "organization.invite.deleted")


def accept_invite(fake: Fake, invite_id: str) -> dict[str, Any]:
    """The invitee accepts: a user with the invite's role, added to its projects (name chosen: the email's
    local part)."""
    with fake.state.lock:
        org = organization(fake)
        found = _invite_now(_invite(org, invite_id), fake.clock.now_int())
        if found["status"] != "pending":
            raise errors.invalid_request(f"Invite {invite_id} is {found['status']}.", param="invite_id")
        now = fake.clock.now_int()
        found.update(status="accepted", accepted_at=now)
        user = {"object": "organization.user", "id": new_id("user-"), "name": found["email"].split("@")[0],
                "email": found["email"], "role": found["role"], "added_at": now}
        org.users.add(user["id"], user)
        for item in found["projects"]:
            project = org.projects.get(item["id"])
            if project is not None and user["id"] not in project.users:
                add_project_user(project, user, item["role"], now)
        return user


def _invite_now(obj: dict[str, Any], now: int) -> dict[str, Any]:
    """Nobody accepts an invite on a fake: it stays pending until it expires on the clock."""
    if obj["status"] == "pending" and now >= obj["expires_at"]:
        obj["status"] = "expired"
    return obj


def _invite(org: Organization, invite_id: str) -> dict[str, Any]:
    return find(org.invites, invite_id, "Invite", "invite_id")  # wording chosen


# -- admin API keys -------------------------------------------------------------------------------------------


def create_admin_key(ctx: RequestContext) -> dict[str, Any]:
    org = organization(ctx.fake)
    name = required(ctx.body, "name", str)
    expires_at = expiry(ctx.body, ctx.now)  # the SDK 3.63.0: "Omit this field for a key that does not expire."
    secret = "sk-admin-" + new_id("")[:24] + new_id("")[:24]
    owner = org.owner
    obj = {"object": "organization.admin_api_key", "id": new_id("key_"), "name": name,
           "redacted_value": redact(secret), "created_at": ctx.now, "last_used_at": None, "expires_at": expires_at,
           "owner": {"type": "user", "object": "organization.user", "id": owner["id"], "name": owner["name"],
                     "created_at": owner["added_at"], "role": owner["role"]}}
    org.admin_keys.add(obj["id"], obj)
    issue(ctx.fake, org, secret, KeyInfo(admin=True, id=obj["id"], expires_at=expires_at))
    record(ctx, "api_key.created", obj["id"], data={"scopes": ["api.management.read", "api.usage.read"]})
    return {**obj, "value": secret}  # the secret is shown once, at creation


def list_admin_keys(ctx: RequestContext) -> dict[str, Any]:
    return paginate(ctx, organization(ctx.fake).admin_keys, lambda k: k, default_order="asc")


def retrieve_admin_key(ctx: RequestContext) -> dict[str, Any]:
    return _admin_key(organization(ctx.fake), ctx.params["key_id"])


def delete_admin_key(ctx: RequestContext) -> dict[str, Any]:
    org = organization(ctx.fake)
    found = _admin_key(org, ctx.params["key_id"])
    org.admin_keys.remove(found["id"])
    revoke(ctx.fake, org, found["id"])
    record(ctx, "api_key.deleted", found["id"])
    return deleted(found["id"], "organization.admin_api_key.deleted")


def _admin_key(org: Organization, key_id: str) -> dict[str, Any]:
    return find(org.admin_keys, key_id, "Admin API key", "key_id")  # wording chosen
