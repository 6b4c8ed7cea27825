"""Assistants family through the official SDK as a demanding user: where the fake differed from the real API."""

from __future__ import annotations

import openai
import pytest

FILE_SEARCH_DEFAULTS = {"ranker": "default_2024_08_21", "score_threshold": 0.0}


def test_bare_file_search_tool_comes_back_with_its_ranking_defaults(openai_client) -> None:
    """Real assistants and runs echo `{"type": "file_search"}` with `file_search.ranking_options` filled in."""
    assistant = openai_client.beta.assistants.create(model="gpt-4o", tools=[{"type": "file_search"}])
    options = assistant.tools[0].file_search
    assert options is not None and options.ranking_options.model_dump() == FILE_SEARCH_DEFAULTS
    assert options.max_num_results is None

    tuned_tool = {"type": "file_search",
                  "file_search": {"max_num_results": 5, "ranking_options": {"score_threshold": 0.4}}}
    tuned = openai_client.beta.assistants.update(assistant.id, tools=[tuned_tool]).tools[0].file_search
    assert tuned.max_num_results == 5
    assert tuned.ranking_options.model_dump() == {"ranker": "default_2024_08_21", "score_threshold": 0.4}

    thread = openai_client.beta.threads.create()
    run = openai_client.beta.threads.runs.create(
        thread_id=thread.id, assistant_id=assistant.id, tools=[{"type": "file_search"}, {"type": "code_interpreter"}],
    )
    assert run.tools[0].file_search.ranking_options.model_dump() == FILE_SEARCH_DEFAULTS
    assert run.tools[1].model_dump(exclude_none=True) == {"type": "code_interpreter"}


@pytest.mark.mockapi(manual_clock=True)
def test_vector_store_file_and_batch_polls_say_when_to_poll_again(mockapi, openai_client) -> None:
    """`files.poll` / `file_batches.poll` (behind `*_and_poll`) wait `openai-poll-after-ms`, else a full second."""
    store = openai_client.vector_stores.create(name="docs")
    uploaded = openai_client.files.create(file=("a.txt", b"Paris is in France."), purpose="assistants")
    created = openai_client.vector_stores.files.with_raw_response.create(vector_store_id=store.id, file_id=uploaded.id)
    assert created.headers["openai-poll-after-ms"] == "25" and created.parse().status == "in_progress"
    polled = openai_client.vector_stores.files.with_raw_response.retrieve(uploaded.id, vector_store_id=store.id)
    assert polled.headers["openai-poll-after-ms"] == "25"

    batch = openai_client.vector_stores.file_batches.with_raw_response.create(store.id, file_ids=[uploaded.id])
    assert batch.headers["openai-poll-after-ms"] == "25"
    batch_id = batch.parse().id
    again = openai_client.vector_stores.file_batches.with_raw_response.retrieve(batch_id, vector_store_id=store.id)
    assert again.headers["openai-poll-after-ms"] == "25" and again.parse().file_counts.in_progress == 1
    mockapi.advance(1)
    done = openai_client.vector_stores.file_batches.poll(batch_id, vector_store_id=store.id)
    assert done.status == "completed" and done.file_counts.completed == 1


WEATHER = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {}}}}


def test_tool_choice_must_name_a_tool_the_run_has(openai_client) -> None:
    """The fake used to force a file search the run had no tool for, or answer in text for an absent function."""
    bare = openai_client.beta.assistants.create(model="gpt-4o")
    weather = openai_client.beta.assistants.create(model="gpt-4o", tools=[WEATHER])
    thread = openai_client.beta.threads.create(messages=[{"role": "user", "content": "Weather in Paris?"}])
    runs = openai_client.beta.threads.runs
    with pytest.raises(openai.BadRequestError) as err:
        runs.create(thread_id=thread.id, assistant_id=bare.id, tool_choice="required")
    assert err.value.body["message"] == (
        "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.")
    assert err.value.param == "tool_choice"
    with pytest.raises(openai.BadRequestError) as err:
        runs.create(thread_id=thread.id, assistant_id=weather.id,
                    tool_choice={"type": "function", "function": {"name": "get_time"}})
    assert err.value.body["message"] == (
        "Invalid value for 'tool_choice': function 'get_time' was not found in the provided 'tools'.")
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.beta.threads.create_and_run(assistant_id=weather.id, tool_choice={"type": "file_search"})
    assert err.value.body["message"] == (
        "Invalid value for 'tool_choice': tool 'file_search' was not found in the provided 'tools'.")
    assert runs.list(thread_id=thread.id).data == []

    # The run's own tools count, not the assistant's.
    run = runs.create(thread_id=thread.id, assistant_id=bare.id, tools=[WEATHER],
                      tool_choice={"type": "function", "function": {"name": "get_weather"}})
    assert run.tool_choice.function.name == "get_weather"


@pytest.mark.mockapi(manual_clock=True)
def test_file_batch_cancel_then_poll_ends_cancelled(openai_client) -> None:
    """`file_batches.poll` stops once no file is in progress; the batch must then already say `cancelled`."""
    store = openai_client.vector_stores.create(name="docs")
    ids = [openai_client.files.create(file=(f"f{i}.txt", b"some text"), purpose="assistants").id for i in range(2)]
    batch = openai_client.vector_stores.file_batches.create(store.id, file_ids=ids)
    answer = openai_client.vector_stores.file_batches.cancel(batch.id, vector_store_id=store.id)
    assert answer.status == "in_progress"  # the spec example's cancel answer
    polled = openai_client.vector_stores.file_batches.poll(batch.id, vector_store_id=store.id)
    assert polled.status == "cancelled" and polled.file_counts.cancelled == 2 and polled.file_counts.in_progress == 0


@pytest.mark.mockapi(validate_requests=False)
def test_message_parts_of_the_wrong_type_without_request_validation(openai_client) -> None:
    """The handlers' own checks (request validation off) said 'Missing required parameter' for a present value of
    the wrong type, where the contract layer (and the API) say `invalid_type`."""
    thread = openai_client.beta.threads.create()
    cases = [
        ({"content": [{"type": "text", "text": {"value": "hi", "annotations": []}}]}, "content[0].text", "a string",
         "an object"),
        ({"content": [{"type": "image_file", "image_file": {"file_id": 5}}]}, "content[0].image_file.file_id",
         "a string", "an integer"),
        ({"content": "hi", "attachments": [{"file_id": ["file-a"], "tools": []}]}, "attachments[0].file_id",
         "a string", "an array"),
    ]
    for body, param, expected, got in cases:
        with pytest.raises(openai.BadRequestError) as err:
            openai_client.beta.threads.messages.create(thread.id, role="user", **body)
        assert err.value.code == "invalid_type" and err.value.param == param
        assert err.value.body["message"] == f"Invalid type for '{param}': expected {expected}, but got {got} instead."
