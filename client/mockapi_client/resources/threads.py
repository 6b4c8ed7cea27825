"""``/threads`` and what lives in a thread: messages, runs (stream, poll, tool outputs) and run steps.

All send ``OpenAI-Beta: assistants=v2``. Polling honours ``openai-poll-after-ms`` (see ``polling``).
"""

from __future__ import annotations

from typing import Any

from mockapi_client.options import compact, split_options
from mockapi_client.pagination import AsyncPaginator, SyncPage
from mockapi_client.polling import apoll, poll
from mockapi_client.resources.base import BETA, AsyncAPIResource, SyncAPIResource
from mockapi_client.streaming import AsyncStream, Stream
from mockapi_client.types.assistants import AssistantStreamEvent, Message, Run, RunStep, Thread, event_data
from mockapi_client.types.shared import DeletedObject


def assistant_event(event: str | None, data: Any) -> AssistantStreamEvent:
    return AssistantStreamEvent(event=event or "", data=event_data(event, data))


def _no_stream(params: dict[str, Any]) -> dict[str, Any]:
    if params.get("stream"):
        raise TypeError("this method does not stream: call the *stream variant instead")
    return params


def _run_query(params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(body, query): ``include`` goes in the query as ``include[]``."""
    include = params.pop("include", None)
    return params, ({"include[]": include} if include else None)


# -- sync ---------------------------------------------------------------------------------------------


class Messages(SyncAPIResource):
    _headers = BETA

    def create(self, thread_id: str, *, role: str, content: Any, **params: Any) -> Message:
        params, options = split_options(params)
        body = {"role": role, "content": content, **params}
        return self._post(f"/threads/{thread_id}/messages", Message, body=body, options=options)

    def retrieve(self, message_id: str, *, thread_id: str, **options: Any) -> Message:
        return self._get(f"/threads/{thread_id}/messages/{message_id}", Message, options=split_options(options)[1])

    def update(self, message_id: str, *, thread_id: str, **params: Any) -> Message:
        params, options = split_options(params)
        return self._post(f"/threads/{thread_id}/messages/{message_id}", Message, body=params, options=options)

    def list(self, thread_id: str, **params: Any) -> SyncPage[Message]:
        """``limit``, ``order``, ``run_id``."""
        params, options = split_options(params)
        return self._list(f"/threads/{thread_id}/messages", Message, compact(**params), options)

    def delete(self, message_id: str, *, thread_id: str, **options: Any) -> DeletedObject:
        return self._delete(f"/threads/{thread_id}/messages/{message_id}", DeletedObject, split_options(options)[1])


class Steps(SyncAPIResource):
    _headers = BETA

    def list(self, run_id: str, *, thread_id: str, **params: Any) -> SyncPage[RunStep]:
        params, options = split_options(params)
        query = compact(**params)
        if "include" in query:
            query["include[]"] = query.pop("include")
        return self._list(f"/threads/{thread_id}/runs/{run_id}/steps", RunStep, query, options)

    def retrieve(self, step_id: str, *, thread_id: str, run_id: str, **options: Any) -> RunStep:
        path = f"/threads/{thread_id}/runs/{run_id}/steps/{step_id}"
        return self._get(path, RunStep, options=split_options(options)[1])


class Runs(SyncAPIResource):
    _headers = BETA

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.steps = Steps(client)

    def create(self, thread_id: str, *, assistant_id: str, **params: Any) -> Run:
        params, options = split_options(params)
        body, query = _run_query({"assistant_id": assistant_id, **_no_stream(params)})
        return self._post(f"/threads/{thread_id}/runs", Run, body=body, query=query, options=options)

    def stream(self, thread_id: str, *, assistant_id: str, **params: Any) -> Stream[AssistantStreamEvent]:
        """Create a run and iterate its events (``AssistantStreamEvent``: ``.event`` name, typed ``.data``)."""
        params, options = split_options(params)
        body, query = _run_query({"assistant_id": assistant_id, **params, "stream": True})
        return self._stream(f"/threads/{thread_id}/runs", body, assistant_event, Stream, options, query)

    def retrieve(self, run_id: str, *, thread_id: str, **options: Any) -> Run:
        return self._get(f"/threads/{thread_id}/runs/{run_id}", Run, options=split_options(options)[1])

    def update(self, run_id: str, *, thread_id: str, **params: Any) -> Run:
        params, options = split_options(params)
        return self._post(f"/threads/{thread_id}/runs/{run_id}", Run, body=params, options=options)

    def list(self, thread_id: str, **params: Any) -> SyncPage[Run]:
        params, options = split_options(params)
        return self._list(f"/threads/{thread_id}/runs", Run, compact(**params), options)

    def cancel(self, run_id: str, *, thread_id: str, **options: Any) -> Run:
        return self._post(f"/threads/{thread_id}/runs/{run_id}/cancel", Run, options=split_options(options)[1])

    def submit_tool_outputs(
        self, run_id: str, *, thread_id: str, tool_outputs: list[dict[str, Any]], **params: Any
    ) -> Run:
        params, options = split_options(params)
        body = {"tool_outputs": tool_outputs, **_no_stream(params)}
        return self._post(f"/threads/{thread_id}/runs/{run_id}/submit_tool_outputs", Run, body=body, options=options)

    def submit_tool_outputs_stream(
        self, run_id: str, *, thread_id: str, tool_outputs: list[dict[str, Any]], **params: Any
    ) -> Stream[AssistantStreamEvent]:
        params, options = split_options(params)
        body = {"tool_outputs": tool_outputs, **params, "stream": True}
        path = f"/threads/{thread_id}/runs/{run_id}/submit_tool_outputs"
        return self._stream(path, body, assistant_event, Stream, options)

    def poll(
        self, run_id: str, *, thread_id: str, interval: float | None = None, max_wait: float | None = None
    ) -> Run:
        """Retrieve until the run needs tool outputs or is final, waiting what ``openai-poll-after-ms`` says."""
        path = f"/threads/{thread_id}/runs/{run_id}"
        return poll(
            lambda: self._get_with_headers(path, Run), lambda run: run.done,
            sleep=self._client.sleep, interval=interval, max_wait=max_wait, clock=self._client.clock,
        )

    def create_and_poll(self, thread_id: str, *, assistant_id: str, interval: float | None = None,
                        max_wait: float | None = None, **params: Any) -> Run:
        run = self.create(thread_id, assistant_id=assistant_id, **params)
        return self.poll(run.id, thread_id=thread_id, interval=interval, max_wait=max_wait)

    def submit_tool_outputs_and_poll(
        self, run_id: str, *, thread_id: str, tool_outputs: list[dict[str, Any]], interval: float | None = None,
        max_wait: float | None = None, **params: Any,
    ) -> Run:
        run = self.submit_tool_outputs(run_id, thread_id=thread_id, tool_outputs=tool_outputs, **params)
        return self.poll(run.id, thread_id=thread_id, interval=interval, max_wait=max_wait)


class Threads(SyncAPIResource):
    _headers = BETA

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.messages = Messages(client)
        self.runs = Runs(client)

    def create(self, **params: Any) -> Thread:
        params, options = split_options(params)
        return self._post("/threads", Thread, body=params, options=options)

    def retrieve(self, thread_id: str, **options: Any) -> Thread:
        return self._get(f"/threads/{thread_id}", Thread, options=split_options(options)[1])

    def update(self, thread_id: str, **params: Any) -> Thread:
        params, options = split_options(params)
        return self._post(f"/threads/{thread_id}", Thread, body=params, options=options)

    def delete(self, thread_id: str, **options: Any) -> DeletedObject:
        return self._delete(f"/threads/{thread_id}", DeletedObject, split_options(options)[1])

    def create_and_run(self, *, assistant_id: str, **params: Any) -> Run:
        params, options = split_options(params)
        body = {"assistant_id": assistant_id, **_no_stream(params)}
        return self._post("/threads/runs", Run, body=body, options=options)

    def create_and_run_stream(self, *, assistant_id: str, **params: Any) -> Stream[AssistantStreamEvent]:
        params, options = split_options(params)
        body = {"assistant_id": assistant_id, **params, "stream": True}
        return self._stream("/threads/runs", body, assistant_event, Stream, options)

    def create_and_run_poll(self, *, assistant_id: str, interval: float | None = None,
                            max_wait: float | None = None, **params: Any) -> Run:
        run = self.create_and_run(assistant_id=assistant_id, **params)
        return self.runs.poll(run.id, thread_id=run.thread_id, interval=interval, max_wait=max_wait)


# -- async --------------------------------------------------------------------------------------------


class AsyncMessages(AsyncAPIResource):
    _headers = BETA

    async def create(self, thread_id: str, *, role: str, content: Any, **params: Any) -> Message:
        params, options = split_options(params)
        body = {"role": role, "content": content, **params}
        return await self._post(f"/threads/{thread_id}/messages", Message, body=body, options=options)

    async def retrieve(self, message_id: str, *, thread_id: str, **options: Any) -> Message:
        path = f"/threads/{thread_id}/messages/{message_id}"
        return await self._get(path, Message, options=split_options(options)[1])

    async def update(self, message_id: str, *, thread_id: str, **params: Any) -> Message:
        params, options = split_options(params)
        return await self._post(f"/threads/{thread_id}/messages/{message_id}", Message, body=params, options=options)

    def list(self, thread_id: str, **params: Any) -> AsyncPaginator[Message]:
        params, options = split_options(params)
        return self._list(f"/threads/{thread_id}/messages", Message, compact(**params), options)

    async def delete(self, message_id: str, *, thread_id: str, **options: Any) -> DeletedObject:
        path = f"/threads/{thread_id}/messages/{message_id}"
        return await self._delete(path, DeletedObject, split_options(options)[1])


class AsyncSteps(AsyncAPIResource):
    _headers = BETA

    def list(self, run_id: str, *, thread_id: str, **params: Any) -> AsyncPaginator[RunStep]:
        params, options = split_options(params)
        query = compact(**params)
        if "include" in query:
            query["include[]"] = query.pop("include")
        return self._list(f"/threads/{thread_id}/runs/{run_id}/steps", RunStep, query, options)

    async def retrieve(self, step_id: str, *, thread_id: str, run_id: str, **options: Any) -> RunStep:
        path = f"/threads/{thread_id}/runs/{run_id}/steps/{step_id}"
        return await self._get(path, RunStep, options=split_options(options)[1])


class AsyncRuns(AsyncAPIResource):
    _headers = BETA

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.steps = AsyncSteps(client)

    async def create(self, thread_id: str, *, assistant_id: str, **params: Any) -> Run:
        params, options = split_options(params)
        body, query = _run_query({"assistant_id": assistant_id, **_no_stream(params)})
        return await self._post(f"/threads/{thread_id}/runs", Run, body=body, query=query, options=options)

    async def stream(self, thread_id: str, *, assistant_id: str, **params: Any) -> AsyncStream[AssistantStreamEvent]:
        params, options = split_options(params)
        body, query = _run_query({"assistant_id": assistant_id, **params, "stream": True})
        return await self._stream(f"/threads/{thread_id}/runs", body, assistant_event, AsyncStream, options, query)

    async def retrieve(self, run_id: str, *, thread_id: str, **options: Any) -> Run:
        return await self._get(f"/threads/{thread_id}/runs/{run_id}", Run, options=split_options(options)[1])

    async def update(self, run_id: str, *, thread_id: str, **params: Any) -> Run:
        params, options = split_options(params)
        return await self._post(f"/threads/{thread_id}/runs/{run_id}", Run, body=params, options=options)

    def list(self, thread_id: str, **params: Any) -> AsyncPaginator[Run]:
        params, options = split_options(params)
        return self._list(f"/threads/{thread_id}/runs", Run, compact(**params), options)

    async def cancel(self, run_id: str, *, thread_id: str, **options: Any) -> Run:
        path = f"/threads/{thread_id}/runs/{run_id}/cancel"
        return await self._post(path, Run, options=split_options(options)[1])

    async def submit_tool_outputs(
        self, run_id: str, *, thread_id: str, tool_outputs: list[dict[str, Any]], **params: Any
    ) -> Run:
        params, options = split_options(params)
        body = {"tool_outputs": tool_outputs, **_no_stream(params)}
        path = f"/threads/{thread_id}/runs/{run_id}/submit_tool_outputs"
        return await self._post(path, Run, body=body, options=options)

    async def submit_tool_outputs_stream(
        self, run_id: str, *, thread_id: str, tool_outputs: list[dict[str, Any]], **params: Any
    ) -> AsyncStream[AssistantStreamEvent]:
        params, options = split_options(params)
        body = {"tool_outputs": tool_outputs, **params, "stream": True}
        path = f"/threads/{thread_id}/runs/{run_id}/submit_tool_outputs"
        return await self._stream(path, body, assistant_event, AsyncStream, options)

    async def poll(
        self, run_id: str, *, thread_id: str, interval: float | None = None, max_wait: float | None = None
    ) -> Run:
        path = f"/threads/{thread_id}/runs/{run_id}"
        return await apoll(
            lambda: self._get_with_headers(path, Run), lambda run: run.done,
            sleep=self._client.sleep, interval=interval, max_wait=max_wait, clock=self._client.clock,
        )

    async def create_and_poll(self, thread_id: str, *, assistant_id: str, interval: float | None = None,
                              max_wait: float | None = None, **params: Any) -> Run:
        run = await self.create(thread_id, assistant_id=assistant_id, **params)
        return await self.poll(run.id, thread_id=thread_id, interval=interval, max_wait=max_wait)

    async def submit_tool_outputs_and_poll(
        self, run_id: str, *, thread_id: str, tool_outputs: list[dict[str, Any]], interval: float | None = None,
        max_wait: float | None = None, **params: Any,
    ) -> Run:
        run = await self.submit_tool_outputs(run_id, thread_id=thread_id, tool_outputs=tool_outputs, **params)
        return await self.poll(run.id, thread_id=thread_id, interval=interval, max_wait=max_wait)


class AsyncThreads(AsyncAPIResource):
    _headers = BETA

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.messages = AsyncMessages(client)
        self.runs = AsyncRuns(client)

    async def create(self, **params: Any) -> Thread:
        params, options = split_options(params)
        return await self._post("/threads", Thread, body=params, options=options)

    async def retrieve(self, thread_id: str, **options: Any) -> Thread:
        return await self._get(f"/threads/{thread_id}", Thread, options=split_options(options)[1])

    async def update(self, thread_id: str, **params: Any) -> Thread:
        params, options = split_options(params)
        return await self._post(f"/threads/{thread_id}", Thread, body=params, options=options)

    async def delete(self, thread_id: str, **options: Any) -> DeletedObject:
        return await self._delete(f"/threads/{thread_id}", DeletedObject, split_options(options)[1])

    async def create_and_run(self, *, assistant_id: str, **params: Any) -> Run:
        params, options = split_options(params)
        body = {"assistant_id": assistant_id, **_no_stream(params)}
        return await self._post("/threads/runs", Run, body=body, options=options)

    async def create_and_run_stream(self, *, assistant_id: str, **params: Any) -> AsyncStream[AssistantStreamEvent]:
        params, options = split_options(params)
        body = {"assistant_id": assistant_id, **params, "stream": True}
        return await self._stream("/threads/runs", body, assistant_event, AsyncStream, options)

    async def create_and_run_poll(self, *, assistant_id: str, interval: float | None = None,
                                  max_wait: float | None = None, **params: Any) -> Run:
        run = await self.create_and_run(assistant_id=assistant_id, **params)
        return await self.runs.poll(run.id, thread_id=run.thread_id, interval=interval, max_wait=max_wait)
