"""``otobo-znuny emulator serve``: the embedded GenericInterface emulator over real HTTP."""

from __future__ import annotations

import errno
import socket
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from otobo_znuny.cli.config_keys import FlavorName
from otobo_znuny.cli.runner import reporting_errors

__all__ = ["emulator_app", "port_problem"]

emulator_app = typer.Typer(help="Run the embedded OTOBO/Znuny emulator (for trying things out and tests).")


def _db_file(value: Optional[Path]) -> Optional[Path]:
    """``--db FILE``: its directory must exist (the file is created on first use)."""
    if value is None:
        return None
    if value.is_dir():
        raise typer.BadParameter(f"{value} is a directory; give a file name such as {value / 'state.sqlite3'}")
    directory = value.expanduser().resolve().parent
    if not directory.is_dir():
        raise typer.BadParameter(f"the directory {directory} does not exist (create it first)")
    return value


def port_problem(host: str, port: int) -> str | None:
    """Why the emulator could not listen on ``host:port`` (in use, not allowed, no such address), or None."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is already in use (another emulator or server?); choose another --port"
            if exc.errno == errno.EACCES:
                return f"port {port} needs more privileges on this system; choose a port above 1023"
            return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None


@emulator_app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option("--host", metavar="ADDRESS", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", metavar="PORT", min=1, max=65535, help="TCP port.")] = 8080,
    seed: Annotated[
        str, typer.Option("--seed", metavar="NAME", help="Seed data: demo, lab (znuny_lab) or empty.")
    ] = "demo",
    db: Annotated[
        Optional[Path],
        typer.Option("--db", metavar="FILE", callback=_db_file, help="SQLite file to keep the data between runs."),
    ] = None,
    flavor: Annotated[
        FlavorName, typer.Option("--flavor", help="The server to answer like: znuny (Znuny 7) or otobo (OTOBO 11).")
    ] = FlavorName.ZNUNY,
    webservice_yaml: Annotated[
        Optional[list[Path]],
        typer.Option(
            "--webservice-yaml",
            metavar="FILE",
            help="Also add this web service (repeat): its operations, and its invokers, which then post the "
            "emulator's ticket events (webservice render --events). The name is the file's stem.",
        ),
    ] = None,
) -> None:
    """Serve the emulator until Ctrl-C (web services GenericTicket and GenericTicketConnectorREST)."""
    from otobo_znuny import emulator
    from otobo_znuny.emulator.flavors import get_flavor
    from otobo_znuny.emulator.persistence import StateFileError
    from otobo_znuny.emulator.seeds import SEEDS
    from otobo_znuny.errors import ConfigurationError, OTOBOZnunyError, RequestValidationError
    from otobo_znuny.testing import EMULATOR_PASSWORD, EMULATOR_USER

    with reporting_errors([]):
        if seed not in SEEDS:
            raise RequestValidationError("--seed", f"unknown seed {seed!r} (seeds: {', '.join(SEEDS)})")
        problem = port_problem(host, port)
        if problem is not None:
            raise typer.BadParameter(problem, param_hint="--port")
        chosen = get_flavor(flavor.value)
        if db is not None and db.exists():  # refused before the banner that promises a server
            from otobo_znuny.emulator.persistence import SQLiteStore

            try:
                SQLiteStore(db).close()
            except StateFileError as exc:
                raise ConfigurationError(f"--db {exc}") from None
        served = None
        loaded = []
        if webservice_yaml:
            from yaml import YAMLError

            try:
                served = emulator.Emulator.from_seed(seed, db=db, flavor=chosen.name)
            except StateFileError as exc:
                raise ConfigurationError(f"--db {exc}") from None
            for path in webservice_yaml:
                try:
                    loaded.append(served.load_webservice(path).name)
                except (OSError, ValueError, YAMLError) as exc:
                    served.close()
                    raise RequestValidationError("--webservice-yaml", f"{path}: {exc}") from None
        base_url = f"http://{host}:{port}{chosen.default_script}"
        sys.stderr.write(
            f"emulator ({chosen.product} flavour, seed {seed}) at {base_url}\n"
            f"  try: OTOBO_ZNUNY_BASE_URL={base_url} OTOBO_ZNUNY_FLAVOR={chosen.name} OTOBO_ZNUNY_USER={EMULATOR_USER} "
            f"OTOBO_ZNUNY_PASSWORD={EMULATOR_PASSWORD} otobo-znuny ticket search\n"
            "  web services: GenericTicket (--layout post), GenericTicketConnectorREST (--layout rest)"
            + "".join(f", {name}" for name in loaded)
            + "; Ctrl-C stops\n"
        )
        try:
            if served is None:
                emulator.serve(host=host, port=port, seed=seed, db=db, flavor=chosen.name)
            else:
                emulator.serve(host=host, port=port, emulator=served)
        except ImportError as exc:
            if exc.name != "uvicorn":
                raise
            raise OTOBOZnunyError("emulator serve needs uvicorn: pip install 'otobo-znuny[cli]'") from None
        except StateFileError as exc:
            raise ConfigurationError(f"--db {exc}") from None
        finally:
            if served is not None:
                served.close()
