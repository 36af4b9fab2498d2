"""Generate the sync client from the async one (the httpcore approach).

    python scripts/unasync.py          # rewrite src/otobo_znuny/client/sync_client.py
    python scripts/unasync.py --check  # exit 1 if the committed file differs (run by CI)

``async_client.py`` is the only hand-written client shell; ``sync_client.py`` is derived from it by
the substitutions below and formatted with ruff, so the two cannot drift. Every substitution
must be used at least once, so a rename in the async file cannot silently stop one from applying.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "otobo_znuny" / "client" / "async_client.py"
TARGET = ROOT / "src" / "otobo_znuny" / "client" / "sync_client.py"

HEADER = (
    "# Generated from async_client.py by scripts/unasync.py: do not edit; change async_client.py and run\n"
    "# `python scripts/unasync.py`.\n"
)
DOCSTRING = (
    '"""``OTOBOZnunySyncClient``: the blocking client on ``httpx.Client``, for scripts, cron jobs and notebooks.\n'
    "\n"
    "It has the same operations, arguments and return types as the async ``OTOBOZnunyClient`` and runs the\n"
    "same pure request builders, reply parsers, retry policy and flows; bulk reads run their batches in a\n"
    "thread pool of ``max_concurrency`` threads.\n"
    '"""'
)

SUBSTITUTIONS: list[tuple[str, str]] = [
    (r"^import asyncio$", "import threading"),
    (r"asyncio\.Lock\(\)", "threading.Lock()"),
    (r"await asyncio\.sleep\(", "time.sleep("),
    (r"\bin_order_async\b", "in_order_threads"),
    (r"\bAsyncIterator\b", "Iterator"),
    (r"Awaitable\[(.*)\]\]", r"\1]"),
    (r", Awaitable\b", ""),
    (r"\bhttpx\.AsyncClient\b", "httpx.Client"),
    (r"\bOTOBOZnunyClient\b", "OTOBOZnunySyncClient"),
    (r"\bAsync client for\b", "Blocking client for"),
    (r"async with OTOBOZnunySyncClient", "with OTOBOZnunySyncClient"),
    (r"``await client\.aclose\(\)``", "``client.close()``"),
    (r"\b__aenter__\b", "__enter__"),
    (r"\b__aexit__\b", "__exit__"),
    (r"\baclose\b", "close"),
    (r"\baiter_bytes\b", "iter_bytes"),
    (r"\basync for\b", "for"),
    (r"\basync with\b", "with"),
    (r"\basync def\b", "def"),
    (r"\bawait ", ""),
    (r'\A"""[^\n]*"""', DOCSTRING),
]


def generate(source: str) -> str:
    """The sync client's source, unformatted.

    Raises:
        SystemExit: a substitution matched nothing.
    """
    text = source
    for pattern, replacement in SUBSTITUTIONS:
        text, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        if count == 0:
            raise SystemExit(f"unasync: the pattern {pattern!r} matched nothing in {SOURCE.name}")
    return HEADER + text


def _ruff(arguments: list[str], text: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *arguments, "--stdin-filename", str(TARGET), "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if result.returncode not in (0, 1) or not result.stdout:
        raise SystemExit(f"unasync: ruff {arguments[0]} failed: {result.stderr}")
    return result.stdout


def formatted(text: str) -> str:
    """``text`` with imports sorted, sync-only idioms applied (``yield from``) and ruff's formatting."""
    fixed = _ruff(["check", "--fix", "--unsafe-fixes", "--select", "I,UP028", "--quiet"], text)
    return _ruff(["format"], fixed)


def ruff_version_note() -> str:
    """Empty when the installed ruff is the one pyproject.toml pins, else a sentence saying both:
    another ruff version may format the generated file differently."""
    pinned = re.search(r'"ruff==([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    result = subprocess.run([sys.executable, "-m", "ruff", "--version"], capture_output=True, text=True, check=False)
    installed = result.stdout.split()[-1] if result.stdout.split() else "unknown"
    if pinned is None or pinned.group(1) == installed:
        return ""
    return f" (ruff {installed} is installed, pyproject.toml pins {pinned.group(1)}: its formatting may differ)"


def main(argv: list[str]) -> int:
    expected = formatted(generate(SOURCE.read_text(encoding="utf-8")))
    if "--check" in argv:
        if TARGET.read_text(encoding="utf-8") != expected:
            print(
                f"{TARGET.relative_to(ROOT)} is out of date: run `python scripts/unasync.py`{ruff_version_note()}",
                file=sys.stderr,
            )
            return 1
        return 0
    TARGET.write_text(expected, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
