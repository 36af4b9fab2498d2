"""Compatibility module (documented path): re-exports ``otobo_znuny.domain_models.otobo_client_config``."""

from otobo_znuny.domain_models.otobo_client_config import *  # noqa: F403
from otobo_znuny.domain_models.otobo_client_config import __all__ as __all__
