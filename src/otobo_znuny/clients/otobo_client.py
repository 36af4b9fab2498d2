"""Compatibility module (documented path): re-exports only."""

from otobo_znuny.client.async_client import OTOBOZnunyClient
from otobo_znuny.client.sync_client import OTOBOZnunySyncClient
from otobo_znuny.errors import OTOBOError

__all__ = ["OTOBOError", "OTOBOZnunyClient", "OTOBOZnunySyncClient"]
