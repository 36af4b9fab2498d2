"""The ``otobo-znuny`` command line (needs the ``cli`` extra: ``pip install 'otobo-znuny[cli]'``).

``main()`` is the console script; ``app`` is the typer application (imported on first access, so
this package imports without typer and ``main()`` can print an install hint instead).

Exit codes are listed in :class:`otobo_znuny.cli.exit_codes.ExitCode`; connection settings (flags,
environment, profiles, the emulator switch) in :mod:`otobo_znuny.cli.settings`; output formats in
:mod:`otobo_znuny.cli.output`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

__all__ = ["INSTALL_HINT", "app", "main"]

INSTALL_HINT = "the otobo-znuny command line needs its extras: pip install 'otobo-znuny[cli]'"
_CLI_PACKAGES = frozenset({"typer", "click", "rich"})


def _load_app() -> typer.Typer:
    from importlib.util import find_spec

    if find_spec("rich") is None:  # the printers import it when they need it; check it is there up front
        raise ModuleNotFoundError("No module named 'rich'", name="rich")
    from otobo_znuny.cli.root import app

    return app


def main() -> None:
    """Run ``otobo-znuny``; exit 1 with an install hint when typer or rich are not installed."""
    try:
        application = _load_app()
    except ImportError as exc:
        if (exc.name or "").split(".")[0] not in _CLI_PACKAGES:
            raise
        sys.stderr.write(f"error: {INSTALL_HINT} (missing: {exc.name})\n")
        raise SystemExit(1) from None
    application(prog_name="otobo-znuny")


def __getattr__(name: str) -> Any:
    if name == "app":
        return _load_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
