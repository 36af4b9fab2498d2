"""Compatibility module (documented path): re-exports ``otobo_znuny.mappers``."""

from otobo_znuny.mappers import *  # noqa: F403
from otobo_znuny.mappers import __all__ as __all__
