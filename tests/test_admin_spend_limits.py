"""Hard spend limits (organization and project), a project's service tier settings and reading one spend alert:
Administration API operations newer than the pinned document, with the official SDK 3.63.0."""

from __future__ import annotations

import openai
import pytest

LIMIT = {"currency": "USD", "interval": "month", "threshold_amount": 250_000}
ALERT = {"threshold_amount": 100_000, "currency": "USD", "interval": "month",
         "notification_channel": {"type": "email", "recipients": ["finance@example.com"]}}


def test_organization_spend_limit(admin) -> None:
    with pytest.raises(openai.NotFoundError):
        admin.spend_limit.retrieve()
    with pytest.raises(openai.NotFoundError):
        admin.spend_limit.delete()
    created = admin.spend_limit.update(**LIMIT, notification_channel={
        "type": "email", "recipients": ["cfo@example.com"], "subject_prefix": "Limit"})
    assert (created.object, created.threshold_amount, created.enforcement.status) == \
        ("organization.spend_limit", 250_000, "inactive")
    assert created.notification_channel.recipients == ["cfo@example.com"]
    # The channel omitted: kept; its prefix alone changed: the recipients stay.
    raised = admin.spend_limit.update(**{**LIMIT, "threshold_amount": 300_000})
    assert (raised.threshold_amount, raised.notification_channel.subject_prefix) == (300_000, "Limit")
    kept = admin.spend_limit.update(**LIMIT, notification_channel={"type": "email", "subject_prefix": ""})
    assert (kept.notification_channel.recipients, kept.notification_channel.subject_prefix) == \
        (["cfo@example.com"], None)
    assert admin.spend_limit.update(**LIMIT, notification_channel=None).notification_channel is None
    assert admin.spend_limit.retrieve().threshold_amount == 250_000
    gone = admin.spend_limit.delete()
    assert (gone.object, gone.deleted) == ("organization.spend_limit.deleted", True)
    with pytest.raises(openai.NotFoundError):
        admin.spend_limit.retrieve()
    with pytest.raises(openai.BadRequestError) as negative:
        admin.spend_limit.update(**{**LIMIT, "threshold_amount": -1})
    assert negative.value.param == "threshold_amount"
    with pytest.raises(openai.BadRequestError) as currency:
        admin.spend_limit.update(**{**LIMIT, "currency": "EUR"})
    assert currency.value.param == "currency"
    with pytest.raises(openai.BadRequestError) as email:
        admin.spend_limit.update(**LIMIT, notification_channel={"type": "email", "recipients": ["nobody"]})
    assert email.value.param == "notification_channel.recipients[0]"


def test_project_spend_limit_is_per_project(admin) -> None:
    alpha, beta = admin.projects.create(name="Alpha"), admin.projects.create(name="Beta")
    limit = admin.projects.spend_limit.update(alpha.id, **LIMIT)
    assert (limit.object, limit.notification_channel) == ("project.spend_limit", None)
    assert admin.projects.spend_limit.retrieve(alpha.id).threshold_amount == 250_000
    with pytest.raises(openai.NotFoundError):
        admin.projects.spend_limit.retrieve(beta.id)
    with pytest.raises(openai.NotFoundError):
        admin.spend_limit.retrieve()  # the organization's is separate
    assert admin.projects.spend_limit.delete(alpha.id).object == "project.spend_limit.deleted"
    with pytest.raises(openai.NotFoundError):
        admin.projects.spend_limit.retrieve("proj_missing")
    admin.projects.archive(beta.id)
    with pytest.raises(openai.BadRequestError):
        admin.projects.spend_limit.update(beta.id, **LIMIT)


def test_service_tier_settings(admin) -> None:
    project = admin.projects.create(name="Tiers")
    settings = admin.projects.service_tier_settings.retrieve(project.id)
    assert (settings.object, settings.default, settings.enabled_tiers) == \
        ("project.service_tier_settings", "standard", "all")
    changed = admin.projects.service_tier_settings.update(project.id, enabled_tiers=["flex", "fast"], default="fast")
    assert (changed.default, changed.enabled_tiers) == ("fast", ["flex", "fast"])
    assert admin.projects.service_tier_settings.update(project.id, enabled_tiers="all").default == "fast"
    assert admin.projects.service_tier_settings.retrieve(project.id).enabled_tiers == "all"
    with pytest.raises(openai.BadRequestError) as bad:
        admin.projects.service_tier_settings.update(project.id, enabled_tiers=["flex", "turbo"])
    assert bad.value.param == "enabled_tiers[1]"
    with pytest.raises(openai.BadRequestError) as unusable:
        admin.projects.service_tier_settings.update(project.id, enabled_tiers=[])  # fast is still the default
    assert unusable.value.param == "default"
    with pytest.raises(openai.NotFoundError):
        admin.projects.service_tier_settings.retrieve("proj_missing")


def test_retrieve_one_spend_alert(admin) -> None:
    alert = admin.spend_alerts.create(**ALERT)
    assert admin.spend_alerts.retrieve(alert.id).threshold_amount == 100_000
    project = admin.projects.create(name="Alerts")
    mine = admin.projects.spend_alerts.create(project.id, **ALERT)
    assert admin.projects.spend_alerts.retrieve(mine.id, project_id=project.id).object == "project.spend_alert"
    with pytest.raises(openai.NotFoundError) as missing:
        admin.spend_alerts.retrieve(mine.id)  # a project's alert is not the organization's
    assert missing.value.body["message"] == f"Spend alert with id '{mine.id}' not found."
