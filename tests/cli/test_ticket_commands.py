"""``otobo-znuny ticket ...`` against the emulator; JSON output is compared with what the library returns."""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from otobo_znuny import DynamicFieldFilter, OTOBOZnunySyncClient, TicketSearch, TimeFilter
from otobo_znuny.cli.exit_codes import ExitCode
from otobo_znuny.emulator import Emulator

from .conftest import FIXED_NOW, Cli


def dumped(models: Sequence[BaseModel]) -> list[dict[str, Any]]:
    """The library's tickets as the CLI prints them without --attachments: articles without the
    ``attachments`` key (they were not fetched, so an empty list would say "none")."""
    records = [model.model_dump(mode="json") for model in models]
    for record in records:
        for article in record.get("articles", []):
            del article["attachments"]
    return records


# ---- get -------------------------------------------------------------------------------------------


def test_get_prints_a_list_equal_to_the_library_result(cli: Cli, library: OTOBOZnunySyncClient) -> None:
    printed = cli.json("ticket", "get", "3", "1")
    assert printed == dumped(library.get_tickets([3, 1]))
    assert [ticket["id"] for ticket in printed] == [3, 1]
    assert printed[0]["articles"], "articles are included by default"


def test_get_of_one_id_is_still_a_list(cli: Cli) -> None:
    printed = cli.json("ticket", "get", "2", "--no-articles")
    assert isinstance(printed, list)
    assert len(printed) == 1
    assert printed[0]["articles"] == []


def test_get_with_attachments_prints_base64_content(cli: Cli, library: OTOBOZnunySyncClient) -> None:
    # Seed tickets 1, 6, 11 ... carry a screenshot on their first article.
    printed = cli.json("ticket", "get", "1", "--attachments")
    expected = library.get_ticket(1, attachments=True).articles[0].attachments[0]
    attachment = printed[0]["articles"][0]["attachments"][0]
    assert attachment["filename"] == expected.filename
    assert base64.b64decode(attachment["content"]) == expected.content


def test_attachments_are_left_out_unless_fetched_not_shown_as_none(cli: Cli, tmp_path: Path) -> None:
    """Ticket 1's first article has a screenshot; without --attachments it was not fetched, so the
    article has no ``attachments`` key rather than an empty list (get, search --fetch, export, create)."""
    without = cli.json("ticket", "get", "1")
    assert "attachments" not in without[0]["articles"][0]
    fetched = cli.json("ticket", "get", "1", "--attachments")
    assert [a["filename"] for a in fetched[0]["articles"][0]["attachments"]] == ["screenshot.png"]
    searched = cli.json("ticket", "search", "--number", without[0]["number"], "--fetch", "--articles")
    assert "attachments" not in searched[0]["articles"][0]
    out = tmp_path / "export.jsonl"
    assert cli("ticket", "export", "--number", without[0]["number"], "--articles", "--out", str(out)).exit_code == 0
    assert "attachments" not in json.loads(out.read_text())["articles"][0]
    attachment = tmp_path / "note.txt"
    attachment.write_text("hello")
    created = cli.json(
        "ticket", "create", "--title", "x", "--queue", "Raw", "--customer-user", "dave", "--body", "y",
        "--attach", str(attachment),
    )  # fmt: skip
    assert "attachments" not in created["articles"][0]


def test_get_reports_unreadable_ids_and_prints_the_rest(cli: Cli, library: OTOBOZnunySyncClient) -> None:
    result = cli("ticket", "get", "2", "999999")
    assert result.exit_code == ExitCode.NOT_FOUND
    assert json.loads(result.stdout) == dumped(library.get_tickets([2]))
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "999999" in lines[0]
    assert "TicketGet.AccessDenied" in lines[0]


def test_fields_pick_columns_with_dotted_paths(cli: Cli, library: OTOBOZnunySyncClient) -> None:
    printed = cli.json("ticket", "get", "4", "--fields", "id,number,queue.name,dynamic_fields.Tags")
    ticket = library.get_ticket(4)
    assert printed == [
        {
            "id": ticket.id,
            "number": ticket.number,
            "queue.name": ticket.queue.name if ticket.queue else None,
            "dynamic_fields.Tags": ticket.dynamic_fields["Tags"],
        }
    ]


def test_unknown_field_is_refused_before_any_request(cli: Cli, emulator: Emulator) -> None:
    result = cli("ticket", "get", "1", "--fields", "id,colour")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "--fields" in result.stderr
    assert "colour" in result.stderr
    assert emulator.counters.total == 0


def test_yaml_output_holds_the_same_data_as_json(cli: Cli) -> None:
    as_json = cli.json("ticket", "get", "5", "--no-articles")
    result = cli("ticket", "get", "5", "--no-articles", "--output", "yaml")
    assert result.exit_code == 0
    assert yaml.safe_load(result.stdout) == as_json


def test_table_output_shows_the_ticket(cli: Cli, library: OTOBOZnunySyncClient) -> None:
    ticket = library.get_ticket(6)
    result = cli("ticket", "get", "6", "--output", "table")
    assert result.exit_code == 0
    assert ticket.number in result.stdout
    assert str(ticket.queue) in result.stdout
    assert "customer_user" in result.stdout  # a header
    assert not result.stdout.lstrip().startswith("[")


def test_json_is_the_default_when_stdout_is_not_a_terminal(cli: Cli) -> None:
    result = cli("ticket", "get", "7")
    assert result.exit_code == 0
    json.loads(result.stdout)


def test_a_non_numeric_id_is_a_usage_error(cli: Cli, emulator: Emulator) -> None:
    result = cli("ticket", "get", "seven")
    assert result.exit_code == ExitCode.USAGE
    assert emulator.counters.total == 0


# ---- search ----------------------------------------------------------------------------------------


def test_search_prints_the_ids_the_library_finds(cli: Cli, library: OTOBOZnunySyncClient) -> None:
    printed = cli.json("ticket", "search", "--queue", "Support", "--state-type", "new", "--state-type", "open")
    expected = library.search_tickets(TicketSearch(queues=["Support"], state_types=["new", "open"]))
    assert printed == expected
    assert printed, "the demo seed has new/open tickets in Support"


def test_search_by_dynamic_field_and_wildcard(cli: Cli, library: OTOBOZnunySyncClient) -> None:
    exact = cli.json("ticket", "search", "--df", "Tags=network")
    assert exact == library.search_tickets(
        TicketSearch(dynamic_fields=[DynamicFieldFilter(field_name="Tags", equals="network")])
    )
    assert exact
    pattern = cli.json("ticket", "search", "--df", "OrderID=ORD-10*")
    assert pattern == library.search_tickets(
        TicketSearch(dynamic_fields=[DynamicFieldFilter(field_name="OrderID", like="ORD-10*")])
    )
    assert pattern


def test_search_by_title_body_customer_and_age(cli: Cli, library: OTOBOZnunySyncClient) -> None:
    assert cli.json("ticket", "search", "--title", "*printer*") == library.search_tickets(
        TicketSearch(titles=["*printer*"])
    )
    assert cli.json("ticket", "search", "--body", "Could you please") == library.search_tickets(
        TicketSearch(article_body="Could you please")
    )
    assert cli.json("ticket", "search", "--customer-id", "ACME", "--created-after", "20d") == library.search_tickets(
        TicketSearch(customer_ids=["ACME"], created=TimeFilter(newer_than=timedelta(days=20)))
    )
    before = (FIXED_NOW - timedelta(days=30)).isoformat()
    assert cli.json("ticket", "search", "--created-before", before) == library.search_tickets(
        TicketSearch(created=TimeFilter(older_than=FIXED_NOW - timedelta(days=30)))
    )


def test_search_sort_order_and_limit(cli: Cli, library: OTOBOZnunySyncClient) -> None:
    printed = cli.json("ticket", "search", "--sort", "created", "--order", "up", "--limit", "4")
    assert printed == library.search_tickets(TicketSearch(sort_by="Created", order_by="Up", limit=4))
    assert len(printed) == 4


def test_search_fetch_prints_tickets(cli: Cli, library: OTOBOZnunySyncClient) -> None:
    printed = cli.json("ticket", "search", "--queue", "Sales", "--fetch", "--fields", "id,title,dynamic_fields.OrderID")
    expected = library.search_and_get(TicketSearch(queues=["Sales"]), articles=False)
    assert printed == [
        {"id": t.id, "title": t.title, "dynamic_fields.OrderID": t.dynamic_fields.get("OrderID")} for t in expected
    ]
    assert all(row["dynamic_fields.OrderID"] for row in printed)


def test_search_refuses_bad_criteria_before_sending(cli: Cli, emulator: Emulator) -> None:
    bad_state_type = cli("ticket", "search", "--state-type", "Open")
    assert bad_state_type.exit_code == ExitCode.INVALID_INPUT
    assert bad_state_type.stderr.startswith("error: --state-type 'Open': ")  # the flag, not the model field
    bad_df = cli("ticket", "search", "--df", "OrderID")
    assert bad_df.exit_code == ExitCode.INVALID_INPUT
    assert "--df" in bad_df.stderr
    bad_sort = cli("ticket", "search", "--sort", "Subject")
    assert bad_sort.exit_code == ExitCode.INVALID_INPUT
    assert "sort" in bad_sort.stderr
    fields_without_fetch = cli("ticket", "search", "--fields", "id")
    assert fields_without_fetch.exit_code == ExitCode.INVALID_INPUT
    assert emulator.counters.total == 0


# ---- create, update, note, history -----------------------------------------------------------------


def test_create_with_dynamic_fields_attachment_and_body_file(
    cli: Cli, library: OTOBOZnunySyncClient, tmp_path: Path
) -> None:
    body = tmp_path / "body.txt"
    body.write_text("The scanner shows error E42.\n", encoding="utf-8")
    log = tmp_path / "scanner.log"
    log.write_bytes(b"E42 at 09:12\n")
    printed = cli.json(
        "ticket", "create",
        "--title", "Scanner broken",
        "--queue", "Support::Hardware",
        "--customer-user", "dave",
        "--priority", "4 high",
        "--body-file", str(body),
        "--attach", str(log),
        "--df", "OrderID=ORD-9",
        "--df", "Tags=hardware",
        "--df", "Tags=urgent",
    )  # fmt: skip
    stored = library.get_ticket(printed["id"], attachments=True)
    assert printed == stored.model_dump(mode="json", exclude={"articles"}) | {"articles": printed["articles"]}
    assert stored.title == "Scanner broken"
    assert str(stored.queue) == "Support::Hardware"
    assert str(stored.priority) == "4 high"
    assert stored.dynamic_fields["OrderID"] == "ORD-9"
    assert stored.dynamic_fields["Tags"] == ["hardware", "urgent"]
    article = stored.articles[0]
    assert article.subject == "Scanner broken"
    assert (article.body or "").rstrip() == "The scanner shows error E42."
    assert [(a.filename, a.content) for a in article.attachments] == [("scanner.log", b"E42 at 09:12\n")]


def test_create_needs_a_body_and_sends_nothing_without(cli: Cli, emulator: Emulator) -> None:
    result = cli("ticket", "create", "--title", "x", "--queue", "Raw", "--customer-user", "dave")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "--body" in result.stderr
    missing_option = cli("ticket", "create", "--title", "x", "--body", "y")
    assert missing_option.exit_code == ExitCode.USAGE
    unreadable = cli(
        "ticket", "create", "--title", "x", "--queue", "Raw", "--customer-user", "dave", "--body", "y",
        "--attach", "/nonexistent/file.pdf",
    )  # fmt: skip
    assert unreadable.exit_code == ExitCode.INVALID_INPUT
    assert "--attach" in unreadable.stderr
    assert emulator.counters.total == 0


def test_create_refused_by_the_server(cli: Cli) -> None:
    result = cli("ticket", "create", "--title", "x", "--queue", "NoSuchQueue", "--customer-user", "dave", "--body", "y")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "TicketCreate.InvalidParameter" in result.stderr


def test_update_changes_state_field_and_pending_time(cli: Cli, library: OTOBOZnunySyncClient) -> None:
    printed = cli.json(
        "ticket", "update", "3", "--state", "pending reminder", "--pending-in", "2h", "--df", "OrderID=ORD-77"
    )
    stored = library.get_ticket(3)
    assert printed == dumped([stored])[0]
    assert str(stored.state) == "pending reminder"
    assert stored.pending_until == FIXED_NOW + timedelta(hours=2)
    assert stored.dynamic_fields["OrderID"] == "ORD-77"

    moved = cli.json("ticket", "update", "3", "--queue", "Misc", "--title", "Moved", "--owner", "alice")
    assert (moved["queue"]["name"], moved["title"], moved["owner"]["name"]) == ("Misc", "Moved", "alice")


def test_update_with_nothing_to_change_or_two_pending_times_is_refused(cli: Cli, emulator: Emulator) -> None:
    nothing = cli("ticket", "update", "3")
    assert nothing.exit_code == ExitCode.INVALID_INPUT
    assert "nothing to change" in nothing.stderr
    both = cli("ticket", "update", "3", "--pending-in", "1h", "--pending-until", "2025-04-01T10:00")
    assert both.exit_code == ExitCode.INVALID_INPUT
    bad_duration = cli("ticket", "update", "3", "--state", "pending reminder", "--pending-in", "soon")
    assert bad_duration.exit_code == ExitCode.INVALID_INPUT
    assert "--pending-in" in bad_duration.stderr
    assert emulator.counters.total == 0


@pytest.mark.parametrize(("flag", "value"), [("--pending-in", "5h"), ("--pending-until", "2025-04-01T10:00")])
def test_a_pending_time_without_a_state_is_refused_as_the_server_would_ignore_it(
    cli: Cli, emulator: Emulator, flag: str, value: str
) -> None:
    result = cli("ticket", "update", "3", flag, value)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr == (
        f"error: {flag}: the server sets a pending time only with a state change and ignores it alone: give the "
        "pending --state too (e.g. --state 'pending reminder')\n"
    )
    assert emulator.counters.total == 0


def test_update_of_a_missing_ticket(cli: Cli) -> None:
    result = cli("ticket", "update", "999999", "--state", "open")
    assert result.exit_code == ExitCode.NOT_FOUND
    assert "TicketUpdate.AccessDenied" in result.stderr


def test_note_adds_an_article(cli: Cli, library: OTOBOZnunySyncClient) -> None:
    before = len(library.get_ticket(8).articles)
    printed = cli.json("ticket", "note", "8", "--body", "Called the customer.", "--subject", "Call", "--time-unit", "5")
    stored = library.get_ticket(8)
    assert printed == {"article_ids": [stored.articles[-1].id], "ticket_id": 8, "ticket_number": stored.number}
    assert len(stored.articles) == before + 1
    assert (stored.articles[-1].subject, stored.articles[-1].body) == ("Call", "Called the customer.")
    assert stored.articles[-1].is_visible_for_customer is False


def test_note_reads_the_body_from_stdin(cli: Cli, library: OTOBOZnunySyncClient) -> None:
    printed = cli.json("ticket", "note", "9", "--body-file", "-", "--public", input="from a pipe\n")
    article = library.get_ticket(9).articles[-1]
    assert printed["article_ids"] == [article.id]
    assert (article.body or "").rstrip() == "from a pipe"
    assert article.is_visible_for_customer is True


def test_history_prints_the_library_history(cli: Cli, library: OTOBOZnunySyncClient) -> None:
    cli.json("ticket", "update", "10", "--state", "closed successful")
    printed = cli.json("ticket", "history", "10")
    history = library.get_ticket_history(10)
    assert printed == [{**entry, "text": item.text} for entry, item in zip(dumped(history), history, strict=True)]
    assert "StateUpdate" in [entry["history_type"] for entry in printed]
    table = cli("ticket", "history", "10", "--output", "table")
    assert "StateUpdate" in table.stdout
    assert 'Changed state from "open" to "closed successful".' in table.stdout  # decoded, no %%
    assert "%%" not in table.stdout


# ---- export ----------------------------------------------------------------------------------------


def test_export_jsonl_streams_every_matching_ticket(cli: Cli, library: OTOBOZnunySyncClient) -> None:
    result = cli("ticket", "export", "--state-type", "new", "--batch-size", "3")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    expected = library.search_and_get(TicketSearch(state_types=["new"]), articles=False)
    assert [json.loads(line) for line in lines] == dumped(expected)
    assert len(lines) > 3, "more tickets than one batch"
    assert f"exported {len(lines)} ticket(s)" in result.stderr


def test_export_csv_to_a_file(cli: Cli, library: OTOBOZnunySyncClient, tmp_path: Path) -> None:
    target = tmp_path / "tickets.csv"
    result = cli(
        "ticket", "export", "--queue", "Sales", "--format", "csv", "--out", str(target),
        "--fields", "id,number,queue,dynamic_fields.OrderID",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    expected = library.search_and_get(TicketSearch(queues=["Sales"]), articles=False)
    assert rows[0] == ["id", "number", "queue", "dynamic_fields.OrderID"]
    assert rows[1:] == [[str(t.id), t.number, "Sales", str(t.dynamic_fields["OrderID"])] for t in expected]
    assert list(tmp_path.iterdir()) == [target], "no temporary file is left behind"


def test_failed_export_leaves_an_existing_file_alone(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "tickets.jsonl"
    target.write_text("previous export\n", encoding="utf-8")
    result = cli("ticket", "export", "--out", str(target), env={"OTOBO_ZNUNY_PASSWORD": "wrong-password"})
    assert result.exit_code == ExitCode.AUTHENTICATION
    assert target.read_text(encoding="utf-8") == "previous export\n"
    assert list(tmp_path.iterdir()) == [target]
