"""Znuny-only operations: TimeAccountingGet and User::OutOfOffice."""

from __future__ import annotations

import re
from typing import Any

from otobo_znuny.emulator.operations.common import authenticate
from otobo_znuny.emulator.state import Helpdesk, fmt_time, parse_time
from otobo_znuny.emulator.wire import OperationError, OperationFault, as_str, is_string_with_data, is_true


def time_accounting_get(helpdesk: Helpdesk, params: dict[str, Any]) -> dict[str, Any]:
    """Time accounting entries of one agent in a period; ``{}`` when there are none."""
    caller = authenticate(helpdesk, params)
    if caller is None:
        raise OperationError("TimeAccountingGet.AuthFail", "TimeAccountingGet: Authentication failed!")
    if caller.agent is None or not caller.agent.has("timeaccounting_webservice", "rw"):
        raise OperationError("TimeAccountingGet.NoPermission", "TimeAccountingGet: No permission!")
    for needed in ("TimeAccountingUserLogin", "TimeAccountingStart", "TimeAccountingEnd"):
        if not is_true(params.get(needed)):
            raise OperationError(
                "TimeAccountingGet.MissingParameter", f"TimeAccountingGet: {needed} parameter is missing!"
            )
    agent = helpdesk.agent_by_login(as_str(params["TimeAccountingUserLogin"]))
    start = parse_time(as_str(params["TimeAccountingStart"]))
    end = parse_time(as_str(params["TimeAccountingEnd"]))
    if agent is None or start is None or end is None:
        return {}
    data = helpdesk.data
    rows = []
    for entry in data.time_accounting:
        if entry.user_id != agent.id or not start <= entry.created <= end:
            continue
        ticket = data.tickets[entry.ticket_id]
        rows.append(
            {
                "Created": fmt_time(entry.created),
                "Queue": data.queues[ticket.queue_id].name,
                "TicketCustomerID": ticket.customer_id,
                "TicketNumber": ticket.number,
                "TicketTitle": ticket.title,
                "TimeUnit": f"{entry.time_unit:.2f}",
            }
        )
    return {"TimeAccountingResult": rows} if rows else {}


def out_of_office(helpdesk: Helpdesk, params: dict[str, Any]) -> dict[str, Any]:
    """Set agents' out-of-office preferences; needs ``rw`` on group ``admin``."""
    caller = authenticate(helpdesk, params)
    if caller is None:
        raise OperationError("OutOfOffice.AuthFail", "OutOfOffice: Authentication failed.")
    if caller.agent is None:
        raise OperationError("OutOfOffice.AuthFail", "OutOfOffice: User needs to be an agent.")
    if not caller.agent.has("admin", "rw"):
        raise OperationError("OutOfOffice.AuthFail", "OutOfOffice: User needs to be in group admin.")
    entries = params.get("OutOfOfficeEntries")
    if not isinstance(entries, list) or not entries:
        # Success => 0 in the Perl code: an HTTP 500 fault
        raise OperationFault("Payload does not contain out-of-office entries or they could not be parsed.")
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        matches = [
            a
            for a in helpdesk.data.agents.values()
            if (is_string_with_data(entry.get("UserLogin")) and a.login == as_str(entry["UserLogin"]))
            or (is_string_with_data(entry.get("UserEmail")) and a.email == as_str(entry["UserEmail"]))
            or (
                is_string_with_data(entry.get("UserSearch"))
                and as_str(entry["UserSearch"]).lower() in (a.login + " " + a.full_name).lower()
            )
        ]
        if len(matches) != 1:
            continue
        prefs = matches[0].preferences
        helpdesk.mark_agent(matches[0].id)
        for part in ("Start", "End"):
            found = re.search(r"(\d{4})-(\d{2})-(\d{2})", as_str(entry.get(part + "Date")))
            if not found:
                break
            prefs[f"OutOfOffice{part}Year"] = found.group(1)
            prefs[f"OutOfOffice{part}Month"] = found.group(2)
            prefs[f"OutOfOffice{part}Day"] = found.group(3)
        prefs["OutOfOffice"] = "1" if is_true(entry.get("OutOfOffice")) else "0"
    return {"Success": 1}
