"""The client shells (async and sync), the retry policy and the I/O-free call engine."""

from otobo_znuny.client.async_client import OTOBOZnunyClient
from otobo_znuny.client.base import DEFAULT_LIMITS, DEFAULT_TIMEOUT, GetOptions
from otobo_znuny.client.retry import RetryPolicy
from otobo_znuny.client.sync_client import OTOBOZnunySyncClient

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_TIMEOUT",
    "GetOptions",
    "OTOBOZnunyClient",
    "OTOBOZnunySyncClient",
    "RetryPolicy",
]
