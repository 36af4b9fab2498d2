"""The emulator's ``--db`` file: one SQLite table per kind of entity, one JSON row per entity.

Nothing in the file can run code: rows are JSON, read back through pydantic into the dataclasses
of ``state``. After a request, :meth:`SQLiteStore.save_changes` writes only what changed (the
tickets, agents and sessions marked in ``Helpdesk.changes``, new articles and time-accounting
entries, the counters), so a write costs about the same with 10,000 tickets as with 10
(``python benchmarks/emulator_persistence.py`` measures it). ``ticket_numbers`` and
``time_unit_totals`` are rebuilt from the tickets and the time accounting when the file is read.

A file that older emulator versions wrote (a pickle of the whole state), a newer schema, or any
other file is refused with :class:`StateFileError`, naming the file and what to do.
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Any, Generic, TypeVar

import pydantic
from pydantic import ConfigDict, TypeAdapter

from otobo_znuny.emulator.state import (
    SLA,
    Agent,
    Article,
    Changes,
    CustomerUser,
    DynamicFieldDef,
    Group,
    Helpdesk,
    HelpdeskData,
    Named,
    Queue,
    Service,
    Session,
    State,
    Ticket,
    TimeAccountingEntry,
)

__all__ = ["FORMAT", "SCHEMA_VERSION", "SQLiteStore", "StateFileError"]

FORMAT = "otobo-znuny emulator state"
SCHEMA_VERSION = 1

T = TypeVar("T")


class StateFileError(ValueError):
    """The ``--db`` file cannot be used: not an emulator state file, written by another emulator
    version, damaged, or not openable. ``path`` names the file."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class _Codec(Generic[T]):
    """JSON for one dataclass of ``state`` (bytes as base64), one row at a time or a whole table."""

    _CONFIG = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    def __init__(self, cls: type[T]) -> None:
        self._rows: TypeAdapter[list[T]] = TypeAdapter(list[cls], config=self._CONFIG)  # type: ignore[valid-type]

    def encode(self, value: T) -> str:
        # the one element of a JSON array (the config applies to the dataclass only inside a list)
        return self._rows.dump_json([value])[1:-1].decode("utf-8")

    def decode(self, rows: Sequence[str]) -> list[T]:
        return self._rows.validate_json("[" + ",".join(rows) + "]")


_CODECS: dict[type[Any], _Codec[Any]] = {}


def _codec(cls: type[T]) -> _Codec[T]:
    """The codec of ``cls``, built on first use (building all costs more than importing the emulator)."""
    codec = _CODECS.get(cls)
    if codec is None:
        codec = _CODECS[cls] = _Codec(cls)
    return codec


# HelpdeskData field -> (dataclass of its values, SQL type of its keys). Each is a table "<field>(id, data)".
_ENTITIES: dict[str, tuple[type[Any], str]] = {
    "groups": (Group, "INTEGER"),
    "agents": (Agent, "INTEGER"),
    "customers": (CustomerUser, "TEXT"),
    "queues": (Queue, "INTEGER"),
    "states": (State, "INTEGER"),
    "priorities": (Named, "INTEGER"),
    "types": (Named, "INTEGER"),
    "services": (Service, "INTEGER"),
    "slas": (SLA, "INTEGER"),
    "dynamic_fields": (DynamicFieldDef, "TEXT"),
    "tickets": (Ticket, "INTEGER"),
    "articles": (Article, "INTEGER"),
    "sessions": (Session, "TEXT"),
}
_COUNTERS = ("next_ticket_id", "next_article_id", "next_file_id")
_DERIVED = ("ticket_numbers", "time_unit_totals")
_LISTS = ("time_accounting", "tn_counters")
_NOT_STORED = {f.name for f in fields(HelpdeskData)} ^ {*_ENTITIES, *_COUNTERS, *_DERIVED, *_LISTS}
if _NOT_STORED:  # a field added to HelpdeskData must get a table here (the round-trip test checks it too)
    raise RuntimeError(f"persistence does not know the HelpdeskData fields {sorted(_NOT_STORED)}")

_SCHEMA = [
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # a separate rowid keeps the insertion order of the dicts; an upsert keeps a row's place
    *(f"CREATE TABLE {name} (id {key} NOT NULL UNIQUE, data TEXT NOT NULL)" for name, (_, key) in _ENTITIES.items()),
    "CREATE TABLE time_accounting (position INTEGER PRIMARY KEY, data TEXT NOT NULL)",
    "CREATE TABLE ticket_number_counters (day TEXT PRIMARY KEY, counter INTEGER NOT NULL)",
    "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
]
_TABLES = {statement.split()[2] for statement in _SCHEMA}


class SQLiteStore:
    """One SQLite file holding one emulator state, through one connection kept open (WAL journal).

    Opening checks the file: a new or empty file gets the schema; an emulator state of this schema
    is used as is. Callers hold ``helpdesk.lock`` around :meth:`save_all` and :meth:`save_changes`
    (the connection is shared by the server's threads). :meth:`close` releases the file; the next
    write opens it again.

    Raises:
        StateFileError: the file cannot be opened, is not an emulator state of this schema, or is damaged.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._closer: weakref.finalize[Any, Any] | None = None
        self._next_article_id = 0
        self._time_entries = 0
        self._counters: tuple[int, ...] = ()
        try:
            self._has_state = self._open()
        except StateFileError:
            self.close()
            raise

    @property
    def has_state(self) -> bool:
        """True when the file holds a saved state (False for a new or empty file)."""
        return self._has_state

    def close(self) -> None:
        """Close the connection (the WAL is folded into the file); a later write reopens it."""
        if self._closer is not None:
            self._closer()
        self._conn = self._closer = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            try:
                conn = sqlite3.connect(self.path, check_same_thread=False)
            except sqlite3.Error as exc:
                raise StateFileError(self.path, f"cannot open the state file ({exc})") from None
            try:
                conn.execute("PRAGMA synchronous = NORMAL")  # with WAL: safe, and durable but for the last writes
            except sqlite3.DatabaseError as exc:
                conn.close()
                raise StateFileError(self.path, f"not an emulator state file ({exc})") from None
            self._conn, self._closer = conn, weakref.finalize(self, conn.close)
        return self._conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection in one transaction: committed on success, rolled back on error."""
        conn = self._connection()
        with conn:
            yield conn

    def _open(self) -> bool:
        conn = self._connection()
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables:
                conn.execute("PRAGMA journal_mode = WAL")
                meta = f"INSERT INTO meta (name, value) VALUES ('format', '{FORMAT}'), ('schema', '{SCHEMA_VERSION}')"
                conn.executescript(";\n".join(["BEGIN", *_SCHEMA, meta, "COMMIT"]))
                return False
            self._check_format(conn, tables)
            conn.execute("PRAGMA journal_mode = WAL")
            return conn.execute("SELECT 1 FROM counters LIMIT 1").fetchone() is not None
        except sqlite3.DatabaseError as exc:
            raise StateFileError(self.path, f"not an emulator state file ({exc})") from None

    def _check_format(self, conn: sqlite3.Connection, tables: set[str]) -> None:
        if "meta" not in tables:
            if tables == {"helpdesk"}:
                raise StateFileError(
                    self.path,
                    "written by an older emulator version, which stored its state as a pickle; this version "
                    "does not read pickles (loading one can run code). Delete the file or choose another one "
                    "to start again from the seed",
                )
            raise StateFileError(self.path, f"not an emulator state file (an SQLite file with tables {sorted(tables)})")
        meta = dict(conn.execute("SELECT name, value FROM meta").fetchall())
        if meta.get("format") != FORMAT:
            raise StateFileError(self.path, f"not an emulator state file (format {meta.get('format')!r})")
        if meta.get("schema") != str(SCHEMA_VERSION):
            raise StateFileError(
                self.path,
                f"written with emulator state schema {meta.get('schema')}, and this version reads schema "
                f"{SCHEMA_VERSION}; use the emulator version that wrote it, or start with a new file",
            )
        if not tables >= _TABLES:
            raise StateFileError(self.path, f"damaged: tables {sorted(_TABLES - tables)} are missing")

    # ---- reading -------------------------------------------------------------------------------

    def load(self) -> HelpdeskData | None:
        """The stored state, or ``None`` if the file holds none yet.

        Raises:
            StateFileError: a row cannot be read back (the file is damaged).
        """
        if not self._has_state:
            return None
        with self._transaction() as conn:
            values: dict[str, Any] = {}
            for name, (cls, _) in _ENTITIES.items():
                rows = conn.execute(f"SELECT id, data FROM {name} ORDER BY rowid").fetchall()
                entities = self._decode(name, _codec(cls), [row[1] for row in rows])
                values[name] = {row[0]: entity for row, entity in zip(rows, entities, strict=True)}
            entries = conn.execute("SELECT data FROM time_accounting ORDER BY position").fetchall()
            entry_codec = _codec(TimeAccountingEntry)
            values["time_accounting"] = self._decode("time_accounting", entry_codec, [row[0] for row in entries])
            days = conn.execute("SELECT day, counter FROM ticket_number_counters ORDER BY rowid")
            values["tn_counters"] = dict(days.fetchall())
            counters = dict(conn.execute("SELECT name, value FROM counters").fetchall())
        if set(counters) != set(_COUNTERS):
            raise StateFileError(self.path, f"damaged: counters {sorted(counters)} instead of {list(_COUNTERS)}")
        values.update(counters)
        values["ticket_numbers"] = {ticket.number: ticket_id for ticket_id, ticket in values["tickets"].items()}
        totals: dict[int, float] = {}
        for entry in values["time_accounting"]:
            totals[entry.ticket_id] = totals.get(entry.ticket_id, 0) + entry.time_unit
        values["time_unit_totals"] = totals
        data = HelpdeskData(**values)
        self._remember(data)
        return data

    def _decode(self, table: str, codec: _Codec[T], rows: list[str]) -> list[T]:
        try:
            return codec.decode(rows)
        except (pydantic.ValidationError, ValueError) as exc:
            raise StateFileError(self.path, f"damaged: a row of {table} cannot be read ({exc})") from None

    # ---- writing -------------------------------------------------------------------------------

    def save_all(self, data: HelpdeskData) -> None:
        """Replace the stored state with ``data`` (every row; used for a new file and by ``Emulator.save``)."""
        with self._transaction() as conn:
            for name, (cls, _) in _ENTITIES.items():
                codec = _codec(cls)
                conn.execute(f"DELETE FROM {name}")
                table: dict[Any, Any] = getattr(data, name)
                conn.executemany(
                    f"INSERT INTO {name} (id, data) VALUES (?, ?)",
                    [(key, codec.encode(value)) for key, value in table.items()],
                )
            entry_codec = _codec(TimeAccountingEntry)
            conn.execute("DELETE FROM time_accounting")
            conn.executemany(
                "INSERT INTO time_accounting (position, data) VALUES (?, ?)",
                [(position, entry_codec.encode(entry)) for position, entry in enumerate(data.time_accounting)],
            )
            conn.execute("DELETE FROM ticket_number_counters")
            conn.executemany(
                "INSERT INTO ticket_number_counters (day, counter) VALUES (?, ?)", list(data.tn_counters.items())
            )
            self._write_counters(conn, data)
        self._has_state = True
        self._remember(data)

    def save_changes(self, helpdesk: Helpdesk) -> None:
        """Write what changed since the last save; nothing at all when nothing did.

        Raises:
            StateFileError: the file cannot be opened any more.
        """
        data, changes = helpdesk.data, helpdesk.changes
        if changes is None:
            raise RuntimeError("save_changes needs helpdesk.changes (set by the Emulator that opened the file)")
        new_articles = range(self._next_article_id, data.next_article_id)
        new_entries = data.time_accounting[self._time_entries :]
        if not (changes or new_articles or new_entries or self._counters != _counter_values(data)):
            return
        with self._transaction() as conn:
            self._upsert(conn, "tickets", data.tickets, changes.tickets)
            self._upsert(conn, "agents", data.agents, changes.agents)
            self._upsert(conn, "sessions", data.sessions, changes.sessions)
            self._upsert(conn, "articles", data.articles, new_articles)
            conn.executemany(
                "INSERT OR REPLACE INTO time_accounting (position, data) VALUES (?, ?)",
                [
                    (position, _codec(TimeAccountingEntry).encode(entry))
                    for position, entry in enumerate(new_entries, start=self._time_entries)
                ],
            )
            conn.executemany(
                "INSERT INTO ticket_number_counters (day, counter) VALUES (?, ?) "
                "ON CONFLICT (day) DO UPDATE SET counter = excluded.counter",
                [(day, data.tn_counters[day]) for day in changes.ticket_number_days if day in data.tn_counters],
            )
            self._write_counters(conn, data)
        helpdesk.changes = Changes()
        self._remember(data)

    @staticmethod
    def _upsert(conn: sqlite3.Connection, name: str, table: dict[Any, Any], keys: Iterable[Any]) -> None:
        """Write the rows of ``keys`` that ``table`` holds and delete the others."""
        codec = _codec(_ENTITIES[name][0])
        present, gone = [], []
        for key in keys:
            if key in table:
                present.append((key, codec.encode(table[key])))
            else:
                gone.append((key,))
        conn.executemany(
            f"INSERT INTO {name} (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data",
            present,
        )
        conn.executemany(f"DELETE FROM {name} WHERE id = ?", gone)

    @staticmethod
    def _write_counters(conn: sqlite3.Connection, data: HelpdeskData) -> None:
        conn.executemany(
            "INSERT OR REPLACE INTO counters (name, value) VALUES (?, ?)",
            [(name, getattr(data, name)) for name in _COUNTERS],
        )

    def _remember(self, data: HelpdeskData) -> None:
        """What is on disk now, so the next ``save_changes`` writes only what comes after."""
        self._next_article_id = data.next_article_id
        self._time_entries = len(data.time_accounting)
        self._counters = _counter_values(data)


def _counter_values(data: HelpdeskData) -> tuple[int, ...]:
    return tuple(getattr(data, name) for name in _COUNTERS)
