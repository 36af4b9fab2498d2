"""Bad input is refused with an error naming the field, before any request is sent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from otobo_znuny import (
    CLEAR,
    UNSET,
    Article,
    Attachment,
    BasicAuth,
    ClientConfig,
    ConfigurationError,
    DynamicFieldFilter,
    IdName,
    NotLoggedInError,
    OTOBOZnunyClient,
    RequestValidationError,
    TicketCreate,
    TicketOperation,
    TicketSearch,
    TicketUpdate,
    TimeFilter,
)


class NoRequests:
    """A transport that fails the test if anything is sent."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(500, text="must not be reached")


def client_for(transport: NoRequests, config: ClientConfig | None = None) -> OTOBOZnunyClient:
    config = config or ClientConfig.generic_ticket("https://helpdesk.example/otrs/nph-genericinterface.pl")
    client = OTOBOZnunyClient(config, httpx.AsyncClient(transport=httpx.MockTransport(transport)))
    client.login(BasicAuth(user_login="agent", password="pw-123"), use_session=False)
    return client


def field_of(error: ValidationError) -> str:
    return ".".join(str(part) for part in error.errors()[0]["loc"])


# ---- models refuse bad values at construction (values the original library never accepted) ----


@pytest.mark.parametrize(
    ("build", "field", "fragment"),
    [
        (lambda: IdName(), "", "needs an id or a non-empty name"),
        (lambda: IdName(name=" "), "", "needs an id or a non-empty name"),
        (lambda: TicketUpdate(id=1, queue=CLEAR), "", "queue cannot be cleared"),
        (lambda: TicketUpdate(id=1, customer_id=CLEAR), "", "customer_id cannot be cleared"),
        (lambda: TicketUpdate(id=1, pending_time=CLEAR), "", "pending_time cannot be cleared"),
        (lambda: TicketCreate(customer_user=CLEAR), "", "customer_user cannot be cleared"),
        (lambda: TicketUpdate(id=1, dynamic_fields={"OrderID": None}), "dynamic_fields", "use CLEAR"),
        (lambda: TicketSearch(sort_by=["Subject"]), "sort_by", "unknown sort field 'Subject'"),
        (lambda: TicketSearch(order_by=["Down"]), "", "order_by needs sort_by"),
        (lambda: TicketSearch(content_search="AND"), "", "needs at least one article_"),
        (lambda: TicketSearch(owners=["alice"]), "", "owners can only be searched by ID"),
        (lambda: TicketSearch(ticket_ids=[-1]), "ticket_ids", "positive"),
        (lambda: TicketSearch(state_types=["Open"]), "state_types.0", "Input should be"),
        (lambda: TicketSearch(numbers=["1"], ticket_numbers=["2"]), "", "not both"),
        (lambda: TimeFilter(), "", "needs newer_than or older_than"),
        (lambda: TimeFilter(newer_than=timedelta(seconds=30)), "", "whole minutes"),
        (lambda: Attachment(filename="", content=b"x"), "filename", "must not be empty"),
        (lambda: Attachment(filename="a", content=b"x", content_type="text"), "content_type", "type/subtype"),
        (lambda: Article(subject="s", body="b", time_unit=-1), "time_unit", "negative"),
        (lambda: BasicAuth(password="x"), "", "exactly one of user_login"),
        (lambda: BasicAuth(user_login="a", customer_user_login="b", password="x"), "", "exactly one"),
        (lambda: ClientConfig(base_url="helpdesk", webservice_name="GT"), "base_url", "http(s) URL"),
        (lambda: ClientConfig.generic_ticket("https://x", server_timezone="Mars/Base"), "server_timezone", "unknown"),
    ],
)
def test_models_name_the_bad_field(build: Callable[[], Any], field: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build()
    assert field_of(caught.value) == field
    assert fragment in str(caught.value)


# ---- the client refuses before sending ---------------------------------------------------------

Call = Callable[[OTOBOZnunyClient], Awaitable[Any]]

REFUSED: list[tuple[str, Call, type[Exception], str]] = [
    (
        "missing queue",
        lambda c: c.create_ticket(
            TicketCreate(title="t", customer_user="c@x.org", article=Article(subject="s", body="b"))
        ),
        RequestValidationError,
        "queue",
    ),
    (
        "missing customer",
        lambda c: c.create_ticket(TicketCreate(title="t", queue="Raw", article=Article(subject="s", body="b"))),
        RequestValidationError,
        "customer_user",
    ),
    (
        "missing article",
        lambda c: c.create_ticket(TicketCreate(title="t", queue="Raw", customer_user="c@x.org")),
        RequestValidationError,
        "article",
    ),
    (
        "empty attachment",
        lambda c: c.create_ticket(
            TicketCreate(
                title="t",
                queue="Raw",
                customer_user="c@x.org",
                article=Article(subject="s", body="b", attachments=[Attachment(filename="a.txt", content=b"")]),
            )
        ),
        RequestValidationError,
        "article.attachments[0].content",
    ),
    ("update sets nothing", lambda c: c.update_ticket(TicketUpdate(id=1)), RequestValidationError, "TicketUpdate"),
    # values the original library accepted when building the model: refused by the call, before sending
    ("create without title", lambda c: c.create_ticket(TicketCreate(queue="Raw")), RequestValidationError, "title"),
    ("blank title", lambda c: c.create_ticket(TicketCreate(title="   ")), RequestValidationError, "title"),
    ("title line break", lambda c: c.create_ticket(TicketCreate(title="a\nb")), RequestValidationError, "title"),
    (
        "article without subject",
        lambda c: c.create_ticket(TicketCreate(title="t", article=Article(body="b"))),
        RequestValidationError,
        "article.subject",
    ),
    (
        "empty article body",
        lambda c: c.update_ticket(TicketUpdate(id=1, article=Article(subject="s", body=""))),
        RequestValidationError,
        "article.body",
    ),
    ("empty note body, named as add_note's argument", lambda c: c.add_note(1, ""), RequestValidationError, "body"),
    ("update without id", lambda c: c.update_ticket(TicketUpdate(state="open")), RequestValidationError, "id"),
    ("update id 0", lambda c: c.update_ticket(TicketUpdate(id=0, title="x")), RequestValidationError, "id"),
    (
        "customer_id alone",
        lambda c: c.update_ticket(TicketUpdate(id=1, customer_id="ACME")),
        RequestValidationError,
        "customer_id",
    ),
    (
        "clear customer without customer_id",
        lambda c: c.update_ticket(TicketUpdate(id=1, customer_user=CLEAR)),
        RequestValidationError,
        "customer_user",
    ),
    (
        "pending state without time",
        lambda c: c.update_ticket(TicketUpdate(id=1, state="pending reminder")),
        RequestValidationError,
        "state",
    ),
    (
        "use_sub_queues without queues",
        lambda c: c.search_tickets(TicketSearch(use_sub_queues=True)),
        RequestValidationError,
        "use_sub_queues",
    ),
    ("bare wildcard", lambda c: c.search_tickets(TicketSearch(titles=["*"])), RequestValidationError, "titles"),
    ("limit 0", lambda c: c.search_tickets(TicketSearch(limit=0)), RequestValidationError, "limit"),
    (
        "filter without operator",
        lambda c: c.search_tickets(TicketSearch(dynamic_fields=[DynamicFieldFilter(field_name="OrderID")])),
        RequestValidationError,
        "dynamic_fields[0]",
    ),
    (
        "filter name with a dash",
        lambda c: c.search_tickets(
            TicketSearch(dynamic_fields=[DynamicFieldFilter(field_name="Order-ID", equals="x")])
        ),
        RequestValidationError,
        "dynamic_fields[0].field_name",
    ),
    (
        "mixed names and IDs",
        lambda c: c.search_tickets(TicketSearch(queues=["Raw", 3])),
        RequestValidationError,
        "queues",
    ),
    ("bad ticket id", lambda c: c.get_ticket(0), RequestValidationError, "ticket_id"),
    ("desc without limit", lambda c: c.get_ticket(1, article_order="desc"), RequestValidationError, "article_order"),
    (
        "attachments without articles",
        lambda c: c.get_ticket(1, articles=False, attachments=True),
        RequestValidationError,
        "attachments",
    ),
    ("unknown get option", lambda c: c.get_ticket(1, artcles=True), RequestValidationError, "artcles"),  # type: ignore[call-arg]
    ("no route", lambda c: c.get_ticket_history(1), ConfigurationError, "TicketHistoryGet"),
    ("wrong model type", lambda c: c.update_ticket(TicketCreate(title="t")), TypeError, "TicketUpdate"),
]


@pytest.mark.parametrize(("name", "call", "error", "field"), REFUSED, ids=[r[0] for r in REFUSED])
async def test_client_refuses_before_sending(name: str, call: Call, error: type[Exception], field: str) -> None:
    transport = NoRequests()
    config = ClientConfig(
        base_url="https://helpdesk.example/otrs/nph-genericinterface.pl",
        webservice_name="GenericTicket",
        operation_url_map={op: op.value for op in TicketOperation if op is not TicketOperation.HISTORY_GET},
    )
    async with client_for(transport, config) as client:
        with pytest.raises(error) as caught:
            await call(client)
    assert field in str(caught.value)
    if isinstance(caught.value, RequestValidationError):
        assert caught.value.field == field
    assert transport.requests == []


async def test_operation_before_login_is_a_runtime_error_and_sends_nothing() -> None:
    transport = NoRequests()
    config = ClientConfig.generic_ticket("https://helpdesk.example/otrs/nph-genericinterface.pl")
    async with OTOBOZnunyClient(config, httpx.AsyncClient(transport=httpx.MockTransport(transport))) as client:
        with pytest.raises(RuntimeError) as caught:
            await client.search_tickets(TicketSearch())
    assert isinstance(caught.value, NotLoggedInError)
    assert "login" in str(caught.value)
    assert transport.requests == []


def test_missing_route_names_the_operation() -> None:
    config = ClientConfig(
        base_url="https://helpdesk.example/api",
        webservice_name="GenericTicket",
        operation_url_map={TicketOperation.GET: "TicketGet"},
    )
    with pytest.raises(ConfigurationError, match="TicketSearch") as caught:
        config.route_for(TicketOperation.SEARCH)
    assert "TicketOperation.SEARCH" in str(caught.value)


def test_none_and_unset_mean_unchanged_and_clear_clears() -> None:
    keep = TicketUpdate(id=1, title="x", customer_user=None, queue=UNSET)
    clear = TicketUpdate(id=1, customer_user=CLEAR, customer_id="ACME")
    assert keep.customer_user is None
    assert keep.queue is None
    assert keep.changes() == {"title": "x"}
    assert clear.changes() == {"customer_user": CLEAR, "customer_id": "ACME"}


def test_pending_state_accepts_datetime_or_timedelta() -> None:
    assert TicketUpdate(id=1, state="pending reminder", pending_time=timedelta(hours=2)).pending_time
    assert TicketUpdate(id=1, state="pending reminder", pending_time=datetime(2030, 1, 1, 9, 30)).pending_time


async def test_a_pending_time_without_a_state_is_refused_not_ignored() -> None:
    """The server validates a PendingTime sent without a state change and ignores it (CONTRACT.md
    TicketUpdate "Pending"): update_ticket would return the ticket unchanged."""
    from otobo_znuny.emulator import Emulator
    from otobo_znuny.testing import make_async_client

    emulator = Emulator.from_seed("demo")
    async with make_async_client(emulator) as client:
        sent = emulator.counters.total
        with pytest.raises(RequestValidationError) as caught:
            await client.update_ticket(TicketUpdate(id=1, pending_time=timedelta(hours=2)))
        assert caught.value.field == "pending_time"
        assert "state" in caught.value.problem
        assert emulator.counters.total == sent


@pytest.mark.parametrize("given", ["", "   "])
async def test_an_empty_session_id_is_refused_and_never_means_the_clients_own(given: str) -> None:
    """``remove_session("")`` (an unset variable) used to remove the client's own session."""
    from otobo_znuny.emulator import Emulator
    from otobo_znuny.testing import make_async_client

    emulator = Emulator.from_seed("znuny_lab")
    async with make_async_client(emulator, use_session=True) as client:
        await client.get_ticket(1)
        own = client.session_id
        assert own is not None
        sent = emulator.counters.total
        for call in (client.remove_session, client.get_session):
            with pytest.raises(RequestValidationError) as caught:
                await call(given)
            assert caught.value.field == "session_id"
        assert emulator.counters.total == sent  # refused before sending
        assert client.session_id == own
        assert (await client.get_session()).data  # still valid on the server


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
async def test_a_time_unit_that_is_not_a_finite_number_is_refused_before_sending(value: float) -> None:
    """NaN and Infinity used to be sent as the bare JSON tokens ``NaN``/``Infinity``, which are not
    JSON: the server cannot read the request (and a write then looks like an unknown outcome)."""
    transport = NoRequests()
    async with client_for(transport) as client:
        with pytest.raises(RequestValidationError) as caught:
            await client.add_note(1, "worked on it", time_unit=value)
    assert caught.value.field == "time_unit"
    assert transport.requests == []
    with pytest.raises(ValidationError):
        Article(subject="s", body="b", time_unit=value)


@pytest.mark.parametrize(
    ("operator", "value"),
    [("equals", ""), ("like", "*"), ("equals", ["A-1", ""]), ("like", "%%"), ("greater_than", "")],
)
async def test_a_dynamic_field_value_the_server_skips_is_refused(operator: str, value: Any) -> None:
    """The core search skips an empty value or one of only ``*``/``%``, and an operator left without
    values adds no condition: ``equals=""`` (an unset variable) matched every ticket."""
    from otobo_znuny.emulator import Emulator
    from otobo_znuny.testing import make_async_client

    emulator = Emulator.from_seed("znuny_lab")
    everything = TicketSearch(dynamic_fields=[DynamicFieldFilter(field_name="OrderID", **{operator: value})])
    async with make_async_client(emulator, check_dynamic_fields=False) as client:
        sent = emulator.counters.total
        with pytest.raises(RequestValidationError) as caught:
            await client.search_tickets(everything)
        assert caught.value.field == f"dynamic_fields[0].{operator}"
        assert emulator.counters.total == sent
        assert await client.search_tickets(
            TicketSearch(dynamic_fields=[DynamicFieldFilter(field_name="OrderID", empty=True)])
        )


@pytest.mark.parametrize("field", ["article_from", "article_subject", "article_body", "attachment_name", "fulltext"])
@pytest.mark.parametrize("value", ["", "  "])
async def test_an_empty_article_text_criterion_is_refused_instead_of_matching_everything(
    field: str, value: str
) -> None:
    """The search ignores an empty MIMEBase_*/Fulltext value, so ``fulltext=""`` returned every ticket."""
    from otobo_znuny.emulator import Emulator
    from otobo_znuny.testing import make_async_client

    emulator = Emulator.from_seed("znuny_lab")
    async with make_async_client(emulator) as client:
        everything = len(await client.search_tickets(TicketSearch()))
        assert len(await client.search_tickets(TicketSearch(**{field: "zz-no-such-text"}))) < everything
        sent = emulator.counters.total
        with pytest.raises(RequestValidationError) as caught:
            await client.search_tickets(TicketSearch(**{field: value}))
        assert caught.value.field == field
        assert emulator.counters.total == sent
