"""Chat completions: responses, stream chunks, stored-completion messages."""

from __future__ import annotations

import json
from typing import Any, Generic, TypeVar

from mockapi_client.types.shared import APIObject, CompletionUsage

ParsedT = TypeVar("ParsedT")


class Function(APIObject):
    name: str = ""
    arguments: str = ""

    def parsed_arguments(self) -> Any:
        return json.loads(self.arguments or "{}")


class ToolCall(APIObject):
    id: str = ""
    type: str = "function"
    function: Function = Function()


class ChatCompletionMessage(APIObject):
    role: str = "assistant"
    content: str | None = None
    refusal: str | None = None
    tool_calls: list[ToolCall] | None = None
    annotations: list[dict[str, Any]] | None = None
    audio: dict[str, Any] | None = None
    function_call: Function | None = None

    def to_param(self) -> dict[str, Any]:
        """This message as it is sent back in ``messages`` of the next request."""
        param: dict[str, Any] = {"role": self.role, "content": self.content}
        if self.refusal is not None:
            param["refusal"] = self.refusal
        if self.tool_calls:
            param["tool_calls"] = [
                {"id": c.id, "type": c.type, "function": {"name": c.function.name, "arguments": c.function.arguments}}
                for c in self.tool_calls
            ]
        return param


class Choice(APIObject):
    index: int = 0
    message: ChatCompletionMessage
    finish_reason: str | None = None
    logprobs: dict[str, Any] | None = None


class ChatCompletion(APIObject):
    id: str = ""
    object: str = "chat.completion"
    created: int = 0
    model: str = ""
    choices: list[Choice] = []
    usage: CompletionUsage | None = None
    system_fingerprint: str | None = None
    service_tier: str | None = None
    metadata: dict[str, str] | None = None

    @property
    def text(self) -> str | None:
        """The first choice's content (the common case)."""
        return self.choices[0].message.content if self.choices else None


class ParsedMessage(ChatCompletionMessage, Generic[ParsedT]):
    parsed: ParsedT | None = None


class ParsedChoice(Choice, Generic[ParsedT]):
    message: ParsedMessage[ParsedT]


class ParsedChatCompletion(ChatCompletion, Generic[ParsedT]):
    choices: list[ParsedChoice[ParsedT]] = []

    @property
    def parsed(self) -> ParsedT | None:
        return self.choices[0].message.parsed if self.choices else None


class ToolCallDelta(APIObject):
    index: int
    id: str | None = None
    type: str | None = None
    function: dict[str, Any] | None = None


class ChoiceDelta(APIObject):
    role: str | None = None
    content: str | None = None
    refusal: str | None = None
    tool_calls: list[ToolCallDelta] | None = None


class ChunkChoice(APIObject):
    index: int = 0
    delta: ChoiceDelta = ChoiceDelta()
    finish_reason: str | None = None
    logprobs: dict[str, Any] | None = None


class ChatCompletionChunk(APIObject):
    id: str = ""
    object: str = "chat.completion.chunk"
    created: int = 0
    model: str = ""
    choices: list[ChunkChoice] = []
    usage: CompletionUsage | None = None
    system_fingerprint: str | None = None
    service_tier: str | None = None


class StoredMessage(APIObject):
    id: str
    role: str | None = None
    content: str | None = None
    name: str | None = None
    content_parts: list[dict[str, Any]] | None = None
