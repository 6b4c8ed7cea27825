"""``{{ namespace.path }}`` substitution, as the graders guide describes it.

Source (developers.openai.com/api/docs/guides/graders, "Templating"): "Any string with {{ }} double curly braces
will be substituted with the variable value. Each input inside the {{}} must include a namespace and a variable
... The only supported namespaces are item and sample. All nested variables can be accessed with JSON path like
syntax." The ``sample`` namespace holds ``output_text`` and ``output_json`` (the model's answer parsed as JSON,
when it is JSON).

Chosen (contracts/README.md, "Evals and graders"): paths are dotted names with ``[n]`` list indexes
(``item.choices[0].text``); a string value is inserted as is, anything else as compact JSON; a missing variable
raises ``MissingVariable`` (the run's result errors; ``/graders/run`` reports ``invalid_variable_error``).
"""

from __future__ import annotations

import re
from typing import Any

import orjson

NAMESPACES = ("item", "sample")
PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_\-]*)|\[(\d+)\]")


class MissingVariable(Exception):
    """A template names a variable the item or sample lacks."""

    def __init__(self, reference: str) -> None:
        super().__init__(reference)
        self.reference = reference


def references(text: str) -> list[str]:
    """The variable references in ``text`` (``item.question``, ``sample.output_text``...)."""
    return [m.group(1) for m in PLACEHOLDER.finditer(text)]


def bad_reference(reference: str) -> str | None:
    """Why a reference cannot be resolved in any row (None: it is well formed)."""
    namespace, _, rest = reference.partition(".")
    if namespace not in NAMESPACES:
        return f"unknown namespace '{namespace}' (the namespaces are 'item' and 'sample')"
    if not rest or _steps(rest) is None:
        return "expected a variable after the namespace, like {{item.name}}"
    return None


def normalized(text: str) -> str:
    """``{{ item.x }}`` -> ``{{item.x}}``: the API echoes templates without the inner spaces (the Evals guide's
    run sends ``{{ item.ticket_text }}`` and the run echoes ``{{item.ticket_text}}``)."""
    return PLACEHOLDER.sub(lambda m: "{{" + m.group(1) + "}}", text)


def render(text: str, namespaces: dict[str, Any]) -> str:
    """``text`` with every reference replaced from ``namespaces`` ({"item": ..., "sample": ...})."""

    def value(match: re.Match[str]) -> str:
        found = resolve(match.group(1), namespaces)
        return found if isinstance(found, str) else orjson.dumps(found).decode()

    return PLACEHOLDER.sub(value, text)


def resolve(reference: str, namespaces: dict[str, Any]) -> Any:
    namespace, _, rest = reference.partition(".")
    if namespace not in namespaces or namespaces[namespace] is None:
        raise MissingVariable(reference)
    node = namespaces[namespace]
    for step in _steps(rest) or []:
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                raise MissingVariable(reference)
            node = node[step]
        else:
            if not isinstance(node, dict) or step not in node:
                raise MissingVariable(reference)
            node = node[step]
    return node


def _steps(path: str) -> list[str | int] | None:
    steps: list[str | int] = []
    pos = 0
    while pos < len(path):
        match = _STEP.match(path, pos)
        if match is None or match.end() == pos:
            return None
        steps.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        pos = match.end()
    return steps or None


def sample_namespace(output_text: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``sample`` namespace for a model answer: ``output_text`` and, when it parses, ``output_json``."""
    sample: dict[str, Any] = dict(extra or {})
    sample["output_text"] = output_text
    try:
        parsed = orjson.loads(output_text)
    except orjson.JSONDecodeError:
        parsed = None
    if isinstance(parsed, (dict, list)):
        sample["output_json"] = parsed
    return sample
