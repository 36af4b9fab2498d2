"""Pure pieces of the command line: printers, field selection, option parsing, exit codes, progress."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone

import httpx
import pydantic
import pytest

from otobo_znuny import (
    AccessDeniedError,
    AuthenticationError,
    BatchFetchError,
    ConfigurationError,
    ConnectError,
    HistoryEntry,
    InvalidParameterError,
    MissingParameterError,
    OTOBOError,
    OutcomeUnknownError,
    RequestValidationError,
    ResponseError,
    ServerConfigurationError,
    SessionExpiredError,
    Ticket,
    TicketDataError,
    TicketNotFoundError,
    TicketSearch,
)
from otobo_znuny.cli.exit_codes import ExitCode, exit_code_for
from otobo_znuny.cli.inputs import (
    SearchOptions,
    build_search,
    dynamic_field_filters,
    dynamic_field_values,
    id_or_name,
    parse_duration,
    parse_moment,
    parse_time_or_age,
    sort_field,
)
from otobo_znuny.cli.output import (
    CsvRowWriter,
    JsonLinesWriter,
    OutputFormat,
    cell_text,
    choose_format,
    parse_fields,
    print_result,
    project,
)
from otobo_znuny.cli.progress import progress_bar
from otobo_znuny.cli.runner import error_line
from otobo_znuny.models import Article, Attachment, SortField


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def a_ticket() -> Ticket:
    return Ticket(
        id=7,
        number="2025030342000071",
        title="Printer",
        queue="Support",
        state="open",
        created_at=datetime(2025, 3, 3, 9, 30, tzinfo=timezone.utc),
        dynamic_fields={"Tags": ["a", "b"], "OrderID": None},
        articles=[Article(subject="s", body="b", attachments=[Attachment.from_bytes("x.bin", b"\x89\xff\x00")])],
    )


# ---- output -----------------------------------------------------------------------------------------


def test_json_is_sorted_iso_and_base64() -> None:
    out = io.StringIO()
    print_result([a_ticket()], OutputFormat.JSON, stream=out)
    text = out.getvalue()
    data = json.loads(text)
    assert data[0]["created_at"] == "2025-03-03T09:30:00Z"
    assert data[0]["articles"][0]["attachments"][0]["content"] == "if8A"  # base64 of 89 ff 00
    assert list(data[0]) == sorted(data[0])
    assert text.endswith("\n")


def test_choose_format_follows_the_terminal() -> None:
    assert choose_format(None, Terminal()) is OutputFormat.TABLE
    assert choose_format(None, io.StringIO()) is OutputFormat.JSON
    assert choose_format(OutputFormat.YAML, Terminal()) is OutputFormat.YAML


def test_table_flattens_names_and_lists() -> None:
    out = io.StringIO()
    print_result([a_ticket()], OutputFormat.TABLE, fields=["id", "queue", "dynamic_fields.Tags"], stream=out)
    text = out.getvalue()
    assert "Support" in text
    assert "a, b" in text
    assert "{" not in text
    single = io.StringIO()
    print_result(a_ticket(), OutputFormat.TABLE, columns=["number", "state"], stream=single)
    assert "2025030342000071" in single.getvalue()
    assert "open" in single.getvalue()


def test_cell_text_and_project() -> None:
    assert cell_text({"id": 2, "name": "Raw"}) == "Raw"
    assert cell_text({"id": 2, "name": None}) == "#2"
    assert cell_text(None) == ""
    assert cell_text(True) == "true"
    assert cell_text(["x", {"id": 1, "name": "y"}]) == "x, y"
    assert cell_text({"a": 1}) == '{"a": 1}'
    record = {"queue": {"id": 2, "name": "Raw"}, "id": 1}
    assert project(record, ["queue.name", "missing.path"]) == {"queue.name": "Raw", "missing.path": None}
    assert project(record, None) is record


def test_parse_fields_checks_the_model() -> None:
    assert parse_fields("id, number,queue.name", Ticket) == ["id", "number", "queue.name"]
    assert parse_fields(None, Ticket) is None
    with pytest.raises(RequestValidationError, match="unknown field 'bogus'"):
        parse_fields("id,bogus.name", Ticket)
    with pytest.raises(RequestValidationError, match="at least one"):
        parse_fields(" , ", HistoryEntry)


def test_jsonl_and_csv_writers() -> None:
    out = io.StringIO()
    writer = JsonLinesWriter(out, ["id", "state.name"])
    writer.write(a_ticket())
    writer.write(a_ticket())
    assert out.getvalue().splitlines() == ['{"id":7,"state.name":"open"}'] * 2
    csv_out = io.StringIO()
    CsvRowWriter(csv_out, ["id", "queue", "dynamic_fields.Tags"]).write(a_ticket())
    assert csv_out.getvalue().splitlines() == ["id,queue,dynamic_fields.Tags", '7,Support,"a, b"']


def test_progress_bar_draws_only_on_a_terminal() -> None:
    with progress_bar("Fetching", io.StringIO()) as silent:
        assert silent is None
    terminal = Terminal()
    with progress_bar("Fetching", terminal) as progress:
        assert progress is not None
        progress(5, 10)
        progress(10, 10)
    assert "Fetching" in terminal.getvalue()
    assert "10/10" in terminal.getvalue()


# ---- inputs -----------------------------------------------------------------------------------------


def test_dynamic_field_values_group_repeated_names() -> None:
    assert dynamic_field_values(["OrderID=1", "Tags=a", "Tags=b", "Tags=c", "Note="]) == {
        "OrderID": "1",
        "Tags": ["a", "b", "c"],
        "Note": "",
    }
    with pytest.raises(RequestValidationError, match="--df: expected Name=Value"):
        dynamic_field_values(["=x"])


def test_dynamic_field_filters_split_exact_and_wildcard() -> None:
    filters = dynamic_field_filters(["Tags=a", "Tags=b", "OrderID=ORD-*"])
    assert [(f.field_name, f.equals, f.like) for f in filters] == [
        ("Tags", ["a", "b"], None),
        ("OrderID", None, "ORD-*"),
    ]
    with pytest.raises(RequestValidationError, match="--df: 'Bad-Name'"):
        dynamic_field_filters(["Bad-Name=x"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90m", timedelta(minutes=90)),
        ("2h", timedelta(hours=2)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("2w", timedelta(weeks=2)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text, "--pending-in") == expected


@pytest.mark.parametrize("text", ["", "soon", "10", "0h", "5s"])
def test_bad_durations_name_the_option(text: str) -> None:
    with pytest.raises(RequestValidationError, match="--pending-in"):
        parse_duration(text, "--pending-in")


def test_moments_and_ages() -> None:
    assert parse_moment("2025-03-01T10:00Z", "--x") == datetime(2025, 3, 1, 10, tzinfo=timezone.utc)
    assert parse_moment("2025-03-01", "--x") == datetime(2025, 3, 1)
    assert parse_time_or_age("7d", "--x") == timedelta(days=7)
    moment = parse_time_or_age("2025-03-01T10:00+02:00", "--x")
    assert isinstance(moment, datetime)
    assert moment.utcoffset() == timedelta(hours=2)
    with pytest.raises(RequestValidationError, match="--created-after"):
        parse_time_or_age("last week", "--created-after")


def test_ids_names_and_sort_fields() -> None:
    assert id_or_name("12") == 12
    assert id_or_name("3 normal") == "3 normal"
    assert id_or_name("²") == "²"  # a digit to str.isdigit, but no number: a name, not a crash
    assert id_or_name("٣") == "٣"  # not the ID 3
    assert sort_field("created") is SortField.CREATED
    assert sort_field("DynamicField_OrderID") == "DynamicField_OrderID"


def test_build_search_maps_every_option() -> None:
    search = build_search(
        SearchOptions(
            queues=["Support", "5"], sub_queues=True, states=["open"], state_types=["new"], priorities=["4 high"],
            types=["Incident"], owner_ids=[2], customer_users=["carla"], customer_ids=["ACME"], titles=["*x*"],
            numbers=["2025*"], body="printer", dynamic_fields=["OrderID=1"], created_after="7d",
            created_before="2025-03-01T00:00", sort="age", order="down", limit=10,
        )
    )  # fmt: skip
    assert search == TicketSearch(
        queues=["Support", 5], use_sub_queues=True, states=["open"], state_types=["new"], priorities=["4 high"],
        types=["Incident"], owners=[2], customer_users=["carla"], customer_ids=["ACME"], titles=["*x*"],
        ticket_numbers=["2025*"], article_body="printer", dynamic_fields=[{"field_name": "OrderID", "equals": "1"}],
        created={"newer_than": timedelta(days=7), "older_than": datetime(2025, 3, 1)},
        sort_by=["Age"], order_by=["Down"], limit=10,
    )  # fmt: skip
    assert build_search(SearchOptions()) == TicketSearch()
    with pytest.raises(pydantic.ValidationError):
        build_search(SearchOptions(order="up"))  # order needs sort


# ---- exit codes and error lines ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (RequestValidationError("--df", "bad"), ExitCode.INVALID_INPUT),
        (MissingParameterError("TicketCreate.MissingParameter", "m"), ExitCode.INVALID_INPUT),
        (InvalidParameterError("TicketCreate.InvalidParameter", "m"), ExitCode.INVALID_INPUT),
        (AuthenticationError("TicketGet.AuthFail", "m"), ExitCode.AUTHENTICATION),
        (SessionExpiredError("TicketGet.AuthFail", "m"), ExitCode.AUTHENTICATION),
        (AccessDeniedError("TicketGet.AccessDenied", "m"), ExitCode.NOT_FOUND),
        (TicketNotFoundError("TicketGet: no ticket 7 in the reply", ticket_id=7), ExitCode.NOT_FOUND),
        (TicketDataError("TicketGet.NotTicketData", "m"), ExitCode.NOT_FOUND),
        (ServerConfigurationError("Webservice.InvalidConfiguration", "m"), ExitCode.SERVER_ERROR),
        (OTOBOError("Some.Unknown", "m"), ExitCode.SERVER_ERROR),
        (ResponseError("HTTP 500", status_code=500), ExitCode.SERVER_ERROR),
        (ConnectError("refused"), ExitCode.TRANSPORT_ERROR),
        (OutcomeUnknownError("lost"), ExitCode.TRANSPORT_ERROR),
        (ConfigurationError("no route"), ExitCode.USAGE),
        (KeyboardInterrupt(), ExitCode.INTERRUPTED),
        (RuntimeError("bug"), ExitCode.INTERNAL_ERROR),
        (httpx.ReadError("raw httpx error escaped"), ExitCode.INTERNAL_ERROR),
    ],
)
def test_exit_codes(error: BaseException, code: ExitCode) -> None:
    assert exit_code_for(error) is code


def test_batch_failures_take_the_code_of_the_first_failure() -> None:
    denied = BatchFetchError({9: AccessDeniedError("TicketGet.AccessDenied", "m")}, [])
    assert exit_code_for(denied) is ExitCode.NOT_FOUND


def test_exit_codes_are_distinct() -> None:
    assert len({int(code) for code in ExitCode}) == len(ExitCode)


def test_error_lines_are_single_scrubbed_lines() -> None:
    line = error_line(RuntimeError("multi\nline secret-value here"), ["secret-value"])
    assert (
        line == "error: unexpected RuntimeError: multi line *** here (this is a bug in otobo-znuny; please report it)"
    )
    with pytest.raises(pydantic.ValidationError) as refused:
        TicketSearch(limit="many")
    assert error_line(refused.value, []) == (
        "error: --limit 'many': Input should be a valid integer, unable to parse string as an integer"
    )
    assert error_line(AccessDeniedError("TicketGet.AccessDenied", "no"), []) == (
        "error: AccessDeniedError: TicketGet.AccessDenied: no"
    )


def test_a_closed_stdout_pipe_ends_quietly() -> None:
    import typer

    from otobo_znuny.cli.runner import reporting_errors

    with pytest.raises(typer.Exit) as stopped, reporting_errors([]):
        raise BrokenPipeError(32, "Broken pipe")
    assert stopped.value.exit_code == ExitCode.FAILURE
