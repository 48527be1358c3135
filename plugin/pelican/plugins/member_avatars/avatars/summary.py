"""What a build prints about its avatars: each member's warnings, then one summary line."""

from __future__ import annotations

import logging
import re
import time
from collections import Counter

from pelican.log import console

from ..log import PREFIX, get_logger
from .results import How, Outcome

logger = get_logger(__name__)


def report(outcomes: list[Outcome], requests_made: int, seconds: float) -> None:
    """Log each member's warnings (naming the member file), then one summary line."""
    for outcome in outcomes:
        for warning in outcome.warnings:
            logger.warning(
                "%s: %s",
                outcome.source_path,
                warning,
                # Pelican's LimitFilter groups by this message: one group per kind of failure,
                # so twenty missing uploads do not hide the one server that answers 500.
                extra={"limit_msg": f"{PREFIX} more avatar warnings like: {shape_of(warning)}"},
            )
    line = summary_line(outcomes, requests_made, seconds)
    logger.debug("%s", line)
    # Like Pelican's own "Done:" line: printed on its console unless the build runs --quiet.
    if logger.isEnabledFor(logging.WARNING):
        console.print(f"{PREFIX} {line}", markup=False, highlight=False, soft_wrap=True)


def shape_of(warning: str) -> str:
    """A warning with its particulars (quoted paths and names, numbers) masked out."""
    masked = re.sub(r"'[^']*'|\"[^\"]*\"", "…", warning)
    return re.sub(r"\d+(\.\d+)?", "N", masked)


def summary_line(
    outcomes: list[Outcome], requests_made: int, seconds: float, now: float | None = None
) -> str:
    """ "Avatars: 3 from cache, 0 revalidated, ..., 1 failed (2 requests) in 0.4 s"."""
    now = time.time() if now is None else now
    counts = Counter(outcome.how for outcome in outcomes if outcome.how)
    failed = sum(outcome.failures for outcome in outcomes)
    parts = [f"{counts.get(how, 0)} {how.value}" for how in How]
    parts.append(f"{failed} failed")
    missing = sum(1 for outcome in outcomes if not outcome.how)
    if missing:
        parts.append(f"{missing} without avatar")
    line = f"Avatars: {', '.join(parts)} ({requests_made} requests) in {seconds:.2f} s"
    remembered = [until for outcome in outcomes for until in outcome.remembered]
    if remembered:
        line += f"; {len(remembered)} failed in an earlier build, {retry_note(remembered, now)}"
    return line


def retry_note(untils: list[float], now: float) -> str:
    """ "asked again in 12 min" (the soonest) for remembered failures."""
    wait = max(0.0, min(untils) - now)
    if wait < 90:
        return f"asked again in {wait:.0f} s"
    if wait < 90 * 60:
        return f"asked again in {wait / 60:.0f} min"
    return f"asked again in {wait / 3600:.1f} h"
