"""Shared pieces of the domain models: the base class, ``IdName`` and the ``CLEAR``/``UNSET`` markers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, field_validator, model_validator

__all__ = [
    "CLEAR",
    "UNSET",
    "Clear",
    "DomainModel",
    "IdName",
    "IdNameLike",
    "Unset",
    "accept_original_names",
    "coerce_id_name",
]


class DomainModel(BaseModel):
    """Base of every domain model: snake_case fields, validated on assignment too.

    Each model builds its validator when it is first used (``defer_build``): the command line starts
    without building the models it does not use, and ``wire.replies`` builds its readers of replies
    into these models before they are (see there).
    """

    model_config = ConfigDict(validate_assignment=True, extra="forbid", defer_build=True)


class _ClearType(Enum):
    CLEAR = "CLEAR"

    def __repr__(self) -> str:
        return "CLEAR"

    def __bool__(self) -> bool:
        return False


CLEAR = _ClearType.CLEAR
"""Clears a value in a ``TicketUpdate`` where the server can clear it: ``customer_user`` (together with
a ``customer_id``) and dynamic-field values (``dynamic_fields={"OrderID": CLEAR}``). ``None`` never
clears: it means "leave unchanged", as in the original library."""

Clear = Literal[_ClearType.CLEAR]


class _UnsetType(Enum):
    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET = _UnsetType.UNSET
"""Kept for code written against earlier versions of this package: the same as ``None`` ("leave
unchanged") wherever a model accepts it."""

Unset = Literal[_UnsetType.UNSET]


def accept_original_names(
    data: Any,
    renamed: Mapping[str, str] | None = None,
    *,
    none_means_default: Iterable[str] = (),
    unset_means_none: bool = False,
    clearable: Iterable[str] = (),
) -> Any:
    """Prepare constructor input so code written for the original library (otobo-znuny 1.4) keeps working.

    ``renamed`` maps an original field name to ours (``{"to_addr": "to"}``); ``None`` for a field in
    ``none_means_default`` is dropped so the field's default (an empty list or dict) applies; with
    ``unset_means_none``, ``UNSET`` values are dropped (the fields default to ``None``). ``CLEAR`` is
    refused for every field but those in ``clearable`` (pydantic would read it as the text "CLEAR").

    Raises:
        ValueError: both spellings of one field are given, or ``CLEAR`` where it clears nothing.
    """
    if not isinstance(data, dict):
        return data
    allowed = frozenset(clearable)
    for key, value in data.items():
        if value is CLEAR and key not in allowed:
            raise ValueError(f"{key}: CLEAR clears only customer_user and dynamic-field values of a TicketUpdate")
    result = dict(data)
    for original, ours in (renamed or {}).items():
        if original in result:
            if ours in result:
                raise ValueError(f"give {ours} or {original} (its name in otobo-znuny 1.4), not both")
            result[ours] = result.pop(original)
    for name in none_means_default:
        if name in result and result[name] is None:
            del result[name]
    if unset_means_none:
        result = {key: value for key, value in result.items() if value is not UNSET}
    return result


class IdName(DomainModel):
    """A server object named by its numeric ``id``, its ``name``, or both (at least one).

    Names are stripped; an empty name counts as no name. When both are known, requests send only the
    ID (the server validates by ID). Immutable and hashable, as in the original library.
    """

    model_config = ConfigDict(frozen=True)

    id: int | None = None
    name: str | None = None

    @field_validator("name")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return value.strip() or None

    @model_validator(mode="before")
    @classmethod
    def _no_clear(cls, data: Any) -> Any:
        if isinstance(data, dict) and CLEAR in (data.get("id"), data.get("name")):
            raise ValueError("CLEAR is not a name or an ID")
        return data

    @model_validator(mode="after")
    def _at_least_one(self) -> IdName:
        if self.id is None and self.name is None:
            raise ValueError("IdName needs an id or a non-empty name")
        return self

    def __str__(self) -> str:
        return self.name if self.name is not None else f"#{self.id}"


def coerce_id_name(value: Any) -> Any:
    """Let fields typed ``IdNameLike`` accept ``"Raw"`` (a name) and ``3`` (an ID) as well as ``IdName``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return IdName(id=value)
    if isinstance(value, str):
        return IdName(name=value)
    return value


IdNameLike = Annotated[IdName, BeforeValidator(coerce_id_name)]
