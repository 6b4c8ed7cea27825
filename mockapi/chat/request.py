"""Validating a chat completion request beyond its JSON schema, and the ``Turn`` it gives the responder.

The contract layer checks types, ranges and unknown keys against the official
document. What the document cannot say is checked here, with the real API's
wording where it is known (core.md §1.2, §3.2): model existence and kind,
message order and tool-call pairing, the "json" word rule, max tokens against
the model, reasoning-model restrictions, strict schemas. The checks that only
repeat the schema (a string here, a list there) exist so that a fake running
with request validation off still answers 400, never 500.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Any

from mockapi import catalog, errors, tokens
from mockapi.catalog import ModelInfo
from mockapi.chat import voice as voices
from mockapi.chat.voice import Voice
from mockapi.common import typed, validate_metadata
from mockapi.context import RequestContext
from mockapi.reasoning import check_effort, default_effort
from mockapi.responder import Turn

NAME_PATTERN = re.compile(r"^[a-zA-Z0-9_-]+$")
NAME_MAX = 64
CHAT_KINDS = ("chat", "reasoning")
ROLES = ("developer", "system", "user", "assistant", "tool", "function")
SERVICE_TIERS_ECHOED = ("flex", "scale", "priority")
# The highest token id logit_bias accepts per vocabulary: its <|endoftext|> (the real API: "Invalid key in
# 'logit_bias': 100265. Maximum value is 100257." for a cl100k model, nonint.com 2023-08 notes).
LAST_BIASABLE = {"cl100k_base": 100257, "o200k_base": 199999, "p50k_base": 50256, "r50k_base": 50256}
BIAS_LIMIT = 100


@dataclass
class ChatRequest:
    """A validated chat completion request, in the terms the renderer needs."""

    model: str  # as requested (scripts match on it)
    info: ModelInfo
    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]] = field(default_factory=list)
    tool_choice: Any = None
    allowed_tools: set[str] | None = None  # tool_choice allowed_tools: the functions the model may call
    legacy_functions: bool = False  # `functions` was used: answer with `function_call`
    response_format: dict[str, Any] | None = None
    n: int = 1
    stop: list[str] = field(default_factory=list)
    max_tokens: int | None = None
    logprobs: bool = False
    top_logprobs: int = 0
    seed: int | None = None
    parallel_tool_calls: bool = True
    stream: bool = False
    include_usage: bool = False
    include_obfuscation: bool = True
    store: bool = False
    metadata: dict[str, str] = field(default_factory=dict)
    service_tier: str = "default"
    voice: Voice | None = None  # a spoken answer was asked for (modalities audio)
    body: dict[str, Any] = field(default_factory=dict)
    _prompt_tokens: int | None = None

    @property
    def reasoning_effort(self) -> str | None:
        return self.body.get("reasoning_effort")

    @property
    def echo_model(self) -> str:
        return self.info.echo

    def turn(self, owner: str) -> Turn:
        tools = self.tools
        if self.allowed_tools is not None:
            tools = [t for t in tools if t.get("type") != "function" or t["function"].get("name") in self.allowed_tools]
        return Turn(
            surface="chat", model=self.model, messages=turn_messages(self.messages), tools=tools,
            tool_choice=self.tool_choice, response_format=self.response_format, seed=self.seed, owner=owner,
        )

    def prompt_tokens(self) -> int:
        if self._prompt_tokens is None:  # counted once: validation and usage both need it
            self._prompt_tokens = tokens.chat_prompt_tokens(self.messages, self.model, self.tools or None)
        return self._prompt_tokens


def parse(ctx: RequestContext) -> ChatRequest:
    body = ctx.body if isinstance(ctx.body, dict) else {}
    model = _model(body)
    messages = _messages(body)
    info = catalog.lookup(ctx.ns, model)
    if info is None:
        raise errors.model_not_found(model)
    if info.responses_only:
        # Real 404 body for a Responses-only model (gpt-4o-deep-research): n8n-io/n8n#18352; same message for
        # gpt-5-codex (docker/docker-agent#313) and gpt-5-pro (pgadmin-org/pgadmin4#9795).
        raise errors.APIError(
            404, "This model is only supported in v1/responses and not in v1/chat/completions.", param="model",
        )
    if info.kind not in CHAT_KINDS:
        raise errors.APIError(
            404,
            "This is not a chat model and thus not supported in the v1/chat/completions endpoint. "
            "Did you mean to use v1/completions?",
            param="model",
        )
    req = ChatRequest(model=model, info=info, messages=messages, body=body)
    _check_messages(messages)
    _model_support(body, messages, info)
    _tools(body, req)
    _response_format(body, req)
    _sampling(body, req)
    _max_tokens(body, req)
    _streaming(body, req)
    req.voice = voices.requested(ctx.ns, body, messages, info, req.stream)
    req.store = bool(typed(body, "store", bool, False))
    req.metadata = validate_metadata(body.get("metadata"))
    req.service_tier = service_tier(body, info)
    _context_length(req)
    return req


def service_tier(body: dict[str, Any], info: ModelInfo) -> str:
    """The tier a response reports (chat and Responses): the one actually used. The SDK's docs: ``fast`` is
    served and shown as ``priority``; ``ultrafast`` is available for gpt-5.6-sol only (elsewhere: standard)."""
    tier = body.get("service_tier")
    if tier == "fast":
        return "priority"
    if tier == "ultrafast":
        return tier if info.echo.startswith("gpt-5.6-sol") else "default"
    return tier if tier in SERVICE_TIERS_ECHOED else "default"


def _model(body: dict[str, Any]) -> str:
    model = body.get("model")
    if model is None:
        raise errors.invalid_request("you must provide a model parameter")
    if not isinstance(model, str):
        raise errors.wrong_type("model", model, str)
    return model


def _messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    messages = body.get("messages")
    if messages is None:
        raise errors.missing_parameter("messages")
    if not isinstance(messages, list):
        raise errors.wrong_type("messages", messages, list)
    if not messages:
        raise errors.empty_array("messages")
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            raise errors.wrong_type(f"messages[{i}]", message, dict)
        role = message.get("role")
        if role not in ROLES:
            raise errors.invalid_value(f"messages[{i}].role", role, list(ROLES))
        if isinstance(message.get("content"), list):
            _check_file_parts(message["content"], f"messages[{i}].content")
            _check_image_parts(message["content"], f"messages[{i}].content")
    return messages


def _check_image_parts(parts: list[Any], param: str) -> None:
    for j, part in enumerate(parts):
        image = part.get("image_url") if isinstance(part, dict) and part.get("type") == "image_url" else None
        url = image.get("url") if isinstance(image, dict) else None
        if isinstance(url, str) and (problem := image_url_problem(url)):
            where = f"{param}[{j}].image_url.url"
            raise errors.APIError(
                400, f"Invalid image URL: '{where}'. {problem}", param=where, code="invalid_value"
            )


def image_url_problem(url: str) -> str | None:
    """Why an image URL is refused: not http(s) and not an image data URL (wording from real 400s, quoted with
    chat's ``Invalid image URL: '<param>'.`` and Responses' ``Invalid '<param>'.`` prefixes)."""
    if url.startswith(("http://", "https://")):
        return None
    expected = (
        "Expected a base64-encoded data URL with an image MIME type (e.g. "
        "'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='), but got "
    )
    if not url.startswith("data:"):
        return expected + "a value without the 'data:' prefix."
    header, _, payload = url[len("data:"):].partition(",")
    mime = header.split(";")[0]
    if not mime.startswith("image/"):
        return expected + f"unsupported MIME type '{mime}'."
    payload = "".join(payload.split())
    if not payload:
        return expected + "empty base64-encoded bytes."
    try:
        base64.b64decode(payload, validate=True)
    except ValueError:
        return expected + "an invalid base64-encoded value."
    return None


def _check_file_parts(parts: list[Any], param: str) -> None:
    """A `file` part names an uploaded `file_id`, or carries `file_data` with its `filename`: inline data
    without a filename gets the real 400 about the missing `file_id` (openai/openai-agents-python#1513)."""
    for j, part in enumerate(parts):
        if not isinstance(part, dict) or part.get("type") != "file" or not isinstance(part.get("file"), dict):
            continue
        file = part["file"]
        if file.get("file_id") is None and (file.get("file_data") is None or file.get("filename") is None):
            raise errors.missing_parameter(f"{param}[{j}].file.file_id")


# -- what a model family does not take ---------------------------------------------------------

# Snapshots without image input: image parts get the real 400 (browser-use/web-ui#274; vllm#11629 quotes it for
# gpt-3.5-turbo).
NO_IMAGE_INPUT = ("gpt-3.5-turbo", "gpt-4-0613", "o1-mini", "o3-mini")
# Reasoning families that refuse `stop` (crewAIInc/crewAI#2738 o3, BerriAI/litellm#10080 o4-mini, gpt-5 captures);
# o1 and o3-mini take it (huggingface/smolagents#1211).
NO_STOP = ("o3-20", "o4-mini", "gpt-5")  # "o3-20": the o3 snapshot, not o3-mini
# o1-mini takes neither system nor developer messages (lobehub/lobehub#5704).
NO_INSTRUCTION_ROLES = ("o1-mini",)


def family(info: ModelInfo) -> str:
    """The snapshot a model (or a fine-tune's base) resolves to; model rules key on its prefix."""
    return info.base or info.echo


def _model_support(body: dict[str, Any], messages: list[dict[str, Any]], info: ModelInfo) -> None:
    snapshot = family(info)
    if snapshot.startswith(NO_INSTRUCTION_ROLES):
        for i, message in enumerate(messages):
            if message["role"] in ("system", "developer"):
                raise errors.APIError(
                    400, f"Unsupported value: 'messages[{i}].role' does not support '{message['role']}' with this "
                    "model.", param=f"messages[{i}].role", code="unsupported_value",
                )
    if snapshot.startswith(NO_IMAGE_INPUT):
        for i, message in enumerate(messages):
            parts = message.get("content")
            for j, part in enumerate(parts if isinstance(parts, list) else []):
                if isinstance(part, dict) and part.get("type") == "image_url":
                    raise errors.APIError(
                        400, "Invalid content type. image_url is only supported by certain models.",
                        param=f"messages.[{i}].content.[{j}].type",
                    )
    reasoning = info.kind == "reasoning"
    if not reasoning and body.get("reasoning_effort") is not None:
        raise unsupported_parameter("reasoning_effort")  # gpt-4o / gpt-4.1 captures
    if reasoning:
        check_effort(info, body.get("reasoning_effort"), "reasoning_effort")
    if reasoning and snapshot.startswith(NO_STOP) and body.get("stop") is not None:
        raise unsupported_parameter("stop")


def unsupported_parameter(name: str) -> errors.APIError:
    return errors.APIError(
        400, f"Unsupported parameter: '{name}' is not supported with this model.", param=name,
        code="unsupported_parameter",
    )


# -- message order and tool-call pairing -----------------------------------------------------


def _check_messages(messages: list[dict[str, Any]]) -> None:
    pending: dict[str, int] = {}  # call ids of the open assistant message -> its index
    answered: set[str] = set()
    open_calls = False  # inside the tool replies of an assistant message with tool_calls
    for i, message in enumerate(messages):
        role = message["role"]
        if role == "tool":
            if not open_calls:
                raise errors.APIError(
                    400, "Invalid parameter: messages with role 'tool' must be a response to a preceeding "
                    "message with 'tool_calls'.", param=f"messages.[{i}].role",
                )
            call_id = message.get("tool_call_id")
            if call_id not in pending:
                raise errors.APIError(
                    400, f"Invalid parameter: 'tool_call_id' of '{call_id}' not found in 'tool_calls' of "
                    "previous message.", param=f"messages.[{i}].tool_call_id",
                )
            answered.add(call_id)
            continue
        _require_answers(pending, answered)
        pending, answered, open_calls = {}, set(), False
        if role == "assistant":
            calls = message.get("tool_calls") or []
            _check_assistant(message, i, calls)
            if calls:
                pending = {c.get("id"): i for c in calls if isinstance(c, dict)}
                open_calls = True
    _require_answers(pending, answered)


def _require_answers(pending: dict[str, int], answered: set[str]) -> None:
    missing = [call_id for call_id in pending if call_id not in answered]
    if missing:
        index = next(iter(pending.values()))
        raise errors.APIError(
            400, "An assistant message with 'tool_calls' must be followed by tool messages responding to each "
            "'tool_call_id'. The following tool_call_ids did not have response messages: " + ", ".join(missing),
            param=f"messages.[{index}].role",
        )


def _check_assistant(message: dict[str, Any], i: int, calls: list[Any]) -> None:
    if not isinstance(calls, list):
        raise errors.wrong_type(f"messages[{i}].tool_calls", calls, list)
    has_other = any(message.get(k) is not None for k in ("function_call", "audio", "refusal"))
    if message.get("content") is None and not calls and not has_other:
        raise errors.APIError(
            400, "Invalid value for 'content': expected a string, got null.", param=f"messages.[{i}].content"
        )
    for j, call in enumerate(calls):
        if not isinstance(call, dict):
            raise errors.wrong_type(f"messages[{i}].tool_calls[{j}]", call, dict)
        kind = "custom" if call.get("type") == "custom" else "function"
        named = call.get(kind) or {}
        check_name(named.get("name"), f"messages[{i}].tool_calls[{j}].{kind}.name")


def check_name(name: Any, param: str) -> None:
    if not isinstance(name, str):
        raise errors.missing_parameter(param) if name is None else errors.wrong_type(param, name, str)
    if len(name) > NAME_MAX:
        raise errors.APIError(
            400, f"Invalid '{param}': string too long. Expected a string with maximum length {NAME_MAX}, but got "
            f"a string with length {len(name)} instead.", param=param, code="string_above_max_length",
        )
    if not NAME_PATTERN.match(name):
        raise errors.APIError(
            400, f"Invalid '{param}': string does not match pattern. Expected a string that matches the pattern "
            "'^[a-zA-Z0-9_-]+$'.", param=param, code="invalid_value",
        )


# -- tools, legacy functions, tool_choice ------------------------------------------------------


def _tools(body: dict[str, Any], req: ChatRequest) -> None:
    tools = typed(body, "tools", list, None)
    functions = typed(body, "functions", list, None)
    if tools is not None:
        req.tools = [_tool(t, f"tools[{i}]") for i, t in enumerate(tools)]
    elif functions is not None:
        req.legacy_functions = True
        req.tools = [
            {"type": "function", "function": _function(f, f"functions[{i}]")} for i, f in enumerate(functions)
        ]
    choice = body.get("tool_choice")
    if choice is None and req.legacy_functions:
        choice = _legacy_choice(body.get("function_call"))
    if choice is not None and not req.tools and "tool_choice" in body:
        raise errors.APIError(
            400, "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
            param="tool_choice",
        )
    if body.get("parallel_tool_calls") is not None and not req.tools:
        raise errors.APIError(
            400, "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' "
            "are specified.", param="parallel_tool_calls",
        )
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name") if isinstance(choice.get("function"), dict) else None
        known = {t["function"].get("name") for t in req.tools if t.get("type") == "function"}
        if choice.get("type") == "function" and name not in known:
            param = "function_call" if req.legacy_functions and "tool_choice" not in body else "tool_choice"
            raise errors.APIError(
                400, f"Invalid value for '{param}': function '{name}' was not found in the provided "
                f"'{'functions' if param == 'function_call' else 'tools'}'.", param=param,
            )
    if isinstance(choice, dict) and choice.get("type") == "custom":
        name = (choice.get("custom") or {}).get("name") if isinstance(choice.get("custom"), dict) else None
        customs = {t["custom"].get("name") for t in req.tools if t.get("type") == "custom"}
        if name not in customs:  # wording chosen, after the function one
            raise errors.APIError(400, f"Invalid value for 'tool_choice': custom tool '{name}' was not found in the "
                                  "provided 'tools'.", param="tool_choice")  # fmt: skip
    if isinstance(choice, dict) and choice.get("type") == "allowed_tools":
        choice = _allowed_tools(choice, req)
    req.tool_choice = choice
    req.parallel_tool_calls = bool(typed(body, "parallel_tool_calls", bool, True))


def _allowed_tools(choice: dict[str, Any], req: ChatRequest) -> str:
    """``{"type": "allowed_tools", "allowed_tools": {"mode", "tools"}}``: the model sees only the listed functions
    (all tools are still billed as prompt) and calls one when the mode is ``required``."""
    spec = choice.get("allowed_tools") if isinstance(choice.get("allowed_tools"), dict) else {}
    listed = spec.get("tools") if isinstance(spec.get("tools"), list) else []
    functions = [t["function"] for t in listed if isinstance(t, dict) and isinstance(t.get("function"), dict)]
    req.allowed_tools = {f.get("name") for f in functions}
    mode = spec.get("mode")
    return mode if mode in ("auto", "required") else "auto"


def _tool(tool: Any, param: str) -> dict[str, Any]:
    if not isinstance(tool, dict):
        raise errors.wrong_type(param, tool, dict)
    if tool.get("type") == "custom":  # a freeform tool: the model sends it a string (custom tool call)
        custom = tool.get("custom")
        if not isinstance(custom, dict):
            raise errors.missing_parameter(f"{param}.custom") if custom is None else errors.wrong_type(
                f"{param}.custom", custom, dict)
        check_name(custom.get("name"), f"{param}.custom.name")
        return tool
    if tool.get("type") != "function":
        return tool
    return {**tool, "function": _function(tool.get("function"), f"{param}.function")}


def _function(function: Any, param: str) -> dict[str, Any]:
    if not isinstance(function, dict):
        raise errors.missing_parameter(param) if function is None else errors.wrong_type(param, function, dict)
    check_name(function.get("name"), f"{param}.name")
    parameters = function.get("parameters")
    if parameters is not None and not isinstance(parameters, dict):
        raise errors.wrong_type(f"{param}.parameters", parameters, dict)
    if parameters is not None:
        problem = function_schema_problem(parameters, bool(function.get("strict")))
        if problem:
            raise errors.APIError(
                400, f"Invalid schema for function '{function['name']}': {problem}",
                param=f"{param}.parameters", code="invalid_function_parameters",
            )
    return function


def _legacy_choice(function_call: Any) -> Any:
    if isinstance(function_call, dict) and function_call.get("name"):
        return {"type": "function", "function": {"name": function_call["name"]}}
    if function_call in ("none", "auto"):
        return function_call
    return None


# -- response_format ---------------------------------------------------------------------------


def _response_format(body: dict[str, Any], req: ChatRequest) -> None:
    fmt = body.get("response_format")
    if fmt is None:
        return
    if not isinstance(fmt, dict):
        raise errors.wrong_type("response_format", fmt, dict)
    kind = fmt.get("type")
    if kind not in ("text", "json_object", "json_schema"):
        raise errors.invalid_value("response_format.type", kind, ["text", "json_object", "json_schema"])
    if kind == "json_object" and not mentions_json(req.messages):
        raise errors.APIError(
            400, "'messages' must contain the word 'json' in some form, to use 'response_format' of type "
            "'json_object'.", param="messages",
        )
    if kind == "json_schema":
        spec = fmt.get("json_schema")
        if not isinstance(spec, dict):
            raise errors.missing_parameter("response_format.json_schema")
        check_name(spec.get("name"), "response_format.json_schema.name")
        schema = spec.get("schema")
        if schema is not None and not isinstance(schema, dict):
            raise errors.wrong_type("response_format.json_schema.schema", schema, dict)
        if schema is not None:
            problem = format_schema_problem(schema, bool(spec.get("strict")))
            if problem:
                raise errors.APIError(
                    400, f"Invalid schema for response_format '{spec['name']}': {problem}",
                    param="response_format", code="invalid_json_schema",
                )
    req.response_format = fmt


def mentions_json(messages: list[dict[str, Any]]) -> bool:
    return any("json" in tokens.message_text(m.get("content")).lower() for m in messages)


def function_schema_problem(parameters: dict[str, Any], strict: bool) -> str | None:
    """What the real API refuses in a function's ``parameters``, strict or not: a root that is not an object
    (vercel/ai#1485; ``got 'type: "None"'`` when the root has no type), an object without ``properties``
    (langchain-ai/langchain-mcp-adapters#137) or an array without ``items`` (modelscope/ms-agent#610)."""
    kind = parameters.get("type")
    if kind != "object":
        return f"schema must be a JSON Schema of 'type: \"object\"', got 'type: \"{kind}\"'."
    return format_schema_problem(parameters, strict)


def format_schema_problem(schema: dict[str, Any], strict: bool) -> str | None:
    """The structural problems of any schema the API compiles (also ``response_format``), then strict mode's."""
    return _shape_problem(schema, ()) or (strict_schema_problem(schema) if strict else None)


def _context(context: tuple[str, ...]) -> str:
    return "In context=" + (repr(context) if len(context) != 1 else f"('{context[0]}',)") + ", "


def _shape_problem(node: Any, context: tuple[str, ...]) -> str | None:
    if not isinstance(node, dict):
        return None
    kind = node.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "object" in kinds and not isinstance(node.get("properties"), dict):
        return _context(context) + "object schema missing properties."
    if "array" in kinds and "items" not in node:
        return _context(context) + "array schema missing items."
    for sub_context, sub in _children(node, context):
        found = _shape_problem(sub, sub_context)
        if found:
            return found
    return None


def _children(node: dict[str, Any], context: tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
    children: list[tuple[tuple[str, ...], Any]] = []
    if isinstance(node.get("properties"), dict):
        children += [((*context, "properties", key), sub) for key, sub in node["properties"].items()]
    if isinstance(node.get("items"), dict):
        children.append(((*context, "items"), node["items"]))
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(node.get(key), list):
            children += [((*context, key, str(i)), sub) for i, sub in enumerate(node[key])]
    for key in ("$defs", "definitions"):
        if isinstance(node.get(key), dict):
            children += [((*context, key, name), sub) for name, sub in node[key].items()]
    return children


def strict_schema_problem(schema: dict[str, Any]) -> str | None:
    """The first rule of Structured Outputs' strict mode that ``schema`` breaks, in the real API's words."""
    return _strict_node(schema, schema, ())


def _strict_node(node: Any, root: dict[str, Any], context: tuple[str, ...]) -> str | None:
    if not isinstance(node, dict):
        return None
    where = _context(context)
    kind = node.get("type")
    is_object = kind == "object" or (isinstance(kind, list) and "object" in kind) or "properties" in node
    if is_object:
        if node.get("additionalProperties") is not False:
            return where + "'additionalProperties' is required to be supplied and to be false."
        properties = node.get("properties") or {}
        required = node.get("required") or []
        missing = [key for key in properties if key not in required]
        if missing:
            return (
                where + "'required' is required to be supplied and to be an array including every key in "
                f"properties. Missing '{missing[0]}'."
            )
        for key, sub in properties.items():
            found = _strict_node(sub, root, (*context, "properties", key))
            if found:
                return found
    children: list[tuple[tuple[str, ...], Any]] = []
    if isinstance(node.get("items"), dict):
        children.append(((*context, "items"), node["items"]))
    for key in ("anyOf", "oneOf", "allOf"):
        for i, sub in enumerate(node.get(key) or []):
            children.append(((*context, key, str(i)), sub))
    for key in ("$defs", "definitions"):
        for name, sub in (node.get(key) or {}).items():
            children.append(((*context, key, name), sub))
    for sub_context, sub in children:
        found = _strict_node(sub, root, sub_context)
        if found:
            return found
    return None


# -- sampling, tokens, streaming -----------------------------------------------------------------


def _sampling(body: dict[str, Any], req: ChatRequest) -> None:
    req.n = int(typed(body, "n", int, 1))
    if req.n < 1 or req.n > 128:
        raise errors.APIError(
            400, f"Invalid 'n': integer {'below minimum' if req.n < 1 else 'above maximum'} value. Expected a "
            f"value {'>= 1' if req.n < 1 else '<= 128'}, but got {req.n} instead.", param="n",
            code="integer_below_min_value" if req.n < 1 else "integer_above_max_value",
        )
    stop = body.get("stop")
    if isinstance(stop, str):
        req.stop = [stop]
    elif isinstance(stop, list):
        if len(stop) > 4:
            raise errors.APIError(
                400, f"Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array "
                f"with length {len(stop)} instead.", param="stop", code="array_above_max_length",
            )
        req.stop = [s for s in stop if isinstance(s, str)]
    seed = typed(body, "seed", int, None)
    req.seed = int(seed) if seed is not None else None
    req.logprobs = bool(typed(body, "logprobs", bool, False))
    top = typed(body, "top_logprobs", int, None)
    if top is not None and not req.logprobs:
        raise errors.APIError(
            400, "Invalid value for 'top_logprobs': 'top_logprobs' is only allowed when 'logprobs' is true.",
            param="top_logprobs",
        )
    req.top_logprobs = int(top or 0)
    check_logit_bias(body.get("logit_bias"), req.info)
    if req.info.kind == "reasoning":
        reasoning_limits(body, req.info, body.get("reasoning_effort"))


def check_logit_bias(bias: Any, info: ModelInfo) -> None:
    """Keys are token ids of the model's vocabulary, values biases within -100..100 (chat and completions)."""
    if not isinstance(bias, dict):
        return  # absent or null; other types fail the contract check first
    last = LAST_BIASABLE.get(info.encoding, LAST_BIASABLE["o200k_base"])
    for key, value in bias.items():
        if not key.isascii() or not key.isdigit():
            raise errors.APIError(
                400, f"Invalid key in 'logit_bias': {key}. You should only be submitting non-negative integers.",
                param="logit_bias",
            )  # wording: OkGoDoIt/OpenAI-API-dotnet#163, sashabaranov/go-openai#129
        if int(key) > last:
            raise errors.APIError(400, f"Invalid key in 'logit_bias': {key}. Maximum value is {last}.",
                                  param="logit_bias")  # fmt: skip
        if isinstance(value, (int, float)) and not -BIAS_LIMIT <= value <= BIAS_LIMIT:
            # The documented range; this message is our choice (contracts/README.md).
            raise errors.APIError(
                400, f"Invalid value for 'logit_bias': the bias for token {key} is {value}. Expected a value "
                f"between -{BIAS_LIMIT} and {BIAS_LIMIT}.", param="logit_bias", code="invalid_value",
            )


def reasoning_limits(body: dict[str, Any], info: ModelInfo, effort: Any) -> None:
    """Sampling controls a reasoning model refuses, unless it does not reason: OpenAI's latest-model guide
    allows temperature, top_p and logprobs from gpt-5.1 on when the effort is ``none`` (vercel/ai#10940), which is
    also those models' default (langchain-ai/langchain#35424)."""
    if (effort or default_effort(info)) == "none":
        return
    for name in ("temperature", "top_p"):
        value = body.get(name)
        if value is not None and value != 1:
            raise errors.APIError(
                400, f"Unsupported value: '{name}' does not support {value} with this model. Only the default (1) "
                "value is supported.", param=name, code="unsupported_value",
            )
    for name in ("logprobs", "top_logprobs"):
        if body.get(name):
            raise errors.APIError(
                400, f"Unsupported parameter: '{name}' is not supported with this model.", param=name,
                code="unsupported_parameter",
            )


def _max_tokens(body: dict[str, Any], req: ChatRequest) -> None:
    legacy = typed(body, "max_tokens", int, None)
    modern = typed(body, "max_completion_tokens", int, None)
    if legacy is not None and req.info.kind == "reasoning":
        raise errors.APIError(
            400, "Unsupported parameter: 'max_tokens' is not supported with this model. Use "
            "'max_completion_tokens' instead.", param="max_tokens", code="unsupported_parameter",
        )
    name, value = ("max_completion_tokens", modern) if modern is not None else ("max_tokens", legacy)
    if value is None:
        return
    if value < 1:
        raise errors.APIError(
            400, f"Invalid '{name}': integer below minimum value. Expected a value >= 1, but got {value} instead.",
            param=name, code="integer_below_min_value",
        )
    if value > req.info.max_output:
        raise errors.APIError(
            400, f"{name} is too large: {value}. This model supports at most {req.info.max_output} completion "
            f"tokens, whereas you provided {value}.", param=name, code="invalid_value",
        )
    req.max_tokens = int(value)


def _streaming(body: dict[str, Any], req: ChatRequest) -> None:
    req.stream = bool(typed(body, "stream", bool, False))
    options = body.get("stream_options")
    if options is None:
        return
    if not req.stream:
        raise errors.APIError(
            400, "The 'stream_options' parameter is only allowed when 'stream' is enabled.", param="stream_options"
        )
    if not isinstance(options, dict):
        raise errors.wrong_type("stream_options", options, dict)
    req.include_usage = bool(options.get("include_usage"))
    req.include_obfuscation = options.get("include_obfuscation") is not False


def _context_length(req: ChatRequest) -> None:
    prompt = req.prompt_tokens()
    limit = req.info.context
    if req.max_tokens is not None and prompt + req.max_tokens > limit:
        raise errors.APIError(
            400, f"This model's maximum context length is {limit} tokens. However, you requested "
            f"{prompt + req.max_tokens} tokens ({prompt} in the messages, {req.max_tokens} in the completion). "
            "Please reduce the length of the messages or completion.", param="messages",
            code="context_length_exceeded",
        )
    if prompt > limit:
        raise errors.APIError(
            400, f"This model's maximum context length is {limit} tokens. However, your messages resulted in "
            f"{prompt} tokens. Please reduce the length of the messages.", param="messages",
            code="context_length_exceeded",
        )


# -- what the model sees -------------------------------------------------------------------------


def turn_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Messages in the responder's terms; legacy function calls become tool calls."""
    out = []
    for message in messages:
        role = message.get("role")
        item: dict[str, Any] = {"role": role, "content": message.get("content")}
        if role == "function":
            item = {"role": "tool", "content": message.get("content"), "tool_call_id": message.get("name")}
        elif role == "tool":
            item["tool_call_id"] = message.get("tool_call_id")
        elif role == "assistant":
            calls = message.get("tool_calls") or []
            if message.get("function_call"):
                call = message["function_call"]
                calls = [{"id": call.get("name"), "type": "function", "function": call}]
            if calls:
                item["tool_calls"] = calls
        if message.get("name"):
            item["name"] = message["name"]
        out.append(item)
    return out
