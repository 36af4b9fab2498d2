"""``create_ticket`` with an idempotency key field: lost replies become known outcomes, without
duplicates; without the field nothing changes."""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pydantic
import pytest

from otobo_znuny import (
    BasicAuth,
    ClientConfig,
    ConfigurationError,
    DuplicateWriteError,
    OutcomeUnknownError,
    RequestValidationError,
    ResponseError,
    TicketCreate,
    WriteNotAppliedError,
)
from otobo_znuny.client import idempotency
from otobo_znuny.emulator import Emulator
from otobo_znuny.testing import EMULATOR_BASE_URL, emulator_config, make_async_client, make_sync_client

from .helpers import (
    KEY_FIELD,
    NO_WAIT,
    keyed_config,
    keyed_emulator,
    keys_on_server,
    recorded_client,
    ticket,
)

CREATES = 100
LOSS = 0.3


# ---- what must hold ----------------------------------------------------------------------------------


async def test_100_creates_through_30_percent_reply_loss_give_100_tickets_no_unknown_outcome() -> None:
    emulator = keyed_emulator()
    before = set(emulator.helpdesk.data.tickets)
    emulator.faults.drop_connections(rate=LOSS, when="after", operations={"TicketCreate"}, seed=7)
    returned = []
    async with make_async_client(emulator, config=keyed_config(), retry_policy=NO_WAIT) as client:
        for index in range(CREATES):
            returned.append(await client.create_ticket(ticket(f"alert {index}")))  # no exception: no unknown outcome
    lost = emulator.faults.injected["drop_after"]
    assert 15 <= lost <= 45, "about 30% of the replies were lost"
    made = set(emulator.helpdesk.data.tickets) - before
    assert len(made) == CREATES, "0 duplicates: one ticket per call"
    assert [t.title for t in returned] == [f"alert {i}" for i in range(CREATES)], "each call got its own ticket"
    assert {t.id for t in returned} == made
    keys = [t.dynamic_fields[KEY_FIELD] for t in returned]
    assert len(set(keys)) == CREATES
    assert sorted(keys_on_server(emulator)) == sorted(keys)
    assert emulator.counters.by_operation["TicketCreate"] == CREATES, "a lost create is found, never re-sent"
    assert emulator.counters.by_operation["TicketSearch"] == lost, "one key search per lost reply"


async def test_loss_everywhere_500_pages_and_drops_before_processing_still_give_one_ticket_per_call() -> None:
    emulator = keyed_emulator()
    before = len(emulator.helpdesk.data.tickets)
    emulator.faults.drop_connections(rate=0.15, when="after", seed=3)  # every operation, reads too
    emulator.faults.drop_connections(rate=0.1, when="before")
    emulator.faults.http_500_text(rate=0.15, operations={"TicketCreate"})  # not processed: found nowhere
    async with make_async_client(emulator, config=keyed_config(), max_retries=12, retry_policy=NO_WAIT) as client:
        returned = [await client.create_ticket(ticket(f"t{i}")) for i in range(60)]
    assert len(emulator.helpdesk.data.tickets) - before == 60
    assert [t.title for t in returned] == [f"t{i}" for i in range(60)]
    assert len({t.id for t in returned}) == 60
    assert emulator.faults.injected["http_500"] >= 3, "creates that did not happen, and were sent again"
    assert emulator.counters.by_operation["TicketCreate"] == 60, "every create that was processed made one ticket"


def test_sync_client_through_reply_loss() -> None:
    emulator = keyed_emulator()
    before = len(emulator.helpdesk.data.tickets)
    emulator.faults.drop_connections(rate=LOSS, when="after", operations={"TicketCreate"}, seed=5)
    with make_sync_client(emulator, config=keyed_config(), retry_policy=NO_WAIT) as client:
        returned = [client.create_ticket(ticket(f"sync {i}")) for i in range(30)]
    assert emulator.faults.injected["drop_after"] >= 4
    assert len(emulator.helpdesk.data.tickets) - before == 30
    assert [t.title for t in returned] == [f"sync {i}" for i in range(30)]


async def test_the_otobo_flavour_too() -> None:
    emulator = keyed_emulator(flavor="otobo")
    emulator.faults.drop_connections(rate=0.5, when="after", operations={"TicketCreate"}, seed=2)
    async with make_async_client(emulator, config=keyed_config(flavor="otobo"), retry_policy=NO_WAIT) as client:
        returned = [await client.create_ticket(ticket(f"o{i}")) for i in range(20)]
    assert emulator.faults.injected["drop_after"] >= 5
    assert len({t.id for t in returned}) == 20
    assert len(keys_on_server(emulator)) == 20


async def test_without_a_key_field_a_lost_reply_is_still_an_unknown_outcome_and_nothing_else_changes() -> None:
    emulator = keyed_emulator()  # the field exists on the server, but the client is not told about it
    before = len(emulator.helpdesk.data.tickets)
    emulator.faults.drop_connections(rate=LOSS, when="after", operations={"TicketCreate"}, seed=7)
    client, sent = recorded_client(emulator, emulator_config())
    unknown: list[OutcomeUnknownError] = []
    async with client:
        for index in range(CREATES):
            try:
                await client.create_ticket(ticket(f"alert {index}"))
            except OutcomeUnknownError as error:
                unknown.append(error)
    assert len(unknown) == emulator.faults.injected["drop_after"] >= 15
    assert all(error.idempotency_key is None and "not re-sent" in str(error) for error in unknown)
    assert len(emulator.helpdesk.data.tickets) - before == CREATES, "each happened once: no duplicates"
    assert set(sent.operations()) == {"SessionCreate", "TicketCreate", "TicketGet"}, "no key search"
    assert all("DynamicField" not in body for body in sent.bodies("TicketCreate")), "no key sent"
    assert keys_on_server(emulator) == []


# ---- a key of one's own ------------------------------------------------------------------------------


async def test_an_own_key_returns_the_ticket_it_made_when_called_again() -> None:
    emulator = keyed_emulator()
    client, sent = recorded_client(emulator)
    async with client:
        first = await client.create_ticket(ticket("disk full on db-1"), idempotency_key="alert-4711")
        again = await client.create_ticket(ticket("disk full on db-1"), idempotency_key="alert-4711")
    assert again.id == first.id
    assert first.dynamic_fields[KEY_FIELD] == "alert-4711"
    assert sent.operations().count("TicketCreate") == 1
    assert sent.operations()[1:] == ["TicketSearch", "TicketCreate", "TicketGet", "TicketSearch", "TicketGet"]
    search = sent.bodies("TicketSearch")[0]
    assert search[f"DynamicField_{KEY_FIELD}"] == {"Equals": "alert-4711"}
    assert search["SearchInArchive"] == "AllTickets"


async def test_an_unknown_outcome_is_resolved_by_calling_again_with_its_key() -> None:
    emulator = keyed_emulator()
    emulator.faults.drop_connections(rate=1.0, when="after", operations={"TicketCreate"}, count=1)
    emulator.faults.drop_connections(rate=1.0, when="before", operations={"TicketSearch"}, count=1)
    async with make_async_client(emulator, config=keyed_config(), max_retries=0, retry_policy=NO_WAIT) as client:
        with pytest.raises(OutcomeUnknownError) as caught:
            await client.create_ticket(ticket("lost twice"))
        key = caught.value.idempotency_key
        assert key is not None
        assert f"idempotency_key={key!r}" in str(caught.value)
        assert "looking for idempotency key" in str(caught.value)
        resolved = await client.create_ticket(ticket("lost twice"), idempotency_key=key)
    assert resolved.title == "lost twice"
    assert keys_on_server(emulator) == [key]
    assert emulator.counters.by_operation["TicketCreate"] == 1


# ---- creates that did not happen ---------------------------------------------------------------------


async def test_a_create_that_did_not_happen_is_sent_again_and_checked_once_more() -> None:
    emulator = keyed_emulator()
    before = len(emulator.helpdesk.data.tickets)
    emulator.faults.http_500_text(rate=1.0, count=1, operations={"TicketCreate"})
    client, sent = recorded_client(emulator)
    async with client:
        made = await client.create_ticket(ticket("second try"))
    assert made.title == "second try"
    assert len(emulator.helpdesk.data.tickets) == before + 1
    lost, checked = ["TicketCreate", "TicketSearch"], ["TicketSearch", "TicketGet"]
    assert sent.operations()[1:] == [*lost, "TicketCreate", *checked, "TicketGet"], "sent again, checked, read back"
    first, second = sent.bodies("TicketCreate")
    assert first == second, "the same request, with the same key"


@pytest.mark.parametrize("max_retries", [0, 2])
async def test_creates_that_never_happen_end_in_write_not_applied(max_retries: int) -> None:
    emulator = keyed_emulator()
    before = len(emulator.helpdesk.data.tickets)
    emulator.faults.http_500_text(rate=1.0, operations={"TicketCreate"})
    client, sent = recorded_client(emulator, max_retries=max_retries)
    async with client:
        with pytest.raises(WriteNotAppliedError) as caught:
            await client.create_ticket(ticket("never"))
    assert len(emulator.helpdesk.data.tickets) == before
    assert sent.operations()[1:] == ["TicketCreate", "TicketSearch"] * (max_retries + 1), "the policy decides how often"
    error = caught.value
    assert isinstance(error.__cause__, ResponseError)
    assert error.idempotency_key
    assert "sending it again is safe" in str(error)
    assert f"{max_retries + 1} attempt(s)" in str(error)


async def test_retry_writes_does_not_resend_a_keyed_create_blindly() -> None:
    emulator = keyed_emulator()
    emulator.faults.drop_connections(rate=1.0, when="after", operations={"TicketCreate"}, count=1)
    client, sent = recorded_client(emulator)
    async with client.with_options(retry_writes=True) as view:
        made = await view.create_ticket(ticket("once"))
    assert sent.operations()[1:3] == ["TicketCreate", "TicketSearch"], "looked for the key instead of re-sending"
    assert sent.operations().count("TicketCreate") == 1
    assert made.title == "once"


# ---- duplicates --------------------------------------------------------------------------------------


async def test_a_lost_create_that_lands_after_the_resend_is_reported_with_both_tickets() -> None:
    emulator = keyed_emulator()
    client, sent = recorded_client(emulator, land_late="TicketCreate")
    async with client:
        with pytest.raises(DuplicateWriteError) as caught:
            await client.create_ticket(ticket("late"))
    error = caught.value
    assert len(error.ticket_ids) == 2
    assert sorted(t.id for t in error.tickets) == sorted(error.ticket_ids)
    tickets = emulator.helpdesk.data.tickets.values()
    carrying = [t.id for t in tickets if t.dynamic_fields.get(KEY_FIELD) == error.idempotency_key]
    assert sorted(error.ticket_ids) == carrying
    assert "keep one and close or merge the others" in str(error)
    assert sent.operations().count("TicketCreate") == 2
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.ticket_ids, copy.idempotency_key, str(copy)) == (error.ticket_ids, error.idempotency_key, str(error))


async def test_a_key_that_two_tickets_carry_is_refused_before_sending() -> None:
    emulator = keyed_emulator("demo")
    for ticket_id in list(emulator.helpdesk.data.tickets)[:2]:
        emulator.helpdesk.data.tickets[ticket_id].dynamic_fields[KEY_FIELD] = "shared-key"
    client, sent = recorded_client(emulator)
    async with client:
        with pytest.raises(DuplicateWriteError) as caught:
            await client.create_ticket(ticket("x"), idempotency_key="shared-key")
    assert len(caught.value.ticket_ids) == 2
    assert "TicketCreate" not in sent.operations()


# ---- misconfiguration is loud ------------------------------------------------------------------------


async def test_a_key_field_the_search_ignores_is_a_configuration_error_not_someone_elses_ticket() -> None:
    emulator = Emulator.from_seed("lab")  # the admin created the field for articles, not tickets
    emulator.import_dynamic_fields(
        {"DynamicFields": {KEY_FIELD: {"Name": KEY_FIELD, "FieldType": "Text", "ObjectType": "Article"}}}
    )
    before = len(emulator.helpdesk.data.tickets)
    client, sent = recorded_client(emulator)
    async with client:
        with pytest.raises(ConfigurationError, match="not a valid Ticket field") as caught:
            await client.create_ticket(ticket("x"), idempotency_key="k-1")
        assert "TicketCreate" not in sent.operations()
        emulator.faults.drop_connections(rate=1.0, when="after", operations={"TicketCreate"})
        with pytest.raises(OutcomeUnknownError) as lost:
            await client.create_ticket(ticket("y"))
    assert isinstance(lost.value.__cause__, ConfigurationError)
    assert "valid Text field of object type Ticket" in str(caught.value)
    assert len(emulator.helpdesk.data.tickets) == before + 1  # the lost one: it happened, unknown to the client


async def test_a_key_field_missing_on_the_server_is_the_servers_error() -> None:
    emulator = Emulator.from_seed("lab")
    async with make_async_client(emulator, config=keyed_config(), retry_policy=NO_WAIT) as client:
        with pytest.raises(Exception) as caught:
            await client.create_ticket(ticket("x"))
    assert getattr(caught.value, "code", None) == "TicketCreate.InvalidParameter"
    assert "DynamicField->Name parameter is invalid" in str(caught.value)


@pytest.mark.parametrize("key", ["Alert-1", "a*b", "a%b", " padded", "with space", "", "é", "-leading", "x" * 101, 42])
async def test_a_key_the_server_could_not_match_exactly_is_refused_before_sending(key: object) -> None:
    emulator = keyed_emulator()
    async with make_async_client(emulator, config=keyed_config()) as client:
        with pytest.raises(RequestValidationError) as caught:
            await client.create_ticket(ticket("x"), idempotency_key=key)  # type: ignore[arg-type]
    assert caught.value.field == "idempotency_key"
    assert "case-insensitively" in str(caught.value)
    assert emulator.counters.total == 0


async def test_an_own_key_without_a_key_field_is_refused_before_sending() -> None:
    emulator = keyed_emulator()
    async with make_async_client(emulator) as client:
        with pytest.raises(ConfigurationError, match="idempotency_key_field"):
            await client.create_ticket(ticket("x"), idempotency_key=str(uuid.uuid4()))
    assert emulator.counters.total == 0


async def test_setting_the_key_field_by_hand_is_refused() -> None:
    emulator = keyed_emulator()
    by_hand = TicketCreate.model_validate({**ticket("x").model_dump(), "dynamic_fields": {KEY_FIELD: "mine"}})
    async with make_async_client(emulator, config=keyed_config()) as client:
        with pytest.raises(RequestValidationError) as caught:
            await client.create_ticket(by_hand)
    assert caught.value.field == f"dynamic_fields.{KEY_FIELD}"
    assert emulator.counters.total == 0


def test_a_configuration_that_cannot_search_the_key_is_refused_when_it_is_built() -> None:
    with pytest.raises(pydantic.ValidationError, match="query string cannot carry"):
        ClientConfig.rest_connector(EMULATOR_BASE_URL, idempotency_key_field=KEY_FIELD)
    with pytest.raises(pydantic.ValidationError, match="no route for it"):
        ClientConfig(base_url=EMULATOR_BASE_URL, webservice_name="W", operation_url_map={"TicketCreate": "Create"},
                     idempotency_key_field=KEY_FIELD)  # fmt: skip
    with pytest.raises(pydantic.ValidationError, match="letters and digits"):
        ClientConfig.generic_ticket(EMULATOR_BASE_URL, idempotency_key_field="Client-Request-ID")
    ready2adopt = ClientConfig.ready2adopt(EMULATOR_BASE_URL, idempotency_key_field=KEY_FIELD)
    assert ready2adopt.idempotency_key_field == KEY_FIELD


def test_keys_are_fresh_lowercase_uuids() -> None:
    keys = {idempotency.new_key() for _ in range(100)}
    assert len(keys) == 100
    assert all(idempotency.check_key(key) == key and key == str(uuid.UUID(key)) for key in keys)


def test_the_benchmark_prints_the_counts_with_and_without_the_key_field() -> None:
    """``benchmarks/idempotent_creates.py`` shows it as a script; here that it runs and what it prints."""
    script = Path(__file__).resolve().parents[2] / "benchmarks" / "idempotent_creates.py"
    result = subprocess.run(
        [sys.executable, str(script), "--quick"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    without = next(line for line in result.stdout.splitlines() if "without key field" in line)
    keyed = next(line for line in result.stdout.splitlines() if f"with {KEY_FIELD}" in line)
    numbers = re.compile(r"returned +(\d+) +unknown outcomes +(\d+) +tickets made +(\d+) +duplicates (\d+)")
    returned, unknown, made, duplicates = map(int, numbers.search(keyed).groups())  # type: ignore[union-attr]
    assert (returned, unknown, made, duplicates) == (20, 0, 20, 0)
    returned, unknown, made, duplicates = map(int, numbers.search(without).groups())  # type: ignore[union-attr]
    assert unknown > 0
    assert (returned + unknown, made, duplicates) == (20, 20, 0)


async def test_a_customer_user_login_finds_its_ticket_too() -> None:
    emulator = keyed_emulator()
    emulator.faults.drop_connections(rate=1.0, when="after", operations={"TicketCreate"}, count=1)
    async with make_async_client(emulator, config=keyed_config(), login=False, retry_policy=NO_WAIT) as client:
        client.login(BasicAuth(customer_user_login="customer-1", password="customer-secret-1"))
        made = await client.create_ticket(ticket("from the customer"))
    assert made.title == "from the customer"
    assert emulator.counters.by_operation["TicketCreate"] == 1
    assert keys_on_server(emulator) == [made.dynamic_fields[KEY_FIELD]]
