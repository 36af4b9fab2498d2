"""Error messages in the command line's words: flags, not Python arguments.

The library names model fields and Python calls (``pending_time``, ``order_by needs sort_by``,
``state_types.0``, ``login(BasicAuth(...))``); a person at a terminal typed ``--pending-in``,
``--order``, ``--state-type``, ``--user``. :func:`describe` rewrites one exception for the terminal.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["FIELD_FLAGS", "describe", "flag_for", "in_cli_words"]

FIELD_FLAGS: dict[str, str] = {
    # TicketSearch (ticket search / export)
    "queues": "--queue",
    "use_sub_queues": "--sub-queues",
    "states": "--state",
    "state_types": "--state-type",
    "priorities": "--priority",
    "types": "--type",
    "owners": "--owner-id",
    "customer_users": "--customer-user",
    "customer_ids": "--customer-id",
    "titles": "--title",
    "ticket_numbers": "--number",
    "article_body": "--body",
    "dynamic_fields": "--df",
    "created": "--created-after/--created-before",
    "sort_by": "--sort",
    "order_by": "--order",
    "limit": "--limit",
    # TicketCreate / TicketUpdate / Article (ticket create / update / note)
    "title": "--title",
    "queue": "--queue",
    "state": "--state",
    "priority": "--priority",
    "type": "--type",
    "owner": "--owner",
    "customer_user": "--customer-user",
    "customer_id": "--customer-id",
    "pending_time": "--pending-in/--pending-until",
    "subject": "--subject",
    "body": "--body",
    "content_type": "--content-type",
    "attachments": "--attach",
    "time_unit": "--time-unit",
    # connection
    "webservice_name": "--webservice",
    "base_url": "--base-url",
    "server_timezone": "OTOBO_ZNUNY_TIMEZONE",
    "number": "--number",
}
"""Model field -> the flag that sets it."""

# Python phrases of library messages -> what to do at the command line.
_PHRASES: tuple[tuple[str, str], ...] = (
    ("call login(BasicAuth(...)) first", "give --user and a password (not only --session-id)"),
    ("call login(BasicAuth(...)) before", "give --user and a password before"),
    ("IdName needs an id or a non-empty name", "give a name or an ID, not an empty value"),
    ("verify=False", "--insecure"),
    ("Use verify='/path/to/ca.pem' for a private CA instead", "Use --ca-bundle FILE for a private CA instead"),
    ("configure a POST route for it (e.g. ClientConfig.generic_ticket or ready2adopt)", "use --layout post"),
    ("log in with use_session=True or use a layout with POST routes", "use --layout post"),
    ("to search by pattern use TicketSearch(ticket_numbers=[...])", "to search by pattern use ticket search --number"),
    ("give TicketUpdate(id=...)", "give the ticket ID"),
    ("(use since=... for a start time)", "(use --since for a start time)"),
    ("or with since=..., for a new search", "or with --since, for a new search"),
    ("(a datetime), not a timedelta", "(a date or time), not an age such as 1d"),
)
_OPERATION_MAP = re.compile(r"add TicketOperation\.\w+ to operation_url_map")
_IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # snake_case names never occur as English words


def flag_for(location: Any) -> str:
    """The flag for a field location (``"pending_time"``, ``("state_types", 0)``,
    ``"dynamic_fields[0].field_name"``); the location itself when no flag sets it."""
    parts = (
        [str(part) for part in location]
        if isinstance(location, (tuple, list))
        else re.split(r"[.\[\]]+", str(location))
    )
    if parts and parts[0].startswith("-"):
        return ".".join(parts)
    if parts and parts[0].startswith("DynamicField_"):  # a wire key of a --df condition
        return f"--df {parts[0].removeprefix('DynamicField_')}"
    for part in reversed(parts):
        if part in FIELD_FLAGS:
            return FIELD_FLAGS[part]
    return ".".join(part for part in parts if part) or "input"


def in_cli_words(text: str) -> str:
    """``text`` with Python phrases and snake_case field names replaced by flags."""
    for phrase, replacement in _PHRASES:
        text = text.replace(phrase, replacement)
    text = _OPERATION_MAP.sub("use a --layout that has a route for it", text)
    return _IDENTIFIER.sub(lambda found: FIELD_FLAGS.get(found.group(0), found.group(0)), text)


def _validation(error: Any) -> str:
    first = error.errors(include_url=False)[0]
    location = first.get("loc", ())
    message = in_cli_words(str(first.get("msg", "")).removeprefix("Value error, "))
    if not location:
        return message
    value = first.get("input")
    shown = f" {value!r}" if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""
    return f"{flag_for(location)}{shown}: {message}"


def _incomplete(error: Any) -> str:
    head = (
        f"at least {error.at_least} tickets match, more than one TicketSearch returns; every match can be "
        "fetched only in windows on the creation time"
    )
    if error.argument == "sort_by":
        return (
            f"--sort: {head}, which cannot keep this order: leave out --sort (every match, newest first), "
            "use --sort Created (with --order up or down), or give --limit N for the first N in this order"
        )
    return (
        f"--created-after/--created-before: {head}, which needs points in time: give an ISO time such as "
        "2025-03-01 instead of an age such as 7d, or give --limit N"
    )


def describe(error: BaseException) -> str:
    """One line about ``error`` for the terminal (not yet scrubbed of secrets)."""
    import pydantic

    from otobo_znuny import errors
    from otobo_znuny.cli.settings import ProfileFileError

    if isinstance(error, pydantic.ValidationError):
        return _validation(error)
    if isinstance(error, ProfileFileError):  # names the file's keys as they are written there
        return f"ConfigurationError: {error}"
    if isinstance(error, errors.UnknownDynamicFieldError):
        known = ", ".join(error.known) or "none"
        hint = f"; did you mean {error.suggestion}?" if error.suggestion else ""
        where = f"--sort DynamicField_{error.name}" if error.field.startswith("sort_by") else f"--df {error.name}"
        return (
            f"{where}: no such dynamic field on this server (ticket dynamic fields: {known}){hint} The server "
            "would ignore it and match every ticket; --no-df-check sends it anyway"
        )
    if isinstance(error, errors.IncompleteSearchError):
        return _incomplete(error)
    if isinstance(error, errors.RequestValidationError):
        if error.field.startswith("-"):  # raised by the command line itself: already in its words
            return f"{error.field}: {error.problem}"
        return f"{flag_for(error.field)}: {in_cli_words(error.problem)}"
    if isinstance(error, errors.RouteMismatchError):  # the routes come from --layout, not operation_url_map
        head = str(error).split(" Fix TicketOperation.", 1)[0]
        return (
            f"{type(error).__name__}: {head} Check --layout: post for a web service that takes every operation "
            "as POST /<Operation> (GenericTicket), rest for REST routes (GenericTicketConnectorREST); and "
            "--webservice and --base-url (everything before /Webservice/)"
        )
    if isinstance(error, errors.WebServiceNotFoundError):
        return in_cli_words(str(error)).replace(
            "Check --webservice (and --base-url)",
            "Check --webservice (or OTOBO_ZNUNY_WEBSERVICE, or the profile's webservice key) and --base-url",
        )
    text = in_cli_words(str(error))
    if isinstance(error, errors.ResponseError) and error.status_code == 404:  # no GenericInterface at that path
        text += (
            "; check --base-url: everything before /Webservice/, usually ending in nph-genericinterface.pl "
            "(e.g. https://helpdesk.example/otrs/nph-genericinterface.pl)"
        )
    if isinstance(error, errors.ConnectError) and "CERTIFICATE_VERIFY_FAILED" in text:
        text += (
            "; the server's certificate is not trusted: give --ca-bundle FILE with the CA that signed it "
            "(or, exposing the password, --insecure)"
        )
    return f"{type(error).__name__}: {text}"
