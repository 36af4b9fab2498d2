"""Bad input is refused with an error naming the field, before any request is sent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from otobo_znuny import (
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


# ---- models refuse bad values at construction -------------------------------------------------


@pytest.mark.parametrize(
    ("build", "field", "fragment"),
    [
        (lambda: TicketCreate(queue="Raw"), "title", "Field required"),
        (lambda: TicketCreate(title="   "), "title", "must not be empty"),
        (lambda: TicketCreate(title="a\nb"), "title", "line breaks"),
        (lambda: IdName(), "", "needs an id or a non-empty name"),
        (lambda: IdName(name=" "), "", "needs an id or a non-empty name"),
        (lambda: TicketUpdate(state="open"), "", "needs id or number"),
        (lambda: TicketUpdate(id=0, title="x"), "", "positive"),
        (lambda: TicketUpdate(id=1, queue=None), "", "cannot be cleared"),
        (lambda: TicketUpdate(id=1, customer_id="ACME"), "", "customer_id needs customer_user"),
        (lambda: TicketUpdate(id=1, state="pending reminder"), "", "needs pending_time"),
        (lambda: TicketSearch(sort_by=["Subject"]), "sort_by", "unknown sort field 'Subject'"),
        (lambda: TicketSearch(order_by=["Down"]), "", "order_by needs sort_by"),
        (lambda: TicketSearch(content_search="AND"), "", "needs at least one article_"),
        (lambda: TicketSearch(use_sub_queues=True), "", "use_sub_queues needs queues"),
        (lambda: TicketSearch(owners=["alice"]), "", "owners can only be searched by ID"),
        (lambda: TicketSearch(titles=["*"]), "titles", "matches everything"),
        (lambda: TicketSearch(ticket_ids=[-1]), "ticket_ids", "positive"),
        (lambda: TicketSearch(limit=0), "limit", "greater than or equal to 1"),
        (lambda: TicketSearch(state_types=["Open"]), "state_types.0", "Input should be"),
        (lambda: TicketSearch(numbers=["1"], ticket_numbers=["2"]), "", "not both"),
        (lambda: DynamicFieldFilter(field_name="OrderID"), "", "needs at least one operator"),
        (lambda: DynamicFieldFilter(field_name="Order-ID", equals="x"), "field_name", "letters and digits"),
        (lambda: TimeFilter(), "", "needs newer_than or older_than"),
        (lambda: TimeFilter(newer_than=timedelta(seconds=30)), "", "whole minutes"),
        (lambda: Attachment(filename="", content=b"x"), "filename", "must not be empty"),
        (lambda: Attachment(filename="a", content=b"x", content_type="text"), "content_type", "type/subtype"),
        (lambda: Article(subject="s", body="b", time_unit=-1), "time_unit", "negative"),
        (lambda: TicketCreate(title="t", article=Article(body="b")), "", "article.subject is required"),
        (lambda: BasicAuth(password="x"), "", "exactly one of user_login"),
        (lambda: BasicAuth(user_login="a", customer_user_login="b", password="x"), "", "exactly one"),
        (lambda: BasicAuth(user_login="a", password=""), "password", "must not be empty"),
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


def test_unset_differs_from_none() -> None:
    keep = TicketUpdate(id=1, title="x")
    clear = TicketUpdate(id=1, customer_user=None)
    assert keep.customer_user is UNSET
    assert "customer_user" not in keep.changes()
    assert clear.changes() == {"customer_user": None}


def test_pending_state_accepts_datetime_or_timedelta() -> None:
    assert TicketUpdate(id=1, state="pending reminder", pending_time=timedelta(hours=2)).pending_time
    assert TicketUpdate(id=1, state="pending reminder", pending_time=datetime(2030, 1, 1, 9, 30)).pending_time
