"""Fine-tuning jobs, their events and checkpoints."""

from __future__ import annotations

from typing import Any

from mockapi_client.types.shared import APIObject

JOB_FINAL_STATUSES = frozenset({"succeeded", "failed", "cancelled"})


class FineTuningJob(APIObject):
    id: str
    object: str = "fine_tuning.job"
    model: str = ""
    status: str = ""
    created_at: int = 0
    finished_at: int | None = None
    fine_tuned_model: str | None = None
    training_file: str = ""
    validation_file: str | None = None
    result_files: list[str] = []
    trained_tokens: int | None = None
    error: dict[str, Any] | None = None
    hyperparameters: dict[str, Any] | None = None
    method: dict[str, Any] | None = None
    seed: int | None = None
    estimated_finish: int | None = None
    organization_id: str | None = None
    user_provided_suffix: str | None = None
    metadata: dict[str, str] | None = None

    @property
    def done(self) -> bool:
        return self.status in JOB_FINAL_STATUSES


class FineTuningJobEvent(APIObject):
    id: str
    object: str = "fine_tuning.job.event"
    created_at: int = 0
    level: str = "info"
    message: str = ""
    type: str | None = None
    data: dict[str, Any] | None = None


class FineTuningJobCheckpoint(APIObject):
    id: str
    object: str = "fine_tuning.job.checkpoint"
    created_at: int = 0
    fine_tuned_model_checkpoint: str = ""
    fine_tuning_job_id: str = ""
    step_number: int = 0
    metrics: dict[str, Any] = {}
