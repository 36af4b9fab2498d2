"""otobo_znuny: a typed async and sync client for the OTOBO and Znuny GenericInterface.

from otobo_znuny import BasicAuth, ClientConfig, OTOBOZnunyClient, TicketSearch

config = ClientConfig.generic_ticket("https://helpdesk.example/otrs/nph-genericinterface.pl")
async with OTOBOZnunyClient(config) as client:
    client.login(BasicAuth(user_login="api-agent", password="..."))
    ids = await client.search_tickets(TicketSearch(queues=["Raw"], state_types=["new"]))
"""

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
    InvalidParameterError,
    MissingParameterError,
    NotLoggedInError,
    OTOBOError,
    OTOBOZnunyError,
    OutcomeUnknownError,
    ReplyTooLargeError,
    RequestTimeoutError,
    RequestValidationError,
    ResponseError,
    ServerConfigurationError,
    SessionExpiredError,
    TicketDataError,
    TicketNotFoundError,
    TransportError,
    UnexpectedReplyError,
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
    TicketCreate,
    TicketReference,
    TicketSearch,
    TicketUpdate,
    TimeFilter,
)

__version__ = "2.0.0"

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
    "DynamicFieldFilter",
    "GetOptions",
    "HistoryEntry",
    "IdName",
    "InvalidParameterError",
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
    "ServerConfigurationError",
    "ServerFlavor",
    "SessionAuth",
    "SessionExpiredError",
    "SessionInfo",
    "SortField",
    "SortOrder",
    "Ticket",
    "TicketBase",
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
    "__version__",
]
