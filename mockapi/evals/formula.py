"""A multigrader's ``calculate_output``: a small arithmetic language, parsed and evaluated without ``eval``.

Grammar (chosen, contracts/README.md "Evals and graders"; the graders guide shows formulas such as
``0.5 * name_a + 0.5 * name_b``): numbers, the sub-graders' names as variables, ``+ - * /``, ``^`` or ``**``
(power, right-associative), unary minus, parentheses and the functions ``min``, ``max`` (any number of
arguments), ``abs``, ``floor``, ``ceil``, ``exp``, ``sqrt``, ``log``. Anything else is a ``FormulaError``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

FUNCTIONS: dict[str, Callable[..., float]] = {
    "min": min, "max": max, "abs": abs, "floor": math.floor, "ceil": math.ceil, "exp": math.exp,
    "sqrt": math.sqrt, "log": math.log,
}  # fmt: skip
_TOKEN = re.compile(
    r"\s*(?:(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(\*\*|[-+*/^(),]))"
)
MAX_LENGTH = 1000


class FormulaError(ValueError):
    pass


@dataclass
class Node:
    kind: str  # "num" | "var" | "neg" | "op" | "call"
    value: Any = None
    args: tuple[Node, ...] = ()


def parse(text: str) -> Node:
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is longer than {MAX_LENGTH} characters")
    tokens = _tokenize(text)
    parser = _Parser(tokens)
    node = parser.expression()
    if parser.peek() is not None:
        raise FormulaError(f"unexpected '{parser.peek()[1]}'")
    return node


def variables(node: Node) -> set[str]:
    if node.kind == "var":
        return {node.value}
    found: set[str] = set()
    for arg in node.args:
        found |= variables(arg)
    return found


def evaluate(node: Node, values: dict[str, float]) -> float:
    kind = node.kind
    if kind == "num":
        return float(node.value)
    if kind == "var":
        if node.value not in values:
            raise FormulaError(f"unknown name '{node.value}'")
        return float(values[node.value])
    args = [evaluate(arg, values) for arg in node.args]
    try:
        if kind == "neg":
            return -args[0]
        if kind == "call":
            return float(FUNCTIONS[node.value](*args))
        a, b = args
        if node.value == "+":
            return a + b
        if node.value == "-":
            return a - b
        if node.value == "*":
            return a * b
        if node.value == "/":
            return a / b
        return float(a**b)
    except (ZeroDivisionError, ValueError, OverflowError, TypeError) as exc:
        raise FormulaError(f"the formula could not be computed: {exc}") from None


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise FormulaError(f"unexpected character '{text[pos:].lstrip()[:1]}'")
        number, name, symbol = match.groups()
        if number is not None:
            tokens.append(("num", number))
        elif name is not None:
            tokens.append(("name", name))
        else:
            tokens.append(("sym", "^" if symbol == "**" else symbol))
        pos = match.end()
    if not tokens:
        raise FormulaError("the formula is empty")
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, symbol: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise FormulaError("the formula ends too early")
        if symbol is not None and token != ("sym", symbol):
            raise FormulaError(f"expected '{symbol}' but found '{token[1]}'")
        self.pos += 1
        return token

    def _is(self, *symbols: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "sym" and token[1] in symbols

    def expression(self) -> Node:
        self.depth += 1
        if self.depth > 100:
            raise FormulaError("the formula is nested too deeply")
        node = self.term()
        while self._is("+", "-"):
            op = self.take()[1]
            node = Node("op", op, (node, self.term()))
        self.depth -= 1
        return node

    def term(self) -> Node:
        node = self.unary()
        while self._is("*", "/"):
            op = self.take()[1]
            node = Node("op", op, (node, self.unary()))
        return node

    def unary(self) -> Node:
        if self._is("-"):
            self.take()
            return Node("neg", None, (self.unary(),))
        if self._is("+"):
            self.take()
            return self.unary()
        return self.power()

    def power(self) -> Node:
        base = self.atom()
        if self._is("^"):
            self.take()
            return Node("op", "^", (base, self.unary()))
        return base

    def atom(self) -> Node:
        kind, value = self.take()
        if kind == "num":
            return Node("num", float(value))
        if kind == "name":
            if self._is("("):
                if value not in FUNCTIONS:
                    raise FormulaError(f"unknown function '{value}'")
                self.take("(")
                args = [self.expression()]
                while self._is(","):
                    self.take()
                    args.append(self.expression())
                self.take(")")
                if value not in ("min", "max") and len(args) != 1:
                    raise FormulaError(f"'{value}' takes one argument")
                return Node("call", value, tuple(args))
            return Node("var", value)
        if value == "(":
            node = self.expression()
            self.take(")")
            return node
        raise FormulaError(f"unexpected '{value}'")
