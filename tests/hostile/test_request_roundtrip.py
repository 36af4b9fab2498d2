"""Request-side properties: every domain model either round-trips through the wire mapping or is
refused with an error naming the field.

Round trip = domain -> ``wire.mapping.*_to_wire`` -> the test-side inverse (``wire_inverse``) ->
an equal domain value. Articles, attachments and dynamic fields are also read back through the
*reply* shapes (``Ws*`` + ``*_from_wire``), the way a later TicketGet would return them.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from pydantic import ValidationError

from otobo_znuny.config import ServerFlavor
from otobo_znuny.errors import RequestValidationError
from otobo_znuny.models.base import IdName
from otobo_znuny.models.search import SortOrder, TicketSearch, TimeFilter
from otobo_znuny.models.ticket import Article, Attachment, TicketCreate, TicketUpdate
from otobo_znuny.operations.http import _unsendable
from otobo_znuny.wire import mapping
from otobo_znuny.wire.shapes import WsArticle, WsAttachment, WsDynamicField

from .model_strategies import (
    SERVER_TZ,
    a_date,
    article_cases,
    attachment_cases,
    search_cases,
    ticket_create_cases,
    ticket_update_cases,
)
from .outcomes import attempt
from .strategies import FUZZ, FUZZ_HEAVY
from .wire_inverse import search_from_wire, ticket_create_from_wire, ticket_update_from_wire

LIMITS = mapping.WriteLimits(max_attachment_bytes=10**6, max_body_chars=10**6)


def _mentions(message: str, field: str) -> bool:
    spelled = field.replace("_", " ")
    return field in message or spelled in message or spelled.rstrip("s") in message


def assert_names(error: ValidationError, field: str) -> None:
    """Every problem points at ``field``: by its location, or by name in the message."""
    for item in error.errors():
        location = item["loc"]
        assert (location and location[0] == field) or _mentions(item["msg"], field), f"{item} does not name {field!r}"


def build(model: type[Any], kwargs: dict[str, Any], hostile: str | None) -> Any:
    """The model; or None when it was refused, after checking the refusal names the hostile field."""
    built, error = attempt(lambda: model(**kwargs), ValidationError)
    if error is None:
        return built
    assert isinstance(error, ValidationError)
    assert hostile is not None, f"valid arguments refused: {error}"
    assert_names(error, hostile)
    event(f"refused by the model: {hostile}")
    return None


_ATTRIBUTE_CHECKS = {
    "state": "pending_time",
    "customer_user": "customer_id",
    "customer_id": "customer_user",
    "number": "id",  # TicketUpdate needs id or number
}
"""A hostile value in one of these fields can be refused under the name of the field it combines with."""


def refused_by_mapping(
    error: RequestValidationError, hostile: str | None, kwargs: dict[str, Any] | None = None
) -> None:
    """A refusal before sending: only for hostile input, naming the hostile field (or, for a hostile
    ``None`` = "not given", the update that is left with nothing to send or a field that needed it)."""
    assert hostile is not None, f"valid arguments refused: {error}"
    field = error.field.split(".")[0].split("[")[0]
    if kwargs is not None and kwargs.get(hostile) is None and field in ("TicketUpdate", _ATTRIBUTE_CHECKS.get(hostile)):
        event(f"refused by the mapping: {hostile} left out")
        return
    if kwargs is not None and {field, hostile} == {"id", "number"} and {"id", "number"} <= set(kwargs):
        event("refused by the mapping: id and number together")  # one rule about both: either name is right
        return
    assert field == hostile, error
    event(f"refused by the mapping: {hostile}")


# ---- TicketSearch ---------------------------------------------------------------------------


@FUZZ_HEAVY
@given(case=search_cases())
def test_ticket_search_round_trips_or_is_refused(case: tuple[dict[str, Any], str | None]) -> None:
    kwargs, hostile = case
    search = build(TicketSearch, kwargs, hostile)
    if search is None:
        return
    try:
        wire = mapping.ticket_search_to_wire(search, tz=SERVER_TZ)
    except RequestValidationError as error:
        refused_by_mapping(error, hostile)
        return
    expected = search
    if len(search.sort_by) > 1 and len(search.order_by) < len(search.sort_by):
        # every sort key is sent with an order, as both servers need (the last given, or Down)
        orders = list(search.order_by) or [SortOrder.DOWN]
        orders += [orders[-1]] * (len(search.sort_by) - len(orders))
        expected = search.model_copy(update={"order_by": orders})
    assert _instants(search_from_wire(wire, SERVER_TZ).model_dump()) == _instants(expected.model_dump())
    event("round trip")


def _instants(value: Any) -> Any:
    """Aware datetimes as UTC instants: Python compares a datetime at an ambiguous or missing local
    time (a DST change) with one of another zone as unequal, even for the same instant (PEP 495)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.utc)
    if isinstance(value, dict):
        return {key: _instants(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_instants(item) for item in value]
    return value


def test_search_naive_datetime_is_server_time() -> None:
    search = TicketSearch(created=TimeFilter(newer_than=datetime(2026, 3, 1, 8, 30)))
    wire = mapping.ticket_search_to_wire(search, tz=SERVER_TZ)
    assert wire == {"TicketCreateTimeNewerDate": "2026-03-01 08:30:00"}
    assert search_from_wire(wire, SERVER_TZ).created == TimeFilter(
        newer_than=datetime(2026, 3, 1, 8, 30, tzinfo=SERVER_TZ)
    )


# ---- TicketCreate / TicketUpdate --------------------------------------------------------------


def _whole_minutes(value: Any) -> Any:
    """Pending times travel in whole minutes: a timedelta is rounded up, a datetime cut to the minute
    (and a naive datetime is server time)."""
    if isinstance(value, timedelta):
        return timedelta(minutes=math.ceil(value.total_seconds() / 60))
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=SERVER_TZ)  # naive = server time
        return aware.replace(second=0, microsecond=0)
    return value


def _with_charset(content_type: str | None) -> str:
    """Znuny needs a charset: a content type without one is sent with ``charset=utf-8``."""
    if not content_type:
        return "text/plain; charset=utf-8"
    return content_type if "charset=" in content_type.lower() else f"{content_type}; charset=utf-8"


def _as_sent(model: TicketCreate | TicketUpdate) -> Any:
    """What the server gets of ``model``: pending time in whole minutes, content types with a charset."""
    changes: dict[str, Any] = {}
    if isinstance(model.pending_time, (datetime, timedelta)):
        changes["pending_time"] = _whole_minutes(model.pending_time)
    articles = [a.model_copy(update={"content_type": _with_charset(a.content_type)}) for a in model.all_articles]
    if model.article is not None:
        changes["article"] = articles[0]
    elif model.articles:
        changes["articles"] = articles
    return model.model_copy(update=changes)


@FUZZ_HEAVY
@given(case=ticket_create_cases())
def test_ticket_create_round_trips_or_is_refused(case: tuple[dict[str, Any], str | None]) -> None:
    kwargs, hostile = case
    ticket = build(TicketCreate, kwargs, hostile)
    if ticket is None:
        return
    try:
        wire = mapping.ticket_create_to_wire(ticket, flavor=ServerFlavor.ZNUNY, tz=SERVER_TZ, limits=LIMITS)
    except RequestValidationError as error:
        refused_by_mapping(error, hostile)
        return
    assert ticket_create_from_wire(wire, SERVER_TZ) == _as_sent(ticket)
    event("round trip")
    if len(ticket.all_articles) == 1:
        assert mapping.ticket_create_to_wire(ticket, flavor=ServerFlavor.OTOBO, tz=SERVER_TZ, limits=LIMITS) == wire
    else:
        with pytest.raises(RequestValidationError) as raised:  # OTOBO takes one article per call
            mapping.ticket_create_to_wire(ticket, flavor=ServerFlavor.OTOBO, tz=SERVER_TZ, limits=LIMITS)
        assert raised.value.field == "articles"


@FUZZ_HEAVY
@given(case=ticket_update_cases())
def test_ticket_update_round_trips_or_is_refused(case: tuple[dict[str, Any], str | None]) -> None:
    kwargs, hostile = case
    update = build(TicketUpdate, kwargs, hostile)
    if update is None:
        return
    try:
        wire = mapping.ticket_update_to_wire(update, flavor=ServerFlavor.ZNUNY, tz=SERVER_TZ, limits=LIMITS)
    except RequestValidationError as error:
        if error.field == "pending_time" and update.pending_time is not None and update.state is None:
            event("refused by the mapping: pending_time without a state")  # the server would ignore it
            return
        refused_by_mapping(error, hostile, kwargs)
        return
    assert update.pending_time is None or update.state is not None, "a pending time without a state was sent"
    expected = _as_sent(update)
    if update.number is not None:
        expected = expected.model_copy(update={"id": None})  # TicketNumber wins on the server (CONTRACT 4.4)
    assert ticket_update_from_wire(wire, SERVER_TZ) == expected
    event("round trip")


def test_update_customer_id_none_is_left_to_the_server() -> None:
    """``customer_id=None`` is not sent: the server then takes the customer user's company (CONTRACT 4.4)."""
    update = TicketUpdate(id=1, customer_user="customer-1", customer_id=None)
    wire = mapping.ticket_update_to_wire(update, flavor=ServerFlavor.ZNUNY, tz=SERVER_TZ, limits=LIMITS)
    assert wire == {"TicketID": 1, "Ticket": {"CustomerUser": "customer-1"}}


def test_id_and_name_together_send_only_the_id() -> None:
    update = TicketUpdate(id=1, queue=IdName(id=4, name="Misc"))
    wire = mapping.ticket_update_to_wire(update, flavor=ServerFlavor.ZNUNY, tz=SERVER_TZ, limits=LIMITS)
    assert wire["Ticket"] == {"QueueID": 4}


# ---- articles, attachments and dynamic fields through the reply shapes -------------------------

_OPTIONAL_TEXT = ("from_addr", "to", "cc", "bcc", "reply_to", "message_id", "in_reply_to", "references", "content_id")


def _empty_as_none(model: Any) -> Any:
    """An empty optional header (``To: ""``, ``ContentID: ""``) means the same as none at all."""
    changes: dict[str, Any] = {name: None for name in _OPTIONAL_TEXT if getattr(model, name, None) == ""}
    if isinstance(model, Article):
        changes["attachments"] = [_empty_as_none(attachment) for attachment in model.attachments]
    return model.model_copy(update=changes)


@FUZZ
@given(case=attachment_cases())
def test_attachment_round_trips_through_the_reply_shape(case: tuple[dict[str, Any], str | None]) -> None:
    kwargs, hostile = case
    attachment = build(Attachment, kwargs, hostile)
    if attachment is None:
        return
    try:
        wire = mapping.attachment_to_wire(attachment, LIMITS, "content")
    except RequestValidationError as error:
        refused_by_mapping(error, hostile)
        return
    if _unsendable(wire) is not None:  # a lone surrogate: refused before sending, so no reply can hold it
        assert hostile is not None, wire
        event("refused before sending: a lone surrogate")
        return
    read = mapping.attachment_from_wire(WsAttachment.model_validate(wire))
    assert _empty_as_none(read) == _empty_as_none(attachment)


@FUZZ
@given(case=article_cases())
def test_article_round_trips_through_the_reply_shape(case: tuple[dict[str, Any], str | None]) -> None:
    kwargs, hostile = case
    article = build(Article, kwargs, hostile)
    if article is None:
        return
    _, unwritable = attempt(lambda: article.check_writable("article"), ValueError)  # as TicketCreate/Update do
    if unwritable is not None:
        assert hostile is not None, unwritable
        assert f"article.{hostile}" in str(unwritable), unwritable
        return
    try:
        wire = mapping.article_to_wire(article, LIMITS, "body")
        wire["Attachment"] = [
            mapping.attachment_to_wire(attachment, LIMITS, f"attachments[{index}]")
            for index, attachment in enumerate(article.attachments)
        ]
    except RequestValidationError as error:
        refused_by_mapping(error, hostile)
        return
    wire["DynamicField"] = mapping.dynamic_fields_to_wire(article.dynamic_fields, SERVER_TZ)
    if _unsendable(wire) is not None:  # a lone surrogate: refused before sending, so no reply can hold it
        assert hostile is not None, wire
        event("refused before sending: a lone surrogate")
        return
    read = mapping.article_from_wire(WsArticle.model_validate({"ArticleID": 7, **wire}), SERVER_TZ)
    expected = article.model_copy(update={"content_type": _with_charset(article.content_type)})
    assert _empty_as_none(read.model_copy(update={"id": None, "extra": {}})) == _empty_as_none(expected)


@FUZZ
@given(
    fields=st.dictionaries(
        st.text(max_size=8),
        st.none() | st.text(max_size=8) | st.integers() | st.lists(st.text(max_size=5), max_size=3) | a_date(),
        max_size=4,
    )
)
def test_dynamic_fields_round_trip_through_the_reply_shape(fields: dict[str, Any]) -> None:
    """Values come back as sent, except the two documented conversions: None clears (sent as ``""``) and
    a date is sent as the server's midnight (``YYYY-MM-DD 00:00:00``)."""
    wire = mapping.dynamic_fields_to_wire(fields, SERVER_TZ)
    read = mapping.dynamic_fields_from_wire(WsDynamicField.model_validate(item) for item in wire)
    expected = {
        name: "" if value is None else f"{value.isoformat()} 00:00:00" if isinstance(value, date) else value
        for name, value in fields.items()
    }
    assert read == expected


def test_content_type_without_charset_gets_utf8() -> None:
    wire = mapping.article_to_wire(Article(subject="s", body="b", content_type="text/html"), LIMITS)
    assert wire["ContentType"] == "text/html; charset=utf-8"


def test_aware_datetime_is_converted_to_server_time() -> None:
    moment = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
    wire = mapping.dynamic_fields_to_wire({"Due": moment}, SERVER_TZ)
    assert wire == [{"Name": "Due", "Value": "2026-06-01 17:30:00"}]
