"""Health alert rules (organization- and project-owned) and the alerts they fire: Administration API operations
newer than the pinned document, with the official SDK 3.63.0."""

from __future__ import annotations

import openai
import pytest

ERRORS = {"type": "error_rate", "threshold": 0.05, "window_seconds": 300}


def test_organization_alert_rule_lifecycle(admin, mockapi) -> None:
    rules = admin.health.alert_rules
    rule = rules.create(name="5xx spike", condition={**ERRORS, "status_class": "5xx"})
    assert (rule.object, rule.name, rule.enabled, rule.version, rule.organization_id) == \
        ("health.alert_rule", "5xx spike", True, 1, mockapi.config.organization)
    assert (rule.condition.type, rule.condition.threshold, rule.condition.window_seconds,
            rule.condition.status_class, rule.condition.status_codes) == ("error_rate", 0.05, 300, "5xx", None)
    assert rule.filters.models == [] and rule.notifications.email.enabled is False
    assert rules.retrieve(rule.id).id == rule.id
    cache = rules.create(name="Cache", condition={"type": "prompt_cache_hit_rate", "threshold": 0.5},
                         enabled=False, notifications={"email": {"enabled": True, "addresses": ["ops@example.com"]},
                                                       "webhook": {"enabled": True}})
    assert cache.notifications.email.addresses == ["ops@example.com"] and cache.notifications.webhook.enabled
    limits = rules.create(name="RPM", condition={"type": "rate_limit_utilization", "metric": "rpm"})
    assert (limits.condition.threshold, limits.condition.consecutive_minutes) == (0.9, 1)
    tier = rules.create(name="Fallback", condition={"type": "service_tier_fallback_rate", "threshold": 0.2})
    assert tier.condition.source_tier == "fast"
    assert [r.id for r in rules.list()] == [rule.id, cache.id, limits.id, tier.id]
    assert [r.id for r in rules.list(enabled=False)] == [cache.id]
    assert [r.id for r in rules.list(type="rate_limit_utilization")] == [limits.id]
    first = rules.list(limit=2)
    assert [r.id for r in first.data] == [rule.id, cache.id] and first.has_more and first.next == cache.id
    assert [r.id for r in rules.list(limit=2, page=first.next).data] == [limits.id, tier.id]
    # Updates at the current version; omitted fields stay; the type cannot change.
    updated = rules.update(rule.id, expected_version=1, name="Errors", condition={**ERRORS, "threshold": 0.1},
                           filters={"models": ["gpt-4o"]})
    assert (updated.name, updated.version, updated.condition.threshold, updated.condition.status_class) == \
        ("Errors", 2, 0.1, "5xx")
    assert updated.filters.models == ["gpt-4o"] and updated.enabled
    with pytest.raises(openai.ConflictError):
        rules.update(rule.id, expected_version=1, enabled=False)
    with pytest.raises(openai.BadRequestError) as kind:
        rules.update(rule.id, expected_version=2, condition={"type": "prompt_cache_hit_rate", "threshold": 0.1})
    assert kind.value.param == "condition.type"
    reset = rules.update(cache.id, expected_version=1, notifications={})
    assert not reset.notifications.email.enabled and not reset.notifications.webhook.enabled
    with pytest.raises(openai.ConflictError):
        rules.delete(rule.id, expected_version=1)
    gone = rules.delete(rule.id, expected_version=2)
    assert (gone.id, gone.object, gone.deleted) == (rule.id, "health.alert_rule.deleted", True)
    with pytest.raises(openai.NotFoundError):
        rules.retrieve(rule.id)
    with pytest.raises(openai.NotFoundError):
        rules.update(rule.id, expected_version=2, name="x")


def test_alert_rule_bad_input(admin) -> None:
    rules = admin.health.alert_rules
    for condition, param in (({**ERRORS, "window_seconds": 60}, "condition.window_seconds"),
                             ({**ERRORS, "threshold": 2}, "condition.threshold"),
                             ({**ERRORS, "status_codes": [200]}, "condition.status_codes[0]"),
                             ({"type": "rate_limit_utilization", "metric": "rpm", "consecutive_minutes": 0},
                              "condition.consecutive_minutes"),
                             ({"type": "prompt_cache_hit_rate"}, "condition.threshold")):
        with pytest.raises(openai.BadRequestError) as bad:
            rules.create(name="Bad", condition=condition)  # type: ignore[arg-type]
        assert bad.value.param == param
    with pytest.raises(openai.BadRequestError):
        rules.create(name="Bad", condition={**ERRORS, "type": "latency"})  # type: ignore[arg-type]
    with pytest.raises(openai.BadRequestError) as email:
        rules.create(name="Bad", condition=ERRORS, notifications={"email": {"addresses": ["nobody"]}})
    assert email.value.param == "notifications.email.addresses[0]"
    with pytest.raises(openai.NotFoundError):
        rules.create(name="Bad", condition=ERRORS, filters={"project_ids": ["proj_missing"]})
    with pytest.raises(openai.BadRequestError):
        rules.list(limit=0)


def test_project_rules_and_alerts(admin, mockapi) -> None:
    alpha, beta = admin.projects.create(name="Alpha"), admin.projects.create(name="Beta")
    rules = admin.projects.health.alert_rules
    rule = rules.create(alpha.id, name="Alpha errors", condition={**ERRORS, "status_codes": [429, 503]})
    assert [r.id for r in rules.list(alpha.id)] == [rule.id]
    assert rules.list(beta.id).data == [] and admin.health.alert_rules.list().data == []
    with pytest.raises(openai.NotFoundError):
        rules.retrieve(rule.id, project_id=beta.id)
    with pytest.raises(openai.NotFoundError):
        admin.health.alert_rules.retrieve(rule.id)
    assert rules.update(rule.id, project_id=alpha.id, expected_version=1, enabled=False).enabled is False
    # Firing the rule (the control plane) records the alert the API shows.
    fired = mockapi.services["health"].fire(rule.id, value=0.12)
    alert = admin.projects.health.alerts.retrieve(fired["id"], project_id=alpha.id)
    assert (alert.object, alert.alert_rule_id, alert.type, alert.dimensions.project_id,
            alert.dimensions.http_status) == ("health.alert", rule.id, "triggered", alpha.id, 429)
    assert (alert.measurement.type, alert.measurement.value, alert.measurement.error_count,
            alert.measurement.request_count) == ("error_rate", 0.12, 12, 100)
    assert alert.window.ended_at - alert.window.started_at == 300
    with pytest.raises(openai.NotFoundError):
        admin.health.alerts.retrieve(fired["id"])
    org_rule = admin.health.alert_rules.create(name="Org RPM", condition={
        "type": "rate_limit_utilization", "metric": "tpm", "threshold": 0.8})
    resolved = mockapi.services["health"].fire(org_rule.id, type="resolved")
    found = admin.health.alerts.retrieve(resolved["id"])
    assert (found.type, found.measurement.metric, found.measurement.value) == ("resolved", "tpm", 0.0)
    assert rules.delete(rule.id, project_id=alpha.id, expected_version=2).deleted
    admin.projects.archive(beta.id)
    with pytest.raises(openai.BadRequestError):
        rules.create(beta.id, name="Archived", condition=ERRORS)
    assert rules.list(beta.id).data == []  # reading an archived project's rules still works
