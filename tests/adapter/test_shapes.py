"""The returned ticket dict, built from the recorded TicketGet replies of a live Znuny."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from adapter.conformance import assert_ticket_dict
from otobo_znuny.adapter import TicketDict, ticket_to_dict
from otobo_znuny.models import Ticket
from otobo_znuny.wire.mapping import ticket_from_wire
from otobo_znuny.wire.shapes import WsTicketGetReply
from support.recording import load_exchanges

UTC = ZoneInfo("UTC")


def recorded_tickets() -> list[tuple[int, dict[str, Any]]]:
    """(exchange number, wire ticket) for every ticket in a successful recorded TicketGet reply."""
    found: list[tuple[int, dict[str, Any]]] = []
    for exchange in load_exchanges():
        reply = exchange.response_json()
        if exchange.operation == "TicketGet" and isinstance(reply, dict) and "Ticket" in reply:
            found.extend((exchange.n, ticket) for ticket in reply["Ticket"])
    return found


def as_dict(wire: dict[str, Any]) -> TicketDict:
    parsed = WsTicketGetReply.model_validate({"Ticket": [wire]}).Ticket[0]
    return ticket_to_dict(ticket_from_wire(parsed, UTC))


def server_time(value: str) -> str:
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc).isoformat()


@pytest.mark.parametrize(("n", "wire"), recorded_tickets(), ids=lambda v: f"#{v}" if isinstance(v, int) else "")
def test_a_recorded_ticket_becomes_the_documented_dict(n: int, wire: dict[str, Any]) -> None:
    ticket = as_dict(wire)
    assert_ticket_dict(ticket)
    assert (ticket["id"], ticket["number"], ticket["title"]) == (
        str(wire["TicketID"]),
        wire["TicketNumber"],
        wire["Title"],
    )
    for key, wire_key in (("queue", "Queue"), ("state", "State"), ("priority", "Priority"), ("owner", "Owner")):
        assert ticket[key] == {"id": str(wire[f"{wire_key}ID"]), "name": wire[wire_key]}  # type: ignore[literal-required]
    assert ticket["state_type"] == wire["StateType"]
    assert ticket["customer"] == {"user": wire["CustomerUserID"] or None, "id": wire["CustomerID"] or None}
    assert ticket["created"] == server_time(wire["Created"])
    assert ticket["changed"] == server_time(wire["Changed"])
    assert ticket["dynamic_fields"] == {field["Name"]: field["Value"] for field in wire.get("DynamicField", [])}
    articles = wire.get("Article", [])
    assert [(a["id"], a["subject"], a["body"], a["from"], a["sender_type"]) for a in ticket["articles"]] == [
        (str(a["ArticleID"]), a["Subject"], a["Body"], a["From"], a["SenderType"]) for a in articles
    ]
    assert [a["created"] for a in ticket["articles"]] == [server_time(a["CreateTime"]) for a in articles]
    assert [a["visible_for_customer"] for a in ticket["articles"]] == [
        bool(int(a["IsVisibleForCustomer"])) for a in articles
    ]


def test_the_recording_has_tickets_with_articles_and_dynamic_fields() -> None:
    tickets = [wire for _, wire in recorded_tickets()]
    assert any(wire.get("Article") for wire in tickets)
    assert any(wire.get("DynamicField") for wire in tickets)


def test_a_minimal_ticket_has_every_key_with_empty_values() -> None:
    ticket = ticket_to_dict(Ticket(id=3, number="2026"))
    assert_ticket_dict(ticket)
    assert ticket["queue"] is None
    assert ticket["customer"] == {"user": None, "id": None}
    assert (ticket["articles"], ticket["dynamic_fields"], ticket["created"]) == ([], {}, None)
    assert json.loads(json.dumps(ticket)) == ticket


def test_a_partial_ticket_exposes_its_read_back_error() -> None:
    assert ticket_to_dict(Ticket(id=3, number="2026"))["read_back_error"] is None
    partial = Ticket(id=3, number="2026", extra={"read_back_error": "TicketGet timed out"})
    ticket = ticket_to_dict(partial)
    assert ticket["read_back_error"] == "TicketGet timed out"
    assert json.loads(json.dumps(ticket)) == ticket


def test_times_keep_the_server_time_zone_offset() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    ticket = ticket_to_dict(Ticket(id=1, number="1", created_at=datetime(2026, 7, 1, 12, 0, tzinfo=berlin)))
    assert ticket["created"] == "2026-07-01T12:00:00+02:00"
