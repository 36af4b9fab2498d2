"""Compatibility module (documented path): re-exports only."""

from otobo_znuny.errors import (
    AccessDeniedError,
    AuthenticationError,
    InvalidParameterError,
    MissingParameterError,
    NotLoggedInError,
    OTOBOError,
    OTOBOZnunyError,
    ResponseError,
    TransportError,
)

__all__ = [
    "AccessDeniedError",
    "AuthenticationError",
    "InvalidParameterError",
    "MissingParameterError",
    "NotLoggedInError",
    "OTOBOError",
    "OTOBOZnunyError",
    "ResponseError",
    "TransportError",
]
