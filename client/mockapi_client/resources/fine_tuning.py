"""``/fine_tuning/jobs``: create, list, retrieve, cancel/pause/resume, events, checkpoints, poll.

The whole workflow (validate locally, upload, create, follow events) is ``mockapi_client.finetune``.
"""

from __future__ import annotations

from typing import Any

from mockapi_client.options import compact, split_options
from mockapi_client.pagination import AsyncPaginator, SyncPage
from mockapi_client.polling import apoll, poll
from mockapi_client.resources.base import AsyncAPIResource, SyncAPIResource
from mockapi_client.types.fine_tuning import FineTuningJob, FineTuningJobCheckpoint, FineTuningJobEvent

PATH = "/fine_tuning/jobs"


def _list_query(params: dict[str, Any]) -> dict[str, Any]:
    query = compact(**{k: v for k, v in params.items() if k != "metadata"})
    for key, value in (params.get("metadata") or {}).items():
        query[f"metadata[{key}]"] = value
    return query


class Jobs(SyncAPIResource):
    def create(self, *, model: str, training_file: str, **params: Any) -> FineTuningJob:
        params, options = split_options(params)
        body = {"model": model, "training_file": training_file, **params}
        return self._post(PATH, FineTuningJob, body=body, options=options)

    def retrieve(self, job_id: str, **options: Any) -> FineTuningJob:
        return self._get(f"{PATH}/{job_id}", FineTuningJob, options=split_options(options)[1])

    def list(self, **params: Any) -> SyncPage[FineTuningJob]:
        params, options = split_options(params)
        return self._list(PATH, FineTuningJob, _list_query(params), options)

    def cancel(self, job_id: str, **options: Any) -> FineTuningJob:
        return self._post(f"{PATH}/{job_id}/cancel", FineTuningJob, options=split_options(options)[1])

    def pause(self, job_id: str, **options: Any) -> FineTuningJob:
        return self._post(f"{PATH}/{job_id}/pause", FineTuningJob, options=split_options(options)[1])

    def resume(self, job_id: str, **options: Any) -> FineTuningJob:
        return self._post(f"{PATH}/{job_id}/resume", FineTuningJob, options=split_options(options)[1])

    def list_events(self, job_id: str, **params: Any) -> SyncPage[FineTuningJobEvent]:
        """Newest first, like the API."""
        params, options = split_options(params)
        return self._list(f"{PATH}/{job_id}/events", FineTuningJobEvent, compact(**params), options)

    def checkpoints(self, job_id: str, **params: Any) -> SyncPage[FineTuningJobCheckpoint]:
        params, options = split_options(params)
        return self._list(f"{PATH}/{job_id}/checkpoints", FineTuningJobCheckpoint, compact(**params), options)

    def poll(self, job_id: str, *, interval: float | None = None, max_wait: float | None = None) -> FineTuningJob:
        """Retrieve until succeeded, failed or cancelled."""
        return poll(
            lambda: self._get_with_headers(f"{PATH}/{job_id}", FineTuningJob), lambda job: job.done,
            sleep=self._client.sleep, interval=interval, max_wait=max_wait, clock=self._client.clock,
        )


class AsyncJobs(AsyncAPIResource):
    async def create(self, *, model: str, training_file: str, **params: Any) -> FineTuningJob:
        params, options = split_options(params)
        body = {"model": model, "training_file": training_file, **params}
        return await self._post(PATH, FineTuningJob, body=body, options=options)

    async def retrieve(self, job_id: str, **options: Any) -> FineTuningJob:
        return await self._get(f"{PATH}/{job_id}", FineTuningJob, options=split_options(options)[1])

    def list(self, **params: Any) -> AsyncPaginator[FineTuningJob]:
        params, options = split_options(params)
        return self._list(PATH, FineTuningJob, _list_query(params), options)

    async def cancel(self, job_id: str, **options: Any) -> FineTuningJob:
        return await self._post(f"{PATH}/{job_id}/cancel", FineTuningJob, options=split_options(options)[1])

    async def pause(self, job_id: str, **options: Any) -> FineTuningJob:
        return await self._post(f"{PATH}/{job_id}/pause", FineTuningJob, options=split_options(options)[1])

    async def resume(self, job_id: str, **options: Any) -> FineTuningJob:
        return await self._post(f"{PATH}/{job_id}/resume", FineTuningJob, options=split_options(options)[1])

    def list_events(self, job_id: str, **params: Any) -> AsyncPaginator[FineTuningJobEvent]:
        params, options = split_options(params)
        return self._list(f"{PATH}/{job_id}/events", FineTuningJobEvent, compact(**params), options)

    def checkpoints(self, job_id: str, **params: Any) -> AsyncPaginator[FineTuningJobCheckpoint]:
        params, options = split_options(params)
        return self._list(f"{PATH}/{job_id}/checkpoints", FineTuningJobCheckpoint, compact(**params), options)

    async def poll(
        self, job_id: str, *, interval: float | None = None, max_wait: float | None = None
    ) -> FineTuningJob:
        return await apoll(
            lambda: self._get_with_headers(f"{PATH}/{job_id}", FineTuningJob), lambda job: job.done,
            sleep=self._client.sleep, interval=interval, max_wait=max_wait, clock=self._client.clock,
        )
