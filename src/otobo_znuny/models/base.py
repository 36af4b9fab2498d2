"""Shared pieces of the domain models: the base class, ``IdName`` and the ``UNSET`` marker."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

__all__ = ["UNSET", "DomainModel", "IdName", "IdNameLike", "Unset", "coerce_id_name"]


class DomainModel(BaseModel):
    """Base of every domain model: snake_case fields, validated on assignment too."""

    model_config = ConfigDict(validate_assignment=True, extra="forbid")


class _UnsetType(Enum):
    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET = _UnsetType.UNSET
"""Marks a field of ``TicketUpdate`` as "leave unchanged" (distinct from ``None`` = clear)."""

Unset = Literal[_UnsetType.UNSET]


class IdName(DomainModel):
    """A server object named by its numeric ``id``, its ``name``, or both (at least one).

    When both are known, requests send only the ID (the server validates by ID).
    """

    id: int | None = None
    name: str | None = None

    @model_validator(mode="after")
    def _at_least_one(self) -> IdName:
        if self.id is None and (self.name is None or not self.name.strip()):
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
