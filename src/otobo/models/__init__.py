"""Compatibility package (documented path): re-exports ``otobo_znuny.models``."""

from otobo_znuny.models import *  # noqa: F403
from otobo_znuny.models import __all__ as __all__
