"""Every response is checked against the official contract, and a broken one fails the test."""

from __future__ import annotations

import pytest

from mockapi import Fake
from mockapi.pytest_plugin import assert_clean


def _broken_fake() -> Fake:
    fake = Fake(validate_responses=True)
    stored = fake.router.routes  # the real GET /files/{file_id} route, with its contract operation bound
    route = next(r for r in stored if r.method == "GET" and r.path == "/files/{file_id}")
    route.handler = lambda ctx: {"id": ctx.params["file_id"], "object": "file", "filename": "a.txt"}
    return fake


def test_a_response_missing_required_fields_is_caught() -> None:
    fake = _broken_fake()
    with fake.http_client() as http:
        assert http.get("/v1/files/file-abc").status_code == 200
    assert fake.violations, "the broken response was not reported"
    assert any("bytes" in v for v in fake.violations)
    with pytest.raises(pytest.fail.Exception, match="contract violation"):
        assert_clean(fake)


def test_a_wrong_type_is_caught(mockapi) -> None:
    route = next(r for r in mockapi.router.routes if r.method == "GET" and r.path == "/models/{model}")
    original = route.handler
    route.handler = lambda ctx: {**original(ctx), "created": "yesterday"}
    with mockapi.http_client() as http:
        http.get("/v1/models/gpt-4o")
    assert any("created" in v for v in mockapi.violations)
    mockapi.violations.clear()  # keep the fixture's own check green


def test_conforming_responses_record_nothing(mockapi, openai_client) -> None:
    openai_client.models.list()
    openai_client.models.retrieve("gpt-4o")
    assert mockapi.violations == []


def test_every_route_is_bound_to_a_contract_operation() -> None:
    """A route without an operation would skip request and response validation silently."""
    fake = Fake()
    unbound = [r.name for r in fake.router.routes if r.operation is None]
    assert unbound == []


def test_empty_lists_conform_for_every_top_level_list(mockapi) -> None:
    """An empty cursor page has null first_id/last_id, as the real API sends (the overlay allows it)."""
    # The organization's spend limit is one object, a 404 until set (contracts/README.md "Administration").
    lists = [r.path for r in mockapi.router.routes
             if r.method == "GET" and "{" not in r.path and r.path != "/organization/spend_limit"]
    assert {"/files", "/assistants", "/batches", "/vector_stores", "/fine_tuning/jobs"} <= set(lists)
    # An admin key for /organization/...; usage and costs pages need a start_time.
    with mockapi.http_client(api_key="sk-admin-lists", headers={"OpenAI-Beta": "assistants=v2"}) as http:
        for path in lists:
            bucketed = path.startswith(("/organization/usage/", "/organization/costs"))
            response = http.get("/v1" + path, params={"start_time": 0, "limit": 1} if bucketed else None)
            assert response.status_code == 200, (path, response.text)
    assert mockapi.violations == []
