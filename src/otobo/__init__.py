"""Compatibility package: the import paths documented for the original ``otobo_znuny`` library
(``otobo.clients.otobo_client`` ...). The code lives in ``otobo_znuny``; these modules re-export it."""

from otobo_znuny import *  # noqa: F403
from otobo_znuny import __all__ as __all__
