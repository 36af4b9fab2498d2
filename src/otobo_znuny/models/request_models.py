"""Compatibility module (otobo-znuny 1.4 path): re-exports only."""

from otobo_znuny.compat.ws_models import (
    WsAuthData,
    WsDynamicFieldFilter,
    WsTicketGetRequest,
    WsTicketMutationRequest,
    WsTicketSearchRequest,
    WsTicketUpdateRequest,
)

__all__ = [
    "WsAuthData",
    "WsDynamicFieldFilter",
    "WsTicketGetRequest",
    "WsTicketMutationRequest",
    "WsTicketSearchRequest",
    "WsTicketUpdateRequest",
]
