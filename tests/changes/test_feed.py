"""``iter_changes`` against the emulator: every change once, oldest first, restartable from any cursor,
on the server's clock (the emulator's clock stands still unless the test moves it)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from changes.conftest import Desk, Request, make_desk
from otobo_znuny import (
    BatchFetchError,
    OTOBOZnunySyncClient,
    RequestValidationError,
    SortField,
    TicketSearch,
    TimeFilter,
    UnknownDynamicFieldError,
)
from otobo_znuny.models import DynamicFieldFilter, TicketChange


def ids_of(changes: list[TicketChange]) -> list[int]:
    return [change.ticket.id for change in changes]


def test_from_the_beginning_every_ticket_once_in_change_order(desk: Desk, client: OTOBOZnunySyncClient) -> None:
    changes = list(client.iter_changes(articles=False))
    assert ids_of(changes) == desk.feed_order()
    assert len(changes) == 30
    stamps = [change.changed_at for change in changes]
    assert stamps == sorted(stamps)  # type: ignore[type-var]
    assert all(change.changed_at == change.ticket.changed_at for change in changes)
    assert len({change.cursor for change in changes}) == 30


def test_the_search_narrows_the_feed(desk: Desk, client: OTOBOZnunySyncClient) -> None:
    support = {t.id for t in desk.tickets.values() if desk.emulator.helpdesk.data.queues[t.queue_id].name == "Support"}
    changes = list(client.iter_changes(TicketSearch(queues=["Support"]), articles=False))
    assert ids_of(changes) == desk.feed_order(support)
    assert support


def test_restart_from_any_cursor_neither_repeats_nor_skips(desk: Desk, client: OTOBOZnunySyncClient) -> None:
    everything = list(client.iter_changes(page_size=4, articles=False))
    for index in range(len(everything)):
        rest = list(client.iter_changes(cursor=everything[index].cursor, page_size=4, articles=False))
        assert ids_of(rest) == ids_of(everything[index + 1 :]), index


def test_a_restart_after_new_changes_delivers_only_those(desk: Desk, client: OTOBOZnunySyncClient) -> None:
    first = list(client.iter_changes(articles=False))
    desk.retitle(3, "changed after the first run")
    created = desk.new_ticket("new after the first run")
    desk.clock.advance(1)
    second = list(client.iter_changes(cursor=first[-1].cursor, articles=False))
    assert ids_of(second) == [3, created]
    assert second[0].ticket.title == "changed after the first run"
    assert list(client.iter_changes(cursor=second[-1].cursor)) == []


def test_many_changes_within_one_second_more_than_a_page(desk: Desk) -> None:
    made = [desk.new_ticket(f"bulk {n}") for n in range(37)]  # all in one second
    desk.clock.advance(1)
    with desk.sync_client(search_page_size=10) as client:  # the second is walked past TicketSearch's page too
        everything = list(client.iter_changes(page_size=5, articles=False))
        assert ids_of(everything) == desk.feed_order()
        assert ids_of(everything)[-37:] == made
        for index in range(len(everything) - 40, len(everything)):
            rest = list(client.iter_changes(cursor=everything[index].cursor, page_size=5, articles=False))
            assert ids_of(rest) == ids_of(everything[index + 1 :]), index
    # the page hit its limit inside that second: the second was listed whole, then read in pages
    assert any(
        r.operation == "TicketSearch" and "TicketCreateTimeOlderDate" in r.params for r in desk.transport.requests
    )


def test_a_second_still_in_progress_is_delivered_only_once_it_is_over(desk: Desk, client: OTOBOZnunySyncClient) -> None:
    last = list(client.iter_changes(articles=False))[-1].cursor
    ticket_id = desk.new_ticket("arrives now")  # the clock stands still: this second is in progress
    probes: list[Request] = []

    def hook(request: Request) -> None:
        if request.probe:
            probes.append(request)
            if len(probes) == 1:
                desk.retitle(ticket_id, "finished within the same second")  # Changed stays the same
            elif len(probes) == 2:
                desk.clock.advance(1)  # before this probe is answered: now the second is over

    desk.transport.hook = hook
    changes = list(client.iter_changes(cursor=last, poll_interval=0.01))
    assert ids_of(changes) == [ticket_id]
    assert changes[0].ticket.title == "finished within the same second"
    assert len(probes) == 2  # "still in progress" (the retitle happened then), then "over"


def test_a_ticket_changed_while_the_feed_pages_comes_again_with_its_new_change(desk: Desk) -> None:
    order = desk.feed_order()
    before_read, after_read = order[3], order[1]
    reads: list[Request] = []

    def hook(request: Request) -> None:
        if request.operation == "TicketGet" and not request.light:
            reads.append(request)
            if len(reads) == 1:  # the first window was searched, its tickets are read now
                desk.clock.advance(1)
                desk.retitle(before_read, "changed before it was read")

    desk.transport.hook = hook
    with desk.sync_client() as client:
        feed = client.iter_changes(page_size=5, articles=False)
        first = next(feed)
        desk.clock.advance(1)
        desk.retitle(after_read, "changed after it was read")  # read already, not yet delivered
        changes = [first, *feed]
        desk.clock.advance(1)
        later = list(client.iter_changes(cursor=changes[-1].cursor, articles=False))  # the next run
    delivered = ids_of(changes)
    assert delivered == [i for i in order if i != before_read] + [before_read]  # each once, in order
    moved = changes[-1]  # not at its old place: once, with the change made while the feed read it
    assert moved.ticket.title == "changed before it was read"
    old = changes[delivered.index(after_read)]
    assert old.ticket.title != "changed after it was read"  # as it was read: the change came after
    assert [(c.ticket.id, c.ticket.title) for c in later] == [(after_read, "changed after it was read")]
    assert later[0].changed_at is not None
    assert old.changed_at is not None
    assert later[0].changed_at > old.changed_at


def test_one_shot_mode_stops_after_what_existed_when_it_started(desk: Desk, client: OTOBOZnunySyncClient) -> None:
    seen = 0

    def hook(request: Request) -> None:
        nonlocal seen
        if request.light:
            seen += 1
            if seen == 1:
                desk.clock.advance(1)
                desk.new_ticket("after the start")  # comes with the next run, not this one
                desk.clock.advance(1)

    desk.transport.hook = hook
    changes = list(client.iter_changes(articles=False))
    assert len(changes) == 30
    desk.transport.hook = None
    later = list(client.iter_changes(cursor=changes[-1].cursor, articles=False))
    assert [c.ticket.title for c in later] == ["after the start"]


def test_follow_mode_picks_up_later_changes(desk: Desk, client: OTOBOZnunySyncClient) -> None:
    desk.transport.tick = 1  # the server's clock runs: one second per request
    feed = client.iter_changes(follow=True, poll_interval=0.01, articles=False)
    seen = [next(feed) for _ in range(30)]
    assert ids_of(seen) == desk.feed_order()
    created = desk.new_ticket("while following")
    assert next(feed).ticket.id == created
    desk.retitle(5, "changed while following")
    again = next(feed)
    assert (again.ticket.id, again.ticket.title) == (5, "changed while following")
    feed.close()


async def test_follow_mode_is_cancellable_and_the_async_client_sees_the_same(desk: Desk) -> None:
    desk.transport.tick = 1
    async with desk.async_client() as client:
        seen: list[TicketChange] = []
        arrived, caught_up = asyncio.Event(), asyncio.Event()

        async def follow() -> None:
            async for change in client.iter_changes(follow=True, poll_interval=0.01, articles=False):
                seen.append(change)
                if len(seen) == 30:
                    caught_up.set()
                if len(seen) == 31:
                    arrived.set()

        task = asyncio.create_task(follow())
        await asyncio.wait_for(caught_up.wait(), 10)
        created = desk.new_ticket("async follow")
        await asyncio.wait_for(arrived.wait(), 10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert ids_of(seen) == desk.feed_order()
    assert ids_of(seen)[-1] == created
    assert task.cancelled()


def test_sync_and_async_clients_deliver_the_same(desk: Desk, client: OTOBOZnunySyncClient) -> None:
    expected = [(c.ticket.id, c.cursor) for c in client.iter_changes(page_size=7, articles=False)]

    async def run() -> list[tuple[int, str]]:
        async with desk.async_client() as async_client:
            return [(c.ticket.id, c.cursor) async for c in async_client.iter_changes(page_size=7, articles=False)]

    assert asyncio.run(run()) == expected


def test_since_now_skips_what_exists_and_since_a_time_starts_there(desk: Desk, client: OTOBOZnunySyncClient) -> None:
    assert list(client.iter_changes(since="now")) == []
    created = desk.new_ticket("after now")
    desk.clock.advance(1)
    assert ids_of(list(client.iter_changes(since="now"))) == []  # "now" moved on
    order = desk.feed_order()
    middle = desk.tickets[order[10]].changed
    from_middle = list(client.iter_changes(since=middle, articles=False))
    assert ids_of(from_middle) == order[10:]
    assert order[-1] == created
    naive = middle.replace(tzinfo=None)  # naive: the server's time zone (UTC here)
    assert ids_of(list(client.iter_changes(since=naive, articles=False))) == order[10:]


def test_since_now_then_a_new_ticket(desk: Desk, client: OTOBOZnunySyncClient) -> None:
    seen = 0

    def hook(request: Request) -> None:
        nonlocal seen
        if request.probe:
            seen += 1
            if seen == 1:  # the newest existing change is known: "now" is after it
                desk.clock.advance(1)
                desk.new_ticket("the first after now")
                desk.clock.advance(1)

    desk.transport.hook = hook
    changes = list(client.iter_changes(since="now", articles=False))
    assert [c.ticket.title for c in changes] == ["the first after now"]


def test_the_server_time_zone_is_honoured(desk: Desk) -> None:
    from otobo_znuny.testing import emulator_config

    config = emulator_config().model_copy(update={"server_timezone": "Europe/Berlin"})
    with desk.sync_client() as client:
        reference = ids_of(list(client.iter_changes(articles=False)))
    with OTOBOZnunySyncClient(config, httpx.Client(transport=desk.transport)) as berlin:
        from otobo_znuny import BasicAuth

        berlin.login(BasicAuth(user_login="api-agent", password="api-secret-1"))
        changes = list(berlin.iter_changes(articles=False))
        assert ids_of(changes) == reference
        middle = changes[10].ticket.changed_at
        assert middle is not None
        assert middle.utcoffset() == timedelta(hours=1)
        assert ids_of(list(berlin.iter_changes(since=middle, articles=False))) == reference[10:]
        searches = [r for r in desk.transport.requests if "TicketLastChangeTimeNewerDate" in r.params]
        # the window bound is the ticket's Changed exactly as the server wrote it (its zone, not the client's)
        stamp = desk.tickets[reference[10]].changed.strftime("%Y-%m-%d %H:%M:%S")
        assert any(r.params["TicketLastChangeTimeNewerDate"] == stamp for r in searches)


def test_the_client_clock_is_never_read(desk: Desk, client: OTOBOZnunySyncClient) -> None:
    desk.clock.now = datetime(2031, 7, 1, 8, 0, tzinfo=timezone.utc)  # the server is years ahead of the client
    created = desk.new_ticket("in the server's future")
    desk.clock.advance(1)
    changes = list(client.iter_changes(articles=False))
    assert ids_of(changes)[-1] == created
    assert changes[-1].changed_at == datetime(2031, 7, 1, 8, 0, tzinfo=timezone.utc)


def test_arguments_are_checked_before_anything_is_sent(desk: Desk, client: OTOBOZnunySyncClient) -> None:
    cursor = next(iter(client.iter_changes(TicketSearch(queues=["Raw"]), articles=False)), None)
    assert cursor is None  # no ticket in Raw yet
    first = next(iter(client.iter_changes(articles=False)))
    desk.transport.requests.clear()
    cases = [
        ({"search": TicketSearch(sort_by=[SortField.CREATED])}, "search.sort_by"),
        ({"search": TicketSearch(limit=5)}, "search.limit"),
        ({"search": TicketSearch(last_changed=TimeFilter(newer_than=timedelta(minutes=5)))}, "search.last_changed"),
        ({"search": TicketSearch(created=TimeFilter(newer_than=timedelta(days=7)))}, "search.created"),
        ({"search": TicketSearch(created=TimeFilter(older_than=timedelta(0)))}, "search.created"),
        ({"cursor": "nonsense"}, "cursor"),
        ({"cursor": first.cursor[:-3]}, "cursor"),
        ({"cursor": first.cursor, "search": TicketSearch(queues=["Raw"])}, "cursor"),
        ({"cursor": first.cursor, "since": "now"}, "since"),
        ({"since": "yesterday"}, "since"),
        ({"page_size": 1}, "page_size"),
        ({"poll_interval": 0}, "poll_interval"),
        ({"on_error": "ignore"}, "on_error"),
        ({"article_order": "sideways"}, "article_order"),
    ]
    for arguments, field in cases:
        with pytest.raises(RequestValidationError) as caught:
            next(iter(client.iter_changes(**arguments)))  # type: ignore[arg-type]
        assert caught.value.field == field, arguments
    with pytest.raises(TypeError):
        next(iter(client.iter_changes([1, 2])))  # type: ignore[arg-type]
    assert desk.transport.requests == []
    with pytest.raises(RequestValidationError, match="another search"):
        next(iter(client.iter_new_tickets(cursor=first.cursor)))


def test_a_created_filter_works_through_a_second_over_a_page(desk: Desk) -> None:
    """A ``created`` filter (points in time) narrows the feed also in a second with more changes than a
    page, which is listed in creation-time windows; a relative one (a timedelta) failed only there,
    mid-feed, with IncompleteSearchError, and is now refused before anything is sent."""
    old = desk.new_ticket("created before the bound")
    desk.clock.advance(1)
    bound = desk.clock.now
    made = [desk.new_ticket(f"bulk {n}") for n in range(12)]
    for ticket_id in (old, 3):
        desk.retitle(ticket_id, "changed in the busy second")  # changed then, created before the bound
    desk.clock.advance(1)
    with desk.sync_client(search_page_size=5) as client:
        changes = list(client.iter_changes(TicketSearch(created=TimeFilter(newer_than=bound)), page_size=5))
        assert ids_of(changes) == made
        relative = TicketSearch(created=TimeFilter(newer_than=timedelta(days=400)))
        desk.transport.requests.clear()
        with pytest.raises(RequestValidationError) as caught:
            next(iter(client.iter_changes(relative, page_size=5)))
        assert caught.value.field == "search.created"
        assert desk.transport.requests == []


def test_an_unknown_dynamic_field_is_refused(client: OTOBOZnunySyncClient) -> None:
    search = TicketSearch(dynamic_fields=[DynamicFieldFilter(field_name="OrderIDD", equals="x")])
    with pytest.raises(UnknownDynamicFieldError):
        next(iter(client.iter_changes(search)))


def test_a_ticket_deleted_between_search_and_read_is_left_out(desk: Desk, client: OTOBOZnunySyncClient) -> None:
    order = desk.feed_order()
    gone = order[2]

    def hook(request: Request) -> None:
        if request.operation == "TicketGet" and not request.light and gone in desk.tickets:
            del desk.tickets[gone]

    desk.transport.hook = hook
    assert ids_of(list(client.iter_changes(articles=False))) == [i for i in order if i != gone]


def refusing(*ticket_ids: int) -> Callable[[Request], httpx.Response | None]:
    """A hook answering TicketGet.AccessDenied for any TicketGet that asks for one of ``ticket_ids``."""

    def hook(request: Request) -> httpx.Response | None:
        asked = request.params.get("TicketID")
        asked = asked if isinstance(asked, list) else [asked]
        if request.operation == "TicketGet" and set(ticket_ids) & {int(i) for i in asked}:
            error = {"ErrorCode": "TicketGet.AccessDenied", "ErrorMessage": "TicketGet: User does not have access!"}
            return httpx.Response(200, json={"Error": error})
        return None

    return hook


def test_a_matching_ticket_that_cannot_be_read_stops_the_feed_before_it(
    desk: Desk, client: OTOBOZnunySyncClient
) -> None:
    order = desk.feed_order()
    stuck = order[7]
    desk.transport.hook = refusing(stuck)
    delivered: list[TicketChange] = []
    feed = client.iter_changes(page_size=5, articles=False)
    with pytest.raises(BatchFetchError) as caught:
        delivered.extend(feed)
    assert list(caught.value.failed) == [stuck]
    # nothing of the window holding it was delivered, so nothing after it is lost
    assert ids_of(delivered) == order[: len(delivered)]
    assert len(delivered) < 7
    skipped = list(client.iter_changes(cursor=delivered[-1].cursor, page_size=5, on_error="skip", articles=False))
    assert ids_of(skipped) == [i for i in order[len(delivered) :] if i != stuck]


def test_the_otobo_flavour(client: OTOBOZnunySyncClient) -> None:
    desk = make_desk("otobo")
    with desk.sync_client() as otobo:
        changes = list(otobo.iter_changes(page_size=4, articles=False))
        assert ids_of(changes) == desk.feed_order()
        assert ids_of(list(otobo.iter_changes(cursor=changes[12].cursor, articles=False))) == desk.feed_order()[13:]


def test_each_delivered_ticket_is_read_with_the_callers_options(desk: Desk, client: OTOBOZnunySyncClient) -> None:
    with_articles = list(client.iter_changes(page_size=10))
    assert all(change.ticket.articles for change in with_articles)
    without = list(client.iter_changes(page_size=10, articles=False, dynamic_fields=False))
    assert not any(change.ticket.articles or change.ticket.dynamic_fields for change in without)


def test_a_quiet_poll_costs_one_search(desk: Desk, client: OTOBOZnunySyncClient) -> None:
    last = list(client.iter_changes(articles=False))[-1].cursor
    desk.transport.requests.clear()
    assert list(client.iter_changes(cursor=last)) == []
    assert [r.operation for r in desk.transport.requests] == ["TicketSearch"]


def test_a_full_page_of_unreadable_tickets_is_an_error_even_when_skipping(
    desk: Desk, client: OTOBOZnunySyncClient
) -> None:
    order = desk.feed_order()
    refused = set(order[:3])
    desk.transport.hook = refusing(*refused)
    feed = client.iter_changes(page_size=3, on_error="skip", articles=False)
    with pytest.raises(BatchFetchError) as caught:
        list(feed)
    assert set(caught.value.failed) == refused  # the window's end cannot be known: stop instead of looping
    partly = list(client.iter_changes(page_size=4, on_error="skip", articles=False))
    assert ids_of(partly) == order[3:]  # with one readable ticket per page it goes on, leaving them out
