"""The fake's control plane over HTTP, as the conformance scenarios use it.

Only scenarios that ask for the ``control`` fixture touch it; on a target without a control plane (the
real API, ``mockapi serve --no-control-plane``) those scenarios are skipped. Everything here is a thin
call to ``/__mockapi__/...`` (see the README's control-plane tables), so it works over any transport.
"""

from __future__ import annotations

from typing import Any

import httpx

PREFIX = "/__mockapi__"


class ControlError(Exception):
    pass


class Control:
    def __init__(self, transport: Any, root_url: str) -> None:
        self.http = httpx.Client(transport=transport, base_url=root_url + PREFIX, timeout=30.0)

    def call(self, method: str, route: str, body: Any = None, query: dict[str, str] | None = None) -> Any:
        response = self.http.request(method, route, json=body, params=query or None)
        if response.status_code >= 400:
            raise ControlError(f"{method} {PREFIX}{route}: {response.status_code} {response.text[:300]}")
        return response.json()

    def close(self) -> None:
        self.http.close()

    # -- general ---------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        return self.call("GET", "/health")

    def clock(self) -> dict[str, Any]:
        return self.call("GET", "/clock")

    def advance(self, seconds: float) -> dict[str, Any]:
        return self.call("POST", "/clock", {"advance": seconds})

    def set_clock(self, mode: str) -> dict[str, Any]:
        """``"manual"`` freezes time until ``advance``; ``"real"`` lets it run again."""
        return self.call("POST", "/clock", {"mode": mode})

    def journal(self, path: str | None = None, method: str | None = None) -> list[dict[str, Any]]:
        query = {k: v for k, v in {"path": path, "method": method}.items() if v}
        return self.call("GET", "/journal", query=query)["data"]

    # -- what the model says -----------------------------------------------------------------

    def script(self, replies: list[dict[str, Any]] | dict[str, Any], *, repeat: bool = False, **match: Any) -> str:
        replies = replies if isinstance(replies, list) else [replies]
        return self.call("POST", "/scripts", {"match": match, "replies": replies, "repeat": repeat})["id"]

    def remove_script(self, script_id: str) -> None:
        self.call("DELETE", f"/scripts/{script_id}")

    # -- faults ----------------------------------------------------------------------------

    def add_fault(self, kind: str, **settings: Any) -> dict[str, Any]:
        return self.call("POST", "/faults", {"kind": kind, **settings})

    def fault(self, rule_id: str) -> dict[str, Any]:
        return self.call("GET", f"/faults/{rule_id}")

    def remove_fault(self, rule_id: str) -> None:
        self.call("DELETE", f"/faults/{rule_id}")

    # -- lifecycles --------------------------------------------------------------------------

    def release_run(self, run_id: str) -> dict[str, Any]:
        return self.call("DELETE", f"/runs/{run_id}/hold")

    def hold_new_runs(self, at: str) -> dict[str, Any]:
        """Runs created from now on stop once they reach ``at`` (no race with a fast clock)."""
        return self.call("POST", "/runs/hold", {"at": at})

    def release_new_runs(self) -> dict[str, Any]:
        return self.call("DELETE", "/runs/hold")

    def hold_next_fine_tuning_job(self, phase: str, **match: Any) -> dict[str, Any]:
        """The next job matching ``match`` (model, suffix, metadata) stops in ``phase`` until released."""
        return self.call("POST", "/fine_tuning/rules", {"match": match, "hold": phase, "times": 1})

    def complete_fine_tuning_job(self, job_id: str) -> dict[str, Any]:
        return self.call("POST", f"/fine_tuning/jobs/{job_id}/complete")

    def release_fine_tuning_job(self, job_id: str) -> dict[str, Any]:
        return self.call("POST", f"/fine_tuning/jobs/{job_id}/release")

    def complete_batch(self, batch_id: str) -> dict[str, Any]:
        return self.call("POST", f"/batches/{batch_id}/complete")

    # -- what other clients wrote ----------------------------------------------------------------

    def add_chatkit_thread(self, **fields: Any) -> dict[str, Any]:
        """A ChatKit thread as the UI would leave it: ``user``, ``api_key`` or ``session_id``, ``title``, ``items``."""
        return self.call("POST", "/chatkit/threads", fields)


    def fire_health_alert(self, rule_id: str, **fields: Any) -> dict[str, Any]:
        """What the health evaluator would record for a rule: ``type`` triggered (default) or resolved, ``value``."""
        return self.call("POST", "/health/alerts", {"rule_id": rule_id, **fields})

    def wait_for_webhooks(self, type: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Deliveries of ``type`` events attempted so far, once there are ``count`` (each with its attempts)."""
        body = {"type": type, "count": count, "timeout": timeout}
        return self.call("POST", "/webhooks/deliveries/wait", body)["data"]


    def incoming_call(self, api_key: str, **fields: Any) -> dict[str, Any]:
        """A SIP call rings for ``api_key``'s project (``realtime.call.incoming`` goes out); its record."""
        return self.call("POST", "/realtime/calls", {"api_key": api_key, **fields})

    def realtime_call(self, call_id: str) -> dict[str, Any]:
        """A call as the backend left it: status, session, reject code, refer target, actions."""
        return self.call("GET", f"/realtime/calls/{call_id}")


def detect_control(transport: Any, root_url: str) -> Control | None:
    """A ``Control`` if ``GET /__mockapi__/health`` answers like a mockapi with its control plane on."""
    control = Control(transport, root_url)
    try:
        response = control.http.get("/health")
        ok = response.status_code == 200 and response.json().get("status") == "ok"
    except (httpx.HTTPError, ValueError, AttributeError):
        ok = False
    if not ok:
        control.close()
        return None
    return control
