"""The README's emulator and pytest-plugin snippets run as printed (the quick start has its own test)."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import textwrap
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def _python_block(containing: str) -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)
    found = [block for block in blocks if containing in block]
    assert len(found) == 1, containing
    return found[0]


def test_the_emulator_snippet_runs() -> None:
    code = _python_block("HelpdeskBuilder()")
    imports = "\n".join(line for line in code.splitlines() if line.startswith(("from ", "import ")))
    body = "\n".join(line for line in code.splitlines() if not line.startswith(("from ", "import ")))
    # the snippet's top-level awaits run inside a coroutine, as in an async test or an asyncio.run main
    program = f"{imports}\n\nasync def main():\n{textwrap.indent(body, '    ')}\n    return emulator\n"
    namespace: dict[str, object] = {}
    exec(compile(program, str(README), "exec"), namespace)  # our own README, run as printed
    emulator = asyncio.run(namespace["main"]())  # type: ignore[operator]
    assert emulator.faults is not None  # type: ignore[attr-defined]


def test_the_pytest_plugin_snippet_passes_with_pytest_asyncio(tmp_path: Path) -> None:
    (tmp_path / "test_snippet.py").write_text(_python_block("def test_triage(otobo_client)"), encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-o",
        "asyncio_mode=strict",
        str(tmp_path),
    ]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "2 passed" in result.stdout


def test_the_client_argument_is_named_client() -> None:
    import inspect

    from otobo_znuny import OTOBOZnunyClient, OTOBOZnunySyncClient

    text = README.read_text(encoding="utf-8")
    assert "as `client=`" in text
    for cls in (OTOBOZnunyClient, OTOBOZnunySyncClient):
        assert list(inspect.signature(cls).parameters)[:2] == ["config", "client"]
