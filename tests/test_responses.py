"""The Responses API with the official SDK: replies, tools, structured output, streaming, storage, background."""

from __future__ import annotations

import io
import json
import re

import openai
import pytest
from pydantic import BaseModel

from mockapi import tokens

MODEL = "gpt-4o-mini"
WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Current weather in a city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]}},
        "required": ["city", "unit"],
        "additionalProperties": False,
    },
    "strict": True,
}
HEX48 = re.compile(r"^[0-9a-f]{48}$")


def ask(client, said: str = "Hello there", **kwargs):
    return client.responses.create(model=kwargs.pop("model", MODEL), input=said, **kwargs)


# -- replies ---------------------------------------------------------------------------------------


def test_plain_text_response(openai_client) -> None:
    response = ask(openai_client, "What is the capital of France?", instructions="Answer briefly.")
    assert response.object == "response" and response.status == "completed"
    assert response.id.startswith("resp_") and HEX48.match(response.id[5:])
    assert response.model == "gpt-4o-mini-2024-07-18"  # the snapshot is echoed
    assert response.output_text.startswith('You said: "What is the capital of France?"')
    [message] = response.output
    assert message.type == "message" and message.role == "assistant" and message.status == "completed"
    assert message.id.startswith("msg_") and HEX48.match(message.id[4:])
    assert message.content[0].type == "output_text" and message.content[0].annotations == []
    assert response.instructions == "Answer briefly." and response.previous_response_id is None
    assert response.store is True and response.background is False and response.tool_choice == "auto"
    assert response.completed_at is not None and response.completed_at >= response.created_at
    usage = response.usage
    assert usage.output_tokens == tokens.count(response.output_text, MODEL)
    assert usage.input_tokens > tokens.count("What is the capital of France?", MODEL)
    assert usage.total_tokens == usage.input_tokens + usage.output_tokens
    assert usage.input_tokens_details.cached_tokens == 0 and usage.output_tokens_details.reasoning_tokens == 0


def test_replies_are_deterministic(openai_client) -> None:
    first, second = ask(openai_client, "Tell me a joke"), ask(openai_client, "Tell me a joke")
    assert first.id != second.id and first.output_text == second.output_text
    other = ask(openai_client, "Tell me a joke", instructions="You are a pirate.")
    assert other.output_text != first.output_text  # the instructions are part of what the model saw


def test_scripted_by_regex_and_surface(mockapi, openai_client) -> None:
    mockapi.responder.script({"text": "From chat"}, surface="chat", repeat=True)
    mockapi.responder.script({"text": "Paris."}, regex=r"capital of \w+", surface="responses", repeat=True)
    assert ask(openai_client, "What is the capital of France?").output_text == "Paris."
    assert ask(openai_client, "And the capital of Spain?").output_text == "Paris."
    assert ask(openai_client, "Something else").output_text.startswith("You said")
    refusal = mockapi.responder.script({"refusal": "I can't help with that."}, contains="forbidden")
    answer = ask(openai_client, "something forbidden")
    assert answer.output[0].content[0].type == "refusal" and answer.output_text == ""
    assert answer.output[0].content[0].refusal == "I can't help with that."
    assert mockapi.responder.remove(refusal) is True


def test_scripted_failure_fails_the_request(mockapi, openai_client) -> None:
    mockapi.responder.script({"error": {"code": "server_error", "message": "boom"}}, surface="responses")
    with pytest.raises(openai.InternalServerError) as caught:
        ask(openai_client.with_options(max_retries=0))
    assert caught.value.body["message"] == "boom"
    mockapi.responder.script({"error": {"code": "invalid_prompt", "message": "Not allowed."}})
    events = list(ask(openai_client, stream=True))
    assert [e.type for e in events] == ["response.created", "response.in_progress", "response.failed"]
    assert events[-1].response.error.code == "invalid_prompt" and events[-1].response.status == "failed"


# -- function calling ------------------------------------------------------------------------------


def test_function_calling_loop_with_previous_response_id(openai_client) -> None:
    first = ask(openai_client, "What is the weather in Paris?", tools=[WEATHER], tool_choice="required",
                instructions="Be brief.")
    [call] = first.output
    assert call.type == "function_call" and call.name == "get_weather" and call.status == "completed"
    assert call.call_id.startswith("call_") and call.id.startswith("fc_")
    assert json.loads(call.arguments) == {"city": "sample city", "unit": "c"}
    assert first.output_text == "" and first.tools[0].name == "get_weather" and first.tools[0].strict is True

    final = openai_client.responses.create(
        model=MODEL, tools=[WEATHER], previous_response_id=first.id,
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": '{"temp": 21}'}],
    )
    assert final.previous_response_id == first.id and final.instructions is None  # not carried along the chain
    assert final.output_text == 'Here is what the tools returned: {"temp": 21}'
    assert final.usage.input_tokens > first.usage.input_tokens  # the chain is part of the context


def test_function_calling_stateless_loop_and_scripted_calls(mockapi, openai_client) -> None:
    mockapi.responder.script([
        {"text": "Let me check.", "tool_calls": [{"name": "get_weather", "arguments": {"city": "Oslo", "unit": "c"}},
                                                 {"name": "get_weather", "arguments": {"city": "Rome", "unit": "c"}}]},
        {"text": "Oslo 3 °C, Rome 18 °C."},
    ], contains="weather")
    history: list = [{"role": "user", "content": "weather in Oslo and Rome?"}]
    first = openai_client.responses.create(model=MODEL, input=history, tools=[WEATHER])
    assert [item.type for item in first.output] == ["message", "function_call", "function_call"]
    assert first.output_text == "Let me check."
    history += first.output
    for item in first.output:
        if item.type == "function_call":
            city = json.loads(item.arguments)["city"]
            history.append({"type": "function_call_output", "call_id": item.call_id, "output": f"{city}: ok"})
    final = openai_client.responses.create(model=MODEL, input=history, tools=[WEATHER])
    assert final.output_text == "Oslo 3 °C, Rome 18 °C."

    single = ask(openai_client, "Weather?", tools=[WEATHER], tool_choice="required", parallel_tool_calls=False)
    assert len(single.output) == 1 and single.parallel_tool_calls is False
    named = ask(openai_client, "Hi", tools=[WEATHER], tool_choice={"type": "function", "name": "get_weather"})
    assert named.output[0].name == "get_weather"


def test_tool_call_pairing_errors(openai_client) -> None:
    first = ask(openai_client, "Weather?", tools=[WEATHER], tool_choice="required")
    with pytest.raises(openai.BadRequestError) as missing:
        openai_client.responses.create(model=MODEL, input="Never mind", previous_response_id=first.id)
    error = missing.value.body
    assert error["message"] == f"No tool output found for function call {first.output[0].call_id}."
    assert error["param"] == "input" and error["code"] is None
    with pytest.raises(openai.BadRequestError) as orphan:
        openai_client.responses.create(model=MODEL, input=[
            {"type": "function_call_output", "call_id": "call_unknown", "output": "x"}])
    assert orphan.value.body["message"] == "No tool call found for function call output with call_id call_unknown."
    with pytest.raises(openai.BadRequestError) as choice:
        ask(openai_client, tools=[WEATHER], tool_choice={"type": "function", "name": "nope"})
    assert choice.value.body["param"] == "tool_choice"


def test_strict_function_schema_is_checked(openai_client) -> None:
    loose = {**WEATHER, "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}
    with pytest.raises(openai.BadRequestError) as caught:
        ask(openai_client, tools=[loose])
    assert caught.value.body["code"] == "invalid_function_parameters"
    assert "'additionalProperties' is required to be supplied and to be false" in caught.value.body["message"]


# -- structured output -----------------------------------------------------------------------------


class Step(BaseModel):
    explanation: str
    output: str


class MathReasoning(BaseModel):
    steps: list[Step]
    final_answer: str


def test_parse_with_nested_pydantic_model(openai_client) -> None:
    parsed = openai_client.responses.parse(model=MODEL, input="solve 8x + 7 = -23", text_format=MathReasoning)
    answer = parsed.output_parsed
    assert isinstance(answer, MathReasoning) and isinstance(answer.steps[0], Step)
    assert parsed.text.format.type == "json_schema" and parsed.text.format.name == "MathReasoning"
    assert parsed.text.format.strict is True
    assert MathReasoning.model_validate_json(parsed.output_text) == answer


class GetWeather(BaseModel):
    city: str
    days: int


def test_parse_with_pydantic_function_tool(mockapi, openai_client) -> None:
    tool = openai.pydantic_function_tool(GetWeather)
    parsed = openai_client.responses.parse(model=MODEL, input="weather?", tools=[tool], tool_choice="required")
    assert parsed.output[0].parsed_arguments == GetWeather(city="sample city", days=1)
    mockapi.responder.script({"tool_calls": [{"name": "GetWeather", "arguments": {"city": "Oslo", "days": 3}}]})
    scripted = openai_client.responses.parse(model=MODEL, input="weather?", tools=[tool])
    assert scripted.output[0].parsed_arguments == GetWeather(city="Oslo", days=3)


def test_parse_uses_scripted_json_and_json_object_needs_the_word(mockapi, openai_client) -> None:
    mockapi.responder.script({"text": json.dumps({"steps": [], "final_answer": "x = -3.75"})}, surface="responses")
    parsed = openai_client.responses.parse(model=MODEL, input="solve it", text_format=MathReasoning)
    assert parsed.output_parsed.final_answer == "x = -3.75"
    with pytest.raises(openai.BadRequestError) as caught:
        ask(openai_client, "hello", text={"format": {"type": "json_object"}})
    assert "must contain the word 'json'" in caught.value.body["message"]
    reply = ask(openai_client, "answer in JSON", text={"format": {"type": "json_object"}})
    assert json.loads(reply.output_text)["response"].startswith("You said")


# -- streaming ---------------------------------------------------------------------------------------


def test_stream_helper_reassembles_the_non_streamed_response(openai_client) -> None:
    plain = ask(openai_client, "Stream a long answer about the sea, please", instructions="Be poetic.")
    deltas = []
    with openai_client.responses.stream(model=MODEL, input="Stream a long answer about the sea, please",
                                        instructions="Be poetic.") as stream:
        for event in stream:
            if event.type == "response.output_text.delta":
                deltas.append(event.delta)
                last_snapshot = event.snapshot
        final = stream.get_final_response()
    assert len(deltas) > 3 and "".join(deltas) == last_snapshot == plain.output_text
    assert final.output_text == plain.output_text and final.status == "completed"
    assert final.usage == plain.usage
    strip = {"id", "created_at", "completed_at", "output"}
    assert final.model_dump(exclude=strip) == plain.model_dump(exclude=strip)

    def shape(response):
        return [(i.type, i.status, [(c.type, c.text, c.annotations) for c in i.content]) for i in response.output]

    assert shape(final) == shape(plain)


def test_create_stream_event_order(mockapi, openai_client) -> None:
    mockapi.responder.script({"text": "Checking the weather now.",
                              "tool_calls": [{"name": "get_weather", "arguments": {"city": "Oslo", "unit": "c"}}]})
    events = list(ask(openai_client, "weather", tools=[WEATHER], stream=True))
    kinds = [e.type for e in events]
    assert kinds[:4] == ["response.created", "response.in_progress", "response.output_item.added",
                         "response.content_part.added"]
    text_deltas = [e for e in events if e.type == "response.output_text.delta"]
    argument_deltas = [e for e in events if e.type == "response.function_call_arguments.delta"]
    assert kinds == [
        "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
        *["response.output_text.delta"] * len(text_deltas), "response.output_text.done",
        "response.content_part.done", "response.output_item.done", "response.output_item.added",
        *["response.function_call_arguments.delta"] * len(argument_deltas), "response.function_call_arguments.done",
        "response.output_item.done", "response.completed",
    ]
    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert events[0].response.status == "in_progress" and events[0].response.output == []
    assert "".join(e.delta for e in text_deltas) == "Checking the weather now."
    assert all(e.obfuscation for e in text_deltas)  # random filler, on by default
    done = next(e for e in events if e.type == "response.function_call_arguments.done")
    assert "".join(e.delta for e in argument_deltas) == done.arguments == '{"city":"Oslo","unit":"c"}'
    assert done.name == "get_weather" and done.item_id == events[-1].response.output[1].id
    completed = events[-1].response
    assert completed.status == "completed" and completed.usage.output_tokens > 0
    assert openai_client.responses.retrieve(completed.id).output == completed.output  # stored as streamed


def test_stream_with_text_format_and_without_obfuscation(openai_client) -> None:
    with openai_client.responses.stream(model=MODEL, input="solve", text_format=MathReasoning,
                                        stream_options={"include_obfuscation": False}) as stream:
        deltas = [e for e in stream if e.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert isinstance(final.output_parsed, MathReasoning)
    assert all(getattr(e, "obfuscation", None) is None for e in deltas)


# -- storage -----------------------------------------------------------------------------------------


def test_retrieve_delete_and_input_items_pagination(openai_client) -> None:
    sent = [{"role": "user", "content": f"message {i}"} for i in range(5)]
    response = openai_client.responses.create(model=MODEL, input=sent)
    assert openai_client.responses.retrieve(response.id).output_text == response.output_text

    page = openai_client.responses.input_items.list(response.id, limit=2)
    assert [item.content[0].text for item in page.data] == ["message 4", "message 3"]  # newest first
    assert page.has_more is True and page.first_id == page.data[0].id
    every = list(openai_client.responses.input_items.list(response.id, limit=2, order="asc"))
    assert [item.content[0].text for item in every] == [f"message {i}" for i in range(5)]
    assert all(i.type == "message" and i.role == "user" and i.id.startswith("msg_") for i in every)
    assert every[0].content[0].type == "input_text" and every[0].status == "completed"

    assert openai_client.responses.delete(response.id) is None
    with pytest.raises(openai.NotFoundError) as gone:
        openai_client.responses.retrieve(response.id)
    assert gone.value.body["message"] == f"Response with id '{response.id}' not found."
    with pytest.raises(openai.NotFoundError):
        openai_client.responses.delete(response.id)
    with pytest.raises(openai.NotFoundError):
        openai_client.responses.input_items.list(response.id)


def test_delete_answers_with_the_deleted_object(http) -> None:
    created = http.post("/v1/responses", json={"model": MODEL, "input": "hi"}).json()
    answer = http.delete(f"/v1/responses/{created['id']}")
    assert answer.status_code == 200
    assert answer.json() == {"id": created["id"], "object": "response", "deleted": True}


def test_store_false_keeps_nothing(openai_client) -> None:
    response = ask(openai_client, store=False)
    assert response.store is False
    with pytest.raises(openai.NotFoundError):
        openai_client.responses.retrieve(response.id)
    with pytest.raises(openai.BadRequestError) as caught:
        ask(openai_client, previous_response_id=response.id)
    assert caught.value.body["code"] == "previous_response_not_found"


def test_input_item_references_and_output_messages(openai_client) -> None:
    first = ask(openai_client, "Remember the number 42")
    item = first.output[0]
    again = openai_client.responses.create(model=MODEL, input=[
        {"type": "item_reference", "id": item.id}, {"role": "user", "content": "What was the number?"}])
    assert again.output_text.startswith('You said: "What was the number?"')
    listed = openai_client.responses.input_items.list(again.id, order="asc").data
    assert listed[0].id == item.id and listed[0].role == "assistant"


def test_hand_built_history_with_assistant_output_text_and_default_image_detail(openai_client) -> None:
    # The Playground's shape: earlier assistant turns as output_text parts (no annotations); images without
    # `detail` as in the vision guide.
    response = openai_client.responses.create(model=MODEL, input=[
        {"role": "user", "content": [{"type": "input_text", "text": "What is this?"},
                                     {"type": "input_image", "image_url": "https://example.com/cat.png"}]},
        {"role": "assistant", "content": [{"type": "output_text", "text": "A cat."}]},
        {"role": "assistant", "content": [{"type": "refusal", "refusal": "I can't name it."}]},
        {"role": "user", "content": "And its colour?"},
    ])
    assert response.output_text.startswith('You said: "And its colour?"')
    listed = openai_client.responses.input_items.list(response.id, order="asc").data
    assert listed[0].content[1].type == "input_image" and listed[0].content[1].detail == "auto"
    assert listed[1].content[0].type == "output_text" and listed[1].content[0].annotations == []
    for role, part, supported in (
        ("assistant", "input_text", "'output_text' and 'refusal'"),
        ("user", "output_text", "'input_text', 'input_image', and 'input_file'"),
    ):
        with pytest.raises(openai.BadRequestError) as caught:
            openai_client.responses.create(model=MODEL, input=[
                {"role": role, "content": [{"type": part, "text": "x"}]}, {"role": "user", "content": "Hi"}])
        assert caught.value.body["message"] == f"Invalid value: '{part}'. Supported values are: {supported}."
        assert caught.value.body["param"] == "input[0].content[0].type"


def test_function_tool_without_strict_or_parameters(openai_client) -> None:
    # Responses treats an omitted `strict` as strict mode where the schema allows it (function-calling guide).
    loose = {"type": "function", "name": "get_weather",
             "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}
    response = ask(openai_client, "Weather?", tools=[loose, {"type": "function", "name": "ping"}],
                   tool_choice={"type": "function", "name": "get_weather"})
    assert response.output[0].type == "function_call" and response.output[0].name == "get_weather"
    assert [t.strict for t in response.tools] == [True, True] and response.tools[1].parameters is None


def test_input_tokens_count_matches_usage(openai_client) -> None:
    request = {"model": MODEL, "input": "How many tokens is this?", "instructions": "Answer briefly.",
               "tools": [WEATHER]}
    counted = openai_client.responses.input_tokens.count(**request)
    first = openai_client.responses.create(**request)
    assert counted.object == "response.input_tokens" and counted.input_tokens == first.usage.input_tokens
    # Chained: the model may be left out, the earlier context counts.
    chained = openai_client.responses.input_tokens.count(previous_response_id=first.id, input="And now?")
    assert chained.input_tokens == openai_client.responses.create(
        model=MODEL, previous_response_id=first.id, input="And now?").usage.input_tokens
    assert chained.input_tokens > openai_client.responses.input_tokens.count(model=MODEL, input="And now?").input_tokens
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.responses.input_tokens.count(input="No model")
    assert caught.value.body["param"] == "model"


# -- limits and incomplete responses ----------------------------------------------------------------


def test_max_output_tokens_gives_an_incomplete_response(openai_client) -> None:
    long_text = "tell me everything about " + "the history of the world " * 10
    full = ask(openai_client, long_text)
    cut = ask(openai_client, long_text, max_output_tokens=16)
    assert cut.status == "incomplete" and cut.incomplete_details.reason == "max_output_tokens"
    assert cut.usage.output_tokens == 16 and cut.max_output_tokens == 16
    assert cut.output[0].status == "incomplete" and full.output_text.startswith(cut.output_text)
    assert tokens.count(cut.output_text, MODEL) <= 16 and cut.completed_at is None
    events = list(ask(openai_client, long_text, max_output_tokens=16, stream=True))
    assert events[-1].type == "response.incomplete" and events[-1].response.incomplete_details.reason == (
        "max_output_tokens")
    with pytest.raises(openai.BadRequestError) as caught:
        ask(openai_client, max_output_tokens=5)
    assert caught.value.body["code"] == "integer_below_min_value"


def test_content_filter_is_incomplete(mockapi, openai_client) -> None:
    mockapi.responder.script({"text": "Partial", "finish_reason": "content_filter"})
    response = ask(openai_client)
    assert response.status == "incomplete" and response.incomplete_details.reason == "content_filter"


# -- background mode ---------------------------------------------------------------------------------


@pytest.mark.mockapi(manual_clock=True)
def test_background_lifecycle_and_cancel(mockapi, openai_client) -> None:
    mockapi.responder.script({"text": "Done in the background.", "delays": {"queued": 2, "in_progress": 5}})
    queued = ask(openai_client, "long job", background=True)
    assert queued.status == "queued" and queued.background is True and queued.output == []
    assert queued.usage is None and queued.completed_at is None
    mockapi.advance(1)
    assert openai_client.responses.retrieve(queued.id).status == "queued"
    mockapi.advance(2)
    assert openai_client.responses.retrieve(queued.id).status == "in_progress"
    mockapi.advance(5)
    done = openai_client.responses.retrieve(queued.id)
    assert done.status == "completed" and done.output_text == "Done in the background."
    assert done.completed_at == queued.created_at + 7
    assert openai_client.responses.cancel(queued.id).status == "completed"  # finished: returned unchanged

    second = ask(openai_client, "another job", background=True)
    cancelled = openai_client.responses.cancel(second.id)
    assert cancelled.status == "cancelled" and cancelled.output == []
    mockapi.advance(60)
    assert openai_client.responses.retrieve(second.id).status == "cancelled"
    assert openai_client.responses.cancel(second.id).status == "cancelled"  # idempotent

    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.responses.cancel(ask(openai_client).id)
    assert "background" in caught.value.body["message"]
    with pytest.raises(openai.BadRequestError):
        ask(openai_client, background=True, store=False)


@pytest.mark.mockapi(manual_clock=True)
def test_background_response_cannot_be_chained_until_finished(mockapi, openai_client) -> None:
    job = ask(openai_client, "job", background=True)
    with pytest.raises(openai.BadRequestError):
        ask(openai_client, "next", previous_response_id=job.id)
    mockapi.advance(1)
    assert ask(openai_client, "next", previous_response_id=job.id).status == "completed"


@pytest.mark.mockapi(manual_clock=True)
def test_background_failure(mockapi, openai_client) -> None:
    mockapi.responder.script({"error": {"code": "rate_limit_exceeded", "message": "Slow down."}})
    job = ask(openai_client, background=True)
    mockapi.advance(1)
    failed = openai_client.responses.retrieve(job.id)
    assert failed.status == "failed" and failed.error.code == "rate_limit_exceeded"
    assert failed.error.message == "Slow down." and failed.output == []


@pytest.mark.mockapi(manual_clock=True)
def test_background_stream_replayed_by_id(mockapi, openai_client) -> None:
    job = ask(openai_client, "replay me", background=True)
    mockapi.advance(1)
    with openai_client.responses.stream(response_id=job.id) as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_response()
    assert kinds[:3] == ["response.created", "response.queued", "response.in_progress"]
    assert kinds[-1] == "response.completed"
    assert final.output_text == openai_client.responses.retrieve(job.id).output_text
    with openai_client.responses.stream(response_id=job.id, starting_after=len(kinds) - 3) as stream:
        assert [event.sequence_number for event in stream] == [len(kinds) - 2, len(kinds) - 1]
    with pytest.raises(openai.BadRequestError):
        openai_client.responses.retrieve(ask(openai_client).id, stream=True)


def test_background_stream_runs_through(openai_client) -> None:
    events = list(ask(openai_client, "bg stream", background=True, stream=True))
    assert [e.type for e in events[:3]] == ["response.created", "response.queued", "response.in_progress"]
    assert events[0].response.status == "queued" and events[-1].type == "response.completed"
    assert openai_client.responses.retrieve(events[0].response.id).status == "completed"


# -- hosted tools, logprobs, reasoning models --------------------------------------------------------


@pytest.mark.mockapi(manual_clock=True)
def test_file_search_on_vector_stores(mockapi, openai_client) -> None:
    solar = openai_client.files.create(file=("solar.txt", io.BytesIO(
        b"The solar system has eight planets. Jupiter is the largest planet.")), purpose="assistants").id
    store = openai_client.vector_stores.create(name="kb", file_ids=[solar])
    mockapi.advance(1)  # the file is processed on the clock
    tool = {"type": "file_search", "vector_store_ids": [store.id]}
    response = ask(openai_client, "Which planet is the largest?", tools=[tool], tool_choice={"type": "file_search"},
                   include=["file_search_call.results"])
    search, message = response.output
    assert search.type == "file_search_call" and search.status == "completed" and search.id.startswith("fs_")
    assert search.queries == ["Which planet is the largest?"] and search.results[0].file_id == solar
    assert "Jupiter" in message.content[0].text
    [citation] = message.content[0].annotations
    assert (citation.type, citation.file_id, citation.filename) == ("file_citation", solar, "solar.txt")
    assert citation.index == len(message.content[0].text)
    plain = ask(openai_client, "Which planet is the largest?", tools=[tool], tool_choice={"type": "file_search"})
    assert plain.output[0].results is None  # results only with include[]
    auto = ask(openai_client, "Which planet is the largest?", tools=[tool])
    assert [i.type for i in auto.output] == ["message"]  # never called unless forced or scripted



def test_file_search_needs_the_callers_vector_stores(openai_client) -> None:
    store = openai_client.vector_stores.create(name="kb")
    other = openai_client.with_options(api_key="sk-someone-else")
    for client, store_id in ((openai_client, "vs_nope"), (other, store.id)):
        with pytest.raises(openai.NotFoundError) as caught:
            ask(client, tools=[{"type": "file_search", "vector_store_ids": [store_id]}])
        assert caught.value.body["message"] == f"No vector store found with id '{store_id}'."
    openai_client.vector_stores.delete(store.id)
    with pytest.raises(openai.NotFoundError):
        ask(openai_client, tools=[{"type": "file_search", "vector_store_ids": [store.id]}])

def test_logprobs_when_included(openai_client) -> None:
    response = ask(openai_client, include=["message.output_text.logprobs"], top_logprobs=2)
    logprobs = response.output[0].content[0].logprobs
    assert len(logprobs) == response.usage.output_tokens
    assert "".join(lp.token for lp in logprobs) == response.output_text
    assert all(len(lp.top_logprobs) == 2 and lp.logprob <= 0 for lp in logprobs)
    assert ask(openai_client).output[0].content[0].logprobs == []


def test_reasoning_models(openai_client) -> None:
    response = ask(openai_client, model="o3-mini", reasoning={"effort": "low"})
    assert response.reasoning.effort == "low" and response.status == "completed"
    reasoning, message = response.output
    assert reasoning.type == "reasoning" and reasoning.id.startswith("rs_") and reasoning.summary == []
    assert response.output_text == message.content[0].text
    chained = openai_client.responses.create(model="o3-mini", input=[
        {"role": "user", "content": "hello"}, *[item.model_dump(exclude_unset=True) for item in response.output],
        {"role": "user", "content": "again"}])
    assert chained.output_text.startswith('You said: "again"')
    with pytest.raises(openai.BadRequestError) as caught:
        ask(openai_client, model="o3-mini", temperature=0.2)
    assert caught.value.body["code"] == "unsupported_value"
    with pytest.raises(openai.BadRequestError) as caught:
        ask(openai_client, reasoning={"effort": "high"})
    assert caught.value.body["param"] == "reasoning.effort"



@pytest.mark.parametrize("model, echoed", [
    ("o3-pro", "o3-pro-2025-06-10"), ("gpt-5-pro", "gpt-5-pro-2025-10-06"), ("gpt-5.1-codex", "gpt-5.1-codex"),
    ("gpt-5.4-mini", "gpt-5.4-mini-2026-03-17"),
])
def test_current_and_responses_only_models(openai_client, model, echoed) -> None:
    response = ask(openai_client, model=model, reasoning={"effort": "high"})
    assert response.status == "completed" and response.model == echoed and response.reasoning.effort == "high"
    assert [item.type for item in response.output] == ["reasoning", "message"]
    assert response.output_text.startswith('You said: "Hello there"')
    with pytest.raises(openai.BadRequestError) as caught:
        ask(openai_client, model=model, temperature=0.5, reasoning={"effort": "high"})
    assert caught.value.body["code"] == "unsupported_value"


def test_sampling_controls_follow_the_reasoning_effort(openai_client) -> None:
    """gpt-5.1 and later take temperature and top_p when they do not reason (effort none, their default)."""
    assert ask(openai_client, model="gpt-5.4", temperature=0.2, top_p=0.9).status == "completed"
    with pytest.raises(openai.BadRequestError) as caught:
        ask(openai_client, model="gpt-5.4", temperature=0.2, reasoning={"effort": "low"})
    assert caught.value.body["param"] == "temperature"
    with pytest.raises(openai.BadRequestError):
        ask(openai_client, model="o4-mini", temperature=0.2)  # o-series: no 'none' effort, so never


def test_stateless_reasoning_with_encrypted_content(openai_client) -> None:
    # The zero-data-retention loop: store=False, ask for the encrypted reasoning and send it back yourself.
    first = ask(openai_client, model="o4-mini", store=False, include=["reasoning.encrypted_content"])
    reasoning = first.output[0]
    assert reasoning.type == "reasoning" and reasoning.encrypted_content
    assert ask(openai_client, model="o4-mini").output[0].encrypted_content is None  # only when included
    again = openai_client.responses.create(model="o4-mini", store=False, include=["reasoning.encrypted_content"],
                                           input=[{"role": "user", "content": "hello"}, *first.output,
                                                  {"role": "user", "content": "again"}])
    assert again.output_text.startswith('You said: "again"')
    with openai_client.responses.stream(model="o4-mini", input="hi", store=False,
                                        include=["reasoning.encrypted_content"]) as stream:
        done = [e.item for e in stream if e.type == "response.output_item.done"]
    assert done[0].type == "reasoning" and done[0].encrypted_content


# -- errors ------------------------------------------------------------------------------------------


def test_error_envelopes(openai_client, http) -> None:
    with pytest.raises(openai.BadRequestError) as previous:
        ask(openai_client, previous_response_id="resp_missing")
    assert previous.value.status_code == 400 and previous.value.body == {
        "message": "Previous response with id 'resp_missing' not found.", "type": "invalid_request_error",
        "param": "previous_response_id", "code": "previous_response_not_found",
    }
    with pytest.raises(openai.NotFoundError) as model:
        ask(openai_client, model="gpt-nonexistent")
    assert model.value.body["code"] == "model_not_found"
    assert model.value.body["message"] == "The model `gpt-nonexistent` does not exist or you do not have access to it."
    with pytest.raises(openai.BadRequestError) as wrong_kind:
        ask(openai_client, model="text-embedding-3-small")
    assert wrong_kind.value.body["param"] == "model"
    with pytest.raises(openai.NotFoundError):
        openai_client.responses.retrieve("resp_missing")
    with pytest.raises(openai.NotFoundError):
        openai_client.responses.cancel("resp_missing")
    missing = http.post("/v1/responses", json={"input": "no model"})
    assert missing.status_code == 400 and missing.json()["error"]["param"] == "model"


@pytest.mark.anyio
async def test_async_client(async_openai_client) -> None:
    response = await async_openai_client.responses.create(model=MODEL, input="async hello")
    assert response.output_text.startswith('You said: "async hello"')
    async with async_openai_client.responses.stream(model=MODEL, input="async hello") as stream:
        async for _ in stream:
            pass
        final = await stream.get_final_response()
    assert final.output_text == response.output_text
    items = [item async for item in async_openai_client.responses.input_items.list(response.id)]
    assert items[0].content[0].text == "async hello"


def test_reasoning_tokens_are_spent_first_and_count_against_max_output_tokens(openai_client) -> None:
    full = ask(openai_client, model="o4-mini")
    thought = full.usage.output_tokens_details.reasoning_tokens
    assert thought > 0 and full.usage.output_tokens == thought + tokens.count(full.output_text, "o4-mini")
    # A limit the reasoning uses up: incomplete, and the output is the reasoning item alone (no message).
    starved = ask(openai_client, model="o4-mini", max_output_tokens=thought)
    assert starved.status == "incomplete" and starved.incomplete_details.reason == "max_output_tokens"
    assert [item.type for item in starved.output] == ["reasoning"] and starved.output_text == ""
    assert starved.usage.output_tokens == starved.usage.output_tokens_details.reasoning_tokens == thought
    # gpt-5.1 reasons only when asked to: its default effort is "none" (the spec's ReasoningEffort).
    default = ask(openai_client, model="gpt-5.1")
    assert default.reasoning.effort == "none" and default.usage.output_tokens_details.reasoning_tokens == 0
    asked = ask(openai_client, model="gpt-5.1", reasoning={"effort": "high"})
    assert asked.usage.output_tokens_details.reasoning_tokens > 0


def test_web_search_calls_and_cites_pages(mockapi, openai_client) -> None:
    tools = [{"type": "web_search"}]
    forced = ask(openai_client, "Latest rover news", tools=tools, tool_choice="required",
                 include=["web_search_call.action.sources"])  # fmt: skip
    search, message = forced.output
    assert search.type == "web_search_call" and search.status == "completed" and search.id.startswith("ws_")
    assert search.action.type == "search" and search.action.query == "Latest rover news"
    citation = message.content[0].annotations[0]
    assert citation.type == "url_citation" and [s.url for s in search.action.sources] == [citation.url]
    assert forced.output_text[citation.start_index : citation.end_index] == f"([example.com]({citation.url}))"
    # A script decides what the search finds; sources are only listed when included.
    page = {"url": "https://nasa.gov/rover", "title": "Rover", "text": "The rover landed."}
    mockapi.responder.script([{"tool_calls": [{"type": "web_search", "query": "rover", "outputs": [page]}]}])
    found = ask(openai_client, "news?", tools=[{"type": "web_search_preview"}])
    assert found.output[0].action.sources is None and "The rover landed." in found.output_text
    assert found.output[1].content[0].annotations[0].url == "https://nasa.gov/rover"
    with pytest.raises(openai.BadRequestError, match="Tool choice 'web_search_preview' not found"):
        ask(openai_client, tool_choice={"type": "web_search_preview"})
    stream = openai_client.responses.create(model=MODEL, input="news", tools=tools, tool_choice="required", stream=True)
    kinds = [event.type for event in stream]
    phases = [k for k in kinds if k.startswith("response.web_search_call.")]
    assert phases == [f"response.web_search_call.{p}" for p in ("in_progress", "searching", "completed")]


def test_parameters_newer_than_the_spec(openai_client) -> None:
    """What the SDK (3.54) sends for current models: effort "max", reasoning context/mode, fast tiers, cache options."""
    answer = openai_client.responses.create(
        model="gpt-5.6-sol", input="hi", reasoning={"effort": "max", "context": "auto", "mode": "pro"},
        service_tier="fast", prompt_cache_options={"mode": "explicit", "ttl": "30m"},
    )
    assert answer.reasoning.effort == "max" and answer.usage.output_tokens_details.reasoning_tokens > 0
    assert (answer.reasoning.context, answer.reasoning.mode) == ("all_turns", "pro")  # the effective values
    assert answer.service_tier == "priority"  # "fast" is served and shown as priority
    older = openai_client.responses.create(model="gpt-5.4", input="hi", reasoning={"context": "auto"})
    assert older.reasoning.context == "current_turn"
    tiers = {m: openai_client.responses.create(model=m, input="hi", service_tier="ultrafast").service_tier
             for m in ("gpt-5.6-sol", "gpt-5.6-luna")}
    assert tiers == {"gpt-5.6-sol": "ultrafast", "gpt-5.6-luna": "default"}
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.responses.create(model="gpt-5.6-sol", input="hi", prompt_cache_options={"ttl": "1h"})
    assert caught.value.body["param"] == "prompt_cache_options.ttl"
    chat = openai_client.chat.completions.create(
        model="gpt-6-sol", messages=[{"role": "user", "content": "hi"}], service_tier="fast",
        prompt_cache_options={"mode": "implicit"},
    )
    assert chat.service_tier == "priority"


def test_compaction_folds_everything_but_the_users_messages(mockapi, openai_client) -> None:
    long_answer = "Lisbon has seven hills, trams and pastel de nata. " * 60
    mockapi.responder.script([{"text": long_answer}])
    first = openai_client.responses.create(model="gpt-5.4", input="Plan a trip to Lisbon")
    second = openai_client.responses.create(model="gpt-5.4", input="And Porto?", previous_response_id=first.id)
    # The default (non-strict) client: the SDK's strict mode refuses the user messages in a compaction's output,
    # which its ResponseOutputItem cannot represent, for the real API's answer too.
    compacted = mockapi.openai_client().responses.compact(model="gpt-5.4", previous_response_id=second.id)
    assert compacted.object == "response.compaction" and compacted.id.startswith("resp_")
    kinds = [(item.type, getattr(item, "role", None)) for item in compacted.output]
    assert kinds == [("message", "user"), ("message", "user"), ("compaction", None)]
    assert compacted.output[-1].id.startswith("cmp_") and compacted.output[-1].encrypted_content.startswith("gAAAAA")
    assert compacted.usage.input_tokens >= second.usage.input_tokens + second.usage.output_tokens  # the whole chain
    # Passed back as the next input (what the docs say to do), the history is shorter than the full chain.
    ask = {"role": "user", "content": "Which city first?"}
    after = openai_client.responses.create(model="gpt-5.4", input=[*compacted.output, ask])
    full = openai_client.responses.create(model="gpt-5.4", input=[ask], previous_response_id=second.id)
    assert 0 < after.usage.input_tokens < full.usage.input_tokens
    listed = [item.type for item in openai_client.responses.input_items.list(after.id, order="asc")]
    assert listed == ["message", "message", "compaction", "message"]
    # A token the server did not make: the real 400.
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.responses.create(
            model="gpt-5.4", input=[{"type": "compaction", "encrypted_content": "gAAAAAforged=="}, ask]
        )
    assert caught.value.code == "invalid_encrypted_content" and caught.value.body["param"] is None
    assert "could not be verified" in caught.value.message


def test_reasoning_summary_when_asked_for(mockapi, openai_client) -> None:
    assert ask(openai_client, model="o4-mini").output[0].summary == []  # not asked for
    summary = ask(openai_client, "Plan a trip", model="o4-mini", reasoning={"summary": "auto"}).output[0].summary
    assert summary[0].type == "summary_text" and "Plan a trip" in summary[0].text
    mockapi.responder.script([{"text": "Go to Lisbon.", "reasoning_summary": "**Choosing a city**\n\nLisbon fits."}])
    with openai_client.responses.stream(model="o4-mini", input="Plan", reasoning={"summary": "detailed"}) as stream:
        deltas = [e.delta for e in stream if e.type == "response.reasoning_summary_text.delta"]
        final = stream.get_final_response()
    assert "".join(deltas) == final.output[0].summary[0].text == "**Choosing a city**\n\nLisbon fits."
    # No reasoning (gpt-5.1's default effort "none"), no summary.
    assert ask(openai_client, model="gpt-5.1", reasoning={"summary": "auto"}).output[0].summary == []


def test_in_stream_compaction_past_the_threshold(mockapi, openai_client) -> None:
    """context_management: once the context passes compact_threshold, the earlier turns are folded into a
    compaction item that leads the output and stands for them in later turns."""
    mockapi.responder.script([{"text": "Lisbon has seven hills, trams and pastel de nata. " * 150}])
    first = openai_client.responses.create(model="gpt-5.4", input="Plan a trip to Lisbon")
    manage = [{"type": "compaction", "compact_threshold": 1000}]
    plain = openai_client.responses.create(model="gpt-5.4", input="And Porto?", previous_response_id=first.id)
    assert plain.usage.input_tokens > 1000 and "compaction" not in [o.type for o in plain.output]
    second = openai_client.responses.create(
        model="gpt-5.4", input="And Porto?", previous_response_id=first.id, context_management=manage
    )
    assert second.output[0].type == "compaction" and second.output[0].id.startswith("cmp_")
    assert second.output[0].encrypted_content.startswith("gAAAAA")
    assert second.usage.input_tokens < plain.usage.input_tokens / 3  # the model read the compaction instead
    assert [i.type for i in openai_client.responses.input_items.list(second.id)] == ["message"]  # input unchanged
    third = openai_client.responses.create(
        model="gpt-5.4", input="Which first?", previous_response_id=second.id, context_management=manage
    )
    assert third.usage.input_tokens < 1000 and third.output[0].type != "compaction"  # the chain stays short
    events = [e.type for e in openai_client.responses.create(
        model="gpt-5.4", input="And Faro?", previous_response_id=first.id, context_management=manage, stream=True,
    )]  # fmt: skip
    added = events.index("response.output_item.added")
    assert events[added : added + 3] == [
        "response.output_item.added", "response.compaction.compacting", "response.output_item.done",
    ]
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.responses.create(model="gpt-5.4", input="x", context_management=[{"type": "truncate"}])
    assert caught.value.body["param"] == "context_management[0].type"
    with pytest.raises(openai.BadRequestError):
        openai_client.responses.create(
            model="gpt-5.4", input="x", context_management=[{"type": "compaction", "compact_threshold": 10}]
        )  # the document's minimum is 1000


def test_code_interpreter_calls_run_in_a_container(mockapi, openai_client) -> None:
    tool = {"type": "code_interpreter", "container": {"type": "auto"}}
    ran = {"type": "code_interpreter", "input": "print(6*7)", "outputs": [{"type": "logs", "logs": "42\n"}]}
    mockapi.responder.script([{"tool_calls": [ran]}, {"text": "The answer is 42."}])
    answered = openai_client.responses.create(
        model="gpt-4o", input="What is 6*7?", tools=[tool], include=["code_interpreter_call.outputs"]
    )
    call, _ = answered.output
    assert (call.type, call.code, call.status) == ("code_interpreter_call", "print(6*7)", "completed")
    assert call.id.startswith("ci_") and call.outputs[0].logs == "42\n" and answered.output_text == "The answer is 42."
    assert call.container_id in {c.id for c in openai_client.containers.list()}  # an auto container, made on use
    # A named container is used as it is; without the include the outputs are null.
    box = openai_client.containers.create(name="mine")
    forced = openai_client.responses.create(
        model="gpt-4o", input="Sum 1 to 10", tools=[{"type": "code_interpreter", "container": box.id}],
        tool_choice={"type": "code_interpreter"},
    )
    assert forced.output[0].container_id == box.id and forced.output[0].outputs is None
    with pytest.raises(openai.NotFoundError):
        openai_client.responses.create(model="gpt-4o", input="x",
                                       tools=[{"type": "code_interpreter", "container": "cntr_missing"}])
    events = [e.type for e in openai_client.responses.create(
        model="gpt-4o", input="Sum 1 to 10", tools=[tool], tool_choice={"type": "code_interpreter"}, stream=True,
    )]  # fmt: skip
    start = events.index("response.code_interpreter_call.in_progress")
    assert events[start - 1] == "response.output_item.added" and "response.code_interpreter_call_code.delta" in events
    assert events.index("response.code_interpreter_call_code.done") < events.index(
        "response.code_interpreter_call.interpreting") < events.index("response.code_interpreter_call.completed")


def test_image_generation_tool_returns_a_picture(openai_client) -> None:
    import base64
    import io

    from PIL import Image

    drawn = openai_client.responses.create(
        model="gpt-4o", input="Draw a lighthouse", tools=[{"type": "image_generation", "size": "1024x1536"}],
        tool_choice={"type": "image_generation"},
    )
    call = drawn.output[0]
    assert call.type == "image_generation_call" and call.id.startswith("ig_") and call.status == "completed"
    picture = Image.open(io.BytesIO(base64.b64decode(call.result)))
    assert (picture.format, picture.size) == ("PNG", (1024, 1536)) and drawn.output_text
    events = [e.type for e in openai_client.responses.create(
        model="gpt-4o", input="Draw a boat", tools=[{"type": "image_generation"}],
        tool_choice={"type": "image_generation"}, stream=True,
    )]  # fmt: skip
    assert [e for e in events if e.startswith("response.image_generation_call")] == [
        "response.image_generation_call.in_progress", "response.image_generation_call.generating",
        "response.image_generation_call.completed",
    ]


def test_custom_tools_get_freeform_input(mockapi, openai_client) -> None:
    """GPT-5 custom tools: the model sends the tool a string (custom_tool_call), the client answers with a
    custom_tool_call_output, as with function calls."""
    patch = {"type": "custom", "name": "apply_patch", "description": "Apply a unified diff"}
    mockapi.responder.script([{"tool_calls": [{"name": "apply_patch", "input": "*** Begin Patch\n*** End Patch"}]}])
    called = openai_client.responses.create(model="gpt-5.4", input="Fix the typo", tools=[patch])
    call = called.output[-1]
    assert (call.type, call.name, call.input) == ("custom_tool_call", "apply_patch", "*** Begin Patch\n*** End Patch")
    assert call.id.startswith("ctc_") and call.call_id.startswith("call_")
    answered = openai_client.responses.create(
        model="gpt-5.4", previous_response_id=called.id, tools=[patch],
        input=[{"type": "custom_tool_call_output", "call_id": call.call_id, "output": "Done. 1 file changed."}],
    )
    assert "Done. 1 file changed." in answered.output_text
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.responses.create(model="gpt-5.4", input="next", previous_response_id=called.id, tools=[patch])
    assert caught.value.body["message"] == f"No tool output found for custom tool call {call.call_id}."
    choice = {"type": "custom", "name": "apply_patch"}
    forced = openai_client.responses.create(model="gpt-5.4", input="rename foo to bar", tools=[patch],
                                            tool_choice=choice)
    assert forced.output[-1].input == "rename foo to bar"
    events = [e.type for e in openai_client.responses.create(
        model="gpt-5.4", input="rename foo", tools=[patch], tool_choice=choice, stream=True,
    )]  # fmt: skip
    assert "response.custom_tool_call_input.delta" in events and "response.custom_tool_call_input.done" in events
    with pytest.raises(openai.BadRequestError):
        openai_client.responses.create(model="gpt-5.4", input="x", tools=[patch],
                                       tool_choice={"type": "custom", "name": "missing"})


def test_scripted_output_items_for_client_run_tools(mockapi, openai_client) -> None:
    """Tools the client runs (shell, apply_patch, ...): a script spells out the item; the fake fills in ids."""
    shell = {"type": "shell_call", "action": {"commands": ["ls -la"], "timeout_ms": 10000, "max_output_length": 4096},
             "environment": None}
    patch = {"type": "apply_patch_call",
             "operation": {"type": "create_file", "path": "hello.py", "diff": "+print('hi')\n"}}
    mockapi.responder.script([{"items": [shell, patch]}])
    asked = openai_client.responses.create(
        model="gpt-5.4", input="List the files, then add hello.py", tools=[{"type": "shell"}, {"type": "apply_patch"}],
    )
    ran, patched = asked.output[-2:]
    assert (ran.type, ran.action.commands, ran.status) == ("shell_call", ["ls -la"], "completed")
    assert ran.id.startswith("sh_") and ran.call_id.startswith("call_") and patched.operation.path == "hello.py"
    assert not [o for o in asked.output if o.type == "message"]  # only the calls, no empty message
    answered = openai_client.responses.create(
        model="gpt-5.4", previous_response_id=asked.id, tools=[{"type": "shell"}, {"type": "apply_patch"}],
        input=[{"type": "shell_call_output", "call_id": ran.call_id,
                "output": [{"stdout": "a.txt\n", "stderr": "", "outcome": {"type": "exit", "exit_code": 0}}]},
               {"type": "apply_patch_call_output", "call_id": patched.call_id, "status": "completed", "output": "ok"}],
    )
    assert "a.txt" in answered.output_text  # the model read what the client ran


def test_mcp_tools_name_one_server(openai_client) -> None:
    """One of server_url or connector_id, and a URL that is one (the document's MCPTool)."""
    remote = {"type": "mcp", "server_label": "docs", "server_url": "https://mcp.example.com/sse",
              "require_approval": "never"}  # fmt: skip
    answer = openai_client.responses.create(model="gpt-4o-mini", input="hi", tools=[remote])
    assert answer.tools[0].server_url == "https://mcp.example.com/sse"
    connector = {"type": "mcp", "server_label": "box", "connector_id": "connector_dropbox", "authorization": "t"}
    assert openai_client.responses.create(model="gpt-4o-mini", input="hi", tools=[connector]).tools[0].connector_id
    for tool, param in [
        ({**remote, "server_url": ""}, "tools[0].server_url"),
        ({**remote, "server_url": "ftp://mcp.example.com"}, "tools[0].server_url"),
        ({**remote, "connector_id": "connector_gmail"}, "tools[0]"),
        ({"type": "mcp", "server_label": "none"}, "tools[0]"),
    ]:
        with pytest.raises(openai.BadRequestError) as caught:
            openai_client.responses.create(model="gpt-4o-mini", input="hi", tools=[tool])
        assert caught.value.body["param"] == param
