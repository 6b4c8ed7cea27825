"""Administration API parameters newer than the pinned document, with the official SDK 3.63.0: expiring admin and
service account keys (which stop authenticating on the fake's clock), service accounts without a key, key spend
limits and updates, project residency, and the newer audit log and cost filters."""

from __future__ import annotations

import openai
import pytest

manual = pytest.mark.mockapi(manual_clock=True)
LIMIT = {"currency": "USD", "interval": "month", "threshold_amount": 5_000}


def _chat(client):
    return client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])


@manual
def test_an_expiring_admin_key_stops_working(mockapi, admin) -> None:
    created = admin.admin_api_keys.create(name="short", expires_in_seconds=60)
    assert created.expires_at == created.created_at + 60
    assert admin.admin_api_keys.retrieve(created.id).expires_at == created.expires_at
    assert admin.admin_api_keys.create(name="forever").expires_at is None
    other = mockapi.openai_client(admin_api_key=created.value).admin.organization
    assert other.users.list().data
    mockapi.advance(60)
    with pytest.raises(openai.AuthenticationError):
        other.users.list()
    with pytest.raises(openai.BadRequestError) as bad:
        admin.admin_api_keys.create(name="never", expires_in_seconds=0)
    assert bad.value.param == "expires_in_seconds" and bad.value.code == "integer_below_min_value"


@manual
def test_service_account_keys_expire_and_carry_spend_limits(mockapi, admin) -> None:
    project = admin.projects.create(name="Bots")
    account = admin.projects.service_accounts.create(project.id, name="ci", expires_in_seconds=120,
                                                     spend_limit=LIMIT)
    key = account.api_key
    assert (account.role, key.expires_at) == ("member", key.created_at + 120)
    assert (key.spend_limit.threshold_amount, key.spend_limit.enforcement.status) == (5_000, "inactive")
    listed = admin.projects.api_keys.retrieve(key.id, project_id=project.id)
    assert (listed.expires_at, listed.spend_limit.threshold_amount, listed.owner_project_access) == \
        (key.expires_at, 5_000, "active")
    bot = mockapi.openai_client(api_key=key.value)
    _chat(bot)
    second = admin.projects.service_accounts.api_keys.create(account.id, project_id=project.id, name="deploy",
                                                             scopes=["api.model.request"])
    assert (second.object, second.name, second.expires_at, second.spend_limit) == \
        ("organization.project.service_account.api_key", "deploy", None, None)
    assert {k.id for k in admin.projects.api_keys.list(project.id)} == {key.id, second.id}
    entry = admin.audit_logs.list(event_types=["api_key.created"]).data[0]
    assert (entry.api_key_created.id, entry.api_key_created.data.scopes) == (second.id, ["api.model.request"])

    mockapi.advance(100)  # updating the expiry counts from now
    updated = admin.projects.api_keys.update(key.id, project_id=project.id, expires_in_seconds=600,
                                             spend_limit=None)
    assert (updated.expires_at, updated.spend_limit) == (mockapi.clock.now_int() + 600, None)
    mockapi.advance(100)
    _chat(bot)  # past the first expiry: still works
    assert admin.audit_logs.list(event_types=["api_key.updated"]).data[0].api_key_updated.id == key.id
    mockapi.advance(500)
    with pytest.raises(openai.AuthenticationError):
        _chat(bot)
    with pytest.raises(openai.BadRequestError) as expired:
        admin.projects.api_keys.update(key.id, project_id=project.id, scopes=[])
    assert expired.value.param == "api_key_id"
    _chat(mockapi.openai_client(api_key=second.value))  # the other key never expires
    with pytest.raises(openai.NotFoundError):
        admin.projects.service_accounts.api_keys.create("svc_acct_missing", project_id=project.id)
    with pytest.raises(openai.NotFoundError):
        admin.projects.api_keys.update("key_missing", project_id=project.id, scopes=[])


def test_a_service_account_without_key_or_roles(admin) -> None:
    project = admin.projects.create(name="Quiet")
    bare = admin.projects.service_accounts.create(project.id, name="bare", create_service_account_only=True)
    assert (bare.role, bare.api_key) == ("none", None)
    key = admin.projects.service_accounts.api_keys.create(bare.id, project_id=project.id)
    assert key.name == "Secret Key"
    # Its owner has no role in the project: the key is inactive, listed only when asked for.
    assert admin.projects.api_keys.list(project.id).data == []
    [inactive] = admin.projects.api_keys.list(project.id, owner_project_access="inactive").data
    assert (inactive.id, inactive.owner_project_access) == (key.id, "inactive")
    assert [k.id for k in admin.projects.api_keys.list(project.id, owner_project_access="any")] == [key.id]
    admin.projects.service_accounts.update(bare.id, project_id=project.id, role="member")
    assert [k.owner_project_access for k in admin.projects.api_keys.list(project.id)] == ["active"]
    for extra in ({"expires_in_seconds": 60}, {"spend_limit": LIMIT}):
        with pytest.raises(openai.BadRequestError) as refused:
            admin.projects.service_accounts.create(project.id, name="x", create_service_account_only=True, **extra)
        assert refused.value.param == next(iter(extra))
    with pytest.raises(openai.BadRequestError) as bad_limit:
        admin.projects.service_accounts.create(project.id, name="x",
                                               spend_limit={**LIMIT, "currency": "EUR"})
    assert bad_limit.value.param == "spend_limit.currency"
    with pytest.raises(openai.BadRequestError):
        admin.projects.api_keys.list(project.id, owner_project_access="sometimes")


def test_project_residency(admin) -> None:
    project = admin.projects.create(name="EU", residency="EU_STORAGE_PROCESSING")
    assert admin.projects.retrieve(project.id).residency == "EU_STORAGE_PROCESSING"
    assert admin.projects.create(name="Anywhere").residency is None
    with pytest.raises(openai.BadRequestError) as bad:
        admin.projects.create(name="Moon", residency="MOON_STORAGE")
    assert bad.value.param == "residency"
    with pytest.raises(openai.BadRequestError) as both:
        admin.projects.create(name="Both", residency="GLOBAL", geography="US")
    assert both.value.param == "residency"


def test_newer_audit_log_and_cost_filters(mockapi, openai_client, admin) -> None:
    project = admin.projects.create(name="Filtered")
    assert [e.type for e in admin.audit_logs.list(project_ids=[project.id], resource_ids=[project.id],
                                                  actor_emails=["owner@example.com"])] == ["project.created"]
    assert admin.audit_logs.list(tenant_only=True).data == []  # the fake records no tenant-scoped events
    with pytest.raises(openai.BadRequestError) as bad:
        admin.audit_logs.list(tenant_only=True, event_types=["project.created"])
    assert bad.value.param == "event_types"
    start = mockapi.clock.now_int()
    _chat(openai_client)
    items = [r.line_item for r in admin.usage.costs(start_time=start, group_by=["line_item"]).data[0].results]
    assert len(items) >= 2
    [only] = admin.usage.costs(start_time=start, group_by=["line_item"], line_items=[items[0]]).data[0].results
    assert only.line_item == items[0]
    assert admin.usage.costs(start_time=start, line_items=["no such item"]).data[0].results == []
