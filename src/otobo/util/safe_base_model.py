"""Compatibility module (documented path): re-exports ``otobo_znuny.util.safe_base_model``."""

from otobo_znuny.util.safe_base_model import *  # noqa: F403
from otobo_znuny.util.safe_base_model import __all__ as __all__
