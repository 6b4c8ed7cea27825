"""The Evals API and the fine-tuning graders with the official SDK: evals CRUD and pagination, runs on the shared
clock (sampling through the responder, grading, output items), cancel and delete, errors, isolation, and
``/fine_tuning/alpha/graders``.

Eval objects are read with the strict ``openai_client``. Runs and output items are read with a default client:
the real API sends ``"error": null`` (and ``per_model_usage: null`` while queued), which the SDK's opt-in strict
mode refuses (contracts/README.md, "Evals and graders")."""

from __future__ import annotations

import openai
import pytest

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
manual = pytest.mark.mockapi(manual_clock=True, step_delay=1.0)

ITEM_SCHEMA = {"type": "object", "properties": {"question": {"type": "string"}, "answer": {"type": "string"}},
               "required": ["question", "answer"]}  # fmt: skip
EXACT = {"type": "string_check", "name": "exact", "input": "{{sample.output_text}}", "reference": "{{item.answer}}",
         "operation": "eq"}  # fmt: skip
FUZZY = {"type": "text_similarity", "name": "fuzzy", "input": "{{sample.output_text}}",
         "reference": "{{item.answer}}", "evaluation_metric": "fuzzy_match", "pass_threshold": 0.8}  # fmt: skip
ROWS = [{"item": {"question": "Capital of France?", "answer": "Paris"}},
        {"item": {"question": "Capital of Spain?", "answer": "Madrid"}},
        {"item": {"question": "Capital of Italy?", "answer": "Rome"}}]  # fmt: skip
TEMPLATE = {"type": "template", "template": [{"role": "developer", "content": "Answer with the city only."},
                                             {"role": "user", "content": "{{ item.question }}"}]}  # fmt: skip


def _eval(client, criteria=None, **kwargs):
    return client.evals.create(
        name=kwargs.pop("name", "capitals"),
        data_source_config={"type": "custom", "item_schema": ITEM_SCHEMA, "include_sample_schema": True},
        testing_criteria=criteria or [EXACT, FUZZY], **kwargs,
    )  # fmt: skip


def _completions(rows=ROWS, model="gpt-4o-mini"):
    return {"type": "completions", "model": model, "input_messages": TEMPLATE,
            "source": {"type": "file_content", "content": rows}}  # fmt: skip


def test_eval_crud_and_pagination(openai_client, mockapi) -> None:
    created = _eval(openai_client, metadata={"team": "geo"})
    assert created.id.startswith("eval_") and len(created.id) == 37 and created.object == "eval"
    assert created.name == "capitals" and created.metadata == {"team": "geo"}
    schema = created.data_source_config.schema_
    assert created.data_source_config.type == "custom" and schema["properties"]["item"] == ITEM_SCHEMA
    assert schema["required"] == ["item", "sample"]
    exact, fuzzy = created.testing_criteria
    assert exact.name == "exact" and exact.operation == "eq" and fuzzy.pass_threshold == 0.8
    assert created.model_extra["testing_criteria"][0]["id"].startswith("exact-") if created.model_extra else True
    raw = openai_client.evals.with_raw_response.retrieve(created.id).http_response.json()
    assert raw["testing_criteria"][0]["id"].startswith("exact-") and len(raw["testing_criteria"][0]["id"]) == 42
    others = [_eval(openai_client, name=f"e{i}") for i in range(3)]
    first = openai_client.evals.list(limit=2)  # oldest first by default (the document's default order)
    assert [e.id for e in first.data] == [created.id, others[0].id] and first.has_more
    assert [e.id for e in openai_client.evals.list(limit=2)] == [created.id, *[e.id for e in others]]
    assert [e.id for e in openai_client.evals.list(order="desc", limit=1).data] == [others[-1].id]
    updated = openai_client.evals.update(created.id, name="renamed", metadata={"team": "maps"})
    assert (updated.name, updated.metadata) == ("renamed", {"team": "maps"})
    assert openai_client.evals.list(order_by="updated_at", order="desc", limit=1).data[0].id == created.id
    assert openai_client.evals.retrieve(created.id).name == "renamed"
    deleted = openai_client.evals.delete(created.id)
    assert (deleted.deleted, deleted.eval_id, deleted.object) == (True, created.id, "eval.deleted")
    with pytest.raises(openai.NotFoundError):
        openai_client.evals.retrieve(created.id)


def test_logs_config_and_label_model_echo(openai_client) -> None:
    created = openai_client.evals.create(
        data_source_config={"type": "logs", "metadata": {"usecase": "chatbot"}},
        testing_criteria=[{"type": "label_model", "name": "sentiment", "model": "gpt-4o-mini",
                           "input": [{"role": "developer", "content": "Classify."},
                                     {"role": "user", "content": "Statement: {{item.input}}"}],
                           "labels": ["positive", "neutral", "negative"], "passing_labels": ["positive"]}],
    )  # fmt: skip
    assert created.data_source_config.type == "logs" and created.data_source_config.metadata == {"usecase": "chatbot"}
    assert created.data_source_config.schema_["required"] == ["item", "sample"]
    grader = created.testing_criteria[0]
    # Simple messages come back in the EvalItem form (the document's example).
    assert grader.input[1].type == "message" and grader.input[1].content.text == "Statement: {{item.input}}"


@manual
def test_completions_run_lifecycle_output_items_and_scripted_answers(mockapi) -> None:
    client = mockapi.openai_client()
    mockapi.responder.script({"text": "Paris"}, regex=r"^Capital of France", model="gpt-4o-mini", repeat=True)
    mockapi.responder.script({"text": "Madrid"}, regex=r"^Capital of Spain", model="gpt-4o-mini", repeat=True)
    ev = _eval(client)
    run = client.evals.runs.create(ev.id, name="first", data_source=_completions(), metadata={"v": "1"})
    assert run.id.startswith("evalrun_") and (run.status, run.object) == ("queued", "eval.run")
    assert run.report_url == f"https://platform.openai.com/evaluations/{ev.id}?run_id={run.id}"
    assert run.error is None and run.per_model_usage is None and run.per_testing_criteria_results is None
    assert run.result_counts.total == 0 and run.model == "gpt-4o-mini" and run.metadata == {"v": "1"}
    assert run.data_source.input_messages.template[1].content.text == "{{item.question}}"  # echoed without spaces
    mockapi.advance(1.0 + 2.0)  # queued (1 step), then half of in_progress (4 steps)
    halfway = client.evals.runs.retrieve(run.id, eval_id=ev.id)
    assert halfway.status == "in_progress" and halfway.result_counts.total == 3
    assert sum([halfway.result_counts.passed, halfway.result_counts.failed]) == 1
    mockapi.advance(2.0)
    done = client.evals.runs.retrieve(run.id, eval_id=ev.id)
    assert done.status == "completed" and done.error is None
    assert (done.result_counts.total, done.result_counts.passed, done.result_counts.failed) == (3, 2, 1)
    usage = {u.model_name: u for u in done.per_model_usage}
    assert usage["gpt-4o-mini"].invocation_count == 3 and usage["gpt-4o-mini"].total_tokens > 0
    per = {r.testing_criteria.split("-")[0]: (r.passed, r.failed) for r in done.per_testing_criteria_results}
    assert per == {"exact": (2, 1), "fuzzy": (2, 1)}
    items = client.evals.runs.output_items.list(run.id, eval_id=ev.id)
    assert [i.datasource_item_id for i in items.data] == [0, 1, 2]
    paris = items.data[0]
    assert paris.id.startswith("outputitem_") and paris.status == "pass" and paris.run_id == run.id
    assert paris.datasource_item == ROWS[0]["item"]
    assert paris.sample.output[0].content == "Paris" and paris.sample.model == "gpt-4o-mini-2024-07-18"
    assert [m.content for m in paris.sample.input] == ["Answer with the city only.", "Capital of France?"]
    assert paris.sample.seed == 42 and paris.sample.usage.total_tokens > 0 and paris.sample.error is None
    assert [(r.score, r.passed) for r in paris.results] == [(1.0, True), (1.0, True)]
    italy = items.data[2]  # unscripted: the deterministic default reply quotes the question
    assert italy.status == "fail" and italy.sample.output[0].content.startswith('You said: "Capital of Italy?"')
    failed = client.evals.runs.output_items.list(run.id, eval_id=ev.id, status="fail")
    assert [i.id for i in failed.data] == [italy.id]
    page = client.evals.runs.output_items.list(run.id, eval_id=ev.id, limit=2, order="desc")
    assert [i.datasource_item_id for i in page.data] == [2, 1] and page.has_more
    again = client.evals.runs.output_items.retrieve(paris.id, eval_id=ev.id, run_id=run.id)
    assert again.id == paris.id and again.results[0].name.startswith("exact-")
    # A new script changes the outcome of the next run.
    mockapi.responder.script({"text": "Rome"}, regex=r"^Capital of Italy", model="gpt-4o-mini", repeat=True)
    second = client.evals.runs.create(ev.id, data_source=_completions())
    assert second.name == "gpt-4o-mini"  # unnamed runs are named after the model (the document's examples)
    mockapi.advance(5.0)
    assert client.evals.runs.retrieve(second.id, eval_id=ev.id).result_counts.passed == 3
    runs = client.evals.runs.list(ev.id)
    assert [r.id for r in runs.data] == [run.id, second.id]
    assert [r.id for r in client.evals.runs.list(ev.id, order="desc", limit=1).data] == [second.id]
    assert client.evals.runs.list(ev.id, status="canceled").data == []


@manual
def test_jsonl_run_from_a_file_with_samples(mockapi) -> None:
    client = mockapi.openai_client()
    ev = _eval(client)
    lines = [{"item": {"question": "q1", "answer": "Paris"}, "sample": {"output_text": "Paris"}},
             {"item": {"question": "q2", "answer": "Madrid"}, "sample": {"output_text": "Madird"}}]  # fmt: skip
    import json

    data = "\n".join(json.dumps(line) for line in lines).encode()
    uploaded = client.files.create(file=("rows.jsonl", data, "application/jsonl"), purpose="evals")
    run = client.evals.runs.create(ev.id, data_source={"type": "jsonl", "source": {"type": "file_id",
                                                                                   "id": uploaded.id}})  # fmt: skip
    assert run.model is None and run.data_source.type == "jsonl"
    mockapi.advance(5.0)
    done = client.evals.runs.retrieve(run.id, eval_id=ev.id)
    assert done.status == "completed" and done.per_model_usage == []
    items = client.evals.runs.output_items.list(run.id, eval_id=ev.id).data
    first, second = items
    assert first.status == "pass" and first.sample is None
    # "Madird" is no exact match, but close enough for fuzzy_match at 0.8.
    assert [r.passed for r in second.results] == [False, True] and second.status == "fail"
    assert second.results[1].score == pytest.approx(2 * 5 / 12, abs=1e-6)


@manual
def test_cancel_delete_and_failure(mockapi) -> None:
    client = mockapi.openai_client()
    ev = _eval(client)
    run = client.evals.runs.create(ev.id, data_source=_completions())
    canceled = client.evals.runs.cancel(run.id, eval_id=ev.id)
    assert canceled.status == "canceled" and canceled.per_testing_criteria_results is not None
    with pytest.raises(openai.BadRequestError):
        client.evals.runs.cancel(run.id, eval_id=ev.id)
    assert client.evals.runs.list(ev.id, status="canceled").data[0].id == run.id
    mockapi.services["evals"].fail_next(code="server_error", message="Boom.")
    failing = client.evals.runs.create(ev.id, data_source=_completions())
    mockapi.advance(5.0)
    failed = client.evals.runs.retrieve(failing.id, eval_id=ev.id)
    assert failed.status == "failed" and (failed.error.code, failed.error.message) == ("server_error", "Boom.")
    deleted = client.evals.runs.delete(run.id, eval_id=ev.id)
    assert (deleted.deleted, deleted.run_id, deleted.object) == (True, run.id, "eval.run.deleted")
    with pytest.raises(openai.NotFoundError):
        client.evals.runs.retrieve(run.id, eval_id=ev.id)
    client.evals.delete(ev.id)  # its runs go with it
    with pytest.raises(openai.NotFoundError):
        client.evals.runs.retrieve(failing.id, eval_id=ev.id)


@manual
def test_model_and_python_graders_follow_scripts(mockapi) -> None:
    client = mockapi.openai_client()
    criteria = [
        {"type": "label_model", "name": "judge", "model": "gpt-4.1", "labels": ["correct", "incorrect"],
         "passing_labels": ["correct"],
         "input": [{"role": "user", "content": "Answer: {{sample.output_text}}. Expected: {{item.answer}}"}]},
        {"type": "score_model", "name": "score", "model": "gpt-4.1", "range": [0, 10], "pass_threshold": 7,
         "input": [{"role": "user", "content": "Rate {{sample.output_text}}"}]},
        {"type": "python", "name": "py", "source": "def grade(sample, item):\n    return 0.3\n", "pass_threshold": 0.5},
    ]  # fmt: skip
    ev = _eval(client, criteria)
    mockapi.responder.script({"text": '{"result": "incorrect"}'}, contains="Expected: Paris", model="gpt-4.1")
    mockapi.responder.script({"text": "8"}, contains="Rate", model="gpt-4.1", repeat=True)
    mockapi.services["graders"].script(0.9, name="py", times=1)
    run = client.evals.runs.create(ev.id, data_source={"type": "jsonl", "source": {"type": "file_content", "content": [
        {"item": ROWS[0]["item"], "sample": {"output_text": "Paris"}},
        {"item": ROWS[1]["item"], "sample": {"output_text": "Madrid"}}]}})  # fmt: skip
    mockapi.advance(5.0)
    first, second = client.evals.runs.output_items.list(run.id, eval_id=ev.id).data
    # Row 0: the judge was scripted to say "incorrect"; the python score 0.9 was scripted once.
    assert [(r.score, r.passed) for r in first.results] == [(0.0, False), (8.0, True), (0.9, True)]
    # Row 1: the judge's default answer is the first label; the python grader's literal return is 0.3.
    assert [(r.score, r.passed) for r in second.results] == [(1.0, True), (8.0, True), (0.3, False)]
    assert first.results[0].sample["label"] == "incorrect"
    done = client.evals.runs.retrieve(run.id, eval_id=ev.id)
    assert {u.model_name for u in done.per_model_usage} == {"gpt-4.1-2025-04-14"}


def test_create_errors_name_the_param(openai_client) -> None:
    def bad(**kwargs) -> openai.BadRequestError:
        with pytest.raises(openai.BadRequestError) as caught:
            openai_client.evals.create(**kwargs)
        return caught.value

    config = {"type": "custom", "item_schema": ITEM_SCHEMA}
    error = bad(data_source_config=config, testing_criteria=[])
    assert error.param == "testing_criteria" and error.code == "empty_array"
    error = bad(data_source_config=config, testing_criteria=[{**EXACT, "operation": "sounds_like"}])
    assert error.param.startswith("testing_criteria[0]")  # the contract layer answers first
    error = bad(data_source_config=config, testing_criteria=[{**EXACT, "input": "{{answer.text}}"}])
    assert error.param == "testing_criteria[0].input" and "namespace" in error.message
    label = {"type": "label_model", "name": "l", "model": "gpt-4o-mini", "labels": ["a", "b"],
             "passing_labels": ["c"], "input": [{"role": "user", "content": "x"}]}  # fmt: skip
    assert bad(data_source_config=config, testing_criteria=[label]).param == "testing_criteria[0].passing_labels[0]"
    unknown = {**label, "passing_labels": ["a"], "model": "gpt-nonexistent"}
    error = bad(data_source_config=config, testing_criteria=[unknown])
    assert error.param == "testing_criteria[0].model" and error.code == "model_not_found"
    python = {"type": "python", "name": "p", "source": "def grade(sample, item:\n  return 1"}
    assert bad(data_source_config=config, testing_criteria=[python]).param == "testing_criteria[0].source"
    error = bad(data_source_config={"type": "custom", "item_schema": {"type": "no-such-type"}},
                testing_criteria=[EXACT])  # fmt: skip
    assert error.param == "data_source_config.item_schema"
    assert bad(data_source_config=config, testing_criteria=[EXACT], metadata={"k": "v" * 600}).param == "metadata.k"


def test_run_errors_and_isolation(mockapi, openai_client) -> None:
    client = mockapi.openai_client()
    ev = _eval(client)
    with pytest.raises(openai.BadRequestError) as caught:  # rows are checked against the eval's item_schema
        client.evals.runs.create(ev.id, data_source={"type": "jsonl", "source": {
            "type": "file_content", "content": [{"item": {"question": "no answer"}}]}})  # fmt: skip
    assert caught.value.param == "data_source.source"
    with pytest.raises(openai.BadRequestError) as caught:  # the model's input may only use the item namespace
        client.evals.runs.create(ev.id, data_source={**_completions(), "input_messages": {
            "type": "template", "template": [{"role": "user", "content": "{{sample.output_text}}"}]}})  # fmt: skip
    assert caught.value.param == "data_source.input_messages.template[0].content"
    with pytest.raises(openai.BadRequestError) as caught:
        client.evals.runs.create(ev.id, data_source=_completions(model="gpt-unknown"))
    assert caught.value.code == "model_not_found" and caught.value.param == "data_source.model"
    with pytest.raises(openai.NotFoundError):
        client.evals.runs.create("eval_missing", data_source=_completions())
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve("file-missing")
    run = client.evals.runs.create(ev.id, data_source=_completions())
    other = mockapi.openai_client(api_key="sk-other")
    with pytest.raises(openai.NotFoundError):
        other.evals.retrieve(ev.id)
    with pytest.raises(openai.NotFoundError):
        other.evals.runs.retrieve(run.id, eval_id=ev.id)
    assert other.evals.list().data == []
    second = _eval(client, name="second")
    with pytest.raises(openai.NotFoundError):  # a run is found only under its own eval
        client.evals.runs.retrieve(run.id, eval_id=second.id)
    with pytest.raises(openai.NotFoundError):
        client.evals.runs.output_items.retrieve("outputitem_missing", eval_id=ev.id, run_id=run.id)


def test_grader_run_and_validate(openai_client) -> None:
    graders = openai_client.fine_tuning.alpha.graders
    check = {"type": "string_check", "name": "city", "input": "{{sample.output_text}}",
             "reference": "{{item.city}}", "operation": "ilike"}  # fmt: skip
    result = graders.run(grader=check, model_sample="It is PARIS.", item={"city": "paris"})
    assert result.reward == 1.0 and result.metadata.type == "string_check" and result.metadata.name == "city"
    assert not any(v for v in result.metadata.errors.model_dump().values())
    missing = graders.run(grader=check, model_sample="Paris", item={})
    assert missing.reward == 0.0 and missing.metadata.errors.invalid_variable_error is True
    bleu = graders.run(grader={"type": "text_similarity", "name": "b", "input": "{{sample.output_text}}",
                               "reference": "the cat sat on the mat", "evaluation_metric": "bleu"},
                       model_sample="the cat sat on the mat")  # fmt: skip
    assert bleu.reward == 1.0
    multi = {"type": "multi", "name": "combo", "calculate_output": "0.25 * exact + 0.75 * similar",
             "graders": {"exact": {**check, "name": "exact", "operation": "eq"},
                         "similar": {"type": "text_similarity", "name": "similar", "input": "{{sample.output_text}}",
                                     "reference": "{{item.city}}", "evaluation_metric": "rouge_1"}}}  # fmt: skip
    combined = graders.run(grader=multi, model_sample="paris", item={"city": "paris"})
    assert combined.reward == 1.0 and combined.sub_rewards == {"exact": 1.0, "similar": 1.0}
    half = graders.run(grader=multi, model_sample="Paris", item={"city": "paris"})  # eq is case-sensitive
    assert half.reward == 0.75
    assert graders.validate(grader=check).grader.name == "city"
    with pytest.raises(openai.BadRequestError) as caught:
        graders.validate(grader={**multi, "calculate_output": "exact + os.system(1)"})
    assert caught.value.param == "grader.calculate_output"
    with pytest.raises(openai.BadRequestError) as caught:
        graders.validate(grader={**multi, "calculate_output": "exact + unknown"})
    assert "unknown" in caught.value.message
    with pytest.raises(openai.BadRequestError) as caught:  # a single grader is not a map (openai-java#647)
        graders.run(grader={**multi, "graders": check}, model_sample="x")
    assert caught.value.message.endswith(
        "Invalid type for 'graders.type': expected an object, but got a string instead.")
    with pytest.raises(openai.BadRequestError) as caught:
        graders.run(grader={"type": "text_similarity", "name": "c", "input": "a", "reference": "b",
                            "evaluation_metric": "cosine"}, model_sample="x")  # fmt: skip
    assert caught.value.param == "grader.evaluation_metric"


def test_grader_run_with_a_model_grader_and_python_stand_in(mockapi) -> None:
    client = mockapi.openai_client()
    mockapi.responder.script({"text": '{"result": 0.4}'}, contains="Grade:", model="gpt-4o-mini")
    score = {"type": "score_model", "name": "s", "model": "gpt-4o-mini",
             "input": [{"role": "user", "content": "Grade: {{sample.output_text}}"}]}  # fmt: skip
    result = client.fine_tuning.alpha.graders.run(grader=score, model_sample="An answer")
    assert result.reward == 0.4 and result.metadata.sampled_model_name == "gpt-4o-mini-2024-07-18"
    usage = result.model_grader_token_usage_per_model["gpt-4o-mini-2024-07-18"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0
    mockapi.responder.script({"text": "no idea"}, contains="Grade:", model="gpt-4o-mini")
    unparsable = client.fine_tuning.alpha.graders.run(grader=score, model_sample="x")
    assert unparsable.reward == 0.0 and unparsable.metadata.errors.model_grader_parse_error is True
    python = {"type": "python", "name": "py", "source": "import os\ndef grade(sample, item):\n    return os.getpid()"}
    assert client.fine_tuning.alpha.graders.run(grader=python, model_sample="x").reward == 1.0  # never executed
    mockapi.services["graders"].script(0.25, name="py")
    assert client.fine_tuning.alpha.graders.run(grader=python, model_sample="x").reward == 0.25
