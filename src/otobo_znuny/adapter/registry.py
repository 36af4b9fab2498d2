"""Adapters by provider key: ``create_adapter(SystemConfig)`` builds the adapter its ``provider_key`` names.

``otobo``, ``znuny`` and ``otobo_znuny`` are built in; ``register_adapter`` adds others.
"""

from __future__ import annotations

from otobo_znuny.adapter.base import SystemConfig, TicketSystemAdapter
from otobo_znuny.adapter.errors import AdapterConfigurationError
from otobo_znuny.adapter.otobo import OTOBOAdapter

__all__ = ["create_adapter", "register_adapter", "registered_providers"]

_ADAPTERS: dict[str, type[TicketSystemAdapter]] = {
    "otobo": OTOBOAdapter,
    "znuny": OTOBOAdapter,
    "otobo_znuny": OTOBOAdapter,
}


def register_adapter(provider_key: str, adapter: type[TicketSystemAdapter]) -> None:
    """Make ``create_adapter`` build ``adapter`` for ``provider_key`` (case-insensitive).

    Raises:
        TypeError: ``adapter`` is not a ``TicketSystemAdapter`` subclass.
    """
    if not (isinstance(adapter, type) and issubclass(adapter, TicketSystemAdapter)):
        raise TypeError(f"adapter must be a TicketSystemAdapter subclass, not {adapter!r}")
    _ADAPTERS[provider_key.strip().lower()] = adapter


def registered_providers() -> list[str]:
    """The provider keys ``create_adapter`` knows, sorted."""
    return sorted(_ADAPTERS)


def create_adapter(config: SystemConfig) -> TicketSystemAdapter:
    """The adapter for ``config.provider_key``, built from ``config``.

    Raises:
        AdapterConfigurationError: the provider key is unknown, or the adapter refuses ``config``.
    """
    adapter = _ADAPTERS.get(config.provider_key.lower())
    if adapter is None:
        known = ", ".join(registered_providers())
        raise AdapterConfigurationError(config.id, {"provider_key": f"unknown {config.provider_key!r}; known: {known}"})
    return adapter(config)
