"""otobo_znuny: a typed async and sync client for the OTOBO and Znuny GenericInterface.

from otobo_znuny import BasicAuth, ClientConfig, OTOBOZnunyClient, TicketSearch

config = ClientConfig.generic_ticket("https://helpdesk.example/otrs/nph-genericinterface.pl")
async with OTOBOZnunyClient(config) as client:
    client.login(BasicAuth(user_login="api-agent", password="..."))
    ids = await client.search_tickets(TicketSearch(queues=["Raw"], state_types=["new"]))
"""

# Names are imported on first use (PEP 562), so that ``import otobo_znuny.cli`` - every command-line
# start - does not pay for the client, the models and httpx before it needs them.

from importlib import import_module as _import_module
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

if _TYPE_CHECKING:
    from otobo_znuny.auth import BasicAuth, SessionAuth
    from otobo_znuny.client import (
        DEFAULT_LIMITS,
        DEFAULT_TIMEOUT,
        GetOptions,
        OTOBOZnunyClient,
        OTOBOZnunySyncClient,
        RetryPolicy,
    )
    from otobo_znuny.config import ClientConfig, Route, ServerFlavor, TicketOperation
    from otobo_znuny.errors import (
        AccessDeniedError,
        AuthenticationError,
        BatchFetchError,
        ConfigurationError,
        ConnectError,
        DuplicateWriteError,
        IncompleteSearchError,
        InvalidParameterError,
        MissingDependencyError,
        MissingParameterError,
        NotLoggedInError,
        OTOBOError,
        OTOBOZnunyError,
        OutcomeUnknownError,
        ReplyTooLargeError,
        RequestTimeoutError,
        RequestValidationError,
        ResponseError,
        RouteMismatchError,
        ServerConfigurationError,
        SessionExpiredError,
        TicketDataError,
        TicketNotFoundError,
        TransportError,
        UnexpectedReplyError,
        UnknownDynamicFieldError,
        WebServiceNotFoundError,
        WriteNotAppliedError,
    )
    from otobo_znuny.models import (
        CLEAR,
        UNSET,
        Article,
        Attachment,
        DynamicFieldFilter,
        HistoryEntry,
        IdName,
        SessionInfo,
        SortField,
        SortOrder,
        Ticket,
        TicketBase,
        TicketChange,
        TicketCreate,
        TicketReference,
        TicketSearch,
        TicketUpdate,
        TimeFilter,
    )

__version__ = "2.0.0"

_LAZY: dict[str, str] = {
    "BasicAuth": "otobo_znuny.auth",
    "SessionAuth": "otobo_znuny.auth",
    "DEFAULT_LIMITS": "otobo_znuny.client",
    "DEFAULT_TIMEOUT": "otobo_znuny.client",
    "GetOptions": "otobo_znuny.client",
    "OTOBOZnunyClient": "otobo_znuny.client",
    "OTOBOZnunySyncClient": "otobo_znuny.client",
    "RetryPolicy": "otobo_znuny.client",
    "ClientConfig": "otobo_znuny.config",
    "Route": "otobo_znuny.config",
    "ServerFlavor": "otobo_znuny.config",
    "TicketOperation": "otobo_znuny.config",
    "AccessDeniedError": "otobo_znuny.errors",
    "AuthenticationError": "otobo_znuny.errors",
    "BatchFetchError": "otobo_znuny.errors",
    "ConfigurationError": "otobo_znuny.errors",
    "ConnectError": "otobo_znuny.errors",
    "DuplicateWriteError": "otobo_znuny.errors",
    "IncompleteSearchError": "otobo_znuny.errors",
    "InvalidParameterError": "otobo_znuny.errors",
    "MissingDependencyError": "otobo_znuny.errors",
    "MissingParameterError": "otobo_znuny.errors",
    "NotLoggedInError": "otobo_znuny.errors",
    "OTOBOError": "otobo_znuny.errors",
    "OTOBOZnunyError": "otobo_znuny.errors",
    "OutcomeUnknownError": "otobo_znuny.errors",
    "ReplyTooLargeError": "otobo_znuny.errors",
    "RequestTimeoutError": "otobo_znuny.errors",
    "RequestValidationError": "otobo_znuny.errors",
    "ResponseError": "otobo_znuny.errors",
    "RouteMismatchError": "otobo_znuny.errors",
    "ServerConfigurationError": "otobo_znuny.errors",
    "SessionExpiredError": "otobo_znuny.errors",
    "TicketDataError": "otobo_znuny.errors",
    "TicketNotFoundError": "otobo_znuny.errors",
    "TransportError": "otobo_znuny.errors",
    "UnexpectedReplyError": "otobo_znuny.errors",
    "UnknownDynamicFieldError": "otobo_znuny.errors",
    "WebServiceNotFoundError": "otobo_znuny.errors",
    "WriteNotAppliedError": "otobo_znuny.errors",
    "CLEAR": "otobo_znuny.models",
    "UNSET": "otobo_znuny.models",
    "Article": "otobo_znuny.models",
    "Attachment": "otobo_znuny.models",
    "DynamicFieldFilter": "otobo_znuny.models",
    "HistoryEntry": "otobo_znuny.models",
    "IdName": "otobo_znuny.models",
    "SessionInfo": "otobo_znuny.models",
    "SortField": "otobo_znuny.models",
    "SortOrder": "otobo_znuny.models",
    "Ticket": "otobo_znuny.models",
    "TicketBase": "otobo_znuny.models",
    "TicketChange": "otobo_znuny.models",
    "TicketCreate": "otobo_znuny.models",
    "TicketReference": "otobo_znuny.models",
    "TicketSearch": "otobo_znuny.models",
    "TicketUpdate": "otobo_znuny.models",
    "TimeFilter": "otobo_znuny.models",
}


def __getattr__(name: str) -> _Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "CLEAR",
    "DEFAULT_LIMITS",
    "DEFAULT_TIMEOUT",
    "UNSET",
    "AccessDeniedError",
    "Article",
    "Attachment",
    "AuthenticationError",
    "BasicAuth",
    "BatchFetchError",
    "ClientConfig",
    "ConfigurationError",
    "ConnectError",
    "DuplicateWriteError",
    "DynamicFieldFilter",
    "GetOptions",
    "HistoryEntry",
    "IdName",
    "IncompleteSearchError",
    "InvalidParameterError",
    "MissingDependencyError",
    "MissingParameterError",
    "NotLoggedInError",
    "OTOBOError",
    "OTOBOZnunyClient",
    "OTOBOZnunyError",
    "OTOBOZnunySyncClient",
    "OutcomeUnknownError",
    "ReplyTooLargeError",
    "RequestTimeoutError",
    "RequestValidationError",
    "ResponseError",
    "RetryPolicy",
    "Route",
    "RouteMismatchError",
    "ServerConfigurationError",
    "ServerFlavor",
    "SessionAuth",
    "SessionExpiredError",
    "SessionInfo",
    "SortField",
    "SortOrder",
    "Ticket",
    "TicketBase",
    "TicketChange",
    "TicketCreate",
    "TicketDataError",
    "TicketNotFoundError",
    "TicketOperation",
    "TicketReference",
    "TicketSearch",
    "TicketUpdate",
    "TimeFilter",
    "TransportError",
    "UnexpectedReplyError",
    "UnknownDynamicFieldError",
    "WebServiceNotFoundError",
    "WriteNotAppliedError",
    "__version__",
]
