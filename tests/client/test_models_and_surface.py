"""Public surface, secret-free reprs, and dynamic-field value shapes."""

from __future__ import annotations

import httpx
import pytest

import otobo_znuny
from otobo_znuny import (
    BasicAuth,
    ClientConfig,
    OTOBOZnunyClient,
    OTOBOZnunySyncClient,
    SessionAuth,
)
from otobo_znuny.client.engine import AuthState
from otobo_znuny.errors import error_from_reply
from otobo_znuny.operations import tickets
from support.recording import load_exchanges

PASSWORD = "s3cr3t-Passw0rd"
SESSION = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"


def test_all_lists_exactly_the_public_names() -> None:
    # the names load on first use: dir() lists them (and the submodules imported so far)
    public = {name for name in dir(otobo_znuny) if not name.startswith(("_", "@"))}
    assert all(getattr(otobo_znuny, name) is not None for name in otobo_znuny.__all__)
    modules = {
        "auth",
        "client",
        "config",
        "errors",
        "models",
        "operations",
        "wire",
        "emulator",
        "events",
        "testing",
        "clients",
        "domain_models",
        "util",
        "mappers",
        "compat",
        "cli",
        "adapter",
        "demo",
    }
    assert set(otobo_znuny.__all__) == (public - modules) | {"__version__"}
    assert otobo_znuny.__all__ == sorted(otobo_znuny.__all__, key=lambda n: (not n.isupper(), n))


def test_secrets_never_show_in_repr_or_str() -> None:
    auth = BasicAuth(user_login="agent", password=PASSWORD)
    session = SessionAuth(session_id=SESSION)
    config = ClientConfig.generic_ticket("https://helpdesk.example/otrs/nph-genericinterface.pl")
    client = OTOBOZnunyClient(config, httpx.AsyncClient())
    client.login(auth)
    sync_client = OTOBOZnunySyncClient(config, httpx.Client())
    sync_client.login(session)
    state = AuthState(auth=auth, use_session=True, session_id=SESSION)
    error = error_from_reply("TicketGet.AuthFail", "TicketGet: Authorization failing!")
    for thing in (auth, session, config, client, sync_client, state, error, client.with_options(max_retries=0)):
        for text in (repr(thing), str(thing)):
            assert PASSWORD not in text
            assert SESSION not in text
    assert "**********" in repr(auth)
    sync_client.close()


@pytest.mark.parametrize(
    ("model", "values"),
    [
        ("BasicAuth", {"password": PASSWORD}),  # no login
        ("BasicAuth", {"user_login": "a", "customer_user_login": "b", "password": PASSWORD}),  # two logins
        ("BasicAuth", {"user_login": "a", "password": 40817263}),  # not text
        ("SessionAuth", {"session_id": 40817263}),
        ("WsAuthData", {"UserLogin": "a", "Password": 40817263}),
    ],
)
def test_a_refused_credential_model_does_not_show_the_secret(model: str, values: dict[str, object]) -> None:
    """pydantic's message quotes the input (``input_value={... 'password': ...}``), so a BasicAuth
    without a login put the password in clear in the traceback."""
    from pydantic import ValidationError

    from otobo_znuny.compat.ws_models import WsAuthData

    cls = {"BasicAuth": BasicAuth, "SessionAuth": SessionAuth, "WsAuthData": WsAuthData}[model]
    with pytest.raises(ValidationError) as caught:
        cls(**values)
    for text in (str(caught.value), repr(caught.value)):
        assert PASSWORD not in text
        assert "40817263" not in text


def test_every_dynamic_field_value_shape_parses() -> None:
    """Text, multiselect lists and null values from the recorded replies all parse (otobo-znuny 1.4.1
    could not read a ticket with a multiselect value)."""
    shapes_seen: set[type] = set()
    for exchange in load_exchanges():
        data = exchange.response_json()
        if exchange.operation != "TicketGet" or not isinstance(data, dict) or "Ticket" not in data:
            continue
        call = tickets.ticket_get([1], tickets.TicketGetOptions(), ClientConfig.generic_ticket("http://x").timezone)
        for ticket, wire in zip(call.parse(exchange.response_body.encode()), data["Ticket"], strict=True):
            for field in wire.get("DynamicField", []):
                assert ticket.dynamic_fields[field["Name"]] == field["Value"]
                shapes_seen.add(type(field["Value"]))
    assert {str, list, type(None)} <= shapes_seen


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("TicketGet.AuthFail", otobo_znuny.AuthenticationError),
        ("SessionGet.SessionInvalid", otobo_znuny.AuthenticationError),
        ("TicketUpdate.AccessDenied", otobo_znuny.AccessDeniedError),
        ("TimeAccountingGet.NoPermission", otobo_znuny.AccessDeniedError),
        ("TicketCreate.MissingParameter", otobo_znuny.MissingParameterError),
        ("TicketUpdate.EmptyRequest", otobo_znuny.MissingParameterError),
        ("TicketCreate.InvalidParameter", otobo_znuny.InvalidParameterError),
        ("TicketGet.WrongStructure", otobo_znuny.InvalidParameterError),
        ("TicketGet.NotTicketData", otobo_znuny.TicketDataError),
        ("Webservice.InvalidConfiguration", otobo_znuny.ServerConfigurationError),
        ("SessionRemove.Fail", otobo_znuny.ServerConfigurationError),
        ("Something.New", otobo_znuny.OTOBOError),
    ],
)
def test_error_codes_map_to_classes(code: str, cls: type[Exception]) -> None:
    error = error_from_reply(code, "message")
    assert type(error) is cls
    assert isinstance(error, otobo_znuny.OTOBOError)
    assert isinstance(error, otobo_znuny.OTOBOZnunyError)
    assert error.code == code
    assert error.message == "message"
