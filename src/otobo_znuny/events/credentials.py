"""The shared secret a requester web service sends and a receiver checks (BasicAuth and/or a header).

Both servers send ``Authorization: Basic base64(user:password)`` when the web service's
``Authentication`` is ``BasicAuth`` (Znuny 7.0.19 and OTOBO 11
``Kernel/GenericInterface/Transport/HTTP/REST.pm`` RequesterPerformRequest), and any
``AdditionalHeaders`` as given. OTOBO encodes with ``encode_base64`` and its default line ending:
the token carries a line break every 76 characters and at the end, which LWP sends as spaces, so
the check removes all whitespace from the token before decoding it.

Comparisons are constant-time (``hmac.compare_digest``). Standard library only.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import secrets
from collections.abc import Iterable
from typing import Literal

__all__ = [
    "DEFAULT_USER",
    "TOKEN_HEADER",
    "EventCredentials",
    "check_secret",
    "check_user",
    "generate_secret",
]

DEFAULT_USER = "otobo-znuny"
"""The BasicAuth user name of a rendered requester web service."""
TOKEN_HEADER = "X-OtoboZnuny-Token"
"""The header that carries the secret with ``--auth header`` (``AdditionalHeaders``)."""
MIN_SECRET_LENGTH = 16
_SECRET = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no whitespace
_USER = re.compile(r"^[\x21-\x39\x3b-\x7e]+$")  # printable ASCII without ':' and whitespace
_WHITESPACE = re.compile(r"\s+")

Verdict = Literal["ok", "missing", "wrong"]


def generate_secret() -> str:
    """A new random secret: 43 URL-safe characters (256 bits).

    ``otobo-znuny:<secret>`` is 55 bytes, under the 57 after which OTOBO's base64 breaks the line.
    """
    return secrets.token_urlsafe(32)


def check_secret(secret: str) -> str:
    """``secret`` if it can be sent by both servers and is long enough.

    The servers base64-encode a Perl byte string: a non-ASCII character makes ``encode_base64`` die
    ("Wide character"), so only printable ASCII is allowed; whitespace would be lost in headers.

    Raises:
        ValueError: shorter than 16 characters, or a character outside printable ASCII.
    """
    if not isinstance(secret, str) or not _SECRET.match(secret):
        raise ValueError("the secret must be printable ASCII without spaces")
    if len(secret) < MIN_SECRET_LENGTH:
        raise ValueError(f"the secret must have at least {MIN_SECRET_LENGTH} characters, got {len(secret)}")
    return secret


def check_user(user: str) -> str:
    """``user`` if it is a valid BasicAuth user name.

    Raises:
        ValueError: empty, or with a ``:``, whitespace or a non-ASCII character.
    """
    if not isinstance(user, str) or not _USER.match(user):
        raise ValueError("the BasicAuth user must be printable ASCII without ':' or spaces")
    return user


class EventCredentials:
    """The secret (and BasicAuth user) a receiver accepts.

    A request passes when it carries at least one matching credential - ``Authorization: Basic``
    with ``user``/``secret``, or the ``token_header`` with ``secret`` - and no wrong one. Other
    ``Authorization`` schemes (``Bearer`` from a proxy...) are not looked at.

    Raises:
        ValueError: an invalid secret or user (see :func:`check_secret`).
    """

    __slots__ = ("_password", "_secret", "_user", "token_header", "user")

    def __init__(self, secret: str, *, user: str = DEFAULT_USER, token_header: str = TOKEN_HEADER) -> None:
        self._secret = check_secret(secret).encode("ascii")
        self.user = check_user(user)
        self._user = self.user.encode("ascii")
        self.token_header = token_header.lower()

    def __repr__(self) -> str:
        return f"EventCredentials(user={self.user!r}, secret='********', token_header={self.token_header!r})"

    def matches_secret(self, secret: str) -> bool:
        """Whether ``secret`` is this secret (constant-time)."""
        return hmac.compare_digest(secret.encode("utf-8", "surrogateescape"), self._secret)

    def _basic(self, value: str) -> Verdict | None:
        scheme, _, token = value.strip().partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(_WHITESPACE.sub("", token), validate=True)
        except (binascii.Error, ValueError):
            return "wrong"
        user, colon, password = decoded.partition(b":")
        user_ok = hmac.compare_digest(user, self._user)
        password_ok = hmac.compare_digest(password, self._secret)
        return "ok" if (colon and user_ok and password_ok) else "wrong"

    def verdict(self, headers: Iterable[tuple[str, str]]) -> Verdict:
        """``ok``, ``missing`` (no credential of ours) or ``wrong`` for the request's headers
        (lower-case names; a name may repeat)."""
        results: list[Verdict] = []
        for name, value in headers:
            if name == "authorization":
                result = self._basic(value)
                if result is not None:
                    results.append(result)
            elif name == self.token_header:
                presented = value.strip().encode("latin-1", "replace")
                results.append("ok" if hmac.compare_digest(presented, self._secret) else "wrong")
        if "wrong" in results:
            return "wrong"
        return "ok" if results else "missing"
