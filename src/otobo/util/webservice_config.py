"""Compatibility module (documented path): re-exports ``otobo_znuny.util.webservice_config``."""

from otobo_znuny.util.webservice_config import *  # noqa: F403
from otobo_znuny.util.webservice_config import __all__ as __all__
