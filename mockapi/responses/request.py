"""Validating a ``POST /responses`` request and what the model sees for it.

The contract layer checks the body against ``CreateResponse``. Here: the
model, the input items and their tool-call pairing across the whole context
(``previous_response_id`` chain or ``conversation``), tools and
``tool_choice`` in their chat form for the shared responder, ``text.format``
as a chat ``response_format``, reasoning-model limits and the context window,
with the real wording where it is known (the chat surface's helpers are
reused: ``mockapi.chat.request``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from mockapi import catalog, errors, tokens
from mockapi.catalog import ModelInfo
from mockapi.chat import request as chat_request
from mockapi.chat.request import (
    check_name,
    format_schema_problem,
    function_schema_problem,
)
from mockapi.common import find, typed, validate_metadata
from mockapi.context import RequestContext
from mockapi.reasoning import EFFORT_TOKENS, check_effort, default_context, default_effort
from mockapi.responder import Turn
from mockapi.responses import items as item_store
from mockapi.responses import options, records
from mockapi.responses.records import Conversation, StoredResponse
from mockapi.vectors import search

KINDS = ("chat", "reasoning")
TOOL_CHOICE_OPTIONS = ("none", "auto", "required")
TRUNCATIONS = ("auto", "disabled")
RETENTIONS = ("in_memory", "24h")
VERBOSITIES = ("low", "medium", "high")
EFFORTS = tuple(EFFORT_TOKENS)
SUMMARIES = ("auto", "concise", "detailed")
INCLUDABLE_LOGPROBS = "message.output_text.logprobs"
INCLUDABLE_SEARCH_RESULTS = "file_search_call.results"
INCLUDABLE_ENCRYPTED_REASONING = "reasoning.encrypted_content"
INCLUDABLE_WEB_SOURCES = "web_search_call.action.sources"
WEB_SEARCH_TOOLS = ("web_search", "web_search_2025_08_26", "web_search_preview", "web_search_preview_2025_03_11")
DEFAULT_FILE_SEARCH_RESULTS = 20


@dataclass
class ResponseRequest:
    """A validated request, in the terms the renderer and the stream need."""

    body: dict[str, Any]
    model: str  # as requested (scripts match on it)
    info: ModelInfo
    input_items: list[dict[str, Any]]
    prefix: list[dict[str, Any]] = field(default_factory=list)  # previous chain or conversation items
    instructions: str | None = None
    previous: StoredResponse | None = None
    conversation: Conversation | None = None
    tools: list[dict[str, Any]] = field(default_factory=list)  # echoed
    chat_tools: list[dict[str, Any]] = field(default_factory=list)  # the responder's form
    tool_choice: Any = "auto"  # echoed
    chat_tool_choice: Any = None
    text_format: dict[str, Any] = field(default_factory=lambda: {"type": "text"})
    response_format: dict[str, Any] | None = None
    max_output_tokens: int | None = None
    parallel_tool_calls: bool = True
    store: bool = True
    background: bool = False
    stream: bool = False
    include_obfuscation: bool = True
    include: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    temperature: float = 1.0
    top_p: float = 1.0
    top_logprobs: int = 0
    reasoning: dict[str, Any] = field(default_factory=lambda: {"effort": None, "summary": None})
    service_tier: str = "default"
    extras: dict[str, Any] = field(default_factory=dict)  # response fields of the newer options (options.py)
    compaction: dict[str, Any] | None = None  # an in-stream compaction standing for the first `folded` items
    folded: int = 0
    _input_tokens: int | None = None

    @property
    def echo_model(self) -> str:
        return self.info.echo

    @property
    def context(self) -> list[dict[str, Any]]:
        """What the model reads: the prior context and the input (after a compaction, the compaction first)."""
        whole = [*self.prefix, *self.input_items]
        return [self.compaction, *whole[self.folded :]] if self.compaction is not None else whole

    def fold(self, compaction: dict[str, Any], folded: int) -> None:
        self.compaction, self.folded = compaction, folded
        self._input_tokens = None  # counted again over the shorter context

    def chat_messages(self) -> list[dict[str, Any]]:
        messages = item_store.to_chat(self.context)
        if self.instructions:
            messages.insert(0, {"role": "developer", "content": self.instructions})
        return messages

    def turn(self, owner: str, messages: list[dict[str, Any]]) -> Turn:
        return Turn(
            surface="responses", model=self.model, messages=messages, tools=self.chat_tools,
            tool_choice=self.chat_tool_choice, response_format=self.response_format, owner=owner,
        )

    def input_tokens(self) -> int:
        if self._input_tokens is None:
            self._input_tokens = tokens.chat_prompt_tokens(self.chat_messages(), self.model, self.chat_tools or None)
        return self._input_tokens

    def wants(self, includable: str) -> bool:
        return includable in self.include


def parse(ctx: RequestContext) -> ResponseRequest:
    body = ctx.body if isinstance(ctx.body, dict) else {}
    model = _model(body)
    info = catalog.lookup(ctx.ns, model)
    if info is None:
        raise errors.model_not_found(model)
    if info.kind not in KINDS:
        raise errors.APIError(
            400, f"The requested model '{model}' is not supported with the Responses API.", param="model",
        )
    now = ctx.fake.clock.now()
    input_items = item_store.from_input(body.get("input"), ctx.ns)
    req = ResponseRequest(body=body, model=model, info=info, input_items=input_items)
    req.instructions = typed(body, "instructions", str, None)
    _flags(body, req)
    _history(body, req, ctx, now)
    item_store.check_pairs(req.context)
    _tools(body, req)
    _check_vector_stores(ctx, req, now)
    _text(body, req)
    _sampling(body, req)
    _max_output_tokens(body, req)
    req.metadata = validate_metadata(body.get("metadata"))
    req.service_tier = chat_request.service_tier(body, req.info)
    req.extras = options.echoed(body, req.context)
    _context_window(req)
    return req


def _model(body: dict[str, Any]) -> str:
    model = body.get("model")
    if model is None:
        raise errors.missing_parameter("model")
    if not isinstance(model, str):
        raise errors.wrong_type("model", model, str)
    return model


def _flags(body: dict[str, Any], req: ResponseRequest) -> None:
    req.store = bool(typed(body, "store", bool, True))
    req.background = bool(typed(body, "background", bool, False))
    req.stream = bool(typed(body, "stream", bool, False))
    req.parallel_tool_calls = bool(typed(body, "parallel_tool_calls", bool, True))
    include = typed(body, "include", list, [])
    for i, value in enumerate(include):
        if not isinstance(value, str):
            raise errors.wrong_type(f"include[{i}]", value, str)
    req.include = list(include)
    for name, kinds in (("max_tool_calls", int), ("user", str), ("safety_identifier", str),
                        ("prompt_cache_key", str)):
        typed(body, name, kinds, None)  # echoed as given
    for name, allowed in (("truncation", TRUNCATIONS), ("prompt_cache_retention", RETENTIONS)):
        if body.get(name) is not None and body[name] not in allowed:
            raise errors.invalid_value(name, body[name], list(allowed))
    if req.background and not req.store:
        raise errors.APIError(
            400, "Invalid value for 'store': background responses must be stored; set 'store' to true.",
            param="store",
        )
    options = body.get("stream_options")
    if options is not None:
        if not req.stream:
            raise errors.APIError(
                400, "The 'stream_options' parameter is only allowed when 'stream' is enabled.", param="stream_options"
            )
        if not isinstance(options, dict):
            raise errors.wrong_type("stream_options", options, dict)
        req.include_obfuscation = options.get("include_obfuscation") is not False


# -- the context: previous_response_id chain or conversation ----------------------------------------


def _history(body: dict[str, Any], req: ResponseRequest, ctx: RequestContext, now: float) -> None:
    previous_id = typed(body, "previous_response_id", str, None)
    conversation = body.get("conversation")
    if previous_id is not None and conversation is not None:
        raise errors.APIError(
            400, "Mutually exclusive parameters: Ensure you are only providing one of: 'previous_response_id' or "
            "'conversation'.", param="conversation", code="mutually_exclusive_parameters",
        )
    if previous_id is not None:
        previous = records.find_response(ctx.ns, previous_id, now)
        if previous is None:
            raise errors.APIError(
                400, f"Previous response with id '{previous_id}' not found.", param="previous_response_id",
                code="previous_response_not_found",
            )
        if previous.status in ("queued", "in_progress"):
            raise errors.APIError(
                400, f"Previous response with id '{previous_id}' is still {previous.status.replace('_', ' ')}; "
                "wait until it has finished.", param="previous_response_id",
            )
        req.previous = previous
        req.prefix = previous.context()
    elif conversation is not None:
        conversation_id = conversation.get("id") if isinstance(conversation, dict) else conversation
        if not isinstance(conversation_id, str):
            raise errors.wrong_type("conversation", conversation, (str, dict))
        req.conversation = records.get_conversation(ctx.ns, conversation_id, now)
        req.prefix = req.conversation.item_list()


# -- tools and tool_choice -------------------------------------------------------------------------


def _tools(body: dict[str, Any], req: ResponseRequest) -> None:
    tools = typed(body, "tools", list, [])
    for i, tool in enumerate(tools):
        echoed, chat_form = _tool(tool, f"tools[{i}]")
        req.tools.append(echoed)
        if chat_form is not None:
            req.chat_tools.append(chat_form)
    choice = body.get("tool_choice")
    if choice is None:
        req.tool_choice = "auto"
        return
    req.tool_choice = choice
    req.chat_tool_choice = _chat_choice(choice, req)


def _check_vector_stores(ctx: RequestContext, req: ResponseRequest, now: float) -> None:
    """A file_search tool must name the caller's vector stores (the real 404, as Assistants answer), and a code
    interpreter its container (the containers' 404)."""
    vectors = ctx.fake.services["vector_stores"]
    for tool in req.tools:
        if tool.get("type") == "file_search":
            for store_id in tool["vector_store_ids"]:
                vectors.get(ctx.ns, str(store_id), now)
        container = tool.get("container") if tool.get("type") == "code_interpreter" else None
        if isinstance(container, str):
            find(ctx.ns.collection("containers"), container, "Container")  # the containers' 404


def _tool(tool: Any, param: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    if not isinstance(tool, dict):
        raise errors.wrong_type(param, tool, dict)
    kind = tool.get("type")
    if kind == "function":
        check_name(tool.get("name"), f"{param}.name")
        parameters = tool.get("parameters")
        if parameters is not None and not isinstance(parameters, dict):
            raise errors.wrong_type(f"{param}.parameters", parameters, dict)
        strict = tool.get("strict")
        if parameters is not None:
            problem = function_schema_problem(parameters, bool(strict))
            if problem:
                raise errors.APIError(
                    400, f"Invalid schema for function '{tool['name']}': {problem}", param=f"{param}.parameters",
                    code="invalid_function_parameters",
                )
        # `strict` defaults to true on the Responses API (the SDK always sends it).
        echoed = {**tool, "parameters": parameters, "strict": True if strict is None else bool(strict)}
        echoed.setdefault("description", None)
        function = {"name": tool["name"], "parameters": parameters, "strict": echoed["strict"]}
        return echoed, {"type": "function", "function": function}
    if kind == "file_search":
        ids = tool.get("vector_store_ids")
        if not isinstance(ids, list):
            raise errors.missing_parameter(f"{param}.vector_store_ids") if ids is None else errors.wrong_type(
                f"{param}.vector_store_ids", ids, list)
        if tool.get("filters") is not None:
            search.check_filter(tool["filters"], f"{param}.filters")
        return dict(tool), {"type": "file_search", "file_search": tool}
    if kind in WEB_SEARCH_TOOLS:
        return dict(tool), {"type": "web_search", "web_search": tool}
    if kind in ("code_interpreter", "image_generation"):  # run by responses/hosted.py when the model calls them
        return dict(tool), {"type": kind, kind: tool}
    if kind == "custom":  # a freeform tool the client runs: the model sends it a string (custom_tool_call)
        check_name(tool.get("name"), f"{param}.name")
        custom = {k: tool[k] for k in ("name", "description", "format") if k in tool}
        return dict(tool), {"type": "custom", "custom": custom}
    if kind == "mcp":
        _check_mcp(tool, param)
    if not isinstance(kind, str):
        raise errors.missing_parameter(f"{param}.type")
    return dict(tool), None  # hosted tools the fake never calls by itself (web search, computer use, MCP...)


def _check_mcp(tool: dict[str, Any], param: str) -> None:
    """The document: "One of `server_url` or `connector_id` must be provided"; `server_url` is a URI. (Wording
    chosen: the real messages are unverified.)"""
    url, connector = tool.get("server_url"), tool.get("connector_id")
    if (url is None) == (connector is None):
        raise errors.invalid_request(
            f"Invalid '{param}': provide exactly one of 'server_url' or 'connector_id'.", param=param
        )
    if url is not None:
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise errors.invalid_request(f"Invalid '{param}.server_url': {url!r} is not an http(s) URL.",
                                         param=f"{param}.server_url", code="invalid_value")  # fmt: skip


def _chat_choice(choice: Any, req: ResponseRequest) -> Any:
    functions = [t["function"]["name"] for t in req.chat_tools if t["type"] == "function"]
    if isinstance(choice, str):
        if choice not in TOOL_CHOICE_OPTIONS:
            raise errors.invalid_value("tool_choice", choice, list(TOOL_CHOICE_OPTIONS))
        return choice
    if not isinstance(choice, dict):
        raise errors.wrong_type("tool_choice", choice, (str, dict))
    kind = choice.get("type")
    if kind == "function":
        if choice.get("name") not in functions:
            raise errors.APIError(400, "Tool choice 'function' not found in 'tools' parameter.", param="tool_choice")
        return {"type": "function", "function": {"name": choice["name"]}}
    if kind == "allowed_tools":
        listed = choice.get("tools") or []
        if not isinstance(listed, list):
            raise errors.wrong_type("tool_choice.tools", listed, list)
        allowed = {t.get("name") for t in listed if isinstance(t, dict)}
        req.chat_tools = [t for t in req.chat_tools if t["type"] != "function" or t["function"]["name"] in allowed]
        return choice.get("mode") or "auto"
    if kind == "file_search":
        if not any(t["type"] == "file_search" for t in req.chat_tools):
            raise errors.APIError(400, "Tool choice 'file_search' not found in 'tools' parameter.", param="tool_choice")
        return {"type": "file_search"}
    if kind in WEB_SEARCH_TOOLS:
        if not any(t["type"] == "web_search" for t in req.chat_tools):
            raise errors.APIError(400, f"Tool choice '{kind}' not found in 'tools' parameter.", param="tool_choice")
        return {"type": "web_search"}
    if kind == "custom":
        if not any(t["type"] == "custom" and t["custom"]["name"] == choice.get("name") for t in req.chat_tools):
            raise errors.APIError(400, "Tool choice 'custom' not found in 'tools' parameter.", param="tool_choice")
        return {"type": "custom", "custom": {"name": choice["name"]}}
    if kind in ("code_interpreter", "image_generation"):
        if not any(t["type"] == kind for t in req.chat_tools):
            raise errors.APIError(400, f"Tool choice '{kind}' not found in 'tools' parameter.", param="tool_choice")
        return {"type": kind}
    return "auto"  # other hosted tools are only called when scripted


# -- text.format -> structured output --------------------------------------------------------------


def _text(body: dict[str, Any], req: ResponseRequest) -> None:
    text = typed(body, "text", dict, {})
    verbosity = text.get("verbosity")
    if verbosity is not None and verbosity not in VERBOSITIES:
        raise errors.invalid_value("text.verbosity", verbosity, list(VERBOSITIES))
    fmt = text.get("format")
    if fmt is None:
        return
    if not isinstance(fmt, dict):
        raise errors.wrong_type("text.format", fmt, dict)
    kind = fmt.get("type")
    if kind not in ("text", "json_object", "json_schema"):
        raise errors.invalid_value("text.format.type", kind, ["text", "json_object", "json_schema"])
    req.text_format = fmt
    if kind == "json_object":
        messages = req.chat_messages()
        if not chat_request.mentions_json(messages):
            raise errors.APIError(
                400, "Response input messages must contain the word 'json' in some form to use 'text.format' of "
                "type 'json_object'.", param="input",
            )
        req.response_format = {"type": "json_object"}
    elif kind == "json_schema":
        check_name(fmt.get("name"), "text.format.name")
        schema = fmt.get("schema")
        if not isinstance(schema, dict):
            raise errors.missing_parameter("text.format.schema") if schema is None else errors.wrong_type(
                "text.format.schema", schema, dict)
        if problem := format_schema_problem(schema, bool(fmt.get("strict"))):
            raise errors.APIError(
                400, f"Invalid schema for response_format '{fmt['name']}': {problem}", param="text.format.schema",
                code="invalid_json_schema",
            )
        spec = {k: fmt[k] for k in ("name", "schema", "strict", "description") if k in fmt}
        req.response_format = {"type": "json_schema", "json_schema": spec}


# -- sampling, reasoning, limits -------------------------------------------------------------------


def _sampling(body: dict[str, Any], req: ResponseRequest) -> None:
    reasoning = typed(body, "reasoning", dict, {})
    effort = reasoning.get("effort")
    if effort is not None and effort not in EFFORTS:
        raise errors.invalid_value("reasoning.effort", effort, list(EFFORTS))
    summary = reasoning.get("summary")
    if summary is not None and summary not in SUMMARIES:
        raise errors.invalid_value("reasoning.summary", summary, list(SUMMARIES))
    if req.info.kind == "reasoning":
        chat_request.reasoning_limits(body, req.info, effort)
        check_effort(req.info, effort, "reasoning.effort")
        req.reasoning = {"effort": effort or default_effort(req.info), "summary": summary}
        # Newer than the spec (SDK 3.54): echoed as the effective values, only when asked for.
        if "context" in reasoning:
            context = reasoning["context"]
            req.reasoning["context"] = default_context(req.info) if context in (None, "auto") else context
        if "mode" in reasoning:
            req.reasoning["mode"] = reasoning["mode"] or "standard"
    elif effort is not None:
        raise errors.APIError(
            400, "Unsupported parameter: 'reasoning.effort' is not supported with this model.",
            param="reasoning.effort", code="unsupported_parameter",
        )
    temperature = typed(body, "temperature", (int, float), None)
    top_p = typed(body, "top_p", (int, float), None)
    req.temperature = 1.0 if temperature is None else float(temperature)
    req.top_p = 1.0 if top_p is None else float(top_p)
    req.top_logprobs = int(typed(body, "top_logprobs", int, 0))


def _max_output_tokens(body: dict[str, Any], req: ResponseRequest) -> None:
    value = typed(body, "max_output_tokens", int, None)
    if value is None:
        return
    if value < 16:
        raise errors.APIError(
            400, f"Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got {value} "
            "instead.", param="max_output_tokens", code="integer_below_min_value",
        )
    if value > req.info.max_output:
        raise errors.APIError(
            400, f"max_output_tokens is too large: {value}. This model supports at most {req.info.max_output} "
            f"output tokens, whereas you provided {value}.", param="max_output_tokens", code="invalid_value",
        )
    req.max_output_tokens = int(value)


def _context_window(req: ResponseRequest) -> None:
    if req.input_tokens() > req.info.context:
        raise errors.APIError(
            400, "Your input exceeds the context window of this model. Please adjust your input and try again.",
            param="input", code="context_length_exceeded",
        )
