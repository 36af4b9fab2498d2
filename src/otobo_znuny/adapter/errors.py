"""Errors of the adapter layer. Each is also an error of the client's hierarchy.

    RequestValidationError (ValueError)
    ├── InvalidQueryError         a query dict for find_tickets/find_first_ticket was refused
    └── InvalidTicketDataError    a data dict for update_ticket/create_ticket was refused
    ConfigurationError (ValueError)
    └── AdapterConfigurationError SystemConfig.params do not make a valid adapter configuration

``field`` names the offending key as the caller wrote it (``Queues``, ``DynamicField_OrderID.Equals``,
``Article.Body``), so the message points at the line of the automation's configuration to fix.
"""

from __future__ import annotations

from collections.abc import Mapping

from otobo_znuny.errors import ConfigurationError, RequestValidationError

__all__ = ["AdapterConfigurationError", "InvalidQueryError", "InvalidTicketDataError"]


class InvalidQueryError(RequestValidationError):
    """A query dict was refused before anything was sent; ``field`` names the key, ``problem`` says why."""


class InvalidTicketDataError(RequestValidationError):
    """A ticket data dict was refused before anything was sent; ``field`` names the key."""


class AdapterConfigurationError(ConfigurationError):
    """The adapter configuration is incomplete or invalid.

    ``problems`` maps each offending field (``server_address``, ``password_env_var``...) to what is
    wrong with it. Messages never contain the password.
    """

    def __init__(self, system_id: str, problems: Mapping[str, str]) -> None:
        self.system_id = system_id
        self.problems = dict(problems)
        details = "; ".join(f"{field}: {problem}" for field, problem in self.problems.items())
        super().__init__(f"adapter configuration {system_id!r} is invalid: {details}")
