"""Compatibility module (documented path): re-exports ``otobo_znuny.domain_models.basic_auth_model``."""

from otobo_znuny.domain_models.basic_auth_model import *  # noqa: F403
from otobo_znuny.domain_models.basic_auth_model import __all__ as __all__
