"""Workload identity providers and their federation rules: Administration API operations newer than the pinned
document, with the official SDK 3.63.0."""

from __future__ import annotations

import openai
import pytest

OIDC = {"type": "oidc", "name": "GitHub Actions", "issuer": "https://token.actions.githubusercontent.com",
        "audience": "https://github.com/acme"}


def _service_account(admin):
    project = admin.projects.create(name="Deploys")
    account = admin.projects.service_accounts.create(project.id, name="deployer")
    return project, account


def test_provider_lifecycle(admin) -> None:
    providers = admin.workload_identity_providers
    provider = providers.create(**OIDC, attribute_transformations=[
        {"attribute": "repo", "expression": "assertion.repository"}])
    assert (provider.object, provider.type, provider.enabled, provider.description) == \
        ("organization.workload_identity_provider", "oidc", True, None)
    assert (provider.verification.type, provider.verification.discovery_url) == ("discovery", None)
    assert provider.attribute_transformations[0].attribute == "repo"
    assert providers.retrieve(provider.id).issuer == OIDC["issuer"]
    jwks = providers.create(**{**OIDC, "name": "Uploaded"}, description="keys",
                            verification={"type": "uploaded_jwks", "jwks": {"keys": [{"kty": "RSA"}]}})
    assert jwks.verification.type == "uploaded_jwks" and jwks.verification.jwks == {"keys": [{"kty": "RSA"}]}
    assert [p.id for p in providers.list()] == [provider.id, jwks.id]
    assert [p.id for p in providers.list(order="desc", limit=1).data] == [jwks.id]
    updated = providers.update(provider.id, enabled=False, description="CI")
    assert (updated.enabled, updated.description, updated.name, updated.audience) == \
        (False, "CI", "GitHub Actions", OIDC["audience"])
    assert providers.update(provider.id, description=None).description is None
    gone = providers.delete(provider.id)
    assert (gone.id, gone.object, gone.deleted) == \
        (provider.id, "organization.workload_identity_provider.deleted", True)
    for call in (providers.retrieve, providers.delete):
        with pytest.raises(openai.NotFoundError):
            call(provider.id)
    with pytest.raises(openai.BadRequestError) as issuer:
        providers.create(**{**OIDC, "issuer": "http://insecure.example.com"})
    assert issuer.value.param == "issuer"
    with pytest.raises(openai.BadRequestError) as keys:
        providers.create(**OIDC, verification={"type": "uploaded_jwks", "jwks": {"kty": "RSA"}})
    assert keys.value.param == "verification.jwks"
    with pytest.raises(openai.BadRequestError) as name:
        providers.update(jwks.id, name=" ")
    assert name.value.param == "name"


def test_federation_rules(admin) -> None:
    provider = admin.workload_identity_providers.create(**OIDC)
    project, account = _service_account(admin)
    rules = admin.workload_identity_providers.federation_rules
    rule = rules.create(provider.id, attribute_matchers={"repo": "acme/api", "ref_protected": True, "run": 1},
                        project_id=project.id, service_account_id=account.id, name="main")
    assert (rule.object, rule.workload_identity_provider_id, rule.project_id, rule.service_account_id) == \
        ("organization.workload_identity_federation_rule", provider.id, project.id, account.id)
    assert rule.attribute_matchers == {"repo": "acme/api", "ref_protected": True, "run": 1}
    assert (rule.permissions.type, rule.enabled, rule.description) == ("service_account_default", True, None)
    other = rules.create(provider.id, attribute_matchers={"repo": "acme/web"}, project_id=project.id,
                         service_account_id=account.id,
                         permissions={"type": "restricted", "scopes": ["api.model.request"]})
    assert other.permissions.scopes == ["api.model.request"]
    assert rules.retrieve(rule.id, workload_identity_provider_id=provider.id).name == "main"
    assert [r.id for r in rules.list(provider.id)] == [rule.id, other.id]
    assert [r.id for r in rules.list(provider.id, service_account_id="svc_other")] == []
    updated = rules.update(rule.id, workload_identity_provider_id=provider.id, enabled=False, name=None,
                           permissions={"type": "restricted", "scopes": ["api.model.request"]})
    assert (updated.enabled, updated.name, updated.permissions.type) == (False, None, "restricted")
    assert updated.attribute_matchers["repo"] == "acme/api"
    # A provider with rules cannot go; another provider does not see them.
    with pytest.raises(openai.BadRequestError):
        admin.workload_identity_providers.delete(provider.id)
    second = admin.workload_identity_providers.create(**{**OIDC, "name": "Other"})
    with pytest.raises(openai.NotFoundError):
        rules.retrieve(rule.id, workload_identity_provider_id=second.id)
    assert rules.list(second.id).data == []
    for rule_id in (rule.id, other.id):
        gone = rules.delete(rule_id, workload_identity_provider_id=provider.id)
        assert gone.object == "organization.workload_identity_federation_rule.deleted" and gone.deleted
    with pytest.raises(openai.NotFoundError):
        rules.delete(rule.id, workload_identity_provider_id=provider.id)
    assert admin.workload_identity_providers.delete(provider.id).deleted


def test_federation_rule_bad_input(admin) -> None:
    provider = admin.workload_identity_providers.create(**OIDC)
    project, account = _service_account(admin)
    rules = admin.workload_identity_providers.federation_rules
    good = {"attribute_matchers": {"repo": "acme/api"}, "project_id": project.id, "service_account_id": account.id}
    with pytest.raises(openai.NotFoundError):
        rules.create("wip_missing", **good)
    with pytest.raises(openai.NotFoundError) as missing:
        rules.create(provider.id, **{**good, "service_account_id": "svc_missing"})
    assert missing.value.param == "service_account_id"
    with pytest.raises(openai.NotFoundError):
        rules.create(provider.id, **{**good, "project_id": "proj_missing"})
    with pytest.raises(openai.BadRequestError) as empty:
        rules.create(provider.id, **{**good, "attribute_matchers": {}})
    assert empty.value.param == "attribute_matchers"
    with pytest.raises(openai.BadRequestError) as scopes:
        rules.create(provider.id, **good, permissions={"type": "restricted", "scopes": []})
    assert scopes.value.param == "permissions.scopes"
    admin.projects.archive(project.id)
    with pytest.raises(openai.BadRequestError):
        rules.create(provider.id, **good)
