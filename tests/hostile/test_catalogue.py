"""Each bad input of the catalogue gives its documented error, and ``docs/hostile-input.md`` is current."""

from __future__ import annotations

from functools import cache

import pytest
from pydantic import ValidationError

from otobo_znuny import OTOBOZnunyError

from .catalogue import CATALOGUE, DOCUMENT, BadInput, observe, render


@cache
def _observed() -> tuple[tuple[BadInput, tuple[type[BaseException], str]], ...]:
    return tuple((entry, observe(entry)) for entry in CATALOGUE)


@pytest.mark.parametrize("index", range(len(CATALOGUE)), ids=[entry.description[:70] for entry in CATALOGUE])
def test_bad_input_gives_its_error(index: int) -> None:
    entry, (kind, message) = _observed()[index]
    assert kind is entry.expected, f"{entry.description}: got {kind.__name__}: {message}"
    assert message.strip()
    assert issubclass(kind, (OTOBOZnunyError, ValidationError, UserWarning)), "an untyped error escaped"


def test_document_matches_what_the_library_does() -> None:
    assert DOCUMENT.read_text(encoding="utf-8") == render(list(_observed())), (
        "docs/hostile-input.md is out of date: run `cd tests && python -m hostile.catalogue`"
    )
