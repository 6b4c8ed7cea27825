"""Graders: their validation (evals' testing criteria and ``/fine_tuning/alpha/graders``) and their grading.

Types (the document's Grader* schemas, the SDK 3.63 ``types/graders``, the graders guide):
- ``string_check``: ``eq``, ``ne``, ``like`` (input contains reference), ``ilike`` (the same, ignoring case);
  score 1 or 0 (guide: "Simple pass or fail grader that returns 0 or 1").
- ``text_similarity``: a metric from ``similarity``; passes at ``score >= pass_threshold`` (SDK: "A float score
  where a value greater than or equal indicates a passing grade").
- ``label_model`` / ``score_model``: the fake's responder answers as the grader model (a chat completion run
  inside the fake, so responder scripts, faults and usage apply; see ``ask``).
- ``python``: never executed (chosen stand-in, contracts/README.md): the source is parsed (not run) and must define
  ``grade(sample, item)``; the score is a test's scripted score, else the number ``grade`` returns when its body is
  a single ``return <number>``, else 1.0.
- ``multi``: ``graders`` maps names to graders (the real API's form, openai/openai-java#647: a single grader there
  is refused with "Invalid type for 'graders.input': expected an object, but got a string instead."), combined by
  ``calculate_output`` (``formula``).
"""

from __future__ import annotations

import ast
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from mockapi import catalog, errors
from mockapi.evals import formula, similarity, templates
from mockapi.scriptbook import ScriptBook, Scripted, check_times
from mockapi.state import Namespace

TYPES = ("string_check", "text_similarity", "label_model", "score_model", "python", "multi")
OPERATIONS = ("eq", "ne", "like", "ilike")
MODEL_KINDS = ("chat", "reasoning")
DEFAULT_RANGE = (0.0, 1.0)  # SDK ScoreModelGrader.range: "Defaults to `[0, 1]`"
ERROR_FLAGS = (
    "formula_parse_error", "sample_parse_error", "truncated_observation_error", "unresponsive_reward_error",
    "invalid_variable_error", "other_error", "python_grader_server_error", "python_grader_server_error_type",
    "python_grader_runtime_error", "python_grader_runtime_error_details", "model_grader_server_error",
    "model_grader_refusal_error", "model_grader_parse_error", "model_grader_server_error_details",
)  # fmt: skip; RunGraderResponse.metadata.errors, in the document's order
_DETAILS = {"python_grader_server_error_type", "python_grader_runtime_error_details",
            "model_grader_server_error_details"}  # fmt: skip
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _bad(param: str, message: str, code: str = "invalid_value") -> errors.APIError:
    # Wording chosen (contracts/README.md, "Evals and graders"): the real validator's messages were not found.
    return errors.APIError(400, message, param=param, code=code)


# -- validation --------------------------------------------------------------------------------------


@dataclass
class Checking:
    """Where a grader is checked: ``ns`` (model lookups), whether it is an eval's testing criterion."""

    ns: Namespace | None
    for_eval: bool


def check(grader: Any, param: str, where: Checking, *, nested: bool = False) -> dict[str, Any]:
    """The grader, checked (the first problem is a 400 naming its param); returns it normalized for echoing."""
    if not isinstance(grader, dict):
        raise errors.invalid_type(param, "an object", grader)
    kind = grader.get("type")
    allowed = [t for t in TYPES if not (nested and t == "multi") and not (where.for_eval and t == "multi")]
    if kind is None:
        raise errors.missing_parameter(f"{param}.type")
    if kind not in allowed:
        raise errors.invalid_value(f"{param}.type", kind, allowed)
    _text(grader, "name", param)
    checker = _CHECKS[kind]
    return checker(dict(grader), param, where)


def _text(grader: dict[str, Any], name: str, param: str, *, template: bool = False) -> str:
    value = grader.get(name)
    if value is None:
        raise errors.missing_parameter(f"{param}.{name}")
    if not isinstance(value, str):
        raise errors.invalid_type(f"{param}.{name}", "a string", value)
    if template:
        _check_template(value, f"{param}.{name}")
    return value


def _check_template(text: str, param: str) -> None:
    for reference in templates.references(text):
        problem = templates.bad_reference(reference)
        if problem is not None:
            raise _bad(param, f"Invalid template variable '{{{{{reference}}}}}' in '{param}': {problem}.")


def _number(grader: dict[str, Any], name: str, param: str, *, required: bool) -> float | None:
    value = grader.get(name)
    if value is None:
        if required:
            raise errors.missing_parameter(f"{param}.{name}")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise errors.invalid_type(f"{param}.{name}", "a number", value)
    return float(value)


def _check_string_check(grader: dict[str, Any], param: str, where: Checking) -> dict[str, Any]:
    _text(grader, "input", param, template=True)
    _text(grader, "reference", param, template=True)
    operation = grader.get("operation")
    if operation not in OPERATIONS:
        raise errors.invalid_value(f"{param}.operation", operation, list(OPERATIONS))
    return grader


def _check_text_similarity(grader: dict[str, Any], param: str, where: Checking) -> dict[str, Any]:
    _text(grader, "input", param, template=True)
    _text(grader, "reference", param, template=True)
    metric = grader.get("evaluation_metric")
    if metric not in similarity.METRICS:
        raise errors.invalid_value(f"{param}.evaluation_metric", metric, list(similarity.METRICS))
    if metric == "cosine" and not where.for_eval:
        # The graders guide: cosine "Only available for evals" (quoted by a20k.com/ai/openai/grader).
        raise _bad(f"{param}.evaluation_metric", "The 'cosine' evaluation metric is only available for evals.")
    _number(grader, "pass_threshold", param, required=where.for_eval)
    return grader


def _check_model(grader: dict[str, Any], param: str, where: Checking) -> None:
    model = _text(grader, "model", param)
    info = catalog.lookup(where.ns, model) or catalog.family_of(model)
    if info is None:
        raise errors.APIError(400, f"The model `{model}` does not exist or you do not have access to it.",
                              param=f"{param}.model", code="model_not_found")  # fmt: skip
    if info.kind not in MODEL_KINDS or info.responses_only:
        raise _bad(f"{param}.model", f"The model '{model}' cannot be used as a grader model.")


def _check_messages(grader: dict[str, Any], param: str) -> list[dict[str, Any]]:
    messages = grader.get("input")
    if messages is None:
        raise errors.missing_parameter(f"{param}.input")
    if not isinstance(messages, list):
        raise errors.invalid_type(f"{param}.input", "an array", messages)
    if not messages:
        raise errors.empty_array(f"{param}.input")
    return [_message(m, f"{param}.input[{i}]") for i, m in enumerate(messages)]


def normalize_message(message: dict[str, Any]) -> dict[str, Any]:
    """A ``{role, content: "text"}`` message in the EvalItem form the API echoes (the document's create-eval
    example: ``{"type": "message", "role": ..., "content": {"type": "input_text", "text": ...}}``)."""
    content = message.get("content")
    if isinstance(content, str):
        content = {"type": "input_text", "text": content}
    return {**message, "type": "message", "content": content}


def _message(message: Any, param: str) -> dict[str, Any]:
    if not isinstance(message, dict):
        raise errors.invalid_type(param, "an object", message)
    role = message.get("role")
    if role not in ("user", "assistant", "system", "developer"):
        raise errors.invalid_value(f"{param}.role", role, ["user", "assistant", "system", "developer"])
    content = message.get("content")
    if content is None:
        raise errors.missing_parameter(f"{param}.content")
    for text, where in message_texts(content, f"{param}.content"):
        _check_template(text, where)
    return normalize_message(message)


def message_texts(content: Any, param: str) -> list[tuple[str, str]]:
    """The template-bearing texts of a message's content (a string, one part or a list of parts)."""
    if isinstance(content, str):
        return [(content, param)]
    parts = content if isinstance(content, list) else [content]
    found = []
    for i, part in enumerate(parts):
        where = f"{param}[{i}]" if isinstance(content, list) else param
        if isinstance(part, str):
            found.append((part, where))
        elif isinstance(part, dict):
            for key in ("text", "image_url"):
                if isinstance(part.get(key), str):
                    found.append((part[key], f"{where}.{key}"))
    return found


def _check_label_model(grader: dict[str, Any], param: str, where: Checking) -> dict[str, Any]:
    _check_model(grader, param, where)
    grader["input"] = _check_messages(grader, param)
    labels = _labels(grader, "labels", param)
    passing = _labels(grader, "passing_labels", param)
    for i, label in enumerate(passing):
        if label not in labels:
            raise _bad(f"{param}.passing_labels[{i}]",
                       f"Invalid 'passing_labels': '{label}' is not one of the labels {labels}.")  # fmt: skip
    return grader


def _labels(grader: dict[str, Any], name: str, param: str) -> list[str]:
    value = grader.get(name)
    if value is None:
        raise errors.missing_parameter(f"{param}.{name}")
    if not isinstance(value, list):
        raise errors.invalid_type(f"{param}.{name}", "an array", value)
    if not value:
        raise errors.empty_array(f"{param}.{name}")
    for i, label in enumerate(value):
        if not isinstance(label, str):
            raise errors.invalid_type(f"{param}.{name}[{i}]", "a string", label)
    return value


def _check_score_model(grader: dict[str, Any], param: str, where: Checking) -> dict[str, Any]:
    _check_model(grader, param, where)
    grader["input"] = _check_messages(grader, param)
    bounds = grader.get("range")
    if bounds is not None:
        if not isinstance(bounds, list) or len(bounds) != 2 or not all(
            isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds
        ):
            raise _bad(f"{param}.range", "Invalid 'range': expected two numbers [min, max].")
        if bounds[0] >= bounds[1]:
            raise _bad(f"{param}.range", "Invalid 'range': the first number must be lower than the second.")
    _number(grader, "pass_threshold", param, required=False)
    return grader


def _check_python(grader: dict[str, Any], param: str, where: Checking) -> dict[str, Any]:
    source = _text(grader, "source", param)
    if grader.get("image_tag") is not None:
        _text(grader, "image_tag", param)
    _python_grade(source, f"{param}.source")
    _number(grader, "pass_threshold", param, required=False)
    return grader


def _python_grade(source: str, param: str) -> ast.FunctionDef:
    """The ``grade`` function of a python grader's source, parsed (never executed)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError) as exc:
        raise _bad(param, f"Invalid python grader source: {exc.__class__.__name__}: {exc}.") from None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "grade":
            names = [a.arg for a in node.args.args]
            if len(names) < 2:
                raise _bad(param, "The python grader's grade function must take two arguments: (sample, item).")
            return node
    raise _bad(param, "The python grader source must define a function grade(sample, item).")


def _check_multi(grader: dict[str, Any], param: str, where: Checking) -> dict[str, Any]:
    graders = grader.get("graders")
    if graders is None:
        raise errors.missing_parameter(f"{param}.graders")
    if not isinstance(graders, dict):
        raise errors.invalid_type(f"{param}.graders", "an object", graders)
    if not graders:
        raise _bad(f"{param}.graders", "Invalid 'graders': expected at least one grader.")
    checked = {}
    for name, sub in graders.items():
        if not isinstance(sub, dict):
            # The real wording for a single grader passed as 'graders' (openai/openai-java#647).
            raise errors.invalid_type(f"graders.{name}", "an object", sub)
        checked[name] = check(sub, f"{param}.graders.{name}", where, nested=True)
    expression = _text(grader, "calculate_output", param)
    try:
        tree = formula.parse(expression)
    except formula.FormulaError as exc:
        raise _bad(f"{param}.calculate_output", f"Invalid 'calculate_output': {exc}.") from None
    unknown = sorted(formula.variables(tree) - set(checked))
    if unknown:
        raise _bad(f"{param}.calculate_output",
                   f"Invalid 'calculate_output': unknown grader name '{unknown[0]}'; the graders are "
                   f"{errors.quoted_list(list(checked))}.")  # fmt: skip
    grader["graders"] = checked
    return grader


_CHECKS: dict[str, Callable[[dict[str, Any], str, Checking], dict[str, Any]]] = {
    "string_check": _check_string_check, "text_similarity": _check_text_similarity,
    "label_model": _check_label_model, "score_model": _check_score_model, "python": _check_python,
    "multi": _check_multi,
}  # fmt: skip


# -- grading -----------------------------------------------------------------------------------------


@dataclass
class Answer:
    """What a grader model said (a chat completion run inside the fake)."""

    text: str | None
    model: str  # the snapshot the completion reports
    usage: dict[str, int]
    finish_reason: str = "stop"
    refusal: str | None = None
    error: str | None = None  # the completion failed: its error message


# ask(model, messages, response_format) -> Answer
Ask = Callable[[str, list[dict[str, Any]], dict[str, Any]], Answer]


@dataclass
class Outcome:
    score: float
    passed: bool
    errors: dict[str, Any] = field(default_factory=lambda: _no_errors())
    sample: dict[str, Any] | None = None  # a model grader's exchange
    usage: dict[str, dict[str, int]] = field(default_factory=dict)  # per model snapshot
    sub_scores: dict[str, float] = field(default_factory=dict)
    sampled_model: str | None = None

    @property
    def errored(self) -> bool:
        return any(v for k, v in self.errors.items() if k not in _DETAILS)

    def fail(self, flag: str, detail_key: str | None = None, detail: str | None = None) -> Outcome:
        self.errors[flag] = True
        if detail_key is not None:
            self.errors[detail_key] = detail
        self.score, self.passed = 0.0, False
        return self


def _no_errors() -> dict[str, Any]:
    return {flag: (None if flag in _DETAILS else False) for flag in ERROR_FLAGS}


class PythonScores(Scripted["PythonScore"]):
    """Scripted scores for python graders (``fake.services["graders"]``): the fake never runs their code."""

    def __init__(self) -> None:
        self._book: ScriptBook[PythonScore] = ScriptBook()

    def script(self, score: float, *, name: str | None = None, times: int | None = None) -> str:
        """Python graders named ``name`` (any, when None) score ``score``; for ever, or ``times`` times."""
        check_times(times)
        if isinstance(score, bool) or not isinstance(score, (int, float)):
            raise ValueError("score must be a number")
        return self._book.add(PythonScore(f"pyscore_{self._book.number()}", float(score), name, times))

    def take(self, name: str) -> float | None:
        found = self._book.take(lambda s: s.name is None or s.name == name)
        return found.score if found is not None else None


@dataclass
class PythonScore:
    id: str
    score: float
    name: str | None = None
    times: int | None = None

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, "score": self.score, "name": self.name, "times": self.times}


@dataclass
class Grading:
    """What a grading needs besides the grader: the namespaces, the model, the python scores."""

    namespaces: dict[str, Any]
    ask: Ask
    python: PythonScores


def grade(grader: dict[str, Any], grading: Grading) -> Outcome:
    kind = grader["type"]
    try:
        if kind == "string_check":
            return _string_check(grader, grading)
        if kind == "text_similarity":
            return _text_similarity(grader, grading)
        if kind in ("label_model", "score_model"):
            return _model_grade(grader, grading)
        if kind == "python":
            return _python(grader, grading)
        return _multi(grader, grading)
    except templates.MissingVariable as exc:
        outcome = Outcome(0.0, False)
        flag = "sample_parse_error" if exc.reference.startswith("sample.output_json") else "invalid_variable_error"
        return outcome.fail(flag)


def _string_check(grader: dict[str, Any], grading: Grading) -> Outcome:
    value = templates.render(grader["input"], grading.namespaces)
    reference = templates.render(grader["reference"], grading.namespaces)
    operation = grader["operation"]
    if operation == "eq":
        hit = value == reference
    elif operation == "ne":
        hit = value != reference
    elif operation == "like":
        hit = reference in value
    else:
        hit = reference.lower() in value.lower()
    return Outcome(1.0 if hit else 0.0, hit)


def _text_similarity(grader: dict[str, Any], grading: Grading) -> Outcome:
    value = templates.render(grader["input"], grading.namespaces)
    reference = templates.render(grader["reference"], grading.namespaces)
    score = similarity.score(grader["evaluation_metric"], value, reference)
    threshold = grader.get("pass_threshold")
    return Outcome(score, score >= (threshold if threshold is not None else 1.0))


def _threshold(grader: dict[str, Any], low: float, high: float) -> float:
    # Chosen: without pass_threshold a score passes from the middle of its range up.
    given = grader.get("pass_threshold")
    return float(given) if given is not None else low + (high - low) / 2


def _python(grader: dict[str, Any], grading: Grading) -> Outcome:
    score = grading.python.take(grader["name"])
    if score is None:
        score = _literal_return(grader["source"])
    if score is None:
        score = 1.0
    return Outcome(score, score >= _threshold(grader, 0.0, 1.0))


def _literal_return(source: str) -> float | None:
    """The number ``grade`` returns when its whole body is ``return <number>`` (read from the syntax tree)."""
    try:
        function = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == "grade")
    except (SyntaxError, ValueError, StopIteration):
        return None
    body = [s for s in function.body
            if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]  # fmt: skip; docstrings
    if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
        return None
    node = body[0].value
    sign = 1.0
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        sign, node = -1.0, node.operand
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return sign * float(node.value)
    return None


def _multi(grader: dict[str, Any], grading: Grading) -> Outcome:
    scores: dict[str, float] = {}
    outcome = Outcome(0.0, False)
    for name, sub in grader["graders"].items():
        result = grade(sub, grading)
        scores[name] = result.score
        for model, usage in result.usage.items():
            add_usage(outcome.usage, model, usage)
        outcome.sampled_model = outcome.sampled_model or result.sampled_model
        for flag, value in result.errors.items():
            if value:
                outcome.errors[flag] = value
    outcome.sub_scores = scores
    try:
        outcome.score = formula.evaluate(formula.parse(grader["calculate_output"]), scores)
    except formula.FormulaError:
        return outcome.fail("formula_parse_error")
    outcome.passed = not outcome.errored and outcome.score >= _threshold(grader, 0.0, 1.0)
    return outcome


def _model_grade(grader: dict[str, Any], grading: Grading) -> Outcome:
    messages = [_chat_message(m, grading.namespaces) for m in grader["input"]]
    if grader["type"] == "label_model":
        result_schema: dict[str, Any] = {"type": "string", "enum": list(grader["labels"])}
    else:
        result_schema = {"type": "number"}
    response_format = {"type": "json_schema", "json_schema": {"name": "grader_result", "strict": True, "schema": {
        "type": "object", "properties": {"result": result_schema}, "required": ["result"],
        "additionalProperties": False,
    }}}  # fmt: skip
    answer = grading.ask(grader["model"], messages, response_format)
    outcome = Outcome(0.0, False, sampled_model=answer.model)
    if answer.usage:
        add_usage(outcome.usage, answer.model, answer.usage)
    outcome.sample = {
        "input": [{"role": m["role"], "content": m["content"]} for m in messages],
        "output": [{"role": "assistant", "content": answer.text or answer.refusal or ""}],
        "finish_reason": answer.finish_reason, "model": answer.model, "usage": _usage_block(answer.usage),
    }  # fmt: skip
    if answer.error is not None:
        return outcome.fail("model_grader_server_error", "model_grader_server_error_details", answer.error)
    if answer.refusal is not None and not answer.text:
        return outcome.fail("model_grader_refusal_error")
    verdict = _parse_result(answer.text or "")
    if grader["type"] == "label_model":
        label = _match_label(verdict, grader["labels"])
        if label is None:
            return outcome.fail("model_grader_parse_error")
        outcome.sample["label"] = label
        outcome.passed = label in grader["passing_labels"]
        outcome.score = 1.0 if outcome.passed else 0.0
        return outcome
    low, high = (float(b) for b in (grader.get("range") or DEFAULT_RANGE))
    score = _as_score(verdict)
    if score is None:
        return outcome.fail("model_grader_parse_error")
    outcome.score = min(high, max(low, score))
    outcome.passed = outcome.score >= _threshold(grader, low, high)
    return outcome


def _parse_result(text: str) -> Any:
    """``{"result": x}`` as JSON, else the text itself (scripts may answer "correct" or "0.8")."""
    try:
        parsed = orjson.loads(text)
    except orjson.JSONDecodeError:
        return text.strip()
    if isinstance(parsed, dict) and "result" in parsed:
        return parsed["result"]
    return parsed


def _match_label(verdict: Any, labels: list[str]) -> str | None:
    if not isinstance(verdict, str):
        return None
    cleaned = verdict.strip().strip("\"'.!").strip().lower()
    return next((label for label in labels if label.lower() == cleaned), None)


def _as_score(verdict: Any) -> float | None:
    if isinstance(verdict, bool):
        return None
    if isinstance(verdict, (int, float)):
        return float(verdict)
    if isinstance(verdict, str):
        match = _NUMBER.search(verdict)
        return float(match.group()) if match else None
    return None


def _chat_message(message: dict[str, Any], namespaces: dict[str, Any]) -> dict[str, Any]:
    """An EvalItem message as a chat message with its templates filled in (text parts only: images and audio
    are left out of what the fake's model reads)."""
    content = message["content"]
    parts = content if isinstance(content, list) else [content]
    texts = []
    for part in parts:
        if isinstance(part, str):
            texts.append(templates.render(part, namespaces))
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            texts.append(templates.render(part["text"], namespaces))
    return {"role": message["role"], "content": "\n".join(texts)}


def add_usage(total: dict[str, dict[str, int]], model: str, usage: dict[str, int]) -> None:
    into = total.setdefault(model, {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0,
                                    "cached_tokens": 0, "invocation_count": 0})  # fmt: skip
    for key in ("prompt_tokens", "completion_tokens", "total_tokens", "cached_tokens"):
        into[key] += int(usage.get(key, 0) or 0)
    into["invocation_count"] += int(usage.get("invocation_count", 1))


def _usage_block(usage: dict[str, int]) -> dict[str, int]:
    return {k: int(usage.get(k, 0) or 0) for k in ("total_tokens", "completion_tokens", "prompt_tokens",
                                                    "cached_tokens")}  # fmt: skip


def run_response(grader: dict[str, Any], outcome: Outcome, started: float) -> dict[str, Any]:
    """The body of ``POST /fine_tuning/alpha/graders/run`` (the document's RunGraderResponse and example)."""
    usage = None
    if outcome.usage:
        usage = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0, "cached_tokens": 0}
        for per_model in outcome.usage.values():
            for key in usage:
                usage[key] += per_model[key]
    per_model = {model: {k: v for k, v in u.items() if k != "invocation_count"} for model, u in outcome.usage.items()}
    return {
        "reward": outcome.score,
        "metadata": {
            "name": grader["name"], "type": grader["type"], "errors": outcome.errors,
            "execution_time": round(time.perf_counter() - started, 6), "scores": dict(outcome.sub_scores),
            "token_usage": usage, "sampled_model_name": outcome.sampled_model,
        },
        "sub_rewards": dict(outcome.sub_scores),
        "model_grader_token_usage_per_model": per_model,
    }  # fmt: skip
