"""Batches."""

from __future__ import annotations

from typing import Any

from mockapi_client.types.shared import APIObject

BATCH_FINAL_STATUSES = frozenset({"completed", "failed", "expired", "cancelled"})


class BatchRequestCounts(APIObject):
    total: int = 0
    completed: int = 0
    failed: int = 0


class Batch(APIObject):
    id: str
    object: str = "batch"
    endpoint: str = ""
    status: str = ""
    input_file_id: str = ""
    completion_window: str = "24h"
    created_at: int = 0
    output_file_id: str | None = None
    error_file_id: str | None = None
    errors: dict[str, Any] | None = None
    request_counts: BatchRequestCounts | None = None
    metadata: dict[str, str] | None = None
    in_progress_at: int | None = None
    expires_at: int | None = None
    finalizing_at: int | None = None
    completed_at: int | None = None
    failed_at: int | None = None
    expired_at: int | None = None
    cancelling_at: int | None = None
    cancelled_at: int | None = None
    usage: dict[str, Any] | None = None

    @property
    def done(self) -> bool:
        return self.status in BATCH_FINAL_STATUSES
