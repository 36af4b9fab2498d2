"""Test-side inverse of the request mapping: wire parameters back to domain models.

Written from the wire contract (CONTRACT.md §4), not from the declared key tables (``wire.keys``), so a
wrong key on either side shows up as a failed round trip: an inverse that read the same tables would
round-trip a wrong key unnoticed. (The tables themselves are checked against the recorded exchanges
and the contract in ``tests/bulk/test_reply_readers.py``.) Every function refuses keys it does not know.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime, timedelta, tzinfo
from typing import Any

from otobo_znuny.models.base import CLEAR, IdName
from otobo_znuny.models.search import DynamicFieldFilter, TicketSearch, TimeFilter
from otobo_znuny.models.ticket import Article, Attachment, TicketCreate, TicketUpdate

__all__ = [
    "article_from_request",
    "attachment_from_request",
    "search_from_wire",
    "server_time",
    "ticket_create_from_wire",
    "ticket_update_from_wire",
]

_SERVER_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")

# CONTRACT §4.3: string-or-list parameters of TicketSearch, by domain field.
_SEARCH_STRINGS = {
    "TicketNumber": "ticket_numbers",
    "Title": "titles",
    "CustomerID": "customer_ids",
    "CustomerIDRaw": "customer_id_raw",
    "CustomerUserLogin": "customer_users",
    "StateType": "state_types",
}
_SEARCH_NAMES = {
    "Queues": "queues",
    "States": "states",
    "Priorities": "priorities",
    "Types": "types",
    "Services": "services",
    "SLAs": "slas",
    "Locks": "locks",
}
_SEARCH_IDS = {
    "QueueIDs": "queues",
    "StateIDs": "states",
    "PriorityIDs": "priorities",
    "TypeIDs": "types",
    "ServiceIDs": "services",
    "SLAIDs": "slas",
    "LockIDs": "locks",
    "OwnerIDs": "owners",
    "ResponsibleIDs": "responsibles",
    "WatchUserIDs": "watchers",
    "CreatedUserIDs": "created_by",
}
_TIME_PREFIXES = {
    "TicketCreateTime": "created",
    "TicketChangeTime": "changed",
    "TicketLastChangeTime": "last_changed",
    "TicketCloseTime": "closed",
    "TicketPendingTime": "pending",
    "ArticleCreateTime": "article_created",
    "TicketEscalationTime": "escalation",
    "TicketEscalationUpdateTime": "escalation_update",
    "TicketEscalationResponseTime": "escalation_response",
    "TicketEscalationSolutionTime": "escalation_solution",
}
_ARTICLE_TEXT = {
    "MIMEBase_From": "article_from",
    "MIMEBase_To": "article_to",
    "MIMEBase_Cc": "article_cc",
    "MIMEBase_Subject": "article_subject",
    "MIMEBase_Body": "article_body",
}
_DF_OPERATORS = {
    "Equals": "equals",
    "Like": "like",
    "GreaterThan": "greater_than",
    "GreaterThanEquals": "greater_than_equals",
    "SmallerThan": "smaller_than",
    "SmallerThanEquals": "smaller_than_equals",
}
_TIME_PARAMETER = re.compile(r"^(?P<prefix>\w+Time)(?P<relation>Newer|Older)(?P<unit>Minutes|Date)$")


def server_time(value: str, tz: tzinfo) -> datetime:
    """``"2026-11-22 23:35:50"`` read as a time in the server's zone."""
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=tz)


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _df_value(value: Any, tz: tzinfo) -> Any:
    if isinstance(value, str) and _SERVER_TIME.match(value):
        return server_time(value, tz)
    return value


def search_from_wire(wire: dict[str, Any], tz: tzinfo) -> TicketSearch:
    """TicketSearch parameters -> ``TicketSearch``.

    Raises:
        AssertionError: a key the contract does not list, or an ID and a name list for one field.
    """
    fields: dict[str, Any] = {}
    windows: dict[str, dict[str, Any]] = {}
    for key, value in wire.items():
        if key == "TicketID":
            fields["ticket_ids"] = [int(item) for item in _listed(value)]
        elif key in _SEARCH_STRINGS:
            fields[_SEARCH_STRINGS[key]] = _listed(value)
        elif key in _SEARCH_NAMES or key in _SEARCH_IDS:
            field = _SEARCH_NAMES.get(key) or _SEARCH_IDS[key]
            assert field not in fields, f"{field} sent both by name and by ID"
            fields[field] = _listed(value)
        elif key == "UseSubQueues":
            assert value == 1
            fields["use_sub_queues"] = True
        elif key in _ARTICLE_TEXT:
            fields[_ARTICLE_TEXT[key]] = value
        elif key in ("ContentSearch", "Fulltext", "SearchInArchive", "Limit"):
            fields[{"ContentSearch": "content_search", "Fulltext": "fulltext"}.get(key, key)] = value
        elif key == "SortBy":
            fields["sort_by"] = _listed(value)
        elif key == "OrderBy":
            fields["order_by"] = _listed(value)
        elif key.startswith("DynamicField_"):
            condition = {_DF_OPERATORS[op]: _df_value(v, tz) for op, v in value.items() if op != "Empty"}
            if "Empty" in value:
                assert value["Empty"] in (0, 1)
                condition["empty"] = bool(value["Empty"])
            fields.setdefault("dynamic_fields", []).append(
                DynamicFieldFilter(field_name=key.removeprefix("DynamicField_"), **condition)
            )
        elif match := _TIME_PARAMETER.match(key):
            window = windows.setdefault(_TIME_PREFIXES[match["prefix"]], {})
            bound = "newer_than" if match["relation"] == "Newer" else "older_than"
            assert bound not in window, f"{key}: two values for one bound"
            window[bound] = timedelta(minutes=value) if match["unit"] == "Minutes" else server_time(value, tz)
        else:
            raise AssertionError(f"TicketSearch parameter {key!r} is not in the contract")
    for name in ("SearchInArchive", "Limit"):
        if name in fields:
            fields[{"SearchInArchive": "search_in_archive", "Limit": "limit"}[name]] = fields.pop(name)
    fields.update({field: TimeFilter(**bounds) for field, bounds in windows.items()})
    return TicketSearch(**fields)


def _id_name(ticket: dict[str, Any], key: str, id_key: str | None = None) -> IdName | None:
    id_key = id_key or f"{key}ID"
    assert not (key in ticket and id_key in ticket), f"{key} sent by name and by ID"
    if id_key in ticket:
        return IdName(id=ticket[id_key])
    if key in ticket:
        return IdName(name=ticket[key])
    return None


_TICKET_ID_NAMES = {
    "queue": ("Queue", None),
    "state": ("State", None),
    "priority": ("Priority", None),
    "type": ("Type", None),
    "lock": ("Lock", None),
    "owner": ("Owner", None),
    "responsible": ("Responsible", None),
    "service": ("Service", None),
    "sla": ("SLA", "SLAID"),
}
_TICKET_KEYS = {"Title", "CustomerUser", "CustomerID", "PendingTime"} | {
    key for name, id_key in _TICKET_ID_NAMES.values() for key in (name, id_key or f"{name}ID")
}


def _ticket_attributes(ticket: dict[str, Any], tz: tzinfo) -> dict[str, Any]:
    unknown = set(ticket) - _TICKET_KEYS
    assert not unknown, f"Ticket keys not in the contract: {sorted(unknown)}"
    values: dict[str, Any] = {}
    for field, (key, id_key) in _TICKET_ID_NAMES.items():
        value = _id_name(ticket, key, id_key)
        if value is not None:
            values[field] = value
    if "Title" in ticket:
        values["title"] = ticket["Title"]
    if "CustomerUser" in ticket:
        values["customer_user"] = ticket["CustomerUser"] or CLEAR
    if "CustomerID" in ticket:
        values["customer_id"] = ticket["CustomerID"]
    if "PendingTime" in ticket:
        pending = ticket["PendingTime"]
        if set(pending) == {"Diff"}:
            values["pending_time"] = timedelta(minutes=pending["Diff"])
        else:
            assert set(pending) == {"Year", "Month", "Day", "Hour", "Minute"}, pending
            values["pending_time"] = datetime(
                pending["Year"], pending["Month"], pending["Day"], pending["Hour"], pending["Minute"], tzinfo=tz
            )
    return values


def attachment_from_request(wire: dict[str, Any]) -> Attachment:
    """A request attachment (base64 ``Content``) -> ``Attachment``."""
    unknown = set(wire) - {"Content", "ContentType", "Filename", "Disposition", "ContentID"}
    assert not unknown, f"Attachment keys not in the contract: {sorted(unknown)}"
    return Attachment(
        filename=wire["Filename"],
        content=base64.b64decode(wire["Content"], validate=True),
        content_type=wire["ContentType"],
        disposition=wire.get("Disposition"),
        content_id=wire.get("ContentID"),
    )


_ARTICLE_KEYS = {
    "Subject": "subject",
    "Body": "body",
    "ContentType": "content_type",
    "CommunicationChannel": "communication_channel",
    "SenderType": "sender_type",
    "From": "from_addr",
    "To": "to",
    "Cc": "cc",
    "Bcc": "bcc",
    "ReplyTo": "reply_to",
    "MessageID": "message_id",
    "InReplyTo": "in_reply_to",
    "References": "references",
    "TimeUnit": "time_unit",
}


def dynamic_fields_from_request(wire: list[dict[str, Any]], empty: Any = None) -> dict[str, Any]:
    """``[{"Name", "Value"}]`` -> ``{name: value}`` (``""`` clears, so it reads back as ``empty``)."""
    assert all(set(item) == {"Name", "Value"} for item in wire), wire
    return {item["Name"]: (empty if item["Value"] == "" else item["Value"]) for item in wire}


def article_from_request(wire: dict[str, Any], attachments: list[dict[str, Any]] | None = None) -> Article:
    """A request article (with the attachments sent beside it, for a single article) -> ``Article``."""
    wire = dict(wire)
    attachments = wire.pop("Attachment", attachments) or []
    fields_wire = wire.pop("DynamicField", [])
    visible = wire.pop("IsVisibleForCustomer", None)
    unknown = set(wire) - set(_ARTICLE_KEYS)
    assert not unknown, f"Article keys not in the contract: {sorted(unknown)}"
    fields = {_ARTICLE_KEYS[key]: value for key, value in wire.items()}
    if visible is not None:
        assert visible in (0, 1)
        fields["is_visible_for_customer"] = bool(visible)
    return Article(
        **fields,
        attachments=[attachment_from_request(item) for item in attachments],
        dynamic_fields=dynamic_fields_from_request(fields_wire),
    )


def _articles(wire: dict[str, Any]) -> dict[str, Any]:
    if "Article" not in wire:
        assert "Attachment" not in wire
        return {}
    if isinstance(wire["Article"], list):
        assert "Attachment" not in wire, "attachments of several articles travel inside each article"
        return {"articles": [article_from_request(item) for item in wire["Article"]]}
    return {"article": article_from_request(wire["Article"], wire.get("Attachment"))}


def ticket_create_from_wire(wire: dict[str, Any], tz: tzinfo) -> TicketCreate:
    """TicketCreate parameters -> ``TicketCreate`` (dynamic fields of one article read as the ticket's)."""
    unknown = set(wire) - {"Ticket", "Article", "Attachment", "DynamicField"}
    assert not unknown, f"TicketCreate keys not in the contract: {sorted(unknown)}"
    return TicketCreate(
        **_ticket_attributes(wire["Ticket"], tz),
        **_articles(wire),
        dynamic_fields=dynamic_fields_from_request(wire.get("DynamicField", []), ""),
    )


def ticket_update_from_wire(wire: dict[str, Any], tz: tzinfo) -> TicketUpdate:
    """TicketUpdate parameters -> ``TicketUpdate``."""
    unknown = set(wire) - {"TicketID", "TicketNumber", "Ticket", "Article", "Attachment", "DynamicField"}
    assert not unknown, f"TicketUpdate keys not in the contract: {sorted(unknown)}"
    assert ("TicketID" in wire) != ("TicketNumber" in wire), "exactly one of TicketID and TicketNumber"
    target = {"id": wire["TicketID"]} if "TicketID" in wire else {"number": wire["TicketNumber"]}
    return TicketUpdate(
        **target,
        **_ticket_attributes(wire.get("Ticket", {}), tz),
        **_articles(wire),
        dynamic_fields=dynamic_fields_from_request(wire.get("DynamicField", []), CLEAR),
    )
