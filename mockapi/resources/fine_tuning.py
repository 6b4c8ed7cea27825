"""``/fine_tuning``: jobs (create, list, retrieve, cancel, pause, resume), events, checkpoints and
checkpoint permissions; the lifecycle lives in ``mockapi.finetune.engine``.

Controls (``/__mockapi__/fine_tuning/...``) wrap ``fake.services["fine_tuning"]``.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.collection import Collection
from mockapi.common import deleted, paginate
from mockapi.context import RequestContext
from mockapi.finetune import params
from mockapi.finetune.engine import CHECKPOINT_MODELS, JOBS, FineTuningService, Job
from mockapi.ids import new_id
from mockapi.lifecycle import install_controls
from mockapi.resources import files

if TYPE_CHECKING:
    from mockapi.fake import Fake

PERMISSIONS = "fine_tuning.permissions"  # namespace slot: {checkpoint model: Collection of permissions}


def install(fake: Fake) -> None:
    service = FineTuningService(fake)
    fake.services["fine_tuning"] = service
    add = fake.router.add
    add("POST", "/fine_tuning/jobs", create)
    add("GET", "/fine_tuning/jobs", list_jobs)
    add("GET", "/fine_tuning/jobs/{fine_tuning_job_id}", retrieve)
    add("POST", "/fine_tuning/jobs/{fine_tuning_job_id}/cancel", cancel, body="none")
    add("POST", "/fine_tuning/jobs/{fine_tuning_job_id}/pause", pause, body="none")
    add("POST", "/fine_tuning/jobs/{fine_tuning_job_id}/resume", resume, body="none")
    add("GET", "/fine_tuning/jobs/{fine_tuning_job_id}/events", list_events)
    add("GET", "/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints", list_checkpoints)
    add("POST", "/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions", create_permissions)
    add("GET", "/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions", list_permissions)
    add("DELETE", "/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions/{permission_id}",
        delete_permission)  # fmt: skip
    _install_controls(fake, service)


def _service(ctx: RequestContext) -> FineTuningService:
    service: FineTuningService = ctx.fake.services["fine_tuning"]
    return service


def _job(ctx: RequestContext) -> Job:
    return _service(ctx).owned(ctx.ns, ctx.params["fine_tuning_job_id"])


# -- jobs ---------------------------------------------------------------------------


def create(ctx: RequestContext) -> dict[str, Any]:
    req = params.parse(ctx.body, ctx.ns)
    training = _training_data(ctx, req.training_file, "training_file")
    validation_data = _training_data(ctx, req.validation_file, "validation_file") if req.validation_file else None
    organization = ctx.response_headers.get("openai-organization") or ctx.fake.config.organization
    job = _service(ctx).create(ctx.ns, req, organization, training, validation_data)
    return job.render()


def _training_data(ctx: RequestContext, file_id: str, param: str) -> bytes:
    try:
        stored = files.get_file(ctx.ns, file_id, ctx.now)
    except errors.APIError:
        # The real API's answer for an unknown file (a 2023 capture: openai/openai-python CLI users).
        raise errors.invalid_request(f"invalid {param}: {file_id}", param=param) from None
    purpose = stored.obj["purpose"]
    if purpose != "fine-tune":
        # Unverified wording: the file exists but was uploaded for something else.
        raise errors.invalid_request(
            f"File {file_id} has purpose '{purpose}', but fine-tuning files must be uploaded with purpose 'fine-tune'.",
            param=param,
        )
    return stored.data


def list_jobs(ctx: RequestContext) -> dict[str, Any]:
    wanted = _metadata_filter(ctx.query)

    def where(job: Job) -> bool:
        metadata = job.obj.get("metadata") or {}
        if wanted is None:
            return True
        if wanted == {}:
            return not metadata  # `metadata=null`: jobs without metadata
        return all(metadata.get(k) == v for k, v in wanted.items())

    body = paginate(ctx, ctx.ns.collection(JOBS), _service(ctx).rendered, where=where if wanted is not None else None)
    return {"object": "list", "data": body["data"], "has_more": body["has_more"]}


def _metadata_filter(query: dict[str, Any]) -> dict[str, str] | None:
    """``metadata[k]=v`` pairs, whether the contract layer parsed them into a dict or not."""
    value = query.get("metadata")
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    pairs = {k[len("metadata[") : -1]: v for k, v in query.items() if k.startswith("metadata[") and k.endswith("]")}
    if pairs:
        return {k: v if isinstance(v, str) else str(v[0]) for k, v in pairs.items()}
    if value in ("null", None) and "metadata" in query:
        return {}
    return None


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    return _job(ctx).render()


def cancel(ctx: RequestContext) -> dict[str, Any]:
    job = _job(ctx)
    _service(ctx).cancel(job)
    return job.render()


def pause(ctx: RequestContext) -> dict[str, Any]:
    job = _job(ctx)
    _service(ctx).pause(job)
    return job.render()


def resume(ctx: RequestContext) -> dict[str, Any]:
    job = _job(ctx)
    _service(ctx).resume(job)
    return job.render()


def list_events(ctx: RequestContext) -> dict[str, Any]:
    job = _job(ctx)
    body = paginate(ctx, job.events, dict, default_limit=20, max_limit=100)
    return {"object": "list", "data": body["data"], "has_more": body["has_more"]}


def list_checkpoints(ctx: RequestContext) -> dict[str, Any]:
    job = _job(ctx)
    return paginate(ctx, job.checkpoints, dict, default_limit=10, max_limit=100)


# -- checkpoint permissions ---------------------------------------------------------------


def _permissions(ctx: RequestContext) -> Collection[dict[str, Any]]:
    checkpoint = ctx.params["fine_tuned_model_checkpoint"]
    if checkpoint not in (ctx.ns.slots.get(CHECKPOINT_MODELS) or {}):
        raise errors.not_found("checkpoint", checkpoint)  # wording unverified
    found: Collection[dict[str, Any]] = ctx.ns.slots.setdefault(PERMISSIONS, {}).setdefault(checkpoint, Collection())
    return found


def create_permissions(ctx: RequestContext) -> dict[str, Any]:
    permissions = _permissions(ctx)
    project_ids = ctx.body.get("project_ids")
    if project_ids is None:
        raise errors.missing_parameter("project_ids")
    if not isinstance(project_ids, list) or not all(isinstance(p, str) for p in project_ids):
        raise errors.APIError(
            400,
            "Invalid type for 'project_ids': expected an array of strings.",
            param="project_ids",
            code="invalid_type",
        )
    created = []
    for project in project_ids:
        permission = {"object": "checkpoint.permission", "id": new_id("cp_"), "created_at": ctx.now,
                      "project_id": project}  # fmt: skip
        permissions.add(permission["id"], permission, project=project)
        created.append(permission)
    return {"object": "list", "data": created, "first_id": created[0]["id"] if created else None,
            "last_id": created[-1]["id"] if created else None, "has_more": False}  # fmt: skip


def list_permissions(ctx: RequestContext) -> dict[str, Any]:
    permissions = _permissions(ctx)
    query = dict(ctx.query)
    order = query.pop("order", None) or "descending"
    if order not in ("ascending", "descending"):
        raise errors.invalid_value("order", order, ["ascending", "descending"])
    query["order"] = "asc" if order == "ascending" else "desc"
    project = query.get("project_id")
    scoped = dataclasses.replace(ctx, query=query)
    return paginate(scoped, permissions, dict, default_limit=10, max_limit=100,
                    index=("project", project) if project else None)  # fmt: skip


def delete_permission(ctx: RequestContext) -> dict[str, Any]:
    permissions = _permissions(ctx)
    permission_id = ctx.params["permission_id"]
    if permissions.remove(permission_id) is None:
        raise errors.not_found("checkpoint permission", permission_id)
    return deleted(permission_id, "checkpoint.permission")


# -- control plane ------------------------------------------------------------------------


def _install_controls(fake: Fake, service: FineTuningService) -> None:
    def fail(f: Fake, body: dict[str, Any], query: dict[str, str]) -> Any:
        return service.fail_job(query["job_id"], body["code"], body["message"], body.get("param"))

    install_controls(fake.control, service, "/fine_tuning", "/fine_tuning/jobs", "job_id")
    fake.control.add("POST", "/fine_tuning/jobs/{job_id}/fail", fail)
