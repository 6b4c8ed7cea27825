"""Stored responses and conversations, and the lazy background lifecycle.

A stored response keeps the response object as last shown, its own input
items and the context it was built on (the previous response's chain or the
conversation's items), so ``previous_response_id`` can chain onto it. A
``background`` response holds its finished body in ``final`` and reveals it on
the shared clock: ``queued`` until ``starts_at``, ``in_progress`` until
``done_at``, then the final status. Nothing runs in the background: ``settle``
is called whenever the response (or its conversation) is read, so a manual
clock freezes everything until ``fake.advance``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mockapi import errors
from mockapi.collection import Collection
from mockapi.responses import items as item_store
from mockapi.state import Namespace, State

RESPONSES = "responses"
CONVERSATIONS = "conversations"
BACKGROUND = "responses.background"  # namespace slot: {id: StoredResponse} background responses not yet ended
TERMINAL = ("completed", "incomplete", "failed", "cancelled")


@dataclass
class StoredResponse:
    body: dict[str, Any]  # the response object as it reads now
    input_items: list[dict[str, Any]]  # this request's own input items (input_items lists them)
    prefix: list[dict[str, Any]]  # the context the input was appended to
    conversation_id: str | None = None
    folded: int = 0  # leading items of prefix + input that an in-stream compaction (output[0]) stands for
    # background only: the finished body and when it shows
    final: dict[str, Any] | None = None
    starts_at: float = 0.0
    done_at: float = 0.0
    # background only: told the final status when it ends (the response.* webhook events)
    notify: Callable[[str, dict[str, Any]], None] | None = None

    @property
    def id(self) -> str:
        return str(self.body["id"])

    @property
    def status(self) -> str:
        return str(self.body["status"])

    def context(self) -> list[dict[str, Any]]:
        """Everything a response chaining onto this one starts from: prior context, input, output; after an
        in-stream compaction, the compaction in place of what it folded."""
        whole, output = [*self.prefix, *self.input_items], self.body.get("output", [])
        if self.folded:
            return [output[0], *whole[self.folded :], *output[1:]]
        return [*whole, *output]


@dataclass
class Conversation:
    obj: dict[str, Any]
    items: Collection[dict[str, Any]] = field(default_factory=Collection)
    pending: list[str] = field(default_factory=list)  # background responses that will append here

    @property
    def id(self) -> str:
        return str(self.obj["id"])

    def item_list(self) -> list[dict[str, Any]]:
        return list(self.items.values())


# -- responses -------------------------------------------------------------------------------------


def response_not_found(response_id: str) -> errors.APIError:
    return errors.APIError(404, f"Response with id '{response_id}' not found.")


def find_response(ns: Namespace, response_id: str, now: float) -> StoredResponse | None:
    record: StoredResponse | None = ns.collection(RESPONSES).get(response_id)
    if record is not None:
        settle(ns, record, now)
    return record


def get_response(ns: Namespace, response_id: str, now: float) -> StoredResponse:
    record = find_response(ns, response_id, now)
    if record is None:
        raise response_not_found(response_id)
    return record


def save(ns: Namespace, record: StoredResponse, store: bool) -> None:
    """Keep a response (``store``) and, once it is finished, add its items to its conversation."""
    if store:
        ns.collection(RESPONSES).add(record.id, record)
        item_store.remember(ns, record.input_items)
    if record.final is None:
        finish(ns, record)
        return
    ns.slots.setdefault(BACKGROUND, {})[record.id] = record
    if record.conversation_id is not None:
        conversation = ns.collection(CONVERSATIONS).get(record.conversation_id)
        if conversation is not None:
            conversation.pending.append(record.id)


def settle(ns: Namespace, record: StoredResponse, now: float) -> None:
    """Bring a background response up to ``now``: queued -> in_progress -> its final status."""
    if record.final is None:
        return
    if record.status == "queued" and now >= record.starts_at:
        record.body = {**record.body, "status": "in_progress"}
    if record.status == "in_progress" and now >= record.done_at:
        final = record.final
        record.final = None
        record.body = {**final, "completed_at": int(record.done_at) if final["status"] == "completed" else None}
        finish(ns, record)
        _ended(ns, record)


def cancel(ns: Namespace, record: StoredResponse) -> None:
    record.final = None
    record.body = {**record.body, "status": "cancelled", "completed_at": None}
    _unpend(ns, record)
    _ended(ns, record)


def _ended(ns: Namespace, record: StoredResponse) -> None:
    """A background response reached its final status: no longer pending; its webhook event goes out."""
    (ns.slots.get(BACKGROUND) or {}).pop(record.id, None)
    if record.notify is not None:
        record.notify(f"response.{record.status}", {"id": record.id})


def settle_background(state: State, now: float) -> None:
    """Every owner's pending background responses, brought up to ``now`` (the webhook thread's tick)."""
    for ns in state.namespaces():
        if ns.slots.get(BACKGROUND):
            with state.lock:
                for record in list(ns.slots[BACKGROUND].values()):
                    settle(ns, record, now)


def finish(ns: Namespace, record: StoredResponse) -> None:
    """A finished response: its output becomes referable and its conversation grows (input, then output)."""
    output = record.body.get("output", [])
    item_store.remember(ns, output)
    _unpend(ns, record)
    if record.conversation_id is None or record.status == "cancelled":
        return
    conversation: Conversation | None = ns.collection(CONVERSATIONS).get(record.conversation_id)
    if conversation is not None:
        append(ns, conversation, [*record.input_items, *output])


def _unpend(ns: Namespace, record: StoredResponse) -> None:
    if record.conversation_id is None:
        return
    conversation: Conversation | None = ns.collection(CONVERSATIONS).get(record.conversation_id)
    if conversation is not None and record.id in conversation.pending:
        conversation.pending.remove(record.id)


# -- conversations ---------------------------------------------------------------------------------


def conversation_not_found(conversation_id: str) -> errors.APIError:
    return errors.APIError(404, f"Conversation with id '{conversation_id}' not found.")


def get_conversation(ns: Namespace, conversation_id: str, now: float) -> Conversation:
    """A conversation with every background response that writes to it settled first."""
    conversation: Conversation | None = ns.collection(CONVERSATIONS).get(conversation_id)
    if conversation is None:
        raise conversation_not_found(conversation_id)
    for response_id in list(conversation.pending):
        record = ns.collection(RESPONSES).get(response_id)
        if record is None:
            conversation.pending.remove(response_id)
        else:
            settle(ns, record, now)
    return conversation


def append(ns: Namespace, conversation: Conversation, new_items: list[dict[str, Any]]) -> None:
    for item in new_items:
        if item["id"] in conversation.items:
            continue  # an item referenced again is already part of the conversation
        conversation.items.add(item["id"], item)
    item_store.remember(ns, new_items)
