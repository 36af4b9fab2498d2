"""Credentials: an agent or customer-user login with a password, or an existing session."""

from __future__ import annotations

from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    SecretStr,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from otobo_znuny.errors import RequestValidationError

__all__ = ["BasicAuth", "SecretDumpModel", "SessionAuth"]

_WITH_SECRETS = "otobo_znuny.with_secrets"


class SecretDumpModel(BaseModel):
    """A model whose ``SecretStr`` fields stay masked when dumped, unless asked for with ``with_secrets=True``.

    ``model_dump(with_secrets=True)`` and ``model_dump_json(with_secrets=True)`` return the secrets in
    clear (the original library's ``SafeBaseModel``); every other dump, ``repr`` and ``str`` keep them
    masked. A ``ValidationError`` raised while building one does not show the input (pydantic's
    ``input_value`` would hold the password in clear).
    """

    model_config = ConfigDict(hide_input_in_errors=True)

    @model_serializer(mode="wrap")
    def _reveal_secrets(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        data = handler(self)
        context = info.context
        if not (isinstance(context, dict) and context.get(_WITH_SECRETS) and isinstance(data, dict)):
            return data
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            key = (field.serialization_alias or field.alias or name) if info.by_alias else name
            if isinstance(value, SecretStr) and key in data:
                data[key] = value.get_secret_value()
        return data

    def model_dump(self, *, with_secrets: bool = False, **kwargs: Any) -> dict[str, Any]:
        """``BaseModel.model_dump``; ``with_secrets=True`` puts the ``SecretStr`` values in clear."""
        return super().model_dump(**_with_secrets_context(with_secrets, kwargs))

    def model_dump_json(self, *, with_secrets: bool = False, **kwargs: Any) -> str:
        """``BaseModel.model_dump_json``; ``with_secrets=True`` puts the ``SecretStr`` values in clear."""
        return super().model_dump_json(**_with_secrets_context(with_secrets, kwargs))


def _with_secrets_context(with_secrets: bool, kwargs: dict[str, Any]) -> dict[str, Any]:
    if with_secrets:
        context = kwargs.get("context")
        kwargs["context"] = {**(context if isinstance(context, dict) else {}), _WITH_SECRETS: True}
    return kwargs


class BasicAuth(SecretDumpModel):
    """An agent login (``user_login``) or a customer-user login (``customer_user_login``) and its password.

    The password is a ``SecretStr``: it never shows in ``repr``/``str``/logs, nor in ``model_dump()``
    unless asked for with ``model_dump(with_secrets=True)``. An empty login or password is refused
    by ``login()`` (before anything is sent), not here.

    Raises:
        pydantic.ValidationError: neither or both logins are given.
    """

    model_config = ConfigDict(frozen=True)

    user_login: str | None = None
    customer_user_login: str | None = None
    password: SecretStr

    @field_validator("user_login", "customer_user_login")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return None if value is None else value.strip()

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

    def check_usable(self) -> None:
        """Raise ``RequestValidationError`` for an empty login or password (the server refuses both)."""
        if not self.login_name:
            raise RequestValidationError(
                "customer_user_login" if self.is_customer else "user_login", "must not be empty"
            )
        if not self.password.get_secret_value():
            raise RequestValidationError("password", "must not be empty")


class SessionAuth(SecretDumpModel):
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
