"""Validation of the ``Ticket``/``Article``/``DynamicField``/``Attachment`` request parts.

Shared by TicketCreate and TicketUpdate; ``prefix`` is the operation name used in error codes.
Every function raises :class:`OperationError` (or :class:`OperationFault`) on invalid input.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from otobo_znuny.emulator import dynamic_fields
from otobo_znuny.emulator.operations.common import (
    Caller,
    content_type_parts,
    lookup_agent,
    lookup_lock,
    lookup_priority,
    lookup_queue,
    lookup_state,
    lookup_type,
    trim,
    valid_charset,
    valid_email_list,
    valid_mime_type,
)
from otobo_znuny.emulator.operations.ticket_core import ArticleInput
from otobo_znuny.emulator.state import (
    CHANNELS,
    HISTORY_TYPES,
    SENDER_TYPES,
    Attachment,
    DynamicFieldDef,
    Helpdesk,
)
from otobo_znuny.emulator.wire import OperationError, OperationFault, as_str, is_digits, is_string_with_data, is_true

AUTO_RESPONSE_TYPES = ("auto reply", "auto reject", "auto follow up", "auto reply/new ticket", "auto remove")


def _invalid(prefix: str, message: str) -> OperationError:
    return OperationError(f"{prefix}.InvalidParameter", f"{prefix}: {message}")


def _missing(prefix: str, message: str) -> OperationError:
    return OperationError(f"{prefix}.MissingParameter", f"{prefix}: {message}")


def pending_time(prefix: str, value: Any, now: datetime) -> datetime:
    """``{Year,Month,Day,Hour,Minute}`` or exactly ``{Diff}`` (minutes) to a UTC datetime."""
    error = _invalid(prefix, "Ticket->PendingTime parameter is invalid!")
    if not isinstance(value, dict) or not value:
        raise error
    parts = {k: as_str(v).strip() for k, v in value.items()}
    if "Diff" in parts:
        if len(parts) != 1 or not is_digits(parts["Diff"]):
            raise error
        try:
            return now + timedelta(minutes=int(parts["Diff"]))
        except OverflowError:  # past year 9999: no time the server could store either
            raise error from None
    keys = ("Year", "Month", "Day", "Hour", "Minute")
    if any(not is_digits(parts.get(k, "")) for k in keys):
        raise error
    year, month, day, hour, minute = (int(parts[k]) for k in keys)
    if not (1 <= month <= 12 and hour < 24 and minute < 60 and 1970 <= year <= 9999):
        raise error
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise error
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


def check_ticket_fields(helpdesk: Helpdesk, prefix: str, ticket: dict[str, Any], *, current_customer: str = "") -> None:
    """Validate the optional ticket attributes that are present (update semantics)."""
    if is_true(ticket.get("CustomerUser")) and not valid_customer(helpdesk, as_str(ticket["CustomerUser"])):
        raise _invalid(prefix, "Ticket->CustomerUser parameter is invalid!")
    checks: list[tuple[str, str, bool]] = [
        ("QueueID", "Queue", lookup_queue(helpdesk, ticket) is not None),
        ("LockID", "Lock", lookup_lock(ticket) is not None),
        ("TypeID", "Type", lookup_type(helpdesk, ticket) is not None),
    ]
    for id_key, name_key, ok in checks:
        if (is_true(ticket.get(id_key)) or is_true(ticket.get(name_key))) and not ok:
            raise _invalid(prefix, f"Ticket->{id_key} or Ticket->{name_key} parameter is invalid!")
    customer = as_str(ticket.get("CustomerUser")) or current_customer
    if (is_true(ticket.get("ServiceID")) or is_true(ticket.get("Service"))) and lookup_service(
        helpdesk, ticket, customer
    ) is None:
        raise _invalid(prefix, "Ticket->ServiceID or Ticket->Service parameter is invalid!")
    if is_true(ticket.get("SLAID")) or is_true(ticket.get("SLA")):
        check_sla(helpdesk, prefix, ticket, None, customer)
    later: list[tuple[str, str, bool]] = [
        ("StateID", "State", lookup_state(helpdesk, ticket) is not None),
        ("PriorityID", "Priority", lookup_priority(helpdesk, ticket) is not None),
        ("OwnerID", "Owner", lookup_agent(helpdesk, ticket, "OwnerID", "Owner") is not None),
        (
            "ResponsibleID",
            "Responsible",
            lookup_agent(helpdesk, ticket, "ResponsibleID", "Responsible") is not None,
        ),
    ]
    for id_key, name_key, ok in later:
        if (is_true(ticket.get(id_key)) or is_true(ticket.get(name_key))) and not ok:
            raise _invalid(prefix, f"Ticket->{id_key} or Ticket->{name_key} parameter is invalid!")
    if is_true(ticket.get("PendingTime")):
        pending_time(prefix, ticket["PendingTime"], helpdesk.now())


def valid_customer(helpdesk: Helpdesk, value: str) -> bool:
    """An existing customer login, or any syntactically valid e-mail address."""
    if value in helpdesk.data.customers:
        return helpdesk.data.customers[value].valid
    return valid_email_list(value) and "," not in value


def lookup_service(helpdesk: Helpdesk, ticket: dict[str, Any], customer: str) -> int | None:
    services = helpdesk.data.services
    if is_string_with_data(ticket.get("ServiceID")):
        raw = as_str(ticket["ServiceID"])
        service = services.get(int(raw)) if is_digits(raw) else None
    else:
        name = as_str(ticket.get("Service"))
        service = next((s for s in services.values() if s.name == name), None)
    if service is None or not service.valid:
        return None
    if service.customer_users is not None and customer not in service.customer_users:
        return None
    return service.id


def check_sla(
    helpdesk: Helpdesk, prefix: str, ticket: dict[str, Any], current_service: int | None, customer: str = ""
) -> int:
    """The SLA ID; it must belong to the new (or current) service. Raises InvalidParameter."""
    slas = helpdesk.data.slas
    if is_string_with_data(ticket.get("SLAID")):
        raw = as_str(ticket["SLAID"])
        sla = slas.get(int(raw)) if is_digits(raw) else None
    else:
        name = as_str(ticket.get("SLA"))
        sla = next((s for s in slas.values() if s.name == name), None)
    service_id = current_service
    if is_true(ticket.get("ServiceID")) or is_true(ticket.get("Service")):
        service_id = lookup_service(helpdesk, ticket, customer) or service_id
    if sla is None or not sla.valid or service_id is None or service_id not in sla.service_ids:
        raise _invalid(prefix, "Ticket->SLAID or Ticket->SLA parameter is invalid!")
    return sla.id


def check_article(
    helpdesk: Helpdesk, prefix: str, raw: dict[str, Any], caller: Caller, *, create: bool
) -> ArticleInput:
    """Validate one article object and fill in the defaults of the operation."""
    article = trim(raw)
    for needed in ("Subject", "Body"):
        if not is_true(article.get(needed)):
            raise _missing(prefix, f"Article->{needed} parameter is missing!")
    auto = as_str(article.get("AutoResponseType")) or ("auto reply" if create else "auto follow up")
    if auto not in AUTO_RESPONSE_TYPES:
        raise _invalid(prefix, "Article->AutoResponseType parameter is invalid!")
    channel_id = _lookup_id(article, "CommunicationChannelID", "CommunicationChannel", CHANNELS) or (
        3
        if not (is_true(article.get("CommunicationChannelID")) or is_true(article.get("CommunicationChannel")))
        else None
    )
    if channel_id is None:
        raise _invalid(
            prefix,
            "Article->CommunicationChannel or Article->CommunicationChannelID parameter is invalid or not supported!",
        )
    default_sender = 1 if caller.user_type == "User" else 3
    has_sender = is_true(article.get("SenderTypeID")) or is_true(article.get("SenderType"))
    sender_id = _lookup_id(article, "SenderTypeID", "SenderType", SENDER_TYPES) if has_sender else default_sender
    if sender_id is None:
        raise _invalid(prefix, "Article->SenderTypeID or Ticket->SenderType parameter is invalid!")
    from_ = as_str(article.get("From"))
    if from_ and not valid_email_list(from_):
        raise _invalid(prefix, "Article->From parameter is invalid!")
    content_type = as_str(article.get("ContentType"))
    mime_type = as_str(article.get("MimeType")).lower()
    charset = as_str(article.get("Charset")).lower()
    if not content_type and not mime_type and not charset:
        raise _missing(prefix, "Article->ContentType or Ticket->MimeType and Article->Charset parameters are required!")
    if mime_type and not charset:
        raise _missing(prefix, "Article->Charset is required!")
    if charset and not mime_type:
        raise _missing(prefix, "Article->MimeType is required!")
    if mime_type and not valid_mime_type(mime_type):
        raise _invalid(prefix, "Article->MimeType is invalid!")
    if charset and not valid_charset(charset):
        raise _invalid(prefix, "Article->Charset is invalid!")
    if content_type:
        content_type = re.sub(r"[\r\n]", " ", content_type).lower()
        ct_mime, ct_charset = content_type_parts(content_type)
        # Znuny needs a charset= in the ContentType; OTOBO checks one only when it is there
        charset_ok = valid_charset(ct_charset) or (not ct_charset and not helpdesk.flavor.content_type_needs_charset)
        if not charset_ok or not valid_mime_type(ct_mime):
            raise _invalid(prefix, "Article->ContentType is invalid!")
        mime_type, charset = ct_mime, ct_charset
    else:
        content_type = f"{mime_type}; charset={charset}"
    history_type = as_str(article.get("HistoryType")) or ("NewTicket" if create else "AddNote")
    if history_type not in HISTORY_TYPES:
        raise _invalid(prefix, "Article->HistoryType parameter is invalid!")
    history_comment = as_str(article.get("HistoryComment")) or (
        "%%GenericInterface Create" if create else "%%GenericInterface Note"
    )
    time_unit: float | None = None
    if is_true(article.get("TimeUnit")):
        text = as_str(article["TimeUnit"])
        if not re.fullmatch(r"\d+([.,]\d+)?", text):
            raise _invalid(prefix, "Article->TimeUnit parameter is invalid!")
        time_unit = float(text.replace(",", "."))
    if is_true(article.get("NoAgentNotify")) and as_str(article["NoAgentNotify"]) != "1":
        raise _invalid(prefix, "Article->NoAgent parameter is invalid!")
    for attribute in (
        "ForceNotificationToUserID",
        "ExcludeNotificationToUserID",
        "ExcludeMuteNotificationToUserID",
    ):
        if attribute not in article or article[attribute] is None:
            continue
        if isinstance(article[attribute], dict):
            raise _invalid(prefix, f"Article->{attribute} parameter is invalid!")
        ids = article[attribute] if isinstance(article[attribute], list) else [article[attribute]]
        for user_id in ids:
            text = as_str(user_id)
            if not is_digits(text) or int(text) not in helpdesk.data.agents:
                raise _invalid(prefix, f"Article->{attribute} UserID={text} parameter is invalid!")
    visible_raw = article.get("IsVisibleForCustomer")
    visible = 1 if visible_raw is None else (1 if is_true(visible_raw) else 0)
    return ArticleInput(
        subject=as_str(article["Subject"]),
        body=as_str(article["Body"]),
        content_type=content_type,
        charset=charset,
        mime_type=mime_type,
        channel_id=channel_id,
        sender_type_id=sender_id,
        is_visible_for_customer=visible,
        from_=from_,
        to=as_str(article.get("To")),
        cc=as_str(article.get("Cc")),
        bcc=as_str(article.get("Bcc")),
        reply_to=as_str(article.get("ReplyTo")),
        time_unit=time_unit,
        history_type=history_type,
        history_comment=history_comment,
    )


def _lookup_id(data: dict[str, Any], id_key: str, name_key: str, table: dict[int, str]) -> int | None:
    if is_true(data.get(id_key)):
        raw = as_str(data[id_key])
        return int(raw) if is_digits(raw) and int(raw) in table else None
    if is_true(data.get(name_key)):
        name = as_str(data[name_key])
        return next((i for i, n in table.items() if n == name), None)
    return None


def as_items(prefix: str, value: Any, what: str, *, update: bool = False) -> list[dict[str, Any]]:
    """A ``DynamicField``/``Attachment`` value (object or list) as a list of trimmed objects."""
    items = [value] if isinstance(value, dict) else list(value)
    result = []
    for item in items:
        if not isinstance(item, dict) or not item:
            # the Perl code returns an error hash without Success: a 500 fault
            raise OperationFault(f"{prefix}: {'Ticket->' if update else ''}{what} parameter is invalid!")
        result.append(trim(item))
    return result


def check_dynamic_fields(
    helpdesk: Helpdesk, prefix: str, items: list[dict[str, Any]], *, has_article: bool
) -> list[tuple[DynamicFieldDef, Any]]:
    result: list[tuple[DynamicFieldDef, Any]] = []
    for item in items:
        for needed in ("Name", "Value"):
            value = item.get(needed)
            if value is None or isinstance(value, dict) or (needed == "Name" and isinstance(value, list)):
                raise _missing(prefix, f"DynamicField->{needed} parameter is missing!")
        name = as_str(item["Name"])
        field_def = helpdesk.data.dynamic_fields.get(name)
        if field_def is None or not field_def.valid:
            raise _invalid(prefix, "DynamicField->Name parameter is invalid!")
        if field_def.object_type == "Article" and not has_article:
            raise _missing(prefix, "To create an article DynamicField an article is required!")
        try:
            ok, stored = dynamic_fields.normalise(field_def, item["Value"])
        except dynamic_fields.InvalidValue:
            raise _missing(prefix, "DynamicField->Value parameter is missing!") from None
        if not ok:
            raise _invalid(prefix, "DynamicField->Value parameter is invalid!")
        result.append((field_def, stored))
    return result


def check_attachments(prefix: str, items: list[dict[str, Any]]) -> list[Attachment]:
    result: list[Attachment] = []
    for item in items:
        for needed in ("Content", "ContentType", "Filename"):
            if not is_string_with_data(item.get(needed)):
                raise _missing(prefix, f"Attachment->{needed} parameter is missing!")
        content_type = as_str(item["ContentType"]).lower()
        if "\r" in content_type or "\n" in content_type:
            raise _invalid(prefix, "Attachment->ContentType is invalid!")
        mime, charset = content_type_parts(content_type)
        if (charset and not valid_charset(charset)) or not valid_mime_type(mime):
            raise _invalid(prefix, "Attachment->ContentType is invalid!")
        try:
            content = base64.b64decode(as_str(item["Content"]) + "===", validate=False)
        except (binascii.Error, ValueError):
            content = b""
        disposition = as_str(item.get("Disposition")) or "attachment"
        result.append(
            Attachment(
                file_id=0,
                filename=as_str(item["Filename"]),
                content=content,
                content_type=as_str(item["ContentType"]),
                disposition=disposition,
                content_id=as_str(item.get("ContentID")),
            )
        )
    return result
