"""Adapters by provider key: ``create_adapter(SystemConfig)`` builds the adapter its ``provider_key`` names.

``otobo``, ``znuny`` and ``otobo_znuny`` are built in; ``register_adapter`` adds others and
``unregister_adapter`` takes them away again (tests undo what they registered).
"""

from __future__ import annotations

from otobo_znuny.adapter.base import SystemConfig, TicketSystemAdapter
from otobo_znuny.adapter.errors import AdapterConfigurationError
from otobo_znuny.adapter.otobo import OTOBOAdapter

__all__ = ["create_adapter", "register_adapter", "registered_providers", "unregister_adapter"]

_BUILT_IN: dict[str, type[TicketSystemAdapter]] = {
    "otobo": OTOBOAdapter,
    "znuny": OTOBOAdapter,
    "otobo_znuny": OTOBOAdapter,
}
_ADAPTERS: dict[str, type[TicketSystemAdapter]] = dict(_BUILT_IN)


def register_adapter(provider_key: str, adapter: type[TicketSystemAdapter]) -> None:
    """Make ``create_adapter`` build ``adapter`` for ``provider_key`` (case-insensitive).

    Raises:
        TypeError: ``adapter`` is not a ``TicketSystemAdapter`` subclass.
    """
    if not (isinstance(adapter, type) and issubclass(adapter, TicketSystemAdapter)):
        raise TypeError(f"adapter must be a TicketSystemAdapter subclass, not {adapter!r}")
    _ADAPTERS[provider_key.strip().lower()] = adapter


def unregister_adapter(provider_key: str) -> None:
    """Undo ``register_adapter`` for ``provider_key``: a built-in key gets its built-in adapter back,
    another key is forgotten.

    Raises:
        KeyError: ``provider_key`` is not registered.
    """
    key = provider_key.strip().lower()
    if key not in _ADAPTERS:
        raise KeyError(f"no adapter registered for {provider_key!r}")
    if key in _BUILT_IN:
        _ADAPTERS[key] = _BUILT_IN[key]
    else:
        del _ADAPTERS[key]


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
