"""The Assistants run engine: records, the lifecycle state machine, the planner and the stream producer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockapi.runs.machine import TRANSITIONS, Machine
from mockapi.runs.service import RunService, install_controls

if TYPE_CHECKING:
    from mockapi.fake import Fake

__all__ = ["TRANSITIONS", "Machine", "RunService", "install"]


def install(fake: Fake) -> RunService:
    """Attach ``fake.services["runs"]`` and its controls under ``/__mockapi__/runs``."""
    service = RunService(fake)
    fake.services["runs"] = service
    install_controls(fake, service)
    return service
