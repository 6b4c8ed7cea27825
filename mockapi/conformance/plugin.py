"""The pytest plugin the runner hands to ``pytest.main``: fixtures for the scenarios and result collection.

Fixtures: ``target``; ``api`` (parametrized over the chosen clients); ``control`` (skips the scenario when the
target has no control plane); ``http`` (a raw httpx client, for requests no client library would send);
``token`` (a short unique string for names and script matching). ``@pytest.mark.sdk_only("reason")`` runs a
scenario with the official SDK only, saying why (the reference client lacks that resource).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from mockapi.conformance.capture import Recorder, capturing_transport
from mockapi.conformance.clients import Api, make_api
from mockapi.conformance.control import Control
from mockapi.conformance.targets import Target

NO_CLIENT = "-"  # scenarios that make raw requests run once, not per client


@dataclass
class Outcome:
    scenario: str
    client: str
    status: str  # pass | fail | skip | error
    reason: str = ""
    seconds: float = 0.0


def scenario_name(item: pytest.Item) -> str:
    module = item.module.__name__.rsplit(".", 1)[-1] if item.module else "?"  # type: ignore[attr-defined]
    function = item.originalname if hasattr(item, "originalname") else item.name
    return f"{module}.{function.removeprefix('scenario_')}"


def client_of(item: pytest.Item) -> str:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("client_name", NO_CLIENT) if callspec else NO_CLIENT


class ConformancePlugin:
    def __init__(self, target: Target, clients: tuple[str, ...], recorder: Recorder) -> None:
        self._target = target
        self._clients = clients
        self._recorder = recorder
        self.outcomes: dict[str, Outcome] = {}  # by node id
        self._apis: dict[str, Api] = {}
        self._http: Any = None

    # -- collection ----------------------------------------------------------------------------

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "sdk_only(reason): run with the official SDK only, for this reason")

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "api" in metafunc.fixturenames:
            metafunc.parametrize("client_name", self._clients)

    # -- fixtures ------------------------------------------------------------------------------

    @pytest.fixture(scope="session")
    def target(self) -> Target:
        return self._target

    @pytest.fixture
    def api(self, request: pytest.FixtureRequest, client_name: str) -> Api:
        marker = request.node.get_closest_marker("sdk_only")
        if marker is not None and client_name != "sdk":
            pytest.skip(f"SDK only: {marker.args[0]}")
        if client_name not in self._apis:
            self._apis[client_name] = make_api(client_name, self._target, self._recorder)
        return self._apis[client_name]

    @pytest.fixture
    def control(self) -> Control:
        control = self._target.control
        if control is None:
            pytest.skip("needs the mockapi control plane")
        return control

    @pytest.fixture
    def http(self) -> Any:
        if self._http is None:
            import httpx

            transport = capturing_transport(self._target.transport(httpx), httpx, self._recorder)
            self._http = httpx.Client(transport=transport, base_url=self._target.base_url,
                                      timeout=self._target.timeout)
        return self._http

    @pytest.fixture
    def token(self) -> str:
        return uuid.uuid4().hex[:10]

    @pytest.fixture(autouse=True)
    def _attribute_responses(self, request: pytest.FixtureRequest) -> Iterator[None]:
        # Responses seen while a scenario runs are charged to it in the violation report.
        self._recorder.scenario = f"{scenario_name(request.node)}[{client_of(request.node)}]"
        yield
        self._recorder.scenario = None

    # -- results -------------------------------------------------------------------------------

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
        outcome = yield
        report = outcome.get_result()
        report.scenario = scenario_name(item)
        report.client = client_of(item)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        scenario, client = getattr(report, "scenario", report.nodeid), getattr(report, "client", NO_CLIENT)
        current = self.outcomes.get(report.nodeid)
        if report.when == "call" or current is None:
            status = "pass" if report.passed else "skip" if report.skipped else "fail"
            if report.when != "call" and report.failed:
                status = "error"
            self.outcomes[report.nodeid] = Outcome(scenario, client, status, _reason(report), report.duration)
        elif report.failed and current.status in ("pass", "skip"):  # a teardown failure
            current.status, current.reason = "error", _reason(report)

    def pytest_sessionfinish(self) -> None:
        for api in self._apis.values():
            api.close()
        if self._http is not None:
            self._http.close()


def _reason(report: pytest.TestReport) -> str:
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    if report.failed:
        lines = [line[2:].strip() for line in report.longreprtext.splitlines() if line.startswith("E ")]
        lines = lines or report.longreprtext.strip().splitlines()[-1:] or [""]
        return lines[0][:300]
    return ""
