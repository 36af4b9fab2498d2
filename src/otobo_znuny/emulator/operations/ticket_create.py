"""TicketCreate (``Ticket::TicketCreate``)."""

from __future__ import annotations

from typing import Any

from otobo_znuny.emulator.operations import ticket_core
from otobo_znuny.emulator.operations.common import (
    authenticate,
    lookup_agent,
    lookup_lock,
    lookup_priority,
    lookup_queue,
    lookup_state,
    lookup_type,
    missing_credentials,
    queue_permission,
    trim,
)
from otobo_znuny.emulator.operations.ticket_input import (
    as_items,
    check_article,
    check_attachments,
    check_dynamic_fields,
    check_sla,
    check_ticket_fields,
    lookup_service,
    pending_time,
    valid_customer,
)
from otobo_znuny.emulator.state import Helpdesk
from otobo_znuny.emulator.wire import OperationError, as_str, is_true

P = "TicketCreate"


def _missing(message: str) -> OperationError:
    return OperationError(f"{P}.MissingParameter", f"{P}: {message}")


def _invalid(message: str) -> OperationError:
    return OperationError(f"{P}.InvalidParameter", f"{P}: {message}")


def run(helpdesk: Helpdesk, params: dict[str, Any]) -> dict[str, Any]:
    """Create a ticket with one article (or a list of articles); raises OperationError."""
    problem = missing_credentials(P, params)
    if problem:
        raise OperationError(*problem)
    caller = authenticate(helpdesk, params)
    if caller is None:
        raise OperationError(f"{P}.AuthFail", f"{P}: User could not be authenticated!")
    raw_ticket = params.get("Ticket")
    if not isinstance(raw_ticket, dict) or not raw_ticket:
        raise _missing("Ticket parameter is missing or not valid!")
    raw_articles = params.get("Article")
    if isinstance(raw_articles, dict) and raw_articles:
        article_list = [raw_articles]
    elif (
        helpdesk.flavor.article_lists
        and isinstance(raw_articles, list)
        and raw_articles
        and all(isinstance(a, dict) and a for a in raw_articles)
    ):
        article_list = list(raw_articles)
    else:
        raise _missing("Article parameter is missing or not valid!")
    for optional in ("DynamicField", "Attachment"):
        value = params.get(optional)
        if value is not None and not (isinstance(value, (dict, list)) and value):
            raise _missing(f"{optional} parameter is missing or not valid!")

    ticket = trim(raw_ticket)
    if not is_true(ticket.get("Title")):
        raise _missing("Ticket->Title parameter is missing!")
    if not is_true(ticket.get("CustomerUser")):
        raise _missing("Ticket->CustomerUser parameter is missing!")
    customer_user = as_str(ticket["CustomerUser"])
    if not valid_customer(helpdesk, customer_user):
        raise _invalid("Ticket->CustomerUser parameter is invalid!")
    for id_key, name_key in (("QueueID", "Queue"), ("StateID", "State"), ("PriorityID", "Priority")):
        if not is_true(ticket.get(id_key)) and not is_true(ticket.get(name_key)):
            raise _missing(f"Ticket->{id_key} or Ticket->{name_key} parameter is required!")
    check_ticket_fields(helpdesk, P, ticket)
    queue = lookup_queue(helpdesk, ticket)
    state = lookup_state(helpdesk, ticket)
    priority = lookup_priority(helpdesk, ticket)
    # the checks above rejected missing, unknown and invalid queues, states and priorities
    assert queue is not None
    assert state is not None
    assert priority is not None
    ticket_type = lookup_type(helpdesk, ticket)
    if not queue_permission(caller, queue, "create"):
        raise OperationError(f"{P}.AccessDenied", f"{P}: Can not create tickets in given Queue or QueueID!")
    articles = [check_article(helpdesk, P, a, caller, create=True) for a in article_list]
    field_values = []
    if params.get("DynamicField") is not None:
        items = as_items(P, params["DynamicField"], "DynamicField")
        field_values = check_dynamic_fields(helpdesk, P, items, has_article=True)
    attachments = []
    if params.get("Attachment") is not None:
        attachments = check_attachments(P, as_items(P, params["Attachment"], "Attachment"))

    # ---- write
    user_id = caller.user_id
    customer = helpdesk.data.customers.get(customer_user)
    customer_id = as_str(ticket.get("CustomerID")) or (customer.customer_id if customer else customer_user)
    service_id = (
        lookup_service(helpdesk, ticket, customer_user)
        if is_true(ticket.get("ServiceID") or ticket.get("Service"))
        else None
    )
    sla_id = (
        check_sla(helpdesk, P, ticket, service_id, customer_user)
        if is_true(ticket.get("SLAID") or ticket.get("SLA"))
        else None
    )
    owner = lookup_agent(helpdesk, ticket, "OwnerID", "Owner")
    responsible = lookup_agent(helpdesk, ticket, "ResponsibleID", "Responsible")
    new = ticket_core.create_ticket(
        helpdesk,
        title=as_str(ticket["Title"]),
        queue_id=queue.id,
        state_id=state.id,
        priority_id=priority.id,
        type_id=ticket_type.id if ticket_type else 1,
        customer_user=customer_user,
        customer_id=customer_id,
        user_id=user_id,
        responsible_id=responsible.id if responsible else 1,
        service_id=service_id,
        sla_id=sla_id,
    )
    if state.type_name.startswith("pending") and is_true(ticket.get("PendingTime")):
        until = pending_time(P, ticket["PendingTime"], helpdesk.now())
        ticket_core.set_pending_time(helpdesk, new, until, user_id)
    for field_def, value in field_values:
        if field_def.object_type == "Ticket" and value is not None:
            ticket_core.set_ticket_dynamic_field(helpdesk, new, field_def, value, user_id)
    article_ids: list[int | str] = []
    for article in articles:
        if not article.from_:
            article.from_ = f'"{customer.full_name}" <{customer.email}>' if customer else customer_user
        article.to = queue.name
        article.attachments = [
            type(a)(a.file_id, a.filename, a.content, a.content_type, a.disposition, a.content_id) for a in attachments
        ]
        article.dynamic_fields = [(f, v) for f, v in field_values if f.object_type == "Article"]
        article_ids.append(ticket_core.article_id_on_wire(ticket_core.create_article(helpdesk, new, article, user_id)))
    target_owner = owner.id if owner else (caller.agent.id if caller.agent else 1)
    if target_owner != new.owner_id:
        ticket_core.set_owner(helpdesk, new, target_owner, user_id)
    lock_id = lookup_lock(ticket)
    if lock_id is not None:
        ticket_core.set_lock(helpdesk, new, lock_id, user_id)
    elif owner is not None:
        ticket_core.set_lock(helpdesk, new, 2, user_id)
    if state.type_name.startswith("closed"):
        ticket_core.set_lock(helpdesk, new, 1, user_id)

    article_id: Any = article_ids if len(article_ids) > 1 else article_ids[0]
    return {"ArticleID": article_id, "TicketID": str(new.id), "TicketNumber": new.number}
