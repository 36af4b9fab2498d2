"""Compatibility module (otobo-znuny 1.4 path: its GenericInterface ticket shapes): re-exports only.

The domain models (``Ticket``, ``TicketCreate``...) are in ``otobo_znuny.models.ticket``."""

from otobo_znuny.compat.ws_models import WsArticleDetail, WsDynamicField, WsTicketBase, WsTicketOutput

__all__ = ["WsArticleDetail", "WsDynamicField", "WsTicketBase", "WsTicketOutput"]
