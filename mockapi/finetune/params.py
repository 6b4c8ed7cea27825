"""``POST /fine_tuning/jobs`` input: what is checked at create (a 400) and how ``auto`` resolves.

The contract layer already checks types and ranges against the spec; these checks
repeat the ones that matter so the fake behaves the same with validation off, and
add the rules the spec cannot express (fine-tunable model, file purpose, method
support).
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from typing import Any

from mockapi import catalog, errors
from mockapi.common import validate_metadata
from mockapi.state import Namespace

METHODS = ["supervised", "dpo", "reinforcement"]
SUFFIX_MAX = 64
SUFFIX_PATTERN = re.compile(r"^[A-Za-z0-9_.-]+$")
SEED_MAX = 2147483647
MAX_INTEGRATIONS = 5
COMMON_HYPERPARAMETERS = ("batch_size", "learning_rate_multiplier", "n_epochs")
# name -> (kind, minimum, maximum, exclusive minimum)
BOUNDS: dict[str, tuple[type, float, float | None, bool]] = {
    "batch_size": (int, 1, 256, False),
    "learning_rate_multiplier": (float, 0, None, True),
    "n_epochs": (int, 1, 50, False),
    "beta": (float, 0, 2, True),
    "compute_multiplier": (float, 0.00001, 10, True),
    "eval_interval": (int, 1, None, False),
    "eval_samples": (int, 1, None, False),
}
METHOD_HYPERPARAMETERS = {
    "supervised": COMMON_HYPERPARAMETERS,
    "dpo": ("beta", *COMMON_HYPERPARAMETERS),
    "reinforcement": (
        *COMMON_HYPERPARAMETERS,
        "reasoning_effort",
        "compute_multiplier",
        "eval_interval",
        "eval_samples",
    ),
}
REASONING_EFFORTS = ["default", "low", "medium", "high"]

# The cookbook's rule for `n_epochs: auto`: 3 epochs, more for tiny files, fewer for huge ones.
TARGET_EPOCHS = 3
MIN_TARGET_EXAMPLES = 100
MAX_TARGET_EXAMPLES = 25000
MAX_DEFAULT_EPOCHS = 25


@dataclass
class JobRequest:
    """A create request that passed every create-time check."""

    model: str  # what the job reports as `model` (snapshot, or the ft: id being tuned further)
    base: catalog.ModelInfo  # the info a resulting model inherits (kind, tokenizer, limits)
    base_snapshot: str  # the snapshot in the resulting ft: name
    training_file: str
    validation_file: str | None
    suffix: str | None
    seed: int
    method: str
    hyperparameters: dict[str, Any]  # as requested, `auto` filled in where omitted
    grader: dict[str, Any] | None
    integrations: list[dict[str, Any]]
    metadata: dict[str, str] | None


def parse(body: dict[str, Any], ns: Namespace) -> JobRequest:
    model_id = body.get("model")
    if model_id is None:
        raise errors.missing_parameter("model")
    if body.get("training_file") is None:
        raise errors.missing_parameter("training_file")
    if not isinstance(model_id, str):
        raise errors.invalid_type("model", "a string", model_id)
    info, base_snapshot = _model(ns, model_id)
    method, hyper, grader = _method(body, info)
    return JobRequest(
        model=model_id if model_id.startswith("ft:") else info.echo,
        base=info,
        base_snapshot=base_snapshot,
        training_file=_file_id(body, "training_file"),
        validation_file=_file_id(body, "validation_file") if body.get("validation_file") is not None else None,
        suffix=_suffix(body.get("suffix")),
        seed=_seed(body.get("seed")),
        method=method,
        hyperparameters=hyper,
        grader=grader,
        integrations=_integrations(body.get("integrations")),
        metadata=validate_metadata(body["metadata"]) if body.get("metadata") is not None else None,
    )


def resolve(method: str, hyper: dict[str, Any], n_examples: int) -> dict[str, Any]:
    """Numbers for every `auto`, as the job shows them once its files are validated."""
    n = max(1, n_examples)
    out = dict(hyper)
    if out.get("n_epochs", "auto") == "auto":
        epochs = TARGET_EPOCHS
        if n * TARGET_EPOCHS < MIN_TARGET_EXAMPLES:
            epochs = min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES // n)
        elif n * TARGET_EPOCHS > MAX_TARGET_EXAMPLES:
            epochs = max(1, MAX_TARGET_EXAMPLES // n)
        out["n_epochs"] = epochs
    if out.get("batch_size", "auto") == "auto":
        out["batch_size"] = max(1, min(256, round(n * 0.002)))
    if out.get("learning_rate_multiplier", "auto") == "auto":
        out["learning_rate_multiplier"] = 1.8 if out["batch_size"] <= 8 else 2.0
    if method == "dpo" and out.get("beta", "auto") == "auto":
        out["beta"] = 0.1
    if method == "reinforcement":
        for name, value in (("compute_multiplier", 1.0), ("eval_interval", 1), ("eval_samples", 1)):
            if out.get(name, "auto") == "auto":
                out[name] = value
    return out


def total_steps(hyper: dict[str, Any], n_examples: int) -> int:
    per_epoch = max(1, math.ceil(max(1, n_examples) / int(hyper["batch_size"])))
    return per_epoch * int(hyper["n_epochs"])


def steps_per_epoch(hyper: dict[str, Any], n_examples: int) -> int:
    return max(1, math.ceil(max(1, n_examples) / int(hyper["batch_size"])))


# -- checks ------------------------------------------------------------------------


def _model(ns: Namespace, model_id: str) -> tuple[catalog.ModelInfo, str]:
    info = catalog.lookup(ns, model_id)
    if info is not None and model_id.startswith("ft:") and info.base is not None:
        base = catalog.lookup(None, info.base) or catalog.family_of(info.base)
        if base is not None and base.fine_tunable:
            return info, info.base
    if info is None or not info.fine_tunable or model_id.startswith("ft:"):
        # core.md §1.2 (openai/openai-cookbook#657).
        raise errors.invalid_request(f"Model {model_id} is not available for fine-tuning or does not exist.")
    return info, info.echo


def _method(body: dict[str, Any], info: catalog.ModelInfo) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
    method = body.get("method")
    legacy = body.get("hyperparameters")
    if method is None:
        hyper = _hyperparameters(legacy, "supervised", "hyperparameters")
        _supported("supervised", info)
        return "supervised", hyper, None
    if not isinstance(method, dict):
        raise errors.invalid_type("method", "an object", method)
    kind = method.get("type")
    if kind is None:
        raise errors.missing_parameter("method.type")
    if kind not in METHODS:
        raise errors.invalid_value("method.type", kind, METHODS)
    if legacy is not None:
        # Unverified wording; the deprecated field and `method` describe the same thing twice.
        raise errors.invalid_request(
            "The 'hyperparameters' parameter is deprecated and cannot be used together with 'method'. "
            f"Pass them as 'method.{kind}.hyperparameters' instead.",
            param="hyperparameters",
        )
    settings = method.get(kind) or {}
    if not isinstance(settings, dict):
        raise errors.invalid_type(f"method.{kind}", "an object", settings)
    grader = None
    if kind == "reinforcement":
        grader = settings.get("grader")
        if grader is None:
            raise errors.missing_parameter("method.reinforcement.grader")
        if not isinstance(grader, dict) or "type" not in grader:
            raise errors.invalid_type("method.reinforcement.grader", "an object with a 'type'", grader)
    _supported(kind, info)
    hyper = _hyperparameters(settings.get("hyperparameters"), kind, f"method.{kind}.hyperparameters")
    return kind, hyper, grader


def _supported(method: str, info: catalog.ModelInfo) -> None:
    """Reinforcement fine-tuning needs a reasoning model; supervised and DPO need a non-reasoning one."""
    reasoning = info.kind == "reasoning"
    ok = reasoning if method == "reinforcement" else not reasoning
    if method == "dpo" and info.kind == "completion":
        ok = False
    if not ok:
        raise errors.invalid_request(
            f"Fine-tuning method '{method}' is not supported for model {info.base or info.id}.", param="method.type"
        )


def _hyperparameters(value: Any, method: str, param: str) -> dict[str, Any]:
    allowed = METHOD_HYPERPARAMETERS[method]
    out: dict[str, Any] = {name: "auto" for name in allowed if name != "reasoning_effort"}
    if method == "reinforcement":
        out["reasoning_effort"] = "default"
    if value is None:
        return out
    if not isinstance(value, dict):
        raise errors.invalid_type(param, "an object", value)
    for name, item in value.items():
        if name not in allowed:
            raise errors.unknown_parameter(f"{param}.{name}")
        if name == "reasoning_effort":
            if item not in REASONING_EFFORTS:
                raise errors.invalid_value(f"{param}.{name}", item, REASONING_EFFORTS)
        elif item != "auto":
            _bounded(f"{param}.{name}", item, *BOUNDS[name])
        out[name] = item
    return out


def _bounded(param: str, value: Any, kind: type, low: float, high: float | None, exclusive: bool) -> None:
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not numeric or (kind is int and not isinstance(value, int)):
        expected = "an integer" if kind is int else "a number"
        raise errors.invalid_type(param, f"'auto' or {expected}", value)
    word = "integer" if kind is int else "decimal"
    if value < low or (exclusive and value == low):
        relation = ">" if exclusive else ">="
        raise errors.APIError(
            400,
            f"Invalid '{param}': {word} below minimum value. Expected a value {relation} {low:g}, "
            f"but got {value} instead.",
            param=param,
            code=f"{word}_below_min_value",
        )
    if high is not None and value > high:
        raise errors.APIError(
            400,
            f"Invalid '{param}': {word} above maximum value. Expected a value <= {high:g}, but got {value} instead.",
            param=param,
            code=f"{word}_above_max_value",
        )


def _file_id(body: dict[str, Any], param: str) -> str:
    value = body.get(param)
    if not isinstance(value, str) or not value:
        raise errors.invalid_type(param, "a string", value)
    return value


def _suffix(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise errors.invalid_type("suffix", "a string", value)
    if not value:
        raise errors.APIError(
            400,
            "Invalid 'suffix': string too short. Expected a string with minimum length 1, but got an empty "
            "string instead.",
            param="suffix",
            code="string_below_min_length",
        )
    if len(value) > SUFFIX_MAX:
        raise errors.string_too_long("suffix", SUFFIX_MAX, len(value))
    if not SUFFIX_PATTERN.match(value):
        # A suffix becomes part of a `ft:` model name, whose parts are separated by ':' (unverified wording).
        raise errors.invalid_request(
            f"Invalid 'suffix': '{value}'. A suffix may only contain letters, numbers, '.', '-' and '_'.",
            param="suffix",
            code="invalid_value",
        )
    return value


def _seed(value: Any) -> int:
    if value is None:
        return secrets.randbelow(SEED_MAX + 1)
    if not isinstance(value, int) or isinstance(value, bool):
        raise errors.invalid_type("seed", "an integer", value)
    if not 0 <= value <= SEED_MAX:
        word = "below minimum" if value < 0 else "above maximum"
        bound = ">= 0" if value < 0 else f"<= {SEED_MAX}"
        raise errors.APIError(
            400,
            f"Invalid 'seed': integer {word} value. Expected a value {bound}, but got {value} instead.",
            param="seed",
            code=f"integer_{'below_min' if value < 0 else 'above_max'}_value",
        )
    return value


def _integrations(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise errors.invalid_type("integrations", "an array", value)
    if len(value) > MAX_INTEGRATIONS:
        raise errors.array_too_long("integrations", MAX_INTEGRATIONS, len(value))
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise errors.invalid_type(f"integrations[{i}]", "an object", item)
        if item.get("type") != "wandb":
            raise errors.invalid_value(f"integrations[{i}].type", item.get("type"), ["wandb"])
        wandb = item.get("wandb")
        if not isinstance(wandb, dict):
            raise errors.missing_parameter(f"integrations[{i}].wandb")
        if not isinstance(wandb.get("project"), str):
            raise errors.missing_parameter(f"integrations[{i}].wandb.project")
        out.append({"type": "wandb", "wandb": {
            "project": wandb["project"], "name": wandb.get("name"), "entity": wandb.get("entity"),
            "tags": list(wandb.get("tags") or []),
        }})  # fmt: skip
    return out
