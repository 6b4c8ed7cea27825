"""Fine-tuning jobs with the official SDK: the workflow users automate, the real file rules,
the lifecycle on the manual clock, and the controls that make a job fail, wait or stop."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import openai
import pytest

from mockapi.finetune import validate_training_file
from mockapi.finetune.validation import MIN_EXAMPLES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fine_tuning"
TERMINAL = ("succeeded", "failed", "cancelled")
# Long, round phase times so a test can step through them with the manual clock.
SLOW = {"validating_files": 10, "queued": 10, "running": 100}

manual = pytest.mark.mockapi(manual_clock=True)


def upload(client, name: str, purpose: str = "fine-tune") -> str:
    return client.files.create(file=(name, (FIXTURES / name).read_bytes()), purpose=purpose).id


def run_to_end(mockapi, client, job_id: str, step: float = 0.1):
    job = client.fine_tuning.jobs.retrieve(job_id)
    for _ in range(10_000):
        if job.status in TERMINAL:
            return job
        mockapi.advance(step)  # where a user's loop would sleep
        job = client.fine_tuning.jobs.retrieve(job_id)
    raise AssertionError(f"job stuck in {job.status}")


@manual
def test_full_workflow(mockapi, openai_client) -> None:
    examples = [
        {"messages": [
            {"role": "system", "content": "You answer in one word."},
            {"role": "user", "content": f"Name a color number {i}."},
            {"role": "assistant", "content": ["Red", "Green", "Blue"][i % 3]},
        ]}
        for i in range(12)
    ]  # fmt: skip
    data = "\n".join(json.dumps(e) for e in examples).encode()
    training = openai_client.files.create(file=("colors.jsonl", io.BytesIO(data)), purpose="fine-tune")

    job = openai_client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=training.id, suffix="colors")
    assert job.id.startswith("ftjob-") and job.status == "validating_files"
    assert job.model == "gpt-4o-mini-2024-07-18"
    assert job.fine_tuned_model is None and job.trained_tokens is None and job.error is None
    assert job.hyperparameters.n_epochs == "auto"

    job = run_to_end(mockapi, openai_client, job.id)
    assert job.status == "succeeded", job.error
    name = job.fine_tuned_model
    assert name is not None
    prefix, base, org, suffix, short = name.split(":")
    assert (prefix, base, org, suffix, len(short)) == ("ft", "gpt-4o-mini-2024-07-18", "user-mockapi", "colors", 8)
    assert job.finished_at is not None and job.estimated_finish is None
    # `auto` resolved with the cookbook rule: 12 examples -> 100 // 12 = 8 epochs, batch size 1.
    assert (job.hyperparameters.n_epochs, job.hyperparameters.batch_size) == (8, 1)
    assert job.method.supervised.hyperparameters.n_epochs == 8
    report_tokens = _tokens(data, "gpt-4o-mini-2024-07-18")
    assert job.trained_tokens == report_tokens * 8

    assert name in {m.id for m in openai_client.models.list().data}
    assert openai_client.models.retrieve(name).owned_by == "user-mockapi"
    reply = openai_client.chat.completions.create(model=name, messages=[{"role": "user", "content": "A color?"}])
    assert reply.model == name and reply.choices[0].message.content
    assistant = openai_client.beta.assistants.create(model=name)
    assert assistant.model == name

    assert openai_client.models.delete(name).deleted is True
    assert name not in {m.id for m in openai_client.models.list().data}
    with pytest.raises(openai.NotFoundError):
        openai_client.chat.completions.create(model=name, messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(openai.BadRequestError) as caught:  # nor may an assistant use it any more
        openai_client.beta.assistants.create(model=name)
    assert caught.value.code == "model_not_found"
    thread = openai_client.beta.threads.create(messages=[{"role": "user", "content": "A color?"}])
    with pytest.raises(openai.BadRequestError) as caught:  # the assistant made with it cannot run
        openai_client.beta.threads.runs.create(thread.id, assistant_id=assistant.id)
    assert caught.value.body["message"] == f"The requested model '{name}' does not exist."


def _tokens(data: bytes, model: str) -> int:
    from mockapi.finetune import analyze

    return analyze(data, "supervised", model).tokens


def test_real_clock_job_finishes_fast(mockapi, openai_client) -> None:
    """With the default step_delay a polling loop sees the job succeed in well under a second."""
    training = upload(openai_client, "chat_good.jsonl")
    job = openai_client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=training)
    mockapi.advance(5)  # the real clock keeps an offset: no sleeping
    assert openai_client.fine_tuning.jobs.retrieve(job.id).status == "succeeded"


@manual
@pytest.mark.parametrize(
    ("fixture", "code", "message"),
    [
        (
            "chat_bad_role.jsonl",
            "invalid_file_format",
            "The job failed due to a file format error in the training file. Invalid file format. Example 3, "
            "message 3 No match for discriminator 'role' and value 'bot' (allowed values: 'system', 'user', "
            "'assistant', 'tool', 'function')",
        ),
        (
            "chat_no_assistant.jsonl",
            "invalid_file_format",
            "The job failed due to a file format error in the training file. Invalid file format. Example 5 has "
            "no assistant message to learn from.",
        ),
        (
            "chat_too_few.jsonl",
            "invalid_n_examples",
            "Training file has 7 example(s), but must have at least 10 examples",
        ),
    ],
)
def test_malformed_training_file_fails_the_job(mockapi, openai_client, fixture, code, message) -> None:
    job = openai_client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=upload(openai_client, fixture))
    assert job.status == "validating_files"  # accepted at create: files are checked during validation
    job = run_to_end(mockapi, openai_client, job.id)
    assert job.status == "failed"
    assert (job.error.code, job.error.message, job.error.param) == (code, message, "training_file")
    assert job.fine_tuned_model is None and job.result_files == []
    events = openai_client.fine_tuning.jobs.list_events(job.id).data
    assert events[0].level == "error" and events[0].message == message


def test_not_json_is_refused_at_upload(openai_client) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        upload(openai_client, "not_json.jsonl")
    assert "line 4 is not a JSON object" in err.value.message


def test_validator_is_pure_and_lists_every_problem() -> None:
    read = (FIXTURES / "not_json.jsonl").read_bytes
    problems = validate_training_file(read(), "supervised", "gpt-4o-mini-2024-07-18")
    assert [(p.code, p.line) for p in problems] == [("invalid_file_format", 4)]
    assert "Example 4 cannot be parsed. Error: line contains invalid json" in problems[0].message
    assert validate_training_file((FIXTURES / "chat_good.jsonl").read_bytes(), "supervised", "gpt-4o-mini") == []
    bad = b'{"messages": [{"content": "hi"}]}\n{"prompt": "x", "completion": "y", "messages": []}\n'
    found = validate_training_file(bad, "supervised", "gpt-4o-mini", file_id="file-abc")
    assert found[0].message.endswith("Example 1, message 1 Discriminator 'role' is missing in value")
    assert found[1].message.endswith('Example 2 contains an extra "prompt".')
    assert found[-1].code == "invalid_n_examples" and f"at least {MIN_EXAMPLES}" in found[-1].message
    weighted = b'{"messages": [{"role": "user", "content": "q", "weight": 1}, {"role": "assistant", "content": "a"}]}\n'
    assert validate_training_file(weighted, "supervised", "gpt-4o-mini")[0].message.endswith(
        'Example 1, message 1 contains an extra "weight".'
    )
    token = b'{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a<|fim_suffix|>"}]}\n'
    assert validate_training_file(token, "supervised", "gpt-4o-mini")[0].message.endswith(
        "Example 1 message contains an invalid token: <|fim_suffix|>."
    )
    long_text = "word " * 17000
    too_long = json.dumps({"messages": [{"role": "user", "content": long_text},
                                        {"role": "assistant", "content": "ok"}]}).encode()  # fmt: skip
    assert "tokens per example" in validate_training_file(too_long, "supervised", "gpt-3.5-turbo-0125")[0].message
    assert not [p for p in validate_training_file(too_long, "supervised", "gpt-4o-mini") if p.line == 1]


@manual
def test_dpo_needs_the_preference_format(mockapi, openai_client) -> None:
    chat_file = upload(openai_client, "chat_good.jsonl")
    method = {"type": "dpo", "dpo": {"hyperparameters": {"beta": "auto"}}}
    job = openai_client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=chat_file, method=method)
    job = run_to_end(mockapi, openai_client, job.id)
    assert job.status == "failed" and job.error.code == "invalid_training_file"
    assert job.error.message == (
        f"The job failed due to an invalid training file. Invalid file format. Input file {chat_file} is in the "
        "fine-tune-chat format, but the specified fine-tuning job is not using 'supervised' as the training method "
        "(provided method=dpo). "
    )

    good = openai_client.fine_tuning.jobs.create(
        model="gpt-4o-mini", training_file=upload(openai_client, "dpo_good.jsonl"), method=method
    )
    good = run_to_end(mockapi, openai_client, good.id)
    assert good.status == "succeeded"
    assert good.method.type == "dpo" and good.method.dpo.hyperparameters.beta == 0.1


def test_create_errors(openai_client) -> None:
    training = upload(openai_client, "chat_good.jsonl")
    jobs = openai_client.fine_tuning.jobs
    with pytest.raises(openai.BadRequestError) as err:
        jobs.create(model="gpt-4o-mini", training_file="file-doesnotexist")
    assert (err.value.body["message"], err.value.param) == ("invalid training_file: file-doesnotexist", "training_file")
    with pytest.raises(openai.BadRequestError) as err:
        jobs.create(model="gpt-4o-mini", training_file=training, validation_file="file-nope")
    assert err.value.param == "validation_file"
    wrong = openai_client.files.create(file=("x.jsonl", b'{"a": 1}\n'), purpose="batch").id
    with pytest.raises(openai.BadRequestError) as err:
        jobs.create(model="gpt-4o-mini", training_file=wrong)
    assert err.value.param == "training_file" and "purpose 'fine-tune'" in err.value.message
    with pytest.raises(openai.BadRequestError) as err:
        jobs.create(model="gpt-4o", training_file=training)
    assert err.value.body["message"] == "Model gpt-4o is not available for fine-tuning or does not exist."
    with pytest.raises(openai.BadRequestError) as err:
        jobs.create(model="gpt-4o-mini", training_file=training, suffix="x" * 65)
    assert err.value.param == "suffix"
    with pytest.raises(openai.BadRequestError) as err:
        jobs.create(model="gpt-4o-mini", training_file=training, suffix="a:b")
    assert err.value.param == "suffix"
    with pytest.raises(openai.BadRequestError) as err:
        jobs.create(
            model="gpt-4o-mini",
            training_file=training,
            method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 51}}},
        )
    assert err.value.param == "method.supervised.hyperparameters.n_epochs"
    with pytest.raises(openai.BadRequestError) as err:
        jobs.create(model="o4-mini", training_file=training, method={"type": "reinforcement", "reinforcement": {}})
    assert err.value.param == "method.reinforcement.grader"
    with pytest.raises(openai.BadRequestError) as err:
        jobs.create(model="o4-mini", training_file=training)
    assert err.value.param == "method.type"
    with pytest.raises(openai.NotFoundError):
        jobs.retrieve("ftjob-doesnotexist")


@manual
def test_explicit_settings_are_kept(mockapi, openai_client) -> None:
    job = openai_client.fine_tuning.jobs.create(
        model="gpt-4o-mini-2024-07-18",
        training_file=upload(openai_client, "chat_good.jsonl"),
        seed=42,
        method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 2, "batch_size": 4}}},
        integrations=[{"type": "wandb", "wandb": {"project": "demo", "tags": ["a"]}}],
        metadata={"team": "search"},
    )
    assert job.seed == 42 and job.metadata == {"team": "search"}
    assert job.integrations[0].wandb.project == "demo"
    job = run_to_end(mockapi, openai_client, job.id)
    hyper = job.hyperparameters
    assert (hyper.n_epochs, hyper.batch_size, hyper.learning_rate_multiplier) == (2, 4, 1.8)
    # 12 examples in batches of 4 for 2 epochs: 6 steps, a checkpoint at the end of each epoch.
    checkpoints = openai_client.fine_tuning.jobs.checkpoints.list(job.id).data
    assert [c.step_number for c in checkpoints] == [6, 3]


@manual
def test_validation_file_adds_validation_metrics(mockapi, openai_client) -> None:
    training = upload(openai_client, "chat_good.jsonl")
    job = openai_client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=training, validation_file=training)
    events = openai_client.fine_tuning.jobs.list_events(job.id).data
    assert events[0].message == f"Validating training file: {training} and validation file: {training}"
    job = run_to_end(mockapi, openai_client, job.id)
    checkpoint = openai_client.fine_tuning.jobs.checkpoints.list(job.id).data[0]
    assert checkpoint.metrics.valid_loss is not None and checkpoint.metrics.full_valid_loss is not None
    metrics = [e for e in openai_client.fine_tuning.jobs.list_events(job.id, limit=100).data if e.type == "metrics"]
    assert ", validation loss=" in metrics[0].message
    csv = base64.b64decode(openai_client.files.content(job.result_files[0]).read()).decode().splitlines()
    assert csv[0] == "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy"
    assert all(len(row.split(",")) == 5 and row.split(",")[3] for row in csv[1:])


@manual
def test_manual_clock_stops_in_each_phase(mockapi, openai_client) -> None:
    service = mockapi.services["fine_tuning"]
    service.set_timing(SLOW)
    jobs = openai_client.fine_tuning.jobs
    job = jobs.create(model="gpt-4o-mini", training_file=upload(openai_client, "chat_good.jsonl"))
    assert jobs.retrieve(job.id).status == "validating_files"
    mockapi.advance(9.9)
    assert jobs.retrieve(job.id).status == "validating_files"
    mockapi.advance(0.2)
    queued = jobs.retrieve(job.id)
    assert queued.status == "queued" and queued.hyperparameters.n_epochs == 8  # resolved after validation
    mockapi.advance(10)
    running = jobs.retrieve(job.id)
    assert running.status == "running"
    assert abs(running.estimated_finish - (running.created_at + 120)) <= 1
    mockapi.advance(50)
    halfway = jobs.retrieve(job.id)
    assert halfway.status == "running"
    steps = [e for e in jobs.list_events(job.id, limit=100).data if e.type == "metrics"]
    assert steps[0].data["step"] == 48 and steps[0].data["total_steps"] == 96  # half of 96 steps
    assert [c.step_number for c in jobs.checkpoints.list(job.id).data] == [48, 36, 24]  # the last 3 epochs kept
    mockapi.advance(50)
    done = jobs.retrieve(job.id)
    assert done.status == "succeeded"
    assert abs(done.finished_at - (done.created_at + 120)) <= 1


@manual
def test_cancel_while_running(mockapi, openai_client) -> None:
    mockapi.services["fine_tuning"].set_timing(SLOW)
    jobs = openai_client.fine_tuning.jobs
    job = jobs.create(model="gpt-4o-mini", training_file=upload(openai_client, "chat_good.jsonl"))
    mockapi.advance(30)
    assert jobs.retrieve(job.id).status == "running"
    cancelled = jobs.cancel(job.id)
    assert cancelled.status == "cancelled" and cancelled.fine_tuned_model is None
    mockapi.advance(1000)
    assert jobs.retrieve(job.id).status == "cancelled"
    assert jobs.list_events(job.id).data[0].message == "Fine-tuning job cancelled"
    assert not [m for m in openai_client.models.list().data if m.id.startswith("ft:")]
    with pytest.raises(openai.BadRequestError):
        jobs.cancel(job.id)


@manual
def test_events_and_checkpoints_paginate(mockapi, openai_client) -> None:
    jobs = openai_client.fine_tuning.jobs
    job = jobs.create(model="gpt-4o-mini", training_file=upload(openai_client, "chat_good.jsonl"))
    job = run_to_end(mockapi, openai_client, job.id)
    first = jobs.list_events(job.id, limit=5)
    assert len(first.data) == 5 and first.has_more
    assert first.data[0].message == "The job has successfully completed"
    assert first.data[1].message == f"New fine-tuned model created: {job.fine_tuned_model}"
    events = list(jobs.list_events(job.id, limit=7))  # the SDK follows `after` through every page
    assert events[-1].message == f"Created fine-tuning job: {job.id}"
    assert [e.message for e in events[-4:]] == [
        "Fine-tuning job started",
        "Files validated, moving job to queued state",
        f"Validating training file: {job.training_file}",
        f"Created fine-tuning job: {job.id}",
    ]
    assert len({e.id for e in events}) == len(events) and all(e.id.startswith("ftevent-") for e in events)
    assert [e.created_at for e in events] == sorted((e.created_at for e in events), reverse=True)
    metrics = [e for e in events if e.type == "metrics"]
    assert len(metrics) == 96 and metrics[0].message.startswith("Step 96/96: training loss=")

    page = jobs.checkpoints.list(job.id, limit=2)
    assert len(page.data) == 2 and page.has_more
    everything = list(jobs.checkpoints.list(job.id, limit=2))
    assert [c.step_number for c in everything] == [96, 84, 72]
    assert all(c.id.startswith("ftckpt_") and c.fine_tuning_job_id == job.id for c in everything)
    assert everything[0].fine_tuned_model_checkpoint == f"{job.fine_tuned_model}:ckpt-step-96"


@manual
def test_jobs_list_paginates_and_filters_by_metadata(mockapi, openai_client) -> None:
    training = upload(openai_client, "chat_good.jsonl")
    ids = [
        openai_client.fine_tuning.jobs.create(
            model="gpt-4o-mini", training_file=training, metadata={"n": str(i % 2)}
        ).id
        for i in range(5)
    ]
    listed = openai_client.fine_tuning.jobs.list(limit=2)
    assert [j.id for j in listed.data] == ids[:-3:-1] and listed.has_more
    assert [j.id for j in openai_client.fine_tuning.jobs.list(limit=2)] == ids[::-1]
    odd = openai_client.fine_tuning.jobs.list(metadata={"n": "1"})
    assert [j.id for j in odd.data] == [ids[3], ids[1]]


@manual
def test_checkpoint_models_answer_and_take_permissions(mockapi, openai_client) -> None:
    jobs = openai_client.fine_tuning.jobs
    job = run_to_end(
        mockapi,
        openai_client,
        jobs.create(model="gpt-4o-mini", training_file=upload(openai_client, "chat_good.jsonl"), suffix="ck").id,
    )
    checkpoint = jobs.checkpoints.list(job.id).data[-1].fine_tuned_model_checkpoint
    assert checkpoint.endswith(":ckpt-step-72")
    assert checkpoint in {m.id for m in openai_client.models.list().data}
    reply = openai_client.chat.completions.create(model=checkpoint, messages=[{"role": "user", "content": "hi"}])
    assert reply.model == checkpoint

    permissions = openai_client.fine_tuning.checkpoints.permissions
    created = permissions.create(checkpoint, project_ids=["proj_a", "proj_b"])
    assert [p.project_id for p in created.data] == ["proj_a", "proj_b"]
    listed = permissions.retrieve(checkpoint, project_id="proj_b")
    assert [p.project_id for p in listed.data] == ["proj_b"]
    gone = permissions.delete(created.data[0].id, fine_tuned_model_checkpoint=checkpoint)
    assert gone.deleted is True
    assert [p.project_id for p in permissions.retrieve(checkpoint).data] == ["proj_b"]
    with pytest.raises(openai.NotFoundError):
        permissions.retrieve("ft:gpt-4o-mini-2024-07-18:x::nope:ckpt-step-1")


@manual
def test_fine_tune_a_fine_tuned_model(mockapi, openai_client) -> None:
    training = upload(openai_client, "chat_good.jsonl")
    first = run_to_end(
        mockapi, openai_client, openai_client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=training).id
    )
    second = openai_client.fine_tuning.jobs.create(model=first.fine_tuned_model, training_file=training, suffix="v2")
    assert second.model == first.fine_tuned_model
    second = run_to_end(mockapi, openai_client, second.id)
    assert second.fine_tuned_model.startswith("ft:gpt-4o-mini-2024-07-18:user-mockapi:v2:")


@pytest.mark.mockapi(manual_clock=True, api_keys={"sk-acme": {"organization": "Acme Corp"}})
def test_model_name_uses_the_keys_organization(mockapi) -> None:
    client = mockapi.openai_client(api_key="sk-acme", _strict_response_validation=True)
    job = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=upload(client, "chat_good.jsonl"))
    assert job.organization_id == "Acme Corp"
    job = run_to_end(mockapi, client, job.id)
    assert job.fine_tuned_model.split(":")[2] == "acme-corp"


# -- controls -----------------------------------------------------------------------


@manual
def test_fail_next_with_a_given_error(mockapi, openai_client) -> None:
    service = mockapi.services["fine_tuning"]
    service.fail_next("server_error", "The job failed due to an internal error.", phase="running")
    training = upload(openai_client, "chat_good.jsonl")
    failing = openai_client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=training)
    passing = openai_client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=training)
    failing = run_to_end(mockapi, openai_client, failing.id)
    assert failing.status == "failed"
    assert (failing.error.code, failing.error.message, failing.error.param) == (
        "server_error",
        "The job failed due to an internal error.",
        None,
    )
    events = openai_client.fine_tuning.jobs.list_events(failing.id, limit=5).data
    assert events[0].level == "error" and "metrics" in {e.type for e in events}  # it ran, then failed
    assert run_to_end(mockapi, openai_client, passing.id).status == "succeeded"


@manual
def test_http_controls_match_suffix_hold_and_release(mockapi, openai_client, http) -> None:
    rule = http.post("/__mockapi__/fine_tuning/rules", json={
        "match": {"suffix": "doomed"},
        "fail": {"code": "invalid_training_file", "message": "Nope.", "param": "training_file"},
    })  # fmt: skip
    assert rule.status_code == 200 and rule.json()["times"] == 1
    assert http.post("/__mockapi__/fine_tuning/rules", json={"match": {"suffix": "held"}, "hold": "queued"}).is_success
    training = upload(openai_client, "chat_good.jsonl")
    other = openai_client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=training, suffix="other")
    doomed = openai_client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=training, suffix="doomed")
    held = openai_client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=training, suffix="held")
    assert http.get("/__mockapi__/fine_tuning/rules").json() == {"rules": []}  # both used up
    mockapi.advance(60)
    assert openai_client.fine_tuning.jobs.retrieve(other.id).status == "succeeded"
    failed = openai_client.fine_tuning.jobs.retrieve(doomed.id)
    assert failed.status == "failed" and failed.error.message == "Nope."
    assert openai_client.fine_tuning.jobs.retrieve(held.id).status == "queued"

    released = http.post(f"/__mockapi__/fine_tuning/jobs/{held.id}/release")
    assert released.json() == {"released": [held.id]}
    assert openai_client.fine_tuning.jobs.retrieve(held.id).status == "queued"  # the phase starts now
    mockapi.advance(60)
    assert openai_client.fine_tuning.jobs.retrieve(held.id).status == "succeeded"

    bad = http.post("/__mockapi__/fine_tuning/rules", json={"hold": "sleeping"})
    assert bad.status_code == 400
    assert http.post("/__mockapi__/fine_tuning/jobs/ftjob-nope/release").status_code == 404


@manual
def test_hold_an_existing_job_then_complete_it(mockapi, openai_client, http) -> None:
    mockapi.services["fine_tuning"].set_timing(SLOW)
    job = openai_client.fine_tuning.jobs.create(
        model="gpt-4o-mini", training_file=upload(openai_client, "chat_good.jsonl")
    )
    assert http.post(f"/__mockapi__/fine_tuning/jobs/{job.id}/hold", json={"phase": "running"}).is_success
    mockapi.advance(10_000)
    assert openai_client.fine_tuning.jobs.retrieve(job.id).status == "running"
    done = http.post(f"/__mockapi__/fine_tuning/jobs/{job.id}/complete").json()
    assert done["status"] == "succeeded" and done["fine_tuned_model"].startswith("ft:")


# "paused" is in the spec's pause example, not in its status enum: no response contract check here.
@pytest.mark.mockapi(manual_clock=True, validate_responses=False)
def test_pause_and_resume(mockapi, http) -> None:
    mockapi.services["fine_tuning"].set_timing(SLOW)
    training = http.post("/v1/files", files={"file": ("t.jsonl", (FIXTURES / "chat_good.jsonl").read_bytes())},
                         data={"purpose": "fine-tune"}).json()["id"]  # fmt: skip
    job = http.post("/v1/fine_tuning/jobs", json={"model": "gpt-4o-mini", "training_file": training}).json()
    url = f"/v1/fine_tuning/jobs/{job['id']}"
    refused = http.post(url + "/pause")
    assert refused.status_code == 400  # not running yet
    mockapi.advance(70)  # 50 of the 100 running seconds
    paused = http.post(url + "/pause").json()
    assert paused["status"] == "paused" and paused["estimated_finish"] is None
    mockapi.advance(1000)
    assert http.get(url).json()["status"] == "paused"
    resumed = http.post(url + "/resume").json()
    assert resumed["status"] == "running"
    mockapi.advance(49)
    assert http.get(url).json()["status"] == "running"
    mockapi.advance(2)
    assert http.get(url).json()["status"] == "succeeded"
    messages = [e["message"] for e in http.get(url + "/events", params={"limit": 100}).json()["data"]]
    assert "Fine-tuning job paused" in messages and "Fine-tuning job resumed" in messages


@manual
def test_any_request_catches_up_and_reset_forgets(mockapi, openai_client) -> None:
    """/models and /files see a finished job without anyone polling it; reset drops jobs and rules."""
    service = mockapi.services["fine_tuning"]
    job = openai_client.fine_tuning.jobs.create(
        model="gpt-4o-mini", training_file=upload(openai_client, "chat_good.jsonl")
    )
    mockapi.advance(60)
    assert [m.id for m in openai_client.models.list().data if m.id.startswith("ft:") and "ckpt" not in m.id]
    results = openai_client.files.list(purpose="fine-tune-results").data
    assert [f.filename for f in results] == ["step_metrics.csv"]
    service.fail_next()
    mockapi.reset()
    assert service.rules == []
    with pytest.raises(openai.NotFoundError):
        openai_client.fine_tuning.jobs.retrieve(job.id)


@pytest.mark.mockapi(manual_clock=True, extra={"fine_tuning": {"durations": {"running": 500}}})
def test_phase_times_from_the_config_file(mockapi, openai_client) -> None:
    job = openai_client.fine_tuning.jobs.create(
        model="gpt-4o-mini", training_file=upload(openai_client, "chat_good.jsonl")
    )
    mockapi.advance(400)
    assert openai_client.fine_tuning.jobs.retrieve(job.id).status == "running"
    mockapi.advance(101)
    assert openai_client.fine_tuning.jobs.retrieve(job.id).status == "succeeded"
