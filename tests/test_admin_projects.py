"""Projects, their users, service accounts (whose keys really authenticate), API keys and rate limits; the
organization's users, invites and admin keys; and the audit log of those changes — with the official SDK."""

from __future__ import annotations

import re

import openai
import pytest

manual = pytest.mark.mockapi(manual_clock=True)


def test_projects_lifecycle(admin) -> None:
    [default] = admin.projects.list().data
    assert (default.name, default.status, default.archived_at) == ("Default project", "active", None)
    project = admin.projects.create(name="Research")
    assert re.fullmatch(r"proj_[A-Za-z0-9]{24}", project.id) and project.object == "organization.project"
    assert admin.projects.retrieve(project.id).name == "Research"
    assert admin.projects.update(project.id, name="Research 2").name == "Research 2"
    page = admin.projects.list(limit=1)
    assert [p.id for p in page.data] == [default.id] and page.has_more
    archived = admin.projects.archive(project.id)
    assert archived.status == "archived" and archived.archived_at is not None
    assert [p.id for p in admin.projects.list()] == [default.id]
    assert project.id in {p.id for p in admin.projects.list(include_archived=True)}
    with pytest.raises(openai.BadRequestError) as frozen:
        admin.projects.update(project.id, name="again")
    assert frozen.value.param == "project_id"
    with pytest.raises(openai.BadRequestError):
        admin.projects.archive(default.id)
    with pytest.raises(openai.NotFoundError):
        admin.projects.retrieve("proj_missing")
    with pytest.raises(openai.BadRequestError) as unnamed:
        admin.projects.create(name="")
    assert unnamed.value.param == "name"


@manual
def test_service_account_key_authenticates_in_its_project(mockapi, admin) -> None:
    project = admin.projects.create(name="Bots")
    account = admin.projects.service_accounts.create(project.id, name="ci-bot")
    assert account.role == "member" and account.api_key.value.startswith("sk-svcacct-")
    bot = mockapi.openai_client(api_key=account.api_key.value)
    start = mockapi.clock.now_int()
    bot.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    [used] = admin.usage.completions(start_time=start, group_by=["project_id", "api_key_id"]).data[0].results
    assert (used.project_id, used.api_key_id, used.user_id) == (project.id, account.api_key.id, None)
    [key] = admin.projects.api_keys.list(project.id).data
    assert key.id == account.api_key.id and key.owner.type == "service_account"
    assert key.owner.service_account.id == account.id and key.redacted_value.startswith("sk-svc...")
    assert admin.projects.api_keys.retrieve(key.id, project_id=project.id).name == "Secret Key"
    assert admin.projects.service_accounts.update(account.id, project_id=project.id, role="owner").role == "owner"
    assert [a.id for a in admin.projects.service_accounts.list(project.id)] == [account.id]
    second = admin.projects.service_accounts.create(project.id, name="other")
    assert admin.projects.api_keys.delete(second.api_key.id, project_id=project.id).deleted  # the account stays
    with pytest.raises(openai.AuthenticationError):
        mockapi.openai_client(api_key=second.api_key.value).models.list()
    assert admin.projects.service_accounts.retrieve(second.id, project_id=project.id).name == "other"
    admin.projects.service_accounts.delete(account.id, project_id=project.id)
    with pytest.raises(openai.AuthenticationError):  # its key went with it
        bot.models.list()
    assert admin.projects.api_keys.list(project.id).data == []
    with pytest.raises(openai.NotFoundError):
        admin.projects.service_accounts.retrieve(account.id, project_id=project.id)


def test_members_invites_and_roles(admin) -> None:
    [owner] = admin.users.list().data
    assert owner.role == "owner" and admin.users.retrieve(owner.id).email == owner.email
    assert admin.users.list(emails=["nobody@example.com"]).data == []
    with pytest.raises(openai.BadRequestError):  # the last owner stays
        admin.users.update(owner.id, role="reader")
    project = admin.projects.create(name="Shared")
    [member] = admin.projects.users.list(project.id).data
    assert (member.id, member.role) == (owner.id, "owner")
    assert admin.projects.users.update(owner.id, project_id=project.id, role="member").role == "member"
    with pytest.raises(openai.BadRequestError):
        admin.projects.users.create(project.id, user_id=owner.id, role="member")
    with pytest.raises(openai.NotFoundError):
        admin.projects.users.create(project.id, user_id="user-nobody", role="member")
    admin.projects.users.delete(owner.id, project_id=project.id)
    assert admin.projects.users.list(project.id).data == []

    invite = admin.invites.create(email="new@example.com", role="reader", projects=[{"id": project.id,
                                                                                  "role": "member"}])
    assert (invite.status, invite.accepted_at, invite.projects[0].id) == ("pending", None, project.id)
    assert [i.id for i in admin.invites.list()] == [invite.id]
    with pytest.raises(openai.BadRequestError) as role:
        admin.invites.create(email="x@example.com", role="admin")
    assert role.value.param == "role"
    assert admin.invites.delete(invite.id).deleted
    with pytest.raises(openai.NotFoundError):
        admin.invites.retrieve(invite.id)


def test_admin_keys_work_until_deleted(mockapi, admin) -> None:
    created = admin.admin_api_keys.create(name="ci")
    assert created.value.startswith("sk-admin-") and created.redacted_value.startswith("sk-admin...")
    assert [k.id for k in admin.admin_api_keys.list()] == [created.id]
    assert admin.admin_api_keys.retrieve(created.id).name == "ci"
    other = mockapi.openai_client(admin_api_key=created.value).admin.organization
    assert other.users.list().data
    admin.admin_api_keys.delete(created.id)
    with pytest.raises(openai.AuthenticationError):
        other.users.list()
    with pytest.raises(openai.NotFoundError):
        admin.admin_api_keys.retrieve(created.id)


def test_rate_limits(admin) -> None:
    project = admin.projects.create(name="Limited")
    limits = admin.projects.rate_limits.list_rate_limits(project.id).data
    assert {r.model for r in limits} >= {"gpt-4o", "gpt-4o-mini"}
    updated = admin.projects.rate_limits.update_rate_limit("rl_gpt-4o", project_id=project.id,
                                                           max_requests_per_1_minute=10)
    assert updated.max_requests_per_1_minute == 10 and updated.max_tokens_per_1_minute == 30_000
    with pytest.raises(openai.NotFoundError):
        admin.projects.rate_limits.update_rate_limit("rl_nope", project_id=project.id, max_requests_per_1_minute=1)


def test_audit_log_records_the_changes(admin) -> None:
    project = admin.projects.create(name="Audited")
    admin.projects.update(project.id, name="Audited 2")
    admin.invites.create(email="a@example.com", role="owner")
    events = admin.audit_logs.list().data
    assert [e.type for e in events] == ["invite.sent", "project.updated", "project.created"]
    created = events[-1]
    assert created.project.id == project.id and created.actor.type == "api_key"
    assert admin.audit_logs.list(event_types=["project.created"]).data[0].id == created.id
    assert admin.audit_logs.list(project_ids=[project.id], limit=1).has_more
    assert admin.audit_logs.list(effective_at={"lt": created.effective_at}).data == []


def test_management_needs_an_admin_key(mockapi) -> None:
    project_key = mockapi.openai_client(admin_api_key="sk-proj-123").admin.organization
    with pytest.raises(openai.PermissionDeniedError) as denied:
        project_key.projects.list()
    assert denied.value.body["message"].endswith("Missing scopes: api.management.read.")


def test_an_accepted_invitee_joins_and_can_be_removed(mockapi, admin, http) -> None:
    project = admin.projects.create(name="Team")
    invite = admin.invites.create(email="joiner@example.com", role="reader",
                                  projects=[{"id": project.id, "role": "member"}])
    accepted = http.post(f"/__mockapi__/admin/invites/{invite.id}/accept")
    assert accepted.status_code == 200, accepted.text
    user_id = accepted.json()["id"]
    assert admin.invites.retrieve(invite.id).status == "accepted"
    assert admin.projects.users.retrieve(user_id, project_id=project.id).role == "member"
    assert [u.id for u in admin.users.list(emails=["joiner@example.com"])] == [user_id]
    assert admin.users.delete(user_id).deleted
    with pytest.raises(openai.NotFoundError):
        admin.projects.users.retrieve(user_id, project_id=project.id)
