"""``HistoryEntry.text``: the raw ``%%``-separated history names of both recordings, as the agent
interface words them (Znuny 7.0.19's templates and rules)."""

from __future__ import annotations

import pytest

from otobo_znuny.models.history_text import history_text
from support.recording import load_exchanges


def _recorded_history(server: str) -> list[tuple[str, str]]:
    exchange = next(e for e in load_exchanges(server) if e.operation == "TicketHistoryGet" and e.error_code is None)
    return [(entry["HistoryType"], entry["Name"]) for entry in exchange.response_json()["TicketHistory"][0]["History"]]


@pytest.mark.parametrize("server", ["znuny", "otobo"])
def test_recorded_entries_read_like_the_agent_interface(server: str) -> None:
    texts = {kind: history_text(kind, name) for kind, name in _recorded_history(server)}
    assert texts["StateUpdate"] == 'Changed state from "new" to "open".'
    assert texts["PriorityUpdate"] == 'Changed priority from "3 normal" (3) to "4 high" (4).'
    assert texts["Move"] == 'Changed queue to "Misc" (4) from "Raw" (2).'
    assert texts["TitleUpdate"] == 'Changed title from "t" to "t (updated)".'
    assert texts["TimeAccounting"] == "Added 15 time unit(s), for a total of 15 time unit(s)."
    # old format %%FieldName%%Name%%Value%%New%%OldValue%%Old, reordered as AgentTicketHistory.pm does
    assert texts["TicketDynamicFieldUpdate"] == 'Changed dynamic field OrderID from "" to "ORD-2002".'
    assert texts["Misc"] == "Reset of unlock time."  # no %%: shown as it is
    assert not any("%%" in text or "%s" in text for text in texts.values())


def test_missing_values_leave_no_placeholder_and_unknown_types_keep_their_values() -> None:
    assert history_text("OwnerUpdate", "%%api-agent") == 'Changed owner to "api-agent" ().'
    assert history_text("SomeAddOnType", "%%a%%b%%") == "a b"
    assert history_text("TypeUpdate", "%%Incident%%2%%Unclassified%%1") == (
        'Changed type from "Unclassified" (1) to "Incident" (2).'
    )
