"""The adapter takes its own config as well as a SystemConfig, refuses unknown dynamic-field names in
query dicts (learned from the server), and returns every match of a query without ``Limit``."""

from __future__ import annotations

import pytest

from adapter.conftest import PASSWORD_ENV, RecordingTransport, adapter_params
from otobo_znuny.adapter import InvalidQueryError, OTOBOAdapter, OTOBOAdapterConfig
from otobo_znuny.emulator import Emulator, EmulatorTransport


async def test_the_adapters_own_config_is_accepted(password_env: str, otobo_emulator: Emulator) -> None:
    settings = OTOBOAdapterConfig(**adapter_params())
    async with OTOBOAdapter(settings, transport=EmulatorTransport(otobo_emulator)) as adapter:
        ticket = await adapter.get_ticket("1")
    assert ticket is not None
    assert adapter.settings is settings
    assert adapter.config.provider_key == "znuny"
    assert adapter.config.params["password_env_var"] == PASSWORD_ENV  # the env var's name, never a password
    assert OTOBOAdapterConfig.from_system_config(adapter.config) == settings


@pytest.mark.parametrize("wrong", [adapter_params(), None, "https://helpdesk.example"])
def test_anything_else_is_a_type_error_saying_what_to_pass(wrong: object) -> None:
    with pytest.raises(TypeError) as caught:
        OTOBOAdapter(wrong)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "SystemConfig(id=..., provider_key='otobo', params={...})" in message
    assert "OTOBOAdapterConfig(server_address=..." in message
    assert type(wrong).__name__ in message


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ({"DynamicField_OrderIDD": {"Equals": "ORD-1002"}}, "DynamicField_OrderIDD"),
        ({"DynamicField": [{"Name": "Tags", "Equals": "x"}, {"Name": "Tgas", "Equals": "y"}]}, "DynamicField[1].Name"),
        ({"SortBy": "DynamicField_Nope"}, "SortBy"),
    ],
)
async def test_an_unknown_dynamic_field_is_refused_naming_the_query_key(
    password_env: str, otobo_emulator: Emulator, query: dict[str, object], key: str
) -> None:
    recorder = RecordingTransport(EmulatorTransport(otobo_emulator))
    async with OTOBOAdapter(OTOBOAdapterConfig(**adapter_params()), transport=recorder) as adapter:
        with pytest.raises(InvalidQueryError) as caught:
            await adapter.find_tickets(query)
        with pytest.raises(InvalidQueryError):
            await adapter.find_first_ticket(query)
    assert caught.value.field == key
    assert "no dynamic field" in caught.value.problem
    searches = recorder.bodies("TicketSearch")
    assert searches  # the names were learned from the server ...
    assert all(set(body) <= {"SessionID", "Limit"} for body in searches)  # ... and the query never sent


async def test_a_query_without_limit_returns_every_match(password_env: str) -> None:
    emulator = Emulator.with_tickets(1100, seed="demo")  # more than the server's 500 and the client's page
    everything = len(emulator.helpdesk.data.tickets)
    async with OTOBOAdapter(OTOBOAdapterConfig(**adapter_params()), transport=EmulatorTransport(emulator)) as adapter:
        tickets = await adapter.find_tickets({})
        with pytest.raises(InvalidQueryError) as caught:
            await adapter.find_tickets({"SortBy": "Priority"})
        first_ten = await adapter.find_tickets({"SortBy": "Priority", "Limit": 10})
    assert len({ticket["id"] for ticket in tickets}) == len(tickets) == everything
    assert caught.value.field == "SortBy"
    assert "set Limit" in caught.value.problem
    assert len(first_ten) == 10
