"""Credentials: an agent or customer-user login with a password, or an existing session."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, SecretStr, field_validator, model_validator

__all__ = ["BasicAuth", "SessionAuth"]


class BasicAuth(BaseModel):
    """An agent login (``user_login``) or a customer-user login (``customer_user_login``) and its password.

    The password is a ``SecretStr``: it never shows in ``repr``/``str``/logs.

    Raises:
        pydantic.ValidationError: neither or both logins are given, or the password is empty.
    """

    model_config = ConfigDict(frozen=True)

    user_login: str | None = None
    customer_user_login: str | None = None
    password: SecretStr

    @field_validator("user_login", "customer_user_login")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not value:
            raise ValueError("login must not be empty")
        return value

    @field_validator("password")
    @classmethod
    def _non_empty(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value():
            raise ValueError("password must not be empty")
        return value

    @model_validator(mode="after")
    def _exactly_one_login(self) -> BasicAuth:
        if (self.user_login is None) == (self.customer_user_login is None):
            raise ValueError("give exactly one of user_login (agent) or customer_user_login (customer user)")
        return self

    @property
    def login_name(self) -> str:
        """The login, whichever kind it is."""
        return self.user_login or self.customer_user_login or ""

    @property
    def is_customer(self) -> bool:
        """True for a customer-user login."""
        return self.customer_user_login is not None


class SessionAuth(BaseModel):
    """An existing SessionID (e.g. from ``otobo-znuny session create``).

    Without a password the client cannot renew an expired session: it raises
    ``SessionExpiredError`` instead.
    """

    model_config = ConfigDict(frozen=True)

    session_id: SecretStr

    @field_validator("session_id")
    @classmethod
    def _non_empty(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("session_id must not be empty")
        return value
