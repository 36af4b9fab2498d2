"""TLS: certificates are verified unless turned off explicitly, which warns once per process."""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from otobo_znuny import (
    BasicAuth,
    ClientConfig,
    ConfigurationError,
    ConnectError,
    OTOBOZnunyClient,
    OTOBOZnunySyncClient,
)
from otobo_znuny.client import base

from .clients import KINDS, Kind, close

CONFIG = ClientConfig.generic_ticket("https://helpdesk.invalid/otrs/nph-genericinterface.pl")
WARNING = "TLS certificate verification is disabled"

# A self-signed certificate for 127.0.0.1 (EC P-256), made once with
# openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 -subj /CN=localhost
#     -addext subjectAltName=IP:127.0.0.1,DNS:localhost
SELF_SIGNED_CERT = """-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUG2EbZ+G139bt7poFCAVcoGSgLHkwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNDA1MDM1MloYDzIxMjYxMDMx
MDUwMzUyWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQ/fjKH8L9Pum3TzZHSeRbBp58cBQJY7PoBnc6gzob5rmkHFCiiSL3D
48Srh3h9otke9qQnLmUoNntr+A39fLaUo28wbTAdBgNVHQ4EFgQUWepAXAtMeUaj
D1ierXbQz8edqPAwHwYDVR0jBBgwFoAUWepAXAtMeUajD1ierXbQz8edqPAwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDSAAwRQIhAK1sTT7p2Yfs2fsQSoetl9roCFlG5326XmSLzbhnHOkFAiB9
572fC1MCApzikn7+F5t1gEwRE2Rz1tJKX38flwTYOQ==
-----END CERTIFICATE-----
"""
SELF_SIGNED_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg6HZsvobjmUofAypa
nRQL8xNbvyEy7auoRCzqOEa42xChRANCAAQ/fjKH8L9Pum3TzZHSeRbBp58cBQJY
7PoBnc6gzob5rmkHFCiiSL3D48Srh3h9otke9qQnLmUoNntr+A39fLaU
-----END PRIVATE KEY-----
"""


def _make(kind: Kind, **options: Any) -> OTOBOZnunyClient | OTOBOZnunySyncClient:
    return (OTOBOZnunySyncClient if kind == "sync" else OTOBOZnunyClient)(CONFIG, **options)


def _ssl_context(client: OTOBOZnunyClient | OTOBOZnunySyncClient) -> ssl.SSLContext:
    context: ssl.SSLContext = client._http._transport._pool._ssl_context  # type: ignore[union-attr]
    return context


@pytest.fixture
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if no client had been made with verify=False yet in this process."""
    monkeypatch.setattr(base, "_insecure_warned", False)


@pytest.mark.parametrize("kind", KINDS)
async def test_verification_is_on_by_default(kind: Kind) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = _make(kind)
    context = _ssl_context(client)
    await close(client)
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname is True
    assert caught == []


async def test_verify_false_warns_once_per_process(fresh_process: None) -> None:
    with pytest.warns(UserWarning, match=WARNING) as first:
        sync_client = _make("sync", verify=False)
    assert [Path(w.filename).name for w in first] == [Path(__file__).name], "the warning points at the caller"
    assert _ssl_context(sync_client).verify_mode is ssl.CERT_NONE
    with warnings.catch_warnings(record=True) as later:
        warnings.simplefilter("always")
        async_client = _make("async", verify=False)
        another = _make("sync", verify=False)
    assert later == []
    assert _ssl_context(async_client).verify_mode is ssl.CERT_NONE
    for client in (sync_client, async_client, another):
        await close(client)


def test_once_per_process_in_a_real_process() -> None:
    """Without resetting anything: a fresh interpreter, every warning shown (-W always)."""
    script = (
        "import asyncio; from otobo_znuny import ClientConfig, OTOBOZnunyClient, OTOBOZnunySyncClient\n"
        "config = ClientConfig.generic_ticket('https://helpdesk.invalid/gi')\n"
        "clients = [OTOBOZnunySyncClient(config, verify=False), OTOBOZnunyClient(config, verify=False),"
        " OTOBOZnunySyncClient(config, verify=False)]\n"
        "print(len(clients))\n"
    )
    result = subprocess.run(
        [sys.executable, "-W", "always", "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "3"
    assert result.stderr.count(WARNING) == 1


@pytest.mark.parametrize("kind", KINDS)
async def test_a_ca_bundle_or_context_verifies_without_warning(kind: Kind, fresh_process: None, tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text(SELF_SIGNED_CERT)
    context = ssl.create_default_context(cafile=str(bundle))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = _make(kind, verify=context)
    assert _ssl_context(client) is context
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert caught == []
    await close(client)


@pytest.mark.parametrize("verify", [None, 0, 1, b"/etc/ssl/ca.pem", Path("/etc/ssl/ca.pem")], ids=repr)
@pytest.mark.parametrize("kind", KINDS)
def test_a_verify_value_that_is_no_setting_is_refused(kind: Kind, verify: Any) -> None:
    """``None`` or ``0`` must not be mistaken for "off" (nor crash inside httpx)."""
    with pytest.raises(ConfigurationError, match=r"verify must be True, False, a CA bundle path or an ssl.SSLContext"):
        _make(kind, verify=verify)


@pytest.fixture
def self_signed_server(tmp_path: Path) -> Iterator[str]:
    """An HTTPS server on loopback with a self-signed certificate, answering one TicketGet shape."""
    (tmp_path / "cert.pem").write_text(SELF_SIGNED_CERT)
    (tmp_path / "key.pem").write_text(SELF_SIGNED_KEY)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = json.dumps({"Ticket": [{"TicketID": 1, "TicketNumber": "1"}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class QuietServer(ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # the refused handshakes of the verify=True test

    server = QuietServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}/otrs/nph-genericinterface.pl"
    server.shutdown()
    server.server_close()


def test_self_signed_server_is_refused_unless_verification_is_off(self_signed_server: str, fresh_process: None) -> None:
    config = ClientConfig.generic_ticket(self_signed_server)
    auth = BasicAuth(user_login="agent", password="secret-1")
    with OTOBOZnunySyncClient(config, max_retries=0) as client:
        client.login(auth, use_session=False)
        with pytest.raises(ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            client.get_ticket(1)
    with pytest.warns(UserWarning, match=WARNING):
        insecure = OTOBOZnunySyncClient(config, max_retries=0, verify=False)
    with insecure:
        insecure.login(auth, use_session=False)
        assert insecure.get_ticket(1).id == 1
