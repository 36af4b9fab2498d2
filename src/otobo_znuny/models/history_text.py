"""The readable text of a history entry, as the agent interface shows it.

TicketHistoryGet returns the raw ``Name`` of an entry (``%%new%%open%%``: values separated by ``%%``).
The agent interface turns it into a sentence with one template per history type. The templates and
the rules below are Znuny 7.0.19's: ``Ticket::Frontend::HistoryTypes###000-Framework`` in
``Kernel/Config/Files/XML/Ticket.xml`` and ``Kernel/Modules/AgentTicketHistory.pm`` (strip the leading
``%%``, split on ``%%`` dropping trailing empty values, reorder two types, fill ``%s`` in turn with
``Kernel::Language::Translate``, remove the ``%s`` left over). The OTOBO 11 recording has the same raw
names (exchange 16 of both recordings).
"""

from __future__ import annotations

import re

__all__ = ["HISTORY_TEMPLATES", "history_text"]

HISTORY_TEMPLATES: dict[str, str] = {
    "AddNote": "Added note (%s).",
    "ArchiveFlagUpdate": 'Changed archive state to "%s".',
    "Bounce": 'Bounced to "%s".',
    "CustomerUpdate": 'Changed customer to "%s".',
    "EmailAgent": "Sent email to customer.",
    "EmailCustomer": "Added email. %s",
    "EscalationResponseTimeNotifyBefore": "Notified about response time escalation.",
    "EscalationResponseTimeStart": "Started response time escalation.",
    "EscalationResponseTimeStop": "Stopped response time escalation.",
    "EscalationSolutionTimeNotifyBefore": "Notified about solution time escalation.",
    "EscalationSolutionTimeStart": "Started solution time escalation.",
    "EscalationSolutionTimeStop": "Stopped solution time escalation.",
    "EscalationUpdateTimeNotifyBefore": "Notified about update time escalation.",
    "EscalationUpdateTimeStart": "Started update time escalation.",
    "EscalationUpdateTimeStop": "Stopped update time escalation.",
    "FollowUp": "Added follow-up to ticket [%s]. %s",
    "Forward": 'Forwarded to "%s".',
    "Lock": "Locked ticket.",
    "LoopProtection": 'Loop protection: no auto-response sent to "%s".',
    "Merged": "Merged Ticket (%s/%s) to (%s/%s).",
    "Misc": "%s",
    "Move": 'Changed queue to "%s" (%s) from "%s" (%s).',
    "NewTicket": 'Created ticket [%s] in "%s" with priority "%s" and state "%s".',
    "OwnerUpdate": 'Changed owner to "%s" (%s).',
    "PhoneCallAgent": "Added phone call to customer.",
    "PhoneCallCustomer": "Added phone call from customer.",
    "PriorityUpdate": 'Changed priority from "%s" (%s) to "%s" (%s).',
    "Remove": "%s",
    "EmailResend": 'Resent email to "%s".',
    "ResponsibleUpdate": 'Changed responsible to "%s" (%s).',
    "SendAgentNotification": 'Sent "%s" notification to "%s" via "%s".',
    "SendAnswer": 'Sent email to "%s".',
    "SendAutoFollowUp": 'Sent auto follow-up to "%s".',
    "SendAutoReject": 'Sent auto reject to "%s".',
    "SendAutoReply": 'Sent auto reply to "%s".',
    "SendCustomerNotification": 'Sent notification to "%s".',
    "ServiceUpdate": 'Changed service to "%s" (%s).',
    "SetPendingTime": 'Changed pending time to "%s".',
    "SLAUpdate": 'Changed SLA to "%s" (%s).',
    "StateUpdate": 'Changed state from "%s" to "%s".',
    "Subscribe": 'Added subscription for user "%s".',
    "SystemRequest": "Added system request (%s).",
    "TicketDynamicFieldUpdate": 'Changed dynamic field %s from "%s" to "%s".',
    "TicketLinkAdd": 'Added link to ticket "%s".',
    "TicketLinkDelete": 'Deleted link to ticket "%s".',
    "TimeAccounting": "Added %s time unit(s), for a total of %s time unit(s).",
    "TitleUpdate": 'Changed title from "%s" to "%s".',
    "TypeUpdate": 'Changed type from "%s" (%s) to "%s" (%s).',
    "Unlock": "Unlocked ticket.",
    "Unsubscribe": 'Removed subscription for user "%s".',
    "WebRequestCustomer": "Added web request from customer.",
}
"""History type -> the agent interface's English sentence (Znuny 7.0.19)."""

_PLACEHOLDER = re.compile(r"%[sd]")


def _perl_split(text: str) -> list[str]:
    """``split(/%%/, text)`` as Perl does it: trailing empty fields are dropped."""
    values = text.split("%%")
    while values and values[-1] == "":
        values.pop()
    return values


def history_text(history_type: str, name: str) -> str:
    """The sentence the agent interface shows for a history entry (``name`` unchanged when it carries no
    ``%%`` values, or when the type has no template)."""
    if not name.startswith("%%"):
        return name
    values = _perl_split(name[2:])
    if history_type == "TicketDynamicFieldUpdate":
        values = [_at(values, 1), _at(values, 5), _at(values, 3)]
    elif history_type == "TypeUpdate":
        values = [_at(values, 2), _at(values, 3), _at(values, 0), _at(values, 1)]
    text = HISTORY_TEMPLATES.get(history_type)
    if text is None:
        return " ".join(value for value in values if value) or history_type
    for value in values:
        found = _PLACEHOLDER.search(text)
        if found is None:
            break
        text = text[: found.start()] + value + text[found.end() :]
    return _PLACEHOLDER.sub("", text)


def _at(values: list[str], index: int) -> str:
    return values[index] if index < len(values) else ""
