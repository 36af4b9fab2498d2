"""Compatibility module (documented path): re-exports only."""

from otobo_znuny.config import ClientConfig, Route, ServerFlavor

__all__ = ["ClientConfig", "Route", "ServerFlavor"]
