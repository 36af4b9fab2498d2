"""The reply readers (``wire.replies``) and the declared key tables (``wire.keys``) they are built from:
what a TicketGet/TicketHistoryGet reply becomes, checked against the recorded replies and the contract."""

from __future__ import annotations

import ast
import contextlib
import copy
import json
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel, ConfigDict

from otobo_znuny import Article, Attachment, HistoryEntry, Ticket
from otobo_znuny.errors import UnexpectedReplyError
from otobo_znuny.operations import tickets
from otobo_znuny.wire import keys, mapping, replies
from otobo_znuny.wire.shapes import WsTicket
from support.recording import contract_file, load_exchanges

UTC = timezone.utc
SRC = Path(__file__).resolve().parents[2] / "src" / "otobo_znuny"


def _recorded(operation: str) -> list[dict[str, Any]]:
    return [
        exchange.response_json()
        for flavor in ("znuny", "otobo")
        for exchange in load_exchanges(flavor)
        if exchange.operation == operation and exchange.error_code is None and exchange.is_json
    ]


def _richest_ticket() -> dict[str, Any]:
    found = [ticket for reply in _recorded("TicketGet") for ticket in reply["Ticket"]]
    return copy.deepcopy(max(found, key=lambda t: len(t.get("DynamicField", [])) + len(t.get("Article", []))))


def _parse(reply: dict[str, Any], tz: Any = UTC) -> list[Ticket]:
    call = tickets.ticket_get([1], tickets.TicketGetOptions(attachments=True), tz)
    return call.parse(json.dumps(reply).encode())


# ---- what a reply becomes ---------------------------------------------------------------------------


def test_unknown_keys_are_kept_in_extra_as_received_even_when_named_like_a_field() -> None:
    ticket = _richest_ticket()
    article = ticket["Article"][0]
    unknown = {"EscalationDestinationIn": "2h", "title": "lower-case title", "extra": {"x": 1}, "id": [1, 2]}
    ticket.update(unknown)
    article.update({"IsEdited": 0, "subject": "lower-case subject"})
    parsed = _parse({"Ticket": [ticket]})[0]
    assert parsed.title == ticket["Title"]
    assert parsed.id == ticket["TicketID"]
    assert {key: parsed.extra[key] for key in unknown} == unknown
    assert parsed.articles[0].subject == article["Subject"]
    assert parsed.articles[0].extra["IsEdited"] == 0
    assert parsed.articles[0].extra["subject"] == "lower-case subject"


def test_keys_the_models_do_not_name_go_to_extra_or_are_dropped_as_declared() -> None:
    ticket = _richest_ticket()
    ticket["UntilTime"] = "120"
    article = ticket["Article"][0]
    article.update(ContentCharset="utf8", SenderTypeID="1", CommunicationChannelID=3, TicketID=ticket["TicketID"])
    article["Attachment"] = [{"Filename": "a.txt", "Content": "aGk=", "ContentAlternative": "", "FilesizeRaw": "2"}]
    parsed = _parse({"Ticket": [ticket]})[0]
    assert parsed.extra["UntilTime"] == 120
    read = parsed.articles[0]
    assert {key: read.extra[key] for key in ("ContentCharset", "SenderTypeID", "CommunicationChannelID")} == {
        "ContentCharset": "utf8",
        "SenderTypeID": 1,
        "CommunicationChannelID": 3,
    }
    assert "TicketID" not in read.extra
    assert read.communication_channel == "Internal"  # named by CommunicationChannelID (Znuny sends no name)
    assert read.attachments == [Attachment.model_construct(**{**read.attachments[0].__dict__})]
    assert (read.attachments[0].content, read.attachments[0].size) == (b"hi", 2)


def test_every_field_is_set_and_equal_pairs_share_one_immutable_id_name() -> None:
    first, second = _richest_ticket(), _richest_ticket()
    second["TicketID"] = first["TicketID"] + 1
    parsed = _parse({"Ticket": [first, second]})
    assert parsed[0].queue is parsed[1].queue
    assert parsed[0].queue is not None
    assert (parsed[0].queue.id, parsed[0].queue.name) == (first["QueueID"], first["Queue"])
    for ticket in parsed:
        assert ticket.model_fields_set == set(Ticket.model_fields)
        assert all(article.model_fields_set == set(Article.model_fields) for article in ticket.articles)
    parsed[0].title = "changed"  # validated assignment works on read models, and changes only that ticket
    assert (parsed[0].title, parsed[1].title) == ("changed", second["Title"])
    assert "title" in parsed[0].model_fields_set


def test_server_times_use_the_zone_of_the_validation_context() -> None:
    ticket = _richest_ticket()
    berlin = datetime.fromisoformat(ticket["Created"]).replace(tzinfo=ZoneInfo("Europe/Berlin"))
    parsed = _parse({"Ticket": [ticket]}, berlin.tzinfo)[0]
    assert parsed.created_at == berlin
    assert parsed.created_at is not None
    assert parsed.created_at.tzinfo is berlin.tzinfo


@pytest.mark.parametrize("reply", _recorded("TicketGet"), ids=lambda r: str(r["Ticket"][0]["TicketID"]))
def test_reply_bytes_and_parsed_wire_shapes_read_alike(reply: dict[str, Any]) -> None:
    """``otobo_znuny.mappers.ticket_from_wire`` (1.4's path through parsed wire shapes) reads as the client does."""
    from_bytes = _parse(reply)
    from_shapes = [mapping.ticket_from_wire(WsTicket.model_validate(raw), UTC) for raw in reply["Ticket"]]
    assert from_shapes == from_bytes
    assert [repr(t) for t in from_shapes] == [repr(t) for t in from_bytes]


def test_a_history_entry_without_a_ticket_id_takes_the_id_of_its_history() -> None:
    reply = _recorded("TicketHistoryGet")[0]
    history = copy.deepcopy(reply)
    for entry in history["TicketHistory"][0]["History"]:
        del entry["TicketID"]
    ticket_id = int(history["TicketHistory"][0]["TicketID"])
    call = tickets.ticket_history_get(ticket_id, UTC)
    entries = call.parse(json.dumps(history).encode())
    assert entries == call.parse(json.dumps(reply).encode())
    assert {entry.ticket_id for entry in entries} == {ticket_id}
    assert all(isinstance(entry, HistoryEntry) for entry in entries)


def test_a_bad_value_is_refused_naming_its_wire_key() -> None:
    ticket = _richest_ticket()
    ticket["Article"][0]["IncomingTime"] = "soon"
    with pytest.raises(UnexpectedReplyError, match=r"Ticket\.0\.Article\.0\.IncomingTime: Input should be an integer"):
        _parse({"Ticket": [ticket]})


# ---- how the readers are built -------------------------------------------------------------------------


def test_no_module_writes_pydantic_s_private_attributes() -> None:
    """The readers get their models from pydantic-core (``model_schema``), as pydantic does."""
    written = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("__pydantic_"):
                written.append(f"{path.relative_to(SRC)}: {node.value}")
            stored = isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
            if stored and node.attr.startswith("__pydantic"):
                written.append(f"{path.relative_to(SRC)}: {node.attr}")
    assert written == []


def test_models_are_deferred_until_used_and_the_readers_are_built_first() -> None:
    code = (
        "import sys\n"
        "from otobo_znuny.models.ticket import Ticket, Article\n"
        "assert 'otobo_znuny.wire.replies' in sys.modules\n"
        "assert not Ticket.__pydantic_complete__ and not Article.__pydantic_complete__\n"
        "Ticket(id=1)\n"
        "assert Ticket.__pydantic_complete__\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_a_reader_is_not_built_for_a_model_whose_own_validator_is_built() -> None:
    class Built(BaseModel):
        model_config = ConfigDict(defer_build=True)
        value: int

    Built(value=1)
    with pytest.raises(RuntimeError, match="must be built before Built is first validated"):
        replies._check_models_not_built(Built)


@pytest.mark.parametrize(
    ("model", "table"),
    [
        (Ticket, keys.TICKET_KEYS),
        (Article, keys.ARTICLE_KEYS),
        (Attachment, keys.ATTACHMENT_KEYS),
        (HistoryEntry, keys.HISTORY_ENTRY_KEYS),
    ],
    ids=lambda p: getattr(p, "__name__", ""),
)
def test_each_table_names_every_field_of_its_model_once(model: type[BaseModel], table: tuple[keys.Key, ...]) -> None:
    fields = [key.field for key in table]
    assert sorted(fields) == sorted(name for name in model.model_fields if name != "extra")
    wire = [key.wire for key in table] + [key.id_key for key in table if key.id_key]
    assert len(wire) == len(set(wire))


def _keys_in(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys_in(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys_in(item)}
    return set()


def test_every_key_of_the_tables_is_in_a_recorded_exchange_or_the_contract() -> None:
    """The tables against ground truth: the keys of the recorded replies and requests (Znuny 7.0.19,
    OTOBO 11.0.6), else CONTRACT.md (keys the recordings never carried, e.g. ``Service`` on a ticket
    without a service)."""
    replied: set[str] = set()
    requested: set[str] = set()
    for flavor in ("znuny", "otobo"):
        for exchange in load_exchanges(flavor):
            if exchange.is_json:
                replied |= _keys_in(exchange.response_json())
            if exchange.method != "GET":
                with contextlib.suppress(ValueError):  # some recorded requests are deliberately not JSON
                    requested |= _keys_in(exchange.request_json())
    contract = contract_file("CONTRACT.md").read_text(encoding="utf-8")
    tables = (keys.TICKET_KEYS, keys.ARTICLE_KEYS, keys.ATTACHMENT_KEYS, keys.HISTORY_ENTRY_KEYS)
    extras = (keys.TICKET_EXTRA_KEYS, keys.ARTICLE_EXTRA_KEYS, keys.ATTACHMENT_EXTRA_KEYS)
    reply_keys = {k.wire for table in tables for k in table} | {k.id_key for t in tables for k in t if k.id_key}
    reply_keys |= {extra.wire for table in extras for extra in table}
    request_keys = {k.request for table in tables for k in table if k.request} | {keys.PENDING_TIME_KEY}
    named = set(re.findall(r"\b[A-Za-z]+\b", contract))
    assert sorted(key for key in reply_keys if key not in replied and key not in named) == []
    assert sorted(key for key in request_keys if key not in requested and key not in named) == []
