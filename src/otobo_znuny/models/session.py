"""Session data (SessionGet)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from otobo_znuny.models.base import DomainModel

__all__ = ["SessionInfo"]


class SessionInfo(DomainModel):
    """What the server stores for a session: ``data`` maps each key of SessionData to its value."""

    data: dict[str, Any] = Field(default_factory=dict)

    @property
    def user_id(self) -> int | None:
        """The numeric user ID, when present."""
        value = self.data.get("UserID")
        text = str(value)
        return int(text) if value not in (None, "") and text.isascii() and text.isdigit() else None

    @property
    def user_login(self) -> str | None:
        """The login (agent ``UserLogin``)."""
        value = self.data.get("UserLogin")
        return str(value) if value is not None else None

    @property
    def user_type(self) -> str | None:
        """``User`` for agents, ``Customer`` for customer users."""
        value = self.data.get("UserType")
        return str(value) if value is not None else None
