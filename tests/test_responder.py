"""Unit tests of the shared responder (scripts, matching, default replies) and of schema samples."""

from __future__ import annotations

import json
import re
from typing import Literal

import jsonschema
import pytest
from openai.lib._pydantic import to_strict_json_schema
from pydantic import BaseModel, Field

from mockapi import schema_sample
from mockapi.fake import Fake
from mockapi.responder import Reply, Responder, ToolCall, Turn, default_reply, reply_from

FUNCTION = {
    "type": "function",
    "function": {
        "name": "lookup",
        "parameters": {"type": "object", "properties": {"q": {"type": "string"}, "n": {"type": "integer"}},
                       "required": ["q", "n"]},
    },
}
OTHER = {"type": "function", "function": {"name": "other", "parameters": {"type": "object", "properties": {}}}}


def turn(text: str = "hello", **kwargs) -> Turn:
    messages = kwargs.pop("messages", None) or [{"role": "user", "content": text}]
    return Turn(surface=kwargs.pop("surface", "chat"), model=kwargs.pop("model", "gpt-4o"), messages=messages,
                **kwargs)


# -- scripts -----------------------------------------------------------------------------------------


def test_first_added_matching_script_answers_first() -> None:
    responder = Responder()
    responder.script({"text": "general"}, repeat=True)
    responder.script({"text": "specific"}, contains="weather", repeat=True)
    assert responder.respond(turn("weather?")).text == "general"  # order of addition, not specificity
    other = Responder()
    other.script({"text": "specific"}, contains="weather")
    other.script({"text": "general"}, repeat=True)
    assert [other.respond(turn("weather?")).text for _ in range(2)] == ["specific", "general"]


def test_fifo_then_default() -> None:
    responder = Responder()
    responder.script([{"text": "one"}, {"text": "two"}])
    assert [responder.respond(turn()).text for _ in range(2)] == ["one", "two"]
    assert responder.respond(turn()).text == default_reply(turn()).text
    assert responder.scripts()[0]["used"] == 2


def test_repeat_replays_the_last_reply_with_fresh_call_ids() -> None:
    responder = Responder()
    responder.script([{"text": "first"}, {"tool_calls": [{"name": "lookup", "arguments": {"q": "x"}}]}], repeat=True)
    assert responder.respond(turn()).text == "first"
    calls = [responder.respond(turn()).tool_calls[0] for _ in range(3)]
    assert {c.arguments for c in calls} == {'{"q":"x"}'}
    assert len({c.id for c in calls}) == 3 and all(re.fullmatch(r"call_[A-Za-z0-9]{24}", c.id) for c in calls)


@pytest.mark.parametrize(("match", "hit", "miss"), [
    ({"regex": r"order #\d+"}, turn("where is order #123?"), turn("where is order #abc?")),
    ({"contains": "refund"}, turn("I want a refund"), turn("I want a Refund")),
    ({"surface": "completions"}, turn(surface="completions"), turn(surface="chat")),
    ({"model": "gpt-4o-mini"}, turn(model="gpt-4o-mini"), turn(model="gpt-4o")),
    ({"assistant_id": "asst_1"}, turn(assistant_id="asst_1"), turn(assistant_id="asst_2")),
    ({"thread_id": "thread_1"}, turn(thread_id="thread_1"), turn()),
    ({"owner": "sk-a"}, turn(owner="sk-a"), turn(owner="sk-b")),
    ({"regex": "^hi$", "model": "gpt-4o"}, turn("hi"), turn("hi", model="o3")),
])
def test_matchers(match, hit, miss) -> None:
    responder = Responder()
    responder.script({"text": "scripted"}, repeat=True, **match)
    assert responder.respond(miss).text != "scripted"
    assert responder.respond(hit).text == "scripted"


def test_regex_and_contains_look_at_the_last_user_message_only() -> None:
    responder = Responder()
    responder.script({"text": "scripted"}, contains="secret", repeat=True)
    messages = [{"role": "system", "content": "secret"}, {"role": "user", "content": "hello"}]
    assert responder.respond(turn(messages=messages)).text != "scripted"
    parts = [{"role": "user", "content": [{"type": "text", "text": "the secret word"}]}]
    assert responder.respond(turn(messages=parts)).text == "scripted"


def test_remove_clear_and_describe() -> None:
    responder = Responder()
    first = responder.script(Reply(text="a"))
    responder.script({"text": "b"}, contains="b")
    assert [s["match"]["contains"] for s in responder.scripts()] == [None, "b"]
    assert responder.remove(first) is True and responder.remove(first) is False
    responder.clear()
    assert responder.scripts() == []


def test_reply_from_json_forms() -> None:
    reply = reply_from({"tool_calls": [{"name": "f", "arguments": {"a": [1, 2]}}], "delays": {"queued": 1}})
    assert reply.tool_calls[0].arguments == '{"a":[1,2]}' and reply.delays == {"queued": 1}
    assert reply_from({"error": {"code": "server_error", "message": "x"}}).error["code"] == "server_error"
    with pytest.raises(ValueError, match="unknown reply fields"):
        reply_from({"txt": "typo"})


# -- the deterministic default -----------------------------------------------------------------------


def test_default_quotes_the_user_and_is_deterministic() -> None:
    reply = default_reply(turn("  What   is\n2+2? "))
    assert reply.text.startswith('You said: "What is 2+2?".')
    assert default_reply(turn("  What   is\n2+2? ")).text == reply.text
    assert default_reply(turn("  What   is\n2+2? ", seed=1)).text != reply.text
    assert default_reply(turn("  What   is\n2+2? ", model="gpt-4.1")).text != reply.text
    long = default_reply(turn("word " * 100)).text
    assert '..."' in long and len(long) < 220
    assert default_reply(turn(messages=[{"role": "system", "content": "only system"}])).text.startswith("Hello!")


def test_default_calls_a_tool_only_when_forced() -> None:
    assert default_reply(turn(tools=[FUNCTION])).tool_calls == []
    assert default_reply(turn(tools=[FUNCTION], tool_choice="auto")).tool_calls == []
    required = default_reply(turn(tools=[FUNCTION, OTHER], tool_choice="required"))
    assert [c.name for c in required.tool_calls] == ["lookup"]
    assert json.loads(required.tool_calls[0].arguments) == {"q": "sample q", "n": 1}
    forced = {"type": "function", "function": {"name": "other"}}
    named = default_reply(turn(tools=[FUNCTION, OTHER], tool_choice=forced))
    assert [c.name for c in named.tool_calls] == ["other"] and named.tool_calls[0].arguments == "{}"


def test_default_after_tool_results_quotes_them() -> None:
    call = {"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": "{}"}}
    messages = [
        {"role": "user", "content": "look it up"},
        {"role": "assistant", "content": None, "tool_calls": [call, {**call, "id": "call_2"}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "42"},
        {"role": "tool", "tool_call_id": "call_2", "content": "43"},
    ]
    reply = default_reply(turn(messages=messages, tools=[FUNCTION], tool_choice="required"))
    assert reply.tool_calls == [] and reply.text == "Here is what the tools returned: 42; 43"


def test_default_structured_output() -> None:
    schema = {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"],
              "additionalProperties": False}
    fmt = {"type": "json_schema", "json_schema": {"name": "a", "schema": schema, "strict": True}}
    structured = json.loads(default_reply(turn(response_format=fmt)).text)
    jsonschema.validate(structured, schema)
    as_object = json.loads(default_reply(turn("json please", response_format={"type": "json_object"})).text)
    assert as_object["response"].startswith('You said: "json please"')


# -- wiring: HTTP control and config ---------------------------------------------------------------


def test_http_control_plane() -> None:
    fake = Fake()
    with fake.http_client() as http:
        created = http.post("/__mockapi__/scripts", json={"match": {"regex": "^ping"}, "reply": {"text": "pong"}})
        script_id = created.json()["id"]
        listed = http.get("/__mockapi__/scripts").json()["data"]
        assert [s["id"] for s in listed] == [script_id] and listed[0]["replies"][0]["text"] == "pong"
        assert fake.responder.respond(turn("ping me")).text == "pong"
        bad = http.post("/__mockapi__/scripts", json={"match": {}, "replies": [{"txt": "typo"}]})
        assert bad.status_code == 400
        assert http.delete(f"/__mockapi__/scripts/{script_id}").json() == {"deleted": True}
        http.post("/__mockapi__/scripts", json={"replies": [{"text": "x"}]})
        assert http.delete("/__mockapi__/scripts").json() == {"cleared": True}
        assert fake.responder.scripts() == []


def test_scripts_from_config_inline_and_file(tmp_path) -> None:
    path = tmp_path / "scripts.yaml"
    path.write_text("scripts:\n  - match: {contains: weather}\n    replies:\n      - text: Sunny.\n    repeat: true\n")
    fake = Fake(extra={"scripts": [{"match": {"surface": "completions"}, "reply": {"text": "inline"}}],
                       "scripts_file": str(path)})
    assert fake.responder.respond(turn(surface="completions")).text == "inline"
    assert fake.responder.respond(turn("weather today?")).text == "Sunny."
    json_path = tmp_path / "scripts.json"
    json_path.write_text(json.dumps([{"replies": [{"refusal": "no"}]}]))
    assert Fake(extra={"scripts_file": str(json_path)}).responder.respond(turn()).refusal == "no"


def test_reset_forgets_scripts() -> None:
    fake = Fake()
    fake.responder.script({"text": "x"}, repeat=True)
    fake.reset()
    assert fake.responder.scripts() == []


def test_tool_call_defaults() -> None:
    call = ToolCall(name="f")
    assert call.arguments == "{}" and call.type == "function" and call.id.startswith("call_")


# -- schema samples ---------------------------------------------------------------------------------


class Tag(BaseModel):
    label: str = Field(min_length=3, max_length=5)
    weight: float = Field(gt=0, lt=1)


class Node(BaseModel):
    name: str
    children: list[Node]
    parent: Node | None


class Order(BaseModel):
    id: str = Field(pattern=r"^ORD-[0-9]{4}-[A-Z]{2}$")
    status: Literal["open", "closed"]
    quantity: int = Field(ge=10, le=20, multiple_of=7)
    tags: list[Tag] = Field(min_length=2)
    pair: tuple[int, str]
    note: str | None = None
    email: str = Field(json_schema_extra={"format": "email"})
    lines: list[dict[str, int]]


SCHEMAS = {
    "scalars": {"type": "object", "properties": {
        "s": {"type": "string"}, "i": {"type": "integer"}, "n": {"type": "number"}, "b": {"type": "boolean"},
        "z": {"type": "null"}, "either": {"type": ["string", "null"]},
    }},
    "bounds": {"type": "object", "properties": {
        "small": {"type": "integer", "maximum": -5}, "big": {"type": "integer", "minimum": 100},
        "open": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
        "step": {"type": "integer", "minimum": 15, "multipleOf": 10},
        "short": {"type": "string", "maxLength": 3}, "long": {"type": "string", "minLength": 40},
    }},
    "enum_const": {"type": "object", "properties": {"e": {"enum": ["a", "b"]}, "c": {"const": 3}}},
    "combinators": {"type": "object", "properties": {
        "any": {"anyOf": [{"type": "null"}, {"type": "integer", "minimum": 2}]},
        "one": {"oneOf": [{"type": "string", "format": "date"}, {"type": "integer"}]},
        "all": {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
                          {"properties": {"b": {"type": "integer"}}, "required": ["b"]}]},
    }},
    "arrays": {"type": "object", "properties": {
        "few": {"type": "array", "items": {"type": "string"}, "minItems": 3, "uniqueItems": True},
        "none": {"type": "array", "items": {"type": "integer"}, "maxItems": 0},
        "tuple": {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "boolean"}], "items": False},
    }},
    "formats": {"type": "object", "properties": {
        k: {"type": "string", "format": k} for k in ("date-time", "date", "time", "email", "uri", "uuid", "ipv4")
    }},
    "refs": {"$defs": {"P": {"type": "object", "properties": {"x": {"$ref": "#/$defs/Q"}}, "required": ["x"]},
                       "Q": {"type": "string", "enum": ["q1"]}},
             "type": "object", "properties": {"p": {"$ref": "#/$defs/P"}}, "required": ["p"]},
    "patterns": {"type": "object", "properties": {
        "code": {"type": "string", "pattern": "^[A-Z]{3}-\\d{2,4}$"},
        "choice": {"type": "string", "pattern": "^(red|green)$"},
        "loose": {"type": "string", "pattern": "sample"},
    }},
    "required_without_properties": {"type": "object", "required": ["x"], "minProperties": 2},
    "pydantic_order": Order.model_json_schema(),
    "pydantic_strict": to_strict_json_schema(Order),
    "recursive": to_strict_json_schema(Node),
}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_samples_validate_against_their_schema(name) -> None:
    schema = SCHEMAS[name]
    value = schema_sample.sample(schema)
    jsonschema.validate(value, schema, format_checker=jsonschema.FormatChecker())
    assert schema_sample.sample(schema) == value  # deterministic


def test_samples_are_readable() -> None:
    value = schema_sample.sample({"type": "object", "properties": {"city": {"type": "string"}, "tags": {
        "type": "array", "items": {"type": "string"}}}})
    assert value == {"city": "sample city", "tags": ["sample tags"]}
    assert Order.model_validate(schema_sample.sample(to_strict_json_schema(Order)))
