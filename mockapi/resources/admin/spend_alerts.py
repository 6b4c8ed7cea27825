"""``/organization/spend_alerts`` and ``/organization/projects/{project_id}/spend_alerts``: monthly spend
thresholds (in cents) with the emails to notify. The fake stores them; it sends no email, so they never fire.
The document has no audit event type for them. Facts and choices: contracts/README.md ("Administration").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.admin.org import organization
from mockapi.collection import Collection
from mockapi.common import find, paginate, required, typed
from mockapi.context import RequestContext
from mockapi.ids import new_id
from mockapi.resources.admin import admin_routes, check_email
from mockapi.resources.admin.projects import active_project, project_of

if TYPE_CHECKING:
    from mockapi.fake import Fake

SCOPE = "api.management.read"
CURRENCIES, INTERVALS, CHANNELS = ["USD"], ["month"], ["email"]  # the document's enums


def install(fake: Fake) -> None:
    add = admin_routes(fake, SCOPE)

    for base, alerts_of, kind in (("/spend_alerts", _organization, "organization"),
                                  ("/projects/{project_id}/spend_alerts", _project, "project")):
        add("GET", base, _listing(alerts_of))
        add("POST", base, _creating(alerts_of, kind))
        add("GET", base + "/{alert_id}", _retrieving(alerts_of))  # the SDK 3.63.0 (newer than the document)
        add("POST", base + "/{alert_id}", _updating(alerts_of))
        add("DELETE", base + "/{alert_id}", _deleting(alerts_of, kind))


def _organization(ctx: RequestContext, change: bool = False) -> Collection[dict[str, Any]]:
    return organization(ctx.fake).spend_alerts


def _project(ctx: RequestContext, change: bool = False) -> Collection[dict[str, Any]]:
    return (active_project(ctx) if change else project_of(ctx)).spend_alerts


def _listing(alerts_of: Any) -> Any:
    def list_spend_alerts(ctx: RequestContext) -> dict[str, Any]:
        return paginate(ctx, alerts_of(ctx), lambda a: a, min_limit=0, default_order="asc")

    return list_spend_alerts


def _creating(alerts_of: Any, kind: str) -> Any:
    def create_spend_alert(ctx: RequestContext) -> dict[str, Any]:
        alerts = alerts_of(ctx, change=True)
        alert = {"id": new_id("alert_"), "object": f"{kind}.spend_alert", **_settings(ctx.body)}
        alerts.add(alert["id"], alert)
        return alert

    return create_spend_alert


def _retrieving(alerts_of: Any) -> Any:
    def retrieve_spend_alert(ctx: RequestContext) -> dict[str, Any]:
        return _alert(alerts_of(ctx), ctx.params["alert_id"])

    return retrieve_spend_alert


def _updating(alerts_of: Any) -> Any:
    def update_spend_alert(ctx: RequestContext) -> dict[str, Any]:
        alert = _alert(alerts_of(ctx, change=True), ctx.params["alert_id"])
        alert.update(_settings(ctx.body))  # the same body as create (the document): every field given again
        return alert

    return update_spend_alert


def _deleting(alerts_of: Any, kind: str) -> Any:
    def delete_spend_alert(ctx: RequestContext) -> dict[str, Any]:
        alerts = alerts_of(ctx, change=True)
        alert = _alert(alerts, ctx.params["alert_id"])
        alerts.remove(alert["id"])
        return {"id": alert["id"], "object": f"{kind}.spend_alert.deleted", "deleted": True}

    return delete_spend_alert


def _settings(body: dict[str, Any]) -> dict[str, Any]:
    """The alert's fields from a create or update body (``CreateSpendAlertBody``), checked in order."""
    threshold = required(body, "threshold_amount", int)
    if threshold < 0:
        raise errors.APIError(400, f"Invalid 'threshold_amount': integer below minimum value. Expected a value "
                              f">= 0, but got {threshold} instead.", param="threshold_amount",
                              code="integer_below_min_value")
    currency = _one_of(body, "currency", CURRENCIES)
    interval = _one_of(body, "interval", INTERVALS)
    channel = required(body, "notification_channel", dict)
    where = "notification_channel"
    kind = _one_of(channel, "type", CHANNELS, where)
    recipients = required(channel, "recipients", list, where)
    if not recipients:
        raise errors.empty_array(f"{where}.recipients")
    for i, recipient in enumerate(recipients):
        check_email(recipient, f"{where}.recipients[{i}]")
    prefix = typed(channel, "subject_prefix", str, where=where)
    return {"threshold_amount": threshold, "currency": currency, "interval": interval,
            "notification_channel": {"type": kind, "recipients": list(recipients), "subject_prefix": prefix}}


def _one_of(body: dict[str, Any], name: str, values: list[str], where: str | None = None) -> str:
    value = required(body, name, str, where)
    if value not in values:
        raise errors.invalid_value(f"{where}.{name}" if where else name, value, values)
    return str(value)


def _alert(alerts: Collection[dict[str, Any]], alert_id: str) -> dict[str, Any]:
    return find(alerts, alert_id, "Spend alert", "alert_id")  # wording chosen
