"""The fine-tuning workflow in one call: validate the JSONL locally, upload, create the job, follow it.

Local validation runs the very rules the fake applies while a job is ``validating_files``
(``mockapi.finetune.validate_training_file``, a pure function), so a bad file is rejected before any
upload, with the messages the job would have failed with. Following polls the job and its events
(newest first in the API; handed to ``on_event`` oldest first, each once) until it succeeds, fails or
is cancelled, at the pace of ``openai-poll-after-ms`` when the server sends it, else ``interval``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mockapi.finetune import FileProblem, validate_training_file
from mockapi_client.errors import FineTuneFileError, PollTimeoutError
from mockapi_client.polling import next_interval
from mockapi_client.resources.base import file_part
from mockapi_client.types.files import FileObject
from mockapi_client.types.fine_tuning import FineTuningJob, FineTuningJobEvent

if TYPE_CHECKING:
    from mockapi.finetune import FileProblem
    from mockapi_client.client import AsyncClient, Client

EventCallback = Callable[[FineTuningJobEvent], None]


def validate_file(
    data: bytes, *, model: str, method: str = "supervised", file_id: str = "file", param: str = "training_file"
) -> list[FileProblem]:
    """Every reason the API would fail a job trained on ``data`` (empty list: the file is fine)."""

    return validate_training_file(data, method, model, file_id=file_id, param=param)


@dataclass
class FineTuneResult:
    job: FineTuningJob
    training_file: FileObject
    events: list[FineTuningJobEvent] = field(default_factory=list)
    validation_file: FileObject | None = None

    @property
    def succeeded(self) -> bool:
        return self.job.status == "succeeded"

    @property
    def fine_tuned_model(self) -> str | None:
        return self.job.fine_tuned_model


def _method_type(method: dict[str, Any] | None) -> str:
    return str((method or {}).get("type") or "supervised")


def check_files(
    training: tuple[str, bytes], validation: tuple[str, bytes] | None, model: str, method: str
) -> None:
    """Raise ``FineTuneFileError`` listing every local problem of the training (then validation) file."""
    problems = validate_file(training[1], model=model, method=method, file_id=training[0])
    if validation is not None:
        problems += validate_file(
            validation[1], model=model, method=method, file_id=validation[0], param="validation_file"
        )
    if problems:
        raise FineTuneFileError(problems)


def follow(
    client: Client, job_id: str, *, on_event: EventCallback | None = None, interval: float | None = None,
    max_wait: float | None = None,
) -> tuple[FineTuningJob, list[FineTuningJobEvent]]:
    """Poll until the job is final; returns it and every event, oldest first."""
    seen: set[str] = set()
    events: list[FineTuningJobEvent] = []
    deadline = None if max_wait is None else client.clock() + max_wait
    while True:
        job, headers = client.fine_tuning.jobs._get_with_headers(f"/fine_tuning/jobs/{job_id}", FineTuningJob)
        fresh = []
        for event in client.fine_tuning.jobs.list_events(job_id, limit=100):
            if event.id in seen:
                break  # newest first: everything older was handed out already
            fresh.append(event)
        _hand_out(fresh, seen, events, on_event)
        if job.done:
            return job, events
        wait = next_interval(headers, interval)
        if deadline is not None and client.clock() + wait > deadline:
            raise PollTimeoutError(f"Fine-tuning job {job_id} still {job.status} after {max_wait:g}s.")
        client.sleep(wait)


def _hand_out(
    fresh: list[FineTuningJobEvent], seen: set[str], events: list[FineTuningJobEvent], on_event: EventCallback | None
) -> None:
    for event in reversed(fresh):
        seen.add(event.id)
        events.append(event)
        if on_event is not None:
            on_event(event)


async def afollow(
    client: AsyncClient, job_id: str, *, on_event: EventCallback | None = None, interval: float | None = None,
    max_wait: float | None = None,
) -> tuple[FineTuningJob, list[FineTuningJobEvent]]:
    seen: set[str] = set()
    events: list[FineTuningJobEvent] = []
    deadline = None if max_wait is None else client.clock() + max_wait
    while True:
        job, headers = await client.fine_tuning.jobs._get_with_headers(f"/fine_tuning/jobs/{job_id}", FineTuningJob)
        fresh = []
        async for event in client.fine_tuning.jobs.list_events(job_id, limit=100):
            if event.id in seen:
                break
            fresh.append(event)
        _hand_out(fresh, seen, events, on_event)
        if job.done:
            return job, events
        wait = next_interval(headers, interval)
        if deadline is not None and client.clock() + wait > deadline:
            raise PollTimeoutError(f"Fine-tuning job {job_id} still {job.status} after {max_wait:g}s.")
        await client.sleep(wait)


def fine_tune(
    client: Client,
    training_file: Any,
    *,
    model: str,
    validation_file: Any = None,
    method: dict[str, Any] | None = None,
    validate: bool = True,
    on_event: EventCallback | None = None,
    interval: float | None = None,
    max_wait: float | None = None,
    **create_params: Any,
) -> FineTuneResult:
    """Validate locally, upload (purpose fine-tune), create the job and follow it to the end.

    ``training_file``/``validation_file``: a path, bytes, an open file or ``(name, bytes)``. ``method`` is
    the API's ``{"type": "supervised" | "dpo" | ...}`` object. Raises ``FineTuneFileError`` (nothing
    uploaded) when the local rules reject a file; a job that fails on the server is returned, not raised.
    """
    name, data, _ = file_part(training_file)
    validation = file_part(validation_file)[:2] if validation_file is not None else None
    if validate:
        check_files((name, data), validation, model, _method_type(method))
    uploaded = client.files.create(file=(name, data), purpose="fine-tune")
    uploaded_validation = None
    if validation is not None:
        uploaded_validation = client.files.create(file=validation, purpose="fine-tune")
        create_params["validation_file"] = uploaded_validation.id
    if method is not None:
        create_params["method"] = method
    job = client.fine_tuning.jobs.create(model=model, training_file=uploaded.id, **create_params)
    job, events = follow(client, job.id, on_event=on_event, interval=interval, max_wait=max_wait)
    return FineTuneResult(job, uploaded, events, uploaded_validation)


async def afine_tune(
    client: AsyncClient,
    training_file: Any,
    *,
    model: str,
    validation_file: Any = None,
    method: dict[str, Any] | None = None,
    validate: bool = True,
    on_event: EventCallback | None = None,
    interval: float | None = None,
    max_wait: float | None = None,
    **create_params: Any,
) -> FineTuneResult:
    """``fine_tune`` for the async client."""
    name, data, _ = file_part(training_file)
    validation = file_part(validation_file)[:2] if validation_file is not None else None
    if validate:
        check_files((name, data), validation, model, _method_type(method))
    uploaded = await client.files.create(file=(name, data), purpose="fine-tune")
    uploaded_validation = None
    if validation is not None:
        uploaded_validation = await client.files.create(file=validation, purpose="fine-tune")
        create_params["validation_file"] = uploaded_validation.id
    if method is not None:
        create_params["method"] = method
    job = await client.fine_tuning.jobs.create(model=model, training_file=uploaded.id, **create_params)
    job, events = await afollow(client, job.id, on_event=on_event, interval=interval, max_wait=max_wait)
    return FineTuneResult(job, uploaded, events, uploaded_validation)
