"""Regression tests for the review findings on the emulator (numbers, errors, locking, dead code)."""

from __future__ import annotations

import hashlib
import threading
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from otobo_znuny.emulator import Emulator, EmulatorTransport, HelpdeskBuilder, generate_tickets, routes, wire
from otobo_znuny.emulator.core import EmulatorRequest
from otobo_znuny.emulator.operations import common, ticket_update
from otobo_znuny.emulator.state import Helpdesk

from .conftest import AGENT, GT, call, error_code, new_ticket

ARTICLE = {"Subject": "s", "Body": "b", "ContentType": "text/plain; charset=utf8"}


# ---------------------------------------------------------------- 1. ticket numbers
def test_generated_ticket_numbers_are_unique() -> None:
    emulator = Emulator.with_tickets(2000)
    data = emulator.helpdesk.data
    numbers = [ticket.number for ticket in data.tickets.values()]
    assert len(set(numbers)) == len(numbers)
    assert len(data.ticket_numbers) == len(data.tickets)
    assert all(data.ticket_numbers[t.number] == t.id for t in data.tickets.values())


def test_ticket_number_counter_is_kept_per_day(clock: Any) -> None:
    helpdesk = Helpdesk(clock=clock)
    first = helpdesk.new_ticket_number()
    clock.advance(days=1)
    helpdesk.new_ticket_number()
    clock.advance(days=-1)
    second = helpdesk.new_ticket_number()
    assert first != second
    assert first[:8] == second[:8]
    assert second[10:15] == "00002"


# ---------------------------------------------------------------- 2. fresh AccessDenied errors
def test_ticket_update_access_denied_is_a_new_exception_each_time(lab: Emulator) -> None:
    raised = []
    for _ in range(2):
        with lab.helpdesk.lock, pytest.raises(wire.OperationError) as info:
            ticket_update.run(lab.helpdesk, {**AGENT, "TicketID": "999999", "Ticket": {"Title": "x"}})
        raised.append(info.value)
    assert raised[0] is not raised[1]
    assert raised[0].code == raised[1].code == "TicketUpdate.AccessDenied"
    assert not hasattr(ticket_update, "NO_ACCESS")


# ---------------------------------------------------------------- 3. TicketGet TicketID lists
def test_ticket_get_empty_list_is_wrong_structure(gt: httpx.Client) -> None:
    reply = call(gt, "TicketGet", **AGENT, TicketID=[])
    assert reply["Error"] == {
        "ErrorCode": "TicketGet.WrongStructure",
        "ErrorMessage": "TicketGet: Structure for TicketID is not correct!",
    }


def test_ticket_get_list_items_are_not_split_on_commas(gt: httpx.Client) -> None:
    first = new_ticket(gt)["TicketID"]
    second = new_ticket(gt)["TicketID"]
    reply = call(gt, "TicketGet", **AGENT, TicketID=[f"{first},{second}"])
    assert reply["Error"]["ErrorCode"] == "TicketGet.WrongStructure"
    listed = call(gt, "TicketGet", **AGENT, TicketID=[first, second])
    assert [t["TicketID"] for t in listed["Ticket"]] == [int(first), int(second)]
    comma_string = call(gt, "TicketGet", **AGENT, TicketID=f"{first}, {second}")
    assert len(comma_string["Ticket"]) == 2


# ---------------------------------------------------------------- 4. TicketUpdate Article list items
@pytest.mark.parametrize("bad_item", ["text", 7, [], {}])
def test_ticket_update_rejects_non_object_article_items(gt: httpx.Client, lab: Emulator, bad_item: Any) -> None:
    ticket_id = new_ticket(gt)["TicketID"]
    before = len(lab.helpdesk.data.tickets[int(ticket_id)].article_ids)
    reply = call(gt, "TicketUpdate", **AGENT, TicketID=ticket_id, Article=[ARTICLE, bad_item])
    assert reply["Error"] == {
        "ErrorCode": "TicketUpdate.InvalidParameter",
        "ErrorMessage": "TicketUpdate: Article parameter is not valid!",
    }
    assert len(lab.helpdesk.data.tickets[int(ticket_id)].article_ids) == before


# ---------------------------------------------------------------- 5. no slash merging
def test_double_slash_is_not_merged(lab: Emulator) -> None:
    body = b'{"UserLogin":"api-agent","Password":"api-secret-1"}'
    request = EmulatorRequest(
        "POST",
        "/otrs/nph-genericinterface.pl/Webservice/GenericTicket//SessionCreate",
        headers={"content-type": "application/json"},
        body=body,
    )
    response = lab.handle(request)
    assert response.status == 500
    assert response.body.decode() == "HTTP::REST Error while determine Operation for request URI '//SessionCreate'."


# ---------------------------------------------------------------- 6. password hashing outside the lock
def test_password_hash_is_computed_outside_the_lock(lab: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    original = hashlib.pbkdf2_hmac
    seen: list[bool] = []

    def spy(name: str, password: bytes, salt: bytes, iterations: int) -> bytes:
        if password == b"wrong-password-42":
            seen.append(lab.helpdesk.lock._is_owned())  # type: ignore[attr-defined]
        return original(name, password, salt, iterations)

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", spy)
    with httpx.Client(transport=EmulatorTransport(lab), base_url=GT) as client:
        for operation in ("SessionCreate", "TicketSearch"):
            reply = call(client, operation, UserLogin="api-agent", Password="wrong-password-42")
            assert error_code(reply) in ("SessionCreate.AuthFail", "TicketSearch.AuthFail")
        assert "SessionID" in call(client, "SessionCreate", **AGENT)
    assert seen
    assert not any(seen)


# ---------------------------------------------------------------- 7. TimeUnit running totals
class _NoScan(list):  # type: ignore[type-arg]
    def __iter__(self) -> Any:
        raise AssertionError("time_accounting must not be scanned")


def test_ticket_time_unit_uses_running_total(gt: httpx.Client, lab: Emulator) -> None:
    ticket_id = new_ticket(gt, Article={"TimeUnit": "15"})["TicketID"]
    call(gt, "TicketUpdate", **AGENT, TicketID=ticket_id, Article={**ARTICLE, "TimeUnit": "2.5"})
    data = lab.helpdesk.data
    data.time_accounting = _NoScan(data.time_accounting)
    reply = call(gt, "TicketGet", **AGENT, TicketID=ticket_id)
    assert reply["Ticket"][0]["TimeUnit"] == 17.5
    call(gt, "TicketUpdate", **AGENT, TicketID=ticket_id, Article={**ARTICLE, "TimeUnit": "0.5"})
    assert call(gt, "TicketGet", **AGENT, TicketID=ticket_id)["Ticket"][0]["TimeUnit"] == 18
    history = call(gt, "TicketHistoryGet", **AGENT, TicketID=ticket_id)["TicketHistory"][0]["History"]
    assert [h["Name"] for h in history if h["HistoryType"] == "TimeAccounting"][-1] == "%%0.5%%18"


# ---------------------------------------------------------------- 8. builder holds the lock
def _runs_only_after_lock_release(helpdesk: Helpdesk, work: Any) -> None:
    done = threading.Event()

    def target() -> None:
        work()
        done.set()

    with helpdesk.lock:
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        assert not done.wait(0.3), "the builder wrote without holding helpdesk.lock"
    thread.join(10)
    assert done.is_set()


def test_generate_tickets_holds_the_lock(lab: Emulator) -> None:
    before = len(lab.helpdesk.data.tickets)
    _runs_only_after_lock_release(lab.helpdesk, lambda: generate_tickets(lab.helpdesk, 5))
    assert len(lab.helpdesk.data.tickets) == before + 5


def test_builder_ticket_holds_the_lock_and_keeps_the_clock() -> None:
    builder = (
        HelpdeskBuilder()
        .agent("alice", "pw", groups={"users": "rw"})
        .queue("Support", group="users")
        .customer_user("carla", "pw", email="carla@example.com", customer_id="ACME")
    )
    helpdesk = builder.build()
    clock = helpdesk.clock
    created = datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    seen_by_other_thread: list[datetime] = []

    def work() -> None:
        builder.ticket("t", queue="Support", customer_user="carla", created=created)

    _runs_only_after_lock_release(helpdesk, work)
    seen_by_other_thread.append(helpdesk.now())
    assert helpdesk.clock is clock
    assert abs(seen_by_other_thread[0] - datetime.now(timezone.utc)) < timedelta(minutes=1)
    ticket = next(iter(helpdesk.data.tickets.values()))
    assert ticket.created == created
    assert helpdesk.data.articles[ticket.article_ids[0]].created == created


def test_frozen_time_is_per_thread() -> None:
    helpdesk = Helpdesk()
    moment = datetime(2001, 1, 1, tzinfo=timezone.utc)
    other: list[datetime] = []
    with helpdesk.frozen_at(moment):
        assert helpdesk.now() == moment
        thread = threading.Thread(target=lambda: other.append(helpdesk.now()))
        thread.start()
        thread.join()
    assert other[0] != moment
    assert helpdesk.now() != moment


# ---------------------------------------------------------------- 9. dead code
def test_dead_code_is_gone() -> None:
    from otobo_znuny.emulator import core

    assert not hasattr(wire, "TransportError")
    assert "TransportError" not in core.__all__
    assert not hasattr(routes.WebService, "operations")


def test_unsupported_operation_type_is_rejected_when_loading() -> None:
    config = {
        "Provider": {
            "Operation": {"FAQGet": {"Type": "FAQ::PublicFAQGet"}},
            "Transport": {"Config": {"RouteOperationMapping": {"FAQGet": {"RequestMethod": ["GET"], "Route": "/F"}}}},
        }
    }
    with pytest.raises(ValueError, match=r"'FAQGet' has type 'FAQ::PublicFAQGet'"):
        routes.webservice_from_config("FAQ", config)


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/plain; charset=utf8", ("text/plain", "utf8")),
        ('application/json; CHARSET="ISO-8859-1"', ("application/json", "ISO-8859-1")),
        ("text/html", ("text/html", "")),
    ],
)
def test_one_charset_parser(content_type: str, expected: tuple[str, str]) -> None:
    assert common.content_type_parts(content_type) == expected
    assert wire.charset_of(content_type) == expected[1]


def test_a_session_works_only_from_the_address_that_created_it() -> None:
    """``SessionCheckRemoteIP`` is on by default (CONTRACT 3.3): behind NAT or a load balancer that
    changes the client address, sessions fail, so code tested here must cope as it must live."""
    emulator = Emulator.from_seed("znuny_lab")
    url = "http://emulator/otrs/nph-genericinterface.pl/Webservice/GenericTicket"
    with httpx.Client(transport=EmulatorTransport(emulator, client_address="10.0.0.1"), base_url=url) as first:
        session_id = first.post("/SessionCreate", json={"UserLogin": "api-agent", "Password": "api-secret-1"}).json()[
            "SessionID"
        ]
        assert "TicketID" in first.post("/TicketSearch", json={"SessionID": session_id}).json()
    with httpx.Client(transport=EmulatorTransport(emulator, client_address="10.0.0.2"), base_url=url) as second:
        refused = second.post("/TicketSearch", json={"SessionID": session_id}).json()
        assert refused["Error"]["ErrorCode"] == "TicketSearch.AuthFail"
        assert second.post("/SessionGet", json={"SessionID": session_id}).json()["Error"]["ErrorCode"] == (
            "SessionGet.SessionInvalid"
        )
        emulator.helpdesk.session_check_remote_ip = False
        assert "TicketID" in second.post("/TicketSearch", json={"SessionID": session_id}).json()
