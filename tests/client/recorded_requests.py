"""Build the domain-level call that produces a recorded request (test side of the replay tests).

Each recorded request body (or query string) is turned into the arguments of the client method
that sends it, mechanically, so the test can check that the client's request equals the recorded
one without copying any recorded value by hand.
"""

from __future__ import annotations

import base64
from typing import Any

from otobo_znuny import (
    Article,
    Attachment,
    DynamicFieldFilter,
    IdName,
    TicketCreate,
    TicketSearch,
    TicketUpdate,
)
from support.recording import Exchange

CREDENTIALS = ("UserLogin", "CustomerUserLogin", "Password", "SessionID")


def request_params(exchange: Exchange) -> dict[str, Any]:
    """The recorded request's parameters without credentials (body or query string)."""
    if exchange.method == "GET":
        params: dict[str, Any] = {}
        for key, value in exchange.query:
            params.setdefault(key, []).append(value)
        flat = {key: values[0] if len(values) == 1 else values for key, values in params.items()}
    else:
        flat = dict(exchange.request_json())
    return {key: value for key, value in flat.items() if key not in CREDENTIALS}


def session_id(exchange: Exchange) -> str:
    """The SessionID a SessionGet/SessionRemove asks about (body parameter or route placeholder)."""
    body = exchange.request_json() or {}
    return str(body.get("SessionID") or exchange.route.rsplit("/", 1)[-1])


def _id_name(ticket: dict[str, Any], key: str) -> IdName | None:
    if key in ticket:
        return IdName(name=ticket[key])
    if f"{key}ID" in ticket:
        return IdName(id=int(ticket[f"{key}ID"]))
    return None


def _dynamic_fields(params: dict[str, Any]) -> dict[str, Any]:
    fields = params.get("DynamicField")
    if fields is None:
        return {}
    items = fields if isinstance(fields, list) else [fields]
    return {item["Name"]: item["Value"] for item in items}


def _article(params: dict[str, Any]) -> Article | None:
    wire = params.get("Article")
    if wire is None:
        return None
    attachments = params.get("Attachment")
    items = attachments if isinstance(attachments, list) else ([attachments] if attachments else [])
    return Article(
        subject=wire["Subject"],
        body=wire["Body"],
        content_type=wire.get("ContentType"),
        communication_channel=wire.get("CommunicationChannel"),
        sender_type=wire.get("SenderType"),
        from_addr=wire.get("From"),
        time_unit=wire.get("TimeUnit"),
        attachments=[
            Attachment(
                filename=item["Filename"],
                content=base64.b64decode(item["Content"]),
                content_type=item["ContentType"],
            )
            for item in items
        ],
    )


def ticket_create(exchange: Exchange) -> TicketCreate:
    params = request_params(exchange)
    ticket = params["Ticket"]
    return TicketCreate(
        title=ticket.get("Title"),
        queue=_id_name(ticket, "Queue"),
        state=_id_name(ticket, "State"),
        priority=_id_name(ticket, "Priority"),
        customer_user=ticket["CustomerUser"],
        article=_article(params),
        dynamic_fields=_dynamic_fields(params),
    )


def ticket_update(exchange: Exchange) -> TicketUpdate:
    params = request_params(exchange)
    route_id = exchange.route.rsplit("/", 1)[-1]
    values: dict[str, Any] = {}
    if "TicketNumber" in params:
        values["number"] = params["TicketNumber"]
    else:
        values["id"] = int(params.get("TicketID", route_id))
    ticket = params.get("Ticket", {})
    for key, name in (("State", "state"), ("Priority", "priority"), ("Queue", "queue")):
        value = _id_name(ticket, key)
        if value is not None:
            values[name] = value
    if "Title" in ticket:
        values["title"] = ticket["Title"]
    article = _article(params)
    if article is not None:
        values["article"] = article
    fields = _dynamic_fields(params)
    if fields:
        values["dynamic_fields"] = fields
    return TicketUpdate(**values)


def get_options(exchange: Exchange) -> dict[str, Any]:
    params = request_params(exchange)
    return {
        "articles": str(params.get("AllArticles", "0")) == "1",
        "attachments": str(params.get("Attachments", "0")) == "1",
        "dynamic_fields": str(params.get("DynamicFields", "0")) == "1",
    }


def ticket_ids(exchange: Exchange) -> list[int]:
    params = request_params(exchange)
    raw = params.get("TicketID", exchange.route.rsplit("/", 1)[-1])
    items = raw if isinstance(raw, list) else str(raw).split(",")
    return [int(item) for item in items]


def ticket_search(exchange: Exchange) -> TicketSearch:
    params = request_params(exchange)
    values: dict[str, Any] = {}
    lists = {"Queues": "queues", "States": "states", "Title": "titles", "TicketNumber": "ticket_numbers"}
    for key, name in lists.items():
        if key in params:
            raw = params[key]
            values[name] = raw if isinstance(raw, list) else [raw]
    if "MIMEBase_Body" in params:
        values["article_body"] = params["MIMEBase_Body"]
    if "SortBy" in params:
        values["sort_by"] = params["SortBy"]
    if "OrderBy" in params:
        values["order_by"] = params["OrderBy"]
    filters = []
    for key, condition in params.items():
        if key.startswith("DynamicField_"):
            filters.append(DynamicFieldFilter(field_name=key[len("DynamicField_") :], equals=condition.get("Equals")))
    if filters:
        values["dynamic_fields"] = filters
    return TicketSearch(**values)
