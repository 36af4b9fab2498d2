"""Helpdesk state of the emulator: plain dataclasses plus one lock.

The :class:`Helpdesk` holds everything a GenericInterface server knows about (agents, customer
users, queues, states, tickets, articles, history, sessions...). Operations, ``HelpdeskBuilder``
ticket creation and ``generate_tickets`` mutate it while holding ``helpdesk.lock``; tests may read
it at any time (take the lock when a server thread is running). Other direct writes to
``helpdesk.data`` (e.g. the builder's agent/queue methods) take no lock: do them before serving.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from otobo_znuny.emulator.flavors import ZNUNY, Flavor

Clock = Callable[[], datetime]

#: The permission kinds of a group membership; ``rw`` implies all of them.
PERMISSIONS = ("ro", "move_into", "create", "note", "owner", "priority", "close", "rw")

STATE_TYPES: dict[int, str] = {
    1: "new",
    2: "open",
    3: "closed",
    4: "pending reminder",
    5: "pending auto",
    6: "removed",
    7: "merged",
}

SENDER_TYPES: dict[int, str] = {1: "agent", 2: "system", 3: "customer"}
CHANNELS: dict[int, str] = {1: "Email", 2: "Phone", 3: "Internal"}
LOCKS: dict[int, str] = {1: "unlock", 2: "lock", 3: "tmp_lock"}

HISTORY_TYPES: dict[str, int] = {
    "NewTicket": 1,
    "FollowUp": 2,
    "SendAutoReject": 3,
    "SendAutoReply": 4,
    "SendAutoFollowUp": 5,
    "Forward": 6,
    "Bounce": 7,
    "SendAnswer": 8,
    "SendAgentNotification": 9,
    "SendCustomerNotification": 10,
    "EmailAgent": 11,
    "EmailCustomer": 12,
    "PhoneCallAgent": 13,
    "PhoneCallCustomer": 14,
    "AddNote": 15,
    "Move": 16,
    "Lock": 17,
    "Unlock": 18,
    "Remove": 19,
    "TimeAccounting": 20,
    "CustomerUpdate": 21,
    "PriorityUpdate": 22,
    "OwnerUpdate": 23,
    "LoopProtection": 24,
    "Misc": 25,
    "SetPendingTime": 26,
    "StateUpdate": 27,
    "TicketDynamicFieldUpdate": 28,
    "WebRequestCustomer": 29,
    "TicketLinkAdd": 30,
    "TicketLinkDelete": 31,
    "SystemRequest": 32,
    "Merged": 33,
    "ResponsibleUpdate": 34,
    "Subscribe": 35,
    "Unsubscribe": 36,
    "TypeUpdate": 37,
    "ServiceUpdate": 38,
    "SLAUpdate": 39,
    "ArchiveFlagUpdate": 40,
    "TitleUpdate": 50,
}

SESSION_MAX_IDLE_TIME = 7200
SESSION_MAX_TIME = 57600
SYSTEM_ID = "42"
HISTORY_NAME_LIMIT = 200
"""HistoryAdd keeps the first 200 characters of a history ``Name`` (the HistoryComment of an article)."""
PASSWORD_HASH_ITERATIONS = 1
"""PBKDF2-SHA256 rounds of a password check. One round costs about what Znuny's default
``AuthModule::DB::CryptType`` ``sha2`` (one SHA-256) costs; raise ``Helpdesk.password_hash_iterations``
to make password logins cost more server time than a session lookup, as they do on a live server."""
_PASSWORD_SALT = b"otobo-znuny-emulator"


def utc_now() -> datetime:
    """The default clock: the current UTC time, whole seconds."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def fmt_time(value: datetime) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in UTC (the system time zone of the emulator)."""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def parse_time(value: str) -> datetime | None:
    """Parse ``YYYY-MM-DD HH:MM:SS`` (or ``YYYY-MM-DD``) as UTC; ``None`` if malformed."""
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), pattern).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    return None


@functools.lru_cache(maxsize=256)
def _stored_password_hash(password: str, iterations: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8", "surrogatepass"), _PASSWORD_SALT, iterations)


def password_hash(given: str, iterations: int) -> bytes:
    """The PBKDF2 hash of a password given in a request (the expensive part of a password check).

    Needs no helpdesk state, so the request pipeline computes it before taking ``helpdesk.lock``.
    """
    return hashlib.pbkdf2_hmac("sha256", given.encode("utf-8", "surrogatepass"), _PASSWORD_SALT, iterations)


def password_matches(stored: str, given: str, iterations: int, given_hash: bytes | None = None) -> bool:
    """Check ``given`` as Znuny's Auth::DB does: hash it and compare with the stored hash.

    ``given_hash``: ``password_hash(given, iterations)`` computed beforehand (outside the lock).
    """
    if given_hash is None:
        given_hash = password_hash(given, iterations)
    return hmac.compare_digest(_stored_password_hash(stored, iterations), given_hash)


def epoch(value: datetime) -> int:
    return int(value.timestamp())


@dataclass
class Group:
    id: int
    name: str


@dataclass
class Agent:
    id: int
    login: str
    password: str
    first_name: str
    last_name: str
    email: str
    #: group name -> permission kinds (``ro``, ``rw``, ``create``, ``move_into``, ``note``, ...)
    groups: dict[str, set[str]] = field(default_factory=dict)
    valid: bool = True
    preferences: dict[str, str] = field(default_factory=dict)
    created: datetime = field(default_factory=utc_now)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def has(self, group: str, permission: str) -> bool:
        perms = self.groups.get(group, set())
        return "rw" in perms or permission in perms


@dataclass
class CustomerUser:
    login: str
    password: str
    email: str
    first_name: str
    last_name: str
    customer_id: str
    valid: bool = True
    created: datetime = field(default_factory=utc_now)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass
class Queue:
    id: int
    name: str
    group: str
    valid: bool = True


@dataclass
class State:
    id: int
    name: str
    type_id: int
    valid: bool = True

    @property
    def type_name(self) -> str:
        return STATE_TYPES[self.type_id]


@dataclass
class Named:
    """A simple ``id``/``name`` entity (priority, ticket type)."""

    id: int
    name: str
    valid: bool = True


@dataclass
class Service:
    id: int
    name: str
    #: customer logins the service is assigned to; ``None`` = default service (everyone)
    customer_users: set[str] | None = None
    valid: bool = True


@dataclass
class SLA:
    id: int
    name: str
    service_ids: set[int] = field(default_factory=set)
    valid: bool = True


@dataclass
class DynamicFieldDef:
    id: int
    name: str
    field_type: str  # Text, TextArea, Dropdown, Multiselect, Date, DateTime, Checkbox
    object_type: str = "Ticket"  # Ticket or Article
    label: str = ""
    possible_values: dict[str, str] = field(default_factory=dict)
    regex_list: list[str] = field(default_factory=list)
    valid: bool = True


@dataclass
class Attachment:
    file_id: int
    filename: str
    content: bytes
    content_type: str
    disposition: str = "attachment"
    content_id: str = ""


@dataclass
class Article:
    id: int
    ticket_id: int
    sender_type_id: int
    channel_id: int
    is_visible_for_customer: int
    from_: str
    to: str
    subject: str
    body: str
    content_type: str
    charset: str
    mime_type: str
    created: datetime
    create_by: int
    cc: str = ""
    bcc: str = ""
    reply_to: str = ""
    message_id: str = ""
    in_reply_to: str = ""
    references: str = ""
    time_unit: float = 0
    attachments: list[Attachment] = field(default_factory=list)
    dynamic_fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class HistoryEntry:
    history_type: str
    name: str
    create_by: int
    created: datetime
    article_id: int
    queue_id: int
    owner_id: int
    priority_id: int
    state_id: int
    type_id: int


@dataclass
class TimeAccountingEntry:
    ticket_id: int
    article_id: int
    user_id: int
    time_unit: float
    created: datetime


@dataclass
class Ticket:
    id: int
    number: str
    title: str
    queue_id: int
    state_id: int
    priority_id: int
    type_id: int
    owner_id: int
    responsible_id: int
    customer_user: str
    customer_id: str
    created: datetime
    changed: datetime
    create_by: int
    change_by: int
    lock_id: int = 1
    service_id: int | None = None
    sla_id: int | None = None
    pending_until: datetime | None = None
    unlock_timeout: int = 0
    archived: bool = False
    close_time: datetime | None = None
    dynamic_fields: dict[str, Any] = field(default_factory=dict)
    article_ids: list[int] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    watchers: set[int] = field(default_factory=set)
    # Values at creation time (for the Created* search parameters).
    created_queue_id: int = 0
    created_state_id: int = 0
    created_priority_id: int = 0
    created_type_id: int = 0


@dataclass
class Session:
    id: str
    user_type: str  # "User" (agent) or "Customer"
    login: str
    user_id: int | None
    created: datetime
    remote_addr: str = "127.0.0.1"
    user_agent: str = ""


@dataclass
class HelpdeskData:
    """Everything persisted (the lock and the clock are not).

    Persistence (``persistence.SQLiteStore``) keeps one SQLite row per entity and, after each
    request, writes only the rows that changed (see :class:`Changes`). ``ticket_numbers`` and
    ``time_unit_totals`` are indexes derived from the tickets and the time accounting.
    """

    groups: dict[int, Group] = field(default_factory=dict)
    agents: dict[int, Agent] = field(default_factory=dict)
    customers: dict[str, CustomerUser] = field(default_factory=dict)
    queues: dict[int, Queue] = field(default_factory=dict)
    states: dict[int, State] = field(default_factory=dict)
    priorities: dict[int, Named] = field(default_factory=dict)
    types: dict[int, Named] = field(default_factory=dict)
    services: dict[int, Service] = field(default_factory=dict)
    slas: dict[int, SLA] = field(default_factory=dict)
    dynamic_fields: dict[str, DynamicFieldDef] = field(default_factory=dict)
    tickets: dict[int, Ticket] = field(default_factory=dict)
    ticket_numbers: dict[str, int] = field(default_factory=dict)
    articles: dict[int, Article] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    time_accounting: list[TimeAccountingEntry] = field(default_factory=list)
    #: ticket ID -> sum of its accounted time units (kept up to date by ``ticket_core.account_time``)
    time_unit_totals: dict[int, float] = field(default_factory=dict)
    next_ticket_id: int = 1
    next_article_id: int = 1
    next_file_id: int = 1
    #: ``YYYYMMDD`` -> last ticket-number counter used on that day (Znuny's DateChecksum generator)
    tn_counters: dict[str, int] = field(default_factory=dict)


@dataclass
class Changes:
    """What changed since the last save, for incremental persistence (set while a file is attached).

    Every ticket write adds a history entry, so :meth:`Helpdesk.add_history` marks the ticket;
    articles and time accounting are append-only and need no marks. Code that edits
    ``helpdesk.data`` directly, other than through the operations, ``ticket_core`` and the builder,
    must call ``Emulator.save()`` to persist it. Marks are dicts used as ordered sets: new rows are
    written in the order they were made, so a restarted emulator lists them in the same order.
    """

    tickets: dict[int, None] = field(default_factory=dict)
    agents: dict[int, None] = field(default_factory=dict)
    sessions: dict[str, None] = field(default_factory=dict)
    """Created or removed SessionIDs (sessions never change once created)."""
    ticket_number_days: dict[str, None] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.tickets or self.agents or self.sessions or self.ticket_number_days)


@dataclass(frozen=True)
class FiredEvent:
    """A ticket or article event fired by a write (``Kernel::System::EventHandler``): its name and the
    data the core passes (``TicketID``, ``ArticleID``, ``OldTicketData``...), IDs as strings."""

    name: str
    data: dict[str, Any]


def ticket_number_checksum(base: str) -> int:
    """Znuny ``DateChecksum`` check digit for ``base`` (date + system ID + counter)."""
    total = 0
    mult = 1
    for char in base:
        total += mult * int(char)
        mult = 2 if mult == 1 else 1
    check = 10 - (total % 10)
    return 1 if check == 10 else check


class Helpdesk:
    """The emulated helpdesk: data, a clock and one re-entrant lock.

    Lookups return ``None`` when nothing matches; they never raise.
    """

    _frozen = threading.local()

    def __init__(self, data: HelpdeskData | None = None, clock: Clock = utc_now) -> None:
        self.data = data if data is not None else HelpdeskData()
        self.clock: Clock = clock
        self.lock = threading.RLock()
        self.system_id = SYSTEM_ID
        self.session_max_idle_time = SESSION_MAX_IDLE_TIME
        self.session_max_time = SESSION_MAX_TIME
        self.session_check_remote_ip = True
        """``SessionCheckRemoteIP`` (on by default): a session works only from the address that created it."""
        self.password_hash_iterations = PASSWORD_HASH_ITERATIONS
        self.flavor: Flavor = ZNUNY
        """Which server the operations behave like (set by ``Emulator(flavor=...)``; see ``flavors``)."""
        self.changes: Changes | None = None
        """Marks for incremental persistence; ``None`` (nothing recorded) unless a file is attached."""
        self.fired_events: list[FiredEvent] | None = None
        """The events of the running request in firing order, collected while a requester web service
        listens (``Emulator`` sets it); ``None``: nothing is collected (and no old ticket data built)."""

    def fire(self, name: str, data: dict[str, Any]) -> None:
        """Record an event of the running request (when events are collected). Caller holds ``lock``."""
        if self.fired_events is not None:
            self.fired_events.append(FiredEvent(name, data))

    def mark_session(self, session_id: str) -> None:
        """Record that a session was created or removed (for persistence). Caller holds ``lock``."""
        if self.changes is not None:
            self.changes.sessions[session_id] = None

    def mark_agent(self, agent_id: int) -> None:
        """Record that an agent's data (e.g. preferences) changed (for persistence). Caller holds ``lock``."""
        if self.changes is not None:
            self.changes.agents[agent_id] = None

    def now(self) -> datetime:
        """The clock's time, or the moment set by :meth:`frozen_at` in this thread."""
        frozen: dict[int, datetime] = getattr(self._frozen, "moments", {})
        moment = frozen.get(id(self))
        return (moment or self.clock()).astimezone(timezone.utc).replace(microsecond=0)

    @contextmanager
    def frozen_at(self, moment: datetime) -> Iterator[None]:
        """Hold ``lock`` and make :meth:`now` return ``moment`` in this thread only (for writes
        dated in the past, e.g. seed and generated tickets); the shared ``clock`` is untouched."""
        with self.lock:
            moments: dict[int, datetime] = self._frozen.__dict__.setdefault("moments", {})
            previous = moments.get(id(self))
            moments[id(self)] = moment
            try:
                yield
            finally:
                if previous is None:
                    del moments[id(self)]
                else:
                    moments[id(self)] = previous

    # ---------------------------------------------------------------- lookups
    def agent_by_login(self, login: str) -> Agent | None:
        for agent in self.data.agents.values():
            if agent.login == login:
                return agent
        return None

    def group_id(self, name: str) -> int:
        for group in self.data.groups.values():
            if group.name == name:
                return group.id
        return 0

    def queue_by_name(self, name: str) -> Queue | None:
        for queue in self.data.queues.values():
            if queue.name == name:
                return queue
        return None

    def state_by_name(self, name: str) -> State | None:
        for state in self.data.states.values():
            if state.name == name:
                return state
        return None

    @staticmethod
    def named_by_name(table: dict[int, Any], name: str) -> Any:
        for item in table.values():
            if item.name == name:
                return item
        return None

    def ticket_by_number(self, number: str) -> Ticket | None:
        ticket_id = self.data.ticket_numbers.get(number)
        return self.data.tickets.get(ticket_id) if ticket_id is not None else None

    def dynamic_fields_sorted(self, object_type: str) -> list[DynamicFieldDef]:
        return sorted(
            (f for f in self.data.dynamic_fields.values() if f.valid and f.object_type == object_type),
            key=lambda f: f.name,
        )

    def user_name(self, user_id: int) -> str:
        agent = self.data.agents.get(user_id)
        return agent.login if agent else ""

    # ---------------------------------------------------------------- writes
    def new_ticket_number(self) -> str:
        """The next free ``DateChecksum`` number of the current day (one counter per day, so
        tickets dated on earlier days never reuse a number). Caller holds ``lock``."""
        day = self.now().strftime("%Y%m%d")
        counters = self.data.tn_counters
        if self.changes is not None:
            self.changes.ticket_number_days[day] = None
        while True:
            counters[day] = counters.get(day, 0) + 1
            base = f"{day}{self.system_id}{counters[day]:05d}"
            number = f"{base}{ticket_number_checksum(base)}"
            if number not in self.data.ticket_numbers:
                return number

    def add_history(self, ticket: Ticket, history_type: str, name: str, user_id: int, article_id: int = 0) -> None:
        """Append a history entry; every ticket write does, so this also marks the ticket as changed.

        ``name`` is cut to 200 characters, as ``Ticket.pm`` HistoryAdd does (Znuny 5984-5987, OTOBO 6084).
        Fires ``HistoryAdd`` as ``Kernel::System::Ticket::HistoryAdd`` does (except for
        ``SendAgentNotification`` rows, which the emulator never writes).
        """
        if self.changes is not None:
            self.changes.tickets[ticket.id] = None
        self.fire("HistoryAdd", {"TicketID": str(ticket.id)})
        ticket.history.append(
            HistoryEntry(
                history_type=history_type,
                name=name[:HISTORY_NAME_LIMIT],
                create_by=user_id,
                created=self.now(),
                article_id=article_id,
                queue_id=ticket.queue_id,
                owner_id=ticket.owner_id,
                priority_id=ticket.priority_id,
                state_id=ticket.state_id,
                type_id=ticket.type_id,
            )
        )
