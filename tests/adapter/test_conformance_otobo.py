"""The conformance suite, run against OTOBOAdapter on the emulator in every supported route layout."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapter.conformance import AdapterConformance, ConformanceData
from adapter.conftest import system_config
from otobo_znuny.adapter import OTOBOAdapter, TicketSystemAdapter
from otobo_znuny.emulator import Emulator, EmulatorTransport
from otobo_znuny.emulator.routes import webservice_from_config

# Znuny's Ready2Adopt REST routes (CONTRACT 1.2 B), served by the emulator under their own name.
_READY2ADOPT = {
    "SessionCreate": ("Session::SessionCreate", "POST", "/Session"),
    "SessionGet": ("Session::SessionGet", "GET", "/Session/:SessionID"),
    "SessionDelete": ("Session::SessionRemove", "DELETE", "/Session/:SessionID"),
    "TicketCreate": ("Ticket::TicketCreate", "POST", "/Ticket"),
    "TicketGet": ("Ticket::TicketGet", "GET", "/Ticket/:TicketID"),
    "TicketHistoryGet": ("Ticket::TicketHistoryGet", "GET", "/Ticket/History/:TicketID"),
    "TicketSearch": ("Ticket::TicketSearch", "POST", "/Ticket/Search"),
    "TicketUpdate": ("Ticket::TicketUpdate", "PATCH", "/Ticket/:TicketID"),
}


def add_ready2adopt(emulator: Emulator, name: str) -> None:
    emulator.add_webservice(
        webservice_from_config(
            name,
            {
                "Provider": {
                    "Operation": {op: {"Type": op_type} for op, (op_type, _, _) in _READY2ADOPT.items()},
                    "Transport": {
                        "Config": {
                            "RouteOperationMapping": {
                                op: {"RequestMethod": [method], "Route": route}
                                for op, (_, method, route) in _READY2ADOPT.items()
                            }
                        }
                    },
                }
            },
        )
    )


class TestOTOBOAdapterConformance(AdapterConformance):
    @pytest.fixture(params=["generic_ticket", "rest_connector", "ready2adopt"])
    async def adapter(self, request: pytest.FixtureRequest, password_env: str) -> AsyncIterator[TicketSystemAdapter]:
        emulator = Emulator.from_seed("demo")
        params: dict[str, str] = {"layout": request.param}
        if request.param == "ready2adopt":
            add_ready2adopt(emulator, "Ready2Adopt")
            params["webservice_name"] = "Ready2Adopt"
        async with OTOBOAdapter(system_config(**params), transport=EmulatorTransport(emulator)) as adapter:
            yield adapter

    @pytest.fixture
    def conformance_data(self) -> ConformanceData:
        return ConformanceData(
            new_ticket=lambda title, body: {
                "Title": title,
                "Queue": "Raw",
                "CustomerUser": "carla",
                "Article": {"Subject": title, "Body": body},
            },
            query_by_title=lambda title: {"Title": title},
            query_matching_nothing={"Title": "no ticket has this title"},
            set_title=lambda title: {"Title": title},
            invalid_query={"Body": "the server would ignore this key"},
            invalid_data={"Stat": "open"},
            missing_ticket_id="999999",
        )
