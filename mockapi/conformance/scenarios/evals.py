"""Evals and the fine-tuning graders. The reference client has neither resource, so these run with the official
SDK only (and say so in the summary). Against the real service a run is cancelled right after creation."""

from __future__ import annotations

import warnings

import pytest

from mockapi.conformance.scenarios._util import CHAT_MODEL, wait_until

sdk_only = pytest.mark.sdk_only("the reference client has no evals or fine_tuning.alpha.graders resources")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
ITEM_SCHEMA = {"type": "object", "properties": {"question": {"type": "string"}, "answer": {"type": "string"}},
               "required": ["question", "answer"]}  # fmt: skip
EXACT = {"type": "string_check", "name": "exact", "input": "{{sample.output_text}}", "reference": "{{item.answer}}",
         "operation": "eq"}  # fmt: skip


def _eval(api, token: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return api.evals.create(
            name=f"conformance-{token}", metadata={"run": token},
            data_source_config={"type": "custom", "item_schema": ITEM_SCHEMA, "include_sample_schema": True},
            testing_criteria=[EXACT, {"type": "text_similarity", "name": "similar", "input": "{{sample.output_text}}",
                                      "reference": "{{item.answer}}", "evaluation_metric": "fuzzy_match",
                                      "pass_threshold": 0.8}],
        )  # fmt: skip


def _rows(token: str) -> list[dict]:
    return [{"item": {"question": f"Say {token}", "answer": token}, "sample": {"output_text": token}},
            {"item": {"question": "Say no", "answer": "yes"}, "sample": {"output_text": "no"}}]  # fmt: skip


@sdk_only
def scenario_eval_crud(api, token) -> None:
    created = _eval(api, token)
    assert created.id.startswith("eval_") and created.object == "eval" and created.metadata == {"run": token}
    assert [c.name for c in created.testing_criteria] == ["exact", "similar"]
    assert api.evals.retrieve(created.id).id == created.id
    updated = api.evals.update(created.id, name=f"renamed-{token}")
    assert updated.name == f"renamed-{token}"
    assert created.id in [e.id for e in api.evals.list(order="desc", limit=100).data]
    deleted = api.evals.delete(created.id)
    assert deleted.deleted is True and deleted.eval_id == created.id


@sdk_only
def scenario_jsonl_run_output_items(api, control, target, token) -> None:
    created = _eval(api, token)
    run = api.evals.runs.create(created.id, name=f"run-{token}",
                                data_source={"type": "jsonl", "source": {"type": "file_content",
                                                                         "content": _rows(token)}})  # fmt: skip
    assert run.id.startswith("evalrun_") and run.eval_id == created.id and run.status in ("queued", "in_progress")
    run = wait_until(lambda: api.evals.runs.retrieve(run.id, eval_id=created.id),
                     lambda r: r.status == "completed", target.patience, "the eval run")  # fmt: skip
    assert (run.result_counts.total, run.result_counts.passed, run.result_counts.failed) == (2, 1, 1)
    assert run.id in [r.id for r in api.evals.runs.list(created.id, limit=100).data]
    items = api.evals.runs.output_items.list(run.id, eval_id=created.id).data
    assert sorted(i.status for i in items) == ["fail", "pass"]
    one = api.evals.runs.output_items.retrieve(items[0].id, eval_id=created.id, run_id=run.id)
    assert one.id == items[0].id and len(one.results) == 2
    assert api.evals.runs.delete(run.id, eval_id=created.id).deleted is True
    api.evals.delete(created.id)


@sdk_only
def scenario_completions_run_cancel(api, token) -> None:
    created = _eval(api, token)
    run = api.evals.runs.create(created.id, data_source={
        "type": "completions", "model": CHAT_MODEL,
        "input_messages": {"type": "template", "template": [{"role": "user", "content": "{{item.question}}"}]},
        "source": {"type": "file_content", "content": [{"item": row["item"]} for row in _rows(token)]},
    })  # fmt: skip
    canceled = api.evals.runs.cancel(run.id, eval_id=created.id)  # at once: nothing runs on the real service
    assert canceled.id == run.id and canceled.status in ("canceled", "canceling", "completed")
    # The document's own path for the same operation (the SDK posts to .../cancel).
    other = api.evals.runs.create(created.id, data_source={"type": "jsonl", "source": {
        "type": "file_content", "content": _rows(token)}})  # fmt: skip
    body = api.post(f"/evals/{created.id}/runs/{other.id}", cast_to=object)
    assert body["id"] == other.id and body["status"] in ("canceled", "canceling", "completed")
    api.evals.delete(created.id)


@sdk_only
def scenario_graders_run_and_validate(api, token) -> None:
    grader = {"type": "string_check", "name": "city", "input": "{{sample.output_text}}", "reference": "{{item.city}}",
              "operation": "ilike"}  # fmt: skip
    assert api.fine_tuning.alpha.graders.validate(grader=grader).grader.name == "city"
    result = api.fine_tuning.alpha.graders.run(grader=grader, model_sample=f"PARIS {token}", item={"city": "paris"})
    assert result.reward == 1.0 and result.metadata.name == "city"


@sdk_only
def scenario_errors(api) -> None:
    with api.raises(404):
        api.evals.retrieve("eval_conformance00000000000000000000")
    with api.raises(400):
        api.evals.create(data_source_config={"type": "custom", "item_schema": ITEM_SCHEMA},
                         testing_criteria=[{**EXACT, "operation": "sounds_like"}])  # fmt: skip
