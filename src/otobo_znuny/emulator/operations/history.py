"""TicketHistoryGet (``Ticket::TicketHistoryGet``)."""

from __future__ import annotations

from typing import Any

from otobo_znuny.emulator.operations.common import authenticate, ticket_permission
from otobo_znuny.emulator.state import HISTORY_TYPES, Helpdesk, fmt_time
from otobo_znuny.emulator.wire import OperationError, as_str, is_true

P = "TicketHistoryGet"


def run(helpdesk: Helpdesk, params: dict[str, Any]) -> dict[str, Any]:
    """Return ``{"TicketHistory": [{"TicketID": "<id>", "History": [...]}]}``; agents only."""
    caller = authenticate(helpdesk, params)
    if caller is None:
        raise OperationError(f"{P}.AuthFail", f"{P}: Authorization failing!")
    if caller.user_type != "User":
        raise OperationError(f"{P}.AuthFail", f"{P}: User needs to an Agent!")
    if not is_true(params.get("TicketID")):
        raise OperationError(f"{P}.MissingParameter", f"{P}: TicketID parameter is missing!")
    raw = params["TicketID"]
    if isinstance(raw, list):
        if any(isinstance(i, (dict, list)) for i in raw):
            raise OperationError(f"{P}.WrongStructure", f"{P}: Structure for TicketID is not correct!")
        ids = [as_str(i) for i in raw]
    elif isinstance(raw, dict):
        raise OperationError(f"{P}.WrongStructure", f"{P}: Structure for TicketID is not correct!")
    else:
        ids = as_str(raw).split(",")
    result = []
    for ticket_id in ids:
        ticket = helpdesk.data.tickets.get(int(ticket_id)) if ticket_id.isdigit() else None
        if ticket is None or not ticket_permission(helpdesk, caller, ticket, "ro"):
            raise OperationError(f"{P}.AccessDenied", f"{P}: User does not have access to the ticket {ticket_id}!")
        history = [
            {
                "ArticleID": entry.article_id,
                "CreateBy": entry.create_by,
                "CreateTime": fmt_time(entry.created),
                "HistoryType": entry.history_type,
                "HistoryTypeID": HISTORY_TYPES[entry.history_type],
                "Name": entry.name,
                "OwnerID": entry.owner_id,
                "PriorityID": entry.priority_id,
                "QueueID": entry.queue_id,
                "StateID": entry.state_id,
                "TicketID": ticket_id,
                "TypeID": entry.type_id,
            }
            for entry in ticket.history
        ]
        if not history:
            raise OperationError(f"{P}.NotTicketData", f"{P}: Could not get Ticket data!")
        result.append({"History": history, "TicketID": ticket_id})
    return {"TicketHistory": result}
