"""Compatibility module (otobo-znuny 1.4 path): a ``ClientConfig`` from a web service's YAML export.

Unlike 1.4, which mapped each operation to its *name* and let the client pick the method, the routes and
methods come from the file's ``RouteOperationMapping`` (``ClientConfig.from_webservice_yaml``), so a
``ticket-update`` route configured for PUT only is sent as PUT.
"""

from __future__ import annotations

from pathlib import Path

from otobo_znuny.config import ClientConfig, TicketOperation

__all__ = ["TYPE_TO_ENUM", "create_otobo_client_config"]

TYPE_TO_ENUM: dict[str, TicketOperation] = {op.type: op for op in TicketOperation}
"""``"Ticket::TicketGet"`` -> ``TicketOperation.GET`` ... (every operation this client knows)."""


def create_otobo_client_config(webservice_yaml_path: str | Path, base_url: str, service: str) -> ClientConfig:
    """The routes of the web service exported to ``webservice_yaml_path``, served at ``base_url`` as ``service``.

    Raises:
        ConfigurationError: the file cannot be read or has no usable routes (also a ValueError, as in 1.4).
    """
    return ClientConfig.from_webservice_yaml(base_url, webservice_yaml_path, webservice_name=service)
