"""Process-wide state: importing changes no logger; the httpx log filter comes with the first client;
a background emulator server leaves logging as it found it."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import httpx

from otobo_znuny import BasicAuth, ClientConfig, OTOBOZnunySyncClient
from otobo_znuny.emulator import Emulator, run_in_thread

UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")


def run_python(code: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_importing_the_library_changes_no_logger() -> None:
    printed = run_python(
        """
        import logging
        import otobo_znuny, otobo_znuny.emulator, otobo_znuny.adapter, otobo_znuny.testing, otobo_znuny.cli.root
        import otobo.clients.otobo_client
        known = logging.root.manager.loggerDict.values()
        loggers = [logging.root, *(l for l in known if isinstance(l, logging.Logger))]
        changed = [l.name for l in loggers if l.filters or l.handlers or (l.level and l is not logging.root)]
        print(len(logging.getLogger("httpx").filters), changed or "none")
        """
    )
    assert printed == ["0", "none"]


def test_the_first_client_puts_the_redacting_filter_on_httpx_once() -> None:
    """OTOBO's GET routes carry the password in the query: httpx's own INFO line must not show it."""
    printed = run_python(
        """
        import logging, httpx
        from otobo_znuny import BasicAuth, ClientConfig, OTOBOZnunySyncClient, ServerFlavor
        from otobo_znuny.client.base import remove_httpx_log_filter

        lines = []
        handler = logging.Handler()
        handler.emit = lambda record: lines.append(record.getMessage())
        logging.getLogger("httpx").addHandler(handler)
        logging.getLogger("httpx").setLevel(logging.INFO)
        httpx_logger = logging.getLogger("httpx")
        print(len(httpx_logger.filters))
        config = ClientConfig.rest_connector("https://h.example/otrs/gi", flavor=ServerFlavor.OTOBO)
        reply = lambda request: httpx.Response(200, json={"Ticket": [{"TicketID": 1}]})
        clients = [OTOBOZnunySyncClient(config, httpx.Client(transport=httpx.MockTransport(reply))) for _ in range(3)]
        print(len(httpx_logger.filters))
        clients[0].login(BasicAuth(user_login="agent", password="Pw-in-the-query-1"), use_session=False)
        try:
            clients[0].get_ticket(1)
        except Exception:
            pass  # the reply is not a full ticket; the request and its log line are what matter
        print(any("Pw-in-the-query-1" in line for line in lines), any("Password=…" in line for line in lines))
        remove_httpx_log_filter()
        print(len(httpx_logger.filters))
        """
    )
    assert printed == ["0", "1", "False", "True", "0"]


def _logging_state() -> dict[str, tuple[int, list[logging.Handler], bool, list[logging.Filter]]]:
    state = {}
    for name in (*UVICORN_LOGGERS, ""):
        logger = logging.getLogger(name)
        state[name] = (logger.level, list(logger.handlers), logger.propagate, list(logger.filters))
    return state


def test_a_background_server_leaves_logging_as_it_was() -> None:
    before = _logging_state()
    emulator = Emulator.from_seed("znuny_lab")
    with run_in_thread(emulator, log_level="warning") as server:
        assert logging.getLogger("uvicorn.error").level == logging.WARNING
        config = ClientConfig.generic_ticket(server.genericinterface_url)
        with OTOBOZnunySyncClient(config) as client:
            client.login(BasicAuth(user_login="api-agent", password="api-secret-1"))
            assert client.get_ticket(1).id == 1
        assert httpx.get(server.base_url + "/nothing-here").status_code == 404
    assert _logging_state() == before
