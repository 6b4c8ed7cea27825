"""Training-file rules of the fine-tuning API, as a pure function over the file's bytes.

The real API accepts any JSONL at upload and checks the contents while the job
is in ``validating_files``; a problem fails the job with ``error{code, message,
param}``. This module knows those rules and nothing about the fake's state, so a
client-side validator can run the same checks before uploading::

    problems = validate_training_file(data, "supervised", "gpt-4o-mini-2024-07-18")
    for p in problems:
        print(p.line, p.code, p.message)

Wording (core.md §10 and captures found by code search): per-example problems
read ``The job failed due to a file format error in the training file. Invalid
file format. Example 1 contains an extra "weight".`` (code ``invalid_file_format``,
2026); a file in the wrong format for the method reads ``The job failed due to an
invalid training file. Input file file-x is in the fine-tune-chat format, ...``
(code ``invalid_training_file``, 2024); too few examples is ``invalid_n_examples``.
Wording for the other per-example problems is modelled on those (unverified, see
contracts/README.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from mockapi import tokens

MIN_EXAMPLES = 10

CHAT = "fine-tune-chat"
PREFERENCE = "fine-tune-preference"
COMPLETION = "fine-tune-completion"

ROLES = ("system", "user", "assistant", "tool", "function")
MESSAGE_KEYS = {"role", "content", "name", "weight", "tool_calls", "function_call", "tool_call_id"}
CHAT_KEYS = {"messages", "tools", "functions", "parallel_tool_calls"}
PREFERENCE_KEYS = {"input", "preferred_output", "non_preferred_output"}
COMPLETION_KEYS = {"prompt", "completion"}
# Special tokens a training example may not contain (the real API names the token it found).
SPECIAL_TOKENS = (
    "<|endoftext|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|endofprompt|>",
    "<|im_start|>", "<|im_end|>", "<|im_sep|>",
)  # fmt: skip

# Tokens allowed per training example, by base-model family (OpenAI's fine-tuning guide:
# 65,536 for gpt-4o / gpt-4o-mini / gpt-4.1, 16,385 for gpt-3.5-turbo-0125). Longest prefix wins.
EXAMPLE_TOKEN_LIMITS = {
    "gpt-3.5-turbo": 16385,
    "babbage-002": 16384,
    "davinci-002": 16384,
}
DEFAULT_EXAMPLE_TOKEN_LIMIT = 65536


@dataclass(frozen=True)
class FileProblem:
    """One reason the file cannot be trained on; ``message`` is the job's ``error.message``."""

    code: str
    message: str
    param: str
    line: int | None = None

    def as_error(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "param": self.param}


@dataclass
class FileReport:
    """Everything one pass over a file finds: problems, example count and billable tokens."""

    problems: list[FileProblem] = field(default_factory=list)
    examples: int = 0
    tokens: int = 0
    format: str | None = None


def validate_training_file(
    data: bytes, method: str, model: str, *, file_id: str = "file", param: str = "training_file"
) -> list[FileProblem]:
    """Every problem the real API would fail a job for, in file order (the job reports the first)."""
    return analyze(data, method, model, file_id=file_id, param=param).problems


def expected_format(method: str, model: str) -> str:
    """The file format a (method, base model) pair trains on."""
    if method == "dpo":
        return PREFERENCE
    if method == "supervised" and _is_completion_model(model):
        return COMPLETION
    return CHAT


def example_token_limit(model: str) -> int:
    base = model.split(":")[1] if model.startswith("ft:") else model
    for prefix in sorted(EXAMPLE_TOKEN_LIMITS, key=len, reverse=True):
        if base.startswith(prefix):
            return EXAMPLE_TOKEN_LIMITS[prefix]
    return DEFAULT_EXAMPLE_TOKEN_LIMIT


def analyze(data: bytes, method: str, model: str, *, file_id: str = "file", param: str = "training_file") -> FileReport:
    """Check every line for ``method`` on ``model`` and count examples and tokens."""
    report = FileReport()
    which = "training" if param == "training_file" else "validation"
    expected = expected_format(method, model)
    checker = _Checker(method, model, which, param)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        report.problems.append(checker.example_problem(1, "cannot be parsed. Error: the file is not UTF-8 text"))
        return report
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        report.examples += 1
        try:
            example = json.loads(line)
        except json.JSONDecodeError as exc:
            detail = f"cannot be parsed. Error: line contains invalid json: {exc} (line {number})"
            report.problems.append(checker.example_problem(number, detail))
            continue
        if report.format is None and isinstance(example, dict):
            report.format = _detect(example)
            mismatch = _format_mismatch(report.format, expected, method, file_id, param)
            if mismatch is not None:
                report.problems.append(mismatch)
                return report
        problems, count = checker.example(number, example, expected)
        report.problems.extend(problems)
        report.tokens += count
    if which == "training" and report.examples < MIN_EXAMPLES:
        report.problems.append(
            FileProblem(
                "invalid_n_examples",
                f"Training file has {report.examples} example(s), but must have at least {MIN_EXAMPLES} examples",
                param,
            )
        )
    return report


# -- internals -------------------------------------------------------------------


def _is_completion_model(model: str) -> bool:
    base = model.split(":")[1] if model.startswith("ft:") else model
    return base.startswith(("babbage-002", "davinci-002"))


def _detect(example: dict[str, Any]) -> str | None:
    if "messages" in example:
        return CHAT
    if "input" in example and ("preferred_output" in example or "non_preferred_output" in example):
        return PREFERENCE
    if "prompt" in example or "completion" in example:
        return COMPLETION
    return None


def _format_mismatch(found: str | None, expected: str, method: str, file_id: str, param: str) -> FileProblem | None:
    prefix = f"The job failed due to an invalid {'training' if param == 'training_file' else 'validation'} file. "
    if found is None:
        if expected == PREFERENCE:
            return None  # the per-example check names the missing key ('input')
        return FileProblem(
            "invalid_training_file",
            prefix + "Unexpected file format, expected either prompt/completion pairs or chat messages.",
            param,
            1,
        )
    if found == expected or (found == CHAT and method == "reinforcement"):
        return None
    if found == COMPLETION or expected == COMPLETION:
        return None  # reported per example as a missing key
    wanted = {CHAT: "supervised", PREFERENCE: "dpo"}[found]
    return FileProblem(
        "invalid_training_file",
        prefix + f"Invalid file format. Input file {file_id} is in the {found} format, but the specified "
        f"fine-tuning job is not using '{wanted}' as the training method (provided method={method}). ",
        param,
        1,
    )


class _Checker:
    def __init__(self, method: str, model: str, which: str, param: str) -> None:
        self.method = method
        self.model = model
        self.param = param
        self.limit = example_token_limit(model)
        self.prefix = f"The job failed due to a file format error in the {which} file. Invalid file format. "

    def example_problem(self, number: int, detail: str) -> FileProblem:
        return FileProblem("invalid_file_format", f"{self.prefix}Example {number} {detail}.", self.param, number)

    def message_problem(self, number: int, index: int, detail: str) -> FileProblem:
        return FileProblem(
            "invalid_file_format", f"{self.prefix}Example {number}, message {index} {detail}", self.param, number
        )

    def example(self, number: int, example: Any, expected: str) -> tuple[list[FileProblem], int]:
        """Problems of one example (at most one: the API stops at the first) and its tokens."""
        if not isinstance(example, dict):
            return [self.example_problem(number, "is not a JSON object")], 0
        if expected == COMPLETION:
            return self._completion(number, example)
        if expected == PREFERENCE:
            return self._preference(number, example)
        return self._chat(number, example)

    def _chat(self, number: int, example: dict[str, Any]) -> tuple[list[FileProblem], int]:
        if "messages" not in example:
            return [self.example_problem(number, "is missing key 'messages'")], 0
        if self.method != "reinforcement":  # RFT examples carry extra keys that graders reference
            for key in example:
                if key not in CHAT_KEYS:
                    return [self.example_problem(number, f'contains an extra "{key}"')], 0
        messages = example["messages"]
        problem = self._messages(number, messages)
        if problem is not None:
            return [problem], 0
        if self.method == "supervised" and not any(
            m.get("role") == "assistant" and m.get("weight", 1) == 1 for m in messages
        ):
            return [self.example_problem(number, "has no assistant message to learn from")], 0
        count = tokens.chat_prompt_tokens(messages, self.model, example.get("tools"))
        return self._limits(number, messages, count)

    def _preference(self, number: int, example: dict[str, Any]) -> tuple[list[FileProblem], int]:
        for key in ("input", "preferred_output", "non_preferred_output"):
            if key not in example:
                return [self.example_problem(number, f"is missing key '{key}'")], 0
        for key in example:
            if key not in PREFERENCE_KEYS:
                return [self.example_problem(number, f'contains an extra "{key}"')], 0
        source = example["input"]
        if not isinstance(source, dict) or "messages" not in source:
            return [self.example_problem(number, "is missing key 'input.messages'")], 0
        problem = self._messages(number, source["messages"])
        if problem is not None:
            return [problem], 0
        outputs: list[dict[str, Any]] = []
        for key in ("preferred_output", "non_preferred_output"):
            value = example[key]
            if (
                not isinstance(value, list)
                or len(value) != 1
                or not isinstance(value[0], dict)
                or value[0].get("role") != "assistant"
            ):
                return [self.example_problem(number, f"'{key}' must be a list holding one assistant message")], 0
            outputs.append(value[0])
        messages = [*source["messages"], *outputs]
        count = tokens.chat_prompt_tokens(messages, self.model, source.get("tools"))
        return self._limits(number, messages, count)

    def _completion(self, number: int, example: dict[str, Any]) -> tuple[list[FileProblem], int]:
        for key in ("prompt", "completion"):
            if key not in example:
                return [self.example_problem(number, f"is missing key '{key}'")], 0
            if not isinstance(example[key], str):
                return [self.example_problem(number, f"has a non-string '{key}'")], 0
        for key in example:
            if key not in COMPLETION_KEYS:
                return [self.example_problem(number, f'contains an extra "{key}"')], 0
        count = tokens.count(example["prompt"], self.model) + tokens.count(example["completion"], self.model)
        fake_messages = [{"content": example["prompt"]}, {"content": example["completion"]}]
        return self._limits(number, fake_messages, count)

    def _messages(self, number: int, messages: Any) -> FileProblem | None:
        if not isinstance(messages, list) or not messages:
            return self.example_problem(number, "has an invalid 'messages': expected a non-empty list of messages")
        for index, message in enumerate(messages, start=1):
            problem = self._message(number, index, message)
            if problem is not None:
                return problem
        return None

    def _message(self, number: int, index: int, message: Any) -> FileProblem | None:
        if not isinstance(message, dict):
            return self.message_problem(number, index, "is not a JSON object")
        role = message.get("role")
        if role is None:
            # Pydantic's discriminated-union wording, as the real API returned it (2024 capture).
            return self.message_problem(number, index, "Discriminator 'role' is missing in value")
        if role not in ROLES:
            allowed = ", ".join(f"'{r}'" for r in ROLES)
            return self.message_problem(
                number, index, f"No match for discriminator 'role' and value {role!r} (allowed values: {allowed})"
            )
        for key in message:
            if key not in MESSAGE_KEYS or (key == "weight" and role != "assistant"):
                return self.message_problem(number, index, f'contains an extra "{key}".')
        if "weight" in message and message["weight"] not in (0, 1):
            return self.message_problem(number, index, "has an invalid weight: weight must be 0 or 1.")
        has_calls = bool(message.get("tool_calls") or message.get("function_call"))
        if "content" not in message and not has_calls:
            return self.message_problem(number, index, "is missing key 'content'.")
        content = message.get("content")
        if content is not None and not isinstance(content, (str, list)):
            return self.message_problem(
                number, index, "has an invalid 'content': expected a string or a list of content parts."
            )
        return None

    def _limits(self, number: int, messages: list[Any], count: int) -> tuple[list[FileProblem], int]:
        for message in messages:
            text = tokens.message_text(message.get("content")) if isinstance(message, dict) else ""
            for token in SPECIAL_TOKENS:
                if token in text:
                    return [self.example_problem(number, f"message contains an invalid token: {token}")], 0
        if count > self.limit:
            return [
                self.example_problem(
                    number, f"has {count} tokens, more than the limit of {self.limit} tokens per example for this model"
                )
            ], 0
        return [], count
