"""The fine-tuning job lifecycle on the shared clock, and the test controls that steer it.

validating_files -> queued -> running -> succeeded | failed | cancelled (and
``paused`` while the user pauses a running job). Every job carries a
``Timeline`` (per-phase durations, holds, pause); ``settle`` replays whatever
became due since the job was last read: validation by the real file rules,
``auto`` hyperparameters resolved, step metrics, checkpoints at each epoch end,
and on success the ``ft:`` model (plus its checkpoint models), the metrics CSV
result file and the completion events.

Jobs are brought up to date whenever their owner makes any request (a
dispatcher interceptor, ``mockapi.lifecycle``), so ``/models``, chat with the
new model and ``/files`` see a finished job without anyone polling it first.
"""

from __future__ import annotations

import base64
import dataclasses
import math
import random
import re
import secrets
import string
from dataclasses import dataclass, field
from typing import Any, ClassVar

from mockapi import catalog, errors
from mockapi.collection import Collection
from mockapi.finetune import params, validation
from mockapi.finetune.params import JobRequest
from mockapi.ids import new_id
from mockapi.lifecycle import LifecycleService, Rule, Tracked, check_phase
from mockapi.resources import files
from mockapi.state import Namespace
from mockapi.timeline import Timeline

PHASES = ("validating_files", "queued", "running")
TERMINAL = frozenset({"succeeded", "failed", "cancelled"})
JOBS = "fine_tuning.jobs"  # namespace collection of Job
ACTIVE = "fine_tuning.active"  # namespace slot: {job id: Job} of jobs not yet finished
INDEX = "fine_tuning.index"  # state.shared: {job id: Job} for the control plane
RULES = "fine_tuning.rules"  # state.shared: [Rule]
CHECKPOINT_MODELS = "fine_tuning.checkpoint_models"  # namespace slot: {ckpt model id: job id}
MAX_METRIC_EVENTS = 100  # metrics events per job; every step still lands in the CSV
KEPT_CHECKPOINTS = 3  # the real API keeps the checkpoints of the last 3 epochs
RESULT_FILENAME = "step_metrics.csv"
CSV_HEADER = "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy"
_BASE62 = string.ascii_letters + string.digits
_EMPTY: dict[str, Any] = {}


@dataclass(kw_only=True)
class JobRule(Rule):
    """What the next matching job(s) do; ``fail`` is ``{code, message, param, phase}``."""

    MATCH_KEYS: ClassVar[tuple[str, ...]] = ("model", "suffix", "metadata")

    model: str | None = None
    suffix: str | None = None

    def matches(self, req: JobRequest) -> bool:
        if self.model is not None and self.model not in (req.model, req.base_snapshot, req.base.id):
            return False
        if self.suffix is not None and self.suffix != req.suffix:
            return False
        return self.metadata_matches(req.metadata)


@dataclass
class Job(Tracked):
    obj: dict[str, Any]
    owner: str
    request: JobRequest
    timeline: Timeline
    training: bytes
    validation: bytes | None
    organization: str
    name_id: str  # the 8 characters that end the ft: model name
    fail: dict[str, Any] | None = None
    events: Collection[dict[str, Any]] = field(default_factory=Collection)
    checkpoints: Collection[dict[str, Any]] = field(default_factory=Collection)
    examples: int = 0
    tokens_per_epoch: int = 0
    steps: int = 0
    steps_per_epoch: int = 1
    step: int = 0  # last step reached
    metrics: list[dict[str, float]] = field(default_factory=list)

    @property
    def model_name(self) -> str:
        req = self.request
        return f"ft:{req.base_snapshot}:{org_slug(self.organization)}:{req.suffix or ''}:{self.name_id}"


def org_slug(organization: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", organization.lower()).strip("-") or "personal"


class FineTuningService(LifecycleService[Job, JobRule]):
    """``fake.services["fine_tuning"]``: the job engine plus its Python control API."""

    PHASES = PHASES
    TERMINAL = TERMINAL
    EVENTS = {status: f"fine_tuning.job.{status}" for status in TERMINAL}  # WebhookFineTuningJob*
    STEPS = {"validating_files": 2, "queued": 2, "running": 6}
    CONFIG = "fine_tuning"
    THING = "fine-tuning job"
    COLLECTION, ACTIVE, INDEX, RULES = JOBS, ACTIVE, INDEX, RULES
    RULE = JobRule

    # -- Python control API -------------------------------------------------------

    def add_rule(  # type: ignore[override]
        self,
        *,
        model: str | None = None,
        suffix: str | None = None,
        metadata: dict[str, str] | None = None,
        fail: dict[str, Any] | None = None,
        durations: dict[str, float] | None = None,
        hold: str | list[str] | None = None,
        times: int | None = 1,
    ) -> JobRule:
        """Steer the next ``times`` jobs matching model/suffix/metadata (``times=None``: all of them)."""
        steering = self._steering(hold, durations)
        if fail is not None:
            fail = _failure(fail)
        return self._add_rule(JobRule(model=model, suffix=suffix, metadata=metadata, fail=fail, times=times,
                                      **steering))  # fmt: skip

    def fail_next(
        self,
        code: str = "internal_error",
        message: str = "The job failed due to an internal error.",
        param: str | None = None,
        *,
        phase: str = "validating_files",
        times: int | None = 1,
        **match: Any,
    ) -> JobRule:
        """The next matching job fails at the end of ``phase`` with ``error{code, message, param}``."""
        return self.add_rule(fail={"code": code, "message": message, "param": param, "phase": phase},
                             times=times, **match)  # fmt: skip

    def job(self, job_id: str) -> Job:
        """A job of any owner, brought up to date."""
        return self.get(job_id)

    set_job_timing = LifecycleService.set_durations

    def fail_job(self, job_id: str, code: str, message: str, param: str | None = None) -> dict[str, Any]:
        """Fail a job right now."""
        with self.fake.state.lock:
            job = self.job(job_id)
            if job.status not in TERMINAL:
                self._fail(job, self.fake.clock.now(), {"code": code, "message": message, "param": param})
            return job.render()

    # -- lifecycle ----------------------------------------------------------------

    def create(self, ns: Namespace, req: JobRequest, organization: str, training: bytes,
               validation_data: bytes | None) -> Job:  # fmt: skip
        now = self.fake.clock.now()
        durations, holds, fail = self._apply_rules(lambda rule: rule.matches(req))
        job = Job(
            obj=_initial_object(req, organization, int(now)),
            owner=ns.owner,
            request=req,
            timeline=Timeline.start("validating_files", durations, now, holds),
            training=training,
            validation=validation_data,
            organization=organization,
            name_id="".join(secrets.choice(_BASE62) for _ in range(8)),
            fail=fail,
        )
        self._track(ns, job)
        self._event(job, now, f"Created fine-tuning job: {job.id}")
        files_note = f"Validating training file: {req.training_file}"
        if req.validation_file:
            files_note += f" and validation file: {req.validation_file}"
        self._event(job, now, files_note)
        return job

    def cancel(self, job: Job) -> None:
        now = self.fake.clock.now()
        self.settle(job, now)
        if job.status in TERMINAL:
            # Unverified wording (core.md §12).
            raise errors.invalid_request(f"Job {job.id} has already {job.status} and cannot be cancelled.")
        job.timeline.freeze(now)
        job.obj.update(status="cancelled", estimated_finish=None)
        self._event(job, now, "Fine-tuning job cancelled")
        self._retire(job)

    def pause(self, job: Job) -> None:
        now = self.fake.clock.now()
        self.settle(job, now)
        if job.status != "running":
            raise errors.invalid_request(f"Job {job.id} cannot be paused: its status is '{job.status}'.")
        job.timeline.pause(now)
        job.obj.update(status="paused", estimated_finish=None)
        self._event(job, now, "Fine-tuning job paused")

    def resume(self, job: Job) -> None:
        now = self.fake.clock.now()
        self.settle(job, now)
        if job.status != "paused":
            raise errors.invalid_request(f"Job {job.id} cannot be resumed: its status is '{job.status}'.")
        job.timeline.resume(now)
        job.obj["status"] = "running"
        self._estimate(job)
        self._event(job, now, "Fine-tuning job resumed")

    # -- transitions --------------------------------------------------------------

    def _end_phase(self, job: Job, at: float) -> None:
        phase = job.timeline.phase
        if job.fail is not None and job.fail.get("phase", "validating_files") == phase:
            self._fail(job, at, job.fail)
        elif phase == "validating_files":
            self._validated(job, at)
        elif phase == "queued":
            job.timeline.enter("running", at)
            job.obj["status"] = "running"
            self._estimate(job)
            self._event(job, at, "Fine-tuning job started", data=None)  # null `data` in captures: left out
        else:
            self._succeed(job, at)

    def _validated(self, job: Job, at: float) -> None:
        req = job.request
        model = req.base_snapshot
        report = validation.analyze(job.training, req.method, model, file_id=req.training_file)
        problems = list(report.problems)
        if job.validation is not None and not problems:
            problems += validation.validate_training_file(
                job.validation, req.method, model, file_id=req.validation_file or "file", param="validation_file"
            )
        if problems:
            self._fail(job, at, problems[0].as_error())
            return
        hyper = params.resolve(req.method, req.hyperparameters, report.examples)
        job.examples = report.examples
        job.tokens_per_epoch = report.tokens
        job.steps = params.total_steps(hyper, report.examples)
        job.steps_per_epoch = params.steps_per_epoch(hyper, report.examples)
        job.obj["hyperparameters"] = {k: hyper[k] for k in params.COMMON_HYPERPARAMETERS}
        job.obj["method"][req.method]["hyperparameters"] = hyper
        job.obj["status"] = "queued"
        job.timeline.enter("queued", at)
        self._event(job, at, "Files validated, moving job to queued state")

    def _progress(self, job: Job, upto: float, ended: bool) -> None:
        """Reach every step whose time has come (steps are spread evenly over the running phase)."""
        timeline = job.timeline
        if timeline.phase != "running":
            return
        target = job.steps if ended else min(job.steps, math.floor(timeline.progress(upto) * job.steps + 1e-9))
        duration = timeline.duration()
        stride = max(1, math.ceil(job.steps / MAX_METRIC_EVENTS))
        while job.step < target:
            job.step += 1
            step = job.step
            at = timeline.time_at(duration * step / job.steps)
            at = upto if at is None else min(at, upto)
            metrics = self._metrics(job, step)
            job.metrics.append(metrics)
            if step % stride == 0 or step == job.steps:
                self._metrics_event(job, at, metrics)
            if step % job.steps_per_epoch == 0:
                self._checkpoint(job, at, step, metrics)

    def _metrics(self, job: Job, step: int) -> dict[str, float]:
        """A plausible, deterministic loss curve (seeded by the job's seed)."""
        rng = random.Random(job.request.seed * 1_000_003 + step)
        progress = step / max(1, job.steps)
        train = 1.6 * math.exp(-3.0 * progress) + 0.15 + rng.uniform(-0.04, 0.04)
        row = {"step": step, "train_loss": round(train, 4),
               "train_mean_token_accuracy": round(min(0.99, 1.0 - train / 2.2), 4)}  # fmt: skip
        if job.validation is not None:
            valid = train + 0.06 + rng.uniform(-0.03, 0.03)
            row["valid_loss"] = round(valid, 4)
            row["valid_mean_token_accuracy"] = round(min(0.99, 1.0 - valid / 2.2), 4)
        return row

    def _metrics_event(self, job: Job, at: float, metrics: dict[str, float]) -> None:
        step = int(metrics["step"])
        message = f"Step {step}/{job.steps}: training loss={metrics['train_loss']:.2f}"
        if "valid_loss" in metrics:
            message += f", validation loss={metrics['valid_loss']:.2f}"
        data: dict[str, Any] = {"step": step, "total_steps": job.steps, **metrics}
        self._event(job, at, message, type="metrics", data=data)

    def _checkpoint(self, job: Job, at: float, step: int, metrics: dict[str, float]) -> None:
        model = f"{job.model_name}:ckpt-step-{step}"
        values = dict(metrics)
        if "valid_loss" in values:
            values["full_valid_loss"] = values["valid_loss"]
            values["full_valid_mean_token_accuracy"] = values["valid_mean_token_accuracy"]
        checkpoint = {
            "object": "fine_tuning.job.checkpoint",
            "id": new_id("ftckpt_"),
            "created_at": int(at),
            "fine_tuned_model_checkpoint": model,
            "fine_tuning_job_id": job.id,
            "metrics": values,
            "step_number": step,
        }
        job.checkpoints.add(checkpoint["id"], checkpoint)
        while len(job.checkpoints) > KEPT_CHECKPOINTS:
            oldest = next(job.checkpoints.values())
            job.checkpoints.remove(oldest["id"])
        self._event(job, at, f"Checkpoint created at step {step} with Snapshot ID: {model}")

    def _succeed(self, job: Job, at: float) -> None:
        ns = self.fake.state.namespace(job.owner)
        name = job.model_name
        created = int(at)
        base = job.request.base
        models = ns.collection(catalog.FINE_TUNED)
        ckpt_index = ns.slots.setdefault(CHECKPOINT_MODELS, {})
        for checkpoint in job.checkpoints.values():
            ckpt = checkpoint["fine_tuned_model_checkpoint"]
            models.add(ckpt, self._model_info(base, ckpt, created, job))
            ckpt_index[ckpt] = job.id
        models.add(name, self._model_info(base, name, created, job))
        result = files.create_file(ns, created, RESULT_FILENAME, "fine-tune-results", self._csv(job))
        hyper = job.obj["hyperparameters"]
        job.obj.update(
            status="succeeded", fine_tuned_model=name, finished_at=created, estimated_finish=None,
            trained_tokens=job.tokens_per_epoch * int(hyper["n_epochs"]), result_files=[result.id],
        )  # fmt: skip
        self._event(job, at, f"New fine-tuned model created: {name}")
        self._event(job, at, "The job has successfully completed")
        self._retire(job)

    def _model_info(self, base: catalog.ModelInfo, model_id: str, created: int, job: Job) -> catalog.ModelInfo:
        return dataclasses.replace(
            base, id=model_id, created=created, owned_by=job.organization, snapshot=None,
            base=job.request.base_snapshot,
        )  # fmt: skip

    def _csv(self, job: Job) -> bytes:
        """The metrics CSV, base64-encoded as the real result file is (the OpenAI cookbook decodes it with
        ``base64.b64decode(client.files.content(id).read())``)."""
        lines = [CSV_HEADER]
        for row in job.metrics:
            valid = f"{row['valid_loss']},{row['valid_mean_token_accuracy']}" if "valid_loss" in row else ","
            lines.append(f"{int(row['step'])},{row['train_loss']},{row['train_mean_token_accuracy']},{valid}")
        return base64.b64encode(("\n".join(lines) + "\n").encode())

    def _fail(self, job: Job, at: float, error: dict[str, Any]) -> None:
        job.timeline.freeze(at)
        body = {"code": error["code"], "message": error["message"], "param": error.get("param")}
        job.obj.update(status="failed", error=body, estimated_finish=None)
        self._event(job, at, body["message"], level="error")
        self._retire(job)

    def _estimate(self, job: Job) -> None:
        due = job.timeline.due()
        job.obj["estimated_finish"] = math.ceil(due) if due is not None else None

    def _event(self, job: Job, at: float, message: str, *, level: str = "info", type: str = "message",
               data: dict[str, Any] | None = _EMPTY) -> None:  # fmt: skip
        """Append an event; ``data=None`` leaves ``data`` out (the spec types it as a non-null object)."""
        event: dict[str, Any] = {
            "object": "fine_tuning.job.event", "id": new_id("ftevent-"), "created_at": int(at), "level": level,
            "message": message, "type": type,
        }  # fmt: skip
        if data is not None:
            event["data"] = dict(data)
        job.events.add(event["id"], event)


def _initial_object(req: JobRequest, organization: str, now: int) -> dict[str, Any]:
    method: dict[str, Any] = {"type": req.method, req.method: {"hyperparameters": dict(req.hyperparameters)}}
    if req.grader is not None:
        method[req.method]["grader"] = req.grader
    return {
        "object": "fine_tuning.job",
        "id": new_id("ftjob-"),
        "model": req.model,
        "created_at": now,
        "finished_at": None,
        "fine_tuned_model": None,
        "organization_id": organization,
        "result_files": [],
        "status": "validating_files",
        "validation_file": req.validation_file,
        "training_file": req.training_file,
        "hyperparameters": {k: req.hyperparameters.get(k, "auto") for k in params.COMMON_HYPERPARAMETERS},
        "trained_tokens": None,
        "error": None,
        "user_provided_suffix": req.suffix,
        "seed": req.seed,
        "estimated_finish": None,
        "integrations": req.integrations,
        "metadata": req.metadata,
        "method": method,
    }


def _failure(fail: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(fail.get("code"), str) or not isinstance(fail.get("message"), str):
        raise ValueError("a failure needs a string 'code' and 'message'")
    phase = fail.get("phase", "validating_files")
    check_phase(phase, PHASES)
    return {"code": fail["code"], "message": fail["message"], "param": fail.get("param"), "phase": phase}
