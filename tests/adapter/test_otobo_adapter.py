"""OTOBOAdapter against the emulator: what is sent, when None is returned, one session, and a real
HTTP end-to-end run."""

from __future__ import annotations

import logging

import pytest

from adapter.conftest import RecordingTransport, system_config
from otobo_znuny.adapter import InvalidQueryError, InvalidTicketDataError, OTOBOAdapter
from otobo_znuny.emulator import Emulator, EmulatorTransport, run_in_thread
from otobo_znuny.errors import OutcomeUnknownError, RequestValidationError, ResponseError
from otobo_znuny.testing import EMULATOR_PASSWORD

MANY = {"StateType": ["new", "open"], "Limit": 10}


async def test_find_first_ticket_asks_the_server_for_one_id_and_fetches_one_ticket(
    adapter: OTOBOAdapter, recorder: RecordingTransport, otobo_emulator: Emulator
) -> None:
    first = await adapter.find_first_ticket(MANY)
    assert first is not None
    searches = recorder.bodies("TicketSearch")
    assert len(searches) == 1
    assert searches[0]["Limit"] == 1
    assert searches[0]["StateType"] == ["new", "open"]
    gets = recorder.bodies("TicketGet")
    assert [body["TicketID"] for body in gets] == [int(first["id"])]
    assert otobo_emulator.counters.by_operation["TicketSearch"] == 1
    assert otobo_emulator.counters.by_operation["TicketGet"] == 1


async def test_find_first_ticket_is_the_first_in_the_requested_order(adapter: OTOBOAdapter) -> None:
    query = {"Queues": ["Sales"], "SortBy": "Age", "OrderBy": "Up"}
    everything = await adapter.find_tickets(query)
    first = await adapter.find_first_ticket(query)
    assert len(everything) > 1
    assert first == everything[0]
    newest = await adapter.find_first_ticket({**query, "OrderBy": "Down"})
    assert newest == everything[-1]


async def test_find_tickets_honours_limit_and_returns_full_tickets(
    adapter: OTOBOAdapter, recorder: RecordingTransport
) -> None:
    tickets = await adapter.find_tickets(MANY)
    assert len(tickets) == 10
    assert recorder.bodies("TicketSearch")[0]["Limit"] == 10
    assert all(ticket["articles"] and ticket["articles"][0]["body"] for ticket in tickets)
    assert {ticket["state_type"] for ticket in tickets} <= {"new", "open"}


async def test_a_dynamic_field_query_finds_the_ticket(adapter: OTOBOAdapter) -> None:
    ticket = await adapter.find_first_ticket({"Queues": ["Billing"]})
    assert ticket is not None
    order_id = ticket["dynamic_fields"]["OrderID"]
    found = await adapter.find_tickets({"DynamicField_OrderID": {"Equals": order_id}})
    assert [t["id"] for t in found] == [ticket["id"]]


@pytest.mark.parametrize(
    "call",
    [
        lambda a: a.find_tickets({"Body": "printer"}),
        lambda a: a.find_first_ticket({"Queues": []}),
        lambda a: a.update_ticket("5", {"Stat": "open"}),
        lambda a: a.create_ticket({"Title": "no queue"}),
        lambda a: a.get_ticket("abc"),
        lambda a: a.update_ticket("0", {"State": "open"}),
        lambda a: a.add_note("5", "  "),
        lambda a: a.add_note(-3, "body"),
    ],
)
async def test_refused_input_sends_nothing(adapter: OTOBOAdapter, recorder: RecordingTransport, call: object) -> None:
    with pytest.raises(RequestValidationError):
        await call(adapter)  # type: ignore[operator]
    assert recorder.requests == []


async def test_errors_name_the_key_for_queries_and_data(adapter: OTOBOAdapter) -> None:
    with pytest.raises(InvalidQueryError, match=r"^Body: unknown TicketSearch parameter; did you mean 'MIMEBase_Body'"):
        await adapter.find_tickets({"Body": "printer"})
    with pytest.raises(InvalidTicketDataError, match=r"^Stat: "):
        await adapter.update_ticket("5", {"Stat": "open"})


async def test_update_of_a_missing_ticket_returns_none_after_the_server_refused_it(
    adapter: OTOBOAdapter, recorder: RecordingTransport
) -> None:
    assert await adapter.update_ticket("999999", {"State": "open"}) is None
    assert [body["TicketID"] for body in recorder.bodies("TicketUpdate")] == [999999]


async def test_update_by_an_agent_without_write_permission_returns_none(
    monkeypatch: pytest.MonkeyPatch, otobo_emulator: Emulator
) -> None:
    monkeypatch.setenv("BOB_PASSWORD", "bob-pw")
    config = system_config(username="bob", password_env_var="BOB_PASSWORD")
    async with OTOBOAdapter(config, transport=EmulatorTransport(otobo_emulator)) as bob:
        ticket = await bob.find_first_ticket({"Queues": ["Support"], "StateType": ["open"]})
        assert ticket is not None  # bob may read Support tickets ...
        assert await bob.update_ticket(ticket["id"], {"Title": "renamed by bob"}) is None  # ... but not change them
        unchanged = await bob.get_ticket(ticket["id"])
        assert unchanged is not None
        assert unchanged["title"] == ticket["title"]


async def test_update_returns_the_ticket_as_stored(adapter: OTOBOAdapter) -> None:
    ticket = await adapter.find_first_ticket({"Queues": ["Sales"], "StateType": ["open"]})
    assert ticket is not None
    updated = await adapter.update_ticket(
        ticket["id"],
        {
            "State": "closed successful",
            "Queue": "Billing",
            "DynamicField": {"OrderID": "A-1", "Tags": ["vip", "billing"]},
            "Article": {"Subject": "Closed", "Body": "Closed by the automation."},
        },
    )
    assert updated is not None
    assert (updated["state"], updated["state_type"]) == ({"id": "2", "name": "closed successful"}, "closed")
    assert updated["queue"] is not None
    assert updated["queue"]["name"] == "Billing"
    assert updated["dynamic_fields"]["OrderID"] == "A-1"
    assert updated["dynamic_fields"]["Tags"] == ["vip", "billing"]
    assert updated["articles"][-1]["body"] == "Closed by the automation."
    assert updated == await adapter.get_ticket(ticket["id"])


async def test_add_note_internal_and_visible(adapter: OTOBOAdapter) -> None:
    ticket = await adapter.find_first_ticket({})
    assert ticket is not None
    internal = await adapter.add_note(ticket["id"], "only agents see this")
    public = await adapter.add_note(int(ticket["id"]), "the customer sees this", subject="Update", internal=False)
    fetched = await adapter.get_ticket(ticket["id"])
    assert fetched is not None
    notes = {a["id"]: a for a in fetched["articles"]}
    assert internal is not None
    assert public is not None
    assert (notes[internal]["channel"], notes[internal]["visible_for_customer"]) == ("Internal", False)
    assert (notes[public]["subject"], notes[public]["visible_for_customer"]) == ("Update", True)


async def test_create_ticket_with_an_attachment_and_dynamic_fields(adapter: OTOBOAdapter) -> None:
    created = await adapter.create_ticket(
        {
            "Title": "Printer on fire",
            "Queue": "Support",
            "Priority": "5 very high",
            "CustomerUser": "carla",
            "DynamicField": [{"Name": "OrderID", "Value": "ORD-1"}],
            "Article": {"Subject": "Help", "Body": "It burns.", "CommunicationChannel": "Phone"},
            "Attachment": {"Filename": "photo.txt", "Content": "c21va2U=", "ContentType": "text/plain"},
        }
    )
    assert (created["title"], created["customer"]) == ("Printer on fire", {"user": "carla", "id": "ACME"})
    assert created["priority"] == {"id": "5", "name": "5 very high"}
    assert created["dynamic_fields"]["OrderID"] == "ORD-1"
    assert created["articles"][0]["channel"] == "Phone"


# ---- one session, lazily created ---------------------------------------------------------------


async def test_the_adapter_sends_nothing_until_used_and_then_reuses_one_session(
    adapter: OTOBOAdapter, recorder: RecordingTransport, otobo_emulator: Emulator
) -> None:
    assert recorder.requests == []
    await adapter.find_tickets({"Limit": 3})
    await adapter.get_ticket("1")
    await adapter.add_note("1", "note")
    counters = otobo_emulator.counters
    assert counters.by_operation["SessionCreate"] == 1
    assert counters.by_auth["password"] == 1  # only SessionCreate carries the password
    assert counters.by_auth["session"] == counters.total - 1


async def test_an_expired_session_is_renewed_once(adapter: OTOBOAdapter, otobo_emulator: Emulator) -> None:
    await adapter.get_ticket("1")
    otobo_emulator.expire_sessions()
    assert await adapter.get_ticket("1") is not None
    assert otobo_emulator.counters.by_operation["SessionCreate"] == 2


async def test_aclose_ends_the_client_and_the_next_call_starts_a_new_session(
    adapter: OTOBOAdapter, otobo_emulator: Emulator
) -> None:
    await adapter.get_ticket("1")
    first_client = adapter.client
    await adapter.aclose()
    assert first_client is not adapter.client
    await adapter.get_ticket("1")
    assert otobo_emulator.counters.by_operation["SessionCreate"] == 2


async def test_without_sessions_every_request_carries_the_password(password_env: str, otobo_emulator: Emulator) -> None:
    async with OTOBOAdapter(system_config(use_session=False), transport=EmulatorTransport(otobo_emulator)) as adapter:
        await adapter.find_first_ticket({})
    counters = otobo_emulator.counters
    assert counters.by_operation["SessionCreate"] == 0
    assert counters.by_auth["password"] == counters.total == 2


# ---- failures are not mistaken for "no ticket" ------------------------------------------------


async def test_server_failures_raise_instead_of_returning_none(password_env: str, otobo_emulator: Emulator) -> None:
    otobo_emulator.faults.http_500_text(operations={"TicketGet"})
    async with OTOBOAdapter(system_config(max_retries=0), transport=EmulatorTransport(otobo_emulator)) as adapter:
        with pytest.raises(ResponseError):
            await adapter.get_ticket("1")


async def test_a_lost_update_reply_raises_outcome_unknown(password_env: str, otobo_emulator: Emulator) -> None:
    otobo_emulator.faults.drop_connections(when="after", operations={"TicketUpdate"})
    async with OTOBOAdapter(system_config(max_retries=0), transport=EmulatorTransport(otobo_emulator)) as adapter:
        with pytest.raises(OutcomeUnknownError):
            await adapter.update_ticket("1", {"Title": "renamed"})


async def test_a_dynamic_field_search_on_a_get_route_is_refused_before_sending(
    password_env: str, otobo_emulator: Emulator
) -> None:
    recorder = RecordingTransport(EmulatorTransport(otobo_emulator))
    async with OTOBOAdapter(system_config(layout="rest_connector"), transport=recorder) as adapter:
        with pytest.raises(InvalidQueryError) as caught:
            await adapter.find_tickets({"DynamicField_OrderID": {"Equals": "x"}})
        with pytest.raises(InvalidQueryError) as listed:
            await adapter.find_first_ticket({"DynamicField": [{"Name": "OrderID", "Equals": "x"}]})
    assert caught.value.field == "DynamicField_OrderID"
    assert listed.value.field == "DynamicField[0].Name"
    for error in (caught.value, listed.value):
        assert "generic_ticket or ready2adopt layout" in error.problem
        assert "ClientConfig" not in error.problem  # the adapter is configured with a layout
    assert recorder.requests == []  # refused before the session was even created


async def test_known_dynamic_fields_guard_queries_and_data(password_env: str, otobo_emulator: Emulator) -> None:
    config = system_config(known_dynamic_fields=["OrderID", "Tags", "DueDate"])
    async with OTOBOAdapter(config, transport=EmulatorTransport(otobo_emulator)) as adapter:
        with pytest.raises(InvalidQueryError, match="known fields: DueDate, OrderID, Tags"):
            await adapter.find_first_ticket({"DynamicField_OrdrID": {"Equals": "x"}})
        with pytest.raises(InvalidTicketDataError, match="OrdrID"):
            await adapter.update_ticket("1", {"DynamicField": {"OrdrID": "x"}})
    assert otobo_emulator.counters.total == 0


# ---- over real HTTP, with the adapter's own HTTP client ------------------------------------------


async def test_end_to_end_over_http_without_secrets_in_the_logs(
    password_env: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with run_in_thread(Emulator.from_seed("demo")) as server:
        config = system_config(server_address=server.genericinterface_url, layout="rest_connector")
        async with OTOBOAdapter(config) as adapter:
            created = await adapter.create_ticket(
                {
                    "Title": "over HTTP",
                    "Queue": "Raw",
                    "CustomerUser": "carla",
                    "Article": {"Subject": "s", "Body": "b"},
                }
            )
            found = await adapter.find_first_ticket({"Title": "over HTTP"})
            assert found is not None
            assert found["id"] == created["id"]
            updated = await adapter.update_ticket(found["id"], {"State": "open", "Priority": "4 high"})
            assert updated is not None
            assert updated["state"] is not None
            assert updated["state"]["name"] == "open"
            assert await adapter.add_note(found["id"], "done") is not None
            session_id = adapter.client.session_id
    assert session_id
    assert caplog.records  # the client logged its requests ...
    assert EMULATOR_PASSWORD not in caplog.text  # ... without the password
    assert session_id not in caplog.text  # ... or the session


async def test_with_a_key_field_lost_create_and_note_replies_are_resolved(
    password_env: str, otobo_emulator: Emulator
) -> None:
    otobo_emulator.import_dynamic_fields(
        {"DynamicFields": {"ClientRequestID": {"Name": "ClientRequestID", "FieldType": "Text", "ObjectType": "Ticket"}}}
    )
    before = len(otobo_emulator.helpdesk.data.tickets)
    otobo_emulator.faults.drop_connections(when="after", operations={"TicketCreate", "TicketUpdate"}, count=2)
    config = system_config(idempotency_key_field="ClientRequestID", idempotent_articles=True)
    async with OTOBOAdapter(config, transport=EmulatorTransport(otobo_emulator)) as adapter:
        article = {"Subject": "s", "Body": "b"}
        created = await adapter.create_ticket(
            {"Title": "lost once", "Queue": "Support", "CustomerUser": "carla", "Article": article}
        )
        note = await adapter.add_note(created["id"], "lost once too")
    assert otobo_emulator.faults.injected["drop_after"] == 2
    assert created["title"] == "lost once"
    assert created["dynamic_fields"]["ClientRequestID"]
    assert len(otobo_emulator.helpdesk.data.tickets) == before + 1
    assert note == str(otobo_emulator.helpdesk.data.tickets[int(created["id"])].article_ids[-1])


def test_a_key_field_with_a_layout_that_cannot_search_it_is_a_configuration_error(password_env: str) -> None:
    from otobo_znuny.adapter import AdapterConfigurationError

    with pytest.raises(AdapterConfigurationError, match=r"idempotency_key_field: .*query string cannot carry"):
        OTOBOAdapter(system_config(layout="rest_connector", idempotency_key_field="ClientRequestID"))
