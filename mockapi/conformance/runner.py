"""Run the scenarios with pytest against a target and summarize: outcome per scenario and client, and
contract violations per operation.

    from mockapi.conformance import runner, targets
    report = runner.run(targets.in_process())
    print(report.table()); assert report.ok
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockapi.conformance.capture import Recorder
from mockapi.conformance.clients import CLIENTS
from mockapi.conformance.plugin import NO_CLIENT, ConformancePlugin, Outcome
from mockapi.conformance.targets import Target

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE / "scenarios"
INI = HERE / "pytest.ini"
MARKS = {"pass": "pass", "fail": "FAIL", "error": "ERROR", "skip": "skip"}


@dataclass
class Report:
    target: Target
    clients: tuple[str, ...]
    outcomes: list[Outcome]
    recorder: Recorder
    pytest_exit: int
    control: bool
    fake_problems: list[str] = field(default_factory=list)
    implemented: list[str] | None = None  # the fake's operations, when the target is in-process

    # -- verdicts ------------------------------------------------------------------------------

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in ("fail", "error")]

    @property
    def violations(self) -> list[str]:
        return self.recorder.violations + self.fake_problems

    def ok(self, fail_on_violations: bool = True) -> bool:
        if self.pytest_exit not in (0, 1) or not self.outcomes or self.failures:
            return False
        return not (fail_on_violations and self.violations)

    def skipped(self, reason_prefix: str = "") -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "skip" and o.reason.startswith(reason_prefix)]

    # -- output --------------------------------------------------------------------------------

    def table(self) -> str:
        lines = [f"mockapi conformance: {self.target.label} "
                 f"(control plane: {'yes' if self.control else 'no'}; clients: {', '.join(self.clients)})", ""]
        lines += self._scenario_table()
        lines += ["", *self._operation_table()]
        if self.failures:
            lines += ["", "Failures:"]
            lines += [f"  {o.scenario} [{o.client}]: {o.reason}" for o in self.failures]
        if self.violations:
            lines += ["", f"Contract violations ({len(self.violations)}):"]
            lines += [f"  {v}" for v in self.violations[:200]]
        lines += ["", self.summary()]
        return "\n".join(lines)

    def summary(self) -> str:
        scenarios = len({o.scenario for o in self.outcomes})
        verdict = "OK" if self.ok() else "FAILED"
        return (f"{verdict}: {scenarios} scenarios, {len(self.outcomes)} runs: {self.count('pass')} passed, "
                f"{self.count('fail') + self.count('error')} failed, {self.count('skip')} skipped; "
                f"{len(self.recorder.covered())} operations answered 2xx; "
                f"{len(self.violations)} contract violations")

    def _scenario_table(self) -> list[str]:
        columns = [*self.clients, NO_CLIENT] if any(o.client == NO_CLIENT for o in self.outcomes) else [*self.clients]
        rows: dict[str, dict[str, Outcome]] = {}
        for outcome in self.outcomes:
            rows.setdefault(outcome.scenario, {})[outcome.client] = outcome
        notes: dict[str, int] = {}
        width = max([len("scenario"), *map(len, rows)])
        header = f"{'scenario':<{width}}  " + "  ".join(f"{_column(c):<12}" for c in columns)
        lines = [header, "-" * len(header.rstrip())]
        for name in sorted(rows):
            cells = []
            for client in columns:
                outcome = rows[name].get(client)
                if outcome is None:
                    cells.append("")
                    continue
                cell = MARKS[outcome.status]
                if outcome.status == "skip":
                    cell += f" ({notes.setdefault(outcome.reason, len(notes) + 1)})"
                cells.append(cell)
            lines.append(f"{name:<{width}}  " + "  ".join(f"{c:<12}" for c in cells).rstrip())
        lines += [f"  ({n}) skipped: {reason}" for reason, n in notes.items()]
        return lines

    def _operation_table(self) -> list[str]:
        stats = self.recorder.operations
        names = sorted(stats, key=lambda n: (n.split(" ", 1)[1], n))
        width = max([len("operation"), *map(len, names)])
        lines = [f"{'operation':<{width}}  responses  statuses{'':<16}  violations",
                 "-" * (width + 50)]
        for name in names:
            s = stats[name]
            statuses = " ".join(f"{code}x{n}" for code, n in sorted(s.statuses.items()))
            lines.append(f"{name:<{width}}  {s.responses:>9}  {statuses:<24}  {len(s.violations):>10}")
        if self.implemented is not None:
            missing = sorted(set(self.implemented) - self.recorder.covered())
            lines.append(f"implemented operations answered 2xx: {len(self.implemented) - len(missing)} of "
                         f"{len(self.implemented)}")
            lines += [f"  not answered 2xx: {name}" for name in missing[:30]]
            if len(missing) > 30:
                lines.append(f"  ... and {len(missing) - 30} more")
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target.label, "control_plane": self.control, "clients": list(self.clients),
            "ok": self.ok(), "pytest_exit": self.pytest_exit,
            "scenarios": [vars(o) for o in self.outcomes],
            "operations": {name: {"responses": s.responses, "statuses": s.statuses, "violations": s.violations}
                           for name, s in sorted(self.recorder.operations.items())},
            "violations": self.violations,
        }

    def write_json(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=2, default=str))


def _column(client: str) -> str:
    return "(no client)" if client == NO_CLIENT else client


def run(
    target: Target,
    *,
    clients: tuple[str, ...] = CLIENTS,
    keyword: str | None = None,
    verbose: bool = False,
    pytest_args: tuple[str, ...] = (),
) -> Report:
    """Run every scenario (or those matching ``keyword``, a pytest ``-k`` expression) against ``target``."""
    import pytest

    unknown = set(clients) - set(CLIENTS)
    if unknown:
        raise ValueError(f"unknown client(s): {', '.join(sorted(unknown))}")
    recorder = Recorder(base_path=target.base_path or "/v1")
    plugin = ConformancePlugin(target, tuple(clients), recorder)
    args = [
        str(SCENARIOS), "-c", str(INI), "--rootdir", str(HERE),
        # No cache and no installed plugins: the scenarios need none, and the mockapi plugin's guard would
        # block the real API when that is the target.
        "-p", "no:cacheprovider", "--disable-plugin-autoload",
        "-v" if verbose else "-q", "--tb=short" if verbose else "--tb=line",
    ]
    if keyword:
        args += ["-k", keyword]
    args += list(pytest_args)
    exit_code = int(pytest.main(args, plugins=[plugin]))
    implemented = None
    if target.fake is not None:
        implemented = [f"{r.method} {r.path}" for r in target.fake.router.routes]
    return Report(
        target=target, clients=tuple(clients), outcomes=list(plugin.outcomes.values()), recorder=recorder,
        pytest_exit=exit_code, control=target.control is not None, fake_problems=target.fake_problems(),
        implemented=implemented,
    )
