"""``otobo-znuny emulator serve``: the embedded GenericInterface emulator over real HTTP."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from otobo_znuny.cli.runner import reporting_errors
from otobo_znuny.config import ServerFlavor
from otobo_znuny.errors import ConfigurationError, OTOBOZnunyError, RequestValidationError

__all__ = ["emulator_app"]

emulator_app = typer.Typer(help="Run the embedded OTOBO/Znuny emulator (for trying things out and tests).")


@emulator_app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8080,
    seed: Annotated[str, typer.Option("--seed", help="Seed data: demo, lab (znuny_lab) or empty.")] = "demo",
    db: Annotated[
        Optional[Path], typer.Option("--db", metavar="FILE", help="SQLite file to keep the data between runs.")
    ] = None,
    flavor: Annotated[
        ServerFlavor, typer.Option("--flavor", help="The server to answer like: znuny (Znuny 7) or otobo (OTOBO 11).")
    ] = ServerFlavor.ZNUNY,
) -> None:
    """Serve the emulator until Ctrl-C (web services GenericTicket and GenericTicketConnectorREST)."""
    from otobo_znuny import emulator
    from otobo_znuny.emulator.flavors import get_flavor
    from otobo_znuny.emulator.persistence import StateFileError
    from otobo_znuny.emulator.seeds import SEEDS
    from otobo_znuny.testing import EMULATOR_PASSWORD, EMULATOR_USER

    with reporting_errors([]):
        if seed not in SEEDS:
            raise RequestValidationError("--seed", f"unknown seed {seed!r} (seeds: {', '.join(SEEDS)})")
        chosen = get_flavor(flavor.value)
        base_url = f"http://{host}:{port}{chosen.default_script}"
        sys.stderr.write(
            f"emulator ({chosen.product} flavour, seed {seed}) at {base_url}\n"
            f"  try: OTOBO_ZNUNY_BASE_URL={base_url} OTOBO_ZNUNY_FLAVOR={chosen.name} OTOBO_ZNUNY_USER={EMULATOR_USER} "
            f"OTOBO_ZNUNY_PASSWORD={EMULATOR_PASSWORD} otobo-znuny ticket search\n"
            "  web services: GenericTicket (--layout post), GenericTicketConnectorREST (--layout rest); "
            "Ctrl-C stops\n"
        )
        try:
            emulator.serve(host=host, port=port, seed=seed, db=db, flavor=chosen.name)
        except ImportError as exc:
            if exc.name != "uvicorn":
                raise
            raise OTOBOZnunyError("emulator serve needs uvicorn: pip install 'otobo-znuny[cli]'") from None
        except StateFileError as exc:
            raise ConfigurationError(f"--db {exc}") from None
