"""Session operations as ``Call`` factories (pure)."""

from __future__ import annotations

from otobo_znuny.config import TicketOperation
from otobo_znuny.models.session import SessionInfo
from otobo_znuny.operations.call import Call
from otobo_znuny.operations.replies import reply_parser
from otobo_znuny.wire import replies
from otobo_znuny.wire.shapes import WsSessionCreateReply, WsSessionGetReply, WsSuccessReply

__all__ = ["session_create", "session_get", "session_remove"]


def _session_id(reply: WsSessionCreateReply) -> str:
    if not reply.SessionID:
        raise ValueError("the reply has no SessionID")
    return reply.SessionID


def session_create() -> Call[str]:
    """SessionCreate with the client's login and password; returns the new SessionID."""
    return Call(
        TicketOperation.SESSION_CREATE,
        {},
        reply_parser("SessionCreate", WsSessionCreateReply, _session_id),
        auth="password",
    )


def session_get(session_id: str) -> Call[SessionInfo]:
    """SessionGet: what the server stores for a session (needs no other credentials)."""
    return Call(
        TicketOperation.SESSION_GET,
        {"SessionID": session_id},
        reply_parser("SessionGet", WsSessionGetReply, lambda reply: replies.session_info_from_wire(reply.SessionData)),
        auth="none",
    )


def session_remove(session_id: str) -> Call[bool]:
    """SessionRemove (Znuny): needs the login and password as well as the SessionID to remove."""
    return Call(
        TicketOperation.SESSION_REMOVE,
        {"SessionID": session_id},
        reply_parser("SessionRemove", WsSuccessReply, lambda reply: bool(reply.Success)),
        auth="password",
    )
