"""The run lifecycle: ONE explicit transition table, advanced lazily on the shared clock.

A run stores when its next automatic event is due (``RunRecord.due``) and its
expiry (``expires_at``). ``settle(run, now)`` applies every due event in time
order whenever the run (or its thread's lock) is read, so nothing runs in the
background and a manual clock freezes every run until the test advances it.
Streams and the control plane ``force`` the next automatic event at once.

Automatic events: queued --start--> in_progress; in_progress --work--> (one
stage of the plan per step) and, after the last stage, the turn's outcome
(need_action / complete / fail / truncate); cancelling --finish_cancel-->
cancelled; and expire from queued / in_progress / requires_action at
``expires_at``. Client events: submit (tool outputs) and cancel.

Every transition records the stream events it causes (when a stream listens),
in the real order (assistants.md §6.3).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mockapi.runs import objects, planner
from mockapi.runs.records import TERMINAL, Outcome, RunRecord, Stage

if TYPE_CHECKING:
    from mockapi.fake import Fake

# (status, event) -> next status. Nothing else is legal.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("queued", "start"): "in_progress",
    ("in_progress", "work"): "in_progress",
    ("in_progress", "need_action"): "requires_action",
    ("in_progress", "complete"): "completed",
    ("in_progress", "fail"): "failed",
    ("in_progress", "truncate"): "incomplete",
    ("requires_action", "submit"): "queued",
    ("queued", "cancel"): "cancelling",
    ("in_progress", "cancel"): "cancelling",
    ("requires_action", "cancel"): "cancelling",
    ("cancelling", "finish_cancel"): "cancelled",
    ("queued", "expire"): "expired",
    ("in_progress", "expire"): "expired",
    ("requires_action", "expire"): "expired",
}
AUTOMATIC = {"queued": "start", "in_progress": "work", "cancelling": "finish_cancel"}
EXPIRABLE = frozenset({"queued", "in_progress", "requires_action"})
CANCELLABLE = frozenset(s for (s, e) in TRANSITIONS if e == "cancel")
RUN_EXPIRY_SECONDS = 600


class IllegalTransition(Exception):
    def __init__(self, status: str, event: str) -> None:
        super().__init__(f"no transition from {status!r} on {event!r}")
        self.status = status
        self.event = event


class Machine:
    def __init__(self, fake: Fake) -> None:
        self.fake = fake

    # -- driving ------------------------------------------------------------------

    def begin(self, run: RunRecord, at: float) -> None:
        """A new run enters ``queued`` (its ``thread.run.created`` event is already out)."""
        _enter_queued(self, run, at, None)

    def settle(self, run: RunRecord, now: float) -> None:
        """Apply, in time order, every event due by ``now``."""
        while run.status not in TERMINAL:
            due = self._next_due(run)
            if due is None or due[0] > now:
                return
            at, event = due
            if event == "expire":
                self.fire(run, "expire", at)
            else:
                self._automatic(run, at)

    def force(self, run: RunRecord, now: float) -> bool:
        """Apply the next automatic event now, ignoring its due time and holds. False if there is none."""
        self.settle(run, now)
        if run.status in TERMINAL or run.due is None:
            return False
        self._automatic(run, max(now, run.phase_started))
        return True

    def _next_due(self, run: RunRecord) -> tuple[float, str] | None:
        candidates: list[tuple[float, str]] = []
        expires = run.obj["expires_at"]
        if expires is not None and run.status in EXPIRABLE:
            candidates.append((float(expires), "expire"))
        if run.due is not None and not run.held:
            candidates.append((run.due, "auto"))
        return min(candidates) if candidates else None

    def _automatic(self, run: RunRecord, at: float) -> None:
        if run.status == "in_progress":
            self._work(run, at)
        else:
            self.fire(run, AUTOMATIC[run.status], at)

    def fire(self, run: RunRecord, event: str, at: float, payload: Any = None) -> None:
        """Take the transition the table allows, then run the new state's entry effects."""
        target = TRANSITIONS.get((run.status, event))
        if target is None:
            raise IllegalTransition(run.status, event)
        leave = _LEAVE.get(event)
        if leave is not None:
            leave(self, run, at, payload)
        run.obj["status"] = target
        run.due = None
        run.phase_started = at
        run.phase_scripted = run.phase_waited = False
        _ENTER[target](self, run, at, payload)

    # -- phases -----------------------------------------------------------------------

    def schedule(self, run: RunRecord, at: float, seconds: float | None, scripted: bool) -> None:
        run.phase_started = at
        run.phase_scripted = scripted
        run.phase_waited = False
        run.due = at + (seconds if seconds is not None else self.fake.config.step_delay)

    def _queued_delay(self, run: RunRecord) -> tuple[float | None, bool]:
        """A scripted time in ``queued`` is read from the reply the run is about to get (not consumed)."""
        upcoming = self.fake.responder.peek(planner.build_turn(self.fake, run))
        if upcoming is not None and "queued" in upcoming.delays:
            return float(upcoming.delays["queued"]), True
        return None, False

    def _start_turn(self, run: RunRecord, at: float) -> None:
        # The exact time, not whole seconds: a file attached a moment before the run (step_delay) must
        # already be searchable, as it is when the run starts after it (it used to search an empty store).
        stages, outcome, reply = planner.plan(self.fake, run, at)
        run.stages, run.stage_index, run.outcome, run.reply = stages, 0, outcome, reply
        count = max(1, len(stages))
        delays = reply.delays if reply is not None else {}
        if "in_progress" in delays:
            run.stage_seconds, scripted = float(delays["in_progress"]) / count, True
        else:
            run.stage_seconds, scripted = self.fake.config.step_delay, False
        if stages:
            self._begin_stage(run, stages[0], at)
        self.schedule(run, at, run.stage_seconds, scripted)

    def _work(self, run: RunRecord, at: float) -> None:
        """One step of in_progress: finish the current stage, then start the next or end the turn."""
        if run.stage_index < len(run.stages):
            self._end_stage(run, run.stages[run.stage_index], at)
            run.stage_index += 1
        if run.stage_index < len(run.stages):
            self._begin_stage(run, run.stages[run.stage_index], at)
            self.schedule(run, at, run.stage_seconds, run.phase_scripted)
            return
        outcome = run.outcome or Outcome("complete")
        self.fire(run, outcome.event, at, outcome)

    # -- stages -------------------------------------------------------------------------

    def _begin_stage(self, run: RunRecord, stage: Stage, at: float) -> None:
        now = int(at)
        thread = run.thread
        if stage.kind == "message":
            msg = objects.message(
                run.thread_id, now, "assistant", [], run_id=run.id, assistant_id=run.obj["assistant_id"],
                status="in_progress",
            )
            thread.messages.add(msg["id"], msg, run=run.id)
            stage.message_id = msg["id"]
            run.open_message_id = msg["id"]
            details = {"type": "message_creation", "message_creation": {"message_id": msg["id"]}}
            step = self._add_step(run, now, "message_creation", details)
            stage.step_id = step["id"]
            run.emit("thread.run.step.created", lambda: step)
            run.emit("thread.run.step.in_progress", lambda: step)
            run.emit("thread.message.created", lambda: msg)
            run.emit("thread.message.in_progress", lambda: msg)
            return
        step = self._add_step(run, now, "tool_calls", {"type": "tool_calls", "tool_calls": []})
        stage.step_id = step["id"]
        if stage.kind == "functions":
            run.function_stage = stage
        run.emit("thread.run.step.created", lambda: step)
        run.emit("thread.run.step.in_progress", lambda: step)

    def _add_step(self, run: RunRecord, now: int, kind: str, details: dict[str, Any]) -> dict[str, Any]:
        step = objects.step(run.obj, now, kind, details)
        run.steps.add(step["id"], step)
        run.open_step_ids.append(step["id"])
        return step

    def _end_stage(self, run: RunRecord, stage: Stage, at: float) -> None:
        now = int(at)
        step = run.steps.get(stage.step_id or "")
        if step is None:
            return
        if stage.kind == "message":
            self._finish_message(run, stage, now)
            self._complete_step(run, step, stage, now)
        elif stage.kind == "tools":
            step["step_details"]["tool_calls"] = [copy.deepcopy(_executed_call(c)) for c in stage.calls]
            for index, call in enumerate(stage.calls):
                for delta in _executed_deltas(index, call, run.include_content):
                    run.emit("thread.run.step.delta", _step_delta(step["id"], delta))
            self._complete_step(run, step, stage, now)
        else:  # functions: the step stays in_progress until the outputs arrive
            step["step_details"]["tool_calls"] = [
                {"id": c.id, "type": "function",
                 "function": {"name": c.name, "arguments": planner.arguments_json(c), "output": None}}
                for c in stage.calls
            ]
            for index, call in enumerate(stage.calls):
                for delta in _function_deltas(index, call):
                    run.emit("thread.run.step.delta", _step_delta(step["id"], delta))
            run.pending_calls = list(stage.calls)

    def _finish_message(self, run: RunRecord, stage: Stage, now: int) -> None:
        msg = run.thread.messages.get(stage.message_id or "")
        if msg is None:
            return
        if stage.refusal is not None:
            msg["content"] = [{"type": "refusal", "refusal": stage.refusal}]
            pieces = [{"index": 0, "type": "refusal", "refusal": p} for p in chunks(stage.refusal)]
        else:
            msg["content"] = [objects.text_part(stage.text, stage.annotations)]
            pieces = _text_deltas(stage.text, stage.annotations)
        for piece in pieces:
            delta = {"id": msg["id"], "object": "thread.message.delta", "delta": {"content": [piece]}}
            run.emit("thread.message.delta", lambda d=delta: d)
        if stage.truncated:
            msg.update(status="incomplete", incomplete_details={"reason": "max_tokens"}, incomplete_at=now)
            run.emit("thread.message.incomplete", lambda: msg)
        else:
            msg.update(status="completed", completed_at=now)
            run.emit("thread.message.completed", lambda: msg)
        run.open_message_id = None

    def _complete_step(self, run: RunRecord, step: dict[str, Any], stage: Stage, now: int) -> None:
        step.update(status="completed", completed_at=now,
                    usage=objects.usage(stage.prompt_tokens, stage.completion_tokens))
        if step["id"] in run.open_step_ids:
            run.open_step_ids.remove(step["id"])
        run.emit("thread.run.step.completed", lambda: objects.render_step(step, run.include_content))

    def _close_open(self, run: RunRecord, now: int, step_status: str, stamp: str, reason: str) -> None:
        """An abnormal end: the open message becomes incomplete, open steps take the run's fate."""
        msg = run.thread.messages.get(run.open_message_id or "")
        if msg is not None and msg["status"] == "in_progress":
            msg.update(status="incomplete", incomplete_details={"reason": reason}, incomplete_at=now)
            run.emit("thread.message.incomplete", lambda: msg)
        run.open_message_id = None
        for step_id in run.open_step_ids:
            step = run.steps.get(step_id)
            if step is not None and step["status"] == "in_progress":
                step.update(status=step_status, **{stamp: now})
                run.emit(f"thread.run.step.{step_status}", lambda s=step: objects.render_step(s, run.include_content))
        run.open_step_ids = []
        run.pending_calls = []

    # -- terminal bookkeeping ----------------------------------------------------------------

    def _terminate(self, run: RunRecord, at: float) -> None:
        obj = run.obj
        prompt = completion = 0
        for step in run.steps.values():
            if step["usage"]:
                prompt += step["usage"]["prompt_tokens"]
                completion += step["usage"]["completion_tokens"]
        obj["usage"] = objects.usage(prompt, completion)
        obj["required_action"] = None
        if run.thread.active_run_id == run.id:
            run.thread.active_run_id = None


# -- entry effects (one per target status) and leave effects (per event) --------------------------


def _enter_queued(m: Machine, run: RunRecord, at: float, payload: Any) -> None:
    run.obj["required_action"] = None
    seconds, scripted = m._queued_delay(run)
    m.schedule(run, at, seconds, scripted)
    run.emit("thread.run.queued", lambda: run.obj)


def _enter_in_progress(m: Machine, run: RunRecord, at: float, payload: Any) -> None:
    run.obj["started_at"] = int(at)
    run.emit("thread.run.in_progress", lambda: run.obj)
    m._start_turn(run, at)


def _enter_requires_action(m: Machine, run: RunRecord, at: float, payload: Any) -> None:
    calls = [objects.function_call(c.id, c.name, planner.arguments_json(c)) for c in run.pending_calls]
    run.obj["required_action"] = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": calls}}
    run.emit("thread.run.requires_action", lambda: run.obj)


def _enter_completed(m: Machine, run: RunRecord, at: float, payload: Any) -> None:
    run.obj.update(completed_at=int(at), expires_at=None)
    m._terminate(run, at)
    run.emit("thread.run.completed", lambda: run.obj)


def _enter_failed(m: Machine, run: RunRecord, at: float, payload: Any) -> None:
    error = payload.error if isinstance(payload, Outcome) and payload.error else planner._last_error({})
    run.obj.update(failed_at=int(at), last_error=error, expires_at=None)
    m._close_open(run, int(at), "failed", "failed_at", "run_failed")
    m._terminate(run, at)
    run.emit("thread.run.failed", lambda: run.obj)


def _enter_incomplete(m: Machine, run: RunRecord, at: float, payload: Any) -> None:
    reason = payload.reason if isinstance(payload, Outcome) and payload.reason else "max_completion_tokens"
    run.obj.update(incomplete_details={"reason": reason}, expires_at=None)
    m._close_open(run, int(at), "failed", "failed_at", "max_tokens")
    m._terminate(run, at)
    run.emit("thread.run.incomplete", lambda: run.obj)


def _enter_cancelling(m: Machine, run: RunRecord, at: float, payload: Any) -> None:
    delays = run.reply.delays if run.reply is not None else {}
    seconds = delays.get("cancelling")
    m.schedule(run, at, float(seconds) if seconds is not None else None, seconds is not None)
    run.emit("thread.run.cancelling", lambda: run.obj)


def _enter_cancelled(m: Machine, run: RunRecord, at: float, payload: Any) -> None:
    m._close_open(run, int(at), "cancelled", "cancelled_at", "run_cancelled")
    run.obj.update(cancelled_at=int(at), expires_at=None)
    m._terminate(run, at)
    run.emit("thread.run.cancelled", lambda: run.obj)


def _enter_expired(m: Machine, run: RunRecord, at: float, payload: Any) -> None:
    m._close_open(run, int(at), "expired", "expired_at", "run_expired")
    m._terminate(run, at)
    run.emit("thread.run.expired", lambda: run.obj)


def _leave_on_submit(m: Machine, run: RunRecord, at: float, payload: Any) -> None:
    """Tool outputs arrived: the function step completes with them and the run goes back to the queue."""
    outputs: dict[str, str] = payload
    stage = run.function_stage
    step = run.steps.get(stage.step_id or "") if stage is not None else None
    if stage is not None and step is not None:
        for call in step["step_details"]["tool_calls"]:
            call["function"]["output"] = outputs.get(call["id"])
        m._complete_step(run, step, stage, int(at))
    run.history += planner.function_history(run.pending_calls, outputs)
    run.pending_calls = []
    run.function_stage = None


_ENTER: dict[str, Callable[[Machine, RunRecord, float, Any], None]] = {
    "queued": _enter_queued,
    "in_progress": _enter_in_progress,
    "requires_action": _enter_requires_action,
    "completed": _enter_completed,
    "failed": _enter_failed,
    "incomplete": _enter_incomplete,
    "cancelling": _enter_cancelling,
    "cancelled": _enter_cancelled,
    "expired": _enter_expired,
}
_LEAVE: dict[str, Callable[[Machine, RunRecord, float, Any], None]] = {"submit": _leave_on_submit}


# -- stream deltas ------------------------------------------------------------------------------

_WORD = re.compile(r"\s*\S+")


def chunks(text: str, words: int = 2) -> list[str]:
    """Small pieces (two words each) that concatenate back to ``text``."""
    found = _WORD.findall(text)
    if not found:
        return [text] if text else []
    pieces = ["".join(found[i:i + words]) for i in range(0, len(found), words)]
    pieces[-1] += text[len("".join(found)):]  # trailing whitespace
    return pieces


def _text_deltas(text: str, annotations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    pieces = chunks(text) or [""]
    deltas: list[dict[str, Any]] = []
    for i, piece in enumerate(pieces):
        body: dict[str, Any] = {"value": piece}
        if i == 0:
            body["annotations"] = []
        deltas.append({"index": 0, "type": "text", "text": body})
    if annotations:
        indexed = [{"index": i, **a} for i, a in enumerate(annotations)]
        deltas[-1]["text"]["annotations"] = indexed
    return deltas


def _step_delta(step_id: str, tool_call: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    data = {
        "id": step_id, "object": "thread.run.step.delta",
        "delta": {"step_details": {"type": "tool_calls", "tool_calls": [tool_call]}},
    }
    return lambda: data


def _function_deltas(index: int, call: Any) -> list[dict[str, Any]]:
    arguments = planner.arguments_json(call)
    deltas: list[dict[str, Any]] = [{
        "index": index, "id": call.id, "type": "function",
        "function": {"name": call.name, "arguments": "", "output": None},
    }]
    for i in range(0, len(arguments), 12):
        deltas.append({"index": index, "type": "function", "function": {"arguments": arguments[i:i + 12]}})
    return deltas


def _executed_call(call: Any) -> dict[str, Any]:
    if call.type == "code_interpreter":
        return {"id": call.id, "type": "code_interpreter",
                "code_interpreter": {"input": call.input or "", "outputs": list(call.outputs or [])}}
    found = (call.outputs or [{}])[0]
    return {"id": call.id, "type": "file_search",
            "file_search": {"ranking_options": found.get("ranking_options", dict(objects.RANKING_OPTIONS)),
                            "results": found.get("results", [])}}


def _executed_deltas(index: int, call: Any, include_content: bool) -> list[dict[str, Any]]:
    if call.type == "file_search":
        details = {"tool_calls": [copy.deepcopy(_executed_call(call))]}
        if not include_content:
            objects.strip_result_content(details)
        return [{"index": index, **details["tool_calls"][0]}]
    deltas: list[dict[str, Any]] = [{
        "index": index, "id": call.id, "type": "code_interpreter", "code_interpreter": {"input": "", "outputs": []},
    }]
    code = call.input or ""
    for piece in chunks(code, words=3):
        deltas.append({"index": index, "type": "code_interpreter", "code_interpreter": {"input": piece}})
    outputs = [{"index": i, **o} for i, o in enumerate(call.outputs or [])]
    if outputs:
        deltas.append({"index": index, "type": "code_interpreter", "code_interpreter": {"outputs": outputs}})
    return deltas
