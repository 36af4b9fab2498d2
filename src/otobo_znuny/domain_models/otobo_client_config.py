"""Compatibility module (documented path): re-exports, and 1.4's ``OperationUrlMap`` alias."""

from typing import TypeAlias

from otobo_znuny.config import ClientConfig, Route, ServerFlavor, TicketOperation

OperationUrlMap: TypeAlias = dict[TicketOperation, str | Route]
"""``ClientConfig.operation_url_map``: a path (plain string) or a ``Route`` per operation."""

__all__ = ["ClientConfig", "OperationUrlMap", "Route", "ServerFlavor"]
