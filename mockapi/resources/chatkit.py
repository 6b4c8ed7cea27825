"""``/chatkit``: the sessions a backend mints for the ChatKit UI, and the threads that UI leaves behind.

A session is the request's settings over the documented defaults, with an ephemeral ``client_secret``; it is
``active`` until ``expires_at`` (then ``expired``) or until cancelled (``cancelled``, its secret blanked). Threads
and their items are written by the ChatKit UI, never by this API: tests seed them through
``fake.services["chatkit"]`` or ``POST /__mockapi__/chatkit/threads``. Facts and choices: contracts/README.md
("ChatKit").
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.collection import Collection
from mockapi.common import deleted, find, paginate, required, typed
from mockapi.context import RequestContext
from mockapi.contract import Contract
from mockapi.ids import new_id
from mockapi.media import params
from mockapi.resources.realtime import ephemeral_key
from mockapi.state import Namespace

if TYPE_CHECKING:
    from mockapi.fake import Fake

SESSIONS = "chatkit_sessions"
THREADS = "chatkit_threads"
SESSION_SECONDS = (1, 600, 600)  # min, max, default: the document's ExpiresAfterParam; "Defaults to 10 minutes"
DEFAULT_RATE_LIMIT = 10  # "When omitted, defaults to 10."
STATE_KEY_MAX = 64  # "Keys may be up to 64 characters"
# The configuration a session resolves to when the request leaves it out: the SDK's docstrings, and a real
# session captured in Oct 2025 (upload off, 512 MB, 10 files; history on, recent_threads null).
DEFAULT_CONFIGURATION: dict[str, Any] = {
    "automatic_thread_titling": {"enabled": True},
    "file_upload": {"enabled": False, "max_file_size": 512, "max_files": 10},
    "history": {"enabled": True, "recent_threads": None},
}
# Item type -> the document's component for it.
ITEM_SCHEMAS = {
    "user_message": "UserMessageItem", "assistant_message": "AssistantMessageItem", "widget": "WidgetMessageItem",
    "client_tool_call": "ClientToolCallItem", "task": "TaskItem", "task_group": "TaskGroupItem",
}
THREAD_STATUSES = ("active", "locked", "closed")


@dataclass
class Thread:
    obj: dict[str, Any]
    items: Collection[dict[str, Any]] = field(default_factory=Collection)

    @property
    def id(self) -> str:
        return str(self.obj["id"])


def install(fake: Fake) -> None:
    service = ChatKitService(fake)
    fake.services["chatkit"] = service
    add = fake.router.add
    add("POST", "/chatkit/sessions", create_session)
    add("POST", "/chatkit/sessions/{session_id}/cancel", cancel_session)
    add("GET", "/chatkit/threads", list_threads)
    add("GET", "/chatkit/threads/{thread_id}", retrieve_thread)
    add("DELETE", "/chatkit/threads/{thread_id}", delete_thread)
    add("GET", "/chatkit/threads/{thread_id}/items", list_items)
    fake.control.add("POST", "/chatkit/threads", lambda f, b, q: service.add_thread(**b))
    fake.control.add("POST", "/chatkit/threads/{thread_id}/items",
                     lambda f, b, q: {"object": "list", "data": service.add_items(q["thread_id"], b["items"])})


# -- sessions ---------------------------------------------------------------------------------------


def create_session(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    user = required(body, "user", str)
    if not user:
        raise errors.invalid_request("Invalid 'user': empty string. Expected a string with minimum length 1, but "
                                     "got an empty string instead.", param="user", code="empty_string")
    workflow = _workflow(required(body, "workflow", dict))
    low, high, default = SESSION_SECONDS
    expires = typed(body, "expires_after", dict, {})
    seconds = required(expires, "seconds", int, "expires_after") if expires else default
    params.check_range("expires_after.seconds", seconds, low, high, integer_=True)
    limits = typed(body, "rate_limits", dict, {})
    per_minute = typed(limits, "max_requests_per_1_minute", int, DEFAULT_RATE_LIMIT, "rate_limits")
    params.check_range("rate_limits.max_requests_per_1_minute", per_minute, 1, None, integer_=True)
    session = {
        "id": new_id("cksess_"), "object": "chatkit.session", "status": "active",
        "chatkit_configuration": _configuration(typed(body, "chatkit_configuration", dict, {})),
        "client_secret": ephemeral_key(), "expires_at": ctx.now + seconds,
        "max_requests_per_1_minute": per_minute, "rate_limits": {"max_requests_per_1_minute": per_minute},
        "user": user, "workflow": workflow,
    }
    ctx.ns.collection(SESSIONS).add(session["id"], session)
    return _rendered(session, ctx.now)


def cancel_session(ctx: RequestContext) -> dict[str, Any]:
    # The real 404 (openai/chatkit-js#66): "Chatkit Session with id 'cksess_…' not found.", param null.
    session: dict[str, Any] = find(ctx.ns.collection(SESSIONS), ctx.params["session_id"], "Chatkit Session")
    if _rendered(session, ctx.now)["status"] == "active":  # an expired or cancelled one stays as it is (chosen)
        session.update(status="cancelled", client_secret="")  # the documented cancel example blanks the secret
    return _rendered(session, ctx.now)


def _rendered(session: dict[str, Any], now: int) -> dict[str, Any]:
    if session["status"] == "active" and now >= session["expires_at"]:
        session["status"] = "expired"
    return session


def _workflow(asked: dict[str, Any]) -> dict[str, Any]:
    workflow_id = required(asked, "id", str, "workflow")
    version = typed(asked, "version", str, None, "workflow")
    tracing = typed(asked, "tracing", dict, {}, "workflow")
    variables = typed(asked, "state_variables", dict, None, "workflow")
    for key, value in (variables or {}).items():
        if len(key) > STATE_KEY_MAX:
            raise errors.string_too_long(f"workflow.state_variables.{key}", STATE_KEY_MAX, len(key))
        if not isinstance(value, (str, int, float, bool)):
            raise errors.invalid_type(f"workflow.state_variables.{key}", "a string, number or boolean", value)
    return {
        "id": workflow_id, "version": version, "state_variables": variables,
        "tracing": {"enabled": typed(tracing, "enabled", bool, True, "workflow.tracing")},
    }


def _configuration(asked: dict[str, Any]) -> dict[str, Any]:
    """The documented defaults with the request's settings laid over them, feature by feature."""
    resolved = copy.deepcopy(DEFAULT_CONFIGURATION)
    for feature, settings in resolved.items():
        given = typed(asked, feature, dict, {}, "chatkit_configuration")
        where = f"chatkit_configuration.{feature}"
        for name, default in settings.items():
            value = typed(given, name, bool if isinstance(default, bool) else int, None, where)
            if value is None:
                continue
            if not isinstance(value, bool):  # the document's bounds: 1 up, and at most 512 MB per file
                params.check_range(f"{where}.{name}", value, 1, 512 if name == "max_file_size" else None, integer_=True)
            settings[name] = value
    return resolved


# -- threads ----------------------------------------------------------------------------------------


def list_threads(ctx: RequestContext) -> dict[str, Any]:
    user = ctx.query.get("user")
    where = None if user is None else (lambda t: t.obj["user"] == user)
    return paginate(ctx, ctx.ns.collection(THREADS), lambda t: t.obj, where=where)


def retrieve_thread(ctx: RequestContext) -> dict[str, Any]:
    return _thread(ctx).obj


def delete_thread(ctx: RequestContext) -> dict[str, Any]:
    thread = _thread(ctx)
    ctx.ns.collection(THREADS).remove(thread.id)
    return deleted(thread.id, "chatkit.thread.deleted")


def list_items(ctx: RequestContext) -> dict[str, Any]:
    return paginate(ctx, _thread(ctx).items, lambda item: item)


def _thread(ctx: RequestContext) -> Thread:
    # Wording chosen after the sessions' real 404 (contracts/README.md, "ChatKit").
    return find(ctx.ns.collection(THREADS), ctx.params["thread_id"], "Chatkit Thread")


# -- seeding (what the ChatKit UI would have written) ----------------------------------------------


class ChatKitService:
    """Seeds threads for tests: ``fake.services["chatkit"].add_thread(user="u1", items=[...])``."""

    def __init__(self, fake: Fake) -> None:
        self.fake = fake

    def add_thread(self, user: str | None = None, *, items: list[dict[str, Any]] | None = None,
                   title: str | None = None, status: str = "active", reason: str | None = None,
                   api_key: str = "sk-test", session_id: str | None = None) -> dict[str, Any]:
        """A thread owned by ``api_key``'s account (or by the account and user of ``session_id``), with
        ``items`` in order; returns the thread as the API shows it."""
        if session_id is not None:
            ns, session = self._session(session_id)
            user = user or session["user"]
        else:
            ns = self.fake.state.namespace(self.fake.dispatcher.owner_of(api_key))
        if not isinstance(user, str) or not user:
            raise ValueError("give a non-empty 'user' (or a 'session_id')")
        if status not in THREAD_STATUSES:
            raise ValueError(f"status must be one of {list(THREAD_STATUSES)}")
        if title is not None and not isinstance(title, str):
            raise ValueError("title must be a string")
        state: dict[str, Any] = {"type": status} if status == "active" else {"type": status, "reason": reason}
        obj = {"id": new_id("cthr_"), "object": "chatkit.thread", "created_at": self._now(), "title": title,
               "status": state, "user": user}
        thread = Thread(obj)
        self._append(thread, items or [])
        ns.collection(THREADS).add(thread.id, thread)
        return obj

    def add_items(self, thread_id: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Append ``items`` to a seeded thread (in any account); returns them as the API shows them."""
        for ns in self.fake.state.namespaces():
            thread = ns.collection(THREADS).get(thread_id)
            if thread is not None:
                return self._append(thread, items)
        raise ValueError(f"no ChatKit thread '{thread_id}'")

    def _append(self, thread: Thread, specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not isinstance(specs, list):
            raise ValueError("items must be a list")
        built = [_item(spec, thread.id, self._now(), i) for i, spec in enumerate(specs)]  # all or none
        for item in built:
            thread.items.add(item["id"], item)
        return built

    def _session(self, session_id: str) -> tuple[Namespace, dict[str, Any]]:
        for ns in self.fake.state.namespaces():
            session = ns.collection(SESSIONS).get(session_id)
            if session is not None:
                return ns, session
        raise ValueError(f"no ChatKit session '{session_id}'")

    def _now(self) -> int:
        return int(self.fake.clock.now())


def _item(spec: Any, thread_id: str, now: int, index: int) -> dict[str, Any]:
    """A thread item from a seed: ``{"type": "user_message", "text": "Hi"}`` (shorthands) or the item's own
    fields; checked against the document's ``ThreadItem`` so a seeded thread never breaks the contract."""
    if not isinstance(spec, dict):
        raise ValueError(f"items[{index}] must be an object")
    kind = str(spec.get("type", "")).removeprefix("chatkit.")
    if kind not in ITEM_SCHEMAS:
        raise ValueError(f"items[{index}].type must be one of {list(ITEM_SCHEMAS)}")
    fields = {k: v for k, v in spec.items() if k not in ("type", "text", "id", "object", "thread_id")}
    text = spec.get("text")
    if kind == "user_message":
        fields.setdefault("content", [{"type": "input_text", "text": text or ""}])
        fields.setdefault("attachments", [])
        fields.setdefault("inference_options", None)
    elif kind == "assistant_message":
        fields.setdefault("content", [{"type": "output_text", "text": text or "", "annotations": []}])
    elif kind == "widget" and not isinstance(fields.get("widget"), str):
        fields["widget"] = json.dumps(fields.get("widget") or {"type": "Card", "children": []})
    elif kind == "client_tool_call":
        if not isinstance(fields.get("arguments", ""), str):
            fields["arguments"] = json.dumps(fields["arguments"])
        fields.setdefault("arguments", "{}")
        fields.setdefault("call_id", new_id("call_"))
        fields.setdefault("output", None)
        fields.setdefault("status", "in_progress" if fields["output"] is None else "completed")
    elif kind == "task":
        fields.setdefault("task_type", "custom")
        fields.setdefault("heading", text)
        fields.setdefault("summary", None)
    elif kind == "task_group":
        fields.setdefault("tasks", [])
    item = {"id": new_id("cti_"), "object": "chatkit.thread_item", "created_at": now, "thread_id": thread_id,
            "type": f"chatkit.{kind}", **fields}
    validator = Contract.load().component_validator(ITEM_SCHEMAS[kind]).validator
    problem = next(iter(validator.iter_errors(item)), None)
    if problem is not None:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in problem.instance_path)
        raise ValueError(f"items[{index}]{where}: {problem.message}")
    return item
