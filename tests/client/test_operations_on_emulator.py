"""Every operation and option of the client, against the embedded emulator (GenericTicket layout)."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from otobo_znuny import (
    CLEAR,
    AccessDeniedError,
    Article,
    Attachment,
    AuthenticationError,
    BasicAuth,
    BatchFetchError,
    DynamicFieldFilter,
    IdName,
    InvalidParameterError,
    OTOBOZnunyClient,
    SessionAuth,
    SessionExpiredError,
    SortField,
    TicketCreate,
    TicketSearch,
    TicketUpdate,
    TimeFilter,
)
from otobo_znuny.emulator import Emulator
from otobo_znuny.testing import make_async_client

pytestmark = pytest.mark.otobo_emulator(seed="demo")


def new_ticket(title: str, **values: object) -> TicketCreate:
    article = values.pop("article", Article(subject=f"About {title}", body=f"Body of {title}"))
    return TicketCreate(
        title=title, queue=values.pop("queue", "Support"), customer_user="carla", article=article, **values
    )  # type: ignore[arg-type]


# ---- TicketCreate ------------------------------------------------------------------------------


async def test_create_with_every_kind_of_value(otobo_client: OTOBOZnunyClient, tmp_path: Path) -> None:
    report = tmp_path / "report.csv"
    report.write_bytes(b"id;total\n1;42\n")
    due = datetime(2030, 5, 17, tzinfo=timezone.utc).date()
    ticket = await otobo_client.create_ticket(
        TicketCreate(
            title="Printer on fire",
            queue=IdName(name="Support"),
            state="open",
            priority=IdName(id=4),
            type="Unclassified",
            owner="alice",
            responsible="bob",
            lock="lock",
            customer_user="carla",
            customer_id="ACME",
            dynamic_fields={"OrderID": "ORD-7", "Tags": ["hardware", "urgent"], "DueDate": due},
            article=Article(
                subject="Smoke",
                body="The printer is on fire.",
                communication_channel="Phone",
                sender_type="customer",
                is_visible_for_customer=True,
                time_unit=5,
                attachments=[
                    Attachment.from_bytes("photo.png", b"\x89PNG fake"),
                    Attachment.from_path(report),
                ],
            ),
        )
    )
    assert (ticket.title, ticket.queue.name, ticket.state.name, ticket.priority.id) == (
        "Printer on fire",
        "Support",
        "open",
        4,
    )
    assert (ticket.owner.name, ticket.responsible.name, ticket.lock.name) == ("alice", "bob", "lock")
    assert (ticket.customer_user, ticket.customer_id) == ("carla", "ACME")
    assert ticket.dynamic_fields["OrderID"] == "ORD-7"
    assert ticket.dynamic_fields["Tags"] == ["hardware", "urgent"]
    assert ticket.dynamic_fields["DueDate"] == "2030-05-17 00:00:00"
    article = ticket.articles[0]
    assert (article.communication_channel, article.sender_type, article.time_unit) == ("Phone", "customer", 5)
    assert article.content_type == "text/plain; charset=utf-8"

    full = await otobo_client.get_ticket(ticket.id, attachments=True)
    files = {a.filename: a for a in full.articles[0].attachments}
    assert files["photo.png"].content == b"\x89PNG fake"
    assert files["photo.png"].content_type == "image/png"
    assert files["report.csv"].content == report.read_bytes()
    assert files["report.csv"].size == len(report.read_bytes())

    metadata = await otobo_client.get_ticket(ticket.id, attachments=True, attachment_contents=False)
    meta = {a.filename: a for a in metadata.articles[0].attachments}
    assert meta["report.csv"].content == b""
    assert meta["report.csv"].size == len(report.read_bytes())


async def test_create_several_articles_in_one_call(otobo_client: OTOBOZnunyClient) -> None:
    ticket = await otobo_client.create_ticket(
        TicketCreate(
            title="two articles",
            queue="Support",
            customer_user="carla",
            articles=[Article(subject="first", body="one"), Article(subject="second", body="two")],
        )
    )
    assert [a.subject for a in ticket.articles] == ["first", "second"]


async def test_create_in_pending_state_with_a_timedelta(otobo_client: OTOBOZnunyClient) -> None:
    before = datetime.now(timezone.utc)
    ticket = await otobo_client.create_ticket(
        new_ticket("wait for customer", state="pending reminder", pending_time=timedelta(hours=2))
    )
    assert ticket.pending_until is not None
    assert timedelta(hours=1, minutes=58) < ticket.pending_until - before < timedelta(hours=2, minutes=2)


async def test_invalid_dynamic_field_value_is_the_servers_invalid_parameter(otobo_client: OTOBOZnunyClient) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        await otobo_client.create_ticket(new_ticket("bad tag", dynamic_fields={"Tags": ["not-a-tag"]}))
    assert caught.value.code == "TicketCreate.InvalidParameter"


# ---- TicketGet -----------------------------------------------------------------------------------


async def test_get_ticket_options(otobo_client: OTOBOZnunyClient) -> None:
    created = await otobo_client.create_ticket(new_ticket("options"))
    for number in range(3):
        await otobo_client.add_note(created.id, f"note {number}", subject=f"note {number}")

    bare = await otobo_client.get_ticket(created.id, articles=False, dynamic_fields=False)
    assert bare.articles == []
    assert bare.dynamic_fields == {}

    everything = await otobo_client.get_ticket(created.id)
    assert [a.subject for a in everything.articles] == ["About options", "note 0", "note 1", "note 2"]
    assert "OrderID" in everything.dynamic_fields

    newest = await otobo_client.get_ticket(created.id, article_limit=2, article_order="desc")
    assert [a.subject for a in newest.articles] == ["note 2", "note 1"]

    customer_only = await otobo_client.get_ticket(created.id, article_sender_types=["customer"])
    assert customer_only.articles == []

    extended = await otobo_client.get_ticket(created.id, extended=True)
    assert extended.id == created.id


async def test_get_tickets_is_one_request_per_batch(otobo_client: OTOBOZnunyClient, otobo_emulator: Emulator) -> None:
    ids = await otobo_client.search_tickets(TicketSearch(limit=25))
    otobo_emulator.counters.reset()
    tickets = await otobo_client.get_tickets(ids, batch_size=10)
    assert [t.id for t in tickets] == ids
    assert otobo_emulator.counters.by_operation["TicketGet"] == 3


async def test_batch_failure_finds_the_bad_ids_and_keeps_the_rest(otobo_client: OTOBOZnunyClient) -> None:
    ids = await otobo_client.search_tickets(TicketSearch(limit=8))
    wanted = [ids[0], 999_001, *ids[1:5], 999_002, ids[5]]
    with pytest.raises(BatchFetchError) as caught:
        await otobo_client.get_tickets(wanted)
    assert set(caught.value.failed) == {999_001, 999_002}
    assert all(isinstance(e, AccessDeniedError) for e in caught.value.failed.values())
    assert [t.id for t in caught.value.tickets] == [i for i in wanted if i < 999_000]
    skipped = await otobo_client.get_tickets(wanted, on_error="skip")
    assert [t.id for t in skipped] == [i for i in wanted if i < 999_000]


async def test_missing_ticket_is_access_denied(otobo_client: OTOBOZnunyClient) -> None:
    with pytest.raises(AccessDeniedError) as caught:
        await otobo_client.get_ticket(424242)
    assert caught.value.code == "TicketGet.AccessDenied"


# ---- TicketSearch ------------------------------------------------------------------------------


async def test_search_parameters_select_the_right_tickets(otobo_client: OTOBOZnunyClient) -> None:
    alpha = await otobo_client.create_ticket(
        new_ticket(
            "Alpha zebra",
            queue="Support::Hardware",
            priority="5 very high",
            dynamic_fields={"OrderID": "ZX-1", "Tags": ["network"]},
            article=Article(subject="Keyboard broken", body="The spacebar sticks.", from_addr="carla@acme.example"),
        )
    )
    beta = await otobo_client.create_ticket(
        new_ticket(
            "Beta zebra",
            queue="Support",
            state="open",
            dynamic_fields={"OrderID": "ZX-2"},
            article=Article(subject="Mouse", body="Cable chewed by the cat."),
        )
    )

    async def found(**criteria: object) -> set[int]:
        ids = set(await otobo_client.search_tickets(TicketSearch(**criteria)))  # type: ignore[arg-type]
        return ids & {alpha.id, beta.id}

    assert await found(titles=["*zebra"]) == {alpha.id, beta.id}
    assert await found(ticket_numbers=[alpha.number]) == {alpha.id}
    assert await found(queues=["Support"]) == {beta.id}
    assert await found(queues=["Support"], use_sub_queues=True) == {alpha.id, beta.id}
    assert await found(queues=[IdName(id=alpha.queue.id)]) == {alpha.id}
    assert await found(states=["open"]) == {beta.id}
    assert await found(state_types=["new"]) == {alpha.id}
    assert await found(priorities=["5 very high"]) == {alpha.id}
    assert await found(customer_users=["carla"], titles=["*zebra"]) == {alpha.id, beta.id}
    assert await found(customer_ids=["ACME"], titles=["*zebra"]) == {alpha.id, beta.id}
    assert await found(owners=[IdName(id=alpha.owner.id)], titles=["*zebra"]) == {alpha.id, beta.id}
    assert await found(article_body="spacebar") == {alpha.id}
    assert await found(article_subject="mouse") == {beta.id}
    assert await found(article_from="carla@acme", article_body="cat", content_search="OR") == {alpha.id, beta.id}
    assert await found(dynamic_fields=[DynamicFieldFilter(field_name="OrderID", equals="ZX-2")]) == {beta.id}
    assert await found(dynamic_fields=[DynamicFieldFilter(field_name="OrderID", like="ZX-*")]) == {alpha.id, beta.id}
    assert await found(dynamic_fields=[DynamicFieldFilter(field_name="Tags", equals="network")]) == {alpha.id}
    assert await found(titles=["*zebra"], dynamic_fields=[DynamicFieldFilter(field_name="Tags", empty=True)]) == {
        beta.id
    }
    assert await found(created=TimeFilter(newer_than=timedelta(minutes=5))) == {alpha.id, beta.id}
    assert await found(created=TimeFilter(older_than=datetime.now(timezone.utc) - timedelta(days=1))) == set()
    assert await found(titles=["no such title"]) == set()


async def test_sorting_and_limit(otobo_client: OTOBOZnunyClient) -> None:
    ascending = await otobo_client.search_tickets(TicketSearch(sort_by=[SortField.CREATED], order_by=["Up"]))
    descending = await otobo_client.search_tickets(TicketSearch(sort_by="Created", order_by="Down"))
    assert ascending == list(reversed(descending))
    assert len(ascending) > 10
    assert await otobo_client.search_tickets(TicketSearch(sort_by="Created", order_by="Up", limit=3)) == ascending[:3]
    by_field = await otobo_client.search_tickets(TicketSearch(sort_by="DynamicField_OrderID", limit=5))
    assert len(by_field) == 5


async def test_sorting_by_several_keys_with_fewer_orders(otobo_client: OTOBOZnunyClient) -> None:
    """Both servers return nothing for a SortBy without its OrderBy; the client gives every sort key
    one (the last given, or Down), so a shorter order_by sorts instead of finding nothing."""
    everything = await otobo_client.search_tickets(TicketSearch())
    one_order = TicketSearch(sort_by=[SortField.PRIORITY, SortField.CREATED], order_by=["Up"])
    full = TicketSearch(sort_by=[SortField.PRIORITY, SortField.CREATED], order_by=["Up", "Up"])
    assert await otobo_client.search_tickets(one_order) == await otobo_client.search_tickets(full)
    no_order = TicketSearch(sort_by=[SortField.PRIORITY, SortField.CREATED])
    both_down = TicketSearch(sort_by=[SortField.PRIORITY, SortField.CREATED], order_by=["Down", "Down"])
    assert await otobo_client.search_tickets(no_order) == await otobo_client.search_tickets(both_down)
    assert sorted(await otobo_client.search_tickets(no_order)) == sorted(everything)
    assert everything


async def test_search_and_get_returns_tickets_in_search_order(otobo_client: OTOBOZnunyClient) -> None:
    search = TicketSearch(queues=["Support"], sort_by="Created", order_by="Down")
    ids = await otobo_client.search_tickets(search)
    progress: list[tuple[int, int]] = []
    tickets = await otobo_client.search_and_get(search, batch_size=3, progress=lambda d, t: progress.append((d, t)))
    assert [t.id for t in tickets] == ids
    assert progress[-1] == (len(ids), len(ids))
    streamed = [t.id async for t in otobo_client.iter_tickets(search, batch_size=2, articles=False)]
    assert streamed == ids


# ---- TicketUpdate ------------------------------------------------------------------------------


async def test_partial_update_changes_only_what_was_set(otobo_client: OTOBOZnunyClient) -> None:
    ticket = await otobo_client.create_ticket(new_ticket("partial", dynamic_fields={"OrderID": "A-1", "Tags": ["vip"]}))
    updated = await otobo_client.update_ticket(
        TicketUpdate(id=ticket.id, priority="4 high", dynamic_fields={"OrderID": CLEAR}, title=None)
    )
    assert updated.priority.name == "4 high"
    assert (updated.title, updated.queue, updated.state) == (ticket.title, ticket.queue, ticket.state)
    assert updated.dynamic_fields["OrderID"] is None
    assert updated.dynamic_fields["Tags"] == ["vip"]

    moved = await otobo_client.update_ticket(
        TicketUpdate(
            number=ticket.number,
            queue="Billing",
            owner="alice",
            responsible="api-agent",
            lock="lock",
            customer_user="dave",
            customer_id="ACME-EU",
        )
    )
    assert (moved.queue.name, moved.owner.name, moved.responsible.name, moved.lock.name) == (
        "Billing",
        "alice",
        "api-agent",
        "lock",
    )
    assert (moved.customer_user, moved.customer_id) == ("dave", "ACME-EU")


async def test_pending_state_with_datetime(otobo_client: OTOBOZnunyClient) -> None:
    ticket = await otobo_client.create_ticket(new_ticket("pending"))
    until = datetime(2031, 2, 3, 4, 5, tzinfo=timezone.utc)
    updated = await otobo_client.update_ticket(TicketUpdate(id=ticket.id, state="pending reminder", pending_time=until))
    assert updated.state.name == "pending reminder"
    assert updated.pending_until == until


async def test_notes_and_email_articles(otobo_client: OTOBOZnunyClient) -> None:
    ticket = await otobo_client.create_ticket(new_ticket("articles"))
    note = await otobo_client.add_note(
        ticket.id,
        "Checked the logs.",
        subject="Log check",
        time_unit=10,
        attachments=[Attachment.from_bytes("log.txt", b"all good")],
    )
    mail = await otobo_client.add_email_article(
        ticket.id, to="carla@acme.example", subject="Status", body="We are on it."
    )
    assert note.ticket_id == ticket.id
    assert len(note.article_ids) == 1
    assert len(mail.article_ids) == 1
    full = await otobo_client.get_ticket(ticket.id, attachments=True)
    by_id = {a.id: a for a in full.articles}
    assert by_id[note.article_ids[0]].is_visible_for_customer is False
    assert by_id[note.article_ids[0]].attachments[0].content == b"all good"
    assert by_id[mail.article_ids[0]].communication_channel == "Email"
    assert by_id[mail.article_ids[0]].to == "carla@acme.example"


async def test_update_of_a_missing_ticket_is_access_denied(otobo_client: OTOBOZnunyClient) -> None:
    with pytest.raises(AccessDeniedError) as caught:
        await otobo_client.update_ticket(TicketUpdate(id=777777, title="x"))
    assert caught.value.code == "TicketUpdate.AccessDenied"


# ---- history and sessions ----------------------------------------------------------------------


async def test_history_is_typed(otobo_client: OTOBOZnunyClient) -> None:
    ticket = await otobo_client.create_ticket(new_ticket("history"))
    await otobo_client.update_ticket(TicketUpdate(id=ticket.id, state="open"))
    history = await otobo_client.get_ticket_history(ticket.id)
    types = [entry.history_type for entry in history]
    assert types[0] == "NewTicket"
    assert "StateUpdate" in types
    state_update = next(e for e in history if e.history_type == "StateUpdate")
    assert state_update.values[:2] == ["new", "open"]
    assert all(e.ticket_id == ticket.id and e.created_at is not None for e in history)
    assert any(e.article_id for e in history)
    assert any(e.article_id is None for e in history)


async def test_session_lifecycle(otobo_client: OTOBOZnunyClient) -> None:
    session_id = await otobo_client.create_session()
    info = await otobo_client.get_session(session_id)
    assert info.user_login == "api-agent"
    assert info.user_type == "User"
    assert await otobo_client.remove_session(session_id) is True
    with pytest.raises(AuthenticationError) as caught:
        await otobo_client.get_session(session_id)
    assert caught.value.code == "SessionGet.SessionInvalid"


async def test_session_mode_logs_in_once_and_renews_an_expired_session(otobo_emulator: Emulator) -> None:
    async with make_async_client(otobo_emulator) as client:
        assert client.auth_mode == "session"
        for _ in range(3):
            await client.search_tickets(TicketSearch(limit=1))
        assert otobo_emulator.counters.by_operation["SessionCreate"] == 1
        assert otobo_emulator.counters.by_auth["password"] == 1  # only the SessionCreate carried it
        first = client.session_id
        otobo_emulator.expire_sessions()
        await client.search_tickets(TicketSearch(limit=1))
        assert otobo_emulator.counters.by_operation["SessionCreate"] == 2
        assert client.session_id != first


async def test_a_given_session_without_password_is_not_silently_replaced(otobo_emulator: Emulator) -> None:
    async with make_async_client(otobo_emulator) as helper:
        session_id = await helper.create_session()
    async with make_async_client(otobo_emulator, login=False) as client:
        client.login(SessionAuth(session_id=session_id))
        assert await client.search_tickets(TicketSearch(limit=1))
        otobo_emulator.expire_sessions()
        with pytest.raises(SessionExpiredError):
            await client.search_tickets(TicketSearch(limit=1))


async def test_password_mode_sends_credentials_every_time(otobo_emulator: Emulator) -> None:
    async with make_async_client(otobo_emulator, use_session=False) as client:
        for _ in range(3):
            await client.search_tickets(TicketSearch(limit=1))
    assert otobo_emulator.counters.by_auth["password"] == 3
    assert otobo_emulator.counters.by_operation.get("SessionCreate", 0) == 0


async def test_wrong_password_is_an_authentication_error(otobo_emulator: Emulator) -> None:
    async with make_async_client(otobo_emulator, password="wrong-password") as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.search_tickets(TicketSearch())
    assert caught.value.code == "SessionCreate.AuthFail"


async def test_customer_user_login(otobo_emulator: Emulator) -> None:
    async with make_async_client(otobo_emulator, login=False) as client:
        client.login(BasicAuth(customer_user_login="carla", password="carla-pw"))
        ids = await client.search_tickets(TicketSearch())
        tickets = await client.get_tickets(ids)
        assert tickets
        assert {t.customer_id for t in tickets} == {"ACME"}
        assert all(a.is_visible_for_customer for t in tickets for a in t.articles)
        with pytest.raises(AuthenticationError):
            await client.get_ticket_history(ids[0])


def test_attachment_content_is_base64_on_the_wire() -> None:
    from otobo_znuny.wire.mapping import WriteLimits, attachment_to_wire

    wire = attachment_to_wire(Attachment.from_bytes("a.bin", bytes(range(256))), WriteLimits(10_000, 10), "a")
    assert base64.b64decode(wire["Content"]) == bytes(range(256))
    assert wire["ContentType"] == "application/octet-stream"
    assert wire["Disposition"] == "attachment"


async def test_get_session_right_after_login_creates_the_session(otobo_emulator: Emulator) -> None:
    async with make_async_client(otobo_emulator) as client:
        info = await client.get_session()
    assert info.user_login == "api-agent"
    assert otobo_emulator.counters.by_operation["SessionCreate"] == 1
