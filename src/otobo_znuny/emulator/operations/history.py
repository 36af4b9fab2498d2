"""TicketHistoryGet (``Ticket::TicketHistoryGet``)."""

from __future__ import annotations

import re
from typing import Any

from otobo_znuny.emulator.operations.common import authenticate, ticket_permission
from otobo_znuny.emulator.state import HISTORY_TYPES, Helpdesk, fmt_time
from otobo_znuny.emulator.wire import OperationError, as_str, is_string_with_data, is_true

P = "TicketHistoryGet"
_DIGITS = re.compile(r"[0-9]+")


def run(helpdesk: Helpdesk, params: dict[str, Any]) -> dict[str, Any]:
    """Return ``{"TicketHistory": [{"TicketID": <id as requested>, "History": [...]}]}``; agents only."""
    caller = authenticate(helpdesk, params)
    if caller is None:
        raise OperationError(f"{P}.AuthFail", f"{P}: Authorization failing!")
    if caller.user_type != "User":
        raise OperationError(f"{P}.AuthFail", f"{P}: User needs to an Agent!")
    if not is_true(params.get("TicketID")):
        raise OperationError(f"{P}.MissingParameter", f"{P}: TicketID parameter is missing!")
    raw = params["TicketID"]
    # The reply echoes each requested ID as the request had it: the items of a split string are
    # strings (even for "TicketID": 2, Z16/O16), the items of a list keep their JSON type (O50).
    ids: list[Any]
    if isinstance(raw, list):
        if not raw or any(isinstance(i, (dict, list)) for i in raw):  # IsArrayRefWithData
            raise OperationError(f"{P}.WrongStructure", f"{P}: Structure for TicketID is not correct!")
        ids = list(raw)
    elif isinstance(raw, dict) or not is_string_with_data(raw):
        raise OperationError(f"{P}.WrongStructure", f"{P}: Structure for TicketID is not correct!")
    else:
        ids = as_str(raw).split(",")
    result = []
    for ticket_id in ids:
        text = as_str(ticket_id)
        ticket = helpdesk.data.tickets.get(int(text)) if _DIGITS.fullmatch(text) else None
        if ticket is None or not ticket_permission(helpdesk, caller, ticket, "ro"):
            raise OperationError(f"{P}.AccessDenied", f"{P}: User does not have access to the ticket {text}!")
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
