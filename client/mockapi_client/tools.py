"""Tools from plain Python functions: the JSON schema the model sees, and running the calls it makes.

``function_schema(fn)`` reads the type hints (via pydantic, so ``Literal``, ``Enum``, ``list[int]``,
nested models and ``Annotated[..., Field(...)]`` all work) and the docstring: the summary becomes the
description, and each parameter's description comes from a Google (``Args:``), Sphinx (``:param x:``) or
NumPy (``Parameters`` / ``----------``) section. A ``Toolbox`` validates the model's arguments against the
same hints and runs several calls at once: threads for the sync client, tasks for the async one (a sync
function runs in a thread there; an ``async def`` tool is awaited).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, get_type_hints

from pydantic import BaseModel, Field, ValidationError, create_model

from mockapi_client.errors import ToolLoopError
from mockapi_client.structured import strict_schema

_SECTION = re.compile(r"^\s*(Args|Arguments|Parameters|Params)\s*:?\s*$")
_OTHER_SECTION = re.compile(
    r"^\s*(Returns?|Yields?|Raises?|Examples?|Notes?|See Also|References|Attributes|Warnings?)\s*:?\s*$"
)
_GOOGLE_PARAM = re.compile(r"^(\*{0,2}\w+)\s*(\([^)]*\))?\s*:\s*(.*)$")
_NUMPY_PARAM = re.compile(r"^(\w+)\s*(:\s*.*)?$")
_SPHINX_PARAM = re.compile(r":param\s+(?:[^:]*\s)?(\w+)\s*:\s*(.*)")


def parse_docstring(doc: str | None) -> tuple[str, dict[str, str]]:
    """(description, {parameter: description}) from a docstring."""
    if not doc:
        return "", {}
    lines = inspect.cleandoc(doc).splitlines()
    summary = []
    for line in lines:
        if not line.strip() or _is_header(line) or line.lstrip().startswith(":"):
            break
        summary.append(line.strip())
    params: dict[str, str] = {}
    _sphinx(lines, params)
    for start, line in enumerate(lines):
        if _SECTION.match(line):
            numpy = start + 1 < len(lines) and _is_underline(lines[start + 1])
            body = _section_lines(lines, start + (2 if numpy else 1), numpy)
            (_numpy if numpy else _google)(body, params)
    return " ".join(summary), params


def _is_header(line: str) -> bool:
    return bool(_SECTION.match(line) or _OTHER_SECTION.match(line))


def _is_underline(line: str) -> bool:
    return bool(line.strip()) and set(line.strip()) == {"-"}


def _section_lines(lines: list[str], start: int, numpy: bool) -> list[str]:
    """A section's lines, up to the next section (Google: the first unindented line)."""
    body = []
    for i in range(start, len(lines)):
        line = lines[i]
        if _is_header(line) or (numpy and i + 1 < len(lines) and _is_underline(lines[i + 1])):
            break
        if not numpy and line.strip() and not line.startswith((" ", "\t")):
            break
        body.append(line)
    return body


def _google(body: list[str], params: dict[str, str]) -> None:
    indent = min((len(line) - len(line.lstrip()) for line in body if line.strip()), default=0)
    current = None
    for line in body:
        if not line.strip():
            current = None
            continue
        level = len(line) - len(line.lstrip())
        match = _GOOGLE_PARAM.match(line.strip())
        if level == indent and match:
            current = match.group(1).lstrip("*")
            params[current] = match.group(3).strip()
        elif current is not None and level > indent:
            params[current] = (params[current] + " " + line.strip()).strip()


def _numpy(body: list[str], params: dict[str, str]) -> None:
    current = None
    for line in body:
        if not line.strip():
            continue
        if not line.startswith((" ", "\t")):
            match = _NUMPY_PARAM.match(line.strip())
            current = match.group(1) if match else None
            if current:
                params[current] = ""
        elif current is not None:
            params[current] = (params[current] + " " + line.strip()).strip()


def _sphinx(lines: list[str], params: dict[str, str]) -> None:
    current = None
    for line in lines:
        match = _SPHINX_PARAM.search(line)
        if match:
            current = match.group(1)
            params[current] = match.group(2).strip()
        elif current is not None and line.startswith((" ", "\t")) and line.strip():
            params[current] += " " + line.strip()
        elif line.strip().startswith(":"):
            current = None


def _args_model(fn: Callable[..., Any], descriptions: dict[str, str]) -> type[BaseModel]:
    hints = get_type_hints(fn, include_extras=True)
    fields: dict[str, Any] = {}
    for name, param in inspect.signature(fn).parameters.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD) or name in ("self", "cls"):
            continue
        annotation = hints.get(name, Any)
        default = ... if param.default is param.empty else param.default
        described = descriptions.get(name)
        # Only set a description we have: an Annotated[..., Field(description=...)] must keep its own.
        fields[name] = (annotation, Field(default, description=described) if described else Field(default))
    return create_model(f"{fn.__name__}_arguments", **fields)


def _clean(schema: Any) -> Any:
    """Drop pydantic's auto titles (noise for the model)."""
    if isinstance(schema, dict):
        return {k: _clean(v) for k, v in schema.items() if not (k == "title" and isinstance(v, str))}
    if isinstance(schema, list):
        return [_clean(v) for v in schema]
    return schema


@dataclass
class Tool:
    """A Python function the model may call."""

    fn: Callable[..., Any]
    name: str
    description: str
    parameters: dict[str, Any]
    arguments_model: type[BaseModel]
    strict: bool = False

    @classmethod
    def from_function(
        cls, fn: Callable[..., Any], *, name: str | None = None, description: str | None = None,
        strict: bool = False,
    ) -> Tool:
        summary, descriptions = parse_docstring(fn.__doc__)
        model = _args_model(fn, descriptions)
        schema = model.model_json_schema()
        schema.pop("title", None)
        parameters = strict_schema(schema) if strict else _clean(schema)
        parameters.setdefault("properties", {})
        return cls(fn, name or fn.__name__, description or summary, parameters, model, strict)

    def schema(self) -> dict[str, Any]:
        """The chat ``tools`` entry (also what an assistant's ``tools`` take)."""
        function: dict[str, Any] = {"name": self.name, "parameters": self.parameters}
        if self.description:
            function["description"] = self.description
        if self.strict:
            function["strict"] = True
        return {"type": "function", "function": function}

    def _kwargs(self, arguments: str | dict[str, Any]) -> dict[str, Any]:
        raw = json.loads(arguments or "{}") if isinstance(arguments, str) else arguments
        validated = self.arguments_model.model_validate(raw)
        return {name: getattr(validated, name) for name in type(validated).model_fields}

    def call(self, arguments: str | dict[str, Any]) -> Any:
        result = self.fn(**self._kwargs(arguments))
        if inspect.isawaitable(result):  # an async tool used from the sync client: this thread has no loop
            result = asyncio.run(_await(result))
        return result

    async def acall(self, arguments: str | dict[str, Any]) -> Any:
        kwargs = self._kwargs(arguments)
        if inspect.iscoroutinefunction(self.fn):
            return await self.fn(**kwargs)
        result = await asyncio.to_thread(self.fn, **kwargs)
        return await result if inspect.isawaitable(result) else result


async def _await(awaitable: Any) -> Any:
    return await awaitable


def function_schema(fn: Callable[..., Any], *, name: str | None = None, strict: bool = False) -> dict[str, Any]:
    """The ``{"type": "function", "function": {...}}`` tool definition for ``fn``."""
    return Tool.from_function(fn, name=name, strict=strict).schema()


@dataclass
class ToolCallRequest:
    id: str
    name: str
    arguments: str


@dataclass
class ToolResult:
    call_id: str
    name: str
    arguments: str
    output: str
    error: str | None = None


def render_output(value: Any) -> str:
    """What the model reads back: strings as is, models and other values as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    return json.dumps(value, default=str)


class Toolbox:
    """Tools by name. ``on_error="report"`` tells the model what went wrong (it can correct itself);
    ``"raise"`` stops the loop with ``ToolLoopError``."""

    def __init__(
        self, tools: Iterable[Callable[..., Any] | Tool], *, strict: bool = False, on_error: str = "report",
        max_workers: int | None = None,
    ) -> None:
        if on_error not in ("report", "raise"):
            raise ValueError("on_error must be 'report' or 'raise'")
        self.tools: dict[str, Tool] = {}
        for item in tools:
            tool = item if isinstance(item, Tool) else Tool.from_function(item, strict=strict)
            self.tools[tool.name] = tool
        self.on_error = on_error
        self.max_workers = max_workers

    def schemas(self) -> list[dict[str, Any]]:
        return [tool.schema() for tool in self.tools.values()]

    def _failed(self, call: ToolCallRequest, exc: BaseException) -> ToolResult:
        if isinstance(exc, KeyError):
            message = f"Unknown tool {call.name!r}. Available tools: {', '.join(self.tools)}."
        elif isinstance(exc, (ValidationError, json.JSONDecodeError)):
            message = f"Invalid arguments for {call.name}: {exc}"
        else:
            message = f"{type(exc).__name__}: {exc}"
        if self.on_error == "raise":
            raise ToolLoopError(f"Tool call {call.name}({call.arguments}) failed: {message}") from exc
        return ToolResult(call.id, call.name, call.arguments, json.dumps({"error": message}), message)

    def run_one(self, call: ToolCallRequest) -> ToolResult:
        try:
            output = self.tools[call.name].call(call.arguments)
        except Exception as exc:
            return self._failed(call, exc)
        return ToolResult(call.id, call.name, call.arguments, render_output(output))

    def run(self, calls: Sequence[ToolCallRequest]) -> list[ToolResult]:
        """Run every call at once (a thread each), results in call order."""
        if len(calls) <= 1:
            return [self.run_one(call) for call in calls]
        with ThreadPoolExecutor(max_workers=self.max_workers or len(calls)) as pool:
            return list(pool.map(self.run_one, calls))

    async def arun_one(self, call: ToolCallRequest) -> ToolResult:
        try:
            output = await self.tools[call.name].acall(call.arguments)
        except Exception as exc:
            return self._failed(call, exc)
        return ToolResult(call.id, call.name, call.arguments, render_output(output))

    async def arun(self, calls: Sequence[ToolCallRequest]) -> list[ToolResult]:
        return list(await asyncio.gather(*(self.arun_one(call) for call in calls)))
