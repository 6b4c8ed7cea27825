"""External key configs (and, below, external storage): Administration API operations newer than the pinned
document, with the official SDK 3.63.0."""

from __future__ import annotations

import openai
import pytest

AWS = {"type": "aws", "name": "Prod KMS", "kms_arn": "arn:aws:kms:us-east-1:123456789012:key/abc",
       "role_arn": "arn:aws:iam::123456789012:role/openai-ekm"}


def test_external_key_lifecycle(admin, mockapi) -> None:
    org_id = mockapi.config.organization
    key = admin.external_keys.create(**AWS, external_id=org_id)
    assert (key.object, key.type, key.name, key.purpose, key.workspace_id) == \
        ("organization.external_key", "aws", "Prod KMS", "ekm", org_id)
    assert key.id.startswith("ekc_") and key.api_project_ids == [] and key.kms_arn == AWS["kms_arn"]
    assert admin.external_keys.retrieve(key.id).role_arn == AWS["role_arn"]
    assert admin.external_keys.validate(key.id).status == "valid"
    azure = admin.external_keys.create(type="azure", name="Vault", key_name="k", tenant_id="t",
                                       vault_uri="https://v.vault.azure.net", purpose="psp_decryption")
    assert azure.key_version is None and azure.purpose == "psp_decryption"
    assert [k.id for k in admin.external_keys.list()] == [key.id, azure.id]
    assert [k.id for k in admin.external_keys.list(purpose="psp_decryption")] == [azure.id]
    assert [k.id for k in admin.external_keys.list(order="desc", limit=1).data] == [azure.id]
    # A project that uses the key is listed on it, and keeps it from being deleted.
    project = admin.projects.create(name="Encrypted", external_key_id=key.id)
    assert admin.external_keys.retrieve(key.id).api_project_ids == [project.id]
    with pytest.raises(openai.BadRequestError):
        admin.external_keys.delete(key.id)
    admin.projects.update(project.id, external_key_id=None)
    gone = admin.external_keys.delete(key.id)
    assert (gone.id, gone.name) == (key.id, "Prod KMS")
    for call in (admin.external_keys.retrieve, admin.external_keys.delete, admin.external_keys.validate):
        with pytest.raises(openai.NotFoundError):
            call(key.id)
    events = [e.type for e in admin.audit_logs.list(event_types=["external_key.registered",
                                                                   "external_key.removed"])]
    assert sorted(events) == ["external_key.registered", "external_key.registered", "external_key.removed"]


def test_external_key_providers_and_bad_input(admin, mockapi) -> None:
    org_id = mockapi.config.organization
    project = admin.projects.create(name="Audience")
    gcp = admin.external_keys.create(
        type="gcp", name="GCP", audience=project.id, kms_key_location="us", kms_key_name="k",
        kms_key_ring_name="ring", kms_project_id="p", workload_identity_pool_id="pool",
        workload_identity_project_number="123456", workload_identity_provider_id="prov", kms_key_version="2")
    assert (gcp.type, gcp.audience, gcp.kms_key_version) == ("gcp", project.id, "2")
    oci = admin.external_keys.create(type="oci", name="OCI", key_ocid="ocid1.key", region="us-ashburn-1",
                                     vault_ocid="ocid1.vault")
    assert oci.region == "us-ashburn-1" and oci.key_version_ocid is None
    with pytest.raises(openai.BadRequestError) as missing:
        admin.external_keys.create(**{**AWS, "kms_arn": " "}, external_id=org_id)
    assert missing.value.param == "kms_arn"
    with pytest.raises(openai.BadRequestError) as pattern:
        admin.external_keys.create(**{**AWS, "role_arn": "arn:aws:iam::1:role/x"}, external_id=org_id)
    assert pattern.value.param == "role_arn"
    with pytest.raises(openai.BadRequestError) as owner:
        admin.external_keys.create(**AWS, external_id="org-someone-else")
    assert owner.value.param == "external_id"
    with pytest.raises(openai.BadRequestError) as kind:
        admin.external_keys.create(**{**AWS, "type": "ibm"}, external_id=org_id)
    assert kind.value.param == "type"
    with pytest.raises(openai.BadRequestError):
        admin.external_keys.list(purpose="other")  # type: ignore[arg-type]


S3 = {"type": "aws", "bucket": "openai-data", "role_arn": "arn:aws:iam::210987654321:role/openai-storage"}


def test_external_storage_lifecycle(admin) -> None:
    project, other = admin.projects.create(name="Stored"), admin.projects.create(name="Other")
    config = admin.external_storage.create(project_id=project.id, provider=S3)
    assert (config.object, config.project_id, config.status, config.geography) == \
        ("organization.external_storage", project.id, "pending", "us")
    assert config.id.startswith("esc_")
    provider = config.provider
    assert (provider.type, provider.bucket, provider.account_id, provider.external_id, provider.region) == \
        ("aws", "openai-data", "210987654321", project.id, "us-east-1")
    assert admin.external_storage.retrieve(config.id).provider.role_arn == S3["role_arn"]
    validated = admin.external_storage.validate(config.id)
    assert validated.status == "validated" and admin.external_storage.retrieve(config.id).status == "validated"
    oci = admin.external_storage.create(project_id=other.id, provider={
        "type": "oci", "bucket": "b", "region": "eu-frankfurt-1", "tenancy_ocid": "ocid1.tenancy"})
    assert (oci.geography, oci.provider.region) == ("eu", "eu-frankfurt-1")
    gcp = admin.external_storage.create(project_id=other.id, provider={
        "type": "gcp", "bucket": "g", "workload_identity_pool_id": "pool",
        "workload_identity_project_number": "42", "workload_identity_provider_id": "prov"})
    assert gcp.provider.audience == other.id
    azure = admin.external_storage.create(project_id=other.id, provider={
        "type": "azure", "account_name": "acct", "container": "c", "resource_group": "rg",
        "subscription_id": "sub", "tenant_id": "tenant"})
    assert azure.provider.region == "eastus"
    assert [c.id for c in admin.external_storage.list()] == [config.id, oci.id, gcp.id, azure.id]
    assert [c.id for c in admin.external_storage.list(project_id=project.id)] == [config.id]
    assert [c.id for c in admin.external_storage.list(order="desc", limit=1).data] == [azure.id]
    gone = admin.external_storage.delete(config.id)
    assert (gone.id, gone.object, gone.deleted) == (config.id, "organization.external_storage.deleted", True)
    assert admin.external_storage.delete(config.id).deleted  # repeating a deletion answers 200 again
    for call in (admin.external_storage.retrieve, admin.external_storage.validate):
        with pytest.raises(openai.NotFoundError):
            call(config.id)
    with pytest.raises(openai.NotFoundError):
        admin.external_storage.delete("esc_missing")


def test_external_storage_bad_input(admin) -> None:
    project = admin.projects.create(name="Bad")
    with pytest.raises(openai.NotFoundError):
        admin.external_storage.create(project_id="proj_missing", provider=S3)
    with pytest.raises(openai.BadRequestError) as missing:
        admin.external_storage.create(project_id=project.id, provider={"type": "aws", "bucket": "b"})
    assert missing.value.param == "provider.role_arn"
    with pytest.raises(openai.BadRequestError) as pattern:
        admin.external_storage.create(project_id=project.id, provider={**S3, "role_arn": "nope"})
    assert pattern.value.param == "provider.role_arn"
    with pytest.raises(openai.BadRequestError) as kind:
        admin.external_storage.create(project_id=project.id, provider={**S3, "type": "ibm"})
    assert kind.value.param == "provider.type"
    admin.projects.archive(project.id)
    with pytest.raises(openai.BadRequestError):
        admin.external_storage.create(project_id=project.id, provider=S3)
