"""Webhook event types, the event object, and the sample events ``POST /webhook_endpoints/{id}/test`` sends.

The event is ``{"id": "evt_…", "object": "event", "type", "created_at", "data"}`` (the document's Webhook*
components, e.g. WebhookResponseCompleted, and the webhooks guide's captured delivery).
"""

from __future__ import annotations

from typing import Any

from mockapi.ids import new_id

# openai-python 3.63.0's webhook_create_params Literal, in its order (GET /webhook_event_types lists them).
EVENT_TYPES = (
    "health.alert.triggered", "health.alert.resolved",
    "batch.completed", "batch.failed", "batch.expired", "batch.cancelled",
    "response.completed", "response.failed", "response.cancelled", "response.incomplete",
    "eval.run.succeeded", "eval.run.failed", "eval.run.canceled",
    "fine_tuning.job.succeeded", "fine_tuning.job.failed", "fine_tuning.job.cancelled",
    "realtime.call.incoming",
    "video.completed", "video.failed",
    "agent.environment.ready", "agent.environment.failed", "agent.environment.suspended",
    "agent.environment.expired",
    "agent.session.created", "agent.session.action_required", "agent.session.in_progress",
    "agent.session.idle", "agent.session.failed",
    "safety.alert.created",
)  # fmt: skip

# The id prefix of the object a sample event names (an id nobody can retrieve, as a dashboard test event's).
_SAMPLE_PREFIXES = {"batch": "batch_", "response": "resp_", "eval": "evalrun_", "fine_tuning": "ftjob-",
                    "video": "video_", "health": "alert_", "agent": "agent_", "safety": "alert_"}  # fmt: skip


def event(type: str, data: dict[str, Any], created_at: int) -> dict[str, Any]:
    return {"id": new_id("evt_"), "object": "event", "type": type, "created_at": created_at, "data": data}


def sample_data(type: str) -> dict[str, Any]:
    """A plausible ``data`` for a test event of ``type`` (the SDK's event models name the fields)."""
    if type == "realtime.call.incoming":
        return {"call_id": new_id("rtc_"), "sip_headers": [
            {"name": "From", "value": "sip:+14155550100@sip.example.com"},
            {"name": "To", "value": "sip:+14155550199@sip.api.openai.com"},
        ]}  # fmt: skip
    data: dict[str, Any] = {"id": new_id(_SAMPLE_PREFIXES[type.split(".", 1)[0]])}
    if type == "agent.session.created":
        data["environment_type"] = "browser"
    elif type == "agent.session.action_required":
        data["required_action"] = {"type": "function_call"}
    return data
