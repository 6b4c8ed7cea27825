"""The Administration API (/organization/...) with an admin key: usage and costs read back after a few billable
calls. On the real service usage shows up minutes later, so only the fake is held to exact counts."""

from __future__ import annotations

import time

import pytest

SDK_ONLY = "the reference client has no Administration API"


@pytest.mark.sdk_only(SDK_ONLY)
def scenario_usage_and_costs(api, target, token) -> None:
    start = int(time.time()) - 3600 if target.fake is None else target.fake.clock.now_int() - 3600
    api.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": f"Say hi {token}"}])
    api.embeddings.create(model="text-embedding-3-small", input=f"usage {token}")
    api.moderations.create(input=f"hello {token}")
    usage = api.admin.organization.usage
    page = usage.completions(start_time=start, bucket_width="1h", group_by=["model"], limit=2)
    assert page.object == "page" and page.data and page.data[0].object == "bucket"
    for name in ("embeddings", "moderations", "images", "audio_speeches", "audio_transcriptions",
                 "vector_stores", "code_interpreter_sessions"):
        listed = getattr(usage, name)(start_time=start, bucket_width="1d", limit=1)
        assert listed.object == "page" and len(listed.data) == 1, name
    costs = usage.costs(start_time=start, group_by=["line_item"], limit=1)
    assert costs.object == "page" and costs.data[0].object == "bucket"
    if not target.is_real:
        models = {r.model: r for bucket in page.data for r in bucket.results}
        assert any(m.startswith("gpt-4o-mini") and r.num_model_requests >= 1 for m, r in models.items())
        assert sum(r.amount.value for r in costs.data[0].results) > 0


def scenario_admin_api_refuses_a_project_key(http, target) -> None:
    response = http.get("organization/usage/completions", params={"start_time": 0},
                        headers={"Authorization": f"Bearer {target.api_key}"})
    assert response.status_code == 403
    assert "Missing scopes: api.usage.read" in response.text  # the real body's error may be a bare string
