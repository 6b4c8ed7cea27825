"""The Assistants run engine: records, the lifecycle state machine, the planner and the stream producer."""

from mockapi.runs.machine import TRANSITIONS, Machine
from mockapi.runs.service import RunService, install_controls

__all__ = ["TRANSITIONS", "Machine", "RunService", "install"]


def install(fake):  # type: ignore[no-untyped-def]
    """Attach ``fake.services["runs"]`` and its controls under ``/__mockapi__/runs``."""
    service = RunService(fake)
    fake.services["runs"] = service
    install_controls(fake, service)
    return service
