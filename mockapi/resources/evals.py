"""``/evals``: evals (create, list, retrieve, update, delete), their runs (create, list, retrieve, cancel, delete)
and the runs' output items. Graders live in ``mockapi.evals.graders``, the run lifecycle in ``mockapi.evals.runs``.

Controls (``/__mockapi__/evals/...``) wrap ``fake.services["evals"]``: the lifecycle controls every long-running
object has, ``fail_next``, and scripted scores for python graders.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jsonschema_rs
import orjson

from mockapi import catalog, errors, ids
from mockapi.collection import Collection
from mockapi.common import lookup, paginate, required, typed, validate_metadata
from mockapi.context import RequestContext
from mockapi.evals import graders, templates
from mockapi.evals.runs import RUNS, EvalRun, EvalRunService
from mockapi.lifecycle import install_controls
from mockapi.resources import files

if TYPE_CHECKING:
    from mockapi.fake import Fake

EVALS = "evals"
# Chosen (contracts/README.md): the real `sample` schema of a custom config with include_sample_schema is unknown.
SAMPLE_SCHEMA = {"type": "object", "properties": {"model": {"type": "string"}, "output_text": {"type": "string"},
                                                  "output_json": {"type": "object"}},
                 "required": ["output_text"]}  # fmt: skip
# The document's examples of logs and stored_completions configs.
LOGS_SCHEMA = {"type": "object", "properties": {"item": {"type": "object"}, "sample": {"type": "object"}},
               "required": ["item", "sample"]}  # fmt: skip
MAX_ROWS = 50_000  # chosen, like a batch's request limit


@dataclass
class Eval:
    obj: dict[str, Any]
    updated_at: float
    item_validator: Any = None  # the custom config's item_schema, compiled

    @property
    def id(self) -> str:
        return self.obj["id"]


def install(fake: Fake) -> None:
    service = EvalRunService(fake)
    fake.services["evals"] = service
    fake.services["graders"] = service.python
    add = fake.router.add
    add("GET", "/evals", list_evals)
    add("POST", "/evals", create_eval)
    add("GET", "/evals/{eval_id}", retrieve_eval)
    add("POST", "/evals/{eval_id}", update_eval)
    add("DELETE", "/evals/{eval_id}", delete_eval)
    add("GET", "/evals/{eval_id}/runs", list_runs)
    add("POST", "/evals/{eval_id}/runs", create_run)
    add("GET", "/evals/{eval_id}/runs/{run_id}", retrieve_run)
    add("POST", "/evals/{eval_id}/runs/{run_id}", cancel_run, body="none")  # the document's cancelEvalRun
    # The official SDKs post to .../cancel (openai-python 3.63 runs.cancel), a path the document lacks.
    add("POST", "/evals/{eval_id}/runs/{run_id}/cancel", cancel_run, body="none")
    add("DELETE", "/evals/{eval_id}/runs/{run_id}", delete_run)
    add("GET", "/evals/{eval_id}/runs/{run_id}/output_items", list_output_items)
    add("GET", "/evals/{eval_id}/runs/{run_id}/output_items/{output_item_id}", retrieve_output_item)
    install_controls(fake.control, service, "/evals/runs", "/evals/runs", "run_id")
    fake.control.add("POST", "/evals/runs/fail_next", lambda f, b, q: service.fail_next(**b).describe())
    python = service.python
    fake.control.add("GET", "/graders/python_scores", lambda f, b, q: {"object": "list", "data": python.scripts()})
    fake.control.add("POST", "/graders/python_scores", lambda f, b, q: {"id": python.script(**b)})
    fake.control.add("DELETE", "/graders/python_scores", lambda f, b, q: python.clear() or {"cleared": True})


def _service(ctx: RequestContext) -> EvalRunService:
    service: EvalRunService = ctx.fake.services["evals"]
    return service


def _eval(ctx: RequestContext) -> Eval:
    # Wording chosen (contracts/README.md): the Assistants family's 404 pattern.
    return lookup(ctx.ns.collection(EVALS), ctx.params["eval_id"], "eval")


def _run(ctx: RequestContext) -> EvalRun:
    found = _service(ctx).owned(ctx.ns, ctx.params["run_id"])
    if found.obj["eval_id"] != ctx.params["eval_id"]:
        raise errors.not_found("eval run", ctx.params["run_id"])
    return found


# -- evals ---------------------------------------------------------------------------------------------


def create_eval(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    config = required(body, "data_source_config", dict)
    criteria = required(body, "testing_criteria", list)
    name = typed(body, "name", str, "")
    metadata = validate_metadata(body.get("metadata"))
    data_source_config, validator = _data_source_config(config)
    if not criteria:
        raise errors.empty_array("testing_criteria")  # chosen: an eval needs something to grade
    where = graders.Checking(ctx.ns, for_eval=True)
    checked = []
    for i, criterion in enumerate(criteria):
        grader = graders.check(criterion, f"testing_criteria[{i}]", where)
        # The API names each criterion "<name>-<uuid4>" (the document's examples: "String check-2eaf2d8d-...").
        checked.append({"name": grader["name"], "id": f"{grader['name']}-{uuid.uuid4()}", **grader})
    obj = {
        "object": "eval", "id": ids.new_id("eval_"), "data_source_config": data_source_config,
        "testing_criteria": checked, "name": name, "created_at": ctx.now, "metadata": metadata,
    }  # fmt: skip
    found = Eval(obj, ctx.fake.clock.now(), validator)
    ctx.ns.collection(EVALS).add(found.id, found)
    return obj


def _data_source_config(config: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    param = "data_source_config"
    kind = config.get("type")
    if kind is None:
        raise errors.missing_parameter(f"{param}.type")
    if kind == "custom":
        item_schema = required(config, "item_schema", dict, param)
        try:
            validator = jsonschema_rs.validator_for(item_schema)
        except (ValueError, jsonschema_rs.ValidationError) as exc:
            raise errors.invalid_request(f"Invalid 'item_schema': not a valid JSON schema ({exc}).",
                                         param=f"{param}.item_schema", code="invalid_value") from None  # fmt: skip
        include_sample = typed(config, "include_sample_schema", bool, False)
        schema: dict[str, Any] = {"type": "object", "properties": {"item": item_schema}, "required": ["item"]}
        if include_sample:
            schema["properties"]["sample"] = SAMPLE_SCHEMA
            schema["required"].append("sample")
        return {"type": "custom", "schema": schema}, validator
    if kind in ("logs", "stored_completions"):
        metadata = validate_metadata(config.get("metadata"), f"{param}.metadata")
        out = {"type": kind, "schema": LOGS_SCHEMA}
        if config.get("metadata") is not None:
            out["metadata"] = metadata
        return out, None
    raise errors.invalid_value(f"{param}.type", kind, ["custom", "logs", "stored_completions"])


def list_evals(ctx: RequestContext) -> dict[str, Any]:
    collection = ctx.ns.collection(EVALS)
    order_by = ctx.query.get("order_by") or "created_at"
    if order_by not in ("created_at", "updated_at"):
        raise errors.invalid_value("order_by", order_by, ["created_at", "updated_at"])
    if order_by == "updated_at":
        ordered: Collection[Eval] = Collection()
        for found in sorted(collection.values(), key=lambda e: e.updated_at):
            ordered.add(found.id, found)
        collection = ordered
    return paginate(ctx, collection, lambda e: e.obj, default_order="asc")


def retrieve_eval(ctx: RequestContext) -> dict[str, Any]:
    return _eval(ctx).obj


def update_eval(ctx: RequestContext) -> dict[str, Any]:
    found = _eval(ctx)
    body = ctx.body or {}
    name = typed(body, "name", str)
    metadata = validate_metadata(body.get("metadata")) if body.get("metadata") is not None else None
    if name is not None:
        found.obj["name"] = name
    if metadata is not None:
        found.obj["metadata"] = metadata
    found.updated_at = ctx.fake.clock.now()
    return found.obj


def delete_eval(ctx: RequestContext) -> dict[str, Any]:
    found = _eval(ctx)
    service = _service(ctx)
    runs = ctx.ns.collection(RUNS)
    for run in [r for r in runs.values() if r.obj["eval_id"] == found.id]:  # its runs go with it (chosen)
        service.forget(ctx.ns, run)
    ctx.ns.collection(EVALS).remove(found.id)
    return {"object": "eval.deleted", "deleted": True, "eval_id": found.id}


# -- runs ----------------------------------------------------------------------------------------------


def create_run(ctx: RequestContext) -> dict[str, Any]:
    found = _eval(ctx)
    body = ctx.body
    source = required(body, "data_source", dict)
    name = typed(body, "name", str)
    metadata = validate_metadata(body.get("metadata"))
    data_source, rows, model = _data_source(ctx, source, found)
    run = _service(ctx).create(ctx.ns, ctx.api_key, found.obj, name=name, metadata=metadata,
                               data_source=data_source, rows=rows, model=model)  # fmt: skip
    return run.render()


def _data_source(ctx: RequestContext, source: dict[str, Any], found: Eval) -> tuple[dict[str, Any],
                                                                                   list[dict[str, Any]], str | None]:
    param = "data_source"
    kind = source.get("type")
    if kind is None:
        raise errors.missing_parameter(f"{param}.type")
    if kind not in ("jsonl", "completions", "responses"):
        raise errors.invalid_value(f"{param}.type", kind, ["jsonl", "completions", "responses"])
    echo = dict(source)
    model = None
    if kind != "jsonl":
        template = source.get("input_messages")
        if template is not None:
            echo["input_messages"] = _input_messages(template, f"{param}.input_messages")
            model = required(source, "model", str, param)
            info = catalog.lookup(ctx.ns, model) or catalog.family_of(model)
            if info is None:
                raise errors.APIError(400, f"The model `{model}` does not exist or you do not have access to it.",
                                      param=f"{param}.model", code="model_not_found")  # fmt: skip
        elif source.get("model") is not None:
            model = required(source, "model", str, param)
        if source.get("sampling_params") is None:
            echo.pop("sampling_params", None)  # the document types it as an object: left out, not null
        else:
            typed(source, "sampling_params", dict)
    rows = _rows(ctx, required(source, "source", dict, param), kind, f"{param}.source")
    if found.item_validator is not None:
        for i, row in enumerate(rows):
            problem = next(iter(found.item_validator.iter_errors(row["item"])), None)
            if problem is not None:
                # Wording chosen; the docs: "The datasource will be validated against the schema specified in the
                # config of the evaluation."
                raise errors.invalid_request(
                    f"Invalid data source item {i}: it does not match the eval's item_schema: {problem.message}",
                    param=f"{param}.source", code="invalid_value",
                )  # fmt: skip
    return echo, rows, model


def _input_messages(spec: Any, param: str) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise errors.invalid_type(param, "an object", spec)
    kind = spec.get("type")
    if kind == "item_reference":
        reference = required(spec, "item_reference", str, param)
        if not reference.startswith("item.") or templates.bad_reference(reference) is not None:
            raise errors.invalid_request(f"Invalid 'item_reference': '{reference}' must name a variable of the "
                                         "item namespace, like 'item.messages'.", param=f"{param}.item_reference",
                                         code="invalid_value")  # fmt: skip
        return dict(spec)
    if kind != "template":
        raise errors.invalid_value(f"{param}.type", kind, ["template", "item_reference"])
    template = required(spec, "template", list, param)
    if not template:
        raise errors.empty_array(f"{param}.template")
    out = []
    for i, message in enumerate(template):
        where = f"{param}.template[{i}]"
        if not isinstance(message, dict):
            raise errors.invalid_type(where, "an object", message)
        if not isinstance(message.get("role"), str):
            raise errors.missing_parameter(f"{where}.role") if message.get("role") is None else \
                errors.invalid_type(f"{where}.role", "a string", message["role"])  # fmt: skip
        if message.get("content") is None:
            raise errors.missing_parameter(f"{where}.content")
        for text, at in graders.message_texts(message["content"], f"{where}.content"):
            for reference in templates.references(text):
                problem = templates.bad_reference(reference)
                if problem is None and not reference.startswith("item."):
                    problem = "only the item namespace can be used to build the model's input"
                if problem is not None:
                    raise errors.invalid_request(f"Invalid template variable '{{{{{reference}}}}}' in '{at}': "
                                                 f"{problem}.", param=at, code="invalid_value")  # fmt: skip
        out.append(_echo_message(message))
    return {"type": "template", "template": out}


def _echo_message(message: dict[str, Any]) -> dict[str, Any]:
    """A template message as the run echoes it: EvalItem form, templates without inner spaces (the Evals guide)."""
    normalized = graders.normalize_message(message)
    content = normalized["content"]
    if isinstance(content, dict) and isinstance(content.get("text"), str):
        normalized["content"] = {**content, "text": templates.normalized(content["text"])}
    return normalized


def _rows(ctx: RequestContext, source: dict[str, Any], kind: str, param: str) -> list[dict[str, Any]]:
    source_type = source.get("type")
    extra = {"completions": ["stored_completions"], "responses": ["responses"]}.get(kind, [])
    allowed = ["file_content", "file_id", *extra]
    if source_type not in allowed:
        raise errors.invalid_value(f"{param}.type", source_type, allowed)
    if source_type == "file_content":
        content = required(source, "content", list, param)
        return [_row(row, f"{param}.content[{i}]") for i, row in enumerate(content)]
    if source_type == "file_id":
        file_id = required(source, "id", str, param)
        stored = files.get_file(ctx.ns, file_id, ctx.now)
        rows = []
        for number, line in enumerate(stored.data.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                parsed = orjson.loads(line)
            except orjson.JSONDecodeError:
                raise errors.invalid_request(f"Invalid JSONL in file {file_id}: line {number} is not valid JSON.",
                                             param=f"{param}.id", code="invalid_value") from None  # fmt: skip
            rows.append(_row(parsed, f"{param}.id (line {number})"))
        if len(rows) > MAX_ROWS:
            raise errors.invalid_request(f"The data source has {len(rows)} rows, more than {MAX_ROWS}.",
                                         param=param)  # fmt: skip
        return rows
    if source_type == "stored_completions":
        return _stored_completion_rows(ctx, source, param)
    raise errors.invalid_request(
        "mockapi does not support the 'responses' source (runs over stored responses); use file_content or "
        "file_id.", param=f"{param}.type", code="unsupported_value",
    )  # fmt: skip; deviation, contracts/README.md


def _row(row: Any, param: str) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise errors.invalid_type(param, "an object", row)
    item = row.get("item")
    if item is None:
        raise errors.missing_parameter(f"{param}.item")
    if not isinstance(item, dict):
        raise errors.invalid_type(f"{param}.item", "an object", item)
    sample = row.get("sample")
    if sample is not None and not isinstance(sample, dict):
        raise errors.invalid_type(f"{param}.sample", "an object", sample)
    return {"item": item, "sample": sample}


def _stored_completion_rows(ctx: RequestContext, source: dict[str, Any], param: str) -> list[dict[str, Any]]:
    """Rows from the caller's stored chat completions (``store: true``): item ``{"input": [messages]}``, sample
    the stored answer (chosen shapes, contracts/README.md)."""
    from mockapi.chat.store import KIND

    wanted = validate_metadata(source.get("metadata"), f"{param}.metadata")
    model = typed(source, "model", str)
    after, before = typed(source, "created_after", int), typed(source, "created_before", int)
    limit = typed(source, "limit", int)
    rows = []
    for stored in ctx.ns.collection(KIND).values():
        body = stored.body
        if model is not None and stored.requested_model != model:
            continue
        if any(stored.metadata.get(k) != v for k, v in wanted.items()):
            continue
        if (after is not None and body["created"] < after) or (before is not None and body["created"] > before):
            continue
        messages = [{"role": m["role"], "content": m["content"] or ""} for m in stored.messages.values()]
        answer = (body.get("choices") or [{}])[0].get("message") or {}
        text = answer.get("content") or ""
        usage = body.get("usage") or {}
        rows.append({
            "item": {"input": messages},
            "sample": templates.sample_namespace(text),
            "sample_obj": {
                "input": messages, "output": [{"role": "assistant", "content": text}],
                "finish_reason": (body.get("choices") or [{}])[0].get("finish_reason") or "stop",
                "model": body.get("model", ""),
                "usage": {"total_tokens": usage.get("total_tokens", 0),
                          "completion_tokens": usage.get("completion_tokens", 0),
                          "prompt_tokens": usage.get("prompt_tokens", 0), "cached_tokens": 0},
                "error": None, "temperature": float(body.get("temperature") or 1.0), "max_completion_tokens": 0,
                "top_p": float(body.get("top_p") or 1.0), "seed": int(body.get("seed") or 42),
            },
        })  # fmt: skip
        if limit is not None and len(rows) >= limit:
            break
    return rows


def list_runs(ctx: RequestContext) -> dict[str, Any]:
    found = _eval(ctx)
    service = _service(ctx)
    status = ctx.query.get("status")
    statuses = ["queued", "in_progress", "completed", "canceled", "failed"]
    if status is not None and status not in statuses:
        raise errors.invalid_value("status", status, statuses)
    where: Callable[[EvalRun], bool] | None = None
    if status is not None:
        def where(run: EvalRun) -> bool:
            service.settle(run)
            return run.status == status
    return paginate(ctx, ctx.ns.collection(RUNS), service.rendered, default_order="asc", index=("eval", found.id),
                    where=where)  # fmt: skip


def retrieve_run(ctx: RequestContext) -> dict[str, Any]:
    _eval(ctx)
    return _run(ctx).render()


def cancel_run(ctx: RequestContext) -> dict[str, Any]:
    _eval(ctx)
    found = _run(ctx)
    _service(ctx).cancel(found)
    return found.render()


def delete_run(ctx: RequestContext) -> dict[str, Any]:
    _eval(ctx)
    found = _run(ctx)
    _service(ctx).forget(ctx.ns, found)
    return {"object": "eval.run.deleted", "deleted": True, "run_id": found.id}


def list_output_items(ctx: RequestContext) -> dict[str, Any]:
    _eval(ctx)
    found = _run(ctx)
    status = ctx.query.get("status")
    if status is not None and status not in ("fail", "pass"):
        raise errors.invalid_value("status", status, ["fail", "pass"])
    index = ("status", status) if status is not None else None
    return paginate(ctx, found.items, dict, default_order="asc", index=index)


def retrieve_output_item(ctx: RequestContext) -> dict[str, Any]:
    _eval(ctx)
    found = _run(ctx)
    # Wording chosen (contracts/README.md).
    return lookup(found.items, ctx.params["output_item_id"], "output item")
