"""Core ticket writes (the emulated ``Kernel::System::Ticket``): each write adds its history entry
and fires its event, with the data the core passes (Znuny 7.0.19 / OTOBO 11 ``Kernel/System/Ticket.pm``,
``Ticket/Article/Backend/MIMEBase.pm`` ArticleCreate, ``DynamicField/ObjectType/*.pm`` PostValueSet).

Callers hold ``helpdesk.lock``. Nothing here validates input; the operations do that first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from otobo_znuny.emulator import dynamic_fields
from otobo_znuny.emulator.state import (
    Article,
    Attachment,
    DynamicFieldDef,
    Helpdesk,
    Ticket,
    TimeAccountingEntry,
    epoch,
)


@dataclass
class ArticleInput:
    subject: str
    body: str
    content_type: str
    charset: str
    mime_type: str
    channel_id: int
    sender_type_id: int
    is_visible_for_customer: int
    from_: str
    to: str = ""
    cc: str = ""
    bcc: str = ""
    reply_to: str = ""
    time_unit: float | None = None
    history_type: str = "AddNote"
    history_comment: str = "%%GenericInterface Note"
    attachments: list[Attachment] = field(default_factory=list)
    dynamic_fields: list[tuple[DynamicFieldDef, Any]] = field(default_factory=list)


def _touch(helpdesk: Helpdesk, ticket: Ticket, user_id: int) -> None:
    ticket.changed = helpdesk.now()
    ticket.change_by = user_id


def _old_ticket_data(helpdesk: Helpdesk, ticket: Ticket, *, with_dynamic_fields: bool) -> dict[str, Any] | None:
    """``OldTicketData``: ``TicketGet`` before the change (its ``DynamicField_<Name>`` keys only for
    ArticleCreate); ``None`` when no event is collected (nothing listens, nothing is built)."""
    if helpdesk.fired_events is None:
        return None
    from otobo_znuny.emulator.operations.ticket_get import ticket_to_wire

    data = ticket_to_wire(helpdesk, ticket, with_dynamic_fields=False, extended=False)
    if with_dynamic_fields:
        for field_def in helpdesk.dynamic_fields_sorted("Ticket"):
            data[f"DynamicField_{field_def.name}"] = dynamic_fields.to_wire(ticket.dynamic_fields.get(field_def.name))
    return data


def _fire(helpdesk: Helpdesk, name: str, ticket: Ticket, **data: Any) -> None:
    helpdesk.fire(name, {"TicketID": str(ticket.id), **data})


def _customer_event(helpdesk: Helpdesk, ticket: Ticket, *, created: bool) -> None:
    # OTOBO 11's TicketCustomerSet also passes TicketCreated (1 from TicketCreate); Znuny passes TicketID only
    extra = {"TicketCreated": 1 if created else 0} if helpdesk.flavor.name == "otobo" else {}
    _fire(helpdesk, "TicketCustomerUpdate", ticket, **extra)


def create_ticket(
    helpdesk: Helpdesk,
    *,
    title: str,
    queue_id: int,
    state_id: int,
    priority_id: int,
    type_id: int,
    customer_user: str,
    customer_id: str,
    user_id: int,
    responsible_id: int = 1,
    service_id: int | None = None,
    sla_id: int | None = None,
    created: datetime | None = None,
) -> Ticket:
    """Create a ticket (owner 1, unlocked) with its NewTicket and CustomerUpdate history."""
    now = created or helpdesk.now()
    data = helpdesk.data
    ticket_id = data.next_ticket_id
    data.next_ticket_id += 1
    ticket = Ticket(
        id=ticket_id,
        number=helpdesk.new_ticket_number(),
        title=title,
        queue_id=queue_id,
        state_id=state_id,
        priority_id=priority_id,
        type_id=type_id,
        owner_id=1,
        responsible_id=responsible_id,
        customer_user=customer_user,
        customer_id=customer_id,
        created=now,
        changed=now,
        create_by=user_id,
        change_by=user_id,
        service_id=service_id,
        sla_id=sla_id,
        created_queue_id=queue_id,
        created_state_id=state_id,
        created_priority_id=priority_id,
        created_type_id=type_id,
    )
    data.tickets[ticket_id] = ticket
    data.ticket_numbers[ticket.number] = ticket_id
    queue = data.queues[queue_id].name
    priority = data.priorities[priority_id].name
    state = data.states[state_id]
    helpdesk.add_history(
        ticket, "NewTicket", f"%%{ticket.number}%%{queue}%%{priority}%%{state.name}%%{ticket_id}", user_id
    )
    helpdesk.add_history(
        ticket,
        "CustomerUpdate",
        f"%%CustomerID={customer_id};CustomerUser={customer_user};",
        user_id,
    )
    _customer_event(helpdesk, ticket, created=True)  # TicketCreate calls TicketCustomerSet before its own event
    if state.type_name in ("closed", "removed", "merged"):
        ticket.close_time = now
    _fire(helpdesk, "TicketCreate", ticket)
    return ticket


def set_title(helpdesk: Helpdesk, ticket: Ticket, title: str, user_id: int) -> None:
    old = ticket.title
    ticket.title = title
    _touch(helpdesk, ticket, user_id)
    helpdesk.add_history(ticket, "TitleUpdate", f"%%{old}%%{title}", user_id)
    _fire(helpdesk, "TicketTitleUpdate", ticket)


def set_queue(helpdesk: Helpdesk, ticket: Ticket, queue_id: int, user_id: int) -> None:
    queues = helpdesk.data.queues
    old = queues[ticket.queue_id]
    old_data = _old_ticket_data(helpdesk, ticket, with_dynamic_fields=False)
    ticket.queue_id = queue_id
    _touch(helpdesk, ticket, user_id)
    new = queues[queue_id]
    helpdesk.add_history(ticket, "Move", f"%%{new.name}%%{new.id}%%{old.name}%%{old.id}", user_id)
    _fire(helpdesk, "TicketQueueUpdate", ticket, OldTicketData=old_data)


def set_lock(helpdesk: Helpdesk, ticket: Ticket, lock_id: int, user_id: int) -> None:
    from otobo_znuny.emulator.state import LOCKS

    if ticket.lock_id == lock_id:
        return
    ticket.lock_id = lock_id
    _touch(helpdesk, ticket, user_id)
    name = LOCKS[lock_id]
    helpdesk.add_history(ticket, "Unlock" if name == "unlock" else "Lock", f"%%{name}", user_id)
    _fire(helpdesk, "TicketLockUpdate", ticket)


def set_type(helpdesk: Helpdesk, ticket: Ticket, type_id: int, user_id: int) -> None:
    types = helpdesk.data.types
    old = types[ticket.type_id]
    ticket.type_id = type_id
    _touch(helpdesk, ticket, user_id)
    new = types[type_id]
    helpdesk.add_history(ticket, "TypeUpdate", f"%%{new.name}%%{new.id}%%{old.name}%%{old.id}", user_id)
    _fire(helpdesk, "TicketTypeUpdate", ticket)


def set_pending_time(helpdesk: Helpdesk, ticket: Ticket, until: datetime | None, user_id: int) -> None:
    ticket.pending_until = until
    _touch(helpdesk, ticket, user_id)
    name = "%%00-00-00 00:00" if until is None else "%%" + until.strftime("%Y-%m-%d %H:%M")
    helpdesk.add_history(ticket, "SetPendingTime", name, user_id)
    _fire(helpdesk, "TicketPendingTimeUpdate", ticket)


def set_state(helpdesk: Helpdesk, ticket: Ticket, state_id: int, user_id: int) -> None:
    states = helpdesk.data.states
    old = states[ticket.state_id]
    new = states[state_id]
    old_data = _old_ticket_data(helpdesk, ticket, with_dynamic_fields=False)
    ticket.state_id = state_id
    _touch(helpdesk, ticket, user_id)
    helpdesk.add_history(ticket, "StateUpdate", f"%%{old.name}%%{new.name}%%", user_id)
    _fire(helpdesk, "TicketStateUpdate", ticket, OldTicketData=old_data)
    if new.type_name in ("closed", "removed", "merged"):
        ticket.close_time = helpdesk.now()
    # Event TicketPendingTimeReset: a non-pending state clears the pending time; Znuny writes the
    # SetPendingTime entry every time, OTOBO only when a pending time was set (see flavors).
    if not new.type_name.startswith("pending") and (
        helpdesk.flavor.pending_reset_always or ticket.pending_until is not None
    ):
        set_pending_time(helpdesk, ticket, None, user_id)


def set_service(helpdesk: Helpdesk, ticket: Ticket, service_id: int | None, user_id: int) -> None:
    ticket.service_id = service_id
    _touch(helpdesk, ticket, user_id)
    service = helpdesk.data.services.get(service_id or 0)
    helpdesk.add_history(ticket, "ServiceUpdate", f"%%{service.name if service else ''}%%{service_id or ''}", user_id)
    _fire(helpdesk, "TicketServiceUpdate", ticket)


def set_sla(helpdesk: Helpdesk, ticket: Ticket, sla_id: int | None, user_id: int) -> None:
    old_data = _old_ticket_data(helpdesk, ticket, with_dynamic_fields=False)
    ticket.sla_id = sla_id
    _touch(helpdesk, ticket, user_id)
    sla = helpdesk.data.slas.get(sla_id or 0)
    helpdesk.add_history(ticket, "SLAUpdate", f"%%{sla.name if sla else ''}%%{sla_id or ''}", user_id)
    _fire(helpdesk, "TicketSLAUpdate", ticket, OldTicketData=old_data)


def set_customer(helpdesk: Helpdesk, ticket: Ticket, customer_user: str, customer_id: str, user_id: int) -> None:
    ticket.customer_user = customer_user
    ticket.customer_id = customer_id
    _touch(helpdesk, ticket, user_id)
    helpdesk.add_history(ticket, "CustomerUpdate", f"%%CustomerID={customer_id};CustomerUser={customer_user};", user_id)
    _customer_event(helpdesk, ticket, created=False)


def set_priority(helpdesk: Helpdesk, ticket: Ticket, priority_id: int, user_id: int) -> None:
    priorities = helpdesk.data.priorities
    old = priorities[ticket.priority_id]
    ticket.priority_id = priority_id
    _touch(helpdesk, ticket, user_id)
    new = priorities[priority_id]
    helpdesk.add_history(ticket, "PriorityUpdate", f"%%{old.name}%%{old.id}%%{new.name}%%{new.id}", user_id)
    _fire(helpdesk, "TicketPriorityUpdate", ticket)


def set_owner(helpdesk: Helpdesk, ticket: Ticket, owner_id: int, user_id: int) -> None:
    ticket.owner_id = owner_id
    _touch(helpdesk, ticket, user_id)
    helpdesk.add_history(ticket, "OwnerUpdate", f"%%{helpdesk.user_name(owner_id)}%%{owner_id}", user_id)
    _fire(helpdesk, "TicketOwnerUpdate", ticket)


def set_responsible(helpdesk: Helpdesk, ticket: Ticket, responsible_id: int, user_id: int) -> None:
    ticket.responsible_id = responsible_id
    _touch(helpdesk, ticket, user_id)
    helpdesk.add_history(
        ticket,
        "ResponsibleUpdate",
        f"%%{helpdesk.user_name(responsible_id)}%%{responsible_id}",
        user_id,
    )
    _fire(helpdesk, "TicketResponsibleUpdate", ticket)


def set_ticket_dynamic_field(
    helpdesk: Helpdesk, ticket: Ticket, field_def: DynamicFieldDef, value: Any, user_id: int
) -> None:
    old = ticket.dynamic_fields.get(field_def.name)
    if value is None:
        ticket.dynamic_fields.pop(field_def.name, None)
    else:
        ticket.dynamic_fields[field_def.name] = value
    _touch(helpdesk, ticket, user_id)
    helpdesk.add_history(
        ticket,
        "TicketDynamicFieldUpdate",
        f"%%FieldName%%{field_def.name}%%Value%%{dynamic_fields.history_value(value)}"
        f"%%OldValue%%{dynamic_fields.history_value(old)}",
        user_id,
    )
    helpdesk.fire(
        f"TicketDynamicFieldUpdate_{field_def.name}",
        {
            "FieldName": field_def.name,
            "Value": dynamic_fields.to_wire(value),
            "OldValue": dynamic_fields.to_wire(old),
            "TicketID": str(ticket.id),
            "UserID": str(user_id),
        },
    )


def account_time(helpdesk: Helpdesk, ticket: Ticket, article_id: int, units: float, user_id: int) -> None:
    data = helpdesk.data
    data.time_accounting.append(TimeAccountingEntry(ticket.id, article_id, user_id, units, helpdesk.now()))
    total = data.time_unit_totals.get(ticket.id, 0) + units
    data.time_unit_totals[ticket.id] = total
    helpdesk.add_history(ticket, "TimeAccounting", f"%%{_num(units)}%%{_num(total)}", user_id, article_id=article_id)
    _fire(helpdesk, "TicketAccountTime", ticket, ArticleID=str(article_id))


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def create_article(
    helpdesk: Helpdesk,
    ticket: Ticket,
    article: ArticleInput,
    user_id: int,
    created: datetime | None = None,
) -> Article:
    """Store an article and its attachments; history entry, unlock-timeout reset, time accounting."""
    data = helpdesk.data
    now = created or helpdesk.now()
    old_data = _old_ticket_data(helpdesk, ticket, with_dynamic_fields=True)
    article_id = data.next_article_id
    data.next_article_id += 1
    stored = Article(
        id=article_id,
        ticket_id=ticket.id,
        sender_type_id=article.sender_type_id,
        channel_id=article.channel_id,
        is_visible_for_customer=article.is_visible_for_customer,
        from_=article.from_,
        to=article.to,
        cc=article.cc,
        bcc=article.bcc,
        reply_to=article.reply_to,
        subject=article.subject,
        body=article.body,
        content_type=article.content_type,
        charset=article.charset,
        mime_type=article.mime_type,
        created=now,
        create_by=user_id,
    )
    for index, attachment in enumerate(article.attachments, start=1):
        attachment.file_id = index
        stored.attachments.append(attachment)
    for field_def, value in article.dynamic_fields:
        if value is None:
            stored.dynamic_fields.pop(field_def.name, None)
        else:
            stored.dynamic_fields[field_def.name] = value
    data.articles[article_id] = stored
    ticket.article_ids.append(article_id)
    _touch(helpdesk, ticket, user_id)
    helpdesk.add_history(ticket, article.history_type, article.history_comment, user_id, article_id)
    _fire(helpdesk, "ArticleCreate", ticket, ArticleID=str(article_id), OldTicketData=old_data)
    if article.sender_type_id == 1 and article.is_visible_for_customer:
        ticket.unlock_timeout = epoch(now)
        helpdesk.add_history(ticket, "Misc", "Reset of unlock time.", user_id)
    if article.time_unit:
        stored.time_unit = article.time_unit
        account_time(helpdesk, ticket, article_id, article.time_unit, user_id)
    for field_def, value in article.dynamic_fields:  # the operations set article fields after the article
        if value is not None:
            helpdesk.fire(
                "ArticleDynamicFieldUpdate",
                {
                    "FieldName": field_def.name,
                    "Value": dynamic_fields.to_wire(value),
                    "OldValue": None,
                    "TicketID": str(ticket.id),
                    "ArticleID": str(article_id),
                    "UserID": str(user_id),
                },
            )
    return stored


def article_id_on_wire(article: Article) -> int | str:
    """The ArticleID a TicketCreate/TicketUpdate reply carries: a JSON string for an article from a
    customer, a number otherwise (Z3/Z4/Z10/Z34, O3/O4/O10/O34/O42; Z13/O13/O48 for updates).

    Both servers' ``MIMEBase.pm`` ArticleCreate compare ``$Article->{ArticleID} eq $ArticleID`` only
    for customer articles (the unlock-timeout check), and that string comparison makes JSON::XS
    encode the number as a string. The channel and dynamic fields play no part (O42: Email with
    dynamic fields gives a string; O4: Internal with dynamic fields a number).
    """
    return str(article.id) if article.sender_type_id == 3 else article.id
