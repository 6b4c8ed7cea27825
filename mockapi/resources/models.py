"""``/models``: the base catalog plus the caller's fine-tuned models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockapi import catalog, errors
from mockapi.common import deleted
from mockapi.context import RequestContext
from mockapi.dispatch import Constant

if TYPE_CHECKING:
    from mockapi.fake import Fake


def install(fake: Fake) -> None:
    fake.router.add("GET", "/models", list_models)
    fake.router.add("GET", "/models/{model}", retrieve_model)
    fake.router.add("DELETE", "/models/{model}", delete_model)


def list_models(ctx: RequestContext) -> dict[str, Any]:
    tuned = ctx.ns.collection(catalog.FINE_TUNED)
    if not len(tuned):  # the common case: the base catalog alone, a constant body
        return Constant("models.base", lambda: {"object": "list", "data": list(catalog.base_listing())})
    data = list(catalog.base_listing())
    data += [m.public() for m in tuned.values()]
    return {"object": "list", "data": data}


def retrieve_model(ctx: RequestContext) -> dict[str, Any]:
    model = catalog.lookup(ctx.ns, ctx.params["model"])
    if model is None:
        raise errors.model_not_found(ctx.params["model"])
    return model.public()


def delete_model(ctx: RequestContext) -> dict[str, Any]:
    model_id = ctx.params["model"]
    if model_id in catalog.base_models():
        # Only fine-tuned models you own can be deleted (alexrudall/ruby-openai#183 shows the owner path);
        # the wording for a base model is not verified, see contracts/README.md.
        raise errors.APIError(
            403,
            f"You have insufficient permissions to delete the model '{model_id}'. Only fine-tuned models "
            "owned by your organization can be deleted.",
            type="invalid_request_error",
            code="model_not_deletable",
        )
    if ctx.ns.collection(catalog.FINE_TUNED).remove(model_id) is None:
        raise errors.model_not_found(model_id)
    return deleted(model_id, "model")
