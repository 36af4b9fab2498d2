"""Compatibility module (documented path): re-exports ``otobo_znuny.domain_models.ticket_operation``."""

from otobo_znuny.domain_models.ticket_operation import *  # noqa: F403
from otobo_znuny.domain_models.ticket_operation import __all__ as __all__
