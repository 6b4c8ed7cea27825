"""``/organization/health/alert_rules`` and ``/organization/projects/{project_id}/health/alert_rules`` (health
alert rules owned by the organization or by one project) and ``.../health/alerts/{alert_id}`` (what a rule
fired): operations newer than the pinned document, written from the SDK 3.63.0's types.

Rules are versioned: ``update`` and ``delete`` take the ``expected_version`` they were read at, and a stale one is
a 409 (chosen wording). The fake measures no error rates, cache hits or rate-limit use, so rules never fire by
themselves: tests fire them with ``fake.services["health"].fire(rule_id)`` or ``POST
/__mockapi__/health/alerts``, which records the alert the API would then show. No audit events (the document
names none). Facts and choices: contracts/README.md ("Administration").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.admin.org import Organization, Project, organization
from mockapi.collection import Collection
from mockapi.common import find, page_limit, required, typed
from mockapi.context import RequestContext
from mockapi.ids import new_id
from mockapi.resources.admin import admin_routes, check_email
from mockapi.resources.admin.projects import active_project, project_of

if TYPE_CHECKING:
    from mockapi.fake import Fake

SCOPE = "api.management.read"
TYPES = ["error_rate", "prompt_cache_hit_rate", "rate_limit_utilization", "service_tier_fallback_rate"]
WINDOWS = [300, 900, 1800]  # the SDK: "Must be 300, 900, or 1800"
STATUS_CLASSES = ["all", "4xx", "5xx"]
METRICS = ["rpm", "tpm"]
SOURCE_TIERS = ["fast"]
SERVICE_TIERS = ["default", "priority", "flex", "scale"]
FILTERS = ("models", "observability_tags", "project_ids", "service_tiers")
EMAIL_FLAGS = ("enabled", "org_owners", "project_owners")
# What a rule starts with when the request leaves it out (chosen: no filter, every channel off).
CONSECUTIVE_MINUTES, UTILIZATION = 1, 0.9  # rate_limit_utilization's defaults (chosen; the SDK makes both optional)
ALERT_WINDOW = 60  # seconds evaluated for the types without window_seconds (chosen: a minute, as rate limits)


def install(fake: Fake) -> None:
    add = admin_routes(fake, SCOPE)
    for base, kind in (("/health", "organization"), ("/projects/{project_id}/health", "project")):
        add("POST", base + "/alert_rules", _with_owner(kind, True, create_alert_rule))
        add("GET", base + "/alert_rules", _with_owner(kind, False, list_alert_rules))
        add("GET", base + "/alert_rules/{alert_rule_id}", _with_owner(kind, False, retrieve_alert_rule))
        add("POST", base + "/alert_rules/{alert_rule_id}", _with_owner(kind, True, update_alert_rule))
        add("DELETE", base + "/alert_rules/{alert_rule_id}", _with_owner(kind, True, delete_alert_rule))
        add("GET", base + "/alerts/{alert_id}", _with_owner(kind, False, retrieve_alert))
    service = HealthService(fake)
    fake.services["health"] = service
    fake.control.add("POST", "/health/alerts", lambda f, b, q: service.fire(**b))


class _Owner:
    """The organization or one project: where its rules and alerts live."""

    def __init__(self, org: Organization, project: Project | None) -> None:
        self.org, self.project = org, project
        holder: Any = project if project is not None else org
        self.rules: Collection[dict[str, Any]] = holder.health_rules
        self.alerts: Collection[dict[str, Any]] = holder.health_alerts


def _with_owner(kind: str, change: bool, handler: Any) -> Any:
    def routed(ctx: RequestContext) -> dict[str, Any]:
        project = None if kind == "organization" else (active_project(ctx) if change else project_of(ctx))
        return handler(ctx, _Owner(organization(ctx.fake), project))

    routed.__name__ = routed.__qualname__ = handler.__name__ + ("" if kind == "organization" else "_for_project")
    return routed


# -- rules ----------------------------------------------------------------------------------------------------


def create_alert_rule(ctx: RequestContext, owner: _Owner) -> dict[str, Any]:
    body = ctx.body
    name = _name(body)
    condition = _condition(required(body, "condition", dict), None)
    enabled = typed(body, "enabled", bool, True)  # default chosen: a new rule is on
    filters = _filters(ctx, typed(body, "filters", dict, {}), _empty_filters())
    notifications = _notifications(typed(body, "notifications", dict, {}), _no_notifications())
    rule = {"id": new_id("hrule_"), "object": "health.alert_rule", "name": name, "condition": condition,
            "enabled": enabled, "filters": filters, "notifications": notifications,
            "organization_id": owner.org.id, "created_at": ctx.now, "updated_at": ctx.now, "version": 1}
    owner.rules.add(rule["id"], rule)
    return rule


def list_alert_rules(ctx: RequestContext, owner: _Owner) -> dict[str, Any]:
    """A token page (the SDK's SyncTokenPage): ``next`` is the token for ``page``, oldest first (chosen)."""
    query = ctx.query
    limit = page_limit(query.get("limit"), 20, 100)  # default and bounds chosen, as the other lists
    kind = query.get("type")
    if kind is not None and kind not in TYPES:
        raise errors.invalid_value("type", kind, TYPES)
    enabled = query.get("enabled")
    if enabled is not None and enabled not in (True, False, "true", "false"):
        raise errors.invalid_value("enabled", enabled, ["true", "false"])
    want = None if enabled is None else enabled in (True, "true")

    def where(rule: dict[str, Any]) -> bool:
        return (kind is None or rule["condition"]["type"] == kind) and (want is None or rule["enabled"] == want)

    token = query.get("page") or None
    try:
        page = owner.rules.page(limit=limit, order="asc", after=token, where=where)
    except KeyError:  # wording chosen
        raise errors.APIError(400, f"Invalid 'page': '{token}' is not a page token of this list.", param="page",
                              code="invalid_value") from None
    last = page.items[-1]["id"] if page.items and page.has_more else None
    return {"object": "list", "data": page.items, "has_more": page.has_more, "next": last}


def retrieve_alert_rule(ctx: RequestContext, owner: _Owner) -> dict[str, Any]:
    return _rule(ctx, owner)


def update_alert_rule(ctx: RequestContext, owner: _Owner) -> dict[str, Any]:
    """"Omitted fields are preserved"; the condition keeps its type ("To change the type, create a new alert
    rule"); notifications change partially ("An empty object resets both channels to disabled")."""
    rule = _rule(ctx, owner)
    body = ctx.body
    _check_version(rule, required(body, "expected_version", int))
    changes: dict[str, Any] = {}
    if body.get("name") is not None:
        changes["name"] = _name(body)
    if body.get("condition") is not None:
        changes["condition"] = _condition(required(body, "condition", dict), rule["condition"])
    if body.get("enabled") is not None:
        changes["enabled"] = typed(body, "enabled", bool)
    if body.get("filters") is not None:
        changes["filters"] = _filters(ctx, typed(body, "filters", dict), rule["filters"])
    if body.get("notifications") is not None:
        given = typed(body, "notifications", dict)
        changes["notifications"] = _notifications(given, rule["notifications"]) if given else _no_notifications()
    rule.update(changes, updated_at=ctx.now, version=rule["version"] + 1)
    return rule


def delete_alert_rule(ctx: RequestContext, owner: _Owner) -> dict[str, Any]:
    rule = _rule(ctx, owner)
    raw = ctx.query.get("expected_version")
    if raw is None:
        raise errors.missing_parameter("expected_version")
    try:
        version = int(raw)
    except (TypeError, ValueError):
        raise errors.wrong_type("expected_version", raw, int) from None
    _check_version(rule, version)
    owner.rules.remove(rule["id"])
    return {"id": rule["id"], "object": "health.alert_rule.deleted", "deleted": True}


def retrieve_alert(ctx: RequestContext, owner: _Owner) -> dict[str, Any]:
    alert_id = ctx.params["alert_id"]
    return find(owner.alerts, alert_id, "Health alert", "alert_id")  # wording chosen


def _rule(ctx: RequestContext, owner: _Owner) -> dict[str, Any]:
    rule_id = ctx.params["alert_rule_id"]
    return find(owner.rules, rule_id, "Health alert rule", "alert_rule_id")  # wording chosen


def _check_version(rule: dict[str, Any], expected: int) -> None:
    if expected != rule["version"]:  # status and wording chosen: an optimistic-concurrency conflict
        raise errors.APIError(409, f"Health alert rule '{rule['id']}' is at version {rule['version']}, not "
                              f"{expected}; read it again and retry.", param="expected_version",
                              code="version_conflict")


def _name(body: dict[str, Any]) -> str:
    name = required(body, "name", str)
    if not name.strip():  # wording chosen
        raise errors.invalid_request("Invalid 'name': must not be empty.", param="name")
    return str(name)


# -- the rule's parts -----------------------------------------------------------------------------------------


def _condition(given: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    """The condition with its defaults. On update the type must stay (the SDK), and fields the SDK marks
    optional keep their current values when omitted (chosen, like the rule's other fields)."""
    where = "condition"
    kind = required(given, "type", str, where)
    if kind not in TYPES:
        raise errors.invalid_value(f"{where}.type", kind, TYPES)
    if current is not None and kind != current["type"]:  # wording chosen
        raise errors.invalid_request(f"Invalid 'condition.type': the rule's condition is '{current['type']}'; to "
                                     "change the type, create a new alert rule.", param="condition.type")
    base = current or {}
    condition: dict[str, Any] = {"type": kind}
    if kind == "rate_limit_utilization":
        condition["metric"] = _one_of(required(given, "metric", str, where), "metric", METRICS)
        minutes = typed(given, "consecutive_minutes", int, base.get("consecutive_minutes", CONSECUTIVE_MINUTES),
                        where)
        if minutes < 1:
            raise _below(f"{where}.consecutive_minutes", 1, minutes)
        condition["consecutive_minutes"] = minutes
        condition["threshold"] = _rate(typed(given, "threshold", (int, float), base.get("threshold", UTILIZATION),
                                             where))
        return condition
    condition["threshold"] = _rate(required(given, "threshold", (int, float), where))
    if kind == "error_rate":
        window = required(given, "window_seconds", int, where)
        if window not in WINDOWS:
            raise errors.invalid_value(f"{where}.window_seconds", window, [str(w) for w in WINDOWS])
        condition["window_seconds"] = window
        status_class = typed(given, "status_class", str, base.get("status_class", "all"), where)
        condition["status_class"] = _one_of(status_class, "status_class", STATUS_CLASSES)
        codes = typed(given, "status_codes", list, None, where) if "status_codes" in given \
            else base.get("status_codes")
        if codes is not None:
            for i, code in enumerate(codes):
                param = f"{where}.status_codes[{i}]"
                if not isinstance(code, int) or isinstance(code, bool):
                    raise errors.wrong_type(param, code, int)
                if not 400 <= code <= 599:  # "4xx or 5xx" codes (the SDK's dimensions.http_status); wording chosen
                    raise errors.invalid_request(f"Invalid '{param}': {code} is not a 4xx or 5xx status code.",
                                                 param=param)
            codes = list(dict.fromkeys(codes))
        condition["status_codes"] = codes
    elif kind == "service_tier_fallback_rate":
        tier = typed(given, "source_tier", str, base.get("source_tier", "fast"), where)
        condition["source_tier"] = _one_of(tier, "source_tier", SOURCE_TIERS)
    return condition


def _rate(value: Any, param: str = "condition.threshold") -> float:
    """Thresholds are fractions (the measurements divide counts: "Fallback count divided by eligible attempt
    count"); 0..1 inclusive, wording chosen."""
    if not 0 <= value <= 1:
        raise errors.invalid_request(f"Invalid '{param}': {value} is not between 0 and 1.", param=param)
    return float(value)


def _one_of(value: str, name: str, values: list[str]) -> str:
    if value not in values:
        raise errors.invalid_value(f"condition.{name}", value, values)
    return value


def _below(param: str, minimum: int, value: int) -> errors.APIError:
    return errors.APIError(400, f"Invalid '{param}': integer below minimum value. Expected a value >= {minimum}, "
                           f"but got {value} instead.", param=param, code="integer_below_min_value")


def _empty_filters() -> dict[str, list[str]]:
    return {name: [] for name in FILTERS}


def _filters(ctx: RequestContext, given: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """Lists given replace the current ones (null clears one); omitted ones stay (chosen). Project ids must be
    the organization's, service tiers the SDK's."""
    org = organization(ctx.fake)
    filters = {name: list(values) for name, values in current.items()}
    for name in FILTERS:
        if name not in given:
            continue
        values = typed(given, name, list, [], "filters")
        for i, value in enumerate(values):
            param = f"filters.{name}[{i}]"
            if not isinstance(value, str):
                raise errors.wrong_type(param, value, str)
            if name == "service_tiers" and value not in SERVICE_TIERS:
                raise errors.invalid_value(param, value, SERVICE_TIERS)
            if name == "project_ids" and org.projects.get(value) is None:
                raise errors.APIError(404, f"Project with id '{value}' not found.", param=param)
        filters[name] = list(dict.fromkeys(values))
    return filters


def _no_notifications() -> dict[str, Any]:
    return {"email": {"addresses": [], "enabled": False, "org_owners": False, "project_owners": False},
            "webhook": {"enabled": False}}


def _notifications(given: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """Channels and fields omitted keep their current values (the SDK's update; on create, off)."""
    email = dict(current["email"])
    webhook = dict(current["webhook"])
    channel = typed(given, "email", dict, None, "notifications")
    if channel is not None:
        where = "notifications.email"
        for flag in EMAIL_FLAGS:
            email[flag] = typed(channel, flag, bool, email[flag], where)
        if "addresses" in channel:
            addresses = typed(channel, "addresses", list, [], where)
            for i, address in enumerate(addresses):
                check_email(address, f"{where}.addresses[{i}]")
            email["addresses"] = list(dict.fromkeys(addresses))
    hook = typed(given, "webhook", dict, None, "notifications")
    if hook is not None:
        webhook["enabled"] = typed(hook, "enabled", bool, webhook["enabled"], "notifications.webhook")
    return {"email": email, "webhook": webhook}


# -- firing (the control plane) -------------------------------------------------------------------------------


class HealthService:
    """Fires a rule as the real evaluator would: ``fake.services["health"].fire(rule_id)``."""

    def __init__(self, fake: Fake) -> None:
        self.fake = fake

    def fire(self, rule_id: str, type: str = "triggered", value: float | None = None) -> dict[str, Any]:
        """An alert for the rule (organization- or project-owned): ``type`` triggered or resolved; ``value`` the
        measurement (default: the threshold when triggered, 0 when resolved). Returns the alert as the API
        shows it."""
        if type not in ("triggered", "resolved"):
            raise ValueError("type must be 'triggered' or 'resolved'")
        org = organization(self.fake)
        owner, rule = None, None
        for candidate in [_Owner(org, None)] + [_Owner(org, p) for p in org.projects.values()]:
            rule = candidate.rules.get(rule_id)
            if rule is not None:
                owner = candidate
                break
        if owner is None or rule is None:
            raise ValueError(f"no health alert rule {rule_id!r}")
        condition = rule["condition"]
        threshold = condition["threshold"]
        measured = float(value if value is not None else (threshold if type == "triggered" else 0.0))
        now = self.fake.clock.now_int()
        window = condition.get("window_seconds", ALERT_WINDOW)
        filters = rule["filters"]
        project_id = owner.project.id if owner.project is not None else _first(filters["project_ids"])
        alert = {
            "id": new_id("halert_"), "object": "health.alert", "alert_rule_id": rule["id"], "type": type,
            "created_at": now, "occurred_at": now, "window": {"started_at": now - window, "ended_at": now},
            "dimensions": {"project_id": project_id, "model": _first(filters["models"]),
                           "service_tier": _first(filters["service_tiers"]),
                           "observability_tag": _first(filters["observability_tags"]),
                           "http_status": _first(condition.get("status_codes") or [])},
            "measurement": _measurement(condition, measured, project_id),
        }
        owner.alerts.add(alert["id"], alert)
        return alert


def _first(values: list[Any]) -> Any:
    return values[0] if values else None


def _measurement(condition: dict[str, Any], value: float, project_id: str | None) -> dict[str, Any]:
    """The type's counts for ``value`` over a chosen base (100 requests, 1,000 input tokens)."""
    kind, threshold = condition["type"], condition["threshold"]
    common = {"type": kind, "threshold": threshold, "value": value}
    if kind == "error_rate":
        return {**common, "request_count": 100, "error_count": round(value * 100)}
    if kind == "prompt_cache_hit_rate":
        return {**common, "input_token_count": 1000, "cached_input_token_count": round(value * 1000)}
    if kind == "rate_limit_utilization":
        scope = f"project:{project_id}" if project_id else "organization"  # chosen
        return {**common, "metric": condition["metric"], "consecutive_minutes": condition["consecutive_minutes"],
                "rate_limit_scope": scope}
    return {**common, "source_tier": condition["source_tier"], "eligible_attempt_count": 100,
            "fallback_count": round(value * 100)}
