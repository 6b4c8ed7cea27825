"""Who may do what in the organization, with the official SDK: groups and their members, predefined and custom
roles (organization and project), role assignments of users and groups, groups with access to projects, and the
organization's certificates (activated per organization and per project) — each change in the audit log."""

from __future__ import annotations

import re

import openai
import pytest

from mockapi.conformance.scenarios._util import TEST_CERTIFICATE

# Valid 2026-03-01 12:00 to 2051-03-01 12:00 UTC (an X.509 v3 certificate: GeneralizedTime after 2049).
OTHER_CERTIFICATE = """-----BEGIN CERTIFICATE-----
MIIBTzCB9qADAgECAgIQATAKBggqhkjOPQQDAjAZMRcwFQYDVQQDDA5tb2NrYXBp
IGNsaWVudDAgFw0yNjAzMDExMjAwMDBaGA8yMDUxMDMwMTEyMDAwMFowGTEXMBUG
A1UEAwwObW9ja2FwaSBjbGllbnQwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASc
4lHtWFMl/B9PCOOhXOuaCVINko+jwtwFGSxM6yB5tduoep6ipQAp0K3YbqT12qRv
knPrIYJgkk02CxwuHk9MoywwKjAJBgNVHRMEAjAAMB0GA1UdDgQWBBSWDvQABYkn
rEPRqKZ1pjkYm6P4wzAKBggqhkjOPQQDAgNIADBFAiEAyz+v6LESob+LjBLjsHZR
omyJtd65LcmuYyocGZeDZjICICTbXusu9TB+2hNNobu9Gl93v+vOxf8dlijL21DT
sNwP
-----END CERTIFICATE-----
"""
HEADERS = {"Authorization": "Bearer sk-admin-test"}


def _join(admin, http, email: str) -> str:
    """A second organization member: invited, then accepted through the control plane."""
    invite = admin.invites.create(email=email, role="reader")
    accepted = http.post(f"/__mockapi__/admin/invites/{invite.id}/accept")
    assert accepted.status_code == 200, accepted.text
    return accepted.json()["id"]


def _events(admin, kind: str) -> list:
    return [getattr(e, kind.replace(".", "_")) for e in admin.audit_logs.list(event_types=[kind], limit=100)]


def test_groups_their_members_and_pages(admin, http) -> None:
    owner = admin.users.list().data[0]
    joiner = _join(admin, http, "joiner@example.com")
    support = admin.groups.create(name="Support")
    assert re.fullmatch(r"group_[0-9A-HJKMNP-TV-Z]{26}", support.id)
    assert (support.is_scim_managed, support.group_type) == (False, "group")
    sales = admin.groups.create(name="Sales")
    first = admin.groups.list(limit=1)  # oldest first by default; `next` is the cursor for `after`
    assert [g.id for g in first.data] == [support.id] and first.has_more and first.next == support.id
    assert [g.id for g in admin.groups.list(limit=1, after=first.next).data] == [sales.id]
    assert [g.id for g in admin.groups.list()] == [support.id, sales.id]  # auto-paging follows `next`
    assert [g.id for g in admin.groups.list(order="desc")] == [sales.id, support.id]
    empty = admin.groups.list(limit=0)  # the document allows 0
    assert (empty.data, empty.has_more, empty.next) == ([], True, None)
    assert admin.groups.update(support.id, name="Customer support").name == "Customer support"
    assert admin.groups.retrieve(support.id).name == "Customer support"

    assert admin.groups.users.create(support.id, user_id=owner.id).object == "group.user"
    added = admin.groups.users.create(support.id, user_id=joiner)
    assert (added.user_id, added.group_id) == (joiner, support.id)
    members = admin.groups.users.list(support.id)  # newest member first by default
    assert [(u.id, u.email) for u in members.data] == [(joiner, "joiner@example.com"), (owner.id, owner.email)]
    member = admin.groups.users.retrieve(owner.id, group_id=support.id)
    assert (member.name, member.user_type, member.is_service_account, member.picture) == \
        (owner.name, "user", False, None)
    with pytest.raises(openai.BadRequestError) as twice:
        admin.groups.users.create(support.id, user_id=owner.id)
    assert twice.value.param == "user_id"
    with pytest.raises(openai.NotFoundError) as nobody:
        admin.groups.users.create(support.id, user_id="user-nobody")
    assert nobody.value.body["message"] == "User with id 'user-nobody' not found."
    assert admin.groups.users.delete(owner.id, group_id=support.id).deleted
    with pytest.raises(openai.NotFoundError):
        admin.groups.users.retrieve(owner.id, group_id=support.id)

    assert admin.users.delete(joiner).deleted  # leaving the organization leaves its groups
    assert admin.groups.users.list(support.id).data == []
    assert admin.groups.delete(support.id).deleted
    with pytest.raises(openai.NotFoundError) as gone:
        admin.groups.retrieve(support.id)
    assert gone.value.body["message"] == f"Group with id '{support.id}' not found."
    assert [e.data.group_name for e in _events(admin, "group.created")] == ["Sales", "Support"]
    assert _events(admin, "group.updated")[0].changes_requested.group_name == "Customer support"
    assert _events(admin, "group.deleted")[0].id == support.id


def test_predefined_and_custom_roles(admin) -> None:
    predefined = admin.roles.list().data
    assert [(r.name, r.predefined_role, r.resource_type) for r in predefined] == \
        [("owner", True, "api.organization"), ("reader", True, "api.organization")]
    role = admin.roles.create(role_name="Group manager", permissions=["api.groups.read", "api.groups.write",
                                                                      "api.groups.read"], description="Groups")
    assert re.fullmatch(r"role_[0-9A-Z]{26}", role.id) and role.object == "role" and not role.predefined_role
    assert role.permissions == ["api.groups.read", "api.groups.write"]  # a set, in the order given
    assert admin.roles.retrieve(role.id).description == "Groups"
    with pytest.raises(openai.BadRequestError) as taken:
        admin.roles.create(role_name="Group manager", permissions=[])
    assert taken.value.param == "role_name"
    updated = admin.roles.update(role.id, permissions=["api.groups.read", "api.usage.read"], description=None)
    assert (updated.permissions, updated.description, updated.name) == \
        (["api.groups.read", "api.usage.read"], None, "Group manager")
    assert admin.roles.update(role.id, role_name="Viewer").name == "Viewer"
    for change in (lambda: admin.roles.update(predefined[0].id, role_name="boss"),
                   lambda: admin.roles.delete(predefined[1].id)):
        with pytest.raises(openai.BadRequestError) as fixed:
            change()
        assert "predefined" in fixed.value.body["message"]
    page = admin.roles.list(limit=2)
    assert page.has_more and [r.id for r in admin.roles.list(after=page.next).data] == [role.id]

    created = _events(admin, "role.created")[0]
    assert (created.id, created.role_name, created.resource_type) == (role.id, "Group manager", "api.organization")
    [renamed, changed] = _events(admin, "role.updated")
    assert changed.changes_requested.permissions_added == ["api.usage.read"]
    assert changed.changes_requested.permissions_removed == ["api.groups.write"]
    assert renamed.changes_requested.role_name == "Viewer"
    assert admin.roles.delete(role.id).deleted
    with pytest.raises(openai.NotFoundError):
        admin.roles.retrieve(role.id)
    assert _events(admin, "role.deleted")[0].id == role.id


def test_role_assignments_of_users_and_groups(admin) -> None:
    owner = admin.users.list().data[0]
    reader = next(r for r in admin.roles.list() if r.name == "reader")
    custom = admin.roles.create(role_name="Auditor", permissions=["api.audit_logs.read"])
    assigned = admin.users.roles.create(owner.id, role_id=custom.id)
    assert (assigned.object, assigned.user.id, assigned.user.object, assigned.role.name) == \
        ("user.role", owner.id, "organization.user", "Auditor")
    admin.users.roles.create(owner.id, role_id=reader.id)
    listed = admin.users.roles.list(owner.id).data
    assert [r.id for r in listed] == [custom.id, reader.id]
    assert (listed[0].created_by, listed[0].created_by_user_obj["email"]) == (owner.id, owner.email)
    assert listed[0].assignment_sources is None and listed[1].created_at is None  # predefined: no creator
    admin.roles.update(custom.id, role_name="Auditors")  # an assignment reads the role as it is now
    assert admin.users.roles.retrieve(custom.id, user_id=owner.id).name == "Auditors"
    with pytest.raises(openai.BadRequestError):
        admin.users.roles.create(owner.id, role_id=custom.id)
    project = admin.projects.create(name="Scoped")
    project_role = admin.projects.roles.create(project.id, role_name="Runner", permissions=["api.model.request"])
    with pytest.raises(openai.NotFoundError) as other_scope:  # a project role is no organization role
        admin.users.roles.create(owner.id, role_id=project_role.id)
    assert other_scope.value.param == "role_id"
    assert admin.users.roles.delete(reader.id, user_id=owner.id).object == "user.role.deleted"
    with pytest.raises(openai.NotFoundError):
        admin.users.roles.retrieve(reader.id, user_id=owner.id)

    group = admin.groups.create(name="Auditors")
    given = admin.groups.roles.create(group.id, role_id=custom.id)
    assert (given.object, given.group.id, given.group.scim_managed) == ("group.role", group.id, False)
    assert [r.id for r in admin.groups.roles.list(group.id)] == [custom.id]
    assert admin.groups.roles.retrieve(custom.id, group_id=group.id).permissions == ["api.audit_logs.read"]
    admin.roles.delete(custom.id)  # a deleted role is unassigned everywhere
    assert admin.users.roles.list(owner.id).data == [] and admin.groups.roles.list(group.id).data == []
    admin.groups.roles.create(group.id, role_id=reader.id)
    assert admin.groups.roles.delete(reader.id, group_id=group.id).object == "group.role.deleted"
    with pytest.raises(openai.NotFoundError):
        admin.users.roles.list("user-nobody")

    logged = _events(admin, "role.assignment.created")
    assert [(e.principal_type, e.id) for e in logged] == [("group", reader.id), ("group", custom.id),
                                                         ("user", reader.id), ("user", custom.id)]
    assert (logged[-1].principal_id, logged[-1].resource_type) == (owner.id, "api.organization")
    assert [e.principal_type for e in _events(admin, "role.assignment.deleted")] == ["group", "user"]


def test_project_roles_and_groups_stay_in_their_project(admin, http) -> None:
    owner = admin.users.list().data[0]
    alpha, beta = admin.projects.create(name="Alpha"), admin.projects.create(name="Beta")
    predefined = admin.projects.roles.list(alpha.id).data
    assert [(r.name, r.resource_type, r.predefined_role) for r in predefined] == \
        [("owner", "api.project", True), ("member", "api.project", True)]
    assert [r.id for r in admin.projects.roles.list(beta.id)] == [r.id for r in predefined]  # the same ones
    runner = admin.projects.roles.create(alpha.id, role_name="Runner", permissions=["api.model.request"])
    assert runner.resource_type == "api.project"
    assert runner.id not in {r.id for r in admin.projects.roles.list(beta.id)}
    assert runner.id not in {r.id for r in admin.roles.list()}
    with pytest.raises(openai.NotFoundError):
        admin.projects.roles.retrieve(runner.id, project_id=beta.id)
    assert admin.projects.roles.update(runner.id, project_id=alpha.id, description="CI").description == "CI"

    # Project roles of the project's users (the creator is its owner).
    assert admin.projects.users.roles.create(owner.id, project_id=alpha.id, role_id=runner.id).user.id == owner.id
    assert [r.name for r in admin.projects.users.roles.list(owner.id, project_id=alpha.id)] == ["Runner"]
    assert admin.projects.users.roles.list(owner.id, project_id=beta.id).data == []
    joiner = _join(admin, http, "outsider@example.com")
    with pytest.raises(openai.NotFoundError) as outsider:  # not a member of the project
        admin.projects.users.roles.create(joiner, project_id=alpha.id, role_id=runner.id)
    assert outsider.value.param == "user_id"
    admin.projects.users.delete(owner.id, project_id=alpha.id)  # leaving the project drops its roles there
    admin.projects.users.create(alpha.id, user_id=owner.id, role="owner")
    assert admin.projects.users.roles.list(owner.id, project_id=alpha.id).data == []

    # Groups with access: granted with a role (an id, or a predefined role's name).
    team = admin.groups.create(name="Team")
    granted = admin.projects.groups.create(alpha.id, group_id=team.id, role=runner.id)
    assert (granted.object, granted.project_id, granted.group_name, granted.group_type) == \
        ("project.group", alpha.id, "Team", "group")
    admin.projects.groups.create(beta.id, group_id=team.id, role="member")
    assert [r.name for r in admin.projects.groups.roles.list(team.id, project_id=beta.id)] == ["member"]
    assert [r.id for r in admin.projects.groups.roles.list(team.id, project_id=alpha.id)] == [runner.id]
    with pytest.raises(openai.BadRequestError):
        admin.projects.groups.create(alpha.id, group_id=team.id, role="member")
    with pytest.raises(openai.NotFoundError) as no_role:
        admin.projects.groups.create(alpha.id, group_id=admin.groups.create(name="x").id, role="admin")
    assert no_role.value.param == "role"
    admin.groups.update(team.id, name="Platform team")
    assert admin.projects.groups.retrieve(team.id, project_id=alpha.id).group_name == "Platform team"
    with pytest.raises(openai.NotFoundError):
        admin.projects.groups.retrieve(team.id, project_id=alpha.id, group_type="tenant_group")
    assert [g.group_id for g in admin.projects.groups.list(alpha.id)] == [team.id]
    member_role = next(r for r in predefined if r.name == "member")
    assert admin.projects.groups.roles.create(team.id, project_id=alpha.id, role_id=member_role.id).role.name \
        == "member"
    assert admin.projects.groups.roles.delete(runner.id, project_id=alpha.id, group_id=team.id).deleted
    assert admin.projects.groups.roles.retrieve(member_role.id, project_id=alpha.id, group_id=team.id).predefined_role
    loner = admin.groups.create(name="Loner")
    with pytest.raises(openai.NotFoundError) as no_access:  # a project role needs access to the project first
        admin.projects.groups.roles.create(loner.id, project_id=alpha.id, role_id=runner.id)
    assert no_access.value.param == "group_id"

    assert admin.projects.groups.delete(team.id, project_id=alpha.id).object == "project.group.deleted"
    assert admin.projects.groups.list(alpha.id).data == []
    admin.groups.delete(team.id)  # a deleted group loses its access everywhere
    assert admin.projects.groups.list(beta.id).data == []
    assert admin.projects.roles.delete(runner.id, project_id=alpha.id).deleted
    admin.projects.archive(alpha.id)
    with pytest.raises(openai.BadRequestError) as archived:
        admin.projects.roles.create(alpha.id, role_name="Late", permissions=[])
    assert archived.value.param == "project_id"
    assert [e.project.id for e in admin.audit_logs.list(event_types=["role.created"])] == [alpha.id]


def test_certificates_for_the_organization_and_its_projects(admin) -> None:
    cert = admin.certificates.create(certificate=TEST_CERTIFICATE, name="Gateway")
    assert re.fullmatch(r"cert_[A-Za-z0-9]{24}", cert.id) and cert.object == "certificate"
    assert (cert.certificate_details.valid_at, cert.certificate_details.expires_at) == (1735689600, 2051222400)
    assert cert.active is None and cert.certificate_details.content is None
    other = admin.certificates.create(certificate=OTHER_CERTIFICATE)  # a name is optional
    assert (other.name, other.certificate_details.valid_at, other.certificate_details.expires_at) == \
        (None, 1772366400, 2561284800)
    assert [c.id for c in admin.certificates.list()] == [other.id, cert.id]  # newest first
    assert [(c.object, c.active) for c in admin.certificates.list(order="asc")] == \
        [("organization.certificate", False)] * 2
    full = admin.certificates.retrieve(cert.id, include=["content"])
    assert full.certificate_details.content == TEST_CERTIFICATE
    assert admin.certificates.update(cert.id, name="Edge").name == "Edge"

    activated = admin.certificates.activate(certificate_ids=[cert.id, other.id])
    assert activated.object == "organization.certificate.activation"
    assert [(c.id, c.active) for c in activated.data] == [(cert.id, True), (other.id, True)]
    assert admin.certificates.activate(certificate_ids=[cert.id]).data[0].active  # idempotent
    with pytest.raises(openai.NotFoundError) as unknown:  # all or nothing
        admin.certificates.deactivate(certificate_ids=[cert.id, "cert_nope"])
    assert unknown.value.param == "certificate_ids[1]"
    assert all(c.active for c in admin.certificates.list())
    admin.certificates.deactivate(certificate_ids=[cert.id, other.id])

    project = admin.projects.create(name="Mutual TLS")
    [default] = [p for p in admin.projects.list() if p.id != project.id]
    turned = admin.projects.certificates.activate(project.id, certificate_ids=[cert.id])
    assert (turned.object, turned.data[0].object) == ("organization.project.certificate.activation",
                                                      "organization.project.certificate")
    listed = {c.id: c.active for c in admin.projects.certificates.list(project.id)}
    assert listed == {cert.id: True, other.id: False}
    assert not any(c.active for c in admin.projects.certificates.list(default.id))  # per project
    assert not any(c.active for c in admin.certificates.list())  # and not the organization's
    with pytest.raises(openai.BadRequestError) as in_use:
        admin.certificates.delete(cert.id)
    assert project.id in in_use.value.body["message"]
    admin.projects.certificates.deactivate(project.id, certificate_ids=[cert.id])
    deleted = admin.certificates.delete(cert.id)
    assert (deleted.object, deleted.id) == ("certificate.deleted", cert.id)
    with pytest.raises(openai.NotFoundError):
        admin.certificates.retrieve(cert.id)

    kinds = [e.type for e in admin.audit_logs.list(limit=100) if e.type.startswith("certificate")]
    assert kinds == ["certificate.deleted", "certificates.deactivated", "certificates.activated",
                     "certificates.deactivated", "certificates.activated", "certificates.activated",
                     "certificate.updated", "certificate.created", "certificate.created"]
    gone = _events(admin, "certificate.deleted")[0]
    assert (gone.id, gone.name, gone.certificate) == (cert.id, "Edge", TEST_CERTIFICATE)
    in_project = admin.audit_logs.list(event_types=["certificates.activated"], project_ids=[project.id]).data
    assert [[c.id for c in e.certificates_activated.certificates] for e in in_project] == [[cert.id]]


def test_bad_certificates_and_the_limit_of_fifty(admin, http) -> None:
    for content in ("not a certificate", "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----",
                    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"):
        with pytest.raises(openai.BadRequestError) as bad:
            admin.certificates.create(certificate=content)
        assert bad.value.param == "certificate"
    for _ in range(50):
        admin.certificates.create(certificate=TEST_CERTIFICATE)
    with pytest.raises(openai.BadRequestError) as full:
        admin.certificates.create(certificate=TEST_CERTIFICATE)
    assert "50" in full.value.body["message"]
    page = admin.certificates.list(limit=100)
    assert len(page.data) == 50 and not page.has_more
    cases = [("/v1/organization/certificates/activate", {"certificate_ids": []}, "certificate_ids"),
             ("/v1/organization/certificates/activate", {"certificate_ids": [f"cert_{i}" for i in range(11)]},
              "certificate_ids"),
             ("/v1/organization/certificates", {"name": "x"}, "certificate")]
    for path, body, param in cases:
        response = http.post(path, json=body, headers=HEADERS)
        assert response.status_code == 400 and response.json()["error"]["param"] == param, response.text
    listed = http.get("/v1/organization/certificates/" + page.data[0].id, params={"include": "secrets"},
                      headers=HEADERS)
    assert listed.status_code == 400 and listed.json()["error"]["param"] == "include[0]"  # the contract layer


def test_bad_requests_name_the_parameter(admin, http) -> None:
    group = admin.groups.create(name="g")
    project = admin.projects.list().data[0]
    cases = [
        ("GET", "/v1/organization/groups", {"limit": 1001}, None, "limit"),
        ("GET", "/v1/organization/groups", {"after": "group_missing"}, None, "after"),
        ("POST", "/v1/organization/groups", None, {"name": "   "}, "name"),
        ("POST", "/v1/organization/roles", None, {"role_name": "r", "permissions": [""]}, "permissions[0]"),
        ("POST", "/v1/organization/roles", None, {"permissions": []}, "role_name"),
        ("POST", f"/v1/organization/groups/{group.id}/roles", None, {}, "role_id"),
        ("POST", f"/v1/organization/projects/{project.id}/groups", None, {"group_id": group.id}, "role"),
        ("GET", f"/v1/projects/{project.id}/roles", {"order": "sideways"}, None, "order"),
    ]
    for method, path, params, body, param in cases:
        response = http.request(method, path, params=params, json=body, headers=HEADERS)
        assert response.status_code == 400, (path, response.text)
        assert response.json()["error"]["param"] == param, (path, response.text)


def test_access_management_needs_an_admin_key(mockapi, admin) -> None:
    project = admin.projects.list().data[0]
    outsider = mockapi.openai_client(admin_api_key="sk-proj-123").admin.organization
    for call in (outsider.groups.list, outsider.roles.list, outsider.certificates.list,
                 lambda: outsider.projects.roles.list(project.id)):
        with pytest.raises(openai.PermissionDeniedError) as denied:
            call()
        assert denied.value.body["message"].endswith("Missing scopes: api.management.read.")


def test_each_fake_has_its_own_organization_and_reset_clears_it(mockapi, admin) -> None:
    from mockapi.fake import Fake

    group = admin.groups.create(name="Here")
    role = admin.roles.create(role_name="Here", permissions=["api.groups.read"])
    admin.certificates.create(certificate=TEST_CERTIFICATE)
    other = Fake(validate_responses=True)
    client = other.openai_client(admin_api_key="sk-admin-test", _strict_response_validation=True)
    elsewhere = client.admin.organization
    assert elsewhere.groups.list().data == [] and elsewhere.certificates.list().data == []
    assert role.id not in {r.id for r in elsewhere.roles.list()}
    with pytest.raises(openai.NotFoundError):
        elsewhere.groups.retrieve(group.id)
    client.close()
    mockapi.reset()
    assert admin.groups.list().data == [] and admin.certificates.list().data == []
    assert [r.name for r in admin.roles.list()] == ["owner", "reader"]
