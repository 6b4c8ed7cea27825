"""What the "model" says: scripted replies, matched per request, or a deterministic default.

One responder serves every model surface (chat completions, legacy
completions, assistants runs). A surface builds a ``Turn`` (what the model
sees), asks ``respond(turn)`` and renders the returned ``Reply`` in its own
wire format.

Scripts are matched in the order they were added; the first script whose
matcher fits and still has replies answers, consuming its next reply (a FIFO
queue is a script with no matcher). Without a script the reply is
deterministic (same turn and seed -> same reply) and documented in the README:
- a tool is called only when ``tool_choice`` demands it ("required" or a named
  function), with arguments generated to satisfy the function's JSON schema;
- after tool results, the reply quotes them;
- ``response_format`` json_schema -> JSON valid against the schema; json_object
  -> a JSON object;
- otherwise a short text that quotes the last user message.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import orjson

from mockapi import schema_sample, tokens
from mockapi.ids import new_id
from mockapi.scriptbook import ScriptBook, Scripted


@dataclass
class ToolCall:
    """A tool the model calls. ``type`` is function, code_interpreter, file_search or web_search (Responses)."""

    name: str = ""
    arguments: str = "{}"
    type: str = "function"
    id: str = field(default_factory=lambda: new_id("call_"))
    # code_interpreter: the code and its outputs ([{"type": "logs", "logs"}, {"type": "image", "image": {...}}])
    input: str | None = None
    outputs: list[dict[str, Any]] | None = None
    # file_search / web_search: the query searched (results come from the vector stores; web_search's from
    # ``outputs`` [{"url", "title", "text"}], or one made-up page: the fake has no internet)
    query: str | None = None


@dataclass
class Reply:
    """One turn of the model, in surface-neutral terms."""

    text: str | None = None
    refusal: str | None = None
    annotations: list[dict[str, Any]] = field(default_factory=list)
    tool_calls: list[ToolCall] = field(default_factory=list)
    # Run-level outcomes (assistants): fail with last_error {code, message}; end incomplete with a reason.
    error: dict[str, str] | None = None
    incomplete: str | None = None
    # Force a finish_reason (e.g. "content_filter") where the surface has one.
    finish_reason: str | None = None
    # Tokens a reasoning model spends thinking first (None: the effort's default, mockapi/reasoning.py).
    reasoning_tokens: int | None = None
    # The reasoning summary (Responses, with reasoning.summary set); None: a plain default.
    reasoning_summary: str | None = None
    # Seconds to spend in a state ("queued", "in_progress", ...) before moving on.
    delays: dict[str, float] = field(default_factory=dict)
    # Responses only: output items as given (shell_call, apply_patch_call, mcp_call, computer_call...), placed
    # after the reply's calls; missing id, call_id and status are filled in (mockapi/responses/render.py).
    items: list[dict[str, Any]] = field(default_factory=list)
    # Decisions only: answers in question order, each null (the default) or what to answer (mockapi/decisions.py).
    answers: list[dict[str, Any] | None] = field(default_factory=list)

    @property
    def function_calls(self) -> list[ToolCall]:
        return [c for c in self.tool_calls if c.type == "function"]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Turn:
    """What the model sees for one reply."""

    surface: str  # "chat" | "completions" | "assistants"
    model: str
    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]] = field(default_factory=list)
    tool_choice: Any = None
    response_format: Any = None
    assistant_id: str | None = None
    thread_id: str | None = None
    run_id: str | None = None
    seed: int | None = None
    owner: str | None = None

    @property
    def last_user_text(self) -> str:
        for message in reversed(self.messages):
            if message.get("role") == "user":
                return tokens.message_text(message.get("content"))
        return ""

    @property
    def all_text(self) -> str:
        return "\n".join(tokens.message_text(m.get("content")) for m in self.messages)


@dataclass
class Match:
    """Which turns a script answers; every given field must match."""

    surface: str | None = None
    model: str | None = None
    assistant_id: str | None = None
    thread_id: str | None = None
    contains: str | None = None  # substring of the last user message
    regex: str | None = None  # searched in the last user message
    owner: str | None = None

    def fits(self, turn: Turn) -> bool:
        for name in ("surface", "model", "assistant_id", "thread_id", "owner"):
            wanted = getattr(self, name)
            if wanted is not None and getattr(turn, name) != wanted:
                return False
        text = turn.last_user_text
        if self.contains is not None and self.contains not in text:
            return False
        return self.regex is None or re.search(self.regex, text) is not None


@dataclass
class Script:
    id: str
    match: Match
    replies: list[Reply]
    # Replay the last reply forever instead of running out.
    repeat: bool = False
    used: int = 0

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "match": asdict(self.match),
            "replies": [r.to_dict() for r in self.replies],
            "repeat": self.repeat,
            "used": self.used,
        }

    def answers(self, turn: Turn) -> bool:
        """Whether this script has a reply left for ``turn``."""
        return (self.repeat or self.used < len(self.replies)) and self.match.fits(turn)

    def next_reply(self) -> Reply:
        return self.replies[min(self.used, len(self.replies) - 1)]

    def use(self) -> Reply:
        """The next reply, consumed (a fresh copy: new tool call ids)."""
        reply = self.next_reply()
        self.used += 1
        return _fresh(reply)


class Responder(Scripted[Script]):
    def __init__(self) -> None:
        self._book: ScriptBook[Script] = ScriptBook()

    # -- scripting API -------------------------------------------------------------

    def script(
        self, replies: Reply | dict[str, Any] | list[Reply | dict[str, Any]], *, repeat: bool = False,
        **match: Any,
    ) -> str:
        """Answer matching turns with ``replies`` in order; returns the script id."""
        items = replies if isinstance(replies, list) else [replies]
        return self._book.add(Script(new_id("script_"), Match(**match), [reply_from(r) for r in items], repeat))

    # -- answering -----------------------------------------------------------------

    def respond(self, turn: Turn) -> Reply:
        scripted = self._book.first(lambda s: s.answers(turn), Script.use)
        return _customized(scripted, turn) if scripted is not None else default_reply(turn)

    def peek(self, turn: Turn) -> Reply | None:
        """The scripted reply ``respond`` would give now, without consuming it (None: the default)."""
        return self._book.first(lambda s: s.answers(turn), Script.next_reply)


def _fresh(reply: Reply) -> Reply:
    """A copy with new tool call ids, so a repeated reply never reuses a call id."""
    calls = [ToolCall(**{**asdict(c), "id": new_id("call_")}) for c in reply.tool_calls]
    return Reply(**{**asdict(reply), "tool_calls": calls})


def _customized(reply: Reply, turn: Turn) -> Reply:
    """A scripted call naming one of the turn's custom tools (and no function) is a custom call; its input is
    the script's ``input``, else its ``arguments`` text."""
    if turn.surface not in CUSTOM_SURFACES:
        return reply
    names = {t["custom"].get("name") for t in turn.tools if t.get("type") == "custom"} - {
        f.get("name") for f in _functions(turn)}
    if not names or not any(c.type == "function" and c.name in names for c in reply.tool_calls):
        return reply
    calls = [
        replace(c, type="custom", input=c.input if c.input is not None else c.arguments)
        if c.type == "function" and c.name in names else c
        for c in reply.tool_calls
    ]  # fmt: skip
    return replace(reply, tool_calls=calls)


def reply_from(value: Reply | dict[str, Any]) -> Reply:
    """A ``Reply`` from its JSON form (control plane, script files)."""
    if isinstance(value, Reply):
        return value
    data = dict(value)
    calls = []
    for call in data.pop("tool_calls", None) or []:
        call = dict(call)
        if isinstance(call.get("arguments"), (dict, list)):
            call["arguments"] = orjson.dumps(call["arguments"]).decode()
        calls.append(ToolCall(**call))
    unknown = set(data) - set(Reply.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown reply fields: {sorted(unknown)}")
    return Reply(**data, tool_calls=calls)


# -- the deterministic default ------------------------------------------------------


def default_reply(turn: Turn) -> Reply:
    last = turn.messages[-1] if turn.messages else {}
    after_tools = last.get("role") == "tool"
    forced = None if after_tools else _forced_function(turn)
    if forced is not None:
        return Reply(tool_calls=[_call_for(forced, turn)])
    builtin = None if after_tools else _forced_builtin(turn)
    if builtin is not None:
        return Reply(tool_calls=[builtin])
    custom = None if after_tools else _forced_custom(turn)
    if custom is not None:
        return Reply(tool_calls=[custom])
    if after_tools:
        text = _tool_summary(turn)
    else:
        text = _echo(turn)
    fmt = turn.response_format if isinstance(turn.response_format, dict) else {}
    if fmt.get("type") == "json_schema":
        schema = (fmt.get("json_schema") or {}).get("schema") or {}
        return Reply(text=orjson.dumps(schema_sample.sample(schema)).decode())
    if fmt.get("type") == "json_object":
        return Reply(text=orjson.dumps({"response": text}).decode())
    return Reply(text=text)


def _echo(turn: Turn) -> str:
    said = " ".join(turn.last_user_text.split())
    if len(said) > 120:
        said = said[:117] + "..."
    digest = hashlib.sha256(f"{turn.model}|{turn.seed}|{turn.all_text}".encode()).hexdigest()[:6]
    if not said:
        return f"Hello! This is a deterministic reply from mockapi (ref {digest})."
    return f'You said: "{said}". This is a deterministic reply from mockapi (ref {digest}).'


def _tool_summary(turn: Turn) -> str:
    outputs = []
    for message in reversed(turn.messages):
        if message.get("role") != "tool":
            break
        outputs.append(tokens.message_text(message.get("content")))
    return "Here is what the tools returned: " + "; ".join(reversed(outputs))


def _functions(turn: Turn) -> list[dict[str, Any]]:
    found = []
    for tool in turn.tools:
        if tool.get("type") == "function" and isinstance(tool.get("function"), dict):
            found.append(tool["function"])
    return found


def _forced_function(turn: Turn) -> dict[str, Any] | None:
    choice = turn.tool_choice
    functions = _functions(turn)
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name")
        return next((f for f in functions if f.get("name") == name), None)
    if choice == "required" and functions:
        return functions[0]
    return None


CUSTOM_SURFACES = ("responses", "chat")  # where custom (freeform) tools exist


def _forced_custom(turn: Turn) -> ToolCall | None:
    """``tool_choice`` naming a custom tool (chat's form; Responses' is converted to it): called with the last
    user message as its input."""
    choice = turn.tool_choice
    if turn.surface not in CUSTOM_SURFACES or not isinstance(choice, dict) or choice.get("type") != "custom":
        return None
    name = (choice.get("custom") or {}).get("name", "")
    return ToolCall(name=name, type="custom", input=" ".join(turn.last_user_text.split()))


HOSTED = ("code_interpreter", "file_search", "web_search", "image_generation")


def _forced_builtin(turn: Turn) -> ToolCall | None:
    """``tool_choice`` naming a hosted tool (or "required" without functions): code_interpreter and file_search
    (Assistants, Responses), web_search (Responses)."""
    choice = turn.tool_choice
    kinds = [t.get("type") for t in turn.tools if t.get("type") in HOSTED]
    if isinstance(choice, dict) and choice.get("type") in HOSTED:
        kind = choice["type"]
    elif choice == "required" and kinds and not _functions(turn):
        kind = kinds[0]
    else:
        return None
    said = " ".join(turn.last_user_text.split())[:80]
    if kind in ("file_search", "web_search"):
        return ToolCall(name=kind, type=kind, query=said)
    if kind == "image_generation":
        return ToolCall(name=kind, type=kind, input=said)
    code = f"# mockapi: deterministic code for the last user message\nprint({said!r})"
    return ToolCall(name="code_interpreter", type="code_interpreter", input=code,
                    outputs=[{"type": "logs", "logs": said + "\n"}])


def _call_for(function: dict[str, Any], turn: Turn) -> ToolCall:
    parameters = function.get("parameters") or {"type": "object", "properties": {}}
    arguments = schema_sample.sample(parameters)
    return ToolCall(name=function.get("name", ""), arguments=orjson.dumps(arguments).decode())


# -- wiring: service, control plane, script files --------------------------------------


def install(fake: Any) -> Responder:
    """Attach the responder to a Fake: ``fake.responder``, ``/__mockapi__/scripts``, config ``scripts``."""
    responder = Responder()
    fake.services["responder"] = responder
    fake.state.on_reset(responder.clear)
    fake.control.add("GET", "/scripts", lambda f, b, q: {"object": "list", "data": responder.scripts()})
    fake.control.add("POST", "/scripts", lambda f, b, q: {"id": add_from_json(responder, b)})
    fake.control.add("DELETE", "/scripts", lambda f, b, q: responder.clear() or {"cleared": True})
    fake.control.add("DELETE", "/scripts/{script_id}", lambda f, b, q: {"deleted": responder.remove(q["script_id"])})
    for entry in load_script_entries(fake.config.extra):
        add_from_json(responder, entry)
    return responder


def add_from_json(responder: Responder, body: dict[str, Any]) -> str:
    """``{"match": {...}, "replies": [...], "repeat": false}`` or a single ``"reply"``."""
    replies = body.get("replies")
    if replies is None and "reply" in body:
        replies = [body["reply"]]
    if not replies:
        raise ValueError("a script needs 'replies' (a list) or 'reply'")
    return responder.script(list(replies), repeat=bool(body.get("repeat", False)), **(body.get("match") or {}))


def load_script_entries(extra: dict[str, Any]) -> list[dict[str, Any]]:
    """Scripts from the config file: inline ``scripts:`` and/or ``scripts_file:`` (YAML or JSON)."""
    entries = list(extra.get("scripts") or [])
    path = extra.get("scripts_file")
    if path:
        from pathlib import Path

        text = Path(path).read_text()
        if str(path).endswith((".yaml", ".yml")):
            import yaml

            loaded = yaml.safe_load(text) or []
        else:
            loaded = orjson.loads(text)
        entries += loaded.get("scripts", []) if isinstance(loaded, dict) else loaded
    return entries
