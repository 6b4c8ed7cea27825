"""contracts/operations.md lists exactly the operations the fake implements."""

from __future__ import annotations

from mockapi.contract import report


def test_operations_doc_is_current() -> None:
    assert report.TARGET.read_text() == report.render(), "run: python -m mockapi.contract.report"
