"""One scenario, two clients: the official ``openai`` SDK and the reference client ``mockapi_client``.

Both are laid out alike (``client.files.create(...)``, ``client.beta.threads.runs.retrieve(...)``), so a
scenario calls the client through ``Api`` (attribute access goes straight to it) with keyword arguments,
which both accept. Only what really differs has a helper here: streams, binary bodies, a few sub-resource
names and error attributes. Each client talks through a capturing transport, so the recorder checks every
response either one receives.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mockapi.conformance.capture import Recorder, capturing_transport
from mockapi.conformance.targets import Target

CLIENTS = ("sdk", "reference")


@dataclass
class ErrorInfo:
    """What an expected API error said (filled in by ``Api.raises``)."""

    status: int = 0
    code: str | None = None
    param: str | None = None
    type: str | None = None
    message: str = ""


class Api:
    """A client under test; ``api.files.list()`` etc. reach the client itself."""

    name = ""

    def __init__(self, client: Any) -> None:
        self.client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def close(self) -> None:
        self.client.close()

    @contextlib.contextmanager
    def raises(self, status: int) -> Iterator[ErrorInfo]:
        """``with api.raises(404) as err: ...`` — the call must fail with that status."""
        info = ErrorInfo()
        try:
            yield info
        except Exception as exc:
            if not self._fill(exc, info):
                raise
            assert info.status == status, f"expected HTTP {status}, got {info.status}: {info.message}"
            return
        raise AssertionError(f"expected HTTP {status}, but the call succeeded")

    def _fill(self, exc: Exception, info: ErrorInfo) -> bool:
        raise NotImplementedError

    # -- what differs between the clients ------------------------------------------------------

    def chat_stream(self, **params: Any) -> list[Any]:
        """Every chunk of a streamed chat completion."""
        raise NotImplementedError

    def completion_stream(self, **params: Any) -> list[Any]:
        raise NotImplementedError

    def stored_messages(self, completion_id: str, **params: Any) -> Any:
        raise NotImplementedError

    def file_content(self, file_id: str) -> bytes:
        raise NotImplementedError

    def speech(self, **params: Any) -> bytes:
        raise NotImplementedError

    def upload_part(self, upload_id: str, data: bytes) -> Any:
        raise NotImplementedError

    def job_checkpoints(self, job_id: str, **params: Any) -> Any:
        raise NotImplementedError

    def vector_store_file_text(self, vector_store_id: str, file_id: str) -> str:
        raise NotImplementedError

    def run_stream(self, **params: Any) -> list[tuple[str, Any]]:
        """(event name, data) of a streamed run (``thread_id``, ``assistant_id``, ...)."""
        raise NotImplementedError

    def create_and_run_stream(self, **params: Any) -> list[tuple[str, Any]]:
        raise NotImplementedError

    def submit_tool_outputs_stream(self, **params: Any) -> list[tuple[str, Any]]:
        raise NotImplementedError


class SdkApi(Api):
    name = "sdk"

    def _fill(self, exc: Exception, info: ErrorInfo) -> bool:
        import openai

        if not isinstance(exc, openai.APIStatusError):
            return False
        info.status, info.code, info.param = exc.status_code, exc.code, exc.param
        info.type, info.message = exc.type, exc.message
        return True

    def chat_stream(self, **params: Any) -> list[Any]:
        with self.client.chat.completions.create(stream=True, **params) as stream:
            return list(stream)

    def completion_stream(self, **params: Any) -> list[Any]:
        with self.client.completions.create(stream=True, **params) as stream:
            return list(stream)

    def stored_messages(self, completion_id: str, **params: Any) -> Any:
        return self.client.chat.completions.messages.list(completion_id, **params)

    def file_content(self, file_id: str) -> bytes:
        return bytes(self.client.files.content(file_id).content)

    def speech(self, **params: Any) -> bytes:
        return bytes(self.client.audio.speech.create(**params).content)

    def upload_part(self, upload_id: str, data: bytes) -> Any:
        return self.client.uploads.parts.create(upload_id, data=data)

    def job_checkpoints(self, job_id: str, **params: Any) -> Any:
        return self.client.fine_tuning.jobs.checkpoints.list(job_id, **params)

    def vector_store_file_text(self, vector_store_id: str, file_id: str) -> str:
        page = self.client.vector_stores.files.content(file_id, vector_store_id=vector_store_id)
        return "".join(item.text or "" for item in page.data)

    def run_stream(self, **params: Any) -> list[tuple[str, Any]]:
        return _events(self.client.beta.threads.runs.create(stream=True, **params))

    def create_and_run_stream(self, **params: Any) -> list[tuple[str, Any]]:
        return _events(self.client.beta.threads.create_and_run(stream=True, **params))

    def submit_tool_outputs_stream(self, **params: Any) -> list[tuple[str, Any]]:
        return _events(self.client.beta.threads.runs.submit_tool_outputs(stream=True, **params))


class ReferenceApi(Api):
    name = "reference"

    def _fill(self, exc: Exception, info: ErrorInfo) -> bool:
        from mockapi_client.errors import APIStatusError

        if not isinstance(exc, APIStatusError):
            return False
        info.status, info.code, info.param = exc.status or 0, exc.code, exc.param
        info.type, info.message = exc.type, exc.message
        return True

    def chat_stream(self, **params: Any) -> list[Any]:
        with self.client.chat.completions.stream(**params) as stream:
            return list(stream)

    def completion_stream(self, **params: Any) -> list[Any]:
        with self.client.completions.stream(**params) as stream:
            return list(stream)

    def stored_messages(self, completion_id: str, **params: Any) -> Any:
        return self.client.chat.completions.messages(completion_id, **params)

    def file_content(self, file_id: str) -> bytes:
        return self.client.files.content(file_id)

    def speech(self, **params: Any) -> bytes:
        return self.client.audio.speech.create(**params)

    def upload_part(self, upload_id: str, data: bytes) -> Any:
        return self.client.uploads.add_part(upload_id, data=data)

    def job_checkpoints(self, job_id: str, **params: Any) -> Any:
        return self.client.fine_tuning.jobs.checkpoints(job_id, **params)

    def vector_store_file_text(self, vector_store_id: str, file_id: str) -> str:
        body = self.client.vector_stores.files.content(file_id, vector_store_id=vector_store_id)
        return "".join(item.get("text") or "" for item in body["data"])

    def run_stream(self, **params: Any) -> list[tuple[str, Any]]:
        return _events(self.client.beta.threads.runs.stream(**params))

    def create_and_run_stream(self, **params: Any) -> list[tuple[str, Any]]:
        return _events(self.client.beta.threads.create_and_run_stream(**params))

    def submit_tool_outputs_stream(self, **params: Any) -> list[tuple[str, Any]]:
        return _events(self.client.beta.threads.runs.submit_tool_outputs_stream(**params))


def _events(stream: Any) -> list[tuple[str, Any]]:
    with stream:
        return [(event.event, event.data) for event in stream]


def make_api(name: str, target: Target, recorder: Recorder) -> Api:
    """The named client, pointed at the target through a capturing transport."""
    if name == "sdk":
        import httpx2
        import openai

        transport = capturing_transport(target.transport(httpx2), httpx2, recorder)
        client = openai.OpenAI(
            api_key=target.api_key, admin_api_key=target.admin_key, base_url=target.base_url,
            timeout=target.timeout, max_retries=2,
            http_client=httpx2.Client(transport=transport, timeout=target.timeout),
        )
        return SdkApi(client)
    if name == "reference":
        import httpx
        from mockapi_client import Client

        transport = capturing_transport(target.transport(httpx), httpx, recorder)
        return ReferenceApi(Client(api_key=target.api_key, base_url=target.base_url, timeout=target.timeout,
                                   max_retries=2, transport=transport))
    raise ValueError(f"unknown client {name!r} (choose from {', '.join(CLIENTS)})")
