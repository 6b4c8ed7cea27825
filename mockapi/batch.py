"""The Batch API lifecycle on the shared clock, with every line executed by the fake itself.

validating -> in_progress -> finalizing -> completed; validating -> failed (bad
input lines); in_progress -> expired (completion window passed); cancel ->
cancelling -> cancelled. Lines run one by one as the clock moves through
``in_progress`` (``request_counts`` is true at every read), each through
``fake.dispatcher.execute`` so scripts, faults and validation apply exactly as
for a direct request. Output and error files use the real line format
(core.md §11): ``{"id": "batch_req_…", "custom_id", "response": {"status_code",
"request_id", "body"}, "error": null}``; requests the endpoint rejected go to
the error file with their 4xx/5xx response.

Batches catch up whenever their owner makes any request (a dispatcher
interceptor), like fine-tuning jobs: both are ``mockapi.lifecycle`` services.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, ClassVar

import orjson

from mockapi import errors
from mockapi.ids import new_id, request_id
from mockapi.lifecycle import LifecycleService, Rule, Tracked
from mockapi.resources import files
from mockapi.state import Namespace
from mockapi.timeline import Timeline

ENDPOINTS = [
    "/v1/responses", "/v1/chat/completions", "/v1/embeddings", "/v1/completions", "/v1/moderations",
    "/v1/images/generations", "/v1/images/edits",
]  # fmt: skip; "/v1/videos" is refused since the Videos API shut down (openai 3.63.0: "no longer accepts")
COMPLETION_WINDOWS = ["24h"]
WINDOW_SECONDS = {"24h": 24 * 3600}
MAX_REQUESTS = 50_000
MAX_REPORTED_ERRORS = 1000
PHASES = ("validating", "in_progress", "finalizing", "cancelling")
TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})
BATCHES = "batches"  # namespace collection of Batch
ACTIVE = "batches.active"  # namespace slot: {batch id: Batch} not yet finished
INDEX = "batches.index"  # state.shared: {batch id: Batch} for the control plane
RULES = "batches.rules"  # state.shared: [BatchRule]
# The spec types these as non-null strings/integers, while the real API sends null until they are
# set; the fake leaves them out until then (the SDK reads both as None). See contracts/README.md.
OPTIONAL_FIELDS = (
    "errors", "output_file_id", "error_file_id", "in_progress_at", "finalizing_at", "completed_at", "failed_at",
    "expired_at", "cancelling_at", "cancelled_at", "model",
)  # fmt: skip

# Line errors (core.md §11; messages unverified except invalid_json_line).
DUPLICATE_MESSAGE = (
    "The custom_id for this request is a duplicate of another request. The custom_id parameter must be unique "
    "for each request in a batch."
)
EXPIRED_ERROR = {"code": "batch_expired",
                 "message": "This request could not be executed before the completion window expired."}  # fmt: skip


@dataclass
class BatchLine:
    number: int
    custom_id: str
    url: str
    body: dict[str, Any]


@dataclass(kw_only=True)
class BatchRule(Rule):
    """What the next matching batch(es) do; ``fail`` is a list of ``errors.data`` entries (validation fails)."""

    MATCH_KEYS: ClassVar[tuple[str, ...]] = ("endpoint", "metadata")

    endpoint: str | None = None

    def matches(self, endpoint: str, metadata: dict[str, str] | None) -> bool:
        if self.endpoint is not None and self.endpoint != endpoint:
            return False
        return self.metadata_matches(metadata)


@dataclass
class Batch(Tracked):
    obj: dict[str, Any]
    owner: str
    api_key: str
    timeline: Timeline
    data: bytes
    output_ttl: int | None = None
    fail: list[dict[str, Any]] | None = None
    lines: list[BatchLine] = field(default_factory=list)
    done: int = 0  # lines executed so far
    outputs: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)

    def render(self) -> dict[str, Any]:
        return {k: v for k, v in self.obj.items() if not (v is None and k in OPTIONAL_FIELDS)}


class BatchService(LifecycleService[Batch, BatchRule]):
    """``fake.services["batches"]``: the batch engine plus its Python control API."""

    PHASES = PHASES
    TERMINAL = TERMINAL
    EVENTS = {status: f"batch.{status}" for status in TERMINAL}  # the document's WebhookBatch*
    STEPS = {"validating": 2, "in_progress": 4, "finalizing": 2, "cancelling": 2}  # in_progress: over the lines
    CONFIG = "batches"
    THING = "batch"
    COLLECTION, ACTIVE, INDEX, RULES = BATCHES, ACTIVE, INDEX, RULES
    RULE = BatchRule

    # -- Python control API -------------------------------------------------------

    def add_rule(  # type: ignore[override]
        self,
        *,
        endpoint: str | None = None,
        metadata: dict[str, str] | None = None,
        fail: dict[str, Any] | list[dict[str, Any]] | None = None,
        durations: dict[str, float] | None = None,
        hold: str | list[str] | None = None,
        times: int | None = 1,
    ) -> BatchRule:
        """Steer the next ``times`` batches matching endpoint/metadata (``times=None``: all of them)."""
        steering = self._steering(hold, durations)
        entries = None
        if fail is not None:
            entries = [_error_entry(e) for e in (fail if isinstance(fail, list) else [fail])]
        return self._add_rule(BatchRule(endpoint=endpoint, metadata=metadata, fail=entries, times=times, **steering))

    def fail_next(self, code: str = "internal_error", message: str = "The batch failed due to an internal error.",
                  param: str | None = None, line: int | None = None, *, times: int | None = 1,
                  **match: Any) -> BatchRule:  # fmt: skip
        """The next matching batch fails during validating with this ``errors.data`` entry."""
        return self.add_rule(fail={"code": code, "message": message, "param": param, "line": line},
                             times=times, **match)  # fmt: skip

    def batch(self, batch_id: str) -> Batch:
        """A batch of any owner, brought up to date."""
        return self.get(batch_id)

    set_batch_timing = LifecycleService.set_durations

    def expire(self, batch_id: str) -> dict[str, Any]:
        """Expire a batch now, as if its completion window had passed."""
        with self.fake.state.lock:
            found = self.batch(batch_id)
            if found.status in ("validating", "in_progress"):
                self._expire(found, self.fake.clock.now())
            return found.render()

    # -- lifecycle ----------------------------------------------------------------

    def create(self, ns: Namespace, api_key: str, input_file: files.StoredFile, endpoint: str, window: str,
               metadata: dict[str, str] | None, output_ttl: int | None) -> Batch:  # fmt: skip
        now = self.fake.clock.now()
        created = int(now)
        durations, holds, fail = self._apply_rules(lambda rule: rule.matches(endpoint, metadata))
        obj: dict[str, Any] = {
            "id": new_id("batch_"), "object": "batch", "endpoint": endpoint, "model": None, "errors": None,
            "input_file_id": input_file.id, "completion_window": window, "status": "validating",
            "output_file_id": None, "error_file_id": None, "created_at": created, "in_progress_at": None,
            "expires_at": created + WINDOW_SECONDS[window], "finalizing_at": None, "completed_at": None,
            "failed_at": None, "expired_at": None, "cancelling_at": None, "cancelled_at": None,
            "request_counts": {"total": 0, "completed": 0, "failed": 0},
            "usage": _zero_usage(), "metadata": metadata,
        }  # fmt: skip
        found = Batch(obj, ns.owner, api_key, Timeline.start("validating", durations, now, holds), input_file.data,
                      output_ttl, fail)  # fmt: skip
        self._track(ns, found)
        return found

    def cancel(self, found: Batch) -> None:
        now = self.fake.clock.now()
        self.settle(found, now)
        if found.status == "cancelling":
            return
        if found.status in TERMINAL:
            # Unverified wording.
            raise errors.invalid_request(f"Cannot cancel a batch with status '{found.status}'.")
        found.obj.update(status="cancelling", cancelling_at=int(now))
        found.timeline.enter("cancelling", now)

    # -- transitions --------------------------------------------------------------

    def _deadline(self, found: Batch) -> float | None:
        """The completion window ends a batch that has not reached finalizing."""
        return float(found.obj["expires_at"]) if found.status in ("validating", "in_progress") else None

    def _deadline_passed(self, found: Batch, at: float) -> None:
        self._expire(found, at)

    def _end_phase(self, found: Batch, at: float) -> None:
        phase = found.timeline.phase
        if phase == "validating":
            self._validated(found, at)
        elif phase == "in_progress":
            found.obj.update(status="finalizing", finalizing_at=int(at))
            found.timeline.enter("finalizing", at)
        elif phase == "finalizing":
            self._write_files(found, at)
            found.obj.update(status="completed", completed_at=int(at))
            self._retire(found)
        else:  # cancelling
            self._write_files(found, at)
            found.obj.update(status="cancelled", cancelled_at=int(at))
            self._retire(found)

    def _validated(self, found: Batch, at: float) -> None:
        problems = found.fail or []
        if not problems:
            found.lines, problems = parse_input(found.data, found.obj["endpoint"])
        if problems:
            found.obj.update(
                status="failed", failed_at=int(at),
                errors={"object": "list", "data": problems[:MAX_REPORTED_ERRORS]},
            )  # fmt: skip
            self._retire(found)
            return
        models = [line.body.get("model") for line in found.lines if isinstance(line.body.get("model"), str)]
        found.obj.update(status="in_progress", in_progress_at=int(at), model=models[0] if models else None)
        found.obj["request_counts"]["total"] = len(found.lines)
        found.timeline.enter("in_progress", at)

    def _progress(self, found: Batch, upto: float, finished: bool) -> None:
        """Execute every line whose turn has come (lines are spread evenly over in_progress)."""
        if found.timeline.phase != "in_progress":
            return
        total = len(found.lines)
        if finished:
            target = total
        else:
            target = min(total, int(found.timeline.progress(upto) * total + 1e-9))
        while found.done < target:
            line = found.lines[found.done]
            found.done += 1
            self._execute(found, line)

    def _execute(self, found: Batch, line: BatchLine) -> None:
        status, body = self.fake.dispatcher.execute(
            "POST", line.url, line.body, api_key=found.api_key, owner=found.owner
        )
        record = {
            "id": new_id("batch_req_"), "custom_id": line.custom_id,
            "response": {"status_code": status, "request_id": request_id(), "body": body}, "error": None,
        }  # fmt: skip
        counts = found.obj["request_counts"]
        if 200 <= status < 300:
            found.outputs.append(record)
            counts["completed"] += 1
            _add_usage(found.obj["usage"], body)
        else:
            found.failures.append(record)
            counts["failed"] += 1

    def _expire(self, found: Batch, at: float) -> None:
        for line in found.lines[found.done :]:
            found.failures.append(
                {"id": new_id("batch_req_"), "custom_id": line.custom_id, "response": None, "error": EXPIRED_ERROR}
            )
        found.done = len(found.lines)
        found.timeline.freeze(at)
        self._write_files(found, at)
        found.obj.update(status="expired", expired_at=int(at))
        self._retire(found)

    def _write_files(self, found: Batch, at: float) -> None:
        ns = self.fake.state.namespace(found.owner)
        created = int(at)
        expires = created + found.output_ttl if found.output_ttl else None
        if found.outputs:
            stored = files.create_file(ns, created, f"{found.id}_output.jsonl", "batch_output",
                                       _jsonl(found.outputs), expires)  # fmt: skip
            found.obj["output_file_id"] = stored.id
        if found.failures:
            stored = files.create_file(ns, created, f"{found.id}_error.jsonl", "batch_output",
                                       _jsonl(found.failures), expires)  # fmt: skip
            found.obj["error_file_id"] = stored.id

    def _retire(self, found: Batch) -> None:
        found.timeline.freeze(self.fake.clock.now())
        super()._retire(found)


# -- input validation (pure) ----------------------------------------------------------


def parse_input(data: bytes, endpoint: str) -> tuple[list[BatchLine], list[dict[str, Any]]]:
    """The requests of an input file, or the ``errors.data`` entries that fail the batch."""
    problems: list[dict[str, Any]] = []
    lines: list[BatchLine] = []
    seen: set[str] = set()
    model: str | None = None
    raw = [(n, text) for n, text in enumerate(data.splitlines(), start=1) if text.strip()]
    if not raw:
        return [], [_problem("empty_file", "The batch input file is empty.", None, None)]
    if len(raw) > MAX_REQUESTS:
        return [], [_problem(
            "too_many_tasks",
            f"The batch input file has {len(raw)} requests, more than the maximum of {MAX_REQUESTS}.", None, None,
        )]  # fmt: skip
    for number, text in raw:
        try:
            item = orjson.loads(text)
        except orjson.JSONDecodeError:
            item = None
        if not isinstance(item, dict):
            problems.append(_problem("invalid_json_line", "This line is not parseable as valid JSON.", None, number))
            continue
        problem = _line_problem(item, number, endpoint)
        if problem is None and item["custom_id"] in seen:
            problem = _problem("duplicate_custom_id", DUPLICATE_MESSAGE, "custom_id", number)
        body_model = item.get("body", {}).get("model") if isinstance(item.get("body"), dict) else None
        if problem is None and isinstance(body_model, str):
            if model is None:
                model = body_model
            elif body_model != model:
                problem = _problem(
                    "model_mismatch",
                    "The model provided for this request does not match the model of the other requests in the "
                    "batch. All requests in a batch must use the same model.",
                    "body.model", number,
                )  # fmt: skip
        if problem is not None:
            problems.append(problem)
            continue
        seen.add(item["custom_id"])
        lines.append(BatchLine(number, item["custom_id"], item["url"], item["body"]))
    return lines, problems


def _line_problem(item: dict[str, Any], number: int, endpoint: str) -> dict[str, Any] | None:
    for key in ("custom_id", "method", "url", "body"):
        if key not in item or item[key] is None:
            return _problem("missing_required_parameter", f"Missing required parameter: '{key}'.", key, number)
    if not isinstance(item["custom_id"], str):
        return _problem("invalid_type", "Invalid type for 'custom_id': expected a string.", "custom_id", number)
    if item["method"] != "POST":
        return _problem("invalid_value", f"Invalid value: {json.dumps(item['method'])}. Supported values are: "
                        "'POST'.", "method", number)  # fmt: skip
    if item["url"] != endpoint:
        return _problem(
            "url_mismatch", "The URL provided for this request does not match the batch endpoint.", "url", number
        )
    if not isinstance(item["body"], dict):
        return _problem("invalid_type", "Invalid type for 'body': expected an object.", "body", number)
    return None


def _problem(code: str, message: str, param: str | None, line: int | None) -> dict[str, Any]:
    return {"code": code, "message": message, "param": param, "line": line}


def _error_entry(entry: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(entry.get("code"), str) or not isinstance(entry.get("message"), str):
        raise ValueError("a batch error needs a string 'code' and 'message'")
    return _problem(entry["code"], entry["message"], entry.get("param"), entry.get("line"))


def _jsonl(records: list[dict[str, Any]]) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in records)


def _zero_usage() -> dict[str, Any]:
    return {"input_tokens": 0, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 0,
            "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 0}  # fmt: skip


def _add_usage(usage: dict[str, Any], body: Any) -> None:
    """Sum a response's usage (chat/completions/embeddings or responses naming) into the batch's."""
    found = body.get("usage") if isinstance(body, dict) else None
    if not isinstance(found, dict):
        return
    input_tokens = found.get("input_tokens", found.get("prompt_tokens", 0)) or 0
    output_tokens = found.get("output_tokens", found.get("completion_tokens", 0)) or 0
    input_details = found.get("input_tokens_details") or found.get("prompt_tokens_details") or {}
    output_details = found.get("output_tokens_details") or found.get("completion_tokens_details") or {}
    usage["input_tokens"] += int(input_tokens)
    usage["output_tokens"] += int(output_tokens)
    usage["total_tokens"] += int(found.get("total_tokens", input_tokens + output_tokens) or 0)
    usage["input_tokens_details"]["cached_tokens"] += int(input_details.get("cached_tokens", 0) or 0)
    usage["output_tokens_details"]["reasoning_tokens"] += int(output_details.get("reasoning_tokens", 0) or 0)
