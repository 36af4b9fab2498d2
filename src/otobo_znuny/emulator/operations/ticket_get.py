"""TicketGet (``Ticket::TicketGet``) and the ticket/article JSON shapes (Znuny 7; OTOBO 11 adds the
article keys of ``helpdesk.flavor.article_extra_keys``)."""

from __future__ import annotations

import base64
import re
from typing import Any

from otobo_znuny.emulator import dynamic_fields
from otobo_znuny.emulator.operations.common import Caller, authenticate, ticket_permission
from otobo_znuny.emulator.state import (
    LOCKS,
    SENDER_TYPES,
    Article,
    Helpdesk,
    Ticket,
    epoch,
    fmt_time,
)
from otobo_znuny.emulator.wire import OperationError, as_list, as_str, is_digits, is_string_with_data, is_true

P = "TicketGet"
_ID = re.compile(r"^[1-9]\d*$")
_DIGITS = re.compile(r"[0-9]+")


def ticket_to_wire(helpdesk: Helpdesk, ticket: Ticket, *, with_dynamic_fields: bool, extended: bool) -> dict[str, Any]:
    """One ticket as TicketGet returns it (numbers and strings as recorded; the same on both servers)."""
    data = helpdesk.data
    now = helpdesk.now()
    queue = data.queues[ticket.queue_id]
    state = data.states[ticket.state_id]
    owner = data.agents.get(ticket.owner_id)
    responsible = data.agents.get(ticket.responsible_id)
    until = 0
    real_till = 0
    if ticket.pending_until is not None and state.type_name.startswith("pending"):
        real_till = epoch(ticket.pending_until)
        until = real_till - epoch(now)
    wire: dict[str, Any] = {
        "Age": max(0, epoch(now) - epoch(ticket.created)),
        "ArchiveFlag": "y" if ticket.archived else "n",
        "ChangeBy": ticket.change_by,
        "Changed": fmt_time(ticket.changed),
        "CreateBy": ticket.create_by,
        "Created": fmt_time(ticket.created),
        "CustomerID": ticket.customer_id,
        "CustomerUserID": ticket.customer_user,
        "EscalationResponseTime": 0,
        "EscalationSolutionTime": 0,
        "EscalationTime": 0,
        "EscalationUpdateTime": 0,
        "GroupID": helpdesk.group_id(queue.group),
        "Lock": LOCKS[ticket.lock_id],
        "LockID": ticket.lock_id,
        "Owner": owner.login if owner else "",
        "OwnerID": ticket.owner_id,
        "Priority": data.priorities[ticket.priority_id].name,
        "PriorityID": ticket.priority_id,
        "Queue": queue.name,
        "QueueID": queue.id,
        "RealTillTimeNotUsed": real_till,
        "Responsible": responsible.login if responsible else "",
        "ResponsibleID": ticket.responsible_id,
        "SLAID": str(ticket.sla_id) if ticket.sla_id else "",
        "ServiceID": str(ticket.service_id) if ticket.service_id else "",
        "State": state.name,
        "StateID": state.id,
        "StateType": state.type_name,
        "TicketID": ticket.id,
        "TicketNumber": ticket.number,
        "TimeUnit": _number(data.time_unit_totals.get(ticket.id, 0)),
        "Title": ticket.title,
        "Type": data.types[ticket.type_id].name,
        "TypeID": ticket.type_id,
        "UnlockTimeout": ticket.unlock_timeout,
        "UntilTime": until,
    }
    if ticket.service_id:
        wire["Service"] = data.services[ticket.service_id].name
    if ticket.sla_id:
        wire["SLA"] = data.slas[ticket.sla_id].name
    if with_dynamic_fields:
        fields = helpdesk.dynamic_fields_sorted("Ticket")
        if fields:
            wire["DynamicField"] = [
                {"Name": f.name, "Value": dynamic_fields.to_wire(ticket.dynamic_fields.get(f.name))} for f in fields
            ]
    if extended:
        wire.update(_extended(helpdesk, ticket))
    return wire


def _extended(helpdesk: Helpdesk, ticket: Ticket) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for article_id in ticket.article_ids:
        article = helpdesk.data.articles[article_id]
        if article.sender_type_id == 1 and article.is_visible_for_customer:
            minutes = int((article.created - ticket.created).total_seconds() // 60)
            result.update(
                FirstResponse=fmt_time(article.created),
                FirstResponseInMin=minutes,
                FirstResponseDiffInMin=0,
            )
            break
    if ticket.close_time is not None:
        result.update(
            SolutionInMin=int((ticket.close_time - ticket.created).total_seconds() // 60),
            SolutionDiffInMin=0,
        )
    for entry in ticket.history:
        if entry.history_type == "Lock":
            result["FirstLock"] = fmt_time(entry.created)
            break
    return result


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def article_to_wire(
    helpdesk: Helpdesk,
    article: Article,
    number: int,
    *,
    with_dynamic_fields: bool,
    attachments: bool,
    contents: bool,
) -> dict[str, Any]:
    wire: dict[str, Any] = {
        "ArticleID": article.id,
        "ArticleNumber": number,
        "Bcc": article.bcc,
        "Body": article.body,
        "Cc": article.cc,
        "ChangeBy": article.create_by,
        "ChangeTime": fmt_time(article.created),
        "Charset": article.charset,
        "CommunicationChannelID": article.channel_id,
        "ContentCharset": article.charset,
        "ContentType": article.content_type,
        "CreateBy": article.create_by,
        "CreateTime": fmt_time(article.created),
        "From": article.from_,
        "InReplyTo": article.in_reply_to,
        "IncomingTime": epoch(article.created),
        "IsVisibleForCustomer": article.is_visible_for_customer,
        "MessageID": article.message_id,
        "MimeType": article.mime_type,
        "References": article.references,
        "ReplyTo": article.reply_to,
        "SenderType": SENDER_TYPES[article.sender_type_id],
        "SenderTypeID": str(article.sender_type_id),
        "Subject": article.subject,
        "TicketID": article.ticket_id,
        "TimeUnit": _number(article.time_unit),
        "To": article.to,
        **helpdesk.flavor.article_extra_keys,
    }
    if with_dynamic_fields:
        fields = helpdesk.dynamic_fields_sorted("Article")
        if fields:
            wire["DynamicField"] = [
                {"Name": f.name, "Value": dynamic_fields.to_wire(article.dynamic_fields.get(f.name))} for f in fields
            ]
    if attachments and article.attachments:
        wire["Attachment"] = [
            {
                "Content": base64.b64encode(a.content).decode("ascii") if contents else "",
                "ContentAlternative": "",
                "ContentID": a.content_id,
                "ContentType": a.content_type,
                "Disposition": a.disposition,
                "FileID": str(a.file_id),
                "Filename": a.filename,
                "FilesizeRaw": str(len(a.content)),
            }
            for a in article.attachments
        ]
    return wire


def parse_ticket_ids(value: Any) -> list[str] | None:
    """TicketID as a comma string or a non-empty list (items are not split); ``None`` for a wrong
    structure (Znuny: ``IsStringWithData`` or ``IsArrayRefWithData``, else WrongStructure)."""
    if isinstance(value, list):
        if not value or any(isinstance(item, (dict, list)) for item in value):
            return None
        items = [as_str(item) for item in value]
    elif isinstance(value, (str, int, float)):
        items = as_str(value).split(",")
    else:
        return None
    return [i.strip() for i in items]


def visible_articles(helpdesk: Helpdesk, ticket: Ticket, caller: Caller) -> list[tuple[int, Article]]:
    result = []
    for number, article_id in enumerate(ticket.article_ids, start=1):
        article = helpdesk.data.articles[article_id]
        if caller.user_type == "Customer" and not article.is_visible_for_customer:
            continue
        result.append((number, article))
    return result


def run(helpdesk: Helpdesk, params: dict[str, Any]) -> dict[str, Any]:
    """Return ``{"Ticket": [...]}``; raises OperationError (AuthFail first, then parameters)."""
    caller = authenticate(helpdesk, params)
    if caller is None:
        raise OperationError(f"{P}.AuthFail", f"{P}: Authorization failing!")
    if not is_true(params.get("TicketID")):
        raise OperationError(f"{P}.MissingParameter", f"{P}: TicketID parameter is missing!")
    ids = parse_ticket_ids(params["TicketID"])
    if ids is None:
        raise OperationError(f"{P}.WrongStructure", f"{P}: Structure for TicketID is not correct!")
    if helpdesk.flavor.ticket_id_integer_check and any(not _ID.match(i) for i in ids):
        raise OperationError(f"{P}.WrongStructure", f"{P}: Invalid ticket ID parameter(s) found!")
    tickets: list[Ticket] = []
    for raw in ids:
        # without the integer check (OTOBO) an ID that names no ticket fails the permission check (O55)
        ticket = helpdesk.data.tickets.get(int(raw)) if _DIGITS.fullmatch(raw) else None
        if ticket is None or not ticket_permission(helpdesk, caller, ticket, "ro"):
            raise OperationError(f"{P}.AccessDenied", f"{P}: User does not have access to the ticket!")
        tickets.append(ticket)
    with_fields = is_true(params.get("DynamicFields"))
    extended = is_true(params.get("Extended"))
    all_articles = is_true(params.get("AllArticles"))
    with_attachments = is_true(params.get("Attachments"))
    contents = params.get("GetAttachmentContents", 1)
    contents_flag = is_true(contents) or contents is None
    sender_types = [as_str(s) for s in as_list(params.get("ArticleSenderType")) if is_string_with_data(s)]
    limit_raw = as_str(params.get("ArticleLimit"))
    limit = int(limit_raw) if is_digits(limit_raw) else 0
    descending = limit > 0 and as_str(params.get("ArticleOrder")).upper() == "DESC"

    result = []
    for ticket in tickets:
        wire = ticket_to_wire(helpdesk, ticket, with_dynamic_fields=with_fields, extended=extended)
        if all_articles:
            articles = visible_articles(helpdesk, ticket, caller)
            if sender_types:
                grouped: list[tuple[int, Article]] = []
                for sender in sender_types:
                    grouped.extend(a for a in articles if SENDER_TYPES[a[1].sender_type_id] == sender)
                articles = grouped
            if descending:
                articles = list(reversed(articles))
            if limit:
                articles = articles[:limit]
            if articles:
                wire["Article"] = [
                    article_to_wire(
                        helpdesk,
                        article,
                        number,
                        with_dynamic_fields=with_fields,
                        attachments=with_attachments,
                        contents=contents_flag,
                    )
                    for number, article in articles
                ]
        result.append(wire)
    return {"Ticket": result}
