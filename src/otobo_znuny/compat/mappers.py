"""otobo-znuny 1.4's mapper functions (``otobo_znuny.mappers``) with 1.4's names and signatures.

They run this package's mapping layer, so a request dumps to exactly what ``OTOBOZnunyClient`` sends
for the same model (``to_ws_ticket_create(t).model_dump(exclude_none=True, by_alias=True)``), and they
check the model first, as the client does (``RequestValidationError`` naming the field, where 1.4 built
a request that the server then refused). Without a ``ClientConfig`` they assume what a default one says:
a Znuny server, UTC server times, the ``new`` state and ``3 normal`` priority for new tickets.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel

from otobo_znuny.auth import BasicAuth
from otobo_znuny.client.base import DEFAULT_MAX_ATTACHMENT_BYTES, DEFAULT_MAX_BODY_CHARS, ClientCore
from otobo_znuny.compat.ws_models import (
    WsArticleDetail,
    WsAuthData,
    WsDynamicField,
    WsDynamicFieldFilter,
    WsTicketBase,
    WsTicketGetRequest,
    WsTicketMutationRequest,
    WsTicketOutput,
    WsTicketSearchRequest,
    WsTicketUpdateRequest,
)
from otobo_znuny.config import ClientConfig, ServerFlavor
from otobo_znuny.models.base import IdName
from otobo_znuny.models.search import DynamicFieldFilter, TicketSearch
from otobo_znuny.models.ticket import TICKET_ATTRIBUTES, Article, Ticket, TicketBase, TicketCreate, TicketUpdate
from otobo_znuny.operations import tickets
from otobo_znuny.wire import mapping
from otobo_znuny.wire.shapes import WsArticle, WsTicket

__all__ = [
    "from_ws_article",
    "from_ws_dynamic_field_items",
    "from_ws_ticket_detail",
    "has_any_attribute_set",
    "id_name",
    "to_ws_article",
    "to_ws_auth",
    "to_ws_dynamic_field_items",
    "to_ws_dynamic_field_search",
    "to_ws_ticket_base",
    "to_ws_ticket_create",
    "to_ws_ticket_get",
    "to_ws_ticket_search",
    "to_ws_ticket_update",
    "try_parsing_datetime",
]

logger = logging.getLogger(__name__)

_TZ = timezone.utc
_FLAVOR = ServerFlavor.ZNUNY
_LIMITS = mapping.WriteLimits(DEFAULT_MAX_ATTACHMENT_BYTES, DEFAULT_MAX_BODY_CHARS)
_DEFAULTS = ClientConfig.model_fields


def try_parsing_datetime(value: str | None) -> datetime | None:
    """``"2026-11-22 23:35:50"`` or ``"2026-11-22"`` -> a naive datetime (as in 1.4); None otherwise."""
    if value is None:
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    logger.warning("Failed to parse datetime: %r", value)
    return None


def to_ws_dynamic_field_items(dynamic_fields: dict[str, Any]) -> list[WsDynamicField]:
    """``{"OrderID": "A-1"}`` -> ``[WsDynamicField(Name="OrderID", Value="A-1")]`` (as sent)."""
    return [WsDynamicField.model_validate(item) for item in mapping.dynamic_fields_to_wire(dynamic_fields, _TZ)]


def from_ws_dynamic_field_items(dynamic_items: list[WsDynamicField] | None) -> dict[str, Any]:
    """``[WsDynamicField(Name, Value)]`` -> ``{name: value}``."""
    return {item.Name: item.Value for item in dynamic_items or []}


def to_ws_dynamic_field_search(filter_model: DynamicFieldFilter) -> WsDynamicFieldFilter:
    """The operators of one dynamic-field condition, as TicketSearch sends them.

    Raises:
        RequestValidationError: the filter cannot be sent (see ``DynamicFieldFilter.check_sendable``).
    """
    wire = mapping.ticket_search_to_wire(TicketSearch(dynamic_fields=[filter_model]), tz=_TZ)
    return WsDynamicFieldFilter.model_validate(wire[f"DynamicField_{filter_model.field_name}"])


def to_ws_article(article: Article) -> WsArticleDetail:
    """An article as TicketCreate/TicketUpdate send it (without attachments).

    Raises:
        RequestValidationError: the article cannot be sent (see ``Article.check_writable``).
    """
    article.check_writable()
    return WsArticleDetail.model_validate(mapping.article_to_wire(article, _LIMITS))


def _ws_article(detail: WsArticleDetail) -> tuple[WsArticle, bool]:
    data = detail.model_dump(exclude_unset=True)  # what the reply held, unknown keys included
    has_id = data.get("ArticleID") is not None
    if not has_id:
        data["ArticleID"] = 0  # the server always sends one; 1.4 models did not require it
    return WsArticle.model_validate(data), has_id


def from_ws_article(article_otobo: WsArticleDetail) -> Article:
    """A reply's article -> ``Article`` (times read as UTC; ``extra`` keeps unnamed keys)."""
    wire, has_id = _ws_article(article_otobo)
    article = mapping.article_from_wire(wire, _TZ)
    return article if has_id else article.model_copy(update={"id": None})


def id_name(v: IdName | None) -> tuple[int | None, str | None]:
    """``IdName`` -> ``(id, name)``; ``(None, None)`` for None."""
    return (v.id, v.name) if v else (None, None)


def has_any_attribute_set(otobo_ticket_base: BaseModel) -> bool:
    """Whether the model has any field that is not None."""
    return bool(otobo_ticket_base.model_dump(exclude_none=True))


def from_ws_ticket_detail(ticket_otobo: WsTicketOutput) -> Ticket:
    """A TicketGet reply's ticket -> ``Ticket`` (times read as UTC; ``extra`` keeps unnamed keys)."""
    data = ticket_otobo.model_dump(exclude_unset=True)  # what the reply held, unknown keys included
    if data.get("TicketNumber") is None:
        data["TicketNumber"] = ""  # the server always sends it; 1.4 models did not require it
    data["Article"] = []
    ticket = mapping.ticket_from_wire(WsTicket.model_validate(data), _TZ)
    return ticket.model_copy(update={"articles": [from_ws_article(a) for a in ticket_otobo.get_articles()]})


def to_ws_ticket_base(ticket: TicketBase) -> WsTicketBase | None:
    """The ticket attributes of ``ticket`` as a request's ``Ticket`` object; None when none is set."""
    values = {name: getattr(ticket, name, None) for name in TICKET_ATTRIBUTES}
    wire = mapping.ticket_attributes_to_wire({k: v for k, v in values.items() if v is not None}, _TZ)
    return WsTicketBase.model_validate(wire) if wire else None


def to_ws_ticket_create(ticket_domain: TicketCreate) -> WsTicketMutationRequest:
    """TicketCreate parameters, as ``create_ticket`` sends them.

    Raises:
        RequestValidationError: a field the server requires is missing or invalid (named).
    """
    wire = mapping.ticket_create_to_wire(
        ticket_domain,
        flavor=_FLAVOR,
        tz=_TZ,
        limits=_LIMITS,
        default_state=_DEFAULTS["default_state"].default,
        default_priority=_DEFAULTS["default_priority"].default,
    )
    return WsTicketMutationRequest.model_validate(wire)


def to_ws_ticket_update(ticket_domain: TicketUpdate) -> WsTicketUpdateRequest:
    """TicketUpdate parameters, as ``update_ticket`` sends them.

    Raises:
        RequestValidationError: the update is invalid (named) or sets nothing.
    """
    return WsTicketUpdateRequest.model_validate(
        mapping.ticket_update_to_wire(ticket_domain, flavor=_FLAVOR, tz=_TZ, limits=_LIMITS)
    )


def to_ws_ticket_search(search_model: TicketSearch) -> WsTicketSearchRequest:
    """TicketSearch parameters, as ``search_tickets`` sends them (dynamic-field filters included).

    Raises:
        RequestValidationError: criteria the server would misread.
    """
    return WsTicketSearchRequest.model_validate(mapping.ticket_search_to_wire(search_model, tz=_TZ))


def to_ws_ticket_get(ticket_id: int | str) -> WsTicketGetRequest:
    """TicketGet parameters for one ticket, as ``get_ticket`` sends them by default.

    Raises:
        RequestValidationError: the ID is not a positive integer (or a numeric string).
    """
    call = tickets.ticket_get([ClientCore._ticket_id(ticket_id)], tickets.TicketGetOptions(), _TZ)
    return WsTicketGetRequest.model_validate(call.params)


def to_ws_auth(basic_auth: BasicAuth) -> WsAuthData:
    """The credentials of a password login (dump with ``with_secrets=True`` to send them)."""
    key = "CustomerUserLogin" if basic_auth.is_customer else "UserLogin"
    return WsAuthData.model_validate({key: basic_auth.login_name, "Password": basic_auth.password})
