"""Models: list, retrieve, and the errors for unknown or foreign models."""

from __future__ import annotations

from mockapi.conformance.scenarios._util import CHAT_MODEL


def scenario_list_and_retrieve(api) -> None:
    models = api.models.list()
    listed = {m.id for m in models.data}
    assert CHAT_MODEL in listed
    model = api.models.retrieve(CHAT_MODEL)
    assert (model.id, model.object) == (CHAT_MODEL, "model")
    assert isinstance(model.created, int) and model.owned_by


def scenario_unknown_model_is_404(api) -> None:
    with api.raises(404) as err:
        api.models.retrieve("no-such-model-conformance")
    assert err.code == "model_not_found"
    with api.raises(404):
        api.models.delete("ft:gpt-4o-mini-2024-07-18:no-such-org::conformance")
