"""Load Open Ticket AI's OTOBO/Znuny plugin from its unmodified source files (``tests/data/compat``).

The plugin's modules and the framework modules it builds on (``StrictBaseModel``, the unified ticket
models, ``TicketSystemService``) are loaded under their own names from the vendored files. Only what
needs the framework's runtime is replaced, by stand-ins that behave as the originals do for the plugin:

* ``open_ticket_ai.core.injectables.injectable.Injectable``: the original uses Python 3.13 type-parameter
  syntax. Its ``__init__`` is reproduced: keep the config, create the logger, validate ``params`` with
  ``ParamsModel``.
* ``InjectableConfig``: the fields the plugin reads (``id``, ``params``).
* a logger factory on the standard ``logging`` module.

``injector`` is the real package.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from .helpers import DATA

SOURCE = DATA / "open_ticket_ai"
SHA256 = {
    "core/base_model.py": "626081b396426c095ab29c48947bce9b20f6bc915b7ad4f0d4170538e39d7808",
    "core/ticket_system_integration/ticket_system_service.py": (
        "8e9db9a667fab582c195b4f30ff1f881eedcdefab079ca75b5ceaa1f42a8f6be"
    ),
    "core/ticket_system_integration/unified_models.py": (
        "9dc3942dd26824c6b9730984971281ed34427587e9cc039d0b3c2ccef88baaff"
    ),
    "otai_otobo_znuny/models.py": "350369807c36d4ee96f07a65cb431b31a8f8a9bad403b4608c657f702f401f3e",
    "otai_otobo_znuny/oto_znuny_ts_service.py": "e735afbe36694be17812329696e399706518433951b67ca2f6b69c17e9415536",
}
"""SHA-256 of each vendored file as copied from open-ticket-ai commit d4f01b90 (see tests/data/compat/README.md)."""


def digest(relative: str) -> str:
    return hashlib.sha256((SOURCE / relative).read_bytes()).hexdigest()


class InjectableConfig(BaseModel):
    """Stand-in for ``open_ticket_ai.InjectableConfig`` (the fields the plugin uses)."""

    id: str = ""
    use: str = ""
    params: dict[str, Any] = Field(default_factory=dict)


class StdLogger:
    """An ``AppLogger`` on ``logging`` (the plugin passes ``exc_info=True`` to ``error``)."""

    def __init__(self, name: str) -> None:
        self._logger = logging.getLogger(name)

    def debug(self, message: str, **kwargs: Any) -> None:
        self._logger.debug(message, **kwargs)

    def info(self, message: str, **kwargs: Any) -> None:
        self._logger.info(message, **kwargs)

    def warning(self, message: str, **kwargs: Any) -> None:
        self._logger.warning(message, **kwargs)

    def error(self, message: str, **kwargs: Any) -> None:
        self._logger.error(message, **kwargs)

    def exception(self, message: str, **kwargs: Any) -> None:
        self._logger.exception(message, **kwargs)


class StdLoggerFactory:
    """A ``LoggerFactory`` creating :class:`StdLogger`."""

    def create(self, name: str, *args: Any, **kwargs: Any) -> StdLogger:
        return StdLogger(f"open_ticket_ai.{name}")


class Injectable:
    """Stand-in for ``open_ticket_ai.core.injectables.injectable.Injectable`` with the same ``__init__``."""

    ParamsModel: ClassVar[type[BaseModel]] = BaseModel

    def __init__(self, config: InjectableConfig, logger_factory: StdLoggerFactory, *_: Any, **__: Any) -> None:
        self._config = config
        self._logger = logger_factory.create(name=f"{self.__class__.__name__}.{self._config.id}")
        self._params = self.ParamsModel.model_validate(config.params)


def _package(name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__path__ = []
    return module


def _load(name: str, relative: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, Path(SOURCE / relative))
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_NAMES = (
    "open_ticket_ai",
    "open_ticket_ai.core",
    "open_ticket_ai.core.base_model",
    "open_ticket_ai.core.injectables",
    "open_ticket_ai.core.injectables.injectable",
    "open_ticket_ai.core.ticket_system_integration",
    "open_ticket_ai.core.ticket_system_integration.unified_models",
    "open_ticket_ai.core.ticket_system_integration.ticket_system_service",
    "otai_otobo_znuny",
    "otai_otobo_znuny.models",
    "otai_otobo_znuny.oto_znuny_ts_service",
)


@contextmanager
def plugin_modules() -> Iterator[types.ModuleType]:
    """The plugin's ``oto_znuny_ts_service`` module, loaded for the duration of the block.

    Raises:
        AssertionError: a vendored file differs from the copy recorded in :data:`SHA256`.
    """
    for relative, expected in SHA256.items():
        assert digest(relative) == expected, f"{relative} is not the unmodified upstream file"
    saved = {name: sys.modules.get(name) for name in _NAMES}
    try:
        for name in (
            "open_ticket_ai",
            "open_ticket_ai.core",
            "open_ticket_ai.core.injectables",
            "open_ticket_ai.core.ticket_system_integration",
            "otai_otobo_znuny",
        ):
            sys.modules[name] = _package(name)
        base_model = _load("open_ticket_ai.core.base_model", "core/base_model.py")
        sys.modules["open_ticket_ai"].StrictBaseModel = base_model.StrictBaseModel  # type: ignore[attr-defined]
        injectable = types.ModuleType("open_ticket_ai.core.injectables.injectable")
        injectable.Injectable = Injectable  # type: ignore[attr-defined]
        sys.modules[injectable.__name__] = injectable
        _load(
            "open_ticket_ai.core.ticket_system_integration.unified_models",
            "core/ticket_system_integration/unified_models.py",
        )
        _load(
            "open_ticket_ai.core.ticket_system_integration.ticket_system_service",
            "core/ticket_system_integration/ticket_system_service.py",
        )
        _load("otai_otobo_znuny.models", "otai_otobo_znuny/models.py")
        yield _load("otai_otobo_znuny.oto_znuny_ts_service", "otai_otobo_znuny/oto_znuny_ts_service.py")
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
