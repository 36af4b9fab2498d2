"""Compatibility module (documented path): re-exports only."""

from otobo_znuny.auth import BasicAuth, SessionAuth

__all__ = ["BasicAuth", "SessionAuth"]
