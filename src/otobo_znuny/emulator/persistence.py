"""Optional SQLite persistence: the whole helpdesk state is pickled into one row.

Simple by design: :class:`SQLiteStore.save` is called after every successful write operation
(TicketCreate, TicketUpdate, SessionCreate, SessionRemove, OutOfOffice), so a restarted emulator
continues where it stopped. Limitation: every save pickles and rewrites the *whole* state (no
batching, no incremental writes), so a write request costs time proportional to the helpdesk size;
fine for development data, slow for tens of thousands of tickets. The file is a local developer
artefact: pickle data must only be loaded from files you created yourself.
"""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path

from otobo_znuny.emulator.state import HelpdeskData

_SCHEMA = "CREATE TABLE IF NOT EXISTS helpdesk (id INTEGER PRIMARY KEY CHECK (id = 1), state BLOB NOT NULL)"


class SQLiteStore:
    """One SQLite file holding one pickled :class:`HelpdeskData`. Raises ``sqlite3.Error``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        with sqlite3.connect(self.path) as conn:
            conn.execute(_SCHEMA)

    def load(self) -> HelpdeskData | None:
        """The stored state, or ``None`` if the file holds none yet."""
        with sqlite3.connect(self.path) as conn:
            row = conn.execute("SELECT state FROM helpdesk WHERE id = 1").fetchone()
        if row is None:
            return None
        data = pickle.loads(row[0])
        if not isinstance(data, HelpdeskData):
            raise TypeError(f"{self.path}: not an emulator state")
        return data

    def save(self, data: HelpdeskData) -> None:
        blob = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
        with sqlite3.connect(self.path) as conn:
            conn.execute("INSERT OR REPLACE INTO helpdesk (id, state) VALUES (1, ?)", (blob,))
