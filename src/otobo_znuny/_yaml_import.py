"""PyYAML, imported only by the features that read or write YAML, and only when they run.

PyYAML is not a dependency of the client: it comes with the extras ``yaml`` (for
``ClientConfig.from_webservice_yaml``), ``emulator`` (``Emulator.load_webservice``) and ``cli``
(``-o yaml``, ``webservice render``). Without it, those features raise ``MissingDependencyError``
naming the extra to install.
"""

from __future__ import annotations

from types import ModuleType

from otobo_znuny.errors import MissingDependencyError

__all__ = ["import_yaml"]


def import_yaml(feature: str, *, extra: str) -> ModuleType:
    """The ``yaml`` module.

    Raises:
        MissingDependencyError: PyYAML is not installed; the message names ``feature`` and ``extra``.
    """
    try:
        import yaml
    except ImportError:
        raise MissingDependencyError(feature, module="yaml", package="PyYAML", extra=extra) from None
    return yaml
