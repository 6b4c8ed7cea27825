"""Chat completions with the official SDK: replies, tools, structured output, limits, validation, storage."""

from __future__ import annotations

import json
import re
from typing import Literal

import jsonschema
import openai
import pytest
from pydantic import BaseModel

from mockapi import catalog, tokens

MODEL = "gpt-4o-mini"
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                "days": {"type": "integer", "minimum": 1, "maximum": 7},
            },
            "required": ["city", "unit", "days"],
            "additionalProperties": False,
        },
        "strict": True,
    },
}
TIME = {
    "type": "function",
    "function": {"name": "get_time", "parameters": {"type": "object", "properties": {"tz": {"type": "string"}}}},
}


def ask(client, text: str = "Hello there", **kwargs):
    messages = kwargs.pop("messages", None) or [{"role": "user", "content": text}]
    return client.chat.completions.create(model=kwargs.pop("model", MODEL), messages=messages, **kwargs)


# -- replies -----------------------------------------------------------------------------------------


def test_system_and_user_chat_is_deterministic(openai_client) -> None:
    messages = [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "What is the capital of France?"},
    ]
    first = ask(openai_client, messages=messages, seed=7)
    second = ask(openai_client, messages=messages, seed=7)
    assert first.id != second.id and first.id.startswith("chatcmpl-") and len(first.id) == len("chatcmpl-") + 29
    assert first.choices[0].message.content == second.choices[0].message.content
    assert "What is the capital of France?" in first.choices[0].message.content
    assert first.object == "chat.completion"
    assert first.model == "gpt-4o-mini-2024-07-18"  # the snapshot is echoed
    assert re.fullmatch(r"fp_[0-9a-f]{10}", first.system_fingerprint)
    assert first.service_tier == "default"
    choice = first.choices[0]
    assert choice.finish_reason == "stop" and choice.index == 0 and choice.logprobs is None
    assert choice.message.role == "assistant" and choice.message.refusal is None
    other_seed = ask(openai_client, messages=messages, seed=8)
    assert other_seed.choices[0].message.content != first.choices[0].message.content


def test_usage_counts_real_tokens_with_message_overhead(openai_client) -> None:
    messages = [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Count me, please."}]
    done = ask(openai_client, messages=messages)
    # cookbook rule: 3 per message + role + content, +3 to prime the reply
    expected_prompt = 3 + sum(3 + tokens.count(m["role"], MODEL) + tokens.count(m["content"], MODEL) for m in messages)
    assert done.usage.prompt_tokens == expected_prompt == tokens.chat_prompt_tokens(messages, MODEL)
    assert done.usage.completion_tokens == tokens.count(done.choices[0].message.content, MODEL)
    assert done.usage.total_tokens == done.usage.prompt_tokens + done.usage.completion_tokens
    assert done.usage.prompt_tokens_details.cached_tokens == 0
    assert done.usage.completion_tokens_details.reasoning_tokens == 0


def test_scripted_answer_by_regex(mockapi, openai_client) -> None:
    mockapi.responder.script({"text": "Paris."}, regex=r"capital of \w+", surface="chat", repeat=True)
    assert ask(openai_client, "What is the capital of France?").choices[0].message.content == "Paris."
    assert ask(openai_client, "And the capital of Spain?").choices[0].message.content == "Paris."
    assert "Paris" not in ask(openai_client, "Something else").choices[0].message.content


def test_script_over_http_control_plane(mockapi, openai_client, http) -> None:
    created = http.post("/__mockapi__/scripts", json={"match": {"contains": "ping"}, "replies": [{"text": "pong"}]})
    assert created.status_code == 200
    assert ask(openai_client, "ping?").choices[0].message.content == "pong"
    assert "pong" not in ask(openai_client, "ping?").choices[0].message.content  # a FIFO of one reply


def test_n_choices_each_take_a_reply(mockapi, openai_client) -> None:
    mockapi.responder.script([{"text": "one"}, {"text": "two"}])
    done = ask(openai_client, n=3)
    assert [c.index for c in done.choices] == [0, 1, 2]
    assert [c.message.content for c in done.choices[:2]] == ["one", "two"]
    assert done.choices[2].message.content.startswith("You said")
    assert done.usage.completion_tokens == sum(tokens.count(c.message.content, MODEL) for c in done.choices)


def test_stop_sequences_cut_the_text(mockapi, openai_client) -> None:
    mockapi.responder.script({"text": "alpha beta. gamma END delta"}, repeat=True)
    assert ask(openai_client, stop="END").choices[0].message.content == "alpha beta. gamma "
    done = ask(openai_client, stop=["zzz", ".", "END"])
    assert done.choices[0].message.content == "alpha beta" and done.choices[0].finish_reason == "stop"


@pytest.mark.parametrize("limit_name", ["max_tokens", "max_completion_tokens"])
def test_max_tokens_truncates_with_finish_reason_length(mockapi, openai_client, limit_name) -> None:
    long_text = "The quick brown fox jumps over the lazy dog. " * 10
    mockapi.responder.script({"text": long_text}, repeat=True)
    done = ask(openai_client, **{limit_name: 7})
    choice = done.choices[0]
    assert choice.finish_reason == "length"
    assert done.usage.completion_tokens == 7
    assert choice.message.content == tokens.decode(tokens.encode(long_text, MODEL)[:7], MODEL)
    assert long_text.startswith(choice.message.content)
    roomy = ask(openai_client, **{limit_name: 500})
    assert roomy.choices[0].finish_reason == "stop" and roomy.choices[0].message.content == long_text


def test_refusal_and_content_filter(mockapi, openai_client) -> None:
    mockapi.responder.script([
        {"refusal": "I'm sorry, but I can't assist with that."},
        {"text": "partial", "finish_reason": "content_filter"},
    ])
    refused = ask(openai_client, "bad request").choices[0]
    assert refused.message.content is None
    assert refused.message.refusal == "I'm sorry, but I can't assist with that."
    assert refused.finish_reason == "stop"
    filtered = ask(openai_client, "bad request").choices[0]
    assert filtered.finish_reason == "content_filter" and filtered.message.content == "partial"


def test_logprobs_are_deterministic(openai_client) -> None:
    first = ask(openai_client, logprobs=True, top_logprobs=3, seed=1).choices[0]
    again = ask(openai_client, logprobs=True, top_logprobs=3, seed=1).choices[0]
    entries = first.logprobs.content
    assert entries == again.logprobs.content and first.logprobs.refusal is None
    assert "".join(e.token for e in entries) == first.message.content
    for entry in entries:
        assert bytes(entry.bytes).decode() == entry.token and entry.logprob <= 0
        assert len(entry.top_logprobs) == 3 and entry.top_logprobs[0].token == entry.token
        assert all(alt.logprob <= entry.logprob for alt in entry.top_logprobs)
    plain = ask(openai_client, logprobs=True, seed=1).choices[0].logprobs.content
    assert all(e.top_logprobs == [] for e in plain)


def test_scripted_error_fails_the_request(mockapi, openai_client) -> None:
    mockapi.responder.script({"error": {"code": "server_error", "message": "The model crashed."}})
    with pytest.raises(openai.InternalServerError) as err:
        ask(mockapi.openai_client(max_retries=0))
    assert err.value.status_code == 500 and "The model crashed." in err.value.message


def test_fine_tuned_model_answers(mockapi, openai_client) -> None:
    ft_id = "ft:gpt-4o-mini-2024-07-18:user-mockapi::AbC123xy"
    base = catalog.base_models()["gpt-4o-mini-2024-07-18"]
    owner_ns = mockapi.state.namespace("sk-test")
    owner_ns.collection(catalog.FINE_TUNED).add(ft_id, catalog.ModelInfo(
        id=ft_id, created=1, owned_by="user-mockapi", kind=base.kind, encoding=base.encoding,
        context=base.context, max_output=base.max_output, base=base.id,
    ))
    done = ask(openai_client, model=ft_id)
    assert done.model == ft_id and done.choices[0].message.content.startswith("You said")
    with pytest.raises(openai.NotFoundError):
        ask(mockapi.openai_client(api_key="sk-someone-else"), model=ft_id)


def test_batch_lines_run_through_the_same_handler(mockapi) -> None:
    body = {"model": MODEL, "messages": [{"role": "user", "content": "batched"}], "max_tokens": 3}
    status, result = mockapi.dispatcher.execute("POST", "/v1/chat/completions", body, api_key="k", owner="k")
    assert status == 200 and result["choices"][0]["finish_reason"] == "length"
    status, result = mockapi.dispatcher.execute("POST", "/v1/chat/completions", {**body, "model": "nope"},
                                                api_key="k", owner="k")
    assert status == 404 and result["error"]["code"] == "model_not_found"


# -- tools -------------------------------------------------------------------------------------------


def test_function_calling_loop(mockapi, openai_client) -> None:
    mockapi.responder.script({"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius",
                                                                                   "days": 1}}]})
    messages: list[dict] = [{"role": "user", "content": "Weather in Paris?"}]
    first = ask(openai_client, messages=messages, tools=[WEATHER])
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls" and choice.message.content is None
    call = choice.message.tool_calls[0]
    assert call.type == "function" and re.fullmatch(r"call_[A-Za-z0-9]{24}", call.id)
    assert json.loads(call.function.arguments) == {"city": "Paris", "unit": "celsius", "days": 1}

    messages.append({"role": "assistant", "content": None, "tool_calls": [call.model_dump()]})
    messages.append({"role": "tool", "tool_call_id": call.id, "content": '{"temp": 21}'})
    final = ask(openai_client, messages=messages, tools=[WEATHER])
    assert final.choices[0].finish_reason == "stop"
    assert '{"temp": 21}' in final.choices[0].message.content
    assert final.usage.prompt_tokens == tokens.chat_prompt_tokens(messages, MODEL, [WEATHER])


def test_function_calling_loop_appending_the_sdk_message(mockapi, openai_client) -> None:
    mockapi.responder.script({"tool_calls": [{"name": "get_time", "arguments": {"tz": "UTC"}}]})
    messages: list = [{"role": "user", "content": "What time is it?"}]
    message = ask(openai_client, messages=messages, tools=[TIME]).choices[0].message
    messages += [message, {"role": "tool", "tool_call_id": message.tool_calls[0].id, "content": "12:00"}]
    assert "12:00" in ask(openai_client, messages=messages, tools=[TIME]).choices[0].message.content


def test_parallel_tool_calls(mockapi, openai_client) -> None:
    mockapi.responder.script({"tool_calls": [
        {"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius", "days": 1}},
        {"name": "get_time", "arguments": {"tz": "Europe/Paris"}},
    ]}, repeat=True)
    calls = ask(openai_client, tools=[WEATHER, TIME]).choices[0].message.tool_calls
    assert [c.function.name for c in calls] == ["get_weather", "get_time"]
    assert len({c.id for c in calls}) == 2
    single = ask(openai_client, tools=[WEATHER, TIME], parallel_tool_calls=False).choices[0].message.tool_calls
    assert [c.function.name for c in single] == ["get_weather"]


def test_required_tool_choice_without_script_gives_schema_valid_arguments(openai_client) -> None:
    done = ask(openai_client, "Weather please", tools=[WEATHER], tool_choice="required", seed=3)
    again = ask(openai_client, "Weather please", tools=[WEATHER], tool_choice="required", seed=3)
    call = done.choices[0].message.tool_calls[0]
    assert done.choices[0].finish_reason == "tool_calls" and call.function.name == "get_weather"
    arguments = json.loads(call.function.arguments)
    jsonschema.validate(arguments, WEATHER["function"]["parameters"])
    assert again.choices[0].message.tool_calls[0].function.arguments == call.function.arguments
    assert again.choices[0].message.tool_calls[0].id != call.id  # ids are random, as for real


def test_tool_choice_named_none_and_auto(openai_client) -> None:
    forced = {"type": "function", "function": {"name": "get_time"}}
    named = ask(openai_client, tools=[WEATHER, TIME], tool_choice=forced)
    assert named.choices[0].message.tool_calls[0].function.name == "get_time"
    assert named.choices[0].message.tool_calls[0].function.arguments == '{"tz":"sample tz"}'
    for choice in ("none", "auto"):
        plain = ask(openai_client, tools=[WEATHER], tool_choice=choice).choices[0]
        assert plain.message.tool_calls is None and plain.finish_reason == "stop"


def test_legacy_functions_answer_with_function_call(openai_client) -> None:
    functions = [{"name": "get_time", "parameters": {"type": "object", "properties": {"tz": {"type": "string"}}}}]
    done = ask(openai_client, functions=functions, function_call={"name": "get_time"})
    choice = done.choices[0]
    assert choice.finish_reason == "function_call" and choice.message.tool_calls is None
    assert choice.message.function_call.name == "get_time"
    follow_up = [
        {"role": "user", "content": "time?"},
        {"role": "assistant", "content": None, "function_call": {"name": "get_time", "arguments": "{}"}},
        {"role": "function", "name": "get_time", "content": "12:00"},
    ]
    final = ask(openai_client, messages=follow_up, functions=functions)
    assert "12:00" in final.choices[0].message.content


# -- structured output -----------------------------------------------------------------------------


class Address(BaseModel):
    street: str
    city: str


class Person(BaseModel):
    name: str
    age: int
    role: Literal["admin", "user"]
    addresses: list[Address]
    nickname: str | None


def test_parse_with_nested_pydantic_model(openai_client) -> None:
    done = openai_client.chat.completions.parse(
        model=MODEL, messages=[{"role": "user", "content": "Make up a person"}], response_format=Person,
    )
    person = done.choices[0].message.parsed
    assert isinstance(person, Person) and isinstance(person.addresses[0], Address)
    assert person.role in ("admin", "user")


def test_parse_with_strict_pydantic_tool(openai_client) -> None:
    tool = openai.pydantic_function_tool(Address, name="save_address")
    done = openai_client.chat.completions.parse(
        model=MODEL, messages=[{"role": "user", "content": "save it"}], tools=[tool], tool_choice="required",
    )
    assert isinstance(done.choices[0].message.tool_calls[0].function.parsed_arguments, Address)


def test_json_schema_and_json_object_modes(openai_client) -> None:
    schema = Person.model_json_schema()
    fmt = {"type": "json_schema", "json_schema": {"name": "person", "schema": schema}}
    done = ask(openai_client, response_format=fmt)
    jsonschema.validate(json.loads(done.choices[0].message.content), schema)
    as_json = ask(openai_client, "Answer in JSON please", response_format={"type": "json_object"})
    assert isinstance(json.loads(as_json.choices[0].message.content), dict)


def test_parse_raises_on_truncation(mockapi, openai_client) -> None:
    with pytest.raises(openai.LengthFinishReasonError):
        openai_client.chat.completions.parse(
            model=MODEL, messages=[{"role": "user", "content": "x"}], response_format=Person, max_tokens=2,
        )


# -- validation --------------------------------------------------------------------------------------


def _error(client, **kwargs) -> openai.APIStatusError:
    with pytest.raises(openai.APIStatusError) as err:
        ask(client, **kwargs)
    return err.value


def test_unknown_and_wrong_kind_models_are_404(openai_client) -> None:
    missing = _error(openai_client, model="gpt-nope")
    assert missing.status_code == 404 and missing.code == "model_not_found"
    assert missing.body["message"] == "The model `gpt-nope` does not exist or you do not have access to it."
    legacy = _error(openai_client, model="gpt-3.5-turbo-instruct")
    assert legacy.status_code == 404 and legacy.body["param"] == "model"
    assert "This is not a chat model" in legacy.message


def test_tool_message_must_answer_a_tool_call(openai_client) -> None:
    orphan = _error(openai_client, messages=[
        {"role": "user", "content": "hi"}, {"role": "tool", "tool_call_id": "call_x", "content": "1"},
    ])
    assert orphan.status_code == 400 and orphan.body["param"] == "messages.[1].role"
    assert "must be a response to a preceeding message with 'tool_calls'" in orphan.message

    call = {"id": "call_a", "type": "function", "function": {"name": "get_time", "arguments": "{}"}}
    assistant = {"role": "assistant", "content": None, "tool_calls": [call]}
    wrong_id = _error(openai_client, messages=[
        {"role": "user", "content": "hi"}, assistant, {"role": "tool", "tool_call_id": "call_b", "content": "1"},
    ])
    assert "'tool_call_id' of 'call_b' not found in 'tool_calls' of previous message" in wrong_id.message
    unanswered = _error(openai_client, messages=[{"role": "user", "content": "hi"}, assistant,
                                                 {"role": "user", "content": "and?"}])
    assert unanswered.body["message"].endswith("did not have response messages: call_a")


def test_file_parts_need_a_file_id_or_named_data(openai_client) -> None:
    pdf = "data:application/pdf;base64,JVBERi0xLjQK"
    # Inline data without a filename: the real 400 names the missing file_id (openai-agents-python#1513).
    for file in ({"file_data": pdf}, {}):
        err = _error(openai_client, messages=[
            {"role": "system", "content": "Summarize."},
            {"role": "user", "content": [{"type": "text", "text": "This one"}, {"type": "file", "file": file}]},
        ])
        assert err.status_code == 400 and err.body["code"] == "missing_required_parameter"
        assert err.body["param"] == "messages[1].content[1].file.file_id"
        assert err.body["message"] == "Missing required parameter: 'messages[1].content[1].file.file_id'."
    named = openai_client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": [
        {"type": "file", "file": {"filename": "a.pdf", "file_data": pdf}}, {"type": "text", "text": "Sum up"}]}])
    assert named.choices[0].message.content.startswith('You said: "Sum up"')


def test_json_object_needs_the_word_json(openai_client) -> None:
    err = _error(openai_client, response_format={"type": "json_object"})
    assert err.status_code == 400 and err.body["param"] == "messages"
    assert "must contain the word 'json'" in err.message


def test_reasoning_models_reject_max_tokens_and_temperature(openai_client) -> None:
    err = _error(openai_client, model="o3-mini", max_tokens=10)
    assert err.code == "unsupported_parameter" and err.body["param"] == "max_tokens"
    err = _error(openai_client, model="o3-mini", temperature=0.2)
    assert err.code == "unsupported_value"
    assert err.body["message"] == ("Unsupported value: 'temperature' does not support 0.2 with this model. "
                           "Only the default (1) value is supported.")
    ok = ask(openai_client, model="o3-mini", max_completion_tokens=5)
    assert ok.model == "o3-mini-2025-01-31" and ok.usage.completion_tokens == 5



@pytest.mark.parametrize("model, echoed", [("gpt-5.1", "gpt-5.1-2025-11-13"),
                                           ("gpt-5.4-mini", "gpt-5.4-mini-2026-03-17"), ("gpt-5.4", "gpt-5.4")])
def test_current_gpt5_models_chat_like_gpt5(openai_client, model, echoed) -> None:
    reply = ask(openai_client, model=model, max_completion_tokens=200)
    assert reply.model == echoed and reply.choices[0].message.content.startswith('You said: "Hello there"')
    assert reply.usage.completion_tokens_details.reasoning_tokens == 0
    assert reply.usage.prompt_tokens == ask(openai_client, model="gpt-5").usage.prompt_tokens
    assert _error(openai_client, model=model, max_tokens=10).body["param"] == "max_tokens"
    # Sampling controls only when the model does not reason: effort none (their default; OpenAI's latest-model
    # guide, vercel/ai#10940), not with any other effort.
    plain = ask(openai_client, model=model, temperature=0.2, top_p=0.9, logprobs=True, top_logprobs=2)
    assert plain.choices[0].logprobs.content[0].top_logprobs
    reasoning = {"reasoning_effort": "low"}
    assert _error(openai_client, model=model, temperature=0.2, **reasoning).code == "unsupported_value"
    assert _error(openai_client, model=model, logprobs=True, **reasoning).code == "unsupported_parameter"


def test_chat_latest_models_are_chat_models(openai_client) -> None:
    reply = ask(openai_client, model="gpt-5.3-chat-latest", temperature=0.2, max_tokens=50)
    assert reply.model == "gpt-5.3-chat-latest" and reply.choices[0].finish_reason == "stop"


@pytest.mark.parametrize("model", ["o3-pro", "o1-pro", "gpt-5-pro", "gpt-5.2-pro", "gpt-5-codex", "gpt-5.1-codex-max",
                                   "o3-deep-research"])
def test_responses_only_models_get_the_real_404(openai_client, model) -> None:
    err = _error(openai_client, model=model)
    assert isinstance(err, openai.NotFoundError) and err.code is None and err.body["param"] == "model"
    assert err.body["type"] == "invalid_request_error"
    assert err.body["message"] == "This model is only supported in v1/responses and not in v1/chat/completions."


def test_limits_and_ranges(openai_client) -> None:
    too_large = _error(openai_client, max_tokens=20000)
    assert too_large.code == "invalid_value" and "supports at most 16384 completion tokens" in too_large.message
    assert _error(openai_client, n=200).code == "integer_above_max_value"
    assert _error(openai_client, temperature=2.5).body["param"] == "temperature"
    assert _error(openai_client, stop=["a", "b", "c", "d", "e"]).code == "array_above_max_length"
    needs_logprobs = _error(openai_client, top_logprobs=2)
    assert needs_logprobs.body["param"] == "top_logprobs"
    assert _error(openai_client, stream_options={"include_usage": True}).body["param"] == "stream_options"
    assert _error(openai_client, tool_choice="auto").body["param"] == "tool_choice"
    assert _error(openai_client, parallel_tool_calls=True).body["param"] == "parallel_tool_calls"


def test_logit_bias_keys_are_token_ids_and_values_bounded(openai_client) -> None:
    # A word instead of a token id is the classic mistake (the real 400: OkGoDoIt/OpenAI-API-dotnet#163).
    word = _error(openai_client, logit_bias={"AI": 10})
    expected = "Invalid key in 'logit_bias': AI. You should only be submitting non-negative integers."
    assert word.body["message"] == expected
    assert word.body["param"] == "logit_bias" and word.code is None
    # Past the vocabulary's <|endoftext|>: 100257 for cl100k models, 199999 for o200k ones.
    beyond = _error(openai_client, model="gpt-4", logit_bias={"100265": -100})
    assert beyond.body["message"] == "Invalid key in 'logit_bias': 100265. Maximum value is 100257."
    assert "Maximum value is 199999" in _error(openai_client, logit_bias={"200000": 1}).message
    assert _error(openai_client, logit_bias={"1734": 101}).body["param"] == "logit_bias"
    banned = openai_client.chat.completions.create(model="gpt-4", messages=[{"role": "user", "content": "hi"}],
                                                   logit_bias={"100257": 100, "1734": -100})
    assert banned.choices[0].message.content
    with pytest.raises(openai.BadRequestError, match="Invalid key in 'logit_bias': x1"):
        openai_client.completions.create(model="gpt-3.5-turbo-instruct", prompt="hi", logit_bias={"x1": 5})


def test_tool_definitions_are_checked(openai_client) -> None:
    bad_name = {"type": "function", "function": {"name": "get weather!"}}
    err = _error(openai_client, tools=[bad_name])
    assert err.code == "invalid_value" and err.body["param"] == "tools[0].function.name"
    parameters = {"type": "object", "properties": {"a": {"type": "string"}}}
    loose = {"type": "function", "function": {"name": "f", "strict": True, "parameters": parameters}}
    err = _error(openai_client, tools=[loose])
    assert err.code == "invalid_function_parameters"
    assert "'additionalProperties' is required to be supplied and to be false" in err.message
    unknown_choice = _error(openai_client, tools=[TIME], tool_choice={"type": "function", "function": {"name": "x"}})
    assert unknown_choice.body["param"] == "tool_choice"


def test_context_length(openai_client) -> None:
    err = _error(openai_client, model="gpt-4", messages=[{"role": "user", "content": "word " * 9000}])
    assert err.code == "context_length_exceeded" and "maximum context length is 8192 tokens" in err.message


def test_errors_are_plain_json_even_when_streaming(http) -> None:
    response = http.post("/v1/chat/completions", json={
        "model": "gpt-nope", "stream": True, "messages": [{"role": "user", "content": "hi"}],
    })
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"]["code"] == "model_not_found"


# -- stored completions ------------------------------------------------------------------------------


def test_stored_completions_lifecycle(mockapi, openai_client) -> None:
    stored = ask(openai_client, "remember me", store=True, metadata={"topic": "demo"})
    ask(openai_client, "not stored")
    other = ask(openai_client, model="gpt-4o", messages=[
        {"role": "system", "content": "sys"}, {"role": "user", "content": [{"type": "text", "text": "parts"}]},
    ], store=True, metadata={"topic": "other"})

    fetched = openai_client.chat.completions.retrieve(stored.id)
    assert fetched.id == stored.id and fetched.choices[0].message.content == stored.choices[0].message.content
    assert fetched.metadata == {"topic": "demo"}

    listed = openai_client.chat.completions.list()
    assert [c.id for c in listed.data] == [stored.id, other.id]  # oldest first
    assert [c.id for c in openai_client.chat.completions.list(metadata={"topic": "other"}).data] == [other.id]
    assert [c.id for c in openai_client.chat.completions.list(model="gpt-4o-mini").data] == [stored.id]
    assert openai_client.chat.completions.list(metadata={"topic": "none"}).data == []
    assert [c.id for c in openai_client.chat.completions.list(limit=1)] == [stored.id, other.id]

    updated = openai_client.chat.completions.update(stored.id, metadata={"topic": "changed"})
    assert updated.metadata == {"topic": "changed"}

    # The SDK types stored messages as assistant messages (strict mode would reject "system"); the real list
    # returns the input roles, as the document's own example shows.
    messages = mockapi.openai_client().chat.completions.messages.list(other.id)
    assert [(m.id, m.role, m.content) for m in messages.data] == [
        (f"{other.id}-0", "system", "sys"), (f"{other.id}-1", "user", "parts"),
    ]
    assert messages.data[1].content_parts[0].text == "parts" and messages.data[0].content_parts is None

    gone = openai_client.chat.completions.delete(stored.id)
    assert gone.deleted is True and gone.object == "chat.completion.deleted"
    with pytest.raises(openai.NotFoundError):
        openai_client.chat.completions.retrieve(stored.id)
    with pytest.raises(openai.NotFoundError):
        openai_client.chat.completions.delete(stored.id)


def test_reasoning_tokens_are_spent_first_and_count_against_the_limit(mockapi, openai_client) -> None:
    ask = [{"role": "user", "content": "Plan a trip"}]
    full = openai_client.chat.completions.create(model="o3-mini", messages=ask)
    thought = full.usage.completion_tokens_details.reasoning_tokens
    visible = tokens.count(full.choices[0].message.content, "o3-mini")
    assert thought > 0 and full.usage.completion_tokens == thought + visible
    low = openai_client.chat.completions.create(model="o3-mini", messages=ask, reasoning_effort="low")
    assert 0 < low.usage.completion_tokens_details.reasoning_tokens < thought
    # A limit the reasoning uses up leaves no visible output: content "" and finish_reason "length".
    starved = openai_client.chat.completions.create(model="o3-mini", messages=ask, max_completion_tokens=thought)
    assert starved.choices[0].message.content == "" and starved.choices[0].finish_reason == "length"
    assert starved.usage.completion_tokens == starved.usage.completion_tokens_details.reasoning_tokens == thought
    # A script sets the count; a model that does not reason spends none.
    mockapi.responder.script([{"text": "Done.", "reasoning_tokens": 1000}])
    scripted = openai_client.chat.completions.create(model="o3-mini", messages=ask)
    assert scripted.usage.completion_tokens_details.reasoning_tokens == 1000
    plain = openai_client.chat.completions.create(model=MODEL, messages=ask)
    assert plain.usage.completion_tokens_details.reasoning_tokens == 0
    stream = openai_client.chat.completions.create(
        model="o3-mini", messages=ask, stream=True, stream_options={"include_usage": True}
    )
    streamed = [chunk.usage for chunk in stream if chunk.usage is not None]
    assert streamed[0].completion_tokens_details.reasoning_tokens == thought


def test_reasoning_effort_must_be_one_the_model_takes(openai_client) -> None:
    err = _error(openai_client, model="gpt-5", reasoning_effort="none")
    assert err.code == "unsupported_value" and err.body["param"] == "reasoning_effort"
    assert err.body["message"] == ("Unsupported value: 'reasoning_effort' does not support 'none' with this model. "
                           "Supported values are: 'minimal', 'low', 'medium', and 'high'.")  # fmt: skip
    assert "'low', 'medium', and 'high'." in _error(openai_client, model="o3-mini", reasoning_effort="minimal").message
    assert _error(openai_client, model="gpt-5.1", reasoning_effort="minimal").code == "unsupported_value"
    for model, effort in (("gpt-5", "minimal"), ("gpt-5.1", "none"), ("gpt-5.2", "xhigh"), ("o3-mini", "high")):
        assert ask(openai_client, model=model, reasoning_effort=effort).choices[0].message.content
    # The Responses form names the nested parameter.
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.responses.create(model="gpt-5-pro", input="hi", reasoning={"effort": "low"})
    assert caught.value.body["param"] == "reasoning.effort" and "Supported values are: 'high'." in caught.value.message


def test_models_newer_than_the_spec_reason_with_their_own_efforts(openai_client) -> None:
    """gpt-5.5, gpt-5.6 and gpt-6 (in the SDK, not in the pinned spec) answer; "max" came with gpt-5.6."""
    def reasoning(model: str, **kwargs) -> int:
        return ask(openai_client, model=model, **kwargs).usage.completion_tokens_details.reasoning_tokens

    assert reasoning("gpt-6-astra", reasoning_effort="max") > reasoning("gpt-6-astra", reasoning_effort="xhigh") > 0
    assert reasoning("gpt-6-astra") > 0  # no "none" to default to
    assert reasoning("gpt-5.5") == 0  # gpt-5.1 and later default to "none"
    assert reasoning("gpt-5.6-luna", reasoning_effort="max") > 0
    refused = _error(openai_client, model="gpt-6-astra", reasoning_effort="none")
    assert refused.code == "unsupported_value" and refused.message.endswith(
        "Supported values are: 'low', 'medium', 'high', 'xhigh', and 'max'.")
    assert _error(openai_client, model="gpt-5.4", reasoning_effort="max").code == "unsupported_value"
    assert _error(openai_client, model="o3", reasoning_effort="max").code == "unsupported_value"
    pro = _error(openai_client, model="gpt-5.5-pro")
    assert pro.status_code == 404 and "only supported in v1/responses" in pro.message
    answer = openai_client.responses.create(model="gpt-5.5-pro", input="hi")
    assert answer.model == "gpt-5.5-pro-2026-04-23" and answer.usage.output_tokens_details.reasoning_tokens > 0


def test_search_models_cite_the_pages_they_found(mockapi, openai_client) -> None:
    asked = [{"role": "user", "content": "Latest rover news?"}]
    reply = openai_client.chat.completions.create(
        model="gpt-4o-search-preview", messages=asked, web_search_options={"search_context_size": "low"}
    )
    assert reply.model == "gpt-4o-search-preview-2025-03-11"
    message = reply.choices[0].message
    citation = message.annotations[0].url_citation
    assert message.annotations[0].type == "url_citation" and citation.url.startswith("https://example.com/search?q=")
    assert message.content[citation.start_index : citation.end_index] == f"([example.com]({citation.url}))"
    # Cut by the token limit, the citation goes with the text; a scripted answer is kept as written.
    short = openai_client.chat.completions.create(model="gpt-4o-mini-search-preview", messages=asked, max_tokens=5)
    assert short.choices[0].finish_reason == "length" and short.choices[0].message.annotations == []
    mockapi.responder.script([{"text": "No news."}])
    scripted = openai_client.chat.completions.create(model="gpt-4o-mini-search-preview", messages=asked)
    assert scripted.choices[0].message.content == "No news." and scripted.choices[0].message.annotations == []


# -- spoken answers (gpt-audio-mini) -----------------------------------------------------------------------

SPOKEN = {"model": "gpt-audio-mini", "modalities": ["text", "audio"]}


def test_spoken_answer_is_real_audio_with_its_transcript(openai_client) -> None:
    import base64
    import io
    import wave

    said = openai_client.chat.completions.create(
        **SPOKEN, audio={"voice": "alloy", "format": "wav"}, messages=[{"role": "user", "content": "Say hello"}]
    )
    message = said.choices[0].message
    assert message.content is None and re.fullmatch(r"audio_[0-9a-f]{32}", message.audio.id)
    assert message.audio.transcript.startswith('You said: "Say hello"')
    assert message.audio.expires_at > said.created and said.model == "gpt-audio-mini-2025-12-15"
    with wave.open(io.BytesIO(base64.b64decode(message.audio.data))) as sound:
        seconds = sound.getnframes() / sound.getframerate()
        assert (sound.getnchannels(), sound.getframerate()) == (1, 24000)
    assert seconds > len(message.audio.transcript) / 20  # speech takes time to say
    details = said.usage.completion_tokens_details
    assert details.audio_tokens > 0
    assert said.usage.completion_tokens == details.audio_tokens + tokens.count(message.audio.transcript, "gpt-4o")
    # The next turn refers back to the spoken answer by its id, as the docs show.
    again = openai_client.chat.completions.create(
        **SPOKEN, audio={"voice": "alloy", "format": "mp3"},
        messages=[{"role": "user", "content": "Say hello"}, {"role": "assistant", "audio": {"id": message.audio.id}},
                  {"role": "user", "content": "Once more"}],
    )
    assert again.choices[0].message.audio.transcript.startswith('You said: "Once more"')


def test_spoken_answer_streams_transcript_and_pcm16(openai_client) -> None:
    import base64

    chunks = list(openai_client.chat.completions.create(
        **SPOKEN, audio={"voice": "coral", "format": "pcm16"}, messages=[{"role": "user", "content": "Hi"}],
        stream=True, stream_options={"include_usage": True},
    ))  # fmt: skip
    pieces = [c.choices[0].delta.audio for c in chunks if c.choices and c.choices[0].delta.audio]
    assert pieces[0].id.startswith("audio_") and pieces[-1].expires_at and pieces[-1].id is None
    transcript = "".join(p.transcript or "" for p in pieces)
    pcm = b"".join(base64.b64decode(p.data) for p in pieces if p.data)  # each piece decodes on its own
    assert transcript.startswith('You said: "Hi"') and len(pcm) % 2 == 0 and len(pcm) > 24000
    assert all(c.choices[0].delta.content is None for c in chunks if c.choices)
    assert chunks[-1].usage.completion_tokens_details.audio_tokens > 0


@pytest.mark.parametrize(
    ("kwargs", "param", "wording"),
    [
        ({"model": "gpt-audio-mini"}, "model", "either input content or output modality contain audio"),
        ({**SPOKEN, "model": "gpt-4o", "audio": {"voice": "alloy", "format": "wav"}}, "modalities", "audio output"),
        (SPOKEN, "audio", "Missing required parameter"),
        ({**SPOKEN, "audio": {"voice": "alloy", "format": "mp3"}, "stream": True}, "audio.format", "when stream=true"),
    ],
)
def test_spoken_answer_errors(openai_client, kwargs, param, wording) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.chat.completions.create(messages=[{"role": "user", "content": "x"}], **kwargs)
    assert caught.value.body["param"] == param and wording in caught.value.message


def test_custom_tool_calls_on_chat(mockapi, openai_client) -> None:
    """Freeform (custom) tools on chat: a custom tool call carries a string input and is answered by a tool
    message; a stream does not call them (the chunk's tool call is function-only in the document and the SDK)."""
    tools = [{"type": "custom", "custom": {"name": "shell", "description": "Run a shell command"}}]
    forced = {"type": "custom", "custom": {"name": "shell"}}
    asked = openai_client.chat.completions.create(
        model="gpt-5.4", messages=[{"role": "user", "content": "ls -la"}], tools=tools, tool_choice=forced
    )
    [call] = asked.choices[0].message.tool_calls
    assert (call.type, call.custom.name, call.custom.input) == ("custom", "shell", "ls -la")
    assert asked.choices[0].finish_reason == "tool_calls" and asked.usage.completion_tokens > 0
    answered = openai_client.chat.completions.create(model="gpt-5.4", tools=tools, messages=[
        {"role": "user", "content": "ls -la"}, asked.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": "a.txt"},
    ])  # fmt: skip
    assert "a.txt" in answered.choices[0].message.content
    mockapi.responder.script([{"tool_calls": [{"name": "shell", "input": "pwd"}]}])
    scripted = openai_client.chat.completions.create(
        model="gpt-5.4", messages=[{"role": "user", "content": "where am I?"}], tools=tools
    )
    assert scripted.choices[0].message.tool_calls[0].custom.input == "pwd"
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.chat.completions.create(
            model="gpt-5.4", messages=[{"role": "user", "content": "x"}], tools=tools,
            tool_choice={"type": "custom", "custom": {"name": "missing"}},
        )
    assert caught.value.body["param"] == "tool_choice"
    streamed = list(openai_client.chat.completions.create(
        model="gpt-5.4", messages=[{"role": "user", "content": "ls"}], tools=tools, tool_choice=forced, stream=True,
    ))  # fmt: skip
    assert all(not c.choices or c.choices[0].delta.tool_calls is None for c in streamed)
