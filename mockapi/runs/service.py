"""``fake.services["runs"]``: threads' locks, run creation, cancel, tool outputs, streams and run controls.

HTTP handlers (resources/runs.py) call this under ``fake.state.lock``; the
Python control API (``hold``, ``step``, ``get`` ...) takes the lock itself, so
tests may call it directly. The HTTP controls under ``/__mockapi__/runs`` are
thin wrappers over the same methods.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.common import lookup
from mockapi.ids import new_id
from mockapi.runs import objects
from mockapi.runs.machine import CANCELLABLE, RUN_EXPIRY_SECONDS, Machine
from mockapi.runs.records import ACTIVE, RUNS, STREAM_END, TERMINAL, THREADS, RunRecord, ThreadRecord
from mockapi.state import Namespace
from mockapi.streaming import EventStream, Pause, SSEEvent

if TYPE_CHECKING:
    from mockapi.fake import Fake

HOLD_STATES = ("*", "queued", "in_progress", "requires_action", "cancelling")
# How often a stream re-checks a held run (real seconds).
HELD_POLL_SECONDS = 0.02


class RunService:
    def __init__(self, fake: Fake) -> None:
        self.fake = fake
        self.machine = Machine(fake)
        # Runs created while this is set are held in that state ("*": every state) until released.
        self.hold_new: str | None = None
        fake.state.on_reset(self._reset)

    def _reset(self) -> None:
        self.hold_new = None

    # -- threads and their locks ------------------------------------------------------------

    def thread(self, ns: Namespace, thread_id: str, now: float) -> ThreadRecord:
        """The caller's thread (404 otherwise), with its active run brought up to date."""
        thread: ThreadRecord = lookup(ns.collection(THREADS), thread_id, "thread")
        self.active_run(thread, now)
        return thread

    def active_run(self, thread: ThreadRecord, now: float) -> RunRecord | None:
        """The run holding the thread's lock, if any (queued, in_progress, requires_action or cancelling)."""
        if thread.active_run_id is None:
            return None
        run = thread.runs.get(thread.active_run_id)
        if run is not None:
            self.machine.settle(run, now)
            if run.status in ACTIVE:
                return run
        thread.active_run_id = None
        return None

    def check_unlocked_for_message(self, thread: ThreadRecord, now: float) -> None:
        active = self.active_run(thread, now)
        if active is not None:
            raise errors.APIError(400, f"Can't add messages to {thread.id} while a run {active.id} is active.")

    def check_unlocked_for_run(self, thread: ThreadRecord, now: float) -> None:
        active = self.active_run(thread, now)
        if active is not None:
            raise errors.APIError(400, f"Thread {thread.id} already has an active run {active.id}.")

    def remove_thread(self, ns: Namespace, thread: ThreadRecord) -> None:
        for run in thread.runs.values():
            ns.collection(RUNS).remove(run.id)
        ns.collection(THREADS).remove(thread.id)

    # -- runs ------------------------------------------------------------------------------------

    def run(self, ns: Namespace, thread: ThreadRecord, run_id: str, now: float) -> RunRecord:
        run: RunRecord = lookup(thread.runs, run_id, "run")
        self.machine.settle(run, now)
        return run

    def create(
        self, ns: Namespace, thread: ThreadRecord, settings: dict[str, Any], now: float, *,
        include_content: bool = False, tool_resources: dict[str, Any] | None = None, stream: bool = False,
        preface: list[tuple[str, Any]] | None = None,
    ) -> RunRecord:
        """A queued run on an unlocked thread (the caller checked the lock and added any messages).

        ``settings`` are the run object's effective fields (model, instructions, tools, ...).
        """
        created = int(now)
        obj: dict[str, Any] = {
            "id": new_id("run_"), "object": "thread.run", "created_at": created,
            "assistant_id": settings["assistant_id"], "thread_id": thread.id, "status": "queued",
            "started_at": None, "expires_at": created + RUN_EXPIRY_SECONDS, "cancelled_at": None,
            "failed_at": None, "completed_at": None, "required_action": None, "last_error": None,
            "model": settings["model"], "instructions": settings["instructions"], "tools": settings["tools"],
            "tool_resources": {}, "metadata": settings["metadata"],
            "temperature": settings["temperature"], "top_p": settings["top_p"],
            "max_completion_tokens": settings["max_completion_tokens"],
            "max_prompt_tokens": settings["max_prompt_tokens"],
            "truncation_strategy": settings["truncation_strategy"], "incomplete_details": None,
            "usage": None, "response_format": settings["response_format"], "tool_choice": settings["tool_choice"],
            "parallel_tool_calls": settings["parallel_tool_calls"],
        }
        run = RunRecord(obj, thread, ns.owner, include_content=include_content, tool_resources=tool_resources)
        run.hold_at = self.hold_new
        if stream:
            run.events = list(preface or [])
        thread.runs.add(run.id, run)
        ns.collection(RUNS).add(run.id, run)
        thread.active_run_id = run.id
        run.emit("thread.run.created", lambda: run.obj)
        self.machine.begin(run, now)
        return run

    def cancel(self, run: RunRecord, now: float) -> None:
        if run.status not in CANCELLABLE:
            raise errors.APIError(400, f"Cannot cancel run with status '{run.status}'.")
        self.machine.fire(run, "cancel", now)

    def submit(self, run: RunRecord, tool_outputs: list[dict[str, Any]], now: float, *, stream: bool = False) -> None:
        if run.status != "requires_action":
            raise errors.APIError(400, f'Runs in status "{run.status}" do not accept tool outputs.')
        expected = [c.id for c in run.pending_calls]
        got = [o.get("tool_call_id") for o in tool_outputs]
        if sorted(map(str, got)) != sorted(expected):
            raise errors.APIError(400, f"Expected tool outputs for call_ids {expected!r}, got {got!r}")
        outputs = {str(o["tool_call_id"]): str(o.get("output") or "") for o in tool_outputs}
        if stream:
            run.events = []
        self.machine.fire(run, "submit", now, outputs)

    # -- streaming -----------------------------------------------------------------------------

    def stream(self, run: RunRecord) -> EventStream:
        """The run's events as it advances (without waiting for the clock), ending with ``done``."""
        return EventStream(self._produce(run))

    def _produce(self, run: RunRecord) -> Iterator[SSEEvent | Pause]:
        lock = self.fake.state.lock
        try:
            while True:
                pause = 0.0
                with lock:
                    batch = run.take_events()
                    finished = not batch and run.status in STREAM_END
                    if not batch and not finished:
                        if run.held:
                            pause = HELD_POLL_SECONDS
                        elif run.phase_scripted and not run.phase_waited:
                            # A scripted time in a state: the stream really waits for it.
                            run.phase_waited = True
                            pause = max(0.0, (run.due or 0.0) - run.phase_started)
                        elif not self.machine.force(run, self.fake.clock.now()):
                            finished = run.status in STREAM_END or run.due is None
                            pause = 0.0 if finished else HELD_POLL_SECONDS
                        batch = run.take_events()
                for name, data in batch:
                    yield SSEEvent(data, event=name)
                if finished and not batch:
                    yield SSEEvent("[DONE]", event="done")
                    return
                if pause:
                    yield Pause(pause)
        finally:
            with lock:
                run.events = None

    # -- Python control API (also behind /__mockapi__/runs) -------------------------------------------

    def find(self, run_id: str) -> RunRecord:
        for ns in self.fake.state.namespaces():
            run = ns.collection(RUNS).get(run_id)
            if run is not None:
                return run
        raise errors.not_found("run", run_id)

    def get(self, run_id: str) -> dict[str, Any]:
        """The run as the API would return it now."""
        with self.fake.state.lock:
            run = self.find(run_id)
            self.machine.settle(run, self.fake.clock.now())
            return objects.render(run.obj)

    def describe(self, run_id: str) -> dict[str, Any]:
        """The run plus the engine's view: next due time, hold, current stage."""
        with self.fake.state.lock:
            run = self.find(run_id)
            self.machine.settle(run, self.fake.clock.now())
            stage = run.stages[run.stage_index].kind if run.stage_index < len(run.stages) else None
            return {
                "run": objects.render(run.obj), "due": run.due, "held": run.held, "hold_at": run.hold_at,
                "stage": stage if run.status == "in_progress" else None,
                "pending_tool_call_ids": [c.id for c in run.pending_calls],
            }

    def step(self, run_id: str, steps: int = 1) -> dict[str, Any]:
        """Apply the run's next automatic event(s) now, ignoring the clock and holds.

        Stops early when the run ends or waits for the client; 400 if not even one step was possible.
        """
        with self.fake.state.lock:
            run = self.find(run_id)
            for done in range(steps):
                if not self.machine.force(run, self.fake.clock.now()):
                    if done:
                        break
                    if run.status in TERMINAL:
                        raise errors.invalid_request(f"Run {run_id} is {run.status}: it has no next step.")
                    raise errors.invalid_request(
                        f"Run {run_id} is {run.status}: it waits for the client (submit tool outputs or cancel)."
                    )
            return objects.render(run.obj)

    def hold(self, run_id: str | None = None, at: str = "*") -> dict[str, Any]:
        """Stop automatic progress of a run (or, without ``run_id``, of runs created from now on).

        ``at``: a status the run will stay in once it gets there, or "*" (stay where it is).
        Expiry still applies; ``step`` still moves a held run.
        """
        if at not in HOLD_STATES:
            raise errors.invalid_value("at", at, list(HOLD_STATES))
        with self.fake.state.lock:
            if run_id is None:
                self.hold_new = at
                return {"hold_new_runs": at}
            run = self.find(run_id)
            self.machine.settle(run, self.fake.clock.now())
            run.hold_at = at
            return objects.render(run.obj)

    def release(self, run_id: str | None = None) -> dict[str, Any]:
        """Undo ``hold``; a released run continues from now (its pending step is re-timed)."""
        with self.fake.state.lock:
            if run_id is None:
                self.hold_new = None
                return {"hold_new_runs": None}
            run = self.find(run_id)
            now = self.fake.clock.now()
            self.machine.settle(run, now)
            if run.held and run.due is not None and run.due < now:
                run.due = now + self.fake.config.step_delay
                run.phase_started = now
            run.hold_at = None
            return objects.render(run.obj)


def install_controls(fake: Fake, service: RunService) -> None:
    control = fake.control
    control.add("GET", "/runs/{run_id}", lambda f, b, q: service.describe(q["run_id"]))
    control.add("POST", "/runs/{run_id}/step", lambda f, b, q: service.step(q["run_id"], int(b.get("steps", 1))))
    control.add("POST", "/runs/{run_id}/hold", lambda f, b, q: service.hold(q["run_id"], b.get("at", "*")))
    control.add("DELETE", "/runs/{run_id}/hold", lambda f, b, q: service.release(q["run_id"]))
    control.add("POST", "/runs/hold", lambda f, b, q: service.hold(None, b.get("at", "*")))
    control.add("DELETE", "/runs/hold", lambda f, b, q: service.release(None))
