"""Scalar conversions between Python values and the wire's conventions.

Server times are naive ``YYYY-MM-DD HH:MM:SS`` strings in the server's time zone, or Unix epochs;
booleans are sent as 1/0 (OTOBO 11 passes JSON true/false on unconverted, and its string checks
ignore them: README "Servers").
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone, tzinfo

__all__ = [
    "format_server_time",
    "minutes",
    "parse_epoch",
    "parse_server_time",
    "pending_time_to_wire",
    "wire_bool",
]

_ZERO_TIMES = ("0000-00-00 00:00:00", "")


def parse_server_time(value: str | None, tz: tzinfo) -> datetime | None:
    """``"2026-11-22 23:35:50"`` -> aware datetime in ``tz``; None for empty or impossible values."""
    if value is None or value in _ZERO_TIMES:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return datetime.combine(parsed.date(), parsed.time(), tz)  # = parsed.replace(tzinfo=tz), at a third of the cost


def parse_epoch(value: int | None) -> datetime | None:
    """Unix epoch -> aware UTC datetime; 0 and None mean "not set"."""
    if not value or value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value, timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def format_server_time(value: datetime | date, tz: tzinfo) -> str:
    """A datetime as the server expects it: converted to ``tz`` (naive values are taken as ``tz``)."""
    if not isinstance(value, datetime):
        return f"{value.isoformat()} 00:00:00"
    if value.tzinfo is not None:
        value = value.astimezone(tz)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def minutes(delta: timedelta) -> int:
    """A timedelta in whole minutes (rounded up, so "within 90 s" is 2 minutes, never 1)."""
    return math.ceil(delta.total_seconds() / 60)


def pending_time_to_wire(value: datetime | timedelta, tz: tzinfo, now: datetime | None = None) -> dict[str, int]:
    """PendingTime as the server takes it: ``{"Diff": minutes}`` or ``{"Year", "Month", "Day", "Hour", "Minute"}``.

    Raises:
        ValueError: a negative timedelta.
    """
    if isinstance(value, timedelta):
        if value.total_seconds() < 0:
            raise ValueError("pending_time timedelta must not be negative")
        return {"Diff": minutes(value)}
    local = value.astimezone(tz) if value.tzinfo is not None else value
    return {
        "Year": local.year,
        "Month": local.month,
        "Day": local.day,
        "Hour": local.hour,
        "Minute": local.minute,
    }


def wire_bool(value: bool) -> int:
    """Booleans go over the wire as 1/0."""
    return 1 if value else 0
