"""Saving attachments to files: names made safe, never outside the target directory, never silently
overwritten.

A file name comes from the server, so it may be anything: a path (``../../.bashrc``), an absolute
path, control characters, a Windows device name, or the same name twice in one ticket.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from otobo_znuny.models import Attachment

__all__ = ["check_directory", "safe_filename", "save_attachments"]

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\/]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)


def safe_filename(name: str, fallback: str) -> str:
    """The last path component of ``name`` without characters that are unsafe in a file name;
    ``fallback`` when nothing usable is left."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name))[-1]
    cleaned = _UNSAFE.sub("_", base).strip().strip(".")
    if not cleaned or _RESERVED.match(cleaned):
        return fallback
    return cleaned[:200]


def check_directory(directory: Path, option: str) -> None:
    """Raises ``RequestValidationError`` naming ``option`` unless ``directory`` is a writable directory."""
    from otobo_znuny.errors import RequestValidationError

    if not directory.is_dir():
        raise RequestValidationError(option, f"{directory} is not a directory (create it first)")
    if not os.access(directory, os.W_OK):
        raise RequestValidationError(option, f"the directory {directory} is not writable")


def _unique(directory: Path, name: str, taken: set[str]) -> Path:
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        stem, suffix = name, ""
    candidate, number = name, 2
    while candidate in taken:
        candidate = f"{stem} ({number}){'.' + suffix if suffix else ''}"
        number += 1
    taken.add(candidate)
    return directory / candidate


def save_attachments(
    attachments: Sequence[tuple[int | None, Attachment]], directory: Path, *, force: bool
) -> list[Path]:
    """Write each attachment into ``directory``; returns the paths in order.

    Raises:
        RequestValidationError: a file exists and ``force`` is False (nothing is written then).
    """
    from otobo_znuny.errors import RequestValidationError

    taken: set[str] = set()
    paths = [
        _unique(directory, safe_filename(item.filename, f"attachment-{article_id}-{index}"), taken)
        for index, (article_id, item) in enumerate(attachments, start=1)
    ]
    existing = [path for path in paths if path.exists()]
    if existing and not force:
        raise RequestValidationError("--save", f"{existing[0]} exists; give --force to replace it")
    for path, (_, item) in zip(paths, attachments, strict=True):
        path.write_bytes(item.content)
    return paths
