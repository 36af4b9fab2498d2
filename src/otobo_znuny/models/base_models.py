"""Compatibility module (otobo-znuny 1.4 path): re-exports only."""

from otobo_znuny.compat.ws_models import BooleanInteger

__all__ = ["BooleanInteger"]
