"""Fine-tuning jobs: create, follow, cancel; with the fake's controls: pause/resume, success, the new model,
its checkpoints and checkpoint permissions."""

from __future__ import annotations

import contextlib

import pytest

from mockapi.conformance.scenarios._util import CHAT_MODEL, FINE_TUNE_MODEL, jsonl, training_rows, wait_until


@pytest.fixture
def training_file(api, token):
    created = api.files.create(file=(f"train-{token}.jsonl", jsonl(training_rows()), "application/jsonl"),
                               purpose="fine-tune")
    yield created.id
    with contextlib.suppress(Exception):
        api.files.delete(created.id)


def scenario_create_follow_cancel(api, training_file, token) -> None:
    job = api.fine_tuning.jobs.create(model=FINE_TUNE_MODEL, training_file=training_file, suffix=token[:8],
                                      metadata={"run": token})
    # Cancelled at once, so the real service never trains (or bills) it.
    cancelled = api.fine_tuning.jobs.cancel(job.id)
    assert job.id.startswith("ftjob-") and job.object == "fine_tuning.job" and job.model == FINE_TUNE_MODEL
    assert job.status in ("validating_files", "queued") and job.training_file == training_file
    assert cancelled.id == job.id and cancelled.status in ("cancelled", "cancelling")

    assert api.fine_tuning.jobs.retrieve(job.id).status in ("cancelled", "cancelling")
    assert job.id in [j.id for j in api.fine_tuning.jobs.list(limit=100).data]
    events = api.fine_tuning.jobs.list_events(job.id, limit=50)
    assert events.data and all(e.object == "fine_tuning.job.event" for e in events.data)
    # A job cancelled before it started training has no checkpoint. On a slow machine the fake's short
    # phases can run out between create and cancel, so the check keys on whether training started.
    checkpoints = api.job_checkpoints(job.id).data
    assert all(c.fine_tuning_job_id == job.id for c in checkpoints)
    if not any(e.message == "Fine-tuning job started" for e in events.data):
        assert checkpoints == []


def scenario_errors(api, training_file) -> None:
    with api.raises(404):
        api.fine_tuning.jobs.retrieve("ftjob-conformance000000000000")
    with api.raises(400):
        api.fine_tuning.jobs.create(model="no-such-model-conformance", training_file=training_file)
    with api.raises(400):
        api.fine_tuning.jobs.create(model=FINE_TUNE_MODEL, training_file="file-conformance0000000000000")


def _succeed(api, control, target, job_id: str):
    control.complete_fine_tuning_job(job_id)
    return wait_until(lambda: api.fine_tuning.jobs.retrieve(job_id), lambda j: j.status == "succeeded",
                      target.patience, "the job")


def scenario_pause_resume_succeed_and_use_the_model(api, control, target, training_file, token) -> None:
    control.hold_next_fine_tuning_job("running", suffix=token[:8])
    job = api.fine_tuning.jobs.create(model=FINE_TUNE_MODEL, training_file=training_file, suffix=token[:8])
    wait_until(lambda: api.fine_tuning.jobs.retrieve(job.id), lambda j: j.status == "running", target.patience,
               "the job to run")
    assert api.fine_tuning.jobs.pause(job.id).status == "paused"
    assert api.fine_tuning.jobs.resume(job.id).status == "running"
    control.release_fine_tuning_job(job.id)

    job = _succeed(api, control, target, job.id)
    model = job.fine_tuned_model
    assert model.startswith(f"ft:{FINE_TUNE_MODEL}:") and job.trained_tokens > 0
    checkpoints = api.job_checkpoints(job.id)
    assert checkpoints.data and all(c.fine_tuning_job_id == job.id for c in checkpoints.data)
    assert api.models.retrieve(model).id == model
    reply = api.chat.completions.create(model=model, messages=[{"role": "user", "content": "A color?"}])
    assert reply.model == model and reply.choices[0].message.content
    assert api.models.delete(model).deleted is True
    with api.raises(404):
        api.models.retrieve(model)


@pytest.mark.sdk_only("the reference client has no fine_tuning.checkpoints.permissions")
def scenario_checkpoint_permissions(api, control, target, training_file, token) -> None:
    job = api.fine_tuning.jobs.create(model=FINE_TUNE_MODEL, training_file=training_file, suffix=token[:8])
    job = _succeed(api, control, target, job.id)
    checkpoint = api.job_checkpoints(job.id).data[0].fine_tuned_model_checkpoint
    permissions = api.fine_tuning.checkpoints.permissions
    created = permissions.create(checkpoint, project_ids=["proj_conformance"])
    permission = created.data[0]
    assert permission.object == "checkpoint.permission" and permission.project_id == "proj_conformance"
    listed = permissions.retrieve(checkpoint)
    assert permission.id in [p.id for p in listed.data]
    deleted = permissions.delete(permission.id, fine_tuned_model_checkpoint=checkpoint)
    assert (deleted.id, deleted.deleted) == (permission.id, True)
    api.models.delete(job.fine_tuned_model)


def scenario_unknown_chat_model_after_delete(api) -> None:
    with api.raises(404):
        api.chat.completions.create(model=f"ft:{CHAT_MODEL}:none::conformance",
                                    messages=[{"role": "user", "content": "hi"}])
