"""``otobo-znuny events listen``: receive the ticket events a server pushes and print them as JSON
Lines; and the shared secret that ``webservice render|setup --events`` and ``events listen`` use.

Only typer and the standard library at import time; the receiver and uvicorn load when the command runs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from otobo_znuny.cli.config_keys import EVENTS_SECRET_ENV
from otobo_znuny.cli.runner import reporting_errors

if TYPE_CHECKING:
    from otobo_znuny.events.model import TicketEvent

__all__ = ["BasicUserOption", "SecretFileOption", "SecretOption", "events_app", "resolve_secret"]

events_app = typer.Typer(
    help="Receive the ticket events a Znuny/OTOBO server pushes (its requester web service; see "
    "webservice render --events).",
    no_args_is_help=True,
)

DEFAULT_USER = "otobo-znuny"  # otobo_znuny.events.credentials.DEFAULT_USER (not imported: start-up time)
DEFAULT_PATH = "/otobo-znuny/events"  # otobo_znuny.events.receiver.DEFAULT_PATH

SecretOption = Annotated[
    Optional[str],
    typer.Option(
        "--secret",
        metavar="SECRET",
        help=f"The shared secret: 16 or more printable ASCII characters (or set {EVENTS_SECRET_ENV}). "
        "A flag is visible to other users of this machine: prefer --secret-file.",
    ),
]
SecretFileOption = Annotated[
    Optional[Path],
    typer.Option(
        "--secret-file",
        metavar="FILE",
        help="Read the secret from FILE; if FILE does not exist, a new random secret is written to it "
        "(readable by you only). Give the same FILE to webservice render and events listen.",
    ),
]
BasicUserOption = Annotated[
    str, typer.Option("--basic-user", metavar="NAME", help="The BasicAuth user name the server sends.")
]


def resolve_secret(given: str | None, secret_file: Path | None, *, write: bool = True) -> tuple[str, bool]:
    """The secret from ``--secret``, else ``--secret-file`` (created with a new secret when missing),
    else ``$OTOBO_ZNUNY_EVENTS_SECRET``; and whether it is new (written unless ``write`` is false:
    a dry run).

    Raises:
        RequestValidationError: none given, both flags, an invalid secret, or an unreadable file.
    """
    from otobo_znuny.errors import RequestValidationError
    from otobo_znuny.events.credentials import check_secret, generate_secret

    if given is not None and secret_file is not None:
        raise RequestValidationError("--secret", "give --secret or --secret-file, not both")
    created = False
    if given is not None:
        flag, secret = "--secret", given
    elif secret_file is not None:
        flag = "--secret-file"
        try:
            secret = secret_file.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            secret = generate_secret()
            created = True
            if not write:
                return secret, created
            try:
                descriptor = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except OSError as exc:
                raise RequestValidationError(flag, f"cannot create {secret_file}: {exc.strerror or exc}") from None
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(secret + "\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise RequestValidationError(flag, f"cannot read {secret_file}: {exc}") from None
    elif os.environ.get(EVENTS_SECRET_ENV):
        flag, secret = EVENTS_SECRET_ENV, os.environ[EVENTS_SECRET_ENV]
    else:
        raise RequestValidationError(
            "--secret",
            f"the events need a shared secret: give --secret-file FILE (a new random secret is written to a "
            f"missing FILE), --secret or {EVENTS_SECRET_ENV}",
        )
    try:
        return check_secret(secret), created
    except ValueError as exc:
        raise RequestValidationError(flag, f"{exc}; --secret-file FILE writes a random one") from None


def _tls_files(certfile: Path | None, keyfile: Path | None) -> dict[str, str]:
    from otobo_znuny.errors import RequestValidationError

    if (certfile is None) != (keyfile is None):
        raise RequestValidationError("--ssl-certfile", "give --ssl-certfile and --ssl-keyfile together")
    for flag, path in (("--ssl-certfile", certfile), ("--ssl-keyfile", keyfile)):
        if path is not None and not path.is_file():
            raise RequestValidationError(flag, f"{path} is not a file")
    return {"ssl_certfile": str(certfile), "ssl_keyfile": str(keyfile)} if certfile and keyfile else {}


@events_app.command("listen")
def listen_command(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", metavar="ADDRESS", help="Interface to listen on (0.0.0.0: all).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", metavar="PORT", min=0, max=65535, help="TCP port (0: a free one).")
    ] = 8000,
    path: Annotated[
        str, typer.Option("--path", metavar="PATH", help="The path the server posts to (the URL's path).")
    ] = DEFAULT_PATH,
    secret: SecretOption = None,
    secret_file: SecretFileOption = None,
    basic_user: BasicUserOption = DEFAULT_USER,
    event: Annotated[
        Optional[list[str]],
        typer.Option(
            "--event",
            metavar="NAME",
            help="Print only these events (repeat; patterns like 'TicketDynamicFieldUpdate_*'). "
            "Others are answered as received.",
        ),
    ] = None,
    max_body_bytes: Annotated[
        int, typer.Option("--max-body-bytes", metavar="BYTES", min=1, help="Larger bodies are refused (413).")
    ] = 16 * 1024 * 1024,
    ssl_certfile: Annotated[
        Optional[Path], typer.Option("--ssl-certfile", metavar="FILE", help="Serve HTTPS with this certificate (PEM).")
    ] = None,
    ssl_keyfile: Annotated[
        Optional[Path], typer.Option("--ssl-keyfile", metavar="FILE", help="The certificate's private key (PEM).")
    ] = None,
) -> None:
    """Receive events until Ctrl-C and print each as one JSON line on stdout:
    {"event", "ticket_id", "article_id", "data", "ticket"}. Requests without the secret are refused
    (401/403) and logged on stderr; stdout has only events."""
    import json
    import socket
    import threading

    from otobo_znuny.cli.emulator_cmd import port_problem
    from otobo_znuny.cli.logs import logging_to_stderr

    secrets: list[str] = []
    with reporting_errors(secrets):
        value, created = resolve_secret(secret, secret_file)
        secrets.append(value)
        tls = _tls_files(ssl_certfile, ssl_keyfile)
        from otobo_znuny._uvicorn import uvicorn_config
        from otobo_znuny.errors import OTOBOZnunyError, RequestValidationError
        from otobo_znuny.events.credentials import check_user
        from otobo_znuny.events.receiver import EventReceiver

        if not path.startswith("/"):
            raise RequestValidationError("--path", f"must start with '/', got {path!r}")
        try:
            check_user(basic_user)
        except ValueError as exc:
            raise RequestValidationError("--basic-user", str(exc)) from None
        receiver = EventReceiver(value, user=basic_user, path=path, max_body_bytes=max_body_bytes)
        lock = threading.Lock()

        def show(received: TicketEvent) -> None:
            line = json.dumps(received.to_dict(), ensure_ascii=False)
            with lock:
                sys.stdout.write(line + "\n")
                sys.stdout.flush()

        receiver.add_handler(show, *(event or ()))
        problem = port_problem(host, port) if port else None
        if problem is not None:
            raise typer.BadParameter(problem, param_hint="--port")
        try:
            import uvicorn
        except ImportError:
            raise OTOBOZnunyError("events listen needs uvicorn: pip install 'otobo-znuny[events]'") from None
        sock = socket.socket(
            socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP
        )  # proto TCP: asyncio sets TCP_NODELAY only on such sockets' connections (else 40 ms per keep-alive reply)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        actual_port = sock.getsockname()[1]
        if created:
            sys.stderr.write(
                f"wrote a new secret to {secret_file} (give the same --secret-file to webservice render)\n"
            )
        shown_host = f"[{host}]" if ":" in host else host
        sys.stderr.write(
            f"listening on {'https' if tls else 'http'}://{shown_host}:{actual_port}{receiver.path}; Ctrl-C stops\n"
        )
        sys.stderr.flush()
        verbosity = max(1, getattr(ctx.obj, "verbosity", 0))
        with logging_to_stderr(verbosity, secrets):
            config = uvicorn_config(receiver, host, actual_port, own_process=True, log_level="warning", **tls)
            try:
                uvicorn.Server(config).run(sockets=[sock])
            except KeyboardInterrupt:  # uvicorn re-raises Ctrl-C after its graceful shutdown: the normal stop
                sys.stderr.write("stopped\n")
            finally:
                sock.close()
