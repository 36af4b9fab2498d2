"""SessionCreate, SessionGet and SessionRemove (``Session::*``)."""

from __future__ import annotations

import secrets
import string
from typing import Any

from otobo_znuny.emulator.operations.common import check_password, session_valid
from otobo_znuny.emulator.state import Helpdesk, Session, epoch, fmt_time
from otobo_znuny.emulator.wire import OperationError, as_str, is_string_with_data, is_true

_ALPHABET = string.ascii_letters + string.digits


def new_session_id() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(32))


def create(helpdesk: Helpdesk, params: Any, *, remote_addr: str = "127.0.0.1", user_agent: str = "") -> dict[str, Any]:
    """Create a session for an agent or a customer user; raises OperationError."""
    if not isinstance(params, dict) or not params:
        raise OperationError("SessionCreate.MissingParameter", "SessionCreate: The request is empty!")
    if not is_true(params.get("Password")):  # a Perl truth test, not a string check (SessionCreate.pm)
        raise OperationError("SessionCreate.MissingParameter", "SessionCreate: Password parameter is missing!")
    caller = check_password(helpdesk, params)
    if caller is None:
        raise OperationError("SessionCreate.AuthFail", "SessionCreate: Authorization failing!")
    session = Session(
        id=new_session_id(),
        user_type=caller.user_type,
        login=caller.login,
        user_id=caller.agent.id if caller.agent else None,
        created=helpdesk.now(),
        remote_addr=remote_addr,
        user_agent=user_agent,
    )
    helpdesk.data.sessions[session.id] = session
    helpdesk.mark_session(session.id)
    return {"SessionID": session.id}


def session_data(helpdesk: Helpdesk, session: Session) -> dict[str, Any]:
    """The key/value data stored with a session (user record + preferences + session keys); the
    preferences of a fresh agent differ between the servers (``flavor.agent_session_defaults``)."""
    start = epoch(session.created)
    values: dict[str, Any] = {
        "SessionSource": "GenericInterface",
        "UserLastRequest": str(start),
        "UserRemoteAddr": session.remote_addr,
        "UserRemoteUserAgent": session.user_agent,
        "UserSessionStart": str(start),
        "UserType": session.user_type,
    }
    if session.user_type == "User":
        agent = helpdesk.data.agents[session.user_id or 0]
        values.update(helpdesk.flavor.agent_session_defaults)
        values.update(
            {
                "ChangeTime": fmt_time(agent.created),
                "CreateTime": fmt_time(agent.created),
                "UserEmail": agent.email,
                "UserFirstname": agent.first_name,
                "UserFullname": agent.full_name,
                "UserID": str(agent.id),
                "UserLastLogin": str(start),
                "UserLastLoginTimestamp": fmt_time(session.created),
                "UserLastname": agent.last_name,
                "UserLogin": agent.login,
                "UserLoginFailed": "0",
                "UserTitle": None,
                "ValidID": "1" if agent.valid else "2",
            }
        )
        values.update(agent.preferences)
    else:
        customer = helpdesk.data.customers[session.login]
        values.update(
            {
                "ChangeTime": fmt_time(customer.created),
                "CreateTime": fmt_time(customer.created),
                "UserCustomerID": customer.customer_id,
                "UserEmail": customer.email,
                "UserFirstname": customer.first_name,
                "UserFullname": customer.full_name,
                "UserID": customer.login,
                "UserLastLogin": str(start),
                "UserLastname": customer.last_name,
                "UserLogin": customer.login,
                "UserTitle": None,
                "ValidID": "1" if customer.valid else "2",
            }
        )
    return values


def get(helpdesk: Helpdesk, params: Any) -> dict[str, Any]:
    """Return ``{"SessionData": [{"Key","Value"}...]}`` sorted by key; raises OperationError."""
    if not isinstance(params, dict) or not params:
        raise OperationError("SessionGet.MissingParameter", "SessionGet: The request is empty!")
    if not is_string_with_data(params.get("SessionID")):
        raise OperationError("SessionGet.MissingParameter", "SessionGet: SessionID is missing!")
    session = helpdesk.data.sessions.get(as_str(params["SessionID"]))
    if session is None or not session_valid(helpdesk, session):
        raise OperationError("SessionGet.SessionInvalid", "SessionGet: SessionID is Invalid!")
    values = session_data(helpdesk, session)
    return {"SessionData": [{"Key": key, "Value": values[key]} for key in sorted(values)]}


def remove(helpdesk: Helpdesk, params: Any) -> dict[str, Any]:
    """Remove a session; the caller must authenticate with login + password (Znuny only: OTOBO 11
    has no such operation, the emulator answers it with the fault of ``flavors``)."""
    if not isinstance(params, dict) or not params:
        raise OperationError("SessionRemove.MissingParameter", "SessionRemove: The request is empty!")
    if not is_string_with_data(params.get("SessionID")):
        raise OperationError("SessionRemove.MissingParameter", "SessionRemove: SessionID parameter is missing!")
    target_id = as_str(params["SessionID"])
    # The SessionID to remove is taken out of the data before authentication.
    caller = check_password(helpdesk, {k: v for k, v in params.items() if k != "SessionID"})
    if caller is None:
        raise OperationError("SessionRemove.AuthFail", "SessionRemove: Authorization failed!")
    target = helpdesk.data.sessions.get(target_id)
    if target is not None:
        own = target.user_type == caller.user_type and target.login == caller.login
        if not own:
            if caller.customer is not None:
                raise OperationError(
                    "SessionRemove.AuthFail",
                    "SessionRemove: Customer users can only remove their own sessions!",
                )
            if caller.agent is not None and not caller.agent.has("admin", "rw"):
                raise OperationError(
                    "SessionRemove.AuthFail",
                    "SessionRemove: User needs rw permission in group admin to remove sessions of other users!",
                )
        del helpdesk.data.sessions[target_id]
        helpdesk.mark_session(target_id)
    return {"Success": 1}
