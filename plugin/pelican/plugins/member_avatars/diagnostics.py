"""One kind of diagnostic: what the plugin warns about a file, as data (file, line or row, the
metadata key it is about, message, severity). The build logs it as one line; the log record
carries the Diagnostic itself, so `pelican-avatars check` collects it without reading the line.

Imports nothing of the plugin (the bottom layer, beside `log`): every layer may report one.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias

Severity = Literal["warning", "error"]
LEVELS: dict[Severity, int] = {"warning": logging.WARNING, "error": logging.ERROR}
RECORD_ATTRIBUTE = "diagnostic"  # the LogRecord attribute that holds the Diagnostic


@dataclass(frozen=True)
class Place:
    """Where something was read: a file (as warnings name it: relative to the content folder,
    or absolute, or a setting's name), with the line a CSV row starts on, or the position of a
    YAML or JSON row in its list (from 1)."""

    file: str
    line: int | None = None
    row: int | None = None

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.file}, line {self.line}"
        if self.row is not None:
            return f"{self.file}, row {self.row}"
        return self.file


@dataclass(frozen=True)
class Diagnostic:
    """One problem: `file` None when it is about no file; `line` or `row` as in `Place`;
    `key` the metadata field it is about ("Avatar", "Email"), None when none."""

    file: str | None
    message: str
    line: int | None = None
    row: int | None = None
    key: str | None = None
    severity: Severity = "warning"

    @classmethod
    def at(
        cls,
        place: Place | str | None,
        message: str,
        key: str | None = None,
        severity: Severity = "warning",
    ) -> Diagnostic:
        """A diagnostic about `place` (a Place, a file, or None)."""
        if place is None or isinstance(place, str):
            return cls(place, message, key=key, severity=severity)
        return cls(place.file, message, place.line, place.row, key, severity)

    @property
    def place(self) -> Place | None:
        return None if self.file is None else Place(self.file, self.line, self.row)

    def __str__(self) -> str:
        """As the build logs it (without the plugin's prefix): "FILE, line N: message"."""
        place = self.place
        return self.message if place is None else f"{place}: {self.message}"


# Both a Logger and the plugin's PrefixedLogger (a LoggerAdapter).
AnyLogger: TypeAlias = "logging.Logger | logging.LoggerAdapter[logging.Logger]"


def report(
    logger: AnyLogger,
    diagnostic: Diagnostic,
    extra: Mapping[str, object] | None = None,
    stacklevel: int = 1,
) -> Diagnostic:
    """Log `diagnostic` as one line ("FILE: message") at its severity, the Diagnostic on the
    record (`record.diagnostic`); `extra` adds other record attributes (Pelican's limit_msg).

    The record names the caller's module and line, not this one's (`stacklevel` counts the
    frames between the emitter and this function).
    """
    place = diagnostic.place
    args = (diagnostic.message,) if place is None else (str(place), diagnostic.message)
    logger.log(
        LEVELS[diagnostic.severity],
        "%s" if place is None else "%s: %s",
        *args,
        extra={**(extra or {}), RECORD_ATTRIBUTE: diagnostic},
        stacklevel=stacklevel + 1,
    )
    return diagnostic


def warn(
    logger: AnyLogger,
    place: Place | str | None,
    message: str,
    key: str | None = None,
    extra: Mapping[str, object] | None = None,
) -> Diagnostic:
    """Log a warning about `place`, about the metadata field `key` (if any)."""
    return report(logger, Diagnostic.at(place, message, key), extra, stacklevel=2)


def diagnostic_of(record: logging.LogRecord) -> Diagnostic | None:
    """The Diagnostic a log record carries, or None (a record not logged by `report`)."""
    found = getattr(record, RECORD_ATTRIBUTE, None)
    return found if isinstance(found, Diagnostic) else None
