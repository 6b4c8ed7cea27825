"""A chat history that fits a token budget.

``Conversation`` keeps every message; ``trimmed()`` is what gets sent: the system (and developer)
messages always, then as many of the newest turns as fit in ``budget`` prompt tokens, counted exactly
with the real tokenizer the way the API bills a prompt (per-message overhead and tool definitions
included). An assistant message that called tools and the ``tool`` replies to it are kept or dropped
together, so a trimmed history never holds a tool reply without its call (which the API rejects).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mockapi_client.errors import TokenBudgetError
from mockapi_client.resources.chat import message_params
from mockapi_client.types.chat import ChatCompletion

if TYPE_CHECKING:
    from mockapi_client.client import AsyncClient, Client

PINNED_ROLES = ("system", "developer")


class Conversation:
    def __init__(
        self, model: str, *, system: str | None = None, budget: int | None = None,
        tools: Sequence[dict[str, Any]] | None = None, messages: Sequence[Any] = (),
    ) -> None:
        self.model = model
        self.budget = budget
        self.tools = list(tools) if tools else None
        self.messages: list[dict[str, Any]] = []
        if system is not None:
            self.add({"role": "system", "content": system})
        for message in messages:
            self.add(message)

    def add(self, message: Any) -> None:
        """Append a message dict or a response message (``ChatCompletionMessage``)."""
        self.messages.extend(message_params([message]))

    def user(self, content: Any) -> None:
        self.add({"role": "user", "content": content})

    def assistant(self, content: Any) -> None:
        self.add({"role": "assistant", "content": content})

    def count(self, messages: Sequence[dict[str, Any]] | None = None) -> int:
        """Prompt tokens of ``messages`` (default: the whole history) with this conversation's tools."""
        from mockapi import tokens

        return tokens.chat_prompt_tokens(list(self.messages if messages is None else messages), self.model, self.tools)

    def _cost(self, message: dict[str, Any]) -> int:
        """One message's share of a prompt (the prompt total minus the reply priming)."""
        from mockapi import tokens

        return tokens.chat_prompt_tokens([message], self.model) - tokens.REPLY_PRIMING

    def trimmed(self, budget: int | None = None) -> list[dict[str, Any]]:
        """The messages to send: pinned ones plus the newest turns that fit ``budget`` (default ``self.budget``)."""
        budget = self.budget if budget is None else budget
        if budget is None:
            return list(self.messages)
        pinned = [i for i, m in enumerate(self.messages) if m.get("role") in PINNED_ROLES]
        units = _units([i for i in range(len(self.messages)) if i not in set(pinned)], self.messages)
        total = self.count([])  # priming and tool definitions
        total += sum(self._cost(self.messages[i]) for i in pinned)
        unit_costs = [sum(self._cost(self.messages[i]) for i in unit) for unit in units]
        keep_from = len(units)
        for index in range(len(units) - 1, -1, -1):
            if total + unit_costs[index] > budget:
                break
            total += unit_costs[index]
            keep_from = index
        if units and keep_from == len(units):
            newest = self.count([self.messages[i] for i in pinned + units[-1]])
            raise TokenBudgetError(
                f"The system messages and the newest turn need {newest} tokens, over the budget of {budget}."
            )
        kept = set(pinned) | {i for unit in units[keep_from:] for i in unit}
        return [m for i, m in enumerate(self.messages) if i in kept]

    def send(self, client: Client, **params: Any) -> ChatCompletion:
        """Ask for the next reply with the trimmed history; the reply joins the history."""
        extra = {"tools": self.tools} if self.tools else {}
        completion = client.chat.completions.create(model=self.model, messages=self.trimmed(), **extra, **params)
        self.add(completion.choices[0].message)
        return completion

    async def asend(self, client: AsyncClient, **params: Any) -> ChatCompletion:
        extra = {"tools": self.tools} if self.tools else {}
        completion = await client.chat.completions.create(
            model=self.model, messages=self.trimmed(), **extra, **params
        )
        self.add(completion.choices[0].message)
        return completion


def _units(indexes: list[int], messages: list[dict[str, Any]]) -> list[list[int]]:
    """Group message indexes: a tool reply joins the unit of the assistant message that called it."""
    units: list[list[int]] = []
    for i in indexes:
        if messages[i].get("role") == "tool" and units:
            units[-1].append(i)
        else:
            units.append([i])
    return units
