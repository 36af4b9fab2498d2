"""Compatibility module (documented path): re-exports ``otobo_znuny.clients.otobo_client``."""

from otobo_znuny.clients.otobo_client import *  # noqa: F403
from otobo_znuny.clients.otobo_client import __all__ as __all__
