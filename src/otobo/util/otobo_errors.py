"""Compatibility module (documented path): re-exports ``otobo_znuny.util.otobo_errors``."""

from otobo_znuny.util.otobo_errors import *  # noqa: F403
from otobo_znuny.util.otobo_errors import __all__ as __all__
