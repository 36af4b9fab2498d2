"""The suite runs from a fresh clone: its data is in the repository, missing data fails (never skips),
newer recordings can be pointed at, and ``-m "not slow"`` is the quick loop."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.recording import RECORDINGS, contract_dir, contract_file, load_exchanges

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "contract"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def pytest_run(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_contract_files_are_in_the_repository() -> None:
    assert contract_dir() == DATA or "OTOBO_ZNUNY_CONTRACT_DIR" in os.environ
    for name in ("CONTRACT.md", "GenericTicket.yml", "GenericTicketConnectorREST.yml", *RECORDINGS.values()):
        assert (DATA / name).is_file(), name
    assert len(load_exchanges("znuny")) == 41
    assert len(load_exchanges("otobo")) == 62


def test_a_missing_contract_file_raises_naming_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OTOBO_ZNUNY_CONTRACT_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"contract file .*znuny-7\.0\.19-recorded\.jsonl is missing"):
        contract_file("znuny-7.0.19-recorded.jsonl")


@pytest.mark.slow  # runs pytest in a subprocess
def test_tests_whose_data_is_missing_fail_and_do_not_skip(tmp_path: Path) -> None:
    result = pytest_run(
        "tests/emulator/test_contract_recording.py",
        "tests/bulk/test_parse_speedups.py",
        env={"OTOBO_ZNUNY_CONTRACT_DIR": str(tmp_path)},
    )
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode != 0, result.stdout
    assert "failed" in summary or "error" in summary
    assert "skipped" not in summary
    assert "is missing" in result.stdout


def test_newer_recordings_can_be_pointed_at(tmp_path: Path) -> None:
    newer = tmp_path / "newer"
    shutil.copytree(DATA, newer)
    lines = (newer / RECORDINGS["znuny"]).read_text(encoding="utf-8").splitlines()
    (newer / RECORDINGS["znuny"]).write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")  # a shorter recording
    code = "from support.recording import load_exchanges; print(len(load_exchanges('znuny')))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "OTOBO_ZNUNY_CONTRACT_DIR": str(newer), "PYTHONPATH": str(ROOT / "tests")},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "5"


@pytest.mark.slow  # runs pytest in a subprocess
def test_a_skip_is_reported_as_a_failure(tmp_path: Path) -> None:
    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "test_skips.py").write_text(
        "import pytest\n\n"
        "def test_skips():\n    pytest.skip('no data')\n\n"
        "@pytest.mark.skipif(True, reason='never here')\ndef test_marked():\n    pass\n\n"
        "@pytest.mark.xfail(strict=True)\ndef test_expected_failure():\n    assert False\n\n"
        "def test_passes():\n    pass\n",
        encoding="utf-8",
    )
    (tmp_path / "test_module_skip.py").write_text(
        "import pytest\n\npytest.skip('module data missing', allow_module_level=True)\n", encoding="utf-8"
    )
    plugins_not_needed = ["-p", "no:otobo_znuny", "-p", "no:hypothesispytest", "-p", "no:asyncio"]
    result = pytest_run(*plugins_not_needed, "--continue-on-collection-errors", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1, result.stdout
    # test_skips: failed; test_marked (skipif, at setup) and the module skip (at collection): errors
    assert "1 failed, 1 passed, 1 xfailed, 2 errors" in result.stdout.strip().splitlines()[-1]
    assert "test_skips.py::test_skips skipped (no data); tests in this suite never skip" in result.stdout
    assert "test_skips.py::test_marked skipped (never here)" in result.stdout
    assert "test_module_skip.py skipped (module data missing)" in result.stdout


def test_the_long_runs_are_marked_slow() -> None:
    """``-m "not slow"`` leaves out what carries the mark (pytest's own selection); here: that the
    20,000-ticket tests carry it, and that every hypothesis test gets it from tests/conftest.py."""
    import conftest
    from bulk import test_memory
    from emulator import test_infrastructure
    from hostile import test_reply_fuzz

    def marks(function: object) -> set[str]:
        return {mark.name for mark in getattr(function, "pytestmark", [])}

    assert "slow" in marks(test_memory.test_streaming_20000_tickets_keeps_peak_memory_bounded)
    assert "slow" in marks(test_infrastructure.test_generator_20000_tickets)
    assert "slow" not in marks(test_infrastructure.test_builder)

    class Item:
        def __init__(self, obj: object) -> None:
            self.obj = obj
            self.added: list[str] = []

        def add_marker(self, mark: pytest.MarkDecorator) -> None:
            self.added.append(mark.name)

    fuzz, plain = Item(test_reply_fuzz.test_one_field_set_to_any_json_value), Item(test_infrastructure.test_builder)
    conftest.pytest_collection_modifyitems([fuzz, plain])  # type: ignore[list-item]
    assert (fuzz.added, plain.added) == (["slow"], [])
    assert any(marker.startswith("slow:") for marker in PYPROJECT["tool"]["pytest"]["ini_options"]["markers"])
    assert "--strict-markers" in PYPROJECT["tool"]["pytest"]["ini_options"]["addopts"]
