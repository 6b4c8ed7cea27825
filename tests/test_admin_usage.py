"""The Usage and Costs API read back what the fake served: a dashboard makes a few calls, then reads them as
buckets, groups, filters and pages on the fake's clock, and as costs from the documented price table."""

from __future__ import annotations

import openai
import pytest

from mockapi.admin import prices

manual = pytest.mark.mockapi(manual_clock=True)
HOUR, DAY = 3600, 86400


def _chat(client, text: str, model: str = "gpt-4o-mini"):
    return client.chat.completions.create(model=model, messages=[{"role": "user", "content": text}])


@manual
def test_dashboard_reads_back_chat_usage_and_costs(mockapi, openai_client, admin) -> None:
    start = mockapi.clock.now_int()
    served = [_chat(openai_client, "Hello there"), _chat(openai_client, "Count to three"),
              _chat(openai_client, "Hi", model="gpt-4o")]
    openai_client.embeddings.create(model="text-embedding-3-small", input="two words", encoding_format="float")
    page = admin.usage.completions(start_time=start, bucket_width="1h", group_by=["model"])
    assert (page.has_more, page.next_page, len(page.data)) == (False, None, 1)
    bucket = page.data[0]
    assert (bucket.start_time, bucket.end_time) == (start, start + HOUR)
    by_model = {r.model: r for r in bucket.results}
    mini = by_model[served[0].model]
    assert mini.num_model_requests == 2 and mini.project_id is None and mini.user_id is None
    assert mini.input_tokens == served[0].usage.prompt_tokens + served[1].usage.prompt_tokens
    assert mini.output_tokens == served[0].usage.completion_tokens + served[1].usage.completion_tokens
    assert by_model[served[2].model].num_model_requests == 1
    [total] = admin.usage.completions(start_time=start).data[0].results  # not grouped: one result, all null
    assert total.num_model_requests == 3 and total.model is None
    [embedded] = admin.usage.embeddings(start_time=start).data[0].results
    assert (embedded.input_tokens, embedded.num_model_requests) == (2, 1)

    costs = admin.usage.costs(start_time=start, group_by=["line_item"])
    items = {r.line_item: r for r in costs.data[0].results}
    _, (price_in, _, price_out) = prices.text("gpt-4o-mini")
    output = items[f"{served[0].model}, output"]
    assert output.quantity == mini.output_tokens
    assert output.amount.value == pytest.approx(mini.output_tokens * price_out / 1e6)
    assert items[f"{served[0].model}, input"].amount.value == pytest.approx(mini.input_tokens * price_in / 1e6)
    assert {r.amount.currency for r in costs.data[0].results} == {"usd"}


@manual
def test_buckets_follow_the_clock_and_page(mockapi, openai_client, admin) -> None:
    start = mockapi.clock.now_int()
    for _ in range(3):
        _chat(openai_client, "tick")
        mockapi.advance(2 * HOUR)
    first = admin.usage.completions(start_time=start, end_time=start + 6 * HOUR, bucket_width="1h", limit=4)
    assert [len(b.results) for b in first.data] == [1, 0, 1, 0] and first.has_more
    rest = admin.usage.completions(start_time=start, end_time=start + 6 * HOUR, bucket_width="1h", limit=4,
                                   page=first.next_page)
    assert [b.start_time for b in rest.data] == [start + 4 * HOUR, start + 5 * HOUR]
    assert [len(b.results) for b in rest.data] == [1, 0] and not rest.has_more and rest.next_page is None
    minutes = admin.usage.completions(start_time=start, bucket_width="1m", limit=1)
    assert minutes.data[0].end_time - minutes.data[0].start_time == 60 and minutes.has_more
    days = admin.usage.completions(start_time=start, bucket_width="1d")
    assert len(days.data) == 1 and days.data[0].results[0].num_model_requests == 3


@manual
@pytest.mark.mockapi(api_keys={"sk-alpha": {"project": "proj_alpha", "id": "key_alpha"},
                               "sk-beta": {"project": "proj_beta"}, "sk-admin-test": {"admin": True}})
def test_group_and_filter_by_project_and_key(mockapi, admin) -> None:
    start = mockapi.clock.now_int()
    alpha, beta = mockapi.openai_client(api_key="sk-alpha"), mockapi.openai_client(api_key="sk-beta")
    _chat(alpha, "one")
    _chat(alpha, "two")
    _chat(beta, "three")
    grouped = admin.usage.completions(start_time=start, group_by=["project_id", "api_key_id"]).data[0].results
    counts = {(r.project_id, r.api_key_id): r.num_model_requests for r in grouped}
    beta_key = next(k for p, k in counts if p == "proj_beta")
    assert counts == {("proj_alpha", "key_alpha"): 2, ("proj_beta", beta_key): 1} and beta_key.startswith("key_")
    only = admin.usage.completions(start_time=start, project_ids=["proj_beta"]).data[0].results
    assert [r.num_model_requests for r in only] == [1]
    assert admin.usage.completions(start_time=start, api_key_ids=["key_alpha"]).data[0].results[0] \
        .num_model_requests == 2
    assert admin.usage.completions(start_time=start, models=["no-such-model"]).data[0].results == []
    assert admin.usage.completions(start_time=start, batch=True).data[0].results == []
    cost_groups = admin.usage.costs(start_time=start, group_by=["project_id"]).data[0].results
    assert {r.project_id for r in cost_groups} == {"proj_alpha", "proj_beta"}
    assert all(r.quantity is None and r.line_item is None for r in cost_groups)


@manual
def test_streams_and_other_kinds_are_metered(mockapi, openai_client, admin) -> None:
    start = mockapi.clock.now_int()
    with openai_client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "stream"}], stream=True,
        stream_options={"include_usage": True},
    ) as stream:
        last = list(stream)[-1]
    response = openai_client.responses.create(model="gpt-4o-mini", input="a response", stream=True)
    completed = next(e for e in response if e.type == "response.completed").response
    results = admin.usage.completions(start_time=start).data[0].results
    assert results[0].num_model_requests == 2
    assert results[0].input_tokens == last.usage.prompt_tokens + completed.usage.input_tokens
    assert results[0].output_tokens == last.usage.completion_tokens + completed.usage.output_tokens

    openai_client.images.generate(model="dall-e-2", prompt="a cat", n=2, size="256x256")
    openai_client.audio.speech.create(model="tts-1", voice="alloy", input="Twelve chars")
    openai_client.moderations.create(input="hello world")
    openai_client.containers.create(name="sandbox")
    store = openai_client.vector_stores.create(name="docs")
    [image] = admin.usage.images(start_time=start, group_by=["size", "source"]).data[0].results
    assert (image.images, image.size, image.source, image.model) == (2, "256x256", "image.generation", None)
    assert admin.usage.audio_speeches(start_time=start).data[0].results[0].characters == 12
    assert admin.usage.moderations(start_time=start).data[0].results[0].input_tokens > 0
    assert admin.usage.code_interpreter_sessions(start_time=start).data[0].results[0].num_sessions == 1
    stored = admin.usage.vector_stores(start_time=start, group_by=["project_id"]).data[0].results
    assert [r.usage_bytes for r in stored] == [store.usage_bytes] and stored[0].project_id.startswith("proj_")
    assert admin.usage.audio_transcriptions(start_time=start).data[0].results == []


def test_a_project_key_gets_the_real_403(mockapi, openai_client) -> None:
    project = mockapi.openai_client(admin_api_key="sk-proj-abc", _strict_response_validation=True)
    with pytest.raises(openai.PermissionDeniedError) as denied:
        project.admin.organization.usage.completions(start_time=0)
    assert denied.value.body["message"] == (
        "You have insufficient permissions for this operation. Missing scopes: api.usage.read."
    )


@pytest.mark.mockapi(require_admin_key=False)
def test_any_key_may_read_usage_when_configured(mockapi) -> None:
    client = mockapi.openai_client(admin_api_key="sk-anything", _strict_response_validation=True)
    assert client.admin.organization.usage.costs(start_time=0, limit=1).data[0].results == []


def test_bad_usage_queries_are_400s_naming_the_param(mockapi, admin, http) -> None:
    headers = {"Authorization": "Bearer sk-admin-test"}
    cases = [
        ({"start_time": 0, "bucket_width": "2h"}, "bucket_width"),
        ({"start_time": 0, "bucket_width": "1h", "limit": 169}, "limit"),
        ({"start_time": 0, "limit": 0}, "limit"),
        ({"start_time": 100, "end_time": 100}, "end_time"),
        ({"start_time": 0, "page": "page_nonsense"}, "page"),
        ({"start_time": "soon"}, "start_time"),
        ({}, "start_time"),
        ({"start_time": -54957679042749230902432235520}, "start_time"),  # was a 500 (fuzzing): beyond int64
        ({"start_time": 0, "end_time": 2**64}, "end_time"),
    ]
    for kind, (params, param) in [(k, case) for k in ("completions", "web_search_calls") for case in cases]:
        response = http.get(f"/v1/organization/usage/{kind}", params=params, headers=headers)
        assert response.status_code == 400 and response.json()["error"]["param"] == param, (params, response.text)
    costs = http.get("/v1/organization/costs", params={"start_time": 0, "limit": 181}, headers=headers)
    assert costs.status_code == 400 and costs.json()["error"]["param"] == "limit"


@manual
def test_hosted_search_calls_are_metered(mockapi, openai_client, admin) -> None:
    """Responses' web_search and file_search calls, read back as usage (grouped, filtered) and as costs."""
    start = mockapi.clock.now_int()
    assert admin.usage.web_search_calls(start_time=start).data[0].results == []  # nothing yet: empty buckets
    web = openai_client.responses.create(model="gpt-4o-mini", input="rover news", tool_choice="required",
                                         tools=[{"type": "web_search", "search_context_size": "high"}])
    assert [item.type for item in web.output] == ["web_search_call", "message"]
    with openai_client.responses.create(model="gpt-4o-mini", input="more news", tools=[{"type": "web_search"}],
                                        tool_choice="required", stream=True) as stream:
        assert list(stream)[-1].type == "response.completed"
    store = openai_client.vector_stores.create(name="kb")
    for _ in range(2):
        openai_client.responses.create(model="gpt-4o-mini", input="rings?", tool_choice="required",
                                       tools=[{"type": "file_search", "vector_store_ids": [store.id]}])

    levels = admin.usage.web_search_calls(start_time=start, group_by=["context_level", "model"]).data[0].results
    assert {(r.context_level, r.num_requests, r.num_model_requests) for r in levels} == \
        {("high", 1, 1), ("medium", 1, 1)}
    assert all(r.object == "organization.usage.web_searches.result" and r.model == web.model for r in levels)
    [total] = admin.usage.web_search_calls(start_time=start).data[0].results
    assert (total.num_requests, total.context_level, total.project_id) == (2, None, None)
    only = admin.usage.web_search_calls(start_time=start, context_levels=["high"]).data[0].results
    assert [r.num_requests for r in only] == [1]
    [files] = admin.usage.file_search_calls(start_time=start, group_by=["vector_store_id", "project_id"]) \
        .data[0].results
    assert (files.object, files.num_requests, files.vector_store_id) == \
        ("organization.usage.file_searches.result", 2, store.id)
    assert files.project_id.startswith("proj_")
    assert admin.usage.file_search_calls(start_time=start, vector_store_ids=["vs_other"]).data[0].results == []
    pages = admin.usage.file_search_calls(start_time=start, bucket_width="1h", end_time=start + 3 * HOUR, limit=2)
    assert [len(b.results) for b in pages.data] == [1, 0] and pages.has_more
    costs = {r.line_item: r for r in admin.usage.costs(start_time=start, group_by=["line_item"]).data[0].results}
    assert costs["Web search tool calls"].amount.value == pytest.approx(2 * prices.WEB_SEARCH_PER_THOUSAND / 1000)
    assert costs["File search tool calls"].quantity == 2


@manual
def test_decisions_usage_is_metered(mockapi, openai_client, admin) -> None:
    start = mockapi.clock.now_int()
    assert admin.usage.decisions(start_time=start).data[0].results == []
    question = {"type": "predicate", "name": "urgent", "instructions": "Is it urgent?"}
    decided = openai_client.decisions.create(model="gpt-6-luna", input="The site is down!", questions=[question])
    [result] = admin.usage.decisions(start_time=start, group_by=["model"]).data[0].results
    assert (result.object, result.model, result.num_model_requests) == \
        ("organization.usage.decisions.result", decided.model, 1)
    assert (result.input_tokens, result.output_tokens) == (decided.usage.input_tokens, decided.usage.output_tokens)
    assert admin.usage.completions(start_time=start).data[0].results == []  # not counted as completions
    items = {r.line_item for r in admin.usage.costs(start_time=start, group_by=["line_item"]).data[0].results}
    assert f"{decided.model}, input" in items
    assert admin.usage.decisions(start_time=start, models=["gpt-4o"]).data[0].results == []
    with pytest.raises(openai.BadRequestError) as bad:
        admin.usage.decisions(start_time=start, bucket_width="1w")
    assert bad.value.param == "bucket_width"
