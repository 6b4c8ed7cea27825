"""Conversation items: what the caller sends as ``input``, what is stored and listed, what the model sees.

One stored form serves every place an item appears: a response's
``input_items``, a conversation's items and the context a later response
chains onto. Input messages become ``message`` items with ``input_text`` parts
(assistant messages with ``output_text`` parts), every item gets an id with
the real prefix (``msg_``, ``fc_``, ``fco_``, ``fs_`` + 48 hex) and a
``status``. ``to_chat`` turns a list of stored items into the chat-style
messages the responder reads.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from typing import Any

import orjson

from mockapi import errors, tokens
from mockapi.chat.request import image_url_problem
from mockapi.common import required
from mockapi.state import Namespace

INDEX_SLOT = "response_items"  # ns.slots: item id -> stored item (item_reference lookups)
ROLES = ("user", "assistant", "system", "developer")
PREFIXES = {
    "message": "msg_",
    "function_call": "fc_",
    "function_call_output": "fco_",
    "file_search_call": "fs_",
    "reasoning": "rs_",
    "web_search_call": "ws_",
    "computer_call": "cu_",
    "computer_call_output": "cuo_",
    "compaction": "cmp_",
    "code_interpreter_call": "ci_",  # the document's examples: ci_…, ig_…, ctc_…
    "custom_tool_call": "ctc_",
    "image_generation_call": "ig_",
    "shell_call": "sh_",  # chosen, like the other short prefixes (the document shows none for these)
    "local_shell_call": "lsh_",
    "apply_patch_call": "apc_",
    "mcp_call": "mcp_",
    "mcp_list_tools": "mcpl_",
    "mcp_approval_request": "mcpr_",
}
# Compaction (``POST /responses/compact``): what the folded items said, as one opaque token. Real tokens are
# Fernet ("gAAAAA..."); the fake's carry a readable summary so a later turn can show the model its history.
SEALED = "gAAAAA"
_SEAL_MARK = b"mockapi-compaction:"
SUMMARY_TOKENS = 256  # what a compaction keeps of the folded turns (our choice: a long history gets shorter)


def new_id(prefix: str) -> str:
    """``msg_`` + 48 hex, the shape of real Responses ids (``ids.new_id`` keeps Assistants' ``msg_`` shape)."""
    return prefix + secrets.token_hex(24)


def item_id(kind: str) -> str:
    return new_id(PREFIXES.get(kind, "item_"))


# -- normalizing what the caller sends ---------------------------------------------------------


def from_input(value: Any, ns: Namespace, param: str = "input") -> list[dict[str, Any]]:
    """The stored items of an ``input`` (a string or a list of items); references resolve to their item."""
    if value is None:
        return []
    if isinstance(value, str):
        return [user_message(value)]
    if not isinstance(value, list):
        raise errors.wrong_type(param, value, (str, list))
    return [normalize(item, ns, f"{param}[{i}]") for i, item in enumerate(value)]


def user_message(text: str) -> dict[str, Any]:
    return {
        "id": item_id("message"), "type": "message", "status": "completed", "role": "user",
        "content": [{"type": "input_text", "text": text}],
    }


def normalize(item: Any, ns: Namespace, param: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise errors.wrong_type(param, item, dict)
    kind = item.get("type")
    if kind is None and "role" in item:
        kind = "message"
    if kind == "message":
        return _message(item, param)
    if kind == "item_reference":
        return _reference(item, ns, param)
    if kind == "function_call":
        return _function_call(item, param)
    if kind == "function_call_output":
        return _function_output(item, param)
    if kind == "custom_tool_call":
        return _custom_call(item, param)
    if kind == "custom_tool_call_output":
        return {**_function_output(item, param), "type": "custom_tool_call_output",
                "id": item.get("id") or item_id("custom_tool_call_output")}
    if kind == "compaction":
        return _compaction(item, param)
    if not isinstance(kind, str):
        raise errors.missing_parameter(f"{param}.type")
    # Other item types (reasoning, hosted tool calls...) are kept as given; the model ignores them.
    stored = dict(item)
    stored.setdefault("id", item_id(kind))
    return stored


def _message(item: dict[str, Any], param: str) -> dict[str, Any]:
    role = item.get("role")
    if role not in ROLES:
        raise errors.invalid_value(f"{param}.role", role, list(ROLES))
    content = item.get("content")
    if content is None:
        raise errors.missing_parameter(f"{param}.content")
    assistant = role == "assistant"
    if isinstance(content, str):
        parts = [_text_part(content, assistant)]
    elif isinstance(content, list):
        parts = [_part(p, assistant, f"{param}.content[{i}]") for i, p in enumerate(content)]
    else:
        raise errors.wrong_type(f"{param}.content", content, (str, list))
    return {
        "id": item.get("id") or item_id("message"), "type": "message", "status": item.get("status") or "completed",
        "role": role, "content": parts,
    }


def _text_part(text: str, assistant: bool) -> dict[str, Any]:
    if assistant:
        return {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
    return {"type": "input_text", "text": text}


# Which content parts each role may send (the real 400 for `input_text` in an assistant message lists
# 'output_text' and 'refusal'; the one for a user message lists the three input types).
ASSISTANT_PARTS = ("output_text", "refusal")
INPUT_PARTS = ("input_text", "input_image", "input_file")


def _part(part: Any, assistant: bool, param: str) -> dict[str, Any]:
    if not isinstance(part, dict):
        raise errors.wrong_type(param, part, dict)
    kind = part.get("type")
    allowed = ASSISTANT_PARTS if assistant else INPUT_PARTS
    if kind not in allowed:
        raise errors.invalid_value(f"{param}.type", kind, list(allowed))
    if kind in ("input_text", "output_text"):
        text = required(part, "text", str, param)
        if assistant:
            return {**_text_part(text, True), **{k: part[k] for k in ("annotations", "logprobs") if k in part}}
        return _text_part(text, False)
    if kind == "input_image":
        url = part.get("image_url")
        if isinstance(url, str) and (problem := image_url_problem(url)):
            raise errors.APIError(
                400, f"Invalid '{param}.image_url'. {problem}", param=f"{param}.image_url", code="invalid_value"
            )
        return {**part, "detail": part.get("detail") or "auto"}  # "Defaults to `auto`", and is listed so
    return dict(part)  # files, refusals: kept as sent


def _function_call(item: dict[str, Any], param: str) -> dict[str, Any]:
    for name in ("call_id", "name", "arguments"):
        required(item, name, str, param)
    return {
        "id": item.get("id") or item_id("function_call"), "type": "function_call",
        "status": item.get("status") or "completed", "arguments": item["arguments"], "call_id": item["call_id"],
        "name": item["name"],
    }


def _custom_call(item: dict[str, Any], param: str) -> dict[str, Any]:
    for name in ("call_id", "name", "input"):
        required(item, name, str, param)
    return {
        "id": item.get("id") or item_id("custom_tool_call"), "type": "custom_tool_call",
        "status": item.get("status") or "completed", "call_id": item["call_id"], "name": item["name"],
        "input": item["input"],
    }


def _function_output(item: dict[str, Any], param: str) -> dict[str, Any]:
    call_id = required(item, "call_id", str, param)
    output = required(item, "output", (str, list), param)
    return {
        "id": item.get("id") or item_id("function_call_output"), "type": "function_call_output",
        "status": item.get("status") or "completed", "call_id": call_id, "output": output,
    }


def _compaction(item: dict[str, Any], param: str) -> dict[str, Any]:
    sealed = required(item, "encrypted_content", str, param)
    if unseal(sealed) is None:
        shown = f"{sealed[:4]}...{sealed[-4:]}" if len(sealed) > 8 else sealed
        # The real 400 (openai/codex#8145): param null, code invalid_encrypted_content.
        raise errors.APIError(400, f"The encrypted content {shown} could not be verified.",
                              code="invalid_encrypted_content")
    return {"id": item.get("id") or item_id("compaction"), "type": "compaction", "encrypted_content": sealed}


def compaction(folded: list[dict[str, Any]], model: str) -> tuple[dict[str, Any], str]:
    """One compaction item standing for ``folded`` (everything but the user's messages), and the summary it
    seals."""
    said = " ".join(text for text in map(_said, folded) if text)
    summary = tokens.decode(tokens.encode(said, model)[:SUMMARY_TOKENS], model)
    sealed = SEALED + base64.urlsafe_b64encode(_SEAL_MARK + summary.encode()).decode()
    return {"id": item_id("compaction"), "type": "compaction", "encrypted_content": sealed}, summary


def unseal(sealed: str) -> str | None:
    """The summary inside a compaction token, or None when the fake did not make it."""
    if not sealed.startswith(SEALED):
        return None
    try:
        raw = base64.urlsafe_b64decode(sealed[len(SEALED):])
    except (binascii.Error, ValueError):
        return None
    if not raw.startswith(_SEAL_MARK):
        return None
    return raw[len(_SEAL_MARK):].decode(errors="replace")


def _said(item: dict[str, Any]) -> str:
    kind = item.get("type")
    if kind == "message":
        return tokens.message_text(item.get("content"))
    if kind == "function_call":
        return f"{item['name']}({item['arguments']})"
    if kind == "function_call_output":
        output = item["output"]
        return output if isinstance(output, str) else tokens.message_text(output)
    if kind == "compaction":
        return unseal(item["encrypted_content"]) or ""
    return ""


def _reference(item: dict[str, Any], ns: Namespace, param: str) -> dict[str, Any]:
    ref = item.get("id")
    found = index(ns).get(ref) if isinstance(ref, str) else None
    if found is None:
        raise errors.APIError(400, f"Item with id '{ref}' not found.", param=f"{param}.id")
    return found


# -- the owner's item index (item_reference) ------------------------------------------------------


def index(ns: Namespace) -> dict[str, dict[str, Any]]:
    found = ns.slots.get(INDEX_SLOT)
    if found is None:
        found = ns.slots[INDEX_SLOT] = {}
    return found


def remember(ns: Namespace, stored: list[dict[str, Any]]) -> None:
    known = index(ns)
    for item in stored:
        if isinstance(item.get("id"), str):
            known[item["id"]] = item


# -- tool-call pairing ----------------------------------------------------------------------------


CALL_OUTPUTS = {"function_call": "function_call_output", "custom_tool_call": "custom_tool_call_output"}
CALL_NAMES = {"function_call": "function call", "custom_tool_call": "custom tool call"}


def check_pairs(context: list[dict[str, Any]]) -> None:
    """Every (function or custom) tool call has its output and every output its call, with the real API's wording
    (the custom tool's wording follows the function's: chosen)."""
    calls = {i["call_id"] for i in context if i.get("type") in CALL_OUTPUTS}
    outputs = {kind: call for call, kind in CALL_OUTPUTS.items()}
    answered = set()
    for item in context:
        call_kind = outputs.get(item.get("type", ""))
        if call_kind is None:
            continue
        if item["call_id"] not in calls:
            raise errors.APIError(
                400, f"No tool call found for {CALL_NAMES[call_kind]} output with call_id {item['call_id']}.",
                param="input",
            )
        answered.add(item["call_id"])
    for item in context:
        if item.get("type") in CALL_OUTPUTS and item["call_id"] not in answered:
            raise errors.APIError(
                400, f"No tool output found for {CALL_NAMES[item['type']]} {item['call_id']}.", param="input"
            )


# -- what the model sees ----------------------------------------------------------------------------


def to_chat(context: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Chat-style messages for the responder: consecutive function calls join one assistant message."""
    messages: list[dict[str, Any]] = []
    for item in context:
        kind = item.get("type")
        if kind == "message":
            messages.append({"role": item["role"], "content": tokens.message_text(item.get("content"))})
        elif kind in ("function_call", "custom_tool_call"):  # the model reads a custom call's input as arguments
            arguments = item["arguments"] if kind == "function_call" else item["input"]
            call = {"id": item["call_id"], "type": "function",
                    "function": {"name": item["name"], "arguments": arguments}}
            last = messages[-1] if messages else None
            if last is not None and last["role"] == "assistant" and last.get("tool_calls") is not None:
                last["tool_calls"].append(call)
            else:
                messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
        elif kind in ("function_call_output", "custom_tool_call_output"):
            output = item["output"]
            text = output if isinstance(output, str) else tokens.message_text(output)
            messages.append({"role": "tool", "tool_call_id": item["call_id"], "content": text})
        elif isinstance(kind, str) and kind.endswith("_call_output") and "output" in item:
            # A hosted tool's result the client ran (shell, apply_patch, computer...): read as a tool message.
            output = item["output"]
            text = output if isinstance(output, str) else orjson.dumps(output).decode()
            messages.append({"role": "tool", "tool_call_id": item.get("call_id", ""), "content": text})
        elif kind == "compaction":
            summary = unseal(item["encrypted_content"])
            if summary:
                messages.append({"role": "assistant", "content": summary})
    return messages

