"""The ``--db`` file: SQLite tables of JSON rows, written incrementally, never a pickle."""

from __future__ import annotations

import base64
import pickle
import re
import sqlite3
import subprocess
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import httpx
import pytest

import otobo_znuny
from otobo_znuny.emulator import Emulator, EmulatorTransport, generate_tickets, seeds
from otobo_znuny.emulator.persistence import SCHEMA_VERSION, StateFileError

from .conftest import AGENT, GT, FakeClock, call, new_ticket

ROOT = Path(__file__).resolve().parents[2]


def client(emulator: Emulator) -> httpx.Client:
    return httpx.Client(transport=EmulatorTransport(emulator), base_url=GT)


def assert_same_state(first: Emulator, second: Emulator) -> None:
    """Every field equal, and every dict in the same order (the order of search results and listings)."""
    a, b = first.helpdesk.data, second.helpdesk.data
    for field in fields(a):
        left, right = getattr(a, field.name), getattr(b, field.name)
        assert left == right, field.name
        if isinstance(left, dict):
            assert list(left) == list(right), field.name


def busy_day(emulator: Emulator) -> str:
    """Every kind of write a server sees; returns the SessionID it leaves behind."""
    with client(emulator) as gt:
        binary = base64.b64encode(bytes(range(256))).decode()
        created = new_ticket(
            gt,
            Article={
                "TimeUnit": "2.5",
                "Attachment": {
                    "Filename": "all-bytes.bin",
                    "ContentType": "application/octet-stream",
                    "Content": binary,
                },
            },
            DynamicField={"Name": "OrderID", "Value": "ORD-7"},
        )
        ticket_id = created["TicketID"]
        call(gt, "TicketUpdate", **AGENT, TicketID=ticket_id, Ticket={"Title": "renamed", "State": "open"})
        call(gt, "TicketUpdate", **AGENT, TicketID=ticket_id, Article={"Subject": "n", "Body": "b", "TimeUnit": "1"})
        kept = call(gt, "SessionCreate", **AGENT)["SessionID"]
        removed = call(gt, "SessionCreate", **AGENT)["SessionID"]
        assert call(gt, "SessionRemove", **AGENT, SessionID=removed) == {"Success": 1}
        out = {"UserLogin": "api-agent", "StartDate": "2026-12-24", "EndDate": "2026-12-31", "OutOfOffice": 1}
        assert call(gt, "OutOfOffice", UserLogin="root@localhost", Password="root", OutOfOfficeEntries=[out]) == {
            "Success": 1
        }
    return str(kept)


def test_a_busy_day_survives_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    db = tmp_path / "helpdesk.sqlite3"
    first = Emulator(seeds.build("znuny_lab", clock=clock), db=db)
    generate_tickets(first.helpdesk, 30, articles_per_ticket=2)  # builder writes are saved with the next request
    session_id = busy_day(first)
    second = Emulator.from_seed("empty", clock=clock, db=db)  # the file wins over the seed
    assert_same_state(first, second)
    with client(second) as gt:
        assert call(gt, "TicketSearch", SessionID=session_id, Title="renamed")["TicketID"]
        assert new_ticket(gt)["TicketID"] == str(first.helpdesk.data.next_ticket_id)


def test_time_unit_totals_survive_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "emulator.sqlite"
    with client(Emulator.from_seed("znuny_lab", db=db)) as gt:
        ticket_id = new_ticket(gt, Article={"TimeUnit": "3"})["TicketID"]
    with client(Emulator.from_seed("znuny_lab", db=db)) as gt:
        assert call(gt, "TicketGet", **AGENT, TicketID=ticket_id)["Ticket"][0]["TimeUnit"] == 3


def test_reads_write_nothing_and_writes_commit(tmp_path: Path) -> None:
    db = tmp_path / "helpdesk.sqlite3"
    emulator = Emulator.from_seed("znuny_lab", db=db)
    watcher = sqlite3.connect(db)  # PRAGMA data_version changes when another connection commits
    try:
        before = watcher.execute("PRAGMA data_version").fetchone()
        with client(emulator) as gt:
            assert call(gt, "TicketSearch", **AGENT)["TicketID"]
            call(gt, "TicketGet", **AGENT, TicketID=1, AllArticles=1)
            call(gt, "TicketHistoryGet", **AGENT, TicketID=1)
            assert call(gt, "TicketGet", **AGENT, TicketID=999)["Error"]["ErrorCode"] == "TicketGet.AccessDenied"
            assert watcher.execute("PRAGMA data_version").fetchone() == before
            new_ticket(gt)
            assert watcher.execute("PRAGMA data_version").fetchone() != before
    finally:
        watcher.close()


def test_rows_are_json_in_tables(tmp_path: Path) -> None:
    db = tmp_path / "helpdesk.sqlite3"
    with client(Emulator.from_seed("znuny_lab", db=db)) as gt:
        ticket_id = int(new_ticket(gt, Ticket={"Title": "readable"})["TicketID"])
    with sqlite3.connect(db) as conn:
        (row,) = conn.execute("SELECT data FROM tickets WHERE id = ?", (ticket_id,)).fetchall()
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert '"title":"readable"' in row[0]
    assert {"tickets", "articles", "sessions", "agents", "queues", "time_accounting", "meta"} <= tables


def test_direct_edits_are_saved_by_save(tmp_path: Path) -> None:
    db = tmp_path / "helpdesk.sqlite3"
    emulator = Emulator.from_seed("znuny_lab", db=db)
    emulator.helpdesk.data.queues[1].name = "Renamed"
    emulator.save()
    assert Emulator(db=db).helpdesk.data.queues[1].name == "Renamed"
    with pytest.raises(ValueError, match="no db file"):
        Emulator.from_seed("empty").save()


def test_expired_sessions_stay_expired_after_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "helpdesk.sqlite3"
    emulator = Emulator.from_seed("znuny_lab", db=db)
    with client(emulator) as gt:
        session_id = call(gt, "SessionCreate", **AGENT)["SessionID"]
        assert emulator.expire_sessions() == 1
        call(gt, "TicketSearch", **AGENT)  # the next request saves
    assert session_id not in Emulator(db=db).helpdesk.data.sessions


# ---- files that are not ours -----------------------------------------------------------------------


class _Payload:
    """Unpickling this creates ``marker``: what a hostile state file could do to an unpickling reader."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.marker,))


def test_an_old_pickle_file_is_refused_without_being_unpickled(tmp_path: Path) -> None:
    db, marker = tmp_path / "old.sqlite3", tmp_path / "code-ran"
    with sqlite3.connect(db) as conn:  # the layout older emulator versions wrote
        conn.execute("CREATE TABLE helpdesk (id INTEGER PRIMARY KEY CHECK (id = 1), state BLOB NOT NULL)")
        conn.execute("INSERT INTO helpdesk (id, state) VALUES (1, ?)", (pickle.dumps(_Payload(marker)),))
    conn.close()
    with pytest.raises(StateFileError, match=r"older emulator version.*pickle") as caught:
        Emulator.from_seed("demo", db=db)
    assert caught.value.path == db
    assert not marker.exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda path: path.write_text("hello, not a database"), "not an emulator state file"),
        (lambda path: _sqlite(path, "CREATE TABLE invoices (id INTEGER)"), r"tables \['invoices'\]"),
        (lambda path: _foreign_meta(path, "some other tool", "1"), "format 'some other tool'"),
        (lambda path: _foreign_meta(path, "otobo-znuny emulator state", "99"), "schema 99"),
    ],
)
def test_a_foreign_file_is_refused_with_a_clear_error(tmp_path: Path, make: Any, message: str) -> None:
    db = tmp_path / "foreign.sqlite3"
    make(db)
    content = db.read_bytes()
    with pytest.raises(StateFileError, match=message):
        Emulator.from_seed("demo", db=db)
    assert db.read_bytes() == content  # left as it was


def test_a_damaged_row_is_reported(tmp_path: Path) -> None:
    db = tmp_path / "helpdesk.sqlite3"
    Emulator.from_seed("znuny_lab", db=db)
    with sqlite3.connect(db) as conn:
        conn.execute('UPDATE tickets SET data = \'{"id": "not a number"}\' WHERE id = 1')
    conn.close()
    with pytest.raises(StateFileError, match="damaged: a row of tickets"):
        Emulator(db=db)


def test_a_file_in_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StateFileError, match="cannot open the state file"):
        Emulator(db=tmp_path / "missing" / "helpdesk.sqlite3")


def test_the_schema_version_is_in_the_file(tmp_path: Path) -> None:
    db = tmp_path / "helpdesk.sqlite3"
    Emulator.from_seed("empty", db=db)
    with sqlite3.connect(db) as conn:
        meta = dict(conn.execute("SELECT name, value FROM meta").fetchall())
    conn.close()
    assert meta == {"format": "otobo-znuny emulator state", "schema": str(SCHEMA_VERSION)}


def _sqlite(path: Path, *statements: str) -> None:
    with sqlite3.connect(path) as conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


def _foreign_meta(path: Path, format_name: str, schema: str) -> None:
    _sqlite(
        path,
        "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        f"INSERT INTO meta VALUES ('format', '{format_name}'), ('schema', '{schema}')",
    )


def test_no_pickle_anywhere_in_the_package() -> None:
    package = Path(otobo_znuny.__file__).parent
    uses = re.compile(r"^\s*(?:import|from)\s+(?:c?pickle|shelve|dill|cloudpickle)\b|\bpickle\.", re.MULTILINE)
    found = [str(path.relative_to(package)) for path in package.rglob("*.py") if uses.search(path.read_text("utf-8"))]
    assert found == []


def test_the_write_cost_benchmark_runs() -> None:
    """``benchmarks/emulator_persistence.py`` measures it; here only that it still runs and reports a ratio."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "emulator_persistence.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "ratio" in result.stdout


def test_the_command_line_names_the_db_file_and_the_problem(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from otobo_znuny.cli import app
    from otobo_znuny.cli.exit_codes import ExitCode

    db = tmp_path / "old.sqlite3"
    _sqlite(db, "CREATE TABLE helpdesk (id INTEGER PRIMARY KEY, state BLOB NOT NULL)")
    result = CliRunner().invoke(app, ["emulator", "serve", "--port", "1", "--db", str(db)])
    assert result.exit_code == ExitCode.USAGE
    assert f"--db {db}: written by an older emulator version" in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
