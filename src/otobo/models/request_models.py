"""Compatibility module (documented path): re-exports ``otobo_znuny.models.request_models``."""

from otobo_znuny.models.request_models import *  # noqa: F403
from otobo_znuny.models.request_models import __all__ as __all__
