"""``NOT_GIVEN``: the default of an argument whose absence means "what the other settings say".

``OTOBOZnunyClient(config, retry_policy=RetryPolicy(max_retries=5))`` makes 6 attempts because
``max_retries`` defaults to ``NOT_GIVEN`` rather than to a number that would override the policy
(httpx does the same with ``USE_CLIENT_DEFAULT``). Pass a value to override; never pass ``NOT_GIVEN``.
"""

from __future__ import annotations

from typing import Final

__all__ = ["NOT_GIVEN", "NotGiven"]


class NotGiven:
    """The type of ``NOT_GIVEN`` (one instance, falsy). Annotate with ``int | NotGiven``."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()
