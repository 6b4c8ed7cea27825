"""The conformance suite run against the fake: in-process with both clients; through ``mockapi conformance``
over a real socket; and against a fake whose control plane is off, the way it runs against the real service
(proving that mode uses only the public API). Plus the parts: contract capture, targets, the summary."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockapi import cli
from mockapi.conformance import runner, targets
from mockapi.conformance.capture import Recorder, capturing_transport
from mockapi.fake import Fake
from mockapi.server import BackgroundServer

CONTROL_SKIP = "needs the mockapi control plane"
# A few scenarios cancel a batch or a job right after creating it, as one would on the real service; steps of
# 100 ms (the fake's default is 20 ms) keep a loaded CI machine from finishing them in between (at 50 ms, a CI
# run once took long enough between create and cancel for a fine-tuning job to train an epoch).
STEP = 0.1


def _scenarios_using(fixture: str) -> set[str]:
    """Scenario names (``module.name``) whose function takes ``fixture``, read from the source (importing the
    modules here would keep the inner pytest sessions from rewriting their asserts)."""
    names = set()
    for path in sorted(runner.SCENARIOS.glob("[a-z]*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("scenario_"):
                if fixture in [a.arg for a in node.args.args]:
                    names.add(f"{path.stem}.{node.name.removeprefix('scenario_')}")
    return names


def _implemented(fake: Fake) -> set[str]:
    return {f"{r.method} {r.path}" for r in fake.router.routes}


def test_in_process_with_both_clients() -> None:
    target = targets.in_process(step_delay=STEP)
    report = runner.run(target)
    assert report.ok(), report.table()
    assert report.control and report.count("pass") > 100
    # Every scenario ran with both clients, except the SDK-only ones, which say why.
    for outcome in report.skipped():
        assert outcome.client == "reference" and outcome.reason.startswith("SDK only:"), outcome
    # Every operation the fake implements was exercised and answered 2xx at least once.
    assert _implemented(target.fake) <= report.recorder.covered(), report.table()
    assert not report.violations


def test_cli_over_a_socket(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake = Fake(validate_responses=True, step_delay=STEP)
    with BackgroundServer(fake) as server:
        code = cli.main(["conformance", "--base-url", server.base_url, "--json", str(tmp_path / "report.json")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"mockapi conformance: {server.base_url} (control plane: yes; clients: sdk, reference)" in out
    assert "scenario" in out and "operation" in out and "\nOK: " in out
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["ok"] and data["control_plane"] and not data["violations"]
    assert {s["client"] for s in data["scenarios"]} == {"sdk", "reference", "-"}
    covered = {name for name, op in data["operations"].items() if any(200 <= int(s) < 300 for s in op["statuses"])}
    assert _implemented(fake) <= covered
    assert not fake.violations and not fake.internal_errors  # the fake's own view of what it sent


def test_without_control_plane_only_the_public_api_is_used() -> None:
    """The real-service mode: control scenarios skip, everything else passes, and no request but the one
    health probe leaves /v1."""
    fake = Fake(control_plane=False, validate_responses=True, step_delay=STEP)
    seen: list[tuple[str, str]] = []
    app = fake.app

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            seen.append((scope["method"], scope["path"]))
        await app(scope, receive, send)

    fake.app = recording  # what BackgroundServer serves
    with BackgroundServer(fake) as server:
        report = runner.run(targets.url(server.base_url, "sk-public"))
    assert report.ok(), report.table()
    assert not report.control
    needs_control = _scenarios_using("control")
    assert len(needs_control) >= 8
    assert {o.scenario for o in report.skipped(CONTROL_SKIP)} == needs_control
    for outcome in report.outcomes:
        if outcome.scenario not in needs_control:
            assert outcome.status == "pass" or outcome.reason.startswith("SDK only:"), outcome
    assert [p for p in seen if not p[1].startswith("/v1/")] == [("GET", "/__mockapi__/health")]
    assert not fake.violations and not fake.internal_errors


def test_a_client_subset_and_a_keyword() -> None:
    report = runner.run(targets.in_process(), clients=("reference",), keyword="models or http")
    assert report.ok(), report.table()
    assert {o.client for o in report.outcomes} == {"reference", "-"}
    assert {o.scenario.split(".")[0] for o in report.outcomes} == {"models", "http"}


# -- the parts -------------------------------------------------------------------------------------------

HEADERS = {"x-request-id": "req_" + "0" * 32, "openai-processing-ms": "3", "openai-version": "2020-10-01"}
ERROR = {"error": {"message": "No.", "type": "invalid_request_error", "param": None, "code": None}}


def _client(handler: Any) -> tuple[httpx.Client, Recorder]:
    recorder = Recorder()
    transport = capturing_transport(httpx.MockTransport(handler), httpx, recorder)
    return httpx.Client(transport=transport, base_url="http://server.test/v1"), recorder


def test_every_response_is_checked_against_the_contract() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v1/models":
            return httpx.Response(200, json={"object": "list"}, headers=HEADERS)  # no data
        if path == "/v1/models/gpt-4o":
            return httpx.Response(200, json={"id": "gpt-4o", "object": "model", "created": 1, "owned_by": "openai"})
        if path == "/v1/chat/completions":
            stream = b'data: {"id": "chatcmpl-1", "object": "chat.completion.chunk"}\n\ndata: [DONE]\n\n'
            return httpx.Response(200, content=stream, headers={**HEADERS, "content-type": "text/event-stream"})
        if path == "/v1/files/file-1":
            return httpx.Response(404, json=ERROR, headers=HEADERS)
        return httpx.Response(418, json=ERROR, headers=HEADERS)

    client, recorder = _client(handler)
    client.get("/models")
    client.get("/models/gpt-4o")
    with client.stream("POST", "/chat/completions", json={}) as response:
        list(response.iter_lines())
    client.get("/files/file-1")
    client.get("/files/file-2")
    ops = recorder.operations
    assert any("data" in v for v in ops["GET /models"].violations)
    assert ops["GET /models/{model}"].violations == ["[200] header x-request-id missing",
                                                     "[200] header openai-processing-ms missing",
                                                     "[200] header openai-version missing"]
    assert ops["POST /chat/completions"].violations[0].startswith("[200] event (none)")  # a chunk without choices
    assert ops["GET /files/{file_id}"].statuses == {404: 1, 418: 1}
    assert ops["GET /files/{file_id}"].violations == ["[418] status 418 is not declared for this operation "
                                                      "(document + overlay)"]
    assert recorder.covered() == {"GET /models", "GET /models/{model}", "POST /chat/completions"}


def test_capture_decodes_gzip_and_ignores_paths_outside_the_api() -> None:
    import gzip

    body = json.dumps({"object": "list", "data": []}).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["accept-encoding"] == "gzip, deflate"
        if request.url.path.startswith("/__mockapi__"):
            return httpx.Response(200, text="not an API response")
        return httpx.Response(200, content=gzip.compress(body),
                              headers={**HEADERS, "content-type": "application/json", "content-encoding": "gzip"})

    client, recorder = _client(handler)
    assert client.get("/models").json() == {"object": "list", "data": []}
    client.get("http://server.test/__mockapi__/health")
    assert list(recorder.operations) == ["GET /models"] and not recorder.violations


@pytest.mark.anyio
async def test_async_capture_checks_what_the_client_reads() -> None:
    from mockapi.conformance.capture import async_capturing_transport

    recorder = Recorder()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"object": "list"}, headers=HEADERS)

    transport = async_capturing_transport(httpx.MockTransport(handler), httpx, recorder)
    async with httpx.AsyncClient(transport=transport, base_url="http://server.test/v1") as client:
        assert (await client.get("/files")).json() == {"object": "list"}
    assert recorder.operations["GET /files"].responses == 1
    assert any("data" in v for v in recorder.operations["GET /files"].violations)


def test_the_real_api_needs_an_opt_in_and_a_key(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv(targets.REAL_OPT_IN, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-real")
    with pytest.raises(targets.TargetError, match="costs money"):
        targets.real_api()
    with pytest.raises(targets.TargetError, match="costs money"):
        targets.url("https://api.openai.com/v1")
    real = targets.real_api(allow=True)
    assert (real.is_real, real.base_url, real.api_key, real.control) == (True, targets.REAL_BASE_URL, "sk-real", None)
    monkeypatch.setenv(targets.REAL_OPT_IN, "1")
    assert targets.url("https://api.openai.com/v1").kind == "real"
    monkeypatch.delenv("OPENAI_API_KEY")
    assert cli.main(["conformance", "--real-api"]) == 2
    assert "OPENAI_API_KEY" in capsys.readouterr().err
