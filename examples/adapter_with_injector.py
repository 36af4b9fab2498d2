"""Wire the OTOBO/Znuny adapter with ``injector`` and run a small triage automation through it.

The automation (``NetworkTriage``) depends only on the abstract ``TicketSystemAdapter``; the
container builds the concrete adapter from the ``SystemConfig`` it was given (``create_adapter``
picks the class by ``provider_key``). Needs ``pip install 'otobo-znuny[injector,emulator]'``.

    python examples/adapter_with_injector.py

Without ``HELPDESK_URL`` it starts the embedded emulator on a free loopback port and runs against
that. To use a real helpdesk, set ``HELPDESK_URL`` (everything before ``/Webservice/``),
``HELPDESK_USER`` and ``HELPDESK_PASSWORD``; the web service must be the ``GenericTicket`` layout.
"""

from __future__ import annotations

import asyncio
import os

from injector import Binder, Injector, Module, inject, provider, singleton

from otobo_znuny.adapter import SystemConfig, TicketDict, TicketSystemAdapter, create_adapter

PASSWORD_ENV = "HELPDESK_PASSWORD"


NETWORK_TICKETS = {
    "Queues": ["Support"],
    "StateType": ["new", "open"],
    "DynamicField_Tags": {"Equals": "network"},
    "SortBy": "Age",
    "OrderBy": "Up",
}
"""A query dict: GenericInterface TicketSearch parameters, checked before anything is sent."""


class HelpdeskModule(Module):
    """Binds the system configuration and builds the adapter from it, once per container."""

    def __init__(self, config: SystemConfig) -> None:
        self._config = config

    def configure(self, binder: Binder) -> None:
        binder.bind(SystemConfig, to=self._config)

    @singleton
    @provider
    def adapter(self, config: SystemConfig) -> TicketSystemAdapter:
        return create_adapter(config)


class NetworkTriage:
    """Raise open network tickets of the Support queue to high priority and leave a note."""

    @inject
    def __init__(self, adapter: TicketSystemAdapter) -> None:
        self.adapter = adapter

    async def run(self) -> list[TicketDict]:
        changed = []
        for ticket in await self.adapter.find_tickets(NETWORK_TICKETS):
            updated = await self.adapter.update_ticket(
                ticket["id"],
                {
                    "Priority": "4 high",
                    "Article": {"Subject": "Triage", "Body": "Network issue: raised to high priority."},
                },
            )
            if updated is not None:
                changed.append(updated)
        return changed


def helpdesk_config(server_address: str, username: str) -> SystemConfig:
    return SystemConfig(
        id="helpdesk",
        provider_key="znuny",
        params={"server_address": server_address, "username": username, "password_env_var": PASSWORD_ENV},
    )


async def run(config: SystemConfig) -> list[TicketDict]:
    container = Injector([HelpdeskModule(config)])
    triage = container.get(NetworkTriage)
    # the same (singleton) adapter the triage uses; mypy cannot see that injector returns a subclass
    async with container.get(TicketSystemAdapter):  # type: ignore[type-abstract]
        return await triage.run()


def main() -> None:
    url = os.environ.get("HELPDESK_URL")
    if url:
        changed = asyncio.run(run(helpdesk_config(url, os.environ.get("HELPDESK_USER", "api-agent"))))
    else:
        from otobo_znuny.emulator import Emulator, run_in_thread
        from otobo_znuny.testing import EMULATOR_PASSWORD, EMULATOR_USER

        os.environ.setdefault(PASSWORD_ENV, EMULATOR_PASSWORD)
        with run_in_thread(Emulator.from_seed("demo")) as server:
            changed = asyncio.run(run(helpdesk_config(server.genericinterface_url, EMULATOR_USER)))
    for ticket in changed:
        priority = ticket["priority"]["name"] if ticket["priority"] else "?"
        print(f"{ticket['number']}  {priority:<8}  {ticket['title']}")
    print(f"{len(changed)} ticket(s) triaged")


if __name__ == "__main__":
    main()
