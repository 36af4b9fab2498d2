"""Shared pieces of the operations: authentication, permissions and lookups by name or ID."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from otobo_znuny.emulator.state import (
    Agent,
    CustomerUser,
    Helpdesk,
    Named,
    Queue,
    Session,
    State,
    Ticket,
    password_hash,
    password_matches,
)
from otobo_znuny.emulator.wire import as_str, charset_of, is_digits, is_string_with_data

#: SysConfig ``CustomerPanelUserID``: writes of customers are attributed to this agent.
CUSTOMER_PANEL_USER_ID = 1

_EMAIL = re.compile(r"^[^@\s<>\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$")


@dataclass
class Caller:
    """An authenticated caller."""

    user_type: str  # "User" or "Customer"
    login: str
    agent: Agent | None = None
    customer: CustomerUser | None = None

    @property
    def user_id(self) -> int:
        """The acting user ID (agents: themselves; customers: CustomerPanelUserID)."""
        return self.agent.id if self.agent else CUSTOMER_PANEL_USER_ID


#: The client address of the request being handled (set by the emulator core around each request).
_REMOTE_ADDR: ContextVar[str | None] = ContextVar("emulator_remote_addr", default=None)


@contextmanager
def remote_address(address: str | None) -> Iterator[None]:
    """Handle the enclosed request as coming from ``address`` (for ``SessionCheckRemoteIP``)."""
    token = _REMOTE_ADDR.set(address)
    try:
        yield
    finally:
        _REMOTE_ADDR.reset(token)


def session_valid(helpdesk: Helpdesk, session: Session) -> bool:
    """GI sessions die ``SessionMaxIdleTime`` after creation (the GI never refreshes them) and, with
    ``SessionCheckRemoteIP`` (the default), work only from the address that created them."""
    age = (helpdesk.now() - session.created).total_seconds()
    if not (age < helpdesk.session_max_idle_time and age < helpdesk.session_max_time):
        return False
    address = _REMOTE_ADDR.get()
    return not (helpdesk.session_check_remote_ip and address is not None and address != session.remote_addr)


def caller_from_session(helpdesk: Helpdesk, session_id: str) -> Caller | None:
    session = helpdesk.data.sessions.get(session_id)
    if session is None or not session_valid(helpdesk, session):
        return None
    if session.user_type == "User":
        agent = helpdesk.data.agents.get(session.user_id or 0)
        if agent is None or not agent.valid:
            return None
        return Caller("User", agent.login, agent=agent)
    customer = helpdesk.data.customers.get(session.login)
    if customer is None or not customer.valid:
        return None
    return Caller("Customer", customer.login, customer=customer)


#: ``(password, iterations, hash)`` of the current request, hashed before ``helpdesk.lock`` was taken.
_PREHASHED: ContextVar[tuple[str, int, bytes] | None] = ContextVar("emulator_prehashed_password", default=None)


@contextmanager
def prehashed_password(params: Any, iterations: int) -> Iterator[None]:
    """Hash the request's ``Password`` now (call this *outside* ``helpdesk.lock``) so that
    :func:`check_password` under the lock only looks the user up and compares digests."""
    password = params.get("Password") if isinstance(params, dict) else None
    has_login = isinstance(params, dict) and (
        is_string_with_data(params.get("UserLogin")) or is_string_with_data(params.get("CustomerUserLogin"))
    )
    if not (is_string_with_data(password) and has_login):
        yield
        return
    text = as_str(password)
    token = _PREHASHED.set((text, iterations, password_hash(text, iterations)))
    try:
        yield
    finally:
        _PREHASHED.reset(token)


def _password_ok(stored: str, given: str, iterations: int) -> bool:
    prehashed = _PREHASHED.get()
    given_hash = prehashed[2] if prehashed is not None and prehashed[:2] == (given, iterations) else None
    return password_matches(stored, given, iterations, given_hash)


def check_password(helpdesk: Helpdesk, params: dict[str, Any]) -> Caller | None:
    """Agent (``UserLogin`` wins) or customer login with ``Password``."""
    password = params.get("Password")
    if not is_string_with_data(password):
        return None
    if is_string_with_data(params.get("UserLogin")):
        agent = helpdesk.agent_by_login(as_str(params["UserLogin"]))
        if agent and agent.valid and _password_ok(agent.password, as_str(password), helpdesk.password_hash_iterations):
            return Caller("User", agent.login, agent=agent)
        return None
    if is_string_with_data(params.get("CustomerUserLogin")):
        customer = helpdesk.data.customers.get(as_str(params["CustomerUserLogin"]))
        if (
            customer
            and customer.valid
            and _password_ok(customer.password, as_str(password), helpdesk.password_hash_iterations)
        ):
            return Caller("Customer", customer.login, customer=customer)
    return None


def authenticate(helpdesk: Helpdesk, params: dict[str, Any]) -> Caller | None:
    """``Operation/Common.pm`` Auth: a non-empty SessionID is the only thing checked."""
    if is_string_with_data(params.get("SessionID")):
        return caller_from_session(helpdesk, as_str(params["SessionID"]))
    return check_password(helpdesk, params)


def ticket_permission(helpdesk: Helpdesk, caller: Caller, ticket: Ticket, permission: str) -> bool:
    """Agents: the permission on the queue's group; customers: their own tickets (any permission)."""
    if caller.agent is not None:
        queue = helpdesk.data.queues.get(ticket.queue_id)
        return queue is not None and caller.agent.has(queue.group, permission)
    customer = caller.customer
    if customer is None:
        return False
    return ticket.customer_user == customer.login or (
        bool(customer.customer_id) and ticket.customer_id == customer.customer_id
    )


def queue_permission(caller: Caller, queue: Queue, permission: str) -> bool:
    if caller.agent is not None:
        return caller.agent.has(queue.group, permission)
    return True  # CustomerGroupSupport is off: customers may use every queue


def missing_credentials(prefix: str, params: dict[str, Any]) -> tuple[str, str] | None:
    """The MissingParameter check shared by TicketCreate and TicketUpdate."""
    has_session = is_string_with_data(params.get("SessionID"))
    has_login = is_string_with_data(params.get("UserLogin")) or is_string_with_data(params.get("CustomerUserLogin"))
    if not has_session and not has_login:
        return (
            f"{prefix}.MissingParameter",
            f"{prefix}: UserLogin, CustomerUserLogin or SessionID is required!",
        )
    if has_login and not has_session and not is_string_with_data(params.get("Password")):
        return (f"{prefix}.MissingParameter", f"{prefix}: Password or SessionID is required!")
    return None


def _by_id_or_name(table: dict[int, Any], data: dict[str, Any], id_key: str, name_key: str) -> Any:
    """The ID wins when both are given (validation order of the Perl code)."""
    if is_string_with_data(data.get(id_key)):
        raw = as_str(data[id_key])
        item = table.get(int(raw)) if is_digits(raw) else None
    elif is_string_with_data(data.get(name_key)):
        name = as_str(data[name_key])
        item = next((x for x in table.values() if x.name == name), None)
    else:
        return None
    if item is None or not getattr(item, "valid", True):
        return None
    return item


def lookup_queue(helpdesk: Helpdesk, data: dict[str, Any]) -> Queue | None:
    found: Queue | None = _by_id_or_name(helpdesk.data.queues, data, "QueueID", "Queue")
    return found


def lookup_state(helpdesk: Helpdesk, data: dict[str, Any]) -> State | None:
    found: State | None = _by_id_or_name(helpdesk.data.states, data, "StateID", "State")
    return found


def lookup_priority(helpdesk: Helpdesk, data: dict[str, Any]) -> Named | None:
    found: Named | None = _by_id_or_name(helpdesk.data.priorities, data, "PriorityID", "Priority")
    return found


def lookup_type(helpdesk: Helpdesk, data: dict[str, Any]) -> Named | None:
    found: Named | None = _by_id_or_name(helpdesk.data.types, data, "TypeID", "Type")
    return found


def lookup_agent(helpdesk: Helpdesk, data: dict[str, Any], id_key: str, name_key: str) -> Agent | None:
    if is_string_with_data(data.get(id_key)):
        raw = as_str(data[id_key])
        agent = helpdesk.data.agents.get(int(raw)) if is_digits(raw) else None
    elif is_string_with_data(data.get(name_key)):
        agent = helpdesk.agent_by_login(as_str(data[name_key]))
    else:
        return None
    return agent if agent and agent.valid else None


def lookup_lock(data: dict[str, Any]) -> int | None:
    from otobo_znuny.emulator.state import LOCKS

    if is_string_with_data(data.get("LockID")):
        raw = as_str(data["LockID"])
        return int(raw) if is_digits(raw) and int(raw) in LOCKS else None
    if is_string_with_data(data.get("Lock")):
        name = as_str(data["Lock"])
        return next((i for i, n in LOCKS.items() if n == name), None)
    return None


def valid_charset(charset: str) -> bool:
    if not charset:
        return False
    try:
        codecs.lookup(charset)
    except LookupError:
        return False
    return True


def valid_mime_type(mime: str) -> bool:
    return bool(re.fullmatch(r"\w+/\w+", mime))


def content_type_parts(content_type: str) -> tuple[str, str]:
    """``(mime type, charset)`` of a ContentType value, as the Perl checks extract them."""
    mime_match = re.match(r"^(\w+/\w+)", content_type)
    return (mime_match.group(1) if mime_match else ""), charset_of(content_type)


def valid_email_list(value: str) -> bool:
    from email.utils import getaddresses

    addresses = getaddresses([value])
    if not addresses:
        return False
    return all(_EMAIL.match(addr) for _, addr in addresses)


def trim(data: dict[str, Any]) -> dict[str, Any]:
    """Top-level string values whitespace-trimmed (as every ticket operation does)."""
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
