"""Seed data: ``lab`` (the lab systems of the recordings; ``znuny_lab`` is its older name), ``demo``
and ``empty``. Every seed takes the server flavour; ``lab`` follows it in the data a fresh
installation of that server has (built-in dynamic fields, the welcome ticket)."""

from __future__ import annotations

from datetime import timedelta

from otobo_znuny.emulator.builder import ArticleSpec, HelpdeskBuilder
from otobo_znuny.emulator.flavors import ZNUNY, Flavor, get_flavor
from otobo_znuny.emulator.state import Clock, Helpdesk, utc_now

SEEDS = ("lab", "znuny_lab", "demo", "empty")

LAB_TAGS = ("urgent", "vip", "billing", "bug", "feature")


def _standard_queues(builder: HelpdeskBuilder) -> HelpdeskBuilder:
    return (
        builder.queue("Postmaster", queue_id=1)
        .queue("Raw", queue_id=2)
        .queue("Junk", queue_id=3)
        .queue("Misc", queue_id=4)
    )


def lab(clock: Clock = utc_now, flavor: str | Flavor = ZNUNY) -> Helpdesk:
    """The lab system of the recordings (Znuny 7.0.19, OTOBO 11.0.6): queues 1-4, ``api-agent`` /
    ``api-secret-1`` (ID 2), ``customer-1``, the fields ``OrderID`` and ``Tags``, the server's
    built-in dynamic fields and its welcome ticket 1."""
    chosen = get_flavor(flavor)
    builder = HelpdeskBuilder(clock, flavor=chosen)
    builder.group("timeaccounting_webservice")
    _standard_queues(builder)
    builder.agent(
        "api-agent",
        "api-secret-1",
        first_name="API",
        last_name="Agent",
        email="api-agent@example.com",
        groups={"users": "rw", "admin": "rw", "stats": "rw", "timeaccounting_webservice": "rw"},
        agent_id=2,
    )
    builder.customer_user(
        "customer-1",
        "customer-secret-1",
        email="customer@example.com",
        first_name="Carla",
        last_name="Customer",
        customer_id="customer-company-1",
    )
    builder.dynamic_field("OrderID", "Text", label="Order ID")
    builder.dynamic_field("Tags", "Multiselect", possible_values=LAB_TAGS)
    for name, field_type in chosen.builtin_dynamic_fields:
        builder.dynamic_field(name, field_type)
    helpdesk = builder.build()
    now = helpdesk.now()
    welcome = chosen.welcome
    builder.ticket(
        welcome.title,
        queue="Raw",
        customer_user="customer@example.com",
        customer_id=welcome.customer_id,
        number=welcome.number,
        created=now - timedelta(days=30),
        articles=[ArticleSpec(welcome.title, welcome.body, sender_type="customer", from_=welcome.sender)],
    )
    # the live system's ticket-number counter was reset for the recording day
    helpdesk.data.tn_counters.clear()
    return helpdesk


_DEMO_TICKETS = [
    ("Printer on floor 2 jams constantly", "Support::Hardware", "open", "3 normal", "hardware"),
    ("Cannot log in to the VPN", "Support", "new", "4 high", "network"),
    ("Invoice 2024-0117 shows the wrong amount", "Billing", "open", "3 normal", "billing"),
    ("Request for a quote: 25 laptops", "Sales", "new", "3 normal", "sales"),
    ("Mailbox full, cannot receive mail", "Support", "closed successful", "4 high", "mail"),
    ("Monitor flickers after update", "Support::Hardware", "pending reminder", "2 low", "hardware"),
    ("Refund for cancelled order", "Billing", "closed successful", "3 normal", "billing"),
    ("Password reset does not arrive", "Support", "open", "5 very high", "account"),
    ("Keyboard missing keys", "Support::Hardware", "new", "1 very low", "hardware"),
    ("License renewal for design software", "Sales", "open", "3 normal", "sales"),
    ("Backup job failed last night", "Support", "open", "5 very high", "server"),
    ("Duplicate charge on credit card", "Billing", "new", "4 high", "billing"),
    ("Laptop battery drains quickly", "Support::Hardware", "closed unsuccessful", "2 low", "hardware"),
    ("Shared drive is very slow", "Support", "pending auto close+", "3 normal", "network"),
    ("Change billing address", "Billing", "closed successful", "2 low", "billing"),
    ("Demo of the premium plan", "Sales", "new", "3 normal", "sales"),
    ("Phone line drops calls", "Support", "open", "4 high", "network"),
    ("Order 8812 not delivered", "Sales", "open", "4 high", "sales"),
    ("New employee needs an account", "Support", "new", "3 normal", "account"),
    ("Docking station not detected", "Support::Hardware", "open", "3 normal", "hardware"),
    ("Upgrade to 64 GB RAM", "Support::Hardware", "pending reminder", "2 low", "hardware"),
    ("Spam wave in the support mailbox", "Junk", "closed successful", "1 very low", "mail"),
    ("Annual contract renewal", "Sales", "closed successful", "3 normal", "sales"),
    ("Web shop checkout error 500", "Support", "open", "5 very high", "server"),
    ("Tax ID missing on invoice", "Billing", "open", "3 normal", "billing"),
    ("Conference room projector broken", "Support::Hardware", "new", "3 normal", "hardware"),
    ("Access to the HR folder", "Support", "closed successful", "2 low", "account"),
    ("Newsletter unsubscribe does not work", "Misc", "new", "2 low", "mail"),
    ("Bulk discount for 100 licences", "Sales", "pending reminder", "3 normal", "sales"),
    ("Server room temperature alarm", "Support", "closed successful", "5 very high", "server"),
]

_DEMO_CUSTOMERS = [
    ("carla", "Carla", "Customer", "carla@acme.example", "ACME"),
    ("dave", "Dave", "Miller", "dave@acme.example", "ACME"),
    ("erin", "Erin", "Novak", "erin@globex.example", "GLOBEX"),
    ("frank", "Frank", "Ortega", "frank@initech.example", "INITECH"),
]


def znuny_lab(clock: Clock = utc_now, flavor: str | Flavor = ZNUNY) -> Helpdesk:
    """The ``lab`` seed under its older name."""
    return lab(clock, flavor)


def demo(clock: Clock = utc_now, flavor: str | Flavor = ZNUNY) -> Helpdesk:
    """A small realistic helpdesk: queues incl. ``Support::Hardware``, agents ``alice``/``bob``/
    ``api-agent``, customers, fields ``OrderID`` (Text), ``Tags`` (Multiselect), ``DueDate`` (Date)
    and 30 tickets with articles and some attachments."""
    builder = HelpdeskBuilder(clock, flavor=flavor)
    builder.group("support").group("sales").group("billing").group("timeaccounting_webservice")
    _standard_queues(builder)
    builder.queue("Support", group="support").queue("Support::Hardware", group="support")
    builder.queue("Sales", group="sales").queue("Billing", group="billing")
    all_rw = {"users": "rw", "support": "rw", "sales": "rw", "billing": "rw"}
    builder.agent(
        "api-agent",
        "api-secret-1",
        first_name="API",
        last_name="Agent",
        email="api-agent@example.com",
        groups={**all_rw, "admin": "rw", "timeaccounting_webservice": "rw"},
    )
    builder.agent("alice", "alice-pw", first_name="Alice", last_name="Archer", groups=all_rw)
    builder.agent("bob", "bob-pw", first_name="Bob", last_name="Baker", groups={"users": "rw", "support": "ro,note"})
    for login, first, last, email, company in _DEMO_CUSTOMERS:
        builder.customer_user(login, f"{login}-pw", email=email, first_name=first, last_name=last, customer_id=company)
    builder.dynamic_field("OrderID", "Text", label="Order ID")
    builder.dynamic_field("Tags", "Multiselect", possible_values=(*LAB_TAGS, "hardware", "network"))
    builder.dynamic_field("DueDate", "Date", label="Due date")
    helpdesk = builder.build()
    now = helpdesk.now()
    owners = ["alice", "api-agent", "alice", "bob"]
    for index, (title, queue, state, priority, topic) in enumerate(_DEMO_TICKETS):
        customer = _DEMO_CUSTOMERS[index % len(_DEMO_CUSTOMERS)]
        created = now - timedelta(days=60 - 2 * index, hours=index % 7)
        articles = [
            ArticleSpec(
                title,
                f"Hello,\n\n{title.lower()}. Could you please have a look?\n\nRegards, {customer[1]}",
                sender_type="customer",
                channel="Email",
                created=created,
                attachments=[("screenshot.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")]
                if index % 5 == 0
                else [],
            ),
            ArticleSpec(
                f"Re: {title}",
                "Thanks for reaching out, we are looking into it.",
                sender_type="agent",
                channel="Email",
                from_="Support <support@example.com>",
                created=created + timedelta(hours=2),
                time_unit=15 if index % 3 == 0 else 0,
            ),
        ]
        if index % 4 == 0:
            articles.append(
                ArticleSpec(
                    "Internal note",
                    f"Checked the {topic} logs.",
                    sender_type="agent",
                    channel="Internal",
                    is_visible_for_customer=False,
                    created=created + timedelta(hours=5),
                )
            )
        fields: dict[str, object] = {"Tags": [topic] if topic in ("hardware", "network", "billing") else ["feature"]}
        if queue in ("Sales", "Billing"):
            fields["OrderID"] = f"ORD-{1000 + index}"
        if state.startswith("pending") or index % 6 == 0:
            fields["DueDate"] = (created + timedelta(days=14)).strftime("%Y-%m-%d 00:00:00")
        builder.ticket(
            title,
            queue=queue,
            customer_user=customer[0],
            state=state,
            priority=priority,
            owner=owners[index % len(owners)],
            articles=articles,
            dynamic_fields=fields,
            created=created,
            pending_until=now + timedelta(days=3) if state.startswith("pending") else None,
        )
    return helpdesk


def empty(clock: Clock = utc_now, flavor: str | Flavor = ZNUNY) -> Helpdesk:
    """Standard states/priorities/types, root agent, queues 1-4, no tickets."""
    return _standard_queues(HelpdeskBuilder(clock, flavor=flavor)).build()


def build(name: str, clock: Clock = utc_now, flavor: str | Flavor = ZNUNY) -> Helpdesk:
    """The seed called ``name`` for a server of ``flavor``; raises ``ValueError`` for unknown names."""
    factories = {"lab": lab, "znuny_lab": znuny_lab, "demo": demo, "empty": empty}
    if name not in factories:
        raise ValueError(f"unknown seed {name!r}; choose one of {', '.join(SEEDS)}")
    return factories[name](clock, flavor)
