"""Running code whose outcome is data-dependent: a result, or one of the expected exceptions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["attempt"]


def attempt(run: Callable[[], Any], *expected: type[BaseException]) -> tuple[Any, BaseException | None]:
    """``(result, None)``, or ``(None, error)`` for an ``expected`` exception; anything else propagates."""
    try:
        return run(), None
    except expected as error:
        return None, error
