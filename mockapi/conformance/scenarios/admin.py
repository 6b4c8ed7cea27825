"""The Administration API (/organization/...) with an admin key: usage and costs read back after a few billable
calls. On the real service usage shows up minutes later, so only the fake is held to exact counts."""

from __future__ import annotations

import time

import pytest

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
    for name in ("embeddings", "moderations", "images", "audio_speeches", "audio_transcriptions",
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
    assert org.projects.api_keys.delete(key.id, project_id=project.id).deleted
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
