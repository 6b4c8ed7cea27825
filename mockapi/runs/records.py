"""What the Assistants family stores: threads (with their messages and runs) and runs (with their steps).

Objects are kept as the JSON dicts the API returns and updated in place; the
records around them hold what the engine needs (schedule, plan, open steps).
Each thread owns its messages and runs as ``Collection``s, so a page costs
O(limit) whatever the thread's size; each run owns its steps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mockapi.collection import Collection
from mockapi.responder import Reply, ToolCall
from mockapi.runs.objects import render

THREADS = "threads"  # ns collection: ThreadRecord
RUNS = "runs"  # ns collection: every RunRecord of the owner, for lookups by run id alone
ASSISTANTS = "assistants"  # ns collection: assistant dicts

ACTIVE = frozenset({"queued", "in_progress", "requires_action", "cancelling"})
TERMINAL = frozenset({"completed", "failed", "cancelled", "expired", "incomplete"})
# Where a stream stops (assistants.md §6.1): a terminal status or waiting for tool outputs.
STREAM_END = TERMINAL | {"requires_action"}


@dataclass
class ThreadRecord:
    obj: dict[str, Any]
    messages: Collection[dict[str, Any]] = field(default_factory=Collection)
    runs: Collection[RunRecord] = field(default_factory=Collection)
    active_run_id: str | None = None

    @property
    def id(self) -> str:
        return self.obj["id"]


@dataclass
class Stage:
    """One piece of work of an in_progress run; each takes one step of the clock.

    kind: "tools" (code_interpreter / file_search calls, executed), "message"
    (the reply text) or "functions" (calls the client must answer).
    """

    kind: str
    calls: list[ToolCall] = field(default_factory=list)
    text: str = ""
    refusal: str | None = None
    annotations: list[dict[str, Any]] = field(default_factory=list)
    # The message ends incomplete (max tokens) instead of completed.
    truncated: bool = False
    prompt_tokens: int = 0
    completion_tokens: int = 0
    step_id: str | None = None
    message_id: str | None = None


@dataclass
class Outcome:
    """How the current turn ends once its stages are done."""

    event: str  # "complete" | "need_action" | "fail" | "truncate"
    error: dict[str, str] | None = None
    reason: str | None = None


@dataclass
class RunRecord:
    obj: dict[str, Any]
    thread: ThreadRecord
    owner: str
    steps: Collection[dict[str, Any]] = field(default_factory=Collection)
    # -- schedule (lazy, on the shared clock) --
    due: float | None = None  # when the next automatic event fires (None: waits for the client)
    phase_started: float = 0.0
    phase_scripted: bool = False  # the current phase's duration came from a script (streams pause for it)
    phase_waited: bool = False
    hold_at: str | None = None  # "*" or a status: no automatic progress while (in) it
    # -- the work of the current in_progress turn --
    stages: list[Stage] = field(default_factory=list)
    stage_index: int = 0
    stage_seconds: float = 0.0
    outcome: Outcome | None = None
    reply: Reply | None = None
    # The conversation the run adds on top of the thread: tool calls and their results.
    history: list[dict[str, Any]] = field(default_factory=list)
    pending_calls: list[ToolCall] = field(default_factory=list)
    function_stage: Stage | None = None
    open_step_ids: list[str] = field(default_factory=list)
    open_message_id: str | None = None
    prompt_used: int = 0
    completion_used: int = 0
    # -- options --
    include_content: bool = False
    tool_resources: dict[str, Any] | None = None  # thread-and-run override
    # -- streaming: events recorded while a stream listens (None: nobody listens) --
    events: list[tuple[str, Any]] | None = None

    @property
    def id(self) -> str:
        return self.obj["id"]

    @property
    def thread_id(self) -> str:
        return self.obj["thread_id"]

    @property
    def status(self) -> str:
        return self.obj["status"]

    @property
    def held(self) -> bool:
        return self.hold_at is not None and self.hold_at in ("*", self.status)

    def emit(self, name: str, data: Callable[[], Any]) -> None:
        """Record an event for a listening stream; the data is snapshotted now."""
        if self.events is not None:
            self.events.append((name, render(data())))

    def take_events(self) -> list[tuple[str, Any]]:
        if not self.events:
            return []
        taken, self.events = self.events, []
        return taken
