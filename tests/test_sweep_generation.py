"""Generation endpoints as a demanding SDK user meets them: where the fake differed from the real API.

Each test pins one behaviour of the real service (source in the test's docstring) that the fake used to get wrong.
"""

from __future__ import annotations

import openai
import pytest

MODEL = "gpt-4o-mini"
HI = [{"role": "user", "content": "hi"}]
ROOT_PROBLEM = "schema must be a JSON Schema of 'type: \"object\"', got 'type: \"{}\"'."


def _chat_error(client, **kwargs) -> openai.BadRequestError:
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(**{"model": MODEL, "messages": HI, **kwargs})
    return info.value


def _function(name: str, parameters: dict) -> dict:
    return {"type": "function", "function": {"name": name, "parameters": parameters}}


# -- function parameter schemas are compiled, strict or not ------------------------------------------


@pytest.mark.parametrize(
    ("parameters", "problem"),
    [
        # MCP tools without arguments (langchain-ai/langchain-mcp-adapters#137, #343)
        ({"type": "object"}, "In context=(), object schema missing properties."),
        # modelscope/ms-agent#610, sigoden/aichat#1049
        (
            {"type": "object", "properties": {"paths": {"type": "array"}}},
            "In context=('properties', 'paths'), array schema missing items.",
        ),
        # vercel/ai#1485; a root without a type is reported as "None"
        ({"type": "array", "items": {"type": "string"}}, ROOT_PROBLEM.format("array")),
        ({"anyOf": [{"type": "object", "properties": {}}]}, ROOT_PROBLEM.format("None")),
    ],
)
def test_non_strict_function_schemas_are_checked(openai_client, parameters: dict, problem: str) -> None:
    noop = _function("noop", {"type": "object", "properties": {}})
    err = _chat_error(openai_client, tools=[noop, _function("f", parameters)])
    assert err.body["message"] == f"Invalid schema for function 'f': {problem}"
    assert (err.param, err.code) == ("tools[1].function.parameters", "invalid_function_parameters")


def test_nested_object_without_properties_in_response_format(openai_client) -> None:
    """The same check runs on a json_schema response format, nested too (quoted with a nested context)."""
    schema = {"type": "object", "properties": {"config": {"type": "object"}}, "required": ["config"]}
    err = _chat_error(
        openai_client, response_format={"type": "json_schema", "json_schema": {"name": "cfg", "schema": schema}}
    )
    assert err.body["message"] == (
        "Invalid schema for response_format 'cfg': In context=('properties', 'config'), "
        "object schema missing properties."
    )


def test_responses_function_schema_is_checked(openai_client) -> None:
    """/v1/responses reports the root-type problem on ``tools[i].parameters`` (quoted with that param)."""
    with pytest.raises(openai.BadRequestError) as info:
        openai_client.responses.create(
            model=MODEL, input="hi",
            tools=[{"type": "function", "name": "helloWorld", "parameters": {}, "strict": False}],
        )
    err = info.value
    assert err.body["message"] == "Invalid schema for function 'helloWorld': " + ROOT_PROBLEM.format("None")
    assert (err.param, err.code) == ("tools[0].parameters", "invalid_function_parameters")


def test_well_formed_loose_schemas_still_pass(openai_client) -> None:
    parameters = {"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"}}}}
    reply = openai_client.chat.completions.create(model=MODEL, messages=HI, tools=[_function("tag", parameters)])
    assert reply.choices[0].finish_reason == "stop"


# -- what some model families refuse -----------------------------------------------------------------


@pytest.mark.parametrize("role", ["system", "developer"])
def test_o1_mini_refuses_instruction_roles(openai_client, role: str) -> None:
    """lobehub/lobehub#5704 (developer, api.openai.com) and the o1-mini system-role error of 2024."""
    err = _chat_error(openai_client, model="o1-mini", messages=[{"role": role, "content": "Be brief."}, *HI])
    assert err.body["message"] == f"Unsupported value: 'messages[0].role' does not support '{role}' with this model."
    assert (err.param, err.code) == ("messages[0].role", "unsupported_value")


def test_image_parts_need_a_vision_model(openai_client) -> None:
    """gpt-3.5-turbo answers the 400 quoted in browser-use/web-ui#274 and vllm-project/vllm#11629."""
    content = [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
    ]
    messages = [{"role": "system", "content": "x"}, {"role": "user", "content": content}]
    err = _chat_error(openai_client, model="gpt-3.5-turbo", messages=messages)
    assert err.body["message"] == "Invalid content type. image_url is only supported by certain models."
    assert (err.param, err.code) == ("messages.[1].content.[1].type", None)
    assert openai_client.chat.completions.create(model=MODEL, messages=messages).choices[0].message.content


def test_reasoning_effort_needs_a_reasoning_model(openai_client) -> None:
    err = _chat_error(openai_client, model="gpt-4.1", reasoning_effort="low")
    assert err.body["message"] == "Unsupported parameter: 'reasoning_effort' is not supported with this model."
    assert (err.param, err.code) == ("reasoning_effort", "unsupported_parameter")


@pytest.mark.parametrize("model", ["o3", "o4-mini", "gpt-5-mini"])
def test_newer_reasoning_models_refuse_stop(openai_client, model: str) -> None:
    """crewAIInc/crewAI#2738 (o3), BerriAI/litellm#10080 (o4-mini), gpt-5 captures; o3-mini still takes it."""
    err = _chat_error(openai_client, model=model, stop=["\n"])
    assert err.body["message"] == "Unsupported parameter: 'stop' is not supported with this model."
    assert (err.param, err.code) == ("stop", "unsupported_parameter")
    reply = openai_client.chat.completions.create(model="o3-mini", messages=HI, stop=["zzz"])
    assert reply.choices[0].finish_reason == "stop"


# -- legacy completions --------------------------------------------------------------------------------


def test_token_array_prompts_are_billed_as_sent(openai_client) -> None:
    """A token-array prompt costs its length; ids 1, 2, 3 decode to '"#$', which re-encodes as 2 tokens."""
    single = openai_client.completions.create(model="gpt-3.5-turbo-instruct", prompt=[1, 2, 3], max_tokens=2)
    assert single.usage.prompt_tokens == 3
    batch = openai_client.completions.create(
        model="gpt-3.5-turbo-instruct", prompt=[[1, 2, 3], [4, 5, 6, 7]], max_tokens=2
    )
    assert batch.usage.prompt_tokens == 7
    echoed = openai_client.completions.create(
        model="gpt-3.5-turbo-instruct", prompt=[1, 2, 3], max_tokens=2, echo=True, logprobs=0
    )
    assert echoed.choices[0].logprobs.tokens[:3] == ['"', "#", "$"]


# -- image URLs must be http(s) or image data URLs ------------------------------------------------------

EXPECTED_DATA_URL = (
    "Expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='), "
    "but got "
)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("iVBORw0KGgo=", "a value without the 'data:' prefix."),  # raw base64 without the data: prefix
        ("data:application/pdf;base64,JVBERi0=", "unsupported MIME type 'application/pdf'."),
        ("data:image/png;base64,", "empty base64-encoded bytes."),
        ("data:image/png;base64,not*base64", "an invalid base64-encoded value."),
    ],
)
def test_chat_image_url_must_be_a_link_or_image_data(openai_client, url: str, problem: str) -> None:
    """Real 400s quoted in issues: 'Invalid image URL: 'messages[1].content[0].image_url.url'. Expected ...'."""
    content = [{"type": "text", "text": "What is it?"}, {"type": "image_url", "image_url": {"url": url}}]
    err = _chat_error(openai_client, messages=[{"role": "user", "content": content}])
    param = "messages[0].content[1].image_url.url"
    assert err.body["message"] == f"Invalid image URL: '{param}'. {EXPECTED_DATA_URL}{problem}"
    assert (err.param, err.code) == (param, "invalid_value")


def test_responses_input_image_must_be_a_link_or_image_data(openai_client) -> None:
    """The Responses wording: "Invalid 'input[566].content[2].image_url'. Expected ... but got empty ..."."""
    question = {"type": "input_text", "text": "What is it?"}
    content = [question, {"type": "input_image", "image_url": "data:image/png;base64,"}]
    with pytest.raises(openai.BadRequestError) as info:
        openai_client.responses.create(model=MODEL, input=[{"role": "user", "content": content}])
    err = info.value
    assert err.body["message"] == (
        f"Invalid 'input[0].content[1].image_url'. {EXPECTED_DATA_URL}empty base64-encoded bytes."
    )
    assert (err.param, err.code) == ("input[0].content[1].image_url", "invalid_value")
    good = [question, {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo="}]
    assert openai_client.responses.create(model=MODEL, input=[{"role": "user", "content": good}]).output_text


# -- tool_choice allowed_tools ---------------------------------------------------------------------------


def test_chat_allowed_tools_required_calls_an_allowed_function(openai_client) -> None:
    """``tool_choice: {"type": "allowed_tools", "allowed_tools": {"mode": "required", "tools": [...]}}`` (spec:
    ChatCompletionAllowedToolsChoice) makes the model call one of the listed functions, never an unlisted one."""
    noop = _function("noop", {"type": "object", "properties": {}})
    weather = _function("get_weather", {"type": "object", "properties": {"city": {"type": "string"}}})
    choice = {
        "type": "allowed_tools",
        "allowed_tools": {"mode": "required", "tools": [{"type": "function", "function": {"name": "get_weather"}}]},
    }
    reply = openai_client.chat.completions.create(model="gpt-5", messages=HI, tools=[noop, weather], tool_choice=choice)
    assert reply.choices[0].finish_reason == "tool_calls"
    assert [c.function.name for c in reply.choices[0].message.tool_calls] == ["get_weather"]
