"""``iter_new_tickets``: each ticket once, when it was created, by the server's ``Created`` time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from changes.conftest import Desk, Request
from otobo_znuny import OTOBOZnunySyncClient, RequestValidationError, TicketSearch, TimeFilter


def creation_order(desk: Desk) -> list[int]:
    return [t.id for t in sorted(desk.tickets.values(), key=lambda t: (t.created, t.id))]


def test_every_ticket_once_in_creation_order_and_changes_are_not_news(desk: Desk, client: OTOBOZnunySyncClient) -> None:
    first = list(client.iter_new_tickets(page_size=4, articles=False))
    assert [c.ticket.id for c in first] == creation_order(desk)
    desk.retitle(first[0].ticket.id, "changed, not new")
    created = desk.new_ticket("brand new")
    desk.clock.advance(1)
    later = list(client.iter_new_tickets(cursor=first[-1].cursor, articles=False))
    assert [c.ticket.id for c in later] == [created]
    assert list(client.iter_new_tickets(cursor=later[-1].cursor)) == []
    # the changes feed sees both
    changes = list(client.iter_changes(since=desk.clock.now - timedelta(seconds=1), articles=False))
    assert sorted(c.ticket.id for c in changes) == sorted([first[0].ticket.id, created])


def test_many_new_tickets_within_one_second_and_restarts(desk: Desk) -> None:
    assert not any(desk.emulator.helpdesk.data.queues[t.queue_id].name == "Postmaster" for t in desk.tickets.values())
    made = [desk.new_ticket(f"burst {n}", queue="Postmaster") for n in range(23)]
    desk.clock.advance(1)
    with desk.sync_client(search_page_size=7) as client:
        search = TicketSearch(queues=["Postmaster"])
        everything = list(client.iter_new_tickets(search, page_size=4, articles=False))
        assert [c.ticket.id for c in everything] == made
        for index in range(len(everything)):
            rest = list(client.iter_new_tickets(search, cursor=everything[index].cursor, page_size=4, articles=False))
            assert [c.ticket.id for c in rest] == made[index + 1 :], index


def test_a_new_ticket_is_read_once_its_creation_second_is_over(desk: Desk, client: OTOBOZnunySyncClient) -> None:
    last = list(client.iter_new_tickets(articles=False))[-1].cursor
    ticket_id = desk.new_ticket("being created")
    probes = 0

    def hook(request: Request) -> None:
        nonlocal probes
        if request.probe:
            probes += 1
            if probes == 1:
                desk.retitle(ticket_id, "created and classified in the same second")
            else:
                desk.clock.advance(1)

    desk.transport.hook = hook
    news = list(client.iter_new_tickets(cursor=last, poll_interval=0.01, articles=False))
    assert [(c.ticket.id, c.ticket.title) for c in news] == [(ticket_id, "created and classified in the same second")]
    assert "TicketCreateTimeNewerMinutes" in next(r for r in desk.transport.requests if r.probe).params


def test_the_feed_owns_the_creation_time(client: OTOBOZnunySyncClient) -> None:
    with pytest.raises(RequestValidationError) as caught:
        next(iter(client.iter_new_tickets(TicketSearch(created=TimeFilter(newer_than=timedelta(days=1))))))
    assert caught.value.field == "search.created"
    # the changes feed does take a creation filter, given as a point in time (docs/changes.md)
    future = datetime(2100, 1, 1, tzinfo=timezone.utc)
    assert list(client.iter_changes(TicketSearch(created=TimeFilter(newer_than=future)))) == []
