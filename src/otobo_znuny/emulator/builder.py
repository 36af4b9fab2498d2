"""A fluent builder of helpdesk states for tests, and a fast bulk ticket generator.

    helpdesk = (
        HelpdeskBuilder()
        .agent("alice", "pw", groups={"users": "rw"})
        .queue("Support", group="users")
        .customer_user("carla", "pw", email="carla@example.com", customer_id="ACME")
        .dynamic_field("OrderID", "Text")
        .ticket("Printer on fire", queue="Support", customer_user="carla", dynamic_fields={"OrderID": "42"})
        .build()
    )
    emulator = Emulator(helpdesk)

Every method raises ``ValueError`` for references to unknown entities (queue, agent, field...).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from otobo_znuny.emulator import dynamic_fields
from otobo_znuny.emulator.flavors import Flavor, get_flavor
from otobo_znuny.emulator.operations import ticket_core
from otobo_znuny.emulator.state import (
    PERMISSIONS,
    SLA,
    STATE_TYPES,
    Agent,
    Attachment,
    Clock,
    CustomerUser,
    DynamicFieldDef,
    Group,
    Helpdesk,
    Named,
    Queue,
    Service,
    State,
    Ticket,
    utc_now,
)

STANDARD_STATES = (
    (1, "new", "new"),
    (2, "closed successful", "closed"),
    (3, "closed unsuccessful", "closed"),
    (4, "open", "open"),
    (5, "removed", "removed"),
    (6, "pending reminder", "pending reminder"),
    (7, "pending auto close+", "pending auto"),
    (8, "pending auto close-", "pending auto"),
    (9, "merged", "merged"),
)
STANDARD_PRIORITIES = ("1 very low", "2 low", "3 normal", "4 high", "5 very high")
STANDARD_GROUPS = ("users", "admin", "stats")


@dataclass
class ArticleSpec:
    """An article for :meth:`HelpdeskBuilder.ticket`."""

    subject: str
    body: str
    sender_type: str = "customer"  # agent, system, customer
    channel: str = "Email"  # Email, Phone, Internal
    from_: str = ""
    to: str = ""
    is_visible_for_customer: bool = True
    content_type: str = "text/plain; charset=utf-8"
    time_unit: float = 0
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)  # (filename, content, type)
    created: datetime | None = None


def _permissions(value: str | Iterable[str]) -> set[str]:
    items = {p.strip() for p in value.split(",")} if isinstance(value, str) else set(value)
    unknown = items - set(PERMISSIONS)
    if unknown:
        raise ValueError(f"unknown permission(s): {sorted(unknown)}")
    return items


class HelpdeskBuilder:
    """Builds a :class:`Helpdesk` with the standard Znuny states, priorities, types and root agent."""

    def __init__(self, clock: Clock = utc_now, *, standard: bool = True, flavor: str | Flavor = "znuny") -> None:
        self.helpdesk = Helpdesk(clock=clock)
        self.helpdesk.flavor = get_flavor(flavor)
        data = self.helpdesk.data
        if standard:
            for state_id, name, type_name in STANDARD_STATES:
                type_id = next(i for i, n in STATE_TYPES.items() if n == type_name)
                data.states[state_id] = State(state_id, name, type_id)
            for index, name in enumerate(STANDARD_PRIORITIES, start=1):
                data.priorities[index] = Named(index, name)
            data.types[1] = Named(1, "Unclassified")
            for name in STANDARD_GROUPS:
                self.group(name)
            self.agent(
                "root@localhost",
                "root",
                first_name="Admin",
                last_name="OTRS",
                email="root@localhost",
                groups={g: "rw" for g in STANDARD_GROUPS},
            )

    # ------------------------------------------------------------------ configuration
    def group(self, name: str) -> HelpdeskBuilder:
        data = self.helpdesk.data
        if not any(g.name == name for g in data.groups.values()):
            group_id = max(data.groups, default=0) + 1
            data.groups[group_id] = Group(group_id, name)
        return self

    def agent(
        self,
        login: str,
        password: str,
        *,
        first_name: str = "",
        last_name: str = "",
        email: str | None = None,
        groups: Mapping[str, str | Iterable[str]] | None = None,
        agent_id: int | None = None,
        valid: bool = True,
    ) -> HelpdeskBuilder:
        """Add an agent; ``groups`` maps group name -> ``"rw"``, ``"ro,create"`` or a set."""
        data = self.helpdesk.data
        perms: dict[str, set[str]] = {}
        for group, value in (groups or {"users": "rw"}).items():
            self.group(group)
            perms[group] = _permissions(value)
        new_id = agent_id if agent_id is not None else max(data.agents, default=0) + 1
        data.agents[new_id] = Agent(
            id=new_id,
            login=login,
            password=password,
            first_name=first_name or login,
            last_name=last_name,
            email=email or f"{login}@example.com",
            groups=perms,
            valid=valid,
            created=self.helpdesk.now(),
        )
        return self

    def customer_user(
        self,
        login: str,
        password: str,
        *,
        email: str | None = None,
        first_name: str = "",
        last_name: str = "",
        customer_id: str | None = None,
        valid: bool = True,
    ) -> HelpdeskBuilder:
        self.helpdesk.data.customers[login] = CustomerUser(
            login=login,
            password=password,
            email=email or f"{login}@example.com",
            first_name=first_name or login,
            last_name=last_name,
            customer_id=customer_id if customer_id is not None else login,
            valid=valid,
            created=self.helpdesk.now(),
        )
        return self

    def queue(self, name: str, group: str = "users", *, queue_id: int | None = None) -> HelpdeskBuilder:
        """Add a queue; sub-queues are named ``Parent::Child`` (the parent must exist)."""
        data = self.helpdesk.data
        if "::" in name and self.helpdesk.queue_by_name(name.rsplit("::", 1)[0]) is None:
            raise ValueError(f"parent queue of {name!r} does not exist")
        self.group(group)
        new_id = queue_id if queue_id is not None else max(data.queues, default=0) + 1
        data.queues[new_id] = Queue(new_id, name, group)
        return self

    def state(self, name: str, state_type: str) -> HelpdeskBuilder:
        type_id = next((i for i, n in STATE_TYPES.items() if n == state_type), None)
        if type_id is None:
            raise ValueError(f"unknown state type {state_type!r}")
        data = self.helpdesk.data
        new_id = max(data.states, default=0) + 1
        data.states[new_id] = State(new_id, name, type_id)
        return self

    def priority(self, name: str) -> HelpdeskBuilder:
        data = self.helpdesk.data
        new_id = max(data.priorities, default=0) + 1
        data.priorities[new_id] = Named(new_id, name)
        return self

    def ticket_type(self, name: str) -> HelpdeskBuilder:
        data = self.helpdesk.data
        new_id = max(data.types, default=0) + 1
        data.types[new_id] = Named(new_id, name)
        return self

    def service(self, name: str, customer_users: Iterable[str] | None = None) -> HelpdeskBuilder:
        """Add a service; ``customer_users=None`` makes it a default service (for everyone)."""
        data = self.helpdesk.data
        new_id = max(data.services, default=0) + 1
        data.services[new_id] = Service(new_id, name, set(customer_users) if customer_users is not None else None)
        return self

    def sla(self, name: str, services: Iterable[str]) -> HelpdeskBuilder:
        data = self.helpdesk.data
        ids = set()
        for service_name in services:
            service = next((s for s in data.services.values() if s.name == service_name), None)
            if service is None:
                raise ValueError(f"unknown service {service_name!r}")
            ids.add(service.id)
        new_id = max(data.slas, default=0) + 1
        data.slas[new_id] = SLA(new_id, name, ids)
        return self

    def dynamic_field(
        self,
        name: str,
        field_type: str,
        *,
        object_type: str = "Ticket",
        possible_values: Iterable[str] | Mapping[str, str] | None = None,
        regex: Iterable[str] | None = None,
        label: str = "",
    ) -> HelpdeskBuilder:
        if field_type not in dynamic_fields.FIELD_TYPES:
            raise ValueError(f"unknown dynamic field type {field_type!r}")
        if object_type not in ("Ticket", "Article"):
            raise ValueError(f"unknown object type {object_type!r}")
        values: dict[str, str] = (
            dict(possible_values) if isinstance(possible_values, Mapping) else {v: v for v in (possible_values or [])}
        )
        data = self.helpdesk.data
        new_id = max((f.id for f in data.dynamic_fields.values()), default=0) + 1
        data.dynamic_fields[name] = DynamicFieldDef(
            id=new_id,
            name=name,
            field_type=field_type,
            object_type=object_type,
            label=label or name,
            possible_values=values,
            regex_list=list(regex or []),
        )
        return self

    # ------------------------------------------------------------------ tickets
    def ticket(
        self,
        title: str,
        *,
        queue: str,
        customer_user: str,
        state: str = "new",
        priority: str = "3 normal",
        ticket_type: str = "Unclassified",
        owner: str | None = None,
        responsible: str | None = None,
        lock: str = "unlock",
        customer_id: str | None = None,
        articles: Iterable[ArticleSpec] | None = None,
        dynamic_fields: Mapping[str, Any] | None = None,
        created: datetime | None = None,
        pending_until: datetime | None = None,
        number: str | None = None,
    ) -> HelpdeskBuilder:
        """Add a ticket (with one default article unless ``articles`` is given)."""
        create_ticket(
            self.helpdesk,
            title=title,
            queue=queue,
            customer_user=customer_user,
            state=state,
            priority=priority,
            ticket_type=ticket_type,
            owner=owner,
            responsible=responsible,
            lock=lock,
            customer_id=customer_id,
            articles=list(articles) if articles is not None else None,
            field_values=dynamic_fields or {},
            created=created,
            pending_until=pending_until,
            number=number,
        )
        return self

    def build(self) -> Helpdesk:
        return self.helpdesk


def _require(value: Any, what: str, name: str) -> Any:
    if value is None:
        raise ValueError(f"unknown {what} {name!r}")
    return value


def create_ticket(
    helpdesk: Helpdesk,
    *,
    title: str,
    queue: str,
    customer_user: str,
    state: str = "new",
    priority: str = "3 normal",
    ticket_type: str = "Unclassified",
    owner: str | None = None,
    responsible: str | None = None,
    lock: str = "unlock",
    customer_id: str | None = None,
    articles: list[ArticleSpec] | None = None,
    field_values: Mapping[str, Any] | None = None,
    created: datetime | None = None,
    pending_until: datetime | None = None,
    number: str | None = None,
) -> Ticket:
    """Create a ticket directly in ``helpdesk`` (with history), as the seed data and builder do.

    Holds ``helpdesk.lock`` while it writes; the ticket is dated ``created`` (default: now) without
    touching the shared clock (see ``Helpdesk.frozen_at``).
    """
    with helpdesk.lock:
        data = helpdesk.data
        queue_obj = _require(helpdesk.queue_by_name(queue), "queue", queue)
        state_obj = _require(helpdesk.state_by_name(state), "state", state)
        priority_obj = _require(helpdesk.named_by_name(data.priorities, priority), "priority", priority)
        type_obj = _require(helpdesk.named_by_name(data.types, ticket_type), "type", ticket_type)
        owner_obj = _require(helpdesk.agent_by_login(owner), "agent", owner) if owner else None
        responsible_obj = _require(helpdesk.agent_by_login(responsible), "agent", responsible) if responsible else None
        lock_id = {"unlock": 1, "lock": 2, "tmp_lock": 3}.get(lock)
        _require(lock_id, "lock", lock)
        customer = data.customers.get(customer_user)
        moment = created or helpdesk.now()
        with helpdesk.frozen_at(moment):
            ticket = ticket_core.create_ticket(
                helpdesk,
                title=title,
                queue_id=queue_obj.id,
                state_id=state_obj.id,
                priority_id=priority_obj.id,
                type_id=type_obj.id,
                customer_user=customer_user,
                customer_id=customer_id if customer_id is not None else (customer.customer_id if customer else ""),
                user_id=owner_obj.id if owner_obj else 1,
                responsible_id=responsible_obj.id if responsible_obj else 1,
            )
            if number is not None:
                del data.ticket_numbers[ticket.number]
                ticket.number = number
                data.ticket_numbers[number] = ticket.id
                ticket.history[
                    0
                ].name = f"%%{number}%%{queue_obj.name}%%{priority_obj.name}%%{state_obj.name}%%{ticket.id}"
            for spec in articles if articles is not None else [ArticleSpec(title, title)]:
                # an article's ``created`` also dates everything written after it
                moment = spec.created or moment
                with helpdesk.frozen_at(moment):
                    ticket_core.create_article(
                        helpdesk, ticket, _article_input(helpdesk, ticket, spec), ticket.owner_id
                    )
        with helpdesk.frozen_at(moment):
            for name, value in (field_values or {}).items():
                field_def = _require(data.dynamic_fields.get(name), "dynamic field", name)
                ok, stored = dynamic_fields.normalise(field_def, value)
                if not ok:
                    raise ValueError(f"invalid value {value!r} for dynamic field {name!r}")
                ticket_core.set_ticket_dynamic_field(helpdesk, ticket, field_def, stored, 1)
            if owner_obj is not None:
                ticket_core.set_owner(helpdesk, ticket, owner_obj.id, 1)
            if lock_id != 1:
                ticket_core.set_lock(helpdesk, ticket, lock_id or 1, 1)
            if pending_until is not None:
                ticket_core.set_pending_time(helpdesk, ticket, pending_until, 1)
        return ticket


def _article_input(helpdesk: Helpdesk, ticket: Ticket, spec: ArticleSpec) -> ticket_core.ArticleInput:
    from otobo_znuny.emulator.operations.common import content_type_parts
    from otobo_znuny.emulator.state import CHANNELS, SENDER_TYPES

    sender_id = next((i for i, n in SENDER_TYPES.items() if n == spec.sender_type), None)
    channel_id = next((i for i, n in CHANNELS.items() if n == spec.channel), None)
    if sender_id is None or channel_id is None:
        raise ValueError(f"unknown sender type or channel: {spec.sender_type!r}, {spec.channel!r}")
    customer = helpdesk.data.customers.get(ticket.customer_user)
    default_from = f'"{customer.full_name}" <{customer.email}>' if customer else ticket.customer_user
    mime, charset = content_type_parts(spec.content_type)
    return ticket_core.ArticleInput(
        subject=spec.subject,
        body=spec.body,
        content_type=spec.content_type,
        charset=charset,
        mime_type=mime,
        channel_id=channel_id,
        sender_type_id=sender_id,
        is_visible_for_customer=1 if spec.is_visible_for_customer else 0,
        from_=spec.from_ or default_from,
        to=spec.to or helpdesk.data.queues[ticket.queue_id].name,
        time_unit=spec.time_unit or None,
        history_type="NewTicket" if not ticket.article_ids else "AddNote",
        history_comment="%%" if not ticket.article_ids else "%%Note",
        attachments=[Attachment(0, name, content, ctype) for name, content, ctype in spec.attachments],
    )


_WORDS = [
    "printer",
    "network",
    "invoice",
    "password",
    "login",
    "laptop",
    "vpn",
    "mailbox",
    "license",
    "order",
    "delivery",
    "refund",
    "monitor",
    "keyboard",
    "server",
    "backup",
    "update",
    "upgrade",
    "crash",
    "error",
    "slow",
    "access",
    "account",
    "phone",
]


def generate_tickets(helpdesk: Helpdesk, count: int, *, seed: int = 1, articles_per_ticket: int = 1) -> list[int]:
    """Add ``count`` random tickets quickly (one article each by default); returns their IDs.

    Holds ``helpdesk.lock`` for the whole run, so requests of a running server wait until it is
    done: generate bulk data before serving. Needs at least one queue and one customer user or
    e-mail; raises ``ValueError`` otherwise.
    """
    with helpdesk.lock:
        return _generate(helpdesk, count, seed, articles_per_ticket)


def _generate(helpdesk: Helpdesk, count: int, seed: int, articles_per_ticket: int) -> list[int]:
    data = helpdesk.data
    rng = random.Random(seed)
    queues = [q for q in data.queues.values() if q.valid]
    if not queues:
        raise ValueError("no queue to put tickets in")
    customers = list(data.customers.values()) or None
    states = [s.id for s in data.states.values() if s.type_name not in ("removed", "merged")]
    priorities = list(data.priorities)
    agents = list(data.agents)
    now = helpdesk.now()
    ids: list[int] = []
    for index in range(count):
        created = now - timedelta(minutes=rng.randint(1, 60 * 24 * 365))
        with helpdesk.frozen_at(created):
            customer = rng.choice(customers) if customers else None
            title = " ".join(rng.choice(_WORDS) for _ in range(3)).capitalize() + f" #{index + 1}"
            ticket = ticket_core.create_ticket(
                helpdesk,
                title=title,
                queue_id=rng.choice(queues).id,
                state_id=rng.choice(states),
                priority_id=rng.choice(priorities),
                type_id=1,
                customer_user=customer.login if customer else "customer@example.com",
                customer_id=customer.customer_id if customer else "example.com",
                user_id=1,
            )
            ticket.owner_id = rng.choice(agents)
            for number in range(articles_per_ticket):
                ticket_core.create_article(
                    helpdesk,
                    ticket,
                    ticket_core.ArticleInput(
                        subject=title if number == 0 else f"Re: {title}",
                        body=" ".join(rng.choice(_WORDS) for _ in range(20)),
                        content_type="text/plain; charset=utf-8",
                        charset="utf-8",
                        mime_type="text/plain",
                        channel_id=1,
                        sender_type_id=3 if number % 2 == 0 else 1,
                        is_visible_for_customer=1,
                        from_=customer.email if customer else "customer@example.com",
                        to=data.queues[ticket.queue_id].name,
                        history_type="NewTicket" if number == 0 else "AddNote",
                        history_comment="%%",
                    ),
                    1,
                )
            ids.append(ticket.id)
    return ids
