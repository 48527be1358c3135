"""A progress bar on Pelican's rich console while avatars resolve; only on a terminal."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator

from pelican.log import console

from ..log import get_logger

logger = get_logger(__name__)


@contextlib.contextmanager
def progress_bar(total: int, wanted: bool) -> Iterator[Callable[[], None]]:
    """Yield a function that advances the bar by one; a no-op unless `wanted`, off a terminal
    and with --quiet."""
    shown = wanted and console.is_terminal and logger.isEnabledFor(logging.WARNING)
    if not shown:
        yield lambda: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("Avatars"), BarColumn(), MofNCompleteColumn(), console=console, transient=True
    ) as progress:
        task = progress.add_task("avatars", total=total)
        yield lambda: progress.advance(task)
