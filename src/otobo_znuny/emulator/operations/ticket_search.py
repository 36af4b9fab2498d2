"""TicketSearch (``Ticket::TicketSearch``): filters, dynamic fields, sorting, permissions.

Invalid input never raises an error here: like the core search, it yields ``{}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from otobo_znuny.emulator.operations.common import Caller, authenticate, ticket_permission
from otobo_znuny.emulator.state import LOCKS, STATE_TYPES, Article, DynamicFieldDef, Helpdesk, Ticket, parse_time
from otobo_znuny.emulator.wire import OperationError, as_list, as_str, is_digits, is_string_with_data, is_true

P = "TicketSearch"
DEFAULT_LIMIT = 500
SORT_KEYS = (
    "Owner",
    "Responsible",
    "CustomerID",
    "State",
    "Lock",
    "Ticket",
    "TicketNumber",
    "Title",
    "Queue",
    "Type",
    "Priority",
    "Age",
    "Created",
    "Changed",
    "Service",
    "SLA",
    "PendingTime",
    "TicketEscalation",
    "EscalationTime",
    "EscalationUpdateTime",
    "EscalationResponseTime",
    "EscalationSolutionTime",
)
TIME_PREFIXES = (
    "TicketCreateTime",
    "TicketChangeTime",
    "TicketLastChangeTime",
    "TicketCloseTime",
    "TicketPendingTime",
    "ArticleCreateTime",
)
ESCALATION_PREFIXES = (
    "TicketEscalationTime",
    "TicketEscalationUpdateTime",
    "TicketEscalationResponseTime",
    "TicketEscalationSolutionTime",
)
TIME_SUFFIXES = ("OlderMinutes", "NewerMinutes", "OlderDate", "NewerDate")
MIME_FIELDS = {
    "MIMEBase_From": "from_",
    "MIMEBase_To": "to",
    "MIMEBase_Cc": "cc",
    "MIMEBase_Bcc": "bcc",
    "MIMEBase_Subject": "subject",
    "MIMEBase_Body": "body",
    "MIMEBase_AttachmentName": "attachment_names",
}
"""Article-content keys and what they search. ``MIMEBase_AttachmentName`` is searchable while
``Ticket::Article::Backend::MIMEBase::IndexAttachmentNames`` is on, its default (OTOBO 11
``Kernel/Config/Files/XML/Ticket.xml``; ``BackendSearchableFieldsGet`` in ``MIMEBase.pm``)."""
DF_OPERATORS = (
    "Equals",
    "Like",
    "GreaterThan",
    "GreaterThanEquals",
    "SmallerThan",
    "SmallerThanEquals",
    "Empty",
)

Predicate = Callable[[Ticket], bool]


class NoResult(Exception):
    """The core search would return nothing (invalid input)."""


def wildcard_regex(value: str) -> re.Pattern[str]:
    """``*``/``%`` wildcards, case-insensitive, whole-value match."""
    parts = [re.escape(p) for p in re.split(r"[*%]", value)]
    return re.compile(".*".join(parts), re.IGNORECASE | re.DOTALL)


def _searchable(article: Article, attr: str) -> str:
    """What an article-content key searches: an article attribute, or the names of its attachments
    (inline ones left out, as ``ArticleSearchableContentGet`` leaves them out of the index)."""
    if attr == "attachment_names":
        return " ".join(a.filename for a in article.attachments if a.disposition != "inline")
    value: str = getattr(article, attr)
    return value


def _int_list(value: Any) -> list[int]:
    items = [as_str(v).strip() for v in as_list(value)]
    if any(not re.fullmatch(r"-?\d+", i) for i in items):
        raise NoResult
    return [int(i) for i in items]


def _names_to_ids(table: dict[int, Any], names: list[Any]) -> set[int]:
    ids: set[int] = set()
    for name in names:
        found = [key for key, item in table.items() if item.name == as_str(name)]
        if not found:
            raise NoResult
        ids.update(found)
    return ids


def _text_filter(values: list[Any], getter: Callable[[Ticket], str]) -> Predicate | None:
    patterns = [wildcard_regex(as_str(v)) for v in values if as_str(v).strip("*%")]
    if not patterns:
        return None
    return lambda t: any(p.fullmatch(getter(t) or "") for p in patterns)


def _attribute(name: str) -> Callable[[Ticket], str]:
    def get(ticket: Ticket) -> str:
        return str(getattr(ticket, name))

    return get


def _field_value(name: str) -> Callable[[Ticket], str]:
    def get(ticket: Ticket) -> str:
        return as_str(ticket.dynamic_fields.get(name))

    return get


class _Search:
    def __init__(self, helpdesk: Helpdesk, caller: Caller, params: dict[str, Any]) -> None:
        self.h = helpdesk
        self.caller = caller
        self.params = params
        self.now = helpdesk.now()
        self.predicates: list[Predicate] = []

    def add(self, predicate: Predicate | None) -> None:
        if predicate is not None:
            self.predicates.append(predicate)

    def ids_filter(self, key: str, getter: Callable[[Ticket], int | None]) -> None:
        if key in self.params and as_list(self.params[key]):
            wanted = set(_int_list(self.params[key]))
            self.add(lambda t: getter(t) in wanted)

    def names_filter(self, key: str, table: dict[int, Any], getter: Callable[[Ticket], int | None]) -> None:
        names = [n for n in as_list(self.params.get(key)) if is_string_with_data(n)]
        if names:
            wanted = _names_to_ids(table, names)
            self.add(lambda t: getter(t) in wanted)

    def build(self) -> None:
        p = self.params
        data = self.h.data
        self.ids_filter("TicketID", lambda t: t.id)
        for key, attr in (
            ("TicketNumber", "number"),
            ("Title", "title"),
            ("CustomerUserLogin", "customer_user"),
        ):
            self.add(_text_filter(as_list(p.get(key)), _attribute(attr)))
        if as_list(p.get("CustomerIDRaw")):
            raw = {as_str(v) for v in as_list(p["CustomerIDRaw"])}
            self.add(lambda t: t.customer_id in raw)
        else:
            self.add(_text_filter(as_list(p.get("CustomerID")), lambda t: t.customer_id))
        self._queues()
        self.names_filter("States", data.states, lambda t: t.state_id)
        self.ids_filter("StateIDs", lambda t: t.state_id)
        state_types = [as_str(s) for s in as_list(p.get("StateType")) if is_string_with_data(s)]
        if state_types:
            type_ids = {i for i, n in STATE_TYPES.items() if n in state_types}
            self.add(lambda t: data.states[t.state_id].type_id in type_ids)
        self.ids_filter("StateTypeIDs", lambda t: data.states[t.state_id].type_id)
        self.names_filter("Types", data.types, lambda t: t.type_id)
        self.ids_filter("TypeIDs", lambda t: t.type_id)
        self.names_filter("Priorities", data.priorities, lambda t: t.priority_id)
        self.ids_filter("PriorityIDs", lambda t: t.priority_id)
        self.names_filter("Services", data.services, lambda t: t.service_id)
        self.ids_filter("ServiceIDs", lambda t: t.service_id)
        self.names_filter("SLAs", data.slas, lambda t: t.sla_id)
        self.ids_filter("SLAIDs", lambda t: t.sla_id)
        locks = [as_str(n) for n in as_list(p.get("Locks")) if is_string_with_data(n)]
        if locks:
            lock_ids = {i for i, n in LOCKS.items() if n in locks}
            if len(lock_ids) != len(set(locks)):
                raise NoResult
            self.add(lambda t: t.lock_id in lock_ids)
        self.ids_filter("LockIDs", lambda t: t.lock_id)
        self.ids_filter("OwnerIDs", lambda t: t.owner_id)
        self.ids_filter("ResponsibleIDs", lambda t: t.responsible_id)
        self.ids_filter("CreatedUserIDs", lambda t: t.create_by)
        if "WatchUserIDs" in p and as_list(p["WatchUserIDs"]):
            watchers = set(_int_list(p["WatchUserIDs"]))
            self.add(lambda t: bool(t.watchers & watchers))
        self.names_filter("CreatedTypes", data.types, lambda t: t.created_type_id)
        self.ids_filter("CreatedTypeIDs", lambda t: t.created_type_id)
        self.names_filter("CreatedPriorities", data.priorities, lambda t: t.created_priority_id)
        self.ids_filter("CreatedPriorityIDs", lambda t: t.created_priority_id)
        self.names_filter("CreatedStates", data.states, lambda t: t.created_state_id)
        self.ids_filter("CreatedStateIDs", lambda t: t.created_state_id)
        self.names_filter("CreatedQueues", data.queues, lambda t: t.created_queue_id)
        self.ids_filter("CreatedQueueIDs", lambda t: t.created_queue_id)
        self._times()
        self._content()
        self._dynamic_fields()

    def _queues(self) -> None:
        p = self.params
        data = self.h.data
        # read only as a string (TicketSearch.pm): an OTOBO JSON boolean is ignored
        sub = is_string_with_data(p.get("UseSubQueues")) and is_true(p.get("UseSubQueues"))
        queue_ids: set[int] = set()
        given = False
        names = [n for n in as_list(p.get("Queues")) if is_string_with_data(n)]
        if names:
            given = True
            queue_ids |= _names_to_ids(data.queues, names)
        if as_list(p.get("QueueIDs")):
            given = True
            queue_ids |= set(_int_list(p["QueueIDs"]))
        if not given:
            return
        if sub:
            prefixes = [data.queues[q].name + "::" for q in queue_ids if q in data.queues]
            queue_ids |= {q.id for q in data.queues.values() if q.name.startswith(tuple(prefixes))}
        self.add(lambda t: t.queue_id in queue_ids)

    def _window(self, prefix: str) -> tuple[datetime | None, datetime | None] | None:
        """(newer-than, older-than) bounds for a time prefix, or None when unused."""
        p = self.params
        newer: datetime | None = None
        older: datetime | None = None
        used = False
        for suffix in TIME_SUFFIXES:
            value = p.get(prefix + suffix)
            if not is_string_with_data(value):
                continue
            used = True
            text = as_str(value)
            if suffix.endswith("Minutes"):
                if not re.fullmatch(r"-?\d+", text):
                    raise NoResult
                try:
                    point = self.now - timedelta(minutes=int(text))
                except OverflowError:  # beyond the years 1-9999: invalid input, as for a non-number
                    raise NoResult from None
            else:
                parsed = parse_time(text)
                if parsed is None:
                    raise NoResult
                point = parsed
            if suffix.startswith("Older"):
                older = point if older is None else min(older, point)
            else:
                newer = point if newer is None else max(newer, point)
        return (newer, older) if used else None

    def _times(self) -> None:
        data = self.h.data
        for prefix in ESCALATION_PREFIXES:
            if any(is_string_with_data(self.params.get(prefix + s)) for s in TIME_SUFFIXES):
                raise NoResult  # no ticket escalates in the emulator (escalation_time = 0)
        getters: dict[str, Callable[[Ticket], list[datetime]]] = {
            "TicketCreateTime": lambda t: [t.created],
            "TicketChangeTime": lambda t: [e.created for e in t.history],
            "TicketLastChangeTime": lambda t: [t.changed],
            "TicketCloseTime": lambda t: [t.close_time] if t.close_time else [],
            "TicketPendingTime": lambda t: (
                [t.pending_until] if t.pending_until and data.states[t.state_id].type_name.startswith("pending") else []
            ),
            "ArticleCreateTime": lambda t: [data.articles[a].created for a in t.article_ids],
        }
        for prefix in TIME_PREFIXES:
            window = self._window(prefix)
            if window is None:
                continue
            newer, older = window
            getter = getters[prefix]

            def check(
                t: Ticket,
                g: Callable[[Ticket], list[datetime]] = getter,
                n: datetime | None = newer,
                o: datetime | None = older,
            ) -> bool:
                return any((n is None or v >= n) and (o is None or v <= o) for v in g(t))

            self.add(check)

    def _content(self) -> None:
        p = self.params
        data = self.h.data
        terms: dict[str, re.Pattern[str]] = {}
        for key, attr in MIME_FIELDS.items():
            value = p.get(key)
            if isinstance(value, (str, int, float)) and not isinstance(value, bool) and as_str(value):
                terms[attr] = wildcard_regex("*" + as_str(value) + "*")
        customer = self.caller.user_type == "Customer"
        if terms:
            use_or = as_str(p.get("ContentSearch")).upper() == "OR"

            def content(t: Ticket) -> bool:
                for article_id in t.article_ids:
                    article = data.articles[article_id]
                    if customer and not article.is_visible_for_customer:
                        continue
                    hits = [bool(rx.fullmatch(_searchable(article, attr))) for attr, rx in terms.items()]
                    if any(hits) if use_or else all(hits):
                        return True
                return False

            self.add(content)
        fulltext = p.get("Fulltext")
        if isinstance(fulltext, (str, int, float)) and as_str(fulltext).strip("*%"):
            rx = wildcard_regex("*" + as_str(fulltext) + "*")

            def full(t: Ticket) -> bool:
                if rx.fullmatch(t.title):
                    return True
                for article_id in t.article_ids:
                    a = data.articles[article_id]
                    if any(rx.fullmatch(x) for x in (a.from_, a.to, a.cc, a.subject, a.body)):
                        return True
                return False

            self.add(full)

    def _dynamic_fields(self) -> None:
        p = self.params
        conditions: list[tuple[str, dict[str, Any]]] = []
        if "DynamicField" in p:
            items = p["DynamicField"]
            for item in items if isinstance(items, list) else [items]:
                if isinstance(item, dict) and is_string_with_data(item.get("Name")):
                    conditions.append((as_str(item["Name"]), item))
        else:
            for key, value in p.items():
                found = re.fullmatch(r"DynamicField_([A-Za-z0-9]+)", key)
                if found and isinstance(value, dict):
                    conditions.append((found.group(1), value))
        for name, spec in conditions:
            field_def = self.h.data.dynamic_fields.get(name)
            if field_def is None or not field_def.valid or field_def.object_type != "Ticket":
                continue  # dropped without a word (TicketSearch.pm _GetDynamicFields): the search runs without it
            for operator in DF_OPERATORS:
                if operator not in spec:
                    continue
                terms = search_terms(spec[operator])
                if terms:
                    self.add(_df_predicate(field_def, operator, terms))

    def run(self, limit: int) -> list[int]:
        tickets = [
            t
            for t in self.h.data.tickets.values()
            if ticket_permission(self.h, self.caller, t, "ro") and all(pred(t) for pred in self.predicates)
        ]
        tickets = _sort(self.h, tickets, self.params)
        return [t.id for t in tickets[:limit]]


def _compare(left: str, right: str) -> int:
    try:
        a, b = float(left), float(right)
    except ValueError:
        return (left > right) - (left < right)
    return (a > b) - (a < b)


def search_terms(raw: Any) -> list[str]:
    """The values of one dynamic-field operator as the core search uses them (Znuny
    ``Kernel/System/Ticket/TicketSearch.pm`` 1449-1454, OTOBO 1477-1482): an undefined or empty value
    is skipped, every ``*`` becomes ``%`` (for ``Equals`` too, where ``%`` is then a literal
    character), and a bare ``%``, ``%%`` or ``%%%`` is skipped. An operator without terms adds no
    condition at all."""
    terms: list[str] = []
    for value in raw if isinstance(raw, list) else [raw]:
        if value is None:
            continue
        text = as_str(value).replace("*", "%")
        if text and not re.fullmatch(r"%{1,3}", text):
            terms.append(text)
    return terms


_CASE_INSENSITIVE_EQUALS = ("Text", "TextArea")
"""Field types whose ``Equals`` ignores case on every database: the Text driver wraps both sides in
``LOWER()`` where the database compares case-sensitively (``DynamicField/Driver/BaseText.pm``
SearchSQLGet, Znuny 115-167, OTOBO 259-311; MySQL's collations ignore case anyway). Dropdown and
Multiselect (``BaseSelect.pm``) compare as the database does: here case-sensitively, as on PostgreSQL."""


def _df_predicate(field_def: DynamicFieldDef, operator: str, terms: list[str]) -> Predicate:
    name = field_def.name
    if operator == "Empty":
        wanted_empty = [is_true(term) for term in terms]  # ORed, like the SQL of several values
        return lambda t: any((t.dynamic_fields.get(name) in (None, "", [])) == empty for empty in wanted_empty)
    fold = field_def.field_type in _CASE_INSENSITIVE_EQUALS
    wanted = [term.lower() for term in terms] if fold else terms

    def values(t: Ticket) -> list[str]:
        value = t.dynamic_fields.get(name)
        if value is None:
            return []
        return [as_str(v) for v in value] if isinstance(value, list) else [as_str(value)]

    if operator == "Equals":
        if fold:
            return lambda t: any(v.lower() in wanted for v in values(t))
        return lambda t: any(v in wanted for v in values(t))
    if operator == "Like":
        patterns = [wildcard_regex(term) for term in terms]
        return lambda t: any(p.fullmatch(v) for v in values(t) for p in patterns)
    tests: dict[str, Callable[[int], bool]] = {
        "GreaterThan": lambda c: c > 0,
        "GreaterThanEquals": lambda c: c >= 0,
        "SmallerThan": lambda c: c < 0,
        "SmallerThanEquals": lambda c: c <= 0,
    }
    test = tests[operator]
    return lambda t: any(test(_compare(v, w)) for v in values(t) for w in terms)


def _sort(helpdesk: Helpdesk, tickets: list[Ticket], params: dict[str, Any]) -> list[Ticket]:
    data = helpdesk.data
    sort_by = [as_str(s) for s in as_list(params.get("SortBy"))] or ["Age"]
    order_by = [as_str(o) for o in as_list(params.get("OrderBy"))] or ["Down"]
    keys: list[Callable[[Ticket], Any]] = []
    for name in sort_by:
        if name.startswith("DynamicField_"):
            field = name[len("DynamicField_") :]
            if field not in data.dynamic_fields:
                raise NoResult
            keys.append(_field_value(field))
            continue
        key_funcs: dict[str, Callable[[Ticket], Any]] = {
            "Owner": lambda t: t.owner_id,
            "Responsible": lambda t: t.responsible_id,
            "CustomerID": lambda t: t.customer_id,
            "State": lambda t: t.state_id,
            "Lock": lambda t: t.lock_id,
            "Ticket": lambda t: t.number,
            "TicketNumber": lambda t: t.number,
            "Title": lambda t: t.title,
            "Queue": lambda t: data.queues[t.queue_id].name,
            "Type": lambda t: t.type_id,
            "Priority": lambda t: t.priority_id,
            "Age": lambda t: t.created,
            "Created": lambda t: t.created,
            "Changed": lambda t: t.changed,
            "Service": lambda t: t.service_id or 0,
            "SLA": lambda t: t.sla_id or 0,
            "PendingTime": lambda t: t.pending_until.timestamp() if t.pending_until else 0,
        }
        if name not in SORT_KEYS:
            raise NoResult
        keys.append(key_funcs.get(name, lambda t: 0))
    if any(o not in ("Up", "Down") for o in order_by) or len(order_by) < len(sort_by):
        # each SortBy needs its OrderBy: "Need valid OrderBy" returns nothing (Kernel/System/Ticket/TicketSearch.pm,
        # Znuny 7 and OTOBO 11, `$OrderByArray[$Count] ne 'Down' && ... ne 'Up'`)
        raise NoResult
    # sort by the last key first (stable sorts compose); ties fall back to the ticket ID
    first_down = order_by[0] == "Down"
    result = sorted(tickets, key=lambda t: t.id, reverse=first_down)
    for index in range(len(keys) - 1, -1, -1):
        down = (order_by[index] if index < len(order_by) else order_by[-1]) == "Down"
        result.sort(key=keys[index], reverse=down)
    return result


def run(helpdesk: Helpdesk, params: dict[str, Any]) -> dict[str, Any]:
    """Return ``{"TicketID": [...]}`` or ``{}``; raises OperationError only for AuthFail."""
    caller = authenticate(helpdesk, params)
    if caller is None:
        raise OperationError(f"{P}.AuthFail", f"{P}: Authorization failing!")
    limit_raw = as_str(params.get("Limit"))
    limit = int(limit_raw) if is_digits(limit_raw) and int(limit_raw) > 0 else DEFAULT_LIMIT
    search = _Search(helpdesk, caller, params)
    try:
        search.build()
        ids = search.run(limit)
    except NoResult:
        return {}
    if not ids:
        return {}
    return {"TicketID": [str(i) for i in ids]}
