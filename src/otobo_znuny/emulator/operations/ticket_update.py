"""TicketUpdate (``Ticket::TicketUpdate``): partial update, optional article, dynamic fields."""

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
    ticket_permission,
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
)
from otobo_znuny.emulator.state import Helpdesk, Ticket
from otobo_znuny.emulator.wire import OperationError, as_str, is_digits, is_true

P = "TicketUpdate"


def _no_access() -> OperationError:
    """A new error per raise: a shared instance would keep growing its ``__traceback__``."""
    return OperationError(f"{P}.AccessDenied", f"{P}: User does not have access to the ticket!")


def _denied(what: str) -> OperationError:
    return OperationError(f"{P}.AccessDenied", f"{P}: Does not have permissions to {what}!")


def _find_ticket(helpdesk: Helpdesk, params: dict[str, Any]) -> Ticket | None:
    if is_true(params.get("TicketNumber")):
        return helpdesk.ticket_by_number(as_str(params["TicketNumber"]))
    raw = as_str(params.get("TicketID"))
    return helpdesk.data.tickets.get(int(raw)) if is_digits(raw) else None


def run(helpdesk: Helpdesk, params: Any) -> dict[str, Any]:
    """Update a ticket; raises OperationError."""
    if not isinstance(params, dict) or not params:
        raise OperationError(f"{P}.EmptyRequest", f"{P}: The request data is invalid!")
    if not is_true(params.get("TicketID")) and not is_true(params.get("TicketNumber")):
        raise OperationError(f"{P}.MissingParameter", f"{P}: TicketID or TicketNumber is required!")
    problem = missing_credentials(P, params)
    if problem:
        raise OperationError(*problem)
    caller = authenticate(helpdesk, params)
    if caller is None:
        raise OperationError(f"{P}.AuthFail", f"{P}: User could not be authenticated!")
    current = _find_ticket(helpdesk, params)
    # Znuny 7.1.4+ checks rw here, OTOBO (and Znuny 7.0) ro: flavor.ticket_update_permission
    if current is None or not ticket_permission(helpdesk, caller, current, helpdesk.flavor.ticket_update_permission):
        raise _no_access()
    for optional in ("Ticket", "Article"):
        value = params.get(optional)
        if value is not None and not (isinstance(value, dict) and value):
            # as TicketCreate: a list of articles must hold only non-empty objects
            if (
                optional == "Article"
                and helpdesk.flavor.article_lists
                and isinstance(value, list)
                and value
                and all(isinstance(a, dict) and a for a in value)
            ):
                continue
            raise OperationError(f"{P}.InvalidParameter", f"{P}: {optional} parameter is not valid!")
    for optional in ("DynamicField", "Attachment"):
        value = params.get(optional)
        if value is not None and not (isinstance(value, (dict, list)) and value):
            raise OperationError(f"{P}.MissingParameter", f"{P}: {optional} parameter is missing or not valid!")

    ticket: dict[str, Any] = trim(params["Ticket"]) if params.get("Ticket") is not None else {}
    if ticket:
        check_ticket_fields(helpdesk, P, ticket, current_customer=current.customer_user)
    raw_articles = params.get("Article")
    article_list = [raw_articles] if isinstance(raw_articles, dict) else list(raw_articles) if raw_articles else []
    articles = [check_article(helpdesk, P, a, caller, create=False) for a in article_list]
    field_values = []
    if params.get("DynamicField") is not None:
        items = as_items(P, params["DynamicField"], "DynamicField", update=True)
        field_values = check_dynamic_fields(helpdesk, P, items, has_article=bool(articles))
    attachments = []
    if params.get("Attachment") is not None:
        items = as_items(P, params["Attachment"], "Attachment", update=True)
        if not articles:
            raise OperationError(f"{P}.MissingParameter", f"{P}: To create an attachment an article is needed!")
        attachments = check_attachments(P, items)

    # ---- permissions of the individual changes
    if articles and not ticket_permission(helpdesk, caller, current, "note"):
        raise _denied("create new articles")
    if field_values and not ticket_permission(helpdesk, caller, current, "rw"):
        raise _denied("update dynamic fields")
    checks = (
        (("Queue", "QueueID"), "move_into", "update queue"),
        (("Owner", "OwnerID"), "owner", "update owner"),
        (("Responsible", "ResponsibleID"), "responsible", "update responsibe"),
        (("Priority", "PriorityID"), "priority", "update priority"),
    )
    for keys, permission, what in checks:
        if any(is_true(ticket.get(k)) for k in keys) and not ticket_permission(helpdesk, caller, current, permission):
            raise _denied(what)
    new_state = lookup_state(helpdesk, ticket) if ticket else None
    if (
        new_state is not None
        and new_state.type_name.startswith(("close", "pending"))
        and not ticket_permission(helpdesk, caller, current, "close")
    ):
        raise _denied("update state")

    _apply(helpdesk, current, ticket, caller.user_id)
    user_id = caller.user_id
    article_ids: list[int | str] = []
    for index, article in enumerate(articles):
        if not article.from_:
            if caller.agent is not None:
                article.from_ = caller.agent.full_name
            elif caller.customer is not None:
                article.from_ = f'"{caller.customer.full_name}" <{caller.customer.email}>'
        if not article.to and article.channel_id == 1:
            # only an e-mail article gets a default To (the customer); others keep none (O44)
            customer = helpdesk.data.customers.get(current.customer_user)
            article.to = f'"{customer.full_name}" <{customer.email}>' if customer is not None else current.customer_user
        if index == 0:
            article.attachments = attachments
            article.dynamic_fields = [(f, v) for f, v in field_values if f.object_type == "Article"]
        article_ids.append(
            ticket_core.article_id_on_wire(ticket_core.create_article(helpdesk, current, article, user_id))
        )
    for field_def, value in field_values:
        if field_def.object_type == "Ticket" and current.dynamic_fields.get(field_def.name) != value:
            ticket_core.set_ticket_dynamic_field(helpdesk, current, field_def, value, user_id)

    reply: dict[str, Any] = {
        "TicketID": params["TicketID"]
        if "TicketID" in params and not is_true(params.get("TicketNumber"))
        else current.id,
        "TicketNumber": current.number,
    }
    if len(article_ids) == 1:
        reply["ArticleID"] = article_ids[0]
    elif article_ids:
        reply["ArticleIDs"] = article_ids
    return reply


def _apply(helpdesk: Helpdesk, current: Ticket, ticket: dict[str, Any], user_id: int) -> None:
    """The attribute updates in the order of Znuny's ``_TicketUpdate``."""
    data = helpdesk.data
    title = as_str(ticket.get("Title"))
    if title and title != current.title:
        ticket_core.set_title(helpdesk, current, title, user_id)
    queue = lookup_queue(helpdesk, ticket)
    if queue is not None and queue.id != current.queue_id:
        ticket_core.set_queue(helpdesk, current, queue.id, user_id)
    lock_id = lookup_lock(ticket)
    if lock_id is not None and lock_id != current.lock_id:
        ticket_core.set_lock(helpdesk, current, lock_id, user_id)
    ticket_type = lookup_type(helpdesk, ticket)
    if ticket_type is not None and ticket_type.id != current.type_id:
        ticket_core.set_type(helpdesk, current, ticket_type.id, user_id)
    state = lookup_state(helpdesk, ticket)
    if state is not None:
        if state.type_name.startswith("close"):
            ticket_core.set_lock(helpdesk, current, 1, user_id)
        elif state.type_name.startswith("pending"):
            if ticket.get("PendingTime") is None:
                raise OperationError(
                    f"{P}.MissingParameter", "Can't set a ticket on a pending state without pendig time!"
                )
            until = pending_time(P, ticket["PendingTime"], helpdesk.now())
            ticket_core.set_pending_time(helpdesk, current, until, user_id)
        if state.id != current.state_id:
            ticket_core.set_state(helpdesk, current, state.id, user_id)
    if is_true(ticket.get("Service")) or is_true(ticket.get("ServiceID")):
        service_id = lookup_service(helpdesk, ticket, as_str(ticket.get("CustomerUser")) or current.customer_user)
        if current.sla_id is not None and service_id not in data.slas[current.sla_id].service_ids:
            ticket_core.set_sla(helpdesk, current, None, user_id)
        if service_id != current.service_id:
            ticket_core.set_service(helpdesk, current, service_id, user_id)
    if is_true(ticket.get("SLA")) or is_true(ticket.get("SLAID")):
        sla_customer = as_str(ticket.get("CustomerUser")) or current.customer_user
        sla_id = check_sla(helpdesk, P, ticket, current.service_id, sla_customer)
        if sla_id != current.sla_id:
            ticket_core.set_sla(helpdesk, current, sla_id, user_id)
    if is_true(ticket.get("CustomerUser")) or is_true(ticket.get("CustomerID")):
        customer_user = as_str(ticket.get("CustomerUser"))
        customer = data.customers.get(customer_user)
        customer_id = as_str(ticket.get("CustomerID")) or (customer.customer_id if customer else "")
        if (customer_user, customer_id) != (current.customer_user, current.customer_id):
            ticket_core.set_customer(helpdesk, current, customer_user, customer_id, user_id)
    priority = lookup_priority(helpdesk, ticket)
    if priority is not None and priority.id != current.priority_id:
        ticket_core.set_priority(helpdesk, current, priority.id, user_id)
    owner = lookup_agent(helpdesk, ticket, "OwnerID", "Owner")
    if owner is not None and owner.id != current.owner_id:
        ticket_core.set_owner(helpdesk, current, owner.id, user_id)
    responsible = lookup_agent(helpdesk, ticket, "ResponsibleID", "Responsible")
    if responsible is not None and responsible.id != current.responsible_id:
        ticket_core.set_responsible(helpdesk, current, responsible.id, user_id)
