"""A progress bar on stderr for bulk commands; silent when stderr is not a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from otobo_znuny.client.base import ProgressCallback

__all__ = ["progress_bar"]


@contextmanager
def progress_bar(description: str, stream: IO[str] | None = None) -> Iterator[ProgressCallback | None]:
    """Yield a ``progress(done, total)`` callback drawing a rich bar on ``stream`` (default stderr).

    Yields ``None`` when the stream is not a terminal (pipes, logs, tests), so nothing is drawn.
    """
    target = stream if stream is not None else sys.stderr
    isatty = getattr(target, "isatty", None)
    if not (isatty and isatty()):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(file=target)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update
