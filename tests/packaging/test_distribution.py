"""What the distribution declares and ships: every imported package declared, PyYAML only in the
extras that need it (and a clear error without it), one version, the licence, ``py.typed``."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import otobo_znuny
from otobo_znuny import ClientConfig, MissingDependencyError
from otobo_znuny.emulator import Emulator

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
TOOLS = {"pytest", "pytest-asyncio", "pytest-xdist", "ruff", "mypy", "types-pyyaml"}
"""Dev requirements that are run, not imported (pytest-asyncio and pytest-xdist are pytest plugins;
types-PyYAML feeds mypy)."""


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(requirements: list[str]) -> set[str]:
    return {normalized(match.group(0)) for req in requirements if (match := re.match(r"[A-Za-z0-9._-]+", req))}


def imported_modules(folder: Path) -> set[str]:
    """Top-level third-party modules imported anywhere under ``folder`` (also inside functions)."""
    own = {"otobo", "otobo_znuny", "support", "tests"}
    found = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names and name not in own}


def distributions(modules: set[str]) -> dict[str, set[str]]:
    mapping = importlib.metadata.packages_distributions()
    return {module: {normalized(d) for d in mapping.get(module, [module])} for module in modules}


def test_every_package_the_library_imports_is_declared() -> None:
    project = PYPROJECT["project"]
    extras = project["optional-dependencies"]
    declared = requirement_names(project["dependencies"])
    for name, requirements in extras.items():
        if name != "dev":
            declared |= requirement_names(requirements)
    imported = imported_modules(ROOT / "src") - {"pytest"}  # only the pytest plugin imports it, inside pytest
    undeclared = {m: d for m, d in distributions(imported).items() if not d & declared}
    assert undeclared == {}
    assert "pydantic-core" in requirement_names(project["dependencies"])  # imported directly in the CLI and adapter


def test_pyyaml_comes_only_with_the_extras_that_use_it() -> None:
    project = PYPROJECT["project"]
    assert "pyyaml" not in requirement_names(project["dependencies"])
    extras = project["optional-dependencies"]
    assert {name for name, reqs in extras.items() if "pyyaml" in requirement_names(reqs)} == {"yaml", "emulator", "cli"}


def test_every_dev_requirement_is_used() -> None:
    dev = requirement_names(PYPROJECT["project"]["optional-dependencies"]["dev"]) - {"otobo-znuny"}
    used = set().union(*distributions(imported_modules(ROOT / "tests") | imported_modules(ROOT / "scripts")).values())
    assert dev - TOOLS - used == set()


def test_importing_the_library_imports_no_yaml() -> None:
    code = (
        "import sys; import otobo_znuny, otobo_znuny.emulator, otobo_znuny.testing, otobo_znuny.adapter, "
        "otobo_znuny.cli.root, otobo.clients.otobo_client; print('yaml' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@pytest.fixture
def no_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)  # "import yaml" now fails, as without PyYAML


def _raises_missing_yaml(extra: str, call: Any) -> MissingDependencyError:
    with pytest.raises(MissingDependencyError) as caught:
        call()
    error = caught.value
    assert isinstance(error, ImportError)
    assert error.name == "yaml"
    assert error.extra == extra
    assert f"needs PyYAML: pip install 'otobo-znuny[{extra}]'" in str(error)
    return error


@pytest.mark.usefixtures("no_yaml")
def test_without_pyyaml_each_yaml_feature_names_its_extra(tmp_path: Path) -> None:
    exported = tmp_path / "GenericTicket.yml"
    exported.write_text("Provider: {}\n", encoding="utf-8")
    _raises_missing_yaml("yaml", lambda: ClientConfig.from_webservice_yaml("https://h/otrs", exported))
    _raises_missing_yaml("emulator", lambda: Emulator.from_seed("empty").load_webservice(exported))
    assert ClientConfig.generic_ticket("https://h/otrs").webservice_name == "GenericTicket"  # the rest works


@pytest.mark.usefixtures("no_yaml")
def test_without_pyyaml_the_command_line_says_which_extra(tmp_path: Path) -> None:
    from otobo_znuny.cli import app, settings

    env: dict[str, str | None] = dict.fromkeys(settings.ENV_NAMES.values())
    env.update({settings.PROFILE_ENV: None, settings.CONFIG_ENV: str(tmp_path / "none.toml")})
    env[settings.EMULATOR_SEED_ENV] = "demo"
    result = CliRunner().invoke(app, ["ticket", "get", "1", "-o", "yaml"], env=env)
    assert result.exit_code == 1, result.stderr
    assert "-o yaml needs PyYAML: pip install 'otobo-znuny[cli]'" in result.stderr
    rendered = CliRunner().invoke(app, ["webservice", "render", "--name", "GenericTicket"], env=env)
    assert "webservice render needs PyYAML: pip install 'otobo-znuny[cli]'" in rendered.stderr
    assert CliRunner().invoke(app, ["ticket", "get", "1", "-o", "json"], env=env).exit_code == 0


def test_the_version_is_written_in_one_place() -> None:
    assert "version" in PYPROJECT["project"]["dynamic"]
    assert "version" not in PYPROJECT["project"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "src/otobo_znuny/__init__.py"
    assert importlib.metadata.version("otobo-znuny") == otobo_znuny.__version__


def test_the_licence_and_the_type_markers_are_there() -> None:
    assert PYPROJECT["project"]["license"] == {"text": "MIT"}
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    for package in PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]:
        assert (ROOT / package / "py.typed").is_file(), package  # shipped in the wheel with the package folder


def test_ruff_is_pinned_because_the_generated_client_depends_on_its_formatting() -> None:
    pins = [req for req in PYPROJECT["project"]["optional-dependencies"]["dev"] if req.startswith("ruff")]
    assert len(pins) == 1
    assert re.fullmatch(r"ruff==\d+\.\d+\.\d+", pins[0])


def test_the_event_receiver_needs_only_the_standard_library() -> None:
    code = (
        "import sys; from otobo_znuny.events import EventReceiver, TicketEvent, parse_event; "
        "EventReceiver('a-secret-of-sixteen+'); "
        "print(sorted(m for m in ('httpx', 'pydantic', 'yaml', 'uvicorn', 'otobo_znuny.client') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_serving_the_receiver_without_uvicorn_names_the_events_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from otobo_znuny.events import EventReceiver, run_in_thread, serve

    monkeypatch.setitem(sys.modules, "uvicorn", None)
    receiver = EventReceiver("a-secret-of-sixteen+")
    for start in (lambda: serve(receiver), lambda: run_in_thread(receiver).__enter__()):
        with pytest.raises(MissingDependencyError) as caught:
            start()
        assert caught.value.extra == "events"
        assert "pip install 'otobo-znuny[events]'" in str(caught.value)
    assert PYPROJECT["project"]["optional-dependencies"]["events"] == ["uvicorn>=0.29"]
