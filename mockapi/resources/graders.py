"""``/fine_tuning/alpha/graders``: run a grader on one sample, or validate one (``mockapi.evals.graders``).

The model graders ask the fake's own chat completions (responder scripts apply); python graders are never executed
(their score is scripted: ``fake.services["graders"].script(0.7, name=...)``).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.common import required
from mockapi.context import RequestContext
from mockapi.evals import graders, runs, templates

if TYPE_CHECKING:
    from mockapi.fake import Fake


def install(fake: Fake) -> None:
    fake.router.add("POST", "/fine_tuning/alpha/graders/run", run)
    fake.router.add("POST", "/fine_tuning/alpha/graders/validate", validate)


def _checked(ctx: RequestContext) -> dict[str, Any]:
    grader = required(ctx.body, "grader", dict)
    return graders.check(grader, "grader", graders.Checking(ctx.ns, for_eval=False))


def validate(ctx: RequestContext) -> dict[str, Any]:
    _checked(ctx)
    # The document's example echoes the grader as sent.
    return {"grader": ctx.body["grader"]}


def run(ctx: RequestContext) -> dict[str, Any]:
    started = time.perf_counter()
    grader = _checked(ctx)
    model_sample = required(ctx.body, "model_sample", str)
    item = ctx.body.get("item")
    if item is not None and not isinstance(item, dict):
        raise errors.invalid_type("item", "an object", item)
    namespaces = {"item": item or {}, "sample": templates.sample_namespace(model_sample)}

    def ask(model: str, messages: list[dict[str, Any]], response_format: dict[str, Any]) -> graders.Answer:
        return runs.chat_answer(ctx.fake, ctx.api_key, ctx.owner,
                                {"model": model, "messages": messages, "response_format": response_format})

    outcome = graders.grade(grader, graders.Grading(namespaces, ask, ctx.fake.services["evals"].python))
    return graders.run_response(grader, outcome, started)
