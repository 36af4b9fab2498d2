"""Refusing searches that name a dynamic field the server does not define (pure; no I/O).

Both servers ignore a ``DynamicField_<Name>`` condition whose name is not a valid ticket dynamic
field (``TicketSearch.pm`` reads only the fields of ``DynamicFieldListGet(Valid => 1, ObjectType =>
'Ticket')``), so a typo widens the search to every ticket; an unknown ``DynamicField_<Name>`` sort
key makes it return nothing. The only operation that lists the defined fields is TicketGet with
``DynamicFields=1``: it lists every valid ticket field, empty ones included (``Kernel/System/Ticket.pm``
``TicketGet``; both recordings, exchange 5). Any ticket the login may read will do, because the list
does not depend on the ticket or on permissions.

A client learns the names once (TicketSearch ``Limit`` 1, then that ticket's TicketGet without
articles), keeps them in a :class:`DynamicFieldNames` shared by its ``with_options`` views, and
re-learns once when a search names a field it does not know (a field added since). Names the caller
gave (``known_dynamic_fields=``) are never re-learned.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from otobo_znuny.client.flows import Flow
from otobo_znuny.errors import UnknownDynamicFieldError
from otobo_znuny.models.search import TicketSearch
from otobo_znuny.models.ticket import Ticket
from otobo_znuny.operations.call import Call

__all__ = [
    "DynamicFieldNames",
    "check_names",
    "learn_names",
    "referenced_names",
    "search_checked",
]

logger = logging.getLogger("otobo_znuny")

_SORT_PREFIX = "DynamicField_"
_PROBE_SEARCH = TicketSearch(limit=1)


@dataclass
class DynamicFieldNames:
    """The ticket dynamic fields a client knows, and whether to check searches against them.

    ``names`` is None until learned; ``given`` marks names passed by the caller (never re-learned).
    """

    check: bool = True
    names: frozenset[str] | None = None
    given: bool = False

    @classmethod
    def create(cls, check: bool, known: Collection[str] | None) -> DynamicFieldNames:
        """From the client's ``check_dynamic_fields`` and ``known_dynamic_fields`` arguments.

        Raises:
            TypeError: ``known`` is a single string instead of a collection of names.
        """
        if isinstance(known, str):
            raise TypeError("known_dynamic_fields takes a collection of names, not one string")
        if known is None:
            return cls(check=check)
        return cls(check=check, names=frozenset(known), given=True)


def referenced_names(search: TicketSearch) -> list[tuple[str, str]]:
    """``(where, name)`` for every dynamic field the search names: filters and ``DynamicField_`` sort keys."""
    found = [(f"dynamic_fields[{index}].field_name", flt.field_name) for index, flt in enumerate(search.dynamic_fields)]
    for index, key in enumerate(search.sort_by):
        text = getattr(key, "value", key)
        if isinstance(text, str) and text.startswith(_SORT_PREFIX):
            found.append((f"sort_by[{index}]", text[len(_SORT_PREFIX) :]))
    return found


def unknown_names(references: Iterable[tuple[str, str]], known: Collection[str]) -> list[tuple[str, str]]:
    """The references whose name is not in ``known`` (names are case-sensitive on both servers)."""
    return [(where, name) for where, name in references if name not in known]


def check_names(references: Iterable[tuple[str, str]], known: Collection[str]) -> None:
    """Raises ``UnknownDynamicFieldError`` for the first reference naming a field not in ``known``."""
    missing = unknown_names(references, known)
    if missing:
        where, name = missing[0]
        raise UnknownDynamicFieldError(where, name, known)


def names_of(ticket: Ticket) -> frozenset[str]:
    """The dynamic-field names of a ticket read with ``DynamicFields=1`` (all fields, empty ones too)."""
    return frozenset(ticket.dynamic_fields)


def learn_names(
    make_search: Callable[[TicketSearch], Call[list[int]]],
    make_get: Callable[[list[int]], Call[list[Ticket]]],
) -> Flow[frozenset[str] | None]:
    """Read the defined ticket dynamic fields from one readable ticket; None when no ticket is readable
    (then no search of this login can match anything either)."""
    ids: list[int] = yield make_search(_PROBE_SEARCH)
    if not ids:
        return None
    tickets: list[Ticket] = yield make_get(ids[:1])
    if not tickets:
        return None
    names = names_of(tickets[0])
    logger.debug("learned %d ticket dynamic field(s) from ticket %s", len(names), tickets[0].id)
    return names


def search_checked(
    search: TicketSearch,
    names: DynamicFieldNames,
    make_search: Callable[[TicketSearch], Call[list[int]]],
    make_get: Callable[[list[int]], Call[list[Ticket]]],
    run: Callable[[TicketSearch], Flow[list[int]]],
) -> Flow[list[int]]:
    """Check the search's dynamic-field names, then ``run`` it.

    The names are learned first when unknown (or re-learned once when a learned set lacks a name).
    When no ticket was readable to learn from, the search runs unchecked: if it then finds tickets
    (some became readable meanwhile), their fields are read and checked before anything is returned.

    Raises:
        UnknownDynamicFieldError: a name the server does not define.
    """
    references = referenced_names(search)
    if not references or not names.check:
        return (yield from run(search))
    if names.names is None or (not names.given and unknown_names(references, names.names)):
        learned = yield from learn_names(make_search, make_get)
        if learned is not None:
            names.names = learned
    if names.names is not None:
        check_names(references, names.names)
        return (yield from run(search))
    ids: list[int] = yield from run(search)
    if ids:
        tickets: list[Ticket] = yield make_get(ids[:1])
        if tickets:
            names.names = names_of(tickets[0])
            check_names(references, names.names)
    return ids
