"""``ticket watch --state-file FILE``: the feed's cursor kept in a small JSON file.

The file is replaced atomically (written to a temporary file in the same directory, then renamed over
it), so a reader, a crash or Ctrl-C finds either the previous position or the new one, never half a
file. Nothing here imports the library.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

__all__ = ["StateFile"]

_KEY = "cursor"


class StateFile:
    """The cursor file of one ``ticket watch``."""

    def __init__(self, path: Path, option: str = "--state-file") -> None:
        self.path = path
        self.option = option

    def check_writable(self) -> None:
        """Refuse a path that cannot hold the state, before anything is sent.

        Raises:
            typer.BadParameter: a directory, a missing or unwritable directory.
        """
        import typer

        if self.path.is_dir():
            raise typer.BadParameter(f"{self.path} is a directory; give a file name", param_hint=self.option)
        directory = self.path.expanduser().resolve().parent
        if not directory.is_dir():
            raise typer.BadParameter(
                f"the directory {directory} does not exist (create it first)", param_hint=self.option
            )
        if not os.access(directory, os.W_OK):
            raise typer.BadParameter(f"the directory {directory} is not writable", param_hint=self.option)

    def read(self) -> str | None:
        """The stored cursor, or None when the file does not exist yet (or is empty).

        Raises:
            RequestValidationError: the file holds something else.
        """
        from otobo_znuny.errors import RequestValidationError

        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        if not text.strip():
            return None
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        cursor = data.get(_KEY) if isinstance(data, dict) else None
        if not isinstance(cursor, str) or not cursor:
            raise RequestValidationError(
                self.option,
                f'{self.path} is not a state file of ticket watch (expected {{"cursor": "..."}}); '
                "give another file, or delete this one to start from the beginning",
            )
        return cursor

    def write(self, cursor: str) -> None:
        """Store ``cursor``, replacing the file atomically."""
        directory = self.path.expanduser().resolve().parent
        handle, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=directory)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(json.dumps({_KEY: cursor}) + "\n")
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
