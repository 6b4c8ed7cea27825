"""``/organization/spend_limit`` and ``/organization/projects/{project_id}/spend_limit`` (a hard monthly spend
limit, in cents, with the emails to notify), and ``/organization/projects/{project_id}/service_tier_settings``:
operations newer than the pinned document, written from the SDK 3.63.0's types. The fake stores the limit and
never enforces it (``enforcement.status`` stays ``inactive``); the tier settings are stored, not applied to
requests. The document has no audit event type for them. Facts and choices: contracts/README.md
("Administration").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.admin.org import organization, spend_limit_settings
from mockapi.common import required, typed
from mockapi.context import RequestContext
from mockapi.resources.admin import admin_routes, check_email
from mockapi.resources.admin.projects import active_project, project_of

if TYPE_CHECKING:
    from mockapi.fake import Fake

SCOPE = "api.management.read"
DEFAULT_TIERS = ["standard", "fast", "scale"]  # the SDK's ProjectServiceTierSettings.default
OPTIONAL_TIERS = ["flex", "fast", "ultrafast"]  # the SDK's ProjectOptionalServiceTier


def install(fake: Fake) -> None:
    add = admin_routes(fake, SCOPE)

    for base, kind in (("/spend_limit", "organization"), ("/projects/{project_id}/spend_limit", "project")):
        add("GET", base, _retrieving(kind))
        add("POST", base, _updating(kind))
        add("DELETE", base, _deleting(kind))
    add("GET", "/projects/{project_id}/service_tier_settings", retrieve_service_tiers)
    add("POST", "/projects/{project_id}/service_tier_settings", update_service_tiers)


class _Holder:
    """Where one scope's limit lives: the organization, or a project (which must be active to change)."""

    def __init__(self, ctx: RequestContext, kind: str, change: bool) -> None:
        if kind == "organization":
            self.owner: Any = organization(ctx.fake)
        else:
            self.owner = active_project(ctx) if change else project_of(ctx)


def _retrieving(kind: str) -> Any:
    def retrieve_spend_limit(ctx: RequestContext) -> dict[str, Any]:
        return _render(kind, _limit(_Holder(ctx, kind, False).owner.spend_limit, kind))

    return retrieve_spend_limit


def _updating(kind: str) -> Any:
    def update_spend_limit(ctx: RequestContext) -> dict[str, Any]:
        owner = _Holder(ctx, kind, True).owner
        settings = spend_limit_settings(ctx.body)
        current = owner.spend_limit or {}
        channel = current.get("notification_channel")
        if "notification_channel" in ctx.body:
            channel = _channel(ctx.body["notification_channel"], channel)
        owner.spend_limit = {**settings, "notification_channel": channel}
        return _render(kind, owner.spend_limit)

    return update_spend_limit


def _deleting(kind: str) -> Any:
    def delete_spend_limit(ctx: RequestContext) -> dict[str, Any]:
        owner = _Holder(ctx, kind, True).owner
        _limit(owner.spend_limit, kind)
        owner.spend_limit = None
        return {"object": f"{kind}.spend_limit.deleted", "deleted": True}

    return delete_spend_limit


def _limit(found: dict[str, Any] | None, kind: str) -> dict[str, Any]:
    if found is None:  # wording chosen
        raise errors.APIError(404, f"No spend limit is set for this {kind}.")
    return found


def _render(kind: str, limit: dict[str, Any]) -> dict[str, Any]:
    return {"object": f"{kind}.spend_limit", **limit, "enforcement": {"status": "inactive"}}


def _channel(value: Any, current: dict[str, Any] | None) -> dict[str, Any] | None:
    """The SDK: null resets to owner-only notifications; omitted ``recipients`` or ``subject_prefix`` stay
    unchanged, ``[]`` clears the recipients, null or "" clears the prefix."""
    if value is None:
        return None
    where = "notification_channel"
    if not isinstance(value, dict):
        raise errors.wrong_type(where, value, dict)
    kind = required(value, "type", str, where)
    if kind != "email":
        raise errors.invalid_value(f"{where}.type", kind, ["email"])
    current = current or {"type": "email", "recipients": [], "subject_prefix": None}
    recipients = current["recipients"]
    if "recipients" in value:
        recipients = typed(value, "recipients", list, [], where)
        for i, recipient in enumerate(recipients):
            check_email(recipient, f"{where}.recipients[{i}]")
    prefix = current["subject_prefix"]
    if "subject_prefix" in value:
        prefix = typed(value, "subject_prefix", str, None, where) or None
    return {"type": "email", "recipients": list(recipients), "subject_prefix": prefix}


# -- service tier settings ------------------------------------------------------------------------------------


def retrieve_service_tiers(ctx: RequestContext) -> dict[str, Any]:
    return {"object": "project.service_tier_settings", **project_of(ctx).service_tiers}


def update_service_tiers(ctx: RequestContext) -> dict[str, Any]:
    """Fields omitted stay as they are (chosen; the SDK marks neither required)."""
    project = active_project(ctx)
    changes: dict[str, Any] = {}
    default = typed(ctx.body, "default", str)
    if default is not None:
        if default not in DEFAULT_TIERS:
            raise errors.invalid_value("default", default, DEFAULT_TIERS)
        changes["default"] = default
    enabled = ctx.body.get("enabled_tiers")
    if enabled is not None:
        if enabled != "all":
            if not isinstance(enabled, list):
                raise errors.invalid_value("enabled_tiers", enabled, ["all"])
            for i, tier in enumerate(enabled):
                if tier not in OPTIONAL_TIERS:
                    raise errors.invalid_value(f"enabled_tiers[{i}]", tier, OPTIONAL_TIERS)
            enabled = list(dict.fromkeys(enabled))
        changes["enabled_tiers"] = enabled
    settings = {**project.service_tiers, **changes}
    tiers = settings["enabled_tiers"]
    if settings["default"] != "standard" and tiers != "all" and settings["default"] not in tiers:
        # A default the project cannot use (wording chosen; "scale" is not an optional tier, so it needs "all").
        raise errors.invalid_request(f"The default tier '{settings['default']}' must be one of the enabled tiers.",
                                     param="default")
    project.service_tiers = settings
    return {"object": "project.service_tier_settings", **settings}
