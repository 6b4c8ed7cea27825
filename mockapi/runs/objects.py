"""The Assistants family's JSON objects, built in one place (shapes per spec and assistants.md)."""

from __future__ import annotations

from typing import Any

import orjson

from mockapi.ids import new_id

RANKING_OPTIONS = {"ranker": "default_2024_08_21", "score_threshold": 0.0}


def message(
    thread_id: str,
    now: int,
    role: str,
    content: list[dict[str, Any]],
    *,
    attachments: list[dict[str, Any]] | None = None,
    metadata: dict[str, str] | None = None,
    run_id: str | None = None,
    assistant_id: str | None = None,
    status: str = "completed",
) -> dict[str, Any]:
    return {
        "id": new_id("msg_"),
        "object": "thread.message",
        "created_at": now,
        "assistant_id": assistant_id,
        "thread_id": thread_id,
        "run_id": run_id,
        "status": status,
        "incomplete_details": None,
        "completed_at": now if status == "completed" else None,
        "incomplete_at": None,
        "role": role,
        "content": content,
        "attachments": attachments or [],
        "metadata": metadata or {},
    }


def text_part(value: str, annotations: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"type": "text", "text": {"value": value, "annotations": annotations or []}}


def step(run: dict[str, Any], now: int, kind: str, details: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": new_id("step_"),
        "object": "thread.run.step",
        "created_at": now,
        "assistant_id": run["assistant_id"],
        "thread_id": run["thread_id"],
        "run_id": run["id"],
        "type": kind,
        "status": "in_progress",
        "step_details": details,
        "last_error": None,
        # The schema says expired_at; the spec's stream examples carry the run's expires_at too.
        "expires_at": run["expires_at"],
        "expired_at": None,
        "cancelled_at": None,
        "failed_at": None,
        "completed_at": None,
        "metadata": {},
        "usage": None,
    }


def usage(prompt: int, completion: int) -> dict[str, int]:
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def render(obj: Any) -> Any:
    """A snapshot for a response: stored objects keep changing after the lock is released.

    A JSON round trip (orjson) copies these plain JSON values ~8x faster than ``copy.deepcopy``.
    """
    return orjson.loads(orjson.dumps(obj))


def render_step(obj: dict[str, Any], include_content: bool) -> dict[str, Any]:
    """File search result ``content`` appears only when asked for with ``include[]`` (assistants.md §5)."""
    out = render(obj)
    if not include_content:
        strip_result_content(out["step_details"])
    return out


def strip_result_content(details: dict[str, Any]) -> None:
    for call in details.get("tool_calls") or []:
        for result in (call.get("file_search") or {}).get("results") or []:
            result.pop("content", None)


def function_call(call_id: str, name: str, arguments: str) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}
