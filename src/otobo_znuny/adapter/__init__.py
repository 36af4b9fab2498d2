"""The ticket-system adapter layer: automations talk to ``TicketSystemAdapter`` with plain dicts.

    from otobo_znuny.adapter import OTOBOAdapter, SystemConfig

    config = SystemConfig(id="helpdesk", provider_key="znuny", params={
        "server_address": "https://helpdesk.example/otrs/nph-genericinterface.pl",
        "webservice_name": "GenericTicket",
        "username": "api-agent",
        "password_env_var": "HELPDESK_PASSWORD",
    })
    async with OTOBOAdapter(config) as adapter:
        ticket = await adapter.find_first_ticket({"Queues": ["Raw"], "StateType": ["new"]})
        if ticket is not None:
            await adapter.update_ticket(ticket["id"], {"Queue": "Misc"})

This package does not need ``injector``; ``docs/adapter.md`` shows how to wire it with one.
"""

from otobo_znuny.adapter.base import SystemConfig, TicketSystemAdapter
from otobo_znuny.adapter.config import Layout, OTOBOAdapterConfig
from otobo_znuny.adapter.data import data_to_create, data_to_update
from otobo_znuny.adapter.errors import AdapterConfigurationError, InvalidQueryError, InvalidTicketDataError
from otobo_znuny.adapter.otobo import OTOBOAdapter, OTOBOZnunyAdapter, ZnunyAdapter
from otobo_znuny.adapter.query import QUERY_KEYS, UNSUPPORTED_QUERY_KEYS, query_to_search
from otobo_znuny.adapter.registry import create_adapter, register_adapter, registered_providers, unregister_adapter
from otobo_znuny.adapter.shapes import (
    ArticleDict,
    CustomerDict,
    FeedItemDict,
    NamedRefDict,
    TicketDict,
    ticket_to_dict,
)

__all__ = [
    "QUERY_KEYS",
    "UNSUPPORTED_QUERY_KEYS",
    "AdapterConfigurationError",
    "ArticleDict",
    "CustomerDict",
    "FeedItemDict",
    "InvalidQueryError",
    "InvalidTicketDataError",
    "Layout",
    "NamedRefDict",
    "OTOBOAdapter",
    "OTOBOAdapterConfig",
    "OTOBOZnunyAdapter",
    "SystemConfig",
    "TicketDict",
    "TicketSystemAdapter",
    "ZnunyAdapter",
    "create_adapter",
    "data_to_create",
    "data_to_update",
    "query_to_search",
    "register_adapter",
    "registered_providers",
    "ticket_to_dict",
    "unregister_adapter",
]
