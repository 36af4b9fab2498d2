"""``TicketDeepGet``: the ``Ticket`` that Znuny's ``Ticket::Generic`` invoker sends with every event
(Znuny 7.0.19 ``Kernel/System/Ticket.pm`` TicketDeepGet, ``Kernel/GenericInterface/Invoker/Ticket/Generic.pm``).

Its structure: the ticket's ``TicketGet(DynamicFields => 1, Extended => 1)`` keys with flat
``DynamicField_<Name>`` values and ``TimeUnit``; ``Articles`` (every article, with its dynamic
fields); ``Article`` (the event's article, else the only one, else ``{}``) with its attachments in
base64; and the ``CustomerUser``, ``CustomerCompany``, ``QueueData``, ``OwnerData``,
``ResponsibleData``, ``CreateByData``, ``TypeData``, ``PriorityData``, ``ServiceData`` and
``SLAData`` hashes (``{}`` when not set). The emulator fills those hashes with the attributes it keeps,
fewer than a server has (no preferences, no company address). Caller holds ``helpdesk.lock``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from otobo_znuny.emulator import dynamic_fields
from otobo_znuny.emulator.operations.ticket_get import article_to_wire, ticket_to_wire
from otobo_znuny.emulator.state import Agent, Article, Helpdesk
from otobo_znuny.emulator.wire import is_digits

__all__ = ["deep_ticket"]


def _id(value: Any) -> int | None:
    text = str(value if value is not None else "").strip()
    return int(text) if is_digits(text) else None


def _article(helpdesk: Helpdesk, article: Article, number: int, *, attachments: bool) -> dict[str, Any]:
    wire = article_to_wire(helpdesk, article, number, with_dynamic_fields=False, attachments=attachments, contents=True)
    for field_def in helpdesk.dynamic_fields_sorted("Article"):
        wire[f"DynamicField_{field_def.name}"] = dynamic_fields.to_wire(article.dynamic_fields.get(field_def.name))
    return wire


def _user(agent: Agent | None) -> dict[str, Any]:
    if agent is None:
        return {}
    return {
        "UserID": agent.id,
        "UserLogin": agent.login,
        "UserFirstname": agent.first_name,
        "UserLastname": agent.last_name,
        "UserFullname": agent.full_name,
        "UserEmail": agent.email,
        "ValidID": 1 if agent.valid else 2,
    }


def deep_ticket(helpdesk: Helpdesk, ticket_id: Any, article_id: Any = None) -> dict[str, Any]:
    """The ticket as ``TicketDeepGet`` returns it, or ``{}`` when the event names no existing ticket."""
    data = helpdesk.data
    ticket = data.tickets.get(_id(ticket_id) or 0)
    if ticket is None:
        return {}
    result = ticket_to_wire(helpdesk, ticket, with_dynamic_fields=False, extended=True)
    for field_def in helpdesk.dynamic_fields_sorted("Ticket"):
        result[f"DynamicField_{field_def.name}"] = dynamic_fields.to_wire(ticket.dynamic_fields.get(field_def.name))
    articles = [(number, data.articles[aid]) for number, aid in enumerate(ticket.article_ids, start=1)]
    result["Articles"] = [_article(helpdesk, article, number, attachments=False) for number, article in articles]
    wanted = _id(article_id)
    chosen = next(((n, a) for n, a in articles if a.id == wanted), None)
    if chosen is None and len(articles) == 1:
        chosen = articles[0]
    result["Article"] = _article(helpdesk, chosen[1], chosen[0], attachments=True) if chosen else {}
    customer = data.customers.get(ticket.customer_user)
    result["CustomerUser"] = (
        {
            "UserLogin": customer.login,
            "UserFirstname": customer.first_name,
            "UserLastname": customer.last_name,
            "UserFullname": customer.full_name,
            "UserEmail": customer.email,
            "UserCustomerID": customer.customer_id,
            "ValidID": 1 if customer.valid else 2,
        }
        if customer
        else {}
    )
    result["CustomerCompany"] = {"CustomerID": ticket.customer_id} if ticket.customer_id else {}
    queue = data.queues[ticket.queue_id]
    result["QueueData"] = {
        "QueueID": queue.id,
        "Name": queue.name,
        "GroupID": helpdesk.group_id(queue.group),
        "ValidID": 1 if queue.valid else 2,
    }
    ticket_type = data.types.get(ticket.type_id)
    result["TypeData"] = {"ID": ticket_type.id, "Name": ticket_type.name} if ticket_type else {}
    priority = data.priorities.get(ticket.priority_id)
    result["PriorityData"] = {"ID": priority.id, "Name": priority.name} if priority else {}
    service = data.services.get(ticket.service_id or 0)
    result["ServiceData"] = {"ServiceID": service.id, "Name": service.name} if service else {}
    sla = data.slas.get(ticket.sla_id or 0)
    result["SLAData"] = {"SLAID": sla.id, "Name": sla.name} if sla else {}
    result["OwnerData"] = _user(data.agents.get(ticket.owner_id))
    result["ResponsibleData"] = _user(data.agents.get(ticket.responsible_id))
    result["CreateByData"] = _user(data.agents.get(ticket.create_by))
    if result.get("UntilTime"):  # Generic.pm: now + UntilTime as Kernel::System::DateTime->Get() parts
        until = helpdesk.now() + timedelta(seconds=int(result["UntilTime"]))
        result["UntilTimeDateTimeParts"] = {
            "Year": until.year,
            "Month": until.month,
            "Day": until.day,
            "Hour": until.hour,
            "Minute": until.minute,
            "Second": until.second,
            "DayOfWeek": until.isoweekday(),
            "TimeZone": "UTC",
        }
    return result
