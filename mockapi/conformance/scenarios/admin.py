"""The Administration API (/organization/... and /projects/...) with an admin key: usage and costs read back after
a few billable calls (on the real service usage shows up minutes later, so only the fake is held to exact counts);
projects, members, invites and keys; certificates, groups, roles and their assignments, spend alerts, data
retention and a project's permissions, each created, read, changed and removed again."""

from __future__ import annotations

import time

import pytest

from mockapi.conformance.scenarios._util import TEST_CERTIFICATE

SDK_ONLY = "the reference client has no Administration API"


@pytest.mark.sdk_only(SDK_ONLY)
def scenario_usage_and_costs(api, target, token) -> None:
    start = int(time.time()) - 3600 if target.fake is None else target.fake.clock.now_int() - 3600
    api.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": f"Say hi {token}"}])
    api.embeddings.create(model="text-embedding-3-small", input=f"usage {token}")
    api.moderations.create(input=f"hello {token}")
    usage = api.admin.organization.usage
    page = usage.completions(start_time=start, bucket_width="1h", group_by=["model"], limit=2)
    assert page.object == "page" and page.data and page.data[0].object == "bucket"
    for name in ("embeddings", "moderations", "decisions", "images", "audio_speeches", "audio_transcriptions",
                 "vector_stores", "code_interpreter_sessions", "file_search_calls", "web_search_calls"):
        listed = getattr(usage, name)(start_time=start, bucket_width="1d", limit=1)
        assert listed.object == "page" and len(listed.data) == 1, name
    costs = usage.costs(start_time=start, group_by=["line_item"], limit=1)
    assert costs.object == "page" and costs.data[0].object == "bucket"
    if not target.is_real:
        models = {r.model: r for bucket in page.data for r in bucket.results}
        assert any(m.startswith("gpt-4o-mini") and r.num_model_requests >= 1 for m, r in models.items())
        assert sum(r.amount.value for r in costs.data[0].results) > 0


def scenario_admin_api_refuses_a_project_key(http, target) -> None:
    response = http.get("organization/usage/completions", params={"start_time": 0},
                        headers={"Authorization": f"Bearer {target.api_key}"})
    assert response.status_code == 403
    assert "Missing scopes: api.usage.read" in response.text  # the real body's error may be a bare string


@pytest.mark.sdk_only(SDK_ONLY)
def scenario_project_with_service_account_and_members(api, token) -> None:
    org = api.admin.organization
    project = org.projects.create(name=f"conformance-{token}")
    assert project.object == "organization.project" and project.status == "active"
    assert org.projects.retrieve(project.id).name == f"conformance-{token}"
    assert org.projects.update(project.id, name=f"conformance-{token}-2").name.endswith("-2")
    assert project.id in {p.id for p in org.projects.list(limit=100)}
    owner = org.users.list().data[0]
    assert org.users.retrieve(owner.id).object == "organization.user"
    assert org.users.update(owner.id, role=owner.role).id == owner.id
    if owner.id in {u.id for u in org.projects.users.list(project.id)}:  # the fake adds the creator
        org.projects.users.delete(owner.id, project_id=project.id)
    assert org.projects.users.create(project.id, user_id=owner.id, role="owner").id == owner.id
    assert org.projects.users.retrieve(owner.id, project_id=project.id).object == "organization.project.user"
    assert org.projects.users.update(owner.id, project_id=project.id, role="owner").role == "owner"
    account = org.projects.service_accounts.create(project.id, name=f"bot-{token}")
    assert account.api_key.value and account.object == "organization.project.service_account"
    assert org.projects.service_accounts.retrieve(account.id, project_id=project.id).name == f"bot-{token}"
    assert org.projects.service_accounts.update(account.id, project_id=project.id, name=f"bot2-{token}").name \
        == f"bot2-{token}"
    assert account.id in {a.id for a in org.projects.service_accounts.list(project.id)}
    key = org.projects.api_keys.retrieve(account.api_key.id, project_id=project.id)
    assert key.object == "organization.project.api_key"
    assert key.id in {k.id for k in org.projects.api_keys.list(project.id)}
    assert org.projects.api_keys.update(key.id, project_id=project.id, expires_in_seconds=3600).expires_at
    assert org.projects.api_keys.delete(key.id, project_id=project.id).deleted
    extra = org.projects.service_accounts.api_keys.create(account.id, project_id=project.id, name=f"k-{token}")
    assert extra.value and extra.object == "organization.project.service_account.api_key"
    assert org.projects.api_keys.delete(extra.id, project_id=project.id).deleted
    limits = org.projects.rate_limits.list_rate_limits(project.id).data
    if limits:
        limit = limits[0]
        updated = org.projects.rate_limits.update_rate_limit(
            limit.id, project_id=project.id, max_requests_per_1_minute=limit.max_requests_per_1_minute)
        assert updated.id == limit.id
    org.projects.users.delete(owner.id, project_id=project.id)
    org.projects.service_accounts.delete(account.id, project_id=project.id)
    assert org.projects.archive(project.id).status == "archived"
    assert org.audit_logs.list(limit=5).data


@pytest.mark.sdk_only(SDK_ONLY)
def scenario_invites_and_admin_keys(api, token) -> None:
    org = api.admin.organization
    invite = org.invites.create(email=f"conformance-{token}@example.com", role="reader")
    assert invite.status == "pending" and org.invites.retrieve(invite.id).email == invite.email
    assert invite.id in {i.id for i in org.invites.list(limit=100)}
    assert org.invites.delete(invite.id).deleted
    key = org.admin_api_keys.create(name=f"conformance-{token}")
    assert key.value and org.admin_api_keys.retrieve(key.id).name == f"conformance-{token}"
    assert key.id in {k.id for k in org.admin_api_keys.list(limit=100)}
    assert org.admin_api_keys.delete(key.id).deleted


@pytest.mark.sdk_only(SDK_ONLY)
def scenario_accepted_invitee_can_be_removed(api, control, token) -> None:
    org = api.admin.organization
    invite = org.invites.create(email=f"joiner-{token}@example.com", role="reader")
    user = control.call("POST", f"admin/invites/{invite.id}/accept")  # nobody accepts an invite on a fake
    assert org.invites.retrieve(invite.id).status == "accepted"
    assert org.users.retrieve(user["id"]).email == invite.email
    assert org.users.delete(user["id"]).deleted


ALERT = {"threshold_amount": 100_000, "currency": "USD", "interval": "month",
         "notification_channel": {"type": "email", "recipients": ["finance@example.com"]}}


@pytest.mark.sdk_only(SDK_ONLY)
def scenario_certificates(api, token) -> None:
    org = api.admin.organization
    cert = org.certificates.create(certificate=TEST_CERTIFICATE, name=f"conformance-{token}")
    assert cert.object == "certificate" and cert.certificate_details.expires_at > cert.certificate_details.valid_at
    assert org.certificates.retrieve(cert.id, include=["content"]).certificate_details.content
    assert org.certificates.update(cert.id, name=f"conformance-{token}-2").name.endswith("-2")
    assert cert.id in {c.id for c in org.certificates.list(limit=100)}
    activated = org.certificates.activate(certificate_ids=[cert.id])
    assert [c.active for c in activated.data] == [True]
    assert org.certificates.deactivate(certificate_ids=[cert.id]).data[0].active is False
    project = org.projects.create(name=f"conformance-certs-{token}")
    assert org.projects.certificates.activate(project.id, certificate_ids=[cert.id]).data[0].active
    listed = {c.id: c for c in org.projects.certificates.list(project.id, limit=100)}
    assert listed[cert.id].active and listed[cert.id].object == "organization.project.certificate"
    assert org.projects.certificates.deactivate(project.id, certificate_ids=[cert.id]).data[0].active is False
    assert org.certificates.delete(cert.id).id == cert.id
    org.projects.archive(project.id)


@pytest.mark.sdk_only(SDK_ONLY)
def scenario_groups_and_their_members(api, token) -> None:
    org = api.admin.organization
    group = org.groups.create(name=f"conformance-{token}")
    assert org.groups.retrieve(group.id).name == group.name
    assert org.groups.update(group.id, name=f"conformance-{token}-2").name.endswith("-2")
    assert group.id in {g.id for g in org.groups.list(limit=1000)}
    owner = org.users.list().data[0]
    added = org.groups.users.create(group.id, user_id=owner.id)
    assert (added.user_id, added.group_id) == (owner.id, group.id)
    assert owner.id in {u.id for u in org.groups.users.list(group.id)}
    assert org.groups.users.retrieve(owner.id, group_id=group.id).id == owner.id
    assert org.groups.users.delete(owner.id, group_id=group.id).deleted
    assert org.groups.delete(group.id).deleted


@pytest.mark.sdk_only(SDK_ONLY)
def scenario_roles_and_assignments(api, token) -> None:
    org = api.admin.organization
    role = org.roles.create(role_name=f"conformance-{token}", permissions=["api.groups.read"])
    assert role.object == "role" and not role.predefined_role
    assert org.roles.retrieve(role.id).name == role.name
    updated = org.roles.update(role.id, permissions=["api.groups.read", "api.groups.write"], description="test")
    assert updated.permissions == ["api.groups.read", "api.groups.write"]
    assert role.id in {r.id for r in org.roles.list()}
    owner = org.users.list().data[0]
    assert org.users.roles.create(owner.id, role_id=role.id).role.id == role.id
    assert role.id in {r.id for r in org.users.roles.list(owner.id)}
    assert org.users.roles.retrieve(role.id, user_id=owner.id).name == role.name
    assert org.users.roles.delete(role.id, user_id=owner.id).deleted
    group = org.groups.create(name=f"conformance-roles-{token}")
    assert org.groups.roles.create(group.id, role_id=role.id).group.id == group.id
    assert [r.id for r in org.groups.roles.list(group.id)] == [role.id]
    assert org.groups.roles.retrieve(role.id, group_id=group.id).id == role.id
    assert org.groups.roles.delete(role.id, group_id=group.id).deleted
    org.groups.delete(group.id)
    assert org.roles.delete(role.id).deleted


@pytest.mark.sdk_only(SDK_ONLY)
def scenario_project_groups_and_roles(api, token) -> None:
    org = api.admin.organization
    project = org.projects.create(name=f"conformance-rbac-{token}")
    role = org.projects.roles.create(project.id, role_name=f"conformance-{token}", permissions=["api.model.request"])
    assert role.resource_type == "api.project"
    assert org.projects.roles.retrieve(role.id, project_id=project.id).name == role.name
    assert org.projects.roles.update(role.id, project_id=project.id, description="test").description == "test"
    assert role.id in {r.id for r in org.projects.roles.list(project.id)}
    group = org.groups.create(name=f"conformance-project-{token}")
    granted = org.projects.groups.create(project.id, group_id=group.id, role=role.id)
    assert (granted.group_id, granted.project_id) == (group.id, project.id)
    assert org.projects.groups.retrieve(group.id, project_id=project.id).group_name == group.name
    assert group.id in {g.group_id for g in org.projects.groups.list(project.id)}
    assert role.id in {r.id for r in org.projects.groups.roles.list(group.id, project_id=project.id)}
    assert org.projects.groups.roles.retrieve(role.id, project_id=project.id, group_id=group.id).id == role.id
    assert org.projects.groups.roles.delete(role.id, project_id=project.id, group_id=group.id).deleted
    assert org.projects.groups.roles.create(group.id, project_id=project.id, role_id=role.id).role.id == role.id
    owner = org.users.list().data[0]
    if owner.id not in {u.id for u in org.projects.users.list(project.id)}:  # the fake adds the creator
        org.projects.users.create(project.id, user_id=owner.id, role="owner")
    assert org.projects.users.roles.create(owner.id, project_id=project.id, role_id=role.id).user.id == owner.id
    assert role.id in {r.id for r in org.projects.users.roles.list(owner.id, project_id=project.id)}
    assert org.projects.users.roles.retrieve(role.id, project_id=project.id, user_id=owner.id).id == role.id
    assert org.projects.users.roles.delete(role.id, project_id=project.id, user_id=owner.id).deleted
    assert org.projects.groups.delete(group.id, project_id=project.id).deleted
    assert org.projects.roles.delete(role.id, project_id=project.id).deleted
    org.groups.delete(group.id)
    org.projects.archive(project.id)


@pytest.mark.sdk_only(SDK_ONLY)
def scenario_spend_alerts_retention_and_permissions(api, token) -> None:
    org = api.admin.organization
    alert = org.spend_alerts.create(**ALERT)
    assert alert.object == "organization.spend_alert" and alert.threshold_amount == 100_000
    assert alert.id in {a.id for a in org.spend_alerts.list(limit=100)}
    assert org.spend_alerts.update(alert.id, **{**ALERT, "threshold_amount": 150_000}).threshold_amount == 150_000
    assert org.spend_alerts.retrieve(alert.id).threshold_amount == 150_000
    assert org.spend_alerts.delete(alert.id).deleted
    retention = org.data_retention.retrieve()
    assert org.data_retention.update(retention_type=retention.type).type == retention.type  # unchanged
    project = org.projects.create(name=f"conformance-settings-{token}")
    alert = org.projects.spend_alerts.create(project.id, **ALERT)
    assert alert.object == "project.spend_alert"
    assert alert.id in {a.id for a in org.projects.spend_alerts.list(project.id)}
    assert org.projects.spend_alerts.update(alert.id, project_id=project.id, **ALERT).id == alert.id
    assert org.projects.spend_alerts.retrieve(alert.id, project_id=project.id).id == alert.id
    assert org.projects.spend_alerts.delete(alert.id, project_id=project.id).deleted
    assert org.projects.data_retention.retrieve(project.id).object == "project.data_retention"
    assert org.projects.data_retention.update(project.id, retention_type="organization_default").type \
        == "organization_default"
    tools = org.projects.hosted_tool_permissions.retrieve(project.id)
    assert tools.web_search.enabled is not None
    assert org.projects.hosted_tool_permissions.update(project.id, mcp={"enabled": False}).mcp.enabled is False
    assert org.projects.model_permissions.retrieve(project.id).object == "project.model_permissions"
    policy = org.projects.model_permissions.update(project.id, mode="allow_list", model_ids=["gpt-4o-mini"])
    assert (policy.mode, policy.api_model_ids) == ("allow_list", ["gpt-4o-mini"])
    assert org.projects.model_permissions.delete(project.id).deleted
    org.projects.archive(project.id)


LIMIT = {"currency": "USD", "interval": "month", "threshold_amount": 500_000}


@pytest.mark.sdk_only(SDK_ONLY)
def scenario_spend_limits_and_service_tiers(api, target, token) -> None:
    org = api.admin.organization
    if not target.is_real:  # the organization's own limit is left alone on a real organization
        assert org.spend_limit.update(**LIMIT).object == "organization.spend_limit"
        assert org.spend_limit.retrieve().threshold_amount == LIMIT["threshold_amount"]
        assert org.spend_limit.delete().deleted
    project = org.projects.create(name=f"conformance-limits-{token}")
    limit = org.projects.spend_limit.update(project.id, **LIMIT)
    assert limit.object == "project.spend_limit" and limit.threshold_amount == LIMIT["threshold_amount"]
    assert org.projects.spend_limit.retrieve(project.id).currency == "USD"
    assert org.projects.spend_limit.delete(project.id).deleted
    tiers = org.projects.service_tier_settings.retrieve(project.id)
    assert tiers.object == "project.service_tier_settings"
    assert org.projects.service_tier_settings.update(project.id, default="standard").default == "standard"
    org.projects.archive(project.id)


@pytest.mark.sdk_only(SDK_ONLY)
def scenario_external_keys(api, target, token) -> None:
    org = api.admin.organization
    project = org.projects.create(name=f"conformance-ekm-{token}")
    key = org.external_keys.create(type="aws", name=f"conformance-{token}", external_id=project.id,
                                   kms_arn="arn:aws:kms:us-east-1:123456789012:key/conformance",
                                   role_arn="arn:aws:iam::123456789012:role/conformance")
    assert key.type == "aws" and key.name == f"conformance-{token}"
    assert org.external_keys.retrieve(key.id).id == key.id
    assert key.id in {k.id for k in org.external_keys.list(limit=100)}
    assert isinstance(org.external_keys.validate(key.id).status, str)  # a real KMS may well say it is not valid
    assert org.external_keys.delete(key.id).id == key.id
    org.projects.archive(project.id)


@pytest.mark.sdk_only(SDK_ONLY)
def scenario_external_storage(api, token) -> None:
    org = api.admin.organization
    project = org.projects.create(name=f"conformance-storage-{token}")
    config = org.external_storage.create(project_id=project.id, provider={
        "type": "aws", "bucket": f"conformance-{token}", "role_arn": "arn:aws:iam::123456789012:role/conformance"})
    assert config.object == "organization.external_storage" and config.project_id == project.id
    assert org.external_storage.retrieve(config.id).provider.type == "aws"
    assert config.id in {c.id for c in org.external_storage.list(project_id=project.id)}
    assert org.external_storage.validate(config.id).id == config.id  # a real bucket may come back unhealthy
    assert org.external_storage.delete(config.id).deleted
    org.projects.archive(project.id)


@pytest.mark.sdk_only(SDK_ONLY)
def scenario_health_alert_rules_and_alerts(api, control, token) -> None:
    org = api.admin.organization
    condition = {"type": "error_rate", "threshold": 0.05, "window_seconds": 300}
    rule = org.health.alert_rules.create(name=f"conformance-{token}", condition=condition)
    assert rule.object == "health.alert_rule" and rule.version == 1
    assert org.health.alert_rules.retrieve(rule.id).name == f"conformance-{token}"
    assert rule.id in {r.id for r in org.health.alert_rules.list(limit=100)}
    updated = org.health.alert_rules.update(rule.id, expected_version=rule.version, enabled=False)
    assert updated.enabled is False and updated.version == rule.version + 1
    fired = control.fire_health_alert(rule.id)
    assert org.health.alerts.retrieve(fired["id"]).alert_rule_id == rule.id
    assert org.health.alert_rules.delete(rule.id, expected_version=updated.version).deleted
    project = org.projects.create(name=f"conformance-health-{token}")
    rules = org.projects.health.alert_rules
    owned = rules.create(project.id, name=f"conformance-{token}",
                         condition={"type": "prompt_cache_hit_rate", "threshold": 0.5})
    assert rules.retrieve(owned.id, project_id=project.id).id == owned.id
    assert owned.id in {r.id for r in rules.list(project.id)}
    owned = rules.update(owned.id, project_id=project.id, expected_version=owned.version, name="renamed")
    fired = control.fire_health_alert(owned.id, type="resolved")
    assert org.projects.health.alerts.retrieve(fired["id"], project_id=project.id).type == "resolved"
    assert rules.delete(owned.id, project_id=project.id, expected_version=owned.version).deleted
    org.projects.archive(project.id)


@pytest.mark.sdk_only(SDK_ONLY)
def scenario_workload_identity_providers_and_federation_rules(api, token) -> None:
    org = api.admin.organization
    providers = org.workload_identity_providers
    provider = providers.create(type="oidc", name=f"conformance-{token}", audience=f"conformance-{token}",
                                issuer="https://token.actions.githubusercontent.com")
    assert provider.object == "organization.workload_identity_provider"
    assert providers.retrieve(provider.id).name == f"conformance-{token}"
    assert provider.id in {p.id for p in providers.list(limit=100)}
    assert providers.update(provider.id, description="conformance").description == "conformance"
    project = org.projects.create(name=f"conformance-wif-{token}")
    account = org.projects.service_accounts.create(project.id, name=f"conformance-{token}")
    rules = providers.federation_rules
    rule = rules.create(provider.id, attribute_matchers={"repository": f"acme/{token}"}, project_id=project.id,
                        service_account_id=account.id)
    assert rule.object == "organization.workload_identity_federation_rule"
    assert rules.retrieve(rule.id, workload_identity_provider_id=provider.id).project_id == project.id
    assert rule.id in {r.id for r in rules.list(provider.id)}
    assert rules.update(rule.id, workload_identity_provider_id=provider.id, enabled=False).enabled is False
    assert rules.delete(rule.id, workload_identity_provider_id=provider.id).deleted
    assert providers.delete(provider.id).deleted
    org.projects.service_accounts.delete(account.id, project_id=project.id)
    org.projects.archive(project.id)
