"""Code written against otobo-znuny 1.4's public API, as a user of 1.4 writes it, runs here.

Written from 1.4.1's public modules (``otobo_znuny.clients.otobo_client``, ``domain_models.*``,
``util.*``, ``mappers``, ``models.*``) and what they accept; one group per point of the compatibility
issue (see docs/compatibility.md). Server behaviour comes from the emulator, whose answers are checked
against the recordings of Znuny 7.0.19 and OTOBO 11.0.6 elsewhere; point 7 also replays them here.
"""

from __future__ import annotations

import importlib
import inspect
import json
from datetime import datetime, timezone
from typing import Any
from unittest.mock import MagicMock

import httpx
import pytest
from pydantic import SecretStr, ValidationError

from otobo_znuny.clients.otobo_client import OTOBOZnunyClient, OTOBOZnunySyncClient
from otobo_znuny.domain_models.basic_auth_model import BasicAuth
from otobo_znuny.domain_models.otobo_client_config import ClientConfig
from otobo_znuny.domain_models.ticket_models import (
    CLEAR,
    UNSET,
    Article,
    DynamicFieldFilter,
    IdName,
    Ticket,
    TicketBase,
    TicketCreate,
    TicketSearch,
    TicketUpdate,
)
from otobo_znuny.domain_models.ticket_operation import TicketOperation
from otobo_znuny.emulator import Emulator, EmulatorTransport
from otobo_znuny.errors import ConfigurationError, RequestValidationError, ResponseError, RouteMismatchError
from otobo_znuny.models.request_models import WsAuthData
from otobo_znuny.models.ticket_models import WsTicketOutput
from otobo_znuny.operations.replies import route_refusal
from otobo_znuny.testing import EMULATOR_BASE_URL, EMULATOR_PASSWORD, EMULATOR_USER
from otobo_znuny.util.otobo_errors import OTOBOError
from otobo_znuny.util.safe_base_model import SafeBaseModel
from otobo_znuny.util.webservice_config import TYPE_TO_ENUM, create_otobo_client_config
from otobo_znuny.wire import mapping
from otobo_znuny.wire.shapes import WsTicket
from support.recording import load_exchanges

from .helpers import OPEN_TICKET_AI_YML, Sent, history_length, open_ticket_ai_emulator, plugin_config, recorded_http

AUTH = BasicAuth(user_login=EMULATOR_USER, password=SecretStr(EMULATOR_PASSWORD))
FULL_MAP = {
    TicketOperation.CREATE: "TicketCreate",
    TicketOperation.SEARCH: "TicketSearch",
    TicketOperation.GET: "TicketGet",
    TicketOperation.UPDATE: "TicketUpdate",
}


def documented_client(emulator: Emulator, sent: Sent | None = None) -> OTOBOZnunyClient:
    """The 1.4 way: ClientConfig(base_url, webservice_name, operation_url_map) and login(BasicAuth)."""
    config = ClientConfig(base_url=EMULATOR_BASE_URL, webservice_name="GenericTicket", operation_url_map=FULL_MAP)
    client = OTOBOZnunyClient(config, client=recorded_http(emulator, sent or Sent()))
    client.login(AUTH)
    return client


def sent_bodies(sent: list[httpx.Request]) -> list[dict[str, Any]]:
    """The JSON bodies sent, without the credentials."""
    bodies = []
    for request in sent:
        body = json.loads(request.content)
        bodies.append({k: v for k, v in body.items() if k not in ("UserLogin", "Password", "SessionID")})
    return bodies


# ---- 1. model_dump(with_secrets=True) ------------------------------------------------------------


class TestSecretsOnRequest:
    def test_basic_auth_dumps_the_password_in_clear_only_when_asked(self) -> None:
        auth = BasicAuth(user_login="open_ticket_ai", password=SecretStr("pw-1"))
        revealed = auth.model_dump(with_secrets=True)
        assert revealed["user_login"] == "open_ticket_ai"
        assert revealed["password"] == "pw-1"
        masked = auth.model_dump()
        assert isinstance(masked["password"], SecretStr)
        assert "pw-1" not in str(masked)
        assert "pw-1" not in repr(auth)
        assert "pw-1" not in str(auth)
        assert json.loads(auth.model_dump_json(with_secrets=True))["password"] == "pw-1"
        assert "pw-1" not in auth.model_dump_json()
        assert auth.model_dump(mode="json", with_secrets=True)["password"] == "pw-1"
        assert auth.model_dump(with_secrets=False)["password"] == masked["password"]

    def test_the_request_credentials_of_1_4_dump_in_clear(self) -> None:
        """1.4's client built its payload as to_ws_auth(auth).model_dump(by_alias, exclude_none, with_secrets)."""
        from otobo_znuny.mappers import to_ws_auth

        ws_auth = to_ws_auth(BasicAuth(user_login="agent", password="pw-2"))
        assert isinstance(ws_auth, WsAuthData)
        assert ws_auth.model_dump(by_alias=True, exclude_none=True, with_secrets=True) == {
            "UserLogin": "agent",
            "Password": "pw-2",
        }
        assert "pw-2" not in str(ws_auth.model_dump(by_alias=True, exclude_none=True))

    def test_session_auth_and_own_safe_base_models(self) -> None:
        from otobo_znuny import SessionAuth

        assert SessionAuth(session_id="s" * 32).model_dump(with_secrets=True) == {"session_id": "s" * 32}

        class Settings(SafeBaseModel):  # a user model on 1.4's SafeBaseModel
            url: str
            token: SecretStr

        settings = Settings(url="https://x", token=SecretStr("t0k"))
        assert settings.model_dump(with_secrets=True) == {"url": "https://x", "token": "t0k"}
        assert isinstance(settings.model_dump()["token"], SecretStr)

    async def test_empty_credentials_are_built_but_refused_by_login_before_sending(self) -> None:
        auth = BasicAuth(user_login="agent", password="")  # 1.4 accepted it
        emulator = Emulator.from_seed("demo")
        async with documented_client(emulator) as client:
            with pytest.raises(RequestValidationError) as caught:
                client.login(auth)
        assert caught.value.field == "password"
        assert emulator.counters.total == 0


# ---- 2. None means unchanged; CLEAR clears -------------------------------------------------------


class TestNoneMeansUnchanged:
    def test_only_set_fields_are_sent(self) -> None:
        update = TicketUpdate(id=5, title="New subject", queue=None, priority=None, article=None)
        wire = mapping.ticket_update_to_wire(
            update,
            flavor=ClientConfig.model_fields["flavor"].default,
            tz=timezone.utc,
            limits=mapping.WriteLimits(10**6, 10**6),
        )
        assert wire == {"TicketID": 5, "Ticket": {"Title": "New subject"}}

    def test_every_attribute_may_be_none(self) -> None:
        names = [
            "title",
            "queue",
            "state",
            "priority",
            "type",
            "lock",
            "owner",
            "customer_user",
            "customer_id",
            "number",
            "created_at",
            "changed_at",
            "article",
            "dynamic_fields",
        ]
        update = TicketUpdate(id=5, **{name: None for name in names})
        assert update.changes() == {}
        assert update.dynamic_fields == {}
        create = TicketCreate(title="t", **{name: None for name in names if name != "title"})
        assert create.dynamic_fields == {}
        assert create.articles == []
        assert TicketUpdate(id=5, title=UNSET).title is None  # this package's earlier marker: the same

    async def test_partial_updates_change_nothing_else_on_the_server(self) -> None:
        emulator = Emulator.from_seed("demo")
        async with documented_client(emulator) as client:
            before = await client.get_ticket(7)
            moved = await client.update_ticket(TicketUpdate(id=7, title=None, queue=IdName(name="Misc"), priority=None))
            assert moved.queue is not None
            assert moved.queue.name == "Misc"
            assert (moved.title, moved.priority, moved.state) == (before.title, before.priority, before.state)
            raised = await client.update_ticket(TicketUpdate(id=7, queue=None, priority=IdName(name="5 very high")))
            assert raised.priority is not None
            assert raised.priority.name == "5 very high"
            assert raised.queue == moved.queue
            assert raised.title == before.title

    async def test_clear_clears_where_the_server_can(self) -> None:
        emulator = Emulator.from_seed("demo")
        async with documented_client(emulator) as client:
            ticket = await client.get_ticket(7)
            assert ticket.customer_user
            assert ticket.dynamic_fields.get("Tags")
            cleared = await client.update_ticket(
                TicketUpdate(id=7, customer_user=CLEAR, customer_id="ACME", dynamic_fields={"Tags": CLEAR})
            )
        assert cleared.customer_user is None
        assert cleared.customer_id == "ACME"
        assert cleared.dynamic_fields["Tags"] is None

    @pytest.mark.parametrize(
        "field",
        [
            "title",
            "queue",
            "state",
            "priority",
            "type",
            "lock",
            "owner",
            "customer_id",
            "pending_time",
            "service",
            "sla",
            "responsible",
        ],
    )
    def test_clear_is_refused_where_the_server_cannot_clear(self, field: str) -> None:
        with pytest.raises(ValidationError, match=f"{field} cannot be cleared"):
            TicketUpdate(id=1, **{field: CLEAR})

    @pytest.mark.parametrize(
        "build",
        [
            lambda: TicketSearch(limit=CLEAR),
            lambda: TicketSearch(title=CLEAR),
            lambda: Article(subject=CLEAR, body="b"),
            lambda: IdName(name=CLEAR),
            lambda: TicketCreate(title=CLEAR),
        ],
        ids=["search limit", "search title", "article subject", "IdName", "create title"],
    )
    def test_clear_is_refused_outside_a_ticket_update(self, build: Any) -> None:
        """pydantic would read the enum as the text "CLEAR" (a str in an int field, a subject "CLEAR")."""
        with pytest.raises(ValidationError, match=r"CLEAR|cannot be cleared"):
            build()

    def test_none_as_a_dynamic_field_value_is_refused_as_ambiguous(self) -> None:
        with pytest.raises(ValidationError, match="use CLEAR to clear it"):
            TicketUpdate(id=1, dynamic_fields={"OrderID": None})

    def test_a_plain_string_named_clear_is_a_login(self) -> None:
        assert TicketUpdate(id=1, customer_user="CLEAR").customer_user == "CLEAR"

    async def test_an_update_of_nothing_but_none_is_refused_before_sending(self) -> None:
        emulator = Emulator.from_seed("demo")
        async with documented_client(emulator) as client:
            with pytest.raises(RequestValidationError, match="sets nothing"):
                await client.update_ticket(TicketUpdate(id=7, title=None, queue=None, priority=None, article=None))
        assert emulator.counters.total == 0

    async def test_optional_create_fields_none_are_not_sent(self) -> None:
        emulator = Emulator.from_seed("demo")
        requests: list[httpx.Request] = []
        config = ClientConfig(base_url=EMULATOR_BASE_URL, webservice_name="GenericTicket", operation_url_map=FULL_MAP)
        http = httpx.AsyncClient(transport=EmulatorTransport(emulator), event_hooks={"request": [_keep(requests)]})
        async with OTOBOZnunyClient(config, client=http) as client:
            client.login(AUTH)
            created = await client.create_ticket(
                TicketCreate(
                    title="Printer",
                    queue=IdName(name="Raw"),
                    priority=None,
                    state=None,
                    type=None,
                    owner=None,
                    lock=None,
                    customer_user="carla",
                    article=Article(subject="s", body="b"),
                )
            )
        ticket = sent_bodies(requests)[0]["Ticket"]
        assert ticket == {
            "Title": "Printer",
            "Queue": "Raw",
            "State": "new",
            "Priority": "3 normal",
            "CustomerUser": "carla",
        }
        assert created.state is not None
        assert created.state.name == "new"


def _keep(requests: list[httpx.Request]) -> Any:
    async def hook(request: httpx.Request) -> None:
        requests.append(request)

    return hook


# ---- 3. Ticket and Article with only what 1.4 required --------------------------------------------


class TestMinimalModels:
    def test_ticket_needs_only_an_id(self) -> None:
        ticket = Ticket(
            id=123,
            title="Test Ticket",
            queue=IdName(id=1, name="Support"),
            priority=IdName(id=3, name="High"),
            articles=[Article(subject="First article", body="This is the first article body")],
        )
        assert ticket.number == ""
        assert ticket.get_articles()[0].body == "This is the first article body"
        assert Ticket(id=1, number=None).number == ""
        assert Ticket(id="5").id == 5

    def test_article_needs_nothing(self) -> None:
        assert Article().body is None
        assert Article().content_type == "text/plain; charset=utf-8"  # 1.4's default
        assert Article(body="only a body").subject is None

    async def test_values_the_server_always_sends_stay_typed(self) -> None:
        async with documented_client(Emulator.from_seed("demo")) as client:
            ticket = await client.get_ticket(7)
        assert isinstance(ticket.number, str)
        assert ticket.number.isdigit()
        assert isinstance(ticket.id, int)
        assert isinstance(ticket.created_at, datetime)
        assert ticket.created_at.tzinfo is not None
        assert all(isinstance(article.id, int) for article in ticket.articles)

    def test_every_ticket_model_is_a_ticket_base_with_get_articles(self) -> None:
        note = Article(subject="s", body="b")
        for model in (TicketCreate(article=note), TicketUpdate(id=1, article=note), Ticket(id=1, articles=[note])):
            assert isinstance(model, TicketBase)
            assert model.get_articles() == [note]
        assert TicketCreate().get_articles() == []


# ---- 4. 1.4's field names ---------------------------------------------------------------------------

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
NOTE = Article(subject="s", body="b")
FILTER = DynamicFieldFilter(field_name="OrderID", equals="A-1")
TICKET_BASE_FIELDS = {
    "number": "2026010210000011",
    "title": "t",
    "lock": IdName(name="lock"),
    "queue": IdName(id=2, name="Raw"),
    "state": IdName(name="open"),
    "priority": IdName(id=3),
    "type": IdName(name="Unclassified"),
    "owner": IdName(id=1),
    "customer_id": "ACME",
    "customer_user": "carla",
    "created_at": NOW,
    "changed_at": NOW,
    "dynamic_fields": {"OrderID": "A-1"},
}
ORIGINAL_FIELDS: list[tuple[type[Any], dict[str, Any], dict[str, Any]]] = [
    # (model, what 1.4 required, every public field of 1.4's domain_models with a value it accepted)
    (IdName, {}, {"id": 5, "name": "Raw"}),
    (
        Article,
        {},
        {
            "from_addr": "a@example.com",
            "to_addr": "b@example.com",
            "subject": "s",
            "body": "b",
            "content_type": "text/html; charset=utf-8",
            "created_at": NOW,
            "changed_at": NOW,
            "article_id": 7,
            "article_number": 2,
        },
    ),
    (TicketCreate, {}, {**TICKET_BASE_FIELDS, "article": NOTE}),
    (TicketUpdate, {}, {**TICKET_BASE_FIELDS, "id": 5, "article": NOTE}),
    (Ticket, {"id": 5}, {**TICKET_BASE_FIELDS, "articles": [NOTE]}),
    (DynamicFieldFilter, {"field_name": "OrderID"}, {"equals": "A-1", "like": "A*", "greater": 3, "smaller": 9}),
    (
        TicketSearch,
        {},
        {
            "numbers": ["2026010210000011"],
            "titles": ["Printer*"],
            "queues": [IdName(name="Raw")],
            "states": [IdName(name="open")],
            "locks": [IdName(name="unlock")],
            "priorities": [IdName(id=3)],
            "types": [IdName(name="Unclassified")],
            "customer_users": ["carla"],
            "use_subqueues": True,
            "limit": 10,
            "dynamic_fields": [FILTER],
        },
    ),
    (BasicAuth, {}, {"user_login": "agent", "password": SecretStr("pw")}),
    (ClientConfig, {}, {"base_url": "https://helpdesk.example/otrs", "webservice_name": "GT"}),
]


class TestOriginalFieldNames:
    @pytest.mark.parametrize(
        ("model", "required", "field", "value"),
        [(m, r, f, v) for m, r, fields in ORIGINAL_FIELDS for f, v in fields.items()],
        ids=lambda p: getattr(p, "__name__", None) if isinstance(p, type) else None,
    )
    def test_every_original_field_is_a_keyword_and_an_attribute(
        self, model: type[Any], required: dict[str, Any], field: str, value: Any
    ) -> None:
        base = {"id": 5} if model is IdName and field != "id" else {}
        if model is BasicAuth:
            base = {"user_login": "agent", "password": "pw"}
        if model is ClientConfig:
            base = {"base_url": "https://helpdesk.example/otrs", "webservice_name": "GT"}
        built = model(**{**required, **base, field: value})
        assert getattr(built, field) == value

    @pytest.mark.parametrize(
        ("model", "required", "fields"), ORIGINAL_FIELDS, ids=lambda p: getattr(p, "__name__", None)
    )
    def test_all_original_fields_at_once(
        self, model: type[Any], required: dict[str, Any], fields: dict[str, Any]
    ) -> None:
        built = model(**required, **fields)
        assert {name: getattr(built, name) for name in fields} == fields

    def test_original_names_are_the_same_values_as_ours(self) -> None:
        article = Article(to_addr="b@example.com", article_id=7)
        assert (article.to, article.id) == ("b@example.com", 7)
        article.to_addr = "c@example.com"
        article.article_id = 8
        assert (article.to, article.id) == ("c@example.com", 8)
        search = TicketSearch(numbers=["1"], use_subqueues=True, queues=["Raw"])
        assert (search.ticket_numbers, search.use_sub_queues) == (["1"], True)
        search.use_subqueues = False
        assert search.use_sub_queues is False
        condition = DynamicFieldFilter(field_name="Size", greater=3, smaller=9)
        assert (condition.greater_than, condition.smaller_than) == (3, 9)
        condition.greater = 4
        assert condition.greater_than == 4

    @pytest.mark.parametrize(
        ("build", "message"),
        [
            (lambda: Article(to="a", to_addr="b"), "give to or to_addr"),
            (lambda: TicketSearch(use_sub_queues=True, use_subqueues=True), "give use_sub_queues or use_subqueues"),
            (lambda: DynamicFieldFilter(field_name="X", greater=1, greater_than=2), "give greater_than or greater"),
        ],
    )
    def test_both_spellings_at_once_are_refused(self, build: Any, message: str) -> None:
        with pytest.raises(ValidationError, match=message):
            build()

    def test_original_names_reach_the_wire(self) -> None:
        search = TicketSearch(
            queues=[IdName(name="Raw")],
            use_subqueues=True,
            dynamic_fields=[DynamicFieldFilter(field_name="Size", greater=3, smaller=9)],
        )
        wire = mapping.ticket_search_to_wire(search, tz=timezone.utc)
        assert wire["UseSubQueues"] == 1
        assert wire["DynamicField_Size"] == {"GreaterThan": 3, "SmallerThan": 9}
        article = mapping.article_to_wire(
            Article(subject="s", body="b", to_addr="x@example.com"), mapping.WriteLimits(10**6, 10**6)
        )
        assert article["To"] == "x@example.com"


# ---- 5. TicketOperation.type; get_ticket("7") -----------------------------------------------------


class TestOperationsAndIds:
    def test_operation_members_carry_their_type(self) -> None:
        original = {  # 1.4.1's TicketOperation: (value, type)
            "CREATE": ("TicketCreate", "Ticket::TicketCreate"),
            "SEARCH": ("TicketSearch", "Ticket::TicketSearch"),
            "GET": ("TicketGet", "Ticket::TicketGet"),
            "UPDATE": ("TicketUpdate", "Ticket::TicketUpdate"),
        }
        for name, (value, operation_type) in original.items():
            member = TicketOperation[name]
            assert (member.value, member.type, member.operation_type) == (value, operation_type, operation_type)
            assert TicketOperation(value) is member
            assert member == value
            assert {member: 1}[value] == 1
        assert TicketOperation.SESSION_CREATE.type == "Session::SessionCreate"
        config = ClientConfig(base_url="https://x", webservice_name="GT", operation_url_map=FULL_MAP)
        assert f"{config.operation_url_map[TicketOperation.GET]}" == "TicketGet"  # 1.4 held plain strings
        assert TYPE_TO_ENUM["Ticket::TicketUpdate"] is TicketOperation.UPDATE

    async def test_get_ticket_accepts_numeric_strings(self) -> None:
        async with documented_client(Emulator.from_seed("demo")) as client:
            by_string = await client.get_ticket("7")
            by_int = await client.get_ticket(7)
        assert by_string == by_int
        assert by_string.id == 7

    @pytest.mark.parametrize("bad", ["abc", "7.0", "", "-7", "٧"])
    async def test_other_strings_are_refused_before_sending(self, bad: str) -> None:
        emulator = Emulator.from_seed("demo")
        async with documented_client(emulator) as client:
            with pytest.raises(RequestValidationError) as caught:
                await client.get_ticket(bad)
        assert caught.value.field == "ticket_id"
        assert emulator.counters.total == 0


# ---- 6. the mapper names --------------------------------------------------------------------------

MAPPER_SIGNATURES = {  # 1.4.1's otobo_znuny.mappers: public function -> parameter names
    "try_parsing_datetime": ["value"],
    "to_ws_dynamic_field_items": ["dynamic_fields"],
    "from_ws_dynamic_field_items": ["dynamic_items"],
    "to_ws_dynamic_field_search": ["filter_model"],
    "to_ws_article": ["article"],
    "from_ws_article": ["article_otobo"],
    "id_name": ["v"],
    "has_any_attribute_set": ["otobo_ticket_base"],
    "from_ws_ticket_detail": ["ticket_otobo"],
    "to_ws_ticket_base": ["ticket"],
    "to_ws_ticket_create": ["ticket_domain"],
    "to_ws_ticket_update": ["ticket_domain"],
    "to_ws_ticket_search": ["search_model"],
    "to_ws_ticket_get": ["ticket_id"],
    "to_ws_auth": ["basic_auth"],
}
ORIGINAL_WS_MODELS = {
    "otobo_znuny.models.request_models": [
        "WsDynamicFieldFilter",
        "WsAuthData",
        "WsTicketSearchRequest",
        "WsTicketGetRequest",
        "WsTicketMutationRequest",
        "WsTicketUpdateRequest",
    ],
    "otobo_znuny.models.response_models": ["WsTicketResponse", "WsTicketGetResponse", "WsTicketSearchResponse"],
    "otobo_znuny.models.ticket_models": ["WsTicketBase", "WsDynamicField", "WsArticleDetail", "WsTicketOutput"],
    "otobo_znuny.models.base_models": ["BooleanInteger"],
}


class TestMappers:
    @pytest.mark.parametrize("prefix", ["otobo_znuny", "otobo"])
    def test_the_original_names_and_signatures(self, prefix: str) -> None:
        mappers = importlib.import_module(f"{prefix}.mappers")
        for name, parameters in MAPPER_SIGNATURES.items():
            assert list(inspect.signature(getattr(mappers, name)).parameters) == parameters, name
        for module, names in ORIGINAL_WS_MODELS.items():
            loaded = importlib.import_module(module.replace("otobo_znuny", prefix, 1))
            assert all(hasattr(loaded, name) for name in names), module

    async def test_mapped_requests_are_what_the_client_sends(self) -> None:
        from otobo_znuny import mappers

        emulator = Emulator.from_seed("demo")
        requests: list[httpx.Request] = []
        config = ClientConfig(base_url=EMULATOR_BASE_URL, webservice_name="GenericTicket", operation_url_map=FULL_MAP)
        http = httpx.AsyncClient(transport=EmulatorTransport(emulator), event_hooks={"request": [_keep(requests)]})
        create = TicketCreate(
            title="Printer",
            queue=IdName(name="Raw"),
            customer_user="carla",
            dynamic_fields={"OrderID": "A-1"},
            article=Article(subject="s", body="b"),
        )
        search = TicketSearch(
            queues=[IdName(id=2, name="Raw")],
            dynamic_fields=[DynamicFieldFilter(field_name="OrderID", equals="A-1")],
            limit=5,
        )
        # the dynamic fields are known, so the client sends only the mapped requests (no learning search first)
        async with OTOBOZnunyClient(config, client=http, known_dynamic_fields={"OrderID"}) as client:
            client.login(AUTH)
            created = await client.create_ticket(create)  # TicketCreate, TicketGet
            update = TicketUpdate(id=created.id, priority=IdName(id=4), article=Article(subject="n", body="note"))
            await client.update_ticket(update)  # TicketUpdate, TicketGet
            found = await client.search_tickets(search)
            await client.get_ticket(created.id)
        bodies = sent_bodies(requests)
        dump = {"exclude_none": True, "by_alias": True}
        assert mappers.to_ws_ticket_create(create).model_dump(**dump) == bodies[0]
        assert mappers.to_ws_ticket_update(update).model_dump(**dump) == bodies[2]
        assert mappers.to_ws_ticket_search(search).model_dump(**dump) == bodies[4]
        assert mappers.to_ws_ticket_get(created.id).model_dump(**dump) == bodies[5]
        assert found == [created.id]

    @pytest.mark.parametrize("server", ["znuny", "otobo"])
    def test_ticket_details_read_like_the_client_reads_them(self, server: str) -> None:
        from otobo_znuny.mappers import from_ws_ticket_detail

        replies = [
            e.response_json()
            for e in load_exchanges(server)
            if e.operation == "TicketGet" and e.is_json and e.error_code is None
        ]
        tickets = [raw for reply in replies for raw in reply["Ticket"]]
        assert tickets
        for raw in tickets:
            expected = mapping.ticket_from_wire(WsTicket.model_validate(raw), timezone.utc)
            assert from_ws_ticket_detail(WsTicketOutput.model_validate(raw)) == expected

    def test_the_small_helpers(self) -> None:
        from otobo_znuny.mappers import (
            from_ws_article,
            from_ws_dynamic_field_items,
            has_any_attribute_set,
            id_name,
            to_ws_article,
            to_ws_dynamic_field_items,
            to_ws_dynamic_field_search,
            to_ws_ticket_base,
            try_parsing_datetime,
        )

        assert try_parsing_datetime("2026-01-02 03:04:05") == datetime(2026, 1, 2, 3, 4, 5)
        assert try_parsing_datetime("2026-01-02") == datetime(2026, 1, 2)
        assert try_parsing_datetime("yesterday") is None
        assert try_parsing_datetime(None) is None
        items = to_ws_dynamic_field_items({"OrderID": "A-1", "Tags": ["a", "b"]})
        assert from_ws_dynamic_field_items(items) == {"OrderID": "A-1", "Tags": ["a", "b"]}
        assert to_ws_dynamic_field_search(DynamicFieldFilter(field_name="Size", greater=3)).GreaterThan == 3
        assert id_name(IdName(id=2, name="Raw")) == (2, "Raw")
        assert id_name(None) == (None, None)
        assert has_any_attribute_set(IdName(name="Raw"))
        assert not has_any_attribute_set(WsTicketOutput())
        base = to_ws_ticket_base(TicketUpdate(id=1, queue=IdName(name="Misc"), title="x"))
        assert base is not None
        assert (base.Queue, base.Title) == ("Misc", "x")
        assert to_ws_ticket_base(TicketUpdate(id=1)) is None
        wire = to_ws_article(Article(subject="s", body="b", to_addr="x@example.com"))
        assert (wire.Subject, wire.To, wire.ContentType) == ("s", "x@example.com", "text/plain; charset=utf-8")
        read = from_ws_article(wire)
        assert (read.subject, read.to_addr, read.article_id) == ("s", "x@example.com", None)
        with pytest.raises(RequestValidationError, match=r"article\.body"):
            to_ws_article(Article(subject="s"))


# ---- 7. web services with a PUT-only ticket-update route ------------------------------------------


class TestPutOnlyUpdateRoute:
    @pytest.mark.parametrize("server", ["znuny", "otobo"])
    def test_the_servers_answer_to_a_method_mismatch_is_recognised(self, server: str) -> None:
        exchange = next(e for e in load_exchanges(server) if e.title == "ERROR (transport): GET on a POST-only route")
        assert route_refusal(exchange.status, exchange.response_body.encode())
        others = [e for e in load_exchanges(server) if e.status == 500 and "determine Operation" not in e.response_body]
        assert others
        assert not any(route_refusal(e.status, e.response_body.encode()) for e in others)

    async def test_the_emulator_answers_a_post_on_the_put_route_as_the_servers_do(self) -> None:
        emulator = open_ticket_ai_emulator()
        async with httpx.AsyncClient(transport=EmulatorTransport(emulator)) as http:
            url = f"{EMULATOR_BASE_URL}/Webservice/OpenTicketAI/ticket-update"
            body = {"UserLogin": EMULATOR_USER, "Password": EMULATOR_PASSWORD, "TicketID": 7, "Ticket": {"Title": "x"}}
            refused = await http.post(url, json=body)
            accepted = await http.put(url, json=body)
        recorded = next(e for e in load_exchanges("znuny") if e.title == "ERROR (transport): GET on a POST-only route")
        assert (refused.status_code, refused.headers["content-type"]) == (
            recorded.status,
            recorded.response_headers["Content-Type"],
        )
        assert refused.text == recorded.response_body.replace("/TicketGet", "/ticket-update")
        assert accepted.status_code == 200
        assert accepted.json()["TicketID"] == 7

    async def test_a_plain_route_falls_back_to_put_once_and_remembers_it(self) -> None:
        emulator = open_ticket_ai_emulator()
        sent = Sent()
        async with OTOBOZnunyClient(plugin_config(), client=recorded_http(emulator, sent)) as client:
            client.login(AUTH)
            before = history_length(emulator, 7)
            updated = await client.update_ticket(TicketUpdate(id=7, title="Printer on fire"))
            assert updated.title == "Printer on fire"
            assert sent.requests == [("POST", "/ticket-update"), ("PUT", "/ticket-update"), ("POST", "/ticket-get")]
            assert emulator.counters.by_operation["ticket-update"] == 1  # the POST reached no operation
            assert history_length(emulator, 7) == before + 1  # changed exactly once
            sent.requests.clear()
            await client.with_options(max_retries=0).update_ticket(TicketUpdate(id=7, priority=IdName(name="2 low")))
            assert sent.requests == [("PUT", "/ticket-update"), ("POST", "/ticket-get")]
            assert emulator.counters.by_operation["ticket-update"] == 2

    def test_the_sync_client_falls_back_too(self) -> None:
        emulator = open_ticket_ai_emulator()
        methods: list[str] = []
        http = httpx.Client(
            transport=EmulatorTransport(emulator), event_hooks={"request": [lambda r: methods.append(r.method)]}
        )
        with OTOBOZnunySyncClient(plugin_config(), http) as client:
            client.login(AUTH)
            assert client.update_ticket(TicketUpdate(id=7, title="sync")).title == "sync"
        assert methods == ["POST", "PUT", "POST"]

    async def test_an_explicit_method_is_never_resent(self) -> None:
        from otobo_znuny import Route

        emulator = open_ticket_ai_emulator()
        sent = Sent()
        config = ClientConfig(
            base_url=EMULATOR_BASE_URL,
            webservice_name="OpenTicketAI",
            operation_url_map={
                TicketOperation.GET: "ticket-get",
                TicketOperation.UPDATE: Route(path="ticket-update", method="POST"),
            },
        )
        async with OTOBOZnunyClient(config, client=recorded_http(emulator, sent)) as client:
            client.login(AUTH)
            before = history_length(emulator, 7)
            with pytest.raises(RouteMismatchError) as caught:
                await client.update_ticket(TicketUpdate(id=7, title="never"))
        error = caught.value
        assert isinstance(error, ConfigurationError)
        assert isinstance(error, ResponseError)
        assert (error.method, error.route, error.status_code) == ("POST", "ticket-update", 500)
        message = str(error)
        assert "'ticket-update'" in message
        assert "POST" in message
        assert "nothing ran" in message
        assert "Route(path='ticket-update', method='PUT')" in message
        assert "from_webservice_yaml" in message
        assert sent.requests == [("POST", "/ticket-update")]
        assert history_length(emulator, 7) == before

    async def test_a_wrong_path_fails_after_both_methods_and_changes_nothing(self) -> None:
        emulator = open_ticket_ai_emulator()
        sent = Sent()
        config = ClientConfig(
            base_url=EMULATOR_BASE_URL,
            webservice_name="OpenTicketAI",
            operation_url_map={TicketOperation.UPDATE: "ticket-updates"},
        )
        async with OTOBOZnunyClient(config, client=recorded_http(emulator, sent)) as client:
            client.login(AUTH)
            with pytest.raises(RouteMismatchError, match="POST or PUT") as caught:
                await client.add_note(7, "hello")
        assert "path 'ticket-updates' is probably wrong" in str(caught.value)
        assert sent.requests == [("POST", "/ticket-updates"), ("PUT", "/ticket-updates")]
        assert emulator.counters.total == 0

    async def test_a_server_error_that_may_have_run_is_not_resent(self) -> None:
        emulator = open_ticket_ai_emulator()
        emulator.faults.http_500_text(operations={"ticket-update"})
        sent = Sent()
        config = ClientConfig.from_webservice_yaml(EMULATOR_BASE_URL, OPEN_TICKET_AI_YML)
        async with OTOBOZnunyClient(config, client=recorded_http(emulator, sent)) as client:
            client.login(AUTH, use_session=False)
            with pytest.raises(ResponseError) as caught:
                await client.update_ticket(TicketUpdate(id=7, title="maybe"))
        assert not isinstance(caught.value, RouteMismatchError)
        assert sent.requests == [("PUT", "/ticket-update")]

    @pytest.mark.parametrize("read", ["from_webservice_yaml", "create_otobo_client_config"])
    async def test_the_method_is_learned_from_the_web_service_file(self, read: str) -> None:
        if read == "from_webservice_yaml":
            config = ClientConfig.from_webservice_yaml(EMULATOR_BASE_URL, OPEN_TICKET_AI_YML)
        else:
            config = create_otobo_client_config(OPEN_TICKET_AI_YML, EMULATOR_BASE_URL, "OpenTicketAI")
        assert config.route_for(TicketOperation.UPDATE).method == "PUT"
        emulator = open_ticket_ai_emulator()
        sent = Sent()
        async with OTOBOZnunyClient(config, client=recorded_http(emulator, sent)) as client:
            client.login(AUTH, use_session=False)
            await client.add_note(7, "from the file's routes")
        assert sent.requests == [("PUT", "/ticket-update")]


# ---- 8. a client that is not an httpx client ------------------------------------------------------


class TestHttpClientArgument:
    @pytest.mark.parametrize("fake", [MagicMock(), object(), "http://x"])
    def test_the_refusal_says_how_to_fake_http(self, fake: Any) -> None:
        config = ClientConfig(base_url=EMULATOR_BASE_URL, webservice_name="GenericTicket", operation_url_map=FULL_MAP)
        with pytest.raises(TypeError) as caught:
            OTOBOZnunyClient(config, client=fake)
        assert "httpx.AsyncClient(transport=httpx.MockTransport(handler))" in str(caught.value)
        assert "EmulatorTransport(emulator)" in str(caught.value)
        with pytest.raises(TypeError, match=r"httpx\.Client\(transport=httpx\.MockTransport"):
            OTOBOZnunySyncClient(config, client=fake)

    async def test_both_suggestions_work(self) -> None:
        config = ClientConfig(base_url=EMULATOR_BASE_URL, webservice_name="GenericTicket", operation_url_map=FULL_MAP)
        answer = {"TicketID": ["3"]}
        mock = httpx.AsyncClient(transport=httpx.MockTransport(lambda request: httpx.Response(200, json=answer)))
        async with OTOBOZnunyClient(config, client=mock) as client:
            client.login(AUTH)
            assert await client.search_tickets(TicketSearch()) == [3]
        emulated = httpx.AsyncClient(transport=EmulatorTransport(Emulator.from_seed("demo")))
        async with OTOBOZnunyClient(config, client=emulated) as client:
            client.login(AUTH)
            assert (await client.get_ticket(7)).id == 7


# ---- 9. what 1.4's models accepted, refused by the call before sending ----------------------------

ACCEPTED_THEN_REFUSED: list[tuple[str, Any, Any, str]] = [
    # (what, the model 1.4 accepted, the call, field named by RequestValidationError)
    ("empty body", TicketUpdate(id=7, article=Article(subject="s", body="")), "update_ticket", "article.body"),
    ("no subject", TicketUpdate(id=7, article=Article(body="b")), "update_ticket", "article.subject"),
    ("no title", TicketCreate(queue="Raw", customer_user="carla", article=NOTE), "create_ticket", "title"),
    (
        "blank title",
        TicketCreate(title=" ", queue="Raw", customer_user="carla", article=NOTE),
        "create_ticket",
        "title",
    ),
    (
        "server number",
        TicketCreate(title="t", number="1", queue="Raw", customer_user="carla", article=NOTE),
        "create_ticket",
        "number",
    ),
    ("created_at", TicketUpdate(id=7, title="t", created_at=NOW), "update_ticket", "created_at"),
    (
        "header line break",
        TicketUpdate(id=7, article=Article(subject="a\nb", body="b")),
        "update_ticket",
        "article.subject",
    ),
    (
        "content type",
        TicketUpdate(id=7, article=Article(subject="s", body="b", content_type="html")),
        "update_ticket",
        "article.content_type",
    ),
    ("no id", TicketUpdate(title="t"), "update_ticket", "id"),
    ("customer_id alone", TicketUpdate(id=7, customer_id="ACME"), "update_ticket", "customer_id"),
    ("limit 0", TicketSearch(limit=0), "search_tickets", "limit"),
    ("bare wildcard", TicketSearch(numbers=["*"]), "search_tickets", "ticket_numbers"),
    ("use_subqueues alone", TicketSearch(use_subqueues=True), "search_tickets", "use_sub_queues"),
    (
        "filter without operator",
        TicketSearch(dynamic_fields=[DynamicFieldFilter(field_name="OrderID")]),
        "search_tickets",
        "dynamic_fields[0]",
    ),
    (
        "filter on a name the server ignores",
        TicketSearch(dynamic_fields=[DynamicFieldFilter(field_name="Order ID", equals="x")]),
        "search_tickets",
        "dynamic_fields[0].field_name",
    ),
    (
        "filter value of no wire type",
        TicketSearch(dynamic_fields=[DynamicFieldFilter(field_name="OrderID", equals={"a": 1})]),
        "search_tickets",
        "dynamic_fields[0].equals",
    ),
]


class TestAcceptedThenRefusedAtTheCall:
    @pytest.mark.parametrize(
        ("what", "model", "call", "field"), ACCEPTED_THEN_REFUSED, ids=[case[0] for case in ACCEPTED_THEN_REFUSED]
    )
    async def test_refused_before_anything_is_sent(self, what: str, model: Any, call: str, field: str) -> None:
        emulator = Emulator.from_seed("demo")
        async with documented_client(emulator) as client:
            with pytest.raises(RequestValidationError) as caught:
                await getattr(client, call)(model)
        assert caught.value.field == field, what
        assert isinstance(caught.value, ValueError)
        assert not isinstance(caught.value, OTOBOError)
        assert emulator.counters.total == 0

    async def test_what_the_server_accepts_still_works(self) -> None:
        emulator = Emulator.from_seed("demo")
        search = TicketSearch(dynamic_fields=[DynamicFieldFilter(field_name="OrderID", equals=["ORD-1017", 1018.5])])
        async with documented_client(emulator) as client:
            assert await client.search_tickets(search) == [18]


def test_the_compatibility_page_is_linked_from_the_readme_and_covers_each_point() -> None:
    root = OPEN_TICKET_AI_YML.parents[3]
    page = (root / "docs" / "compatibility.md").read_text(encoding="utf-8")
    assert "(docs/compatibility.md)" in (root / "README.md").read_text(encoding="utf-8")
    assert "## PUT-only ticket-update routes" in page  # linked from docs/operations.md
    for name in (
        *MAPPER_SIGNATURES,
        "with_secrets",
        "CLEAR",
        "use_subqueues",
        "to_addr",
        "article_id",
        "greater",
        "smaller",
        "RouteMismatchError",
        "EmulatorTransport",
        "RequestValidationError",
    ):
        assert name in page, name
