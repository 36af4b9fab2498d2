"""Contract test: replay both recordings (Znuny 7.0.19: 41 exchanges, OTOBO 11.0.6: 62) over real HTTP.

The recordings are the repository's copies (``tests/data/contract``, see ``support.recording``).

Each request of a recording is sent, in order, to an emulator of the matching flavour seeded with
``lab`` and served by uvicorn on loopback. The reply must match the recorded one: status,
Content-Type (or its absence), and for JSON the same keys recursively with the same JSON type per
key (and the same ErrorCode); for text the same body. Values that legitimately differ are
normalised by rule: session IDs and ticket numbers issued by the emulator are mapped back to the
recorded ones (and substituted into later requests), date-times and epochs (and ``Age``) are
compared by type, ticket numbers by format. Both counts are printed per recording (``-s``): every
exchange must match in shape and in normalised values.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from otobo_znuny.emulator import Emulator, run_in_thread
from support.recording import Exchange, load_exchanges

_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
_TN = re.compile(r"(?<!\d)\d{8}42\d{6}(?!\d)")
_EPOCH = re.compile(r"(?<!\d)1\d{9}(?!\d)")

EXPECTED_COUNTS = {"znuny": 41, "otobo": 62}
CROSS_DIFFERENCES = {
    "otobo": [2, 5, 11, 15, 16, 17, 18, 20, 21, 22, 33, 35, 39, 43, 44, 49, 50, 55, 57],
    "znuny": [2, 5, 11, 15, 16, 17, 18, 20, 21, 22, 33, 35, 39],
}


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shape_diff(recorded: Any, actual: Any, path: str = "$") -> list[str]:
    """Differences in keys and JSON types (recursively; lists element-wise)."""
    if json_type(recorded) != json_type(actual):
        return [f"{path}: {json_type(recorded)} != {json_type(actual)}"]
    diffs: list[str] = []
    if isinstance(recorded, dict):
        if set(recorded) != set(actual):
            diffs.append(f"{path}: keys -{sorted(set(recorded) - set(actual))} +{sorted(set(actual) - set(recorded))}")
        for key in sorted(set(recorded) & set(actual)):
            diffs += shape_diff(recorded[key], actual[key], f"{path}.{key}")
    elif isinstance(recorded, list):
        if len(recorded) != len(actual):
            diffs.append(f"{path}: length {len(recorded)} != {len(actual)}")
        for index, (rec, act) in enumerate(zip(recorded, actual, strict=False)):
            diffs += shape_diff(rec, act, f"{path}[{index}]")
    return diffs


def normalise(value: Any, key: str = "") -> Any:
    """Replace values that differ by nature (times, epochs, ticket numbers, Age) by markers."""
    if isinstance(value, dict):
        return {k: normalise(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v, key) for v in value]
    if key == "Age":
        return "<AGE>"
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return "<EPOCH:number>" if value > 1_000_000_000 else value
    if isinstance(value, str):
        value = _TIME.sub("<TIME>", value)
        value = _TN.sub("<TN>", value)
        return _EPOCH.sub("<EPOCH>", value)
    return value


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


@dataclass
class ReplayReport:
    shape_ok: list[int] = field(default_factory=list)
    value_ok: list[int] = field(default_factory=list)
    problems: dict[int, list[str]] = field(default_factory=dict)


def compare(exchange: Exchange, reply: httpx.Response, to_emulator: dict[str, str]) -> tuple[list[str], str | None]:
    """``(shape differences, value difference or None)`` of one reply against the recorded one."""
    diffs: list[str] = []
    if reply.status_code != exchange.status:
        diffs.append(f"status {exchange.status} != {reply.status_code}")
    recorded_type = exchange.response_headers.get("Content-Type")
    actual_type = reply.headers.get("content-type")
    if (recorded_type is None) != (actual_type is None) or (recorded_type or "").split(";")[0] != (
        actual_type or ""
    ).split(";")[0]:
        diffs.append(f"content type {recorded_type} != {actual_type}")
    if diffs:
        return diffs, None
    if not exchange.is_json:
        recorded_fault = _json_or_none(exchange.response_body)
        if isinstance(recorded_fault, dict) and recorded_fault == _json_or_none(reply.text):
            return [], None  # a {"faultcode","faultstring"} fault: OTOBO's key order varies (O17, O18)
        return (
            [f"text {exchange.response_body!r} != {reply.text!r}"] if reply.text != exchange.response_body else []
        ), None
    recorded = exchange.response_json()
    actual = reply.json()
    for key in ("SessionID", "TicketNumber"):  # values the server issues
        if isinstance(recorded, dict) and isinstance(actual, dict) and key in recorded and key in actual:
            to_emulator[recorded[key]] = actual[key]
    diffs += shape_diff(recorded, actual)
    if isinstance(recorded, dict) and "Error" in recorded and recorded["Error"] != actual.get("Error"):
        diffs.append(f"error {recorded['Error']} != {actual.get('Error')}")
    text = json.dumps(actual)
    for recorded_id, ours in to_emulator.items():
        text = text.replace(ours, recorded_id)
    ours_normalised = normalise(json.loads(text))
    if normalise(recorded) == ours_normalised:
        return diffs, None
    return diffs, f"values differ: {normalise(recorded)} != {ours_normalised}"


def replay(server: str, flavor: str | None = None) -> ReplayReport:
    """Send every request of ``server``'s recording to a fresh ``lab`` emulator of that flavour.

    With another ``flavor`` the paths get that flavour's alias (``/otobo`` or ``/otrs``), so that
    only behaviour differs (OTOBO answers nothing outside ``/otobo/``, a difference of its own).
    """
    emulator = Emulator.from_seed("lab", flavor=flavor or server)
    crossed_alias = emulator.script_path.rsplit("/", 1)[0] if flavor not in (None, server) else None
    to_emulator: dict[str, str] = {}  # recorded session ID / ticket number -> the emulator's
    report = ReplayReport()
    with run_in_thread(emulator) as handle, httpx.Client(base_url=handle.base_url, timeout=10) as http:
        for exchange in load_exchanges(server):
            path = exchange.path
            if crossed_alias is not None:
                path = crossed_alias + path[path.index("/nph-genericinterface.pl") :]
            body = exchange.request_body or ""
            for recorded_id, ours in to_emulator.items():
                path = path.replace(recorded_id, ours)
                body = body.replace(recorded_id, ours)
            headers = {"User-Agent": "curl/7.88.1", "Accept": "*/*", **exchange.request_headers}
            try:
                reply = http.request(exchange.method, path, content=body.encode() or None, headers=headers)
            except httpx.RemoteProtocolError:
                report.problems[exchange.n] = ["no reply (the connection was closed)"]
                continue
            diffs, value_diff = compare(exchange, reply, to_emulator)
            if not diffs:
                report.shape_ok.append(exchange.n)
                if value_diff is None:
                    report.value_ok.append(exchange.n)
            if diffs or value_diff is not None:
                report.problems[exchange.n] = [*diffs, *([value_diff] if value_diff else [])]
    return report


@pytest.mark.parametrize("server", ["znuny", "otobo"])
def test_replay_recording_over_http(server: str) -> None:
    total = len(load_exchanges(server))
    assert total == EXPECTED_COUNTS[server]
    report = replay(server)
    print(
        f"\ncontract replay {server}: {len(report.shape_ok)}/{total} match in shape, "
        f"{len(report.value_ok)}/{total} also in normalised values"
    )
    for number, items in sorted(report.problems.items()):
        print(f"  exchange {number}: " + "; ".join(items)[:600])
    assert len(report.shape_ok) == total, report.problems
    assert len(report.value_ok) == total, report.problems


def test_the_flavours_differ_where_the_recordings_do() -> None:
    """Replayed against the other flavour, each recording fails exactly at the exchanges the README's
    "Servers" section lists as differences: one flavour could not pass both replays."""
    print()
    for server, other in (("otobo", "znuny"), ("znuny", "otobo")):
        report = replay(server, flavor=other)
        print(f"{server} recording against the {other} flavour: {sorted(report.problems)} differ")
        assert sorted(report.problems) == CROSS_DIFFERENCES[server]
