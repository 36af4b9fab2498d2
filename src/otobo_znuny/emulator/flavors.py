"""Server flavours: what the emulator does differently as Znuny 7 or as OTOBO 11, in one place.

A :class:`Flavor` is data plus a few small hooks; the operations stay shared and read the flags
they need from ``helpdesk.flavor``. Every difference cites the recorded exchange that shows it
(``tests/data/contract/<server>-recorded.txt``, "Z<n>" = Znuny 7.0.19 exchange n, "O<n>" = OTOBO
11.0.6 exchange n) or, where no exchange does, the server source (OTOBO tag ``rel-11_0_6``, Znuny
7.0.19). What both servers do alike is not here: it is the operations' default behaviour.

A new difference is a new field with the value of each server (and, if needed, a hook that reads
it); a new server version is a new :class:`Flavor` built with ``dataclasses.replace``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from otobo_znuny.emulator.wire import encode_json

__all__ = ["FLAVORS", "OTOBO", "ZNUNY", "Flavor", "get_flavor"]

#: Operation types both servers implement.
_COMMON_TYPES = frozenset(
    {
        "Session::SessionCreate",
        "Session::SessionGet",
        "Ticket::TicketCreate",
        "Ticket::TicketGet",
        "Ticket::TicketSearch",
        "Ticket::TicketUpdate",
        "Ticket::TicketHistoryGet",
    }
)

_ZNUNY_HEADERS = MappingProxyType(
    {
        "x-otrs-header-userlogin": "UserLogin",
        "x-otrs-header-customeruserlogin": "CustomerUserLogin",
        "x-otrs-header-sessionid": "SessionID",
        "x-otrs-header-password": "Password",
        "x-otrs-header-impersonateasuser": "ImpersonateAsUser",
        "x-otrs-header-twofactortoken": "TwoFactorToken",
    }
)

#: Agent preferences every fresh agent has (values as SessionGet shows them).
_ZNUNY_AGENT_DEFAULTS = MappingProxyType(
    {
        "AdminCommunicationLogPageShown": "25",
        "AdminDynamicFieldsOverviewPageShown": "25",
        "UserActivityLinkTarget": "_self",
        "UserCreateNextMask": "",
        "UserLastViewsLimit": "5",
        "UserLastViewsPosition": "Avatar",
        "UserRefreshTime": "0",
        "UserTicketOverviewMediumPageShown": "20",
        "UserTicketOverviewPreviewPageShown": "15",
        "UserTicketOverviewSmallPageShown": "25",
    }
)
_OTOBO_AGENT_DEFAULTS = MappingProxyType(
    {
        "AdminCommunicationLogPageShown": "25",
        "AdminDynamicFieldsOverviewPageShown": "250",
        "UserAuthBackend": "",
        "UserCreateNextMask": "",
        "UserMarkTicketSeenRedirectURL": "",
        "UserMarkTicketUnseenRedirectURL": "",
        "UserRefreshTime": "0",
        "UserTicketOverviewMediumPageShown": "20",
        "UserTicketOverviewPreviewPageShown": "15",
        "UserTicketOverviewSmallPageShown": "25",
    }
)


@dataclass(frozen=True)
class WelcomeTicket:
    """Ticket 1 of a fresh installation (``scripts/database/*-initial_insert.xml``)."""

    title: str
    number: str
    sender: str
    body: str
    customer_id: str


@dataclass(frozen=True)
class Flavor:
    """How one server family answers where the two differ. Instances are immutable and shared."""

    name: str
    """``znuny`` or ``otobo`` (the values of the client's ``ServerFlavor``)."""
    product: str
    """The version the recording verifies, e.g. ``Znuny 7.0.19``."""
    script_alias: str | None
    """The only path prefix before ``/nph-genericinterface.pl`` the server answers (OTOBO's PSGI app
    is mounted at ``/otobo``: ``bin/psgi-bin/otobo.psgi``); ``None``: any (Apache ScriptAlias)."""
    default_script: str
    """``<alias>/nph-genericinterface.pl`` used in URLs the emulator prints."""
    merge_slashes: bool
    """``//`` in the path counts as ``/`` (OTOBO's MergeSlashes middleware in ``otobo.psgi``)."""
    unknown_webservice: Literal["drop", "empty-500"]
    """Znuny closes the connection without a reply (CONTRACT, seen live); OTOBO answers HTTP 500 with
    an empty body and no Content-Type (O57)."""
    operation_types: frozenset[str]
    """Operation types with a backend. Others are listed in the web service (the YAML imports) but a call
    answers a 500 fault "Can't load operation backend module ..." (O17, O18, O20, O21)."""
    body_needs_json_content_type: bool
    """Znuny reads the body only for a JSON Content-Type, else 500 "Could not read input data" (CONTRACT,
    seen live); OTOBO 11 takes the raw body of POST/PUT/PATCH whatever the Content-Type
    (``Kernel/System/Web/Request.pm`` GetParam)."""
    strips_bom: bool
    """Znuny removes a UTF-8 BOM before decoding; OTOBO hands it to the JSON decoder, which fails."""
    json_booleans_as_ints: bool
    """Znuny turns JSON ``true``/``false`` into 1/0; OTOBO 11 keeps JSON::XS boolean objects
    (``Kernel/System/JSON.pm`` Decode), which pass truth tests but fail every string check."""
    credential_headers: Mapping[str, str]
    """Request headers read as credentials (Znuny ``X-OTRS-Header-*``; OTOBO has none, so such a request
    has no credentials: ``*.AuthFail``)."""
    sorted_keys: bool
    """Znuny sorts JSON keys (every Z exchange); OTOBO's order differs between requests (O2, O5, ...)."""
    ticket_id_integer_check: bool
    """TicketGet refuses IDs that are not positive integers with ``WrongStructure``: Znuny 7.1.3+, which
    the Znuny flavour follows to stay strict; Znuny 7.0.19 and OTOBO answer ``AccessDenied`` (O55)."""
    ticket_update_permission: str
    """The permission TicketUpdate checks first: ``rw`` (Znuny 7.1.4+, followed by the Znuny flavour),
    ``ro`` (OTOBO and Znuny 7.0.19 ``Ticket/Common.pm``)."""
    article_lists: bool
    """Several articles in one TicketCreate/TicketUpdate (Znuny 7.0.19 ``TicketCreate.pm`` accepts an
    ``Article`` list); OTOBO needs one object."""
    content_type_needs_charset: bool
    """An article ``ContentType`` must name a ``charset=`` (Znuny ``TicketCreate.pm``); optional on OTOBO
    (``Ticket/Common.pm`` ValidateContentType)."""
    pending_reset_always: bool
    """A change to a non-pending state writes a ``SetPendingTime`` history entry: always on Znuny (Z16,
    Z39), only when a pending time was set on OTOBO (O16, O39, O49; ``Event/TicketPendingTimeReset.pm``
    tests ``!$Ticket{UntilTime}`` where Znuny tests ``!defined``)."""
    article_extra_keys: Mapping[str, Any]
    """Keys OTOBO adds to every article of TicketGet (O5, O11, O35, O43, O44)."""
    agent_session_defaults: Mapping[str, str]
    """Agent preferences SessionGet shows for a fresh agent (Z2 vs O2)."""
    builtin_dynamic_fields: tuple[tuple[str, str], ...]
    """``(name, type)`` of the ticket fields a fresh installation has (Z5 vs O5)."""
    welcome: WelcomeTicket = field(repr=False)

    # ---- hooks --------------------------------------------------------------------------------

    def request_path(self, path: str) -> str:
        """The path as the GenericInterface sees it."""
        return re.sub(r"/{2,}", "/", path) if self.merge_slashes else path

    def serves_alias(self, alias: str) -> bool:
        """Whether ``<alias>/nph-genericinterface.pl`` is this server's endpoint."""
        return self.script_alias is None or alias == self.script_alias

    def missing_operation_fault(self, operation_type: str) -> str:
        """The faultstring of a call to an operation type this server has no backend for."""
        return f"Can't load operation backend module Kernel::GenericInterface::Operation::{operation_type}!"

    def encode_json(self, data: Any, rng: random.Random) -> bytes:
        """The reply body: no ASCII escaping, U+2028/U+2029 escaped (both servers), keys sorted or
        in an order that changes between requests (``rng``)."""
        if self.sorted_keys:
            return encode_json(data)
        return encode_json(_shuffled(data, rng), sort_keys=False)


def _shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {key: _shuffled(value[key], rng) for key in keys}
    if isinstance(value, list):
        return [_shuffled(item, rng) for item in value]
    return value


ZNUNY = Flavor(
    name="znuny",
    product="Znuny 7.0.19",
    script_alias=None,
    default_script="/otrs/nph-genericinterface.pl",
    merge_slashes=False,
    unknown_webservice="drop",
    operation_types=_COMMON_TYPES | {"Session::SessionRemove", "Ticket::TimeAccountingGet", "User::OutOfOffice"},
    body_needs_json_content_type=True,
    strips_bom=True,
    json_booleans_as_ints=True,
    credential_headers=_ZNUNY_HEADERS,
    sorted_keys=True,
    ticket_id_integer_check=True,
    ticket_update_permission="rw",
    article_lists=True,
    content_type_needs_charset=True,
    pending_reset_always=True,
    article_extra_keys=MappingProxyType({}),
    agent_session_defaults=_ZNUNY_AGENT_DEFAULTS,
    builtin_dynamic_fields=(
        ("ProcessManagementActivityID", "Text"),
        ("ProcessManagementAttachment", "Text"),
        ("ProcessManagementProcessID", "Text"),
        ("TicketCalendarEndTime", "DateTime"),
        ("TicketCalendarStartTime", "DateTime"),
    ),
    welcome=WelcomeTicket(
        title="Welcome to Znuny!",
        number="2021012710123456",
        sender="Znuny Feedback <feedback@znuny.org>",
        body="Welcome!\n\nThank you for installing Znuny, the powerful and flexible ticket system.",
        customer_id="Znuny",
    ),
)

OTOBO = Flavor(
    name="otobo",
    product="OTOBO 11.0.6",
    script_alias="/otobo",
    default_script="/otobo/nph-genericinterface.pl",
    merge_slashes=True,
    unknown_webservice="empty-500",
    operation_types=_COMMON_TYPES,
    body_needs_json_content_type=False,
    strips_bom=False,
    json_booleans_as_ints=False,
    credential_headers=MappingProxyType({}),
    sorted_keys=False,
    ticket_id_integer_check=False,
    ticket_update_permission="ro",
    article_lists=False,
    content_type_needs_charset=False,
    pending_reset_always=False,
    article_extra_keys=MappingProxyType({"IsDeleted": 0, "IsEdited": 0}),
    agent_session_defaults=_OTOBO_AGENT_DEFAULTS,
    builtin_dynamic_fields=(
        ("ProcessManagementActivityID", "Text"),
        ("ProcessManagementProcessID", "Text"),
    ),
    welcome=WelcomeTicket(
        title="Welcome to OTOBO!",
        number="2015071510123456",
        sender="Rother OSS GmbH | Team OTOBO <otobo@otobo.io>",
        body="Welcome to the community!\n\nThank you for installing OTOBO.",
        customer_id="OTOBO",
    ),
)

FLAVORS: Mapping[str, Flavor] = MappingProxyType({f.name: f for f in (ZNUNY, OTOBO)})


def get_flavor(flavor: str | Flavor) -> Flavor:
    """A :class:`Flavor` by name (``"znuny"``, ``"otobo"``; a ``ServerFlavor`` works too) or as given.

    Raises:
        ValueError: an unknown name.
    """
    if isinstance(flavor, Flavor):
        return flavor
    name = str(getattr(flavor, "value", flavor)).lower()
    try:
        return FLAVORS[name]
    except KeyError:
        raise ValueError(f"unknown flavor {flavor!r}; choose one of {', '.join(FLAVORS)}") from None
