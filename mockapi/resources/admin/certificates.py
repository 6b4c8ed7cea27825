"""``/organization/certificates`` and ``/organization/projects/{id}/certificates``: the organization's uploaded
certificates (up to 50), activated and deactivated for the organization and for each project.

One set of certificates belongs to the organization; a project's list shows them all with ``active`` at the
project's scope. A certificate's validity window is read from the PEM (``mockapi/admin/certificates.py``).
Facts and choices: contracts/README.md ("Administration").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.admin.certificates import NotACertificate, validity
from mockapi.admin.org import Organization, organization
from mockapi.common import find, paginate, required, typed
from mockapi.context import RequestContext
from mockapi.ids import new_id
from mockapi.resources.admin import admin_routes
from mockapi.resources.admin.audit_logs import record
from mockapi.resources.admin.projects import active_project, project_of

if TYPE_CHECKING:
    from mockapi.fake import Fake

SCOPE = "api.management.read"
MAX_CERTIFICATES = 50  # the document: "Organizations can upload up to 50 certificates."
MAX_TOGGLE = 10  # "up to 10 certificates at a time"


def install(fake: Fake) -> None:
    add = admin_routes(fake, SCOPE)

    add("POST", "/certificates", upload)
    add("GET", "/certificates", list_certificates)
    add("POST", "/certificates/activate", activate)
    add("POST", "/certificates/deactivate", deactivate)
    add("GET", "/certificates/{certificate_id}", retrieve)
    add("POST", "/certificates/{certificate_id}", modify)
    add("DELETE", "/certificates/{certificate_id}", delete)
    add("GET", "/projects/{project_id}/certificates", list_project_certificates)
    add("POST", "/projects/{project_id}/certificates/activate", activate_in_project)
    add("POST", "/projects/{project_id}/certificates/deactivate", deactivate_in_project)


# -- the organization's certificates ------------------------------------------------------------------------


def upload(ctx: RequestContext) -> dict[str, Any]:
    org = organization(ctx.fake)
    content = required(ctx.body, "certificate", str)
    name = typed(ctx.body, "name", str)
    try:
        valid_at, expires_at = validity(content)
    except NotACertificate:  # wording chosen
        raise errors.invalid_request("Invalid 'certificate': expected a PEM-encoded X.509 certificate "
                                     "(-----BEGIN CERTIFICATE----- ...).", param="certificate") from None
    if len(org.certificates) >= MAX_CERTIFICATES:  # wording chosen
        raise errors.invalid_request(f"An organization can upload up to {MAX_CERTIFICATES} certificates; delete "
                                     "one first.", param="certificate")
    cert = {"id": new_id("cert_"), "name": name, "created_at": ctx.now, "valid_at": valid_at,
            "expires_at": expires_at, "content": content, "active": False, "projects": set()}
    org.certificates.add(cert["id"], cert)
    record(ctx, "certificate.created", cert["id"], **_named(cert))
    return _details(cert)


def list_certificates(ctx: RequestContext) -> dict[str, Any]:
    certificates = organization(ctx.fake).certificates
    return paginate(ctx, certificates, lambda c: _listed(c, "organization.certificate", c["active"]))


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    include = ctx.query.get("include[]", ctx.query.get("include"))
    wanted = include if isinstance(include, list) else [include] if include else []
    for value in wanted:
        if value != "content":
            raise errors.invalid_value("include", value, ["content"])
    return _details(_certificate(organization(ctx.fake), ctx.params["certificate_id"]), "content" in wanted)


def modify(ctx: RequestContext) -> dict[str, Any]:
    cert = _certificate(organization(ctx.fake), ctx.params["certificate_id"])
    if "name" in ctx.body:  # only the name can change (the document)
        cert["name"] = typed(ctx.body, "name", str)
    record(ctx, "certificate.updated", cert["id"], **_named(cert))
    return _details(cert)


def delete(ctx: RequestContext) -> dict[str, Any]:
    org = organization(ctx.fake)
    cert = _certificate(org, ctx.params["certificate_id"])
    if cert["active"] or cert["projects"]:  # the document: it "must be inactive for the organization and all
        where = "the organization" if cert["active"] else f"project {sorted(cert['projects'])[0]}"  # projects"
        raise errors.invalid_request(f"Certificate {cert['id']} is active in {where}; deactivate it before "
                                     "deleting it.", param="certificate_id")  # wording chosen
    org.certificates.remove(cert["id"])
    record(ctx, "certificate.deleted", cert["id"], **_named(cert), certificate=cert["content"])
    return {"object": "certificate.deleted", "id": cert["id"]}


def activate(ctx: RequestContext) -> dict[str, Any]:
    return _toggle(ctx, None, True)


def deactivate(ctx: RequestContext) -> dict[str, Any]:
    return _toggle(ctx, None, False)


# -- per project ---------------------------------------------------------------------------------------------


def list_project_certificates(ctx: RequestContext) -> dict[str, Any]:
    project_id = project_of(ctx).id
    return paginate(ctx, organization(ctx.fake).certificates,
                    lambda c: _listed(c, "organization.project.certificate", project_id in c["projects"]))


def activate_in_project(ctx: RequestContext) -> dict[str, Any]:
    return _toggle(ctx, active_project(ctx).id, True)


def deactivate_in_project(ctx: RequestContext) -> dict[str, Any]:
    return _toggle(ctx, active_project(ctx).id, False)


# -- helpers ------------------------------------------------------------------------------------------------


def _toggle(ctx: RequestContext, project_id: str | None, on: bool) -> dict[str, Any]:
    """Activate or deactivate at once: every id is checked before anything changes; already (in)active ones are
    left as they are (the document: "atomically and idempotently")."""
    org = organization(ctx.fake)
    ids = required(ctx.body, "certificate_ids", list)
    if not ids:
        raise errors.empty_array("certificate_ids")
    if len(ids) > MAX_TOGGLE:
        raise errors.array_too_long("certificate_ids", MAX_TOGGLE, len(ids))
    certs = []
    for i, cert_id in enumerate(ids):
        if not isinstance(cert_id, str):
            raise errors.wrong_type(f"certificate_ids[{i}]", cert_id, str)
        cert = _certificate(org, cert_id, f"certificate_ids[{i}]")
        if all(c["id"] != cert["id"] for c in certs):  # a repeated id counts once
            certs.append(cert)
    for cert in certs:
        if project_id is None:
            cert["active"] = on
        elif on:
            cert["projects"].add(project_id)
        else:
            cert["projects"].discard(project_id)
    project = None if project_id is None else org.projects.get(project_id)
    record(ctx, "certificates.activated" if on else "certificates.deactivated", None, project,
           certificates=[_named(c) for c in certs])
    scope = "organization" if project_id is None else "organization.project"
    listed = [_listed(c, f"{scope}.certificate", on) for c in certs]
    return {"object": f"{scope}.certificate.{'activation' if on else 'deactivation'}", "data": listed}


def _details(cert: dict[str, Any], content: bool = False) -> dict[str, Any]:
    """A certificate as create, retrieve and modify answer it: object ``certificate``, no ``active``."""
    details = {"valid_at": cert["valid_at"], "expires_at": cert["expires_at"]}
    if content:
        details["content"] = cert["content"]
    return {"object": "certificate", "id": cert["id"], "name": cert["name"], "created_at": cert["created_at"],
            "certificate_details": details}


def _listed(cert: dict[str, Any], object_name: str, active: bool) -> dict[str, Any]:
    """A certificate in a list or an (de)activation answer, with ``active`` at that scope."""
    return {"object": object_name, "id": cert["id"], "name": cert["name"], "active": active,
            "created_at": cert["created_at"],
            "certificate_details": {"valid_at": cert["valid_at"], "expires_at": cert["expires_at"]}}


def _named(cert: dict[str, Any]) -> dict[str, Any]:
    """``{"id", "name"}`` for the audit log (a certificate without a name has none there: it is a string)."""
    return {"id": cert["id"]} | ({"name": cert["name"]} if cert["name"] is not None else {})


def _certificate(org: Organization, cert_id: str, param: str = "certificate_id") -> dict[str, Any]:
    return find(org.certificates, cert_id, "Certificate", param)  # wording chosen
