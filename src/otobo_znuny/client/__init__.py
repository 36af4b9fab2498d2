"""The client shells (async and sync), the retry policy and the I/O-free call engine.

The shells are imported on first use: a program that uses one of them does not load the other.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from otobo_znuny.client.async_client import OTOBOZnunyClient
    from otobo_znuny.client.base import DEFAULT_LIMITS, DEFAULT_TIMEOUT, GetOptions
    from otobo_znuny.client.retry import RetryPolicy
    from otobo_znuny.client.sync_client import OTOBOZnunySyncClient

_LAZY = {
    "DEFAULT_LIMITS": "otobo_znuny.client.base",
    "DEFAULT_TIMEOUT": "otobo_znuny.client.base",
    "GetOptions": "otobo_znuny.client.base",
    "OTOBOZnunyClient": "otobo_znuny.client.async_client",
    "OTOBOZnunySyncClient": "otobo_znuny.client.sync_client",
    "RetryPolicy": "otobo_znuny.client.retry",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_TIMEOUT",
    "GetOptions",
    "OTOBOZnunyClient",
    "OTOBOZnunySyncClient",
    "RetryPolicy",
]
