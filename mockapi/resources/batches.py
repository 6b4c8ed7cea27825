"""``/batches``: create from an uploaded JSONL, list, retrieve, cancel; the lifecycle and line
execution live in ``mockapi.batch``.

Controls (``/__mockapi__/batches/...``) wrap ``fake.services["batches"]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.batch import BATCHES, COMPLETION_WINDOWS, ENDPOINTS, Batch, BatchService
from mockapi.common import paginate, validate_metadata
from mockapi.context import RequestContext
from mockapi.lifecycle import install_controls
from mockapi.resources import files

if TYPE_CHECKING:
    from mockapi.fake import Fake

OUTPUT_TTL_MIN, OUTPUT_TTL_MAX = 3600, 2592000


def install(fake: Fake) -> None:
    service = BatchService(fake)
    fake.services["batches"] = service
    fake.router.add("POST", "/batches", create)
    fake.router.add("GET", "/batches", list_batches)
    fake.router.add("GET", "/batches/{batch_id}", retrieve)
    fake.router.add("POST", "/batches/{batch_id}/cancel", cancel, body="none")
    _install_controls(fake, service)


def _service(ctx: RequestContext) -> BatchService:
    service: BatchService = ctx.fake.services["batches"]
    return service


def _batch(ctx: RequestContext) -> Batch:
    return _service(ctx).owned(ctx.ns, ctx.params["batch_id"])


def create(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    for name in ("input_file_id", "endpoint", "completion_window"):
        if body.get(name) is None:
            raise errors.missing_parameter(name)
    endpoint, window = body["endpoint"], body["completion_window"]
    if endpoint not in ENDPOINTS:
        raise errors.invalid_value("endpoint", endpoint, ENDPOINTS)
    if window not in COMPLETION_WINDOWS:
        raise errors.invalid_value("completion_window", window, COMPLETION_WINDOWS)
    metadata = validate_metadata(body.get("metadata")) if body.get("metadata") is not None else None
    ttl = _output_ttl(body.get("output_expires_after"))
    input_file = files.get_file(ctx.ns, str(body["input_file_id"]), ctx.now)
    purpose = input_file.obj["purpose"]
    if purpose != "batch":
        # Unverified wording (core.md §11).
        raise errors.invalid_request(
            f"The input file {input_file.id} has purpose '{purpose}', but a batch input file must have purpose "
            "'batch'.",
            param="input_file_id",
        )
    found = _service(ctx).create(ctx.ns, ctx.api_key, input_file, endpoint, window, metadata, ttl)
    return found.render()


def _output_ttl(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise errors.APIError(400, "Invalid type for 'output_expires_after': expected an object.",
                              param="output_expires_after", code="invalid_type")  # fmt: skip
    if value.get("anchor") != "created_at":
        raise errors.invalid_value("output_expires_after.anchor", value.get("anchor"), ["created_at"])
    seconds = value.get("seconds")
    if not isinstance(seconds, int) or isinstance(seconds, bool) or not OUTPUT_TTL_MIN <= seconds <= OUTPUT_TTL_MAX:
        raise errors.APIError(
            400,
            f"Invalid 'output_expires_after.seconds': expected an integer between {OUTPUT_TTL_MIN} and "
            f"{OUTPUT_TTL_MAX}, got {seconds!r}.",
            param="output_expires_after.seconds", code="invalid_value",
        )  # fmt: skip
    return seconds


def list_batches(ctx: RequestContext) -> dict[str, Any]:
    body = paginate(ctx, ctx.ns.collection(BATCHES), _service(ctx).rendered, default_limit=20, max_limit=100)
    # The spec types first_id/last_id as strings: left out of an empty page rather than null.
    return {k: v for k, v in body.items() if v is not None}


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    return _batch(ctx).render()


def cancel(ctx: RequestContext) -> dict[str, Any]:
    found = _batch(ctx)
    _service(ctx).cancel(found)
    return found.render()


def _install_controls(fake: Fake, service: BatchService) -> None:
    install_controls(fake.control, service, "/batches", "/batches", "batch_id")
    fake.control.add("POST", "/batches/{batch_id}/expire", lambda f, b, q: service.expire(q["batch_id"]))
