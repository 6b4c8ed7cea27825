"""``GET /organization/audit_logs``: the admin actions this fake performed, newest first.

Each change made through the Administration API is recorded with the admin key that made it as the actor (the
document's ``api_key`` actor) and the event's payload under its type, as in the document's example.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.admin.org import Project, key_id, organization
from mockapi.common import paginate
from mockapi.context import RequestContext
from mockapi.ids import new_id
from mockapi.resources.admin import admin_only

if TYPE_CHECKING:
    from mockapi.fake import Fake

SCOPE = "api.audit_logs.read"  # the real scope name is unverified (chosen after api.usage.read)
# Tenant-scoped event types (the SDK 3.63.0's audit_logs.list: "Required for tenant-scoped events such as
# role.bound_to_resource and role.unbound_from_resource"; the others are named tenant.*). The fake records none.
TENANT_EVENTS = ("role.bound_to_resource", "role.unbound_from_resource")
BOUNDS = {"gt": int.__gt__, "gte": int.__ge__, "lt": int.__lt__, "lte": int.__le__}


def install(fake: Fake) -> None:
    fake.router.add("GET", "/organization/audit_logs", admin_only(SCOPE, list_audit_logs))


def record(ctx: RequestContext, event: str, resource_id: str | None, project: Project | None = None, /, *,
           data: dict[str, Any] | None = None, changes: dict[str, Any] | None = None, **details: Any) -> None:
    """One entry; ``details`` are the event's own top-level fields where the document gives it some
    (``role.created``'s ``role_name``, ``certificates.activated``'s ``certificates``, which has no ``id``)."""
    org = organization(ctx.fake)
    payload: dict[str, Any] = {} if resource_id is None else {"id": resource_id}
    if data is not None:
        payload["data"] = data
    if changes is not None:
        payload["changes_requested"] = changes
    payload.update(details)
    entry: dict[str, Any] = {
        "id": new_id("audit_log-"), "type": event, "effective_at": ctx.now,
        "actor": {"type": "api_key", "api_key": {"id": key_id(ctx.fake, ctx.api_key), "type": "user",
                                                 "user": {"id": org.owner["id"], "email": org.owner["email"]}}},
        event: payload,
    }
    if project is not None:
        entry["project"] = {"id": project.id, "name": project.obj["name"]}
    org.audit_logs.add(entry["id"], entry)


def list_audit_logs(ctx: RequestContext) -> dict[str, Any]:
    query = ctx.query
    wanted = {name: set(_strings(query, name)) for name in
              ("project_ids", "event_types", "actor_ids", "actor_emails", "resource_ids")}
    if query.get("tenant_only") in (True, "true"):
        # "When true, all supplied event types must be tenant-scoped" (the SDK); wording chosen.
        for event in sorted(wanted["event_types"]):
            if not (event.startswith("tenant.") or event in TENANT_EVENTS):
                raise errors.invalid_request(f"Invalid 'event_types': '{event}' is not a tenant-scoped event "
                                             "type, and 'tenant_only' is true.", param="event_types")
        wanted["event_types"] |= {"tenant."}  # no entry has this type: only tenant events, and the fake has none
    window = query.get("effective_at") if isinstance(query.get("effective_at"), dict) else {}
    bounds = [(BOUNDS[op], int(value)) for op, value in window.items() if op in BOUNDS and _is_int(value)]

    def keep(entry: dict[str, Any]) -> bool:
        user = entry["actor"]["api_key"]["user"]
        facts = {"project_ids": entry.get("project", {}).get("id"), "event_types": entry["type"],
                 "actor_ids": user["id"], "actor_emails": user["email"],
                 "resource_ids": entry[entry["type"]].get("id")}
        if any(values and facts[name] not in values for name, values in wanted.items()):
            return False
        return all(compare(entry["effective_at"], value) for compare, value in bounds)

    return paginate(ctx, organization(ctx.fake).audit_logs, lambda e: e, where=keep)


def _strings(query: dict[str, Any], name: str) -> list[str]:
    value = query.get(name + "[]", query.get(name))
    if value is None:
        return []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _is_int(value: Any) -> bool:
    try:
        int(value)
    except (TypeError, ValueError):
        return False
    return True
