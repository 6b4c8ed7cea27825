"""Eval runs on the shared clock: queued -> in_progress (the rows are sampled and graded one by one as the
clock moves through the phase, like a batch's lines) -> completed; a rule can fail one, ``cancel`` ends it
``canceled`` (the document's spelling). Sampling asks the fake's own chat completions or Responses endpoint
(``fake.dispatcher.execute``), so the responder's scripts decide what the model says, and the model graders
ask a chat completion the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from mockapi import catalog, ids
from mockapi.collection import Collection
from mockapi.evals import graders, templates
from mockapi.lifecycle import LifecycleService, Rule, Tracked
from mockapi.state import Namespace
from mockapi.timeline import Timeline

RUNS = "evals.runs"
PHASES = ("queued", "in_progress")
TERMINAL = frozenset({"completed", "failed", "canceled"})
REPORT_URL = "https://platform.openai.com/evaluations/{eval_id}?run_id={run_id}"  # the document's getEvalRun example
DEFAULT_SEED = 42  # CreateEvalCompletionsRunDataSource.sampling_params.seed default
FAIL_DEFAULT = {"code": "server_error", "message": "The eval run failed."}  # chosen


@dataclass(kw_only=True)
class EvalRunRule(Rule):
    """What the next matching run(s) do; ``fail`` is the run's ``error`` ({code, message})."""

    MATCH_KEYS: ClassVar[tuple[str, ...]] = ("eval_id", "metadata")

    eval_id: str | None = None

    def matches(self, eval_id: str, metadata: dict[str, str] | None) -> bool:
        if self.eval_id is not None and self.eval_id != eval_id:
            return False
        return self.metadata_matches(metadata)


@dataclass
class EvalRun(Tracked):
    obj: dict[str, Any]
    owner: str
    api_key: str
    timeline: Timeline
    criteria: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    fail: dict[str, str] | None = None
    done: int = 0
    items: Collection[dict[str, Any]] = field(default_factory=Collection)
    usage: dict[str, dict[str, int]] = field(default_factory=dict)
    per_criterion: dict[str, list[int]] = field(default_factory=dict)

    def render(self) -> dict[str, Any]:
        return dict(self.obj)


class EvalRunService(LifecycleService[EvalRun, EvalRunRule]):
    """``fake.services["evals"]``: the run engine, its Python controls and the python grader scores."""

    PHASES = PHASES
    TERMINAL = TERMINAL
    EVENTS = {"completed": "eval.run.succeeded", "failed": "eval.run.failed", "canceled": "eval.run.canceled"}
    STEPS = {"queued": 1, "in_progress": 4}
    CONFIG = "evals"
    THING = "eval run"
    COLLECTION = RUNS
    ACTIVE = "evals.runs.active"
    INDEX = "evals.runs.index"
    RULES = "evals.runs.rules"
    RULE = EvalRunRule

    def __init__(self, fake: Any) -> None:
        super().__init__(fake)
        self.python = graders.PythonScores()
        fake.state.on_reset(self.python.clear)

    def add_rule(  # type: ignore[override]
        self, *, eval_id: str | None = None, metadata: dict[str, str] | None = None,
        fail: dict[str, str] | None = None, durations: dict[str, float] | None = None,
        hold: str | list[str] | None = None, times: int | None = 1,
    ) -> EvalRunRule:  # fmt: skip
        """Steer the next ``times`` runs of ``eval_id`` / with ``metadata`` (``times=None``: all of them)."""
        steering = self._steering(hold, durations)
        error = None if fail is None else {"code": str(fail.get("code") or FAIL_DEFAULT["code"]),
                                           "message": str(fail.get("message") or FAIL_DEFAULT["message"])}
        return self._add_rule(EvalRunRule(eval_id=eval_id, metadata=metadata, fail=error, times=times, **steering))

    def fail_next(self, code: str = FAIL_DEFAULT["code"], message: str = FAIL_DEFAULT["message"], *,
                  times: int | None = 1, **match: Any) -> EvalRunRule:  # fmt: skip
        """The next matching run fails at the end of in_progress with this ``error``."""
        return self.add_rule(fail={"code": code, "message": message}, times=times, **match)

    def create(self, ns: Namespace, api_key: str, eval_obj: dict[str, Any], *, name: str | None,
               metadata: dict[str, str], data_source: dict[str, Any], rows: list[dict[str, Any]],
               model: str | None) -> EvalRun:  # fmt: skip
        now = self.fake.clock.now()
        durations, holds, fail = self._apply_rules(lambda rule: rule.matches(eval_obj["id"], metadata))
        run_id = ids.new_id("evalrun_")
        obj: dict[str, Any] = {
            "object": "eval.run", "id": run_id, "eval_id": eval_obj["id"],
            "report_url": REPORT_URL.format(eval_id=eval_obj["id"], run_id=run_id), "status": "queued",
            "model": model, "name": name if name is not None else (model or data_source["type"]),
            "created_at": int(now), "result_counts": {"total": 0, "errored": 0, "failed": 0, "passed": 0},
            "per_model_usage": None, "per_testing_criteria_results": None, "data_source": data_source,
            "error": None, "metadata": metadata,
        }  # fmt: skip
        criteria = [dict(c) for c in eval_obj["testing_criteria"]]
        found = EvalRun(obj, ns.owner, api_key, Timeline.start("queued", durations, now, holds), criteria, rows,
                        fail)  # fmt: skip
        found.per_criterion = {c["id"]: [0, 0] for c in criteria}
        self._track(ns, found, eval=eval_obj["id"])
        return found

    def cancel(self, found: EvalRun) -> None:
        now = self.fake.clock.now()
        self.settle(found, now)
        if found.status in TERMINAL:
            raise_cannot_cancel(found)
        found.obj["status"] = "canceled"
        self._finish(found)

    # -- transitions --------------------------------------------------------------

    def _end_phase(self, found: EvalRun, at: float) -> None:
        if found.timeline.phase == "queued":
            found.obj["status"] = "in_progress"
            found.obj["result_counts"]["total"] = len(found.rows)
            found.timeline.enter("in_progress", at)
            return
        if found.fail is not None:
            found.obj.update(status="failed", error=dict(found.fail))
        else:
            found.obj["status"] = "completed"
        self._finish(found)

    def _finish(self, found: EvalRun) -> None:
        found.obj["per_model_usage"] = [
            {"model_name": model, "invocation_count": u["invocation_count"], "prompt_tokens": u["prompt_tokens"],
             "completion_tokens": u["completion_tokens"], "total_tokens": u["total_tokens"],
             "cached_tokens": u["cached_tokens"]}
            for model, u in found.usage.items()
        ]  # fmt: skip
        found.obj["per_testing_criteria_results"] = [
            {"testing_criteria": cid, "passed": counts[0], "failed": counts[1]}
            for cid, counts in found.per_criterion.items()
        ]
        found.timeline.freeze(self.fake.clock.now())
        self._retire(found)

    def _progress(self, found: EvalRun, upto: float, finished: bool) -> None:
        """Sample and grade every row whose turn has come (rows are spread evenly over in_progress)."""
        if found.timeline.phase != "in_progress" or found.status != "in_progress":
            return
        total = len(found.rows)
        target = total if finished else min(total, int(found.timeline.progress(upto) * total + 1e-9))
        while found.done < target:
            index = found.done
            found.done += 1
            self._row(found, index, upto)

    # -- one row ------------------------------------------------------------------

    def _row(self, found: EvalRun, index: int, at: float) -> None:
        row = found.rows[index]
        item = row.get("item") or {}
        source = found.obj["data_source"]
        sample_obj: dict[str, Any] | None = None
        sample_ns: dict[str, Any] | None = row.get("sample") if isinstance(row.get("sample"), dict) else None
        errored = False
        if source["type"] in ("completions", "responses") and source.get("input_messages") is not None:
            sample_obj, sample_ns = self._sample(found, source, item)
            errored = sample_obj.get("error") is not None
        elif isinstance(row.get("sample_obj"), dict):
            sample_obj = row["sample_obj"]
        namespaces = {"item": item, "sample": sample_ns}
        grading = graders.Grading(namespaces, self._asker(found), self.python)
        results = []
        passed_all = True
        for criterion in found.criteria:
            if errored:
                outcome = graders.Outcome(0.0, False).fail("other_error")
            else:
                outcome = graders.grade(criterion, grading)
            for model, usage in outcome.usage.items():
                graders.add_usage(found.usage, model, usage)
            errored = errored or outcome.errored
            passed_all = passed_all and outcome.passed
            counts = found.per_criterion.setdefault(criterion["id"], [0, 0])
            counts[0 if outcome.passed else 1] += 1
            results.append({"name": criterion["id"], "type": criterion["type"], "score": outcome.score,
                            "passed": outcome.passed, "sample": outcome.sample})  # fmt: skip
        counts = found.obj["result_counts"]
        if errored:
            status, key = "error", "errored"  # chosen: the status filter knows only pass/fail
        elif passed_all:
            status, key = "pass", "passed"
        else:
            status, key = "fail", "failed"
        counts[key] += 1
        item_id = ids.new_id("outputitem_")
        found.items.add(item_id, {
            "object": "eval.run.output_item", "id": item_id, "created_at": int(at), "run_id": found.id,
            "eval_id": found.obj["eval_id"], "status": status, "datasource_item_id": index,
            "datasource_item": item, "results": results, "sample": sample_obj,
        }, status=status)  # fmt: skip

    def _asker(self, found: EvalRun) -> graders.Ask:
        def ask(model: str, messages: list[dict[str, Any]], response_format: dict[str, Any]) -> graders.Answer:
            return chat_answer(self.fake, found.api_key, found.owner, {
                "model": model, "messages": messages, "response_format": response_format})

        return ask

    def _sample(self, found: EvalRun, source: dict[str, Any], item: dict[str, Any]) -> tuple[dict[str, Any],
                                                                                             dict[str, Any]]:
        """Ask the run's model for one row; the output item's ``sample`` and the ``sample`` namespace."""
        messages = input_messages(source["input_messages"], item)
        params = source.get("sampling_params") or {}
        model = source["model"]
        info = catalog.lookup(self.fake.state.namespace(found.owner), model) or catalog.family_of(model)
        sample: dict[str, Any] = {
            "input": [{"role": m["role"], "content": m["content"]} for m in messages], "output": [],
            "finish_reason": "", "model": model,
            "usage": {"total_tokens": 0, "completion_tokens": 0, "prompt_tokens": 0, "cached_tokens": 0},
            "error": None, "temperature": float(params.get("temperature", 1.0)),
            "max_completion_tokens": int(params.get("max_completion_tokens") or (info.max_output if info else 0)),
            "top_p": float(params.get("top_p", 1.0)), "seed": int(params.get("seed", DEFAULT_SEED)),
        }  # fmt: skip
        if source["type"] == "completions":
            body: dict[str, Any] = {"model": model, "messages": messages}
            for key in ("temperature", "top_p", "seed", "max_completion_tokens", "response_format", "tools",
                        "reasoning_effort"):  # fmt: skip
                if params.get(key) is not None:
                    body[key] = params[key]
            status, answer = self.fake.dispatcher.execute("POST", "/v1/chat/completions", body,
                                                          api_key=found.api_key, owner=found.owner)  # fmt: skip
            text, tools, finish, usage = _from_chat(answer) if status == 200 else (None, [], "", {})
        else:
            body = {"model": model, "input": messages}
            for key in ("temperature", "top_p", "tools", "text"):
                if params.get(key) is not None:
                    body[key] = params[key]
            if params.get("max_completion_tokens") is not None:
                body["max_output_tokens"] = params["max_completion_tokens"]
            if params.get("reasoning_effort") is not None:
                body["reasoning"] = {"effort": params["reasoning_effort"]}
            status, answer = self.fake.dispatcher.execute("POST", "/v1/responses", body, api_key=found.api_key,
                                                          owner=found.owner)  # fmt: skip
            text, tools, finish, usage = _from_responses(answer) if status == 200 else (None, [], "", {})
        if status != 200:
            error = (answer or {}).get("error") or {}
            sample["error"] = {"code": str(error.get("code") or error.get("type") or "server_error"),
                               "message": str(error.get("message") or "The model request failed.")}  # fmt: skip
            return sample, templates.sample_namespace("")
        sample.update(model=answer.get("model", model), finish_reason=finish,
                      output=[{"role": "assistant", "content": text or ""}])  # fmt: skip
        sample["usage"] = {k: usage.get(k, 0) for k in sample["usage"]}
        graders.add_usage(found.usage, model, usage)
        return sample, templates.sample_namespace(text or "", {"output_tools": tools})


def raise_cannot_cancel(found: EvalRun) -> None:
    from mockapi import errors

    # Wording chosen (contracts/README.md): no real answer for cancelling a finished run was found.
    raise errors.invalid_request(f"Cannot cancel an eval run with status '{found.status}'.", param="run_id")


def input_messages(spec: dict[str, Any], item: dict[str, Any]) -> list[dict[str, Any]]:
    """The chat messages of a row: the template filled in, or the messages an ``item_reference`` points at."""
    if spec["type"] == "item_reference":
        found = templates.resolve(spec["item_reference"], {"item": item})
        return [{"role": m.get("role", "user"), "content": _text_of(m.get("content"), {})}
                for m in found if isinstance(m, dict)]  # fmt: skip
    return [{"role": m.get("role", "user"), "content": _text_of(m.get("content"), {"item": item})}
            for m in spec["template"]]  # fmt: skip


def _text_of(content: Any, namespaces: dict[str, Any]) -> str:
    parts = content if isinstance(content, list) else [content]
    texts = []
    for part in parts:
        if isinstance(part, str):
            texts.append(part)
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            texts.append(part["text"])
    text = "\n".join(texts)
    return templates.render(text, namespaces) if namespaces else text


def _from_chat(body: dict[str, Any]) -> tuple[str | None, list[Any], str, dict[str, int]]:
    choice = (body.get("choices") or [{}])[0]
    message = choice.get("message") or {}
    usage = body.get("usage") or {}
    return message.get("content") or message.get("refusal"), message.get("tool_calls") or [], \
        choice.get("finish_reason") or "stop", {
            "prompt_tokens": usage.get("prompt_tokens", 0), "completion_tokens": usage.get("completion_tokens", 0),
            "total_tokens": usage.get("total_tokens", 0),
            "cached_tokens": (usage.get("prompt_tokens_details") or {}).get("cached_tokens", 0) or 0,
        }  # fmt: skip


def _from_responses(body: dict[str, Any]) -> tuple[str | None, list[Any], str, dict[str, int]]:
    texts, tools = [], []
    for item in body.get("output") or []:
        if item.get("type") == "message":
            texts += [p.get("text", "") for p in item.get("content") or [] if p.get("type") == "output_text"]
        elif item.get("type") == "function_call":
            tools.append(item)
    usage = body.get("usage") or {}
    finish = "length" if body.get("status") == "incomplete" else "stop"
    return "".join(texts), tools, finish, {
        "prompt_tokens": usage.get("input_tokens", 0), "completion_tokens": usage.get("output_tokens", 0),
        "total_tokens": usage.get("total_tokens", 0),
        "cached_tokens": (usage.get("input_tokens_details") or {}).get("cached_tokens", 0) or 0,
    }  # fmt: skip


def chat_answer(fake: Any, api_key: str, owner: str, body: dict[str, Any]) -> graders.Answer:
    """A grader model's answer: a chat completion run inside the fake (scripts, faults and usage apply)."""
    status, answer = fake.dispatcher.execute("POST", "/v1/chat/completions", body, api_key=api_key, owner=owner)
    if status != 200:
        error = (answer or {}).get("error") or {}
        return graders.Answer(None, body["model"], {}, "", error=str(error.get("message") or "server error"))
    _, _, finish, usage = _from_chat(answer)
    message = ((answer.get("choices") or [{}])[0].get("message")) or {}
    return graders.Answer(message.get("content"), answer.get("model", body["model"]), usage, finish,
                          refusal=message.get("refusal"))  # fmt: skip
