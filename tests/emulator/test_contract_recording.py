"""Contract test: replay the 41 recorded exchanges with a live Znuny 7.0.19 over real HTTP.

The recording is the repository's copy (``tests/data/contract``, see ``support.recording``).

Each request of ``znuny-7.0.19-recorded.jsonl`` is sent, in order, to the emulator seeded with
``znuny_lab`` and served by uvicorn on loopback. The reply must match the recorded one: status,
Content-Type family, and for JSON the same keys recursively with the same JSON type per key (and the
same ErrorCode); for text the same message. Values that legitimately differ are normalised by rule:
session IDs and ticket numbers issued by the emulator are mapped back to the recorded ones
(and substituted into later requests), date-times and epochs
(and ``Age``) are compared by type, ticket numbers by format.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from otobo_znuny.emulator import Emulator, run_in_thread
from support.recording import contract_file

_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
_TN = re.compile(r"(?<!\d)\d{8}42\d{6}(?!\d)")
_EPOCH = re.compile(r"(?<!\d)1\d{9}(?!\d)")


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


def load_exchanges() -> list[dict[str, Any]]:
    text = contract_file("znuny-7.0.19-recorded.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_replay_recording_over_http() -> None:
    exchanges = load_exchanges()
    assert len(exchanges) == 41
    emulator = Emulator.from_seed("znuny_lab")
    to_emulator: dict[str, str] = {}  # recorded session ID / ticket number -> the emulator's
    shape_ok: list[int] = []
    value_ok: list[int] = []
    problems: dict[int, list[str]] = {}
    with run_in_thread(emulator) as server, httpx.Client(base_url=server.base_url, timeout=10) as http:
        for exchange in exchanges:
            number = exchange["n"]
            path = exchange["path"]
            body = exchange["request_body"] or ""
            for recorded_id, ours in to_emulator.items():
                path = path.replace(recorded_id, ours)
                body = body.replace(recorded_id, ours)
            headers = {"User-Agent": "curl/7.88.1", "Accept": "*/*", **exchange["request_headers"]}
            reply = http.request(exchange["method"], path, content=body.encode() or None, headers=headers)
            diffs: list[str] = []
            if reply.status_code != exchange["status"]:
                diffs.append(f"status {exchange['status']} != {reply.status_code}")
            recorded_type = exchange["response_headers"]["Content-Type"]
            if reply.headers.get("content-type", "").split(";")[0] != recorded_type.split(";")[0]:
                diffs.append(f"content type {recorded_type} != {reply.headers.get('content-type')}")
            values_equal = False
            if recorded_type.startswith("application/json") and not diffs:
                recorded = json.loads(exchange["response_body"])
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
                values_equal = normalise(recorded) == normalise(json.loads(text))
                if not values_equal and not diffs:
                    problems.setdefault(number, []).append(
                        f"values differ: {normalise(recorded)} != {normalise(json.loads(text))}"
                    )
            elif not diffs:
                if reply.text != exchange["response_body"]:
                    diffs.append(f"text {exchange['response_body']!r} != {reply.text!r}")
                values_equal = not diffs
            if diffs:
                problems.setdefault(number, []).extend(diffs)
            else:
                shape_ok.append(number)
            if values_equal and not diffs:
                value_ok.append(number)
    print(f"\ncontract replay: {len(shape_ok)}/41 match in shape, {len(value_ok)}/41 also in normalised values")
    for number, items in sorted(problems.items()):
        print(f"  exchange {number}: " + "; ".join(items)[:600])
    assert len(shape_ok) == 41, problems
