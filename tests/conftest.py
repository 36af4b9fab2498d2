"""Rules for the whole suite.

* A test never skips: what it needs is in the ``dev`` extra and its data in ``tests/data`` (or in
  ``$OTOBO_ZNUNY_CONTRACT_DIR``). A skip is reported as a failure, so missing data cannot pass
  silently. (An expected failure, ``xfail``, stays what it is.)
* ``slow`` marks the long runs; ``python -m pytest -m "not slow"`` is the quick loop, the plain run
  (and CI) runs everything. Every hypothesis property test is slow (200 examples each, see
  ``hostile/strategies.py``); the others are marked where they are defined.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.slow)


def _as_failure(report: pytest.TestReport | pytest.CollectReport, where: str) -> None:
    longrepr = report.longrepr
    reason = str(longrepr[2] if isinstance(longrepr, tuple) else longrepr).removeprefix("Skipped: ")
    report.outcome = "failed"
    report.longrepr = f"{where} skipped ({reason}); tests in this suite never skip (see tests/conftest.py)"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.skipped and not hasattr(report, "wasxfail"):
        _as_failure(report, item.nodeid)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    report = yield
    if report.skipped:
        _as_failure(report, collector.nodeid)
    return report
