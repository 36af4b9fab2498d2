"""Compatibility module (documented path): re-exports only."""

from otobo_znuny.config import TicketOperation

__all__ = ["TicketOperation"]
