"""Reference client helpers without a server: tool schemas from functions, the tool loop's mechanics,
structured output, conversation trimming, usage and cost, local fine-tuning file checks."""

from __future__ import annotations

import asyncio
import enum
import json
import threading
from decimal import Decimal
from typing import Annotated, Literal

import httpx
import pytest
from mockapi_client import (
    AsyncClient,
    Client,
    Conversation,
    FineTuneFileError,
    FinishReasonError,
    PriceTable,
    Toolbox,
    ToolLoopError,
    UsageTracker,
    function_schema,
)
from mockapi_client.errors import TokenBudgetError
from mockapi_client.finetune import fine_tune, validate_file
from mockapi_client.structured import response_format, strict_schema
from mockapi_client.tool_loop import arun_chat_tools, run_chat_tools
from mockapi_client.tools import parse_docstring
from pydantic import BaseModel, Field

from mockapi import tokens

# -- schemas from functions ---------------------------------------------------------------------------------


class Unit(enum.StrEnum):
    C = "celsius"
    F = "fahrenheit"


def get_weather(city: str, unit: Unit = Unit.C, days: int = 1) -> dict:
    """Get the weather forecast for a city.

    Args:
        city: The city name, e.g. "Paris".
        unit: Temperature unit
            to report in.
        days (int): How many days ahead.

    Returns:
        The forecast.
    """
    return {"city": city, "unit": unit.value, "days": days}


def search(query: str, tags: list[str], mode: Literal["fast", "deep"] = "fast") -> str:
    """Search the archive.

    :param query: What to look for.
    :param tags: Only items with all of
        these tags.
    :param mode: Search depth.
    :returns: matches
    """
    return f"{query}:{','.join(tags)}:{mode}"


def numpy_style(x: float, y: float | None = None) -> float:
    """Add numbers.

    Parameters
    ----------
    x : float
        The first number.
    y : float, optional
        The second number.

    Returns
    -------
    float
    """
    return x + (y or 0)


def test_schema_from_type_hints_and_google_docstring():
    schema = function_schema(get_weather)
    fn = schema["function"]
    assert schema["type"] == "function" and fn["name"] == "get_weather"
    assert fn["description"] == "Get the weather forecast for a city."
    params = fn["parameters"]
    assert params["type"] == "object" and params["required"] == ["city"]
    assert params["properties"]["city"] == {"type": "string", "description": 'The city name, e.g. "Paris".'}
    assert params["properties"]["days"] == {"type": "integer", "default": 1, "description": "How many days ahead."}
    unit = params["properties"]["unit"]
    assert unit["description"] == "Temperature unit to report in." and unit["default"] == "celsius"
    assert params["$defs"]["Unit"]["enum"] == ["celsius", "fahrenheit"]
    assert "title" not in json.dumps(schema)


def test_schema_from_sphinx_and_numpy_docstrings_and_annotated():
    params = function_schema(search)["function"]["parameters"]
    assert params["properties"]["tags"] == {"type": "array", "items": {"type": "string"},
                                            "description": "Only items with all of these tags."}
    assert params["properties"]["mode"]["enum"] == ["fast", "deep"]
    assert params["required"] == ["query", "tags"]
    summary, described = parse_docstring(numpy_style.__doc__)
    assert summary == "Add numbers." and described == {"x": "The first number.", "y": "The second number."}

    def annotated(n: Annotated[int, Field(ge=1, description="Count")]) -> int:
        return n

    assert function_schema(annotated)["function"]["parameters"]["properties"]["n"] == {
        "type": "integer", "minimum": 1, "description": "Count"}


def test_strict_schema_closes_objects_and_requires_everything():
    fn = function_schema(get_weather, strict=True)["function"]
    params = fn["parameters"]
    assert fn["strict"] is True
    assert params["additionalProperties"] is False and params["required"] == ["city", "unit", "days"]
    assert "default" not in json.dumps(params)


def test_toolbox_validates_arguments_and_reports_errors():
    box = Toolbox([get_weather, search])
    from mockapi_client.tools import ToolCallRequest

    results = box.run([
        ToolCallRequest("call_1", "get_weather", '{"city": "Oslo", "unit": "fahrenheit", "days": "3"}'),
        ToolCallRequest("call_2", "search", '{"query": "q"}'),
        ToolCallRequest("call_3", "nope", "{}"),
    ])
    assert json.loads(results[0].output) == {"city": "Oslo", "unit": "fahrenheit", "days": 3}
    assert results[1].error and "tags" in results[1].error and "error" in json.loads(results[1].output)
    assert "Unknown tool 'nope'" in results[2].error
    strict_box = Toolbox([get_weather], on_error="raise")
    with pytest.raises(ToolLoopError):
        strict_box.run([ToolCallRequest("c", "get_weather", "{}")])


def test_toolbox_runs_parallel_calls_concurrently():
    barrier = threading.Barrier(2, timeout=5)

    def first() -> str:
        barrier.wait()  # only returns once the other call runs at the same time
        return "one"

    def second() -> str:
        barrier.wait()
        return "two"

    from mockapi_client.tools import ToolCallRequest

    results = Toolbox([first, second]).run([ToolCallRequest("a", "first", "{}"), ToolCallRequest("b", "second", "{}")])
    assert [r.output for r in results] == ["one", "two"]


@pytest.mark.anyio
async def test_toolbox_async_runs_sync_and_async_tools_concurrently():
    started = asyncio.Event()

    async def waits() -> str:
        await asyncio.wait_for(started.wait(), 5)
        return "waited"

    async def signals() -> str:
        started.set()
        return "signalled"

    def blocking(n: int) -> int:
        return n * 2

    from mockapi_client.tools import ToolCallRequest

    results = await Toolbox([waits, signals, blocking]).arun([
        ToolCallRequest("a", "waits", "{}"), ToolCallRequest("b", "signals", "{}"),
        ToolCallRequest("c", "blocking", '{"n": 21}'),
    ])
    assert [r.output for r in results] == ["waited", "signalled", "42"]


# -- tool loop against a scripted transport ------------------------------------------------------------------


def completion(message: dict, finish: str = "stop") -> dict:
    return {"id": "chatcmpl-x", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini-2024-07-18",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": None, **message},
                         "finish_reason": finish}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}


def tool_call(call_id: str, name: str, args: dict) -> dict:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}


def loop_transport(bodies: list[dict]):
    replies = iter([
        completion({"tool_calls": [tool_call("call_1", "get_weather", {"city": "Paris"}),
                                   tool_call("call_2", "search", {"query": "rain", "tags": ["eu"]})]}, "tool_calls"),
        completion({"content": "Done: sunny."}),
    ])

    def handler(request):
        bodies.append(json.loads(request.content))
        return httpx.Response(200, json=next(replies))

    return httpx.MockTransport(handler)


def test_chat_tool_loop_feeds_results_back():
    bodies: list[dict] = []
    client = Client(api_key="sk", base_url="http://fake/v1", transport=loop_transport(bodies))
    result = run_chat_tools(client, model="gpt-4o-mini", messages=[{"role": "user", "content": "Weather?"}],
                            tools=[get_weather, search])
    assert result.text == "Done: sunny." and result.rounds == 1 and len(result.calls) == 2
    second = bodies[1]["messages"]
    assert [m["role"] for m in second] == ["user", "assistant", "tool", "tool"]
    assert [m["tool_call_id"] for m in second[2:]] == ["call_1", "call_2"]
    assert json.loads(second[2]["content"])["city"] == "Paris"
    assert {t["function"]["name"] for t in bodies[0]["tools"]} == {"get_weather", "search"}
    assert result.messages[-1] == {"role": "assistant", "content": "Done: sunny."}
    assert client.usage.by_model()["gpt-4o-mini-2024-07-18"].requests == 1  # same id: counted once


@pytest.mark.anyio
async def test_async_chat_tool_loop():
    bodies: list[dict] = []
    client = AsyncClient(api_key="sk", base_url="http://fake/v1", transport=loop_transport(bodies))
    result = await arun_chat_tools(client, model="m", messages=[{"role": "user", "content": "x"}],
                                   tools=[get_weather, search])
    assert result.text == "Done: sunny." and [c.name for c in result.calls] == ["get_weather", "search"]


def test_tool_loop_gives_up_after_max_rounds():
    def handler(request):
        return httpx.Response(200, json=completion({"tool_calls": [tool_call("c", "get_weather", {"city": "X"})]},
                                                   "tool_calls"))

    client = Client(api_key="sk", base_url="http://fake/v1", transport=httpx.MockTransport(handler))
    with pytest.raises(ToolLoopError, match="2 rounds"):
        run_chat_tools(client, model="m", messages=[{"role": "user", "content": "x"}], tools=[get_weather],
                       max_rounds=2)


# -- structured output ---------------------------------------------------------------------------------------


class Step(BaseModel):
    explanation: str
    output: str


class Solution(BaseModel):
    steps: list[Step]
    final_answer: str
    confidence: float | None = None


def test_response_format_is_strict():
    fmt = response_format(Solution)
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["name"] == "Solution"
    schema = fmt["json_schema"]["schema"]
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["steps", "final_answer", "confidence"]
    assert schema["$defs"]["Step"]["additionalProperties"] is False
    assert "default" not in json.dumps(schema)
    inlined = strict_schema({"type": "object", "properties": {"a": {"$ref": "#/$defs/S", "description": "d"}},
                             "$defs": {"S": {"type": "object", "properties": {"x": {"type": "string"}}}}})
    assert inlined["properties"]["a"]["properties"]["x"] == {"type": "string"}
    assert "$ref" not in inlined["properties"]["a"]


def test_parse_into_a_model_and_stopped_early():
    answer = {"steps": [{"explanation": "add", "output": "4"}], "final_answer": "4", "confidence": None}
    replies = iter([completion({"content": json.dumps(answer)}), completion({"content": '{"steps": ['}, "length"),
                    completion({"refusal": "I can't help with that."})])
    bodies = []

    def handler(request):
        bodies.append(json.loads(request.content))
        return httpx.Response(200, json=next(replies))

    client = Client(api_key="sk", base_url="http://fake/v1", transport=httpx.MockTransport(handler))
    messages = [{"role": "user", "content": "2+2?"}]
    parsed = client.chat.completions.parse(model="gpt-4o", messages=messages, response_format=Solution)
    assert isinstance(parsed.parsed, Solution) and parsed.parsed.steps[0].output == "4"
    assert bodies[0]["response_format"]["json_schema"]["strict"] is True
    with pytest.raises(FinishReasonError) as caught:
        client.chat.completions.parse(model="gpt-4o", messages=messages, response_format=Solution)
    assert caught.value.finish_reason == "length"
    refused = client.chat.completions.parse(model="gpt-4o", messages=messages, response_format=Solution)
    assert refused.parsed is None and refused.choices[0].message.refusal


# -- conversation --------------------------------------------------------------------------------------------


def test_conversation_trims_to_budget_keeping_system_and_tool_groups():
    convo = Conversation("gpt-4o-mini", system="You are terse.")
    for i in range(6):
        convo.user(f"question number {i} " + "words " * 20)
        convo.assistant(f"answer {i}")
    convo.add({"role": "assistant", "content": None,
               "tool_calls": [tool_call("call_9", "get_weather", {"city": "Rome"})]})
    convo.add({"role": "tool", "tool_call_id": "call_9", "content": "sunny"})
    convo.user("and now?")
    full = convo.count()
    budget = full // 2
    kept = convo.trimmed(budget)
    assert kept[0] == {"role": "system", "content": "You are terse."}
    assert kept[-1] == {"role": "user", "content": "and now?"}
    assert tokens.chat_prompt_tokens(kept, "gpt-4o-mini") <= budget
    assert len(kept) < len(convo.messages)
    roles = [m["role"] for m in kept]
    for i, role in enumerate(roles):  # a tool reply is never separated from its call
        if role == "tool":
            assert roles[i - 1] in ("assistant", "tool")
    # the tightest budget keeps the most recent unit that fits; too tight raises
    with pytest.raises(TokenBudgetError):
        convo.trimmed(5)
    assert convo.trimmed(None) == convo.messages  # no budget: everything


def test_conversation_budget_is_exact_at_the_boundary():
    convo = Conversation("gpt-4o", system="S", messages=[{"role": "user", "content": "a b c"},
                                                         {"role": "assistant", "content": "d"},
                                                         {"role": "user", "content": "e"}])
    everything = convo.count()
    assert convo.trimmed(everything) == convo.messages
    assert convo.trimmed(everything - 1) == [convo.messages[0], *convo.messages[2:]]


# -- usage and cost ------------------------------------------------------------------------------------------


def test_price_lookup_snapshot_and_fine_tuned():
    prices = PriceTable.load()
    assert prices.lookup("gpt-4o-mini-2024-07-18") == prices.prices["gpt-4o-mini"]
    assert prices.lookup("gpt-4o-2024-05-13") == prices.prices["gpt-4o-2024-05-13"]
    assert prices.lookup("ft:gpt-4o-mini-2024-07-18:org::abc123") == prices.prices["ft:gpt-4o-mini"]
    assert prices.lookup("mystery-model") is None
    # 1M input at $0.15, 500k cached at half price, 200k output at $0.60
    cost = prices.cost("gpt-4o-mini", 1_000_000, 200_000, cached_tokens=500_000)
    assert cost == Decimal("0.075") + Decimal("0.0375") + Decimal("0.12")


def test_usage_tracker_counts_per_model_without_double_counting_polled_objects():
    usage = UsageTracker()
    usage.record_body({"id": "chatcmpl-1", "model": "gpt-4o", "usage": {"prompt_tokens": 1000,
                       "completion_tokens": 100, "total_tokens": 1100,
                       "prompt_tokens_details": {"cached_tokens": 200}}})
    usage.record_body({"id": "chatcmpl-1", "model": "gpt-4o", "usage": {"prompt_tokens": 1000,
                       "completion_tokens": 100, "total_tokens": 1100}})  # re-read: no change
    usage.record("gpt-4o", {"prompt_tokens": 10, "completion_tokens": 0}, "run_1")
    usage.record("gpt-4o", {"prompt_tokens": 30, "completion_tokens": 5}, "run_1")  # the run grew
    usage.record_body({"object": "list", "model": "text-embedding-3-small", "usage": {"prompt_tokens": 8,
                       "total_tokens": 8}})
    usage.record("secret-model", {"input_tokens": 3, "output_tokens": 4})
    by_model = usage.by_model()
    assert by_model["gpt-4o"].requests == 2
    assert (by_model["gpt-4o"].input_tokens, by_model["gpt-4o"].output_tokens) == (1030, 105)
    assert by_model["gpt-4o"].cached_tokens == 200
    expected = (Decimal(830) * Decimal("2.5") + Decimal(200) * Decimal("1.25") + Decimal(105) * 10) / 1_000_000
    assert usage.cost("gpt-4o") == expected
    assert usage.unpriced() == ["secret-model"]
    assert usage.summary()["text-embedding-3-small"]["cost_usd"] == str(Decimal(8) * Decimal("0.02") / 1_000_000)


# -- fine-tuning: local validation -----------------------------------------------------------------------------


def good_example(i: int) -> str:
    return json.dumps({"messages": [{"role": "user", "content": f"q{i}"}, {"role": "assistant", "content": "a"}]})


def test_fine_tune_helper_rejects_bad_file_before_uploading():
    sent = []
    client = Client(api_key="sk", base_url="http://fake/v1",
                    transport=httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(500)))
    bad = "\n".join([good_example(i) for i in range(3)] + ['{"messages": [{"content": "no role"}]}']).encode()
    with pytest.raises(FineTuneFileError) as caught:
        fine_tune(client, ("train.jsonl", bad), model="gpt-4o-mini-2024-07-18")
    codes = [p.code for p in caught.value.problems]
    assert codes == ["invalid_file_format", "invalid_n_examples"]
    assert "Example 4, message 1" in caught.value.problems[0].message
    assert sent == []  # nothing was uploaded
    ok = "\n".join(good_example(i) for i in range(10)).encode()
    assert validate_file(ok, model="gpt-4o-mini") == []
