"""Reading a site's files as a build does while listening: every warning logged meanwhile is
kept with the file it is about, and Markdown files are read for their metadata only."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from typing import Any

from markdown import Markdown
from pelican.log import LimitFilter
from pelican.readers import MarkdownReader
from pelican.utils import pelican_open

from ..log import PREFIX as LOG_PREFIX

PREFIX = f"{LOG_PREFIX} "
# Our warnings name their file first: "[member_avatars] %s: what is wrong".
FILE_FIRST = PREFIX + "%s: "
# The loggers whose warnings are problems: the plugin's and Pelican's readers'.
WATCHED_LOGGERS = ("pelican.plugins.member_avatars", "pelican.readers", "pelican.contents")
META_PRIORITY = 27  # where markdown.extensions.meta registers its preprocessor


class WarningCollector(logging.Handler):
    """Keeps each warning as (file or None, message), the file being read standing in when a
    warning (one of Pelican's) does not start with a file of its own."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.reading: str | None = None
        self.warnings: list[tuple[str | None, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.warnings.append(file_and_message(record, self.reading))


def file_and_message(record: logging.LogRecord, reading: str | None) -> tuple[str | None, str]:
    """The file a warning names (else `reading`) and its message, without prefix or file."""
    args = record.args if isinstance(record.args, tuple) else ()
    if isinstance(record.msg, str) and record.msg.startswith(FILE_FIRST) and args:
        with contextlib.suppress(TypeError, ValueError):
            return str(args[0]), record.msg.removeprefix(FILE_FIRST) % args[1:]
    message = record.getMessage().removeprefix(PREFIX)
    if reading:
        message = message.removeprefix(f"{reading}: ")
    return reading, message


def metadata_block(text: str) -> str:
    """The lines of a Markdown file up to its first blank one: all the meta extension reads."""
    lines = []
    for line in text.splitlines():
        if not line.strip():
            break
        lines.append(line)
    return "\n".join(lines) + "\n"


class MetadataOnlyMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader with the same settings, extensions and metadata parsing, fed
    the metadata block only: rendering every bio would take most of a check's time, and no
    rule of the plugin reads one. (A subclass of a subclass: Pelican's `Readers` never picks it
    up for a build.)"""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._reused: Markdown | None = None
        self._meta: Any = None

    def _markdown(self) -> Markdown:
        """One Markdown for every file, reset between them as Markdown allows (Pelican makes
        one per file, which loads every extension again: a third of the time left), with the
        meta preprocessor that `_parse_metadata` removes put back."""
        if self._reused is None:
            self._reused = Markdown(**self.settings["MARKDOWN"])
            self._meta = self._reused.preprocessors["meta"]
        markdown = self._reused.reset()
        if "meta" not in markdown.preprocessors:
            markdown.preprocessors.register(self._meta, "meta", META_PRIORITY)
        return markdown

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        self._source_path = source_path
        self._md = self._markdown()
        with pelican_open(source_path) as text:
            self._md.convert(metadata_block(text))
        meta = getattr(self._md, "Meta", None)
        return "", self._parse_metadata(meta) if meta is not None else {}


class TrackedReaders:
    """Pelican's readers, noting which file is being read while it is; Pelican's own Markdown
    reader (not one a setting or plugin put in its place) reads the metadata only."""

    def __init__(self, readers: Any, collector: WarningCollector):
        for fmt, reader in readers.readers.items():
            if type(reader) is MarkdownReader:
                readers.readers[fmt] = MetadataOnlyMarkdownReader(readers.settings)
        self.readers = readers
        self.collector = collector
        self.files_read = 0

    def read_file(self, base_path: str, path: str, *args: Any, **kwargs: Any) -> Any:
        self.collector.reading = os.path.abspath(os.path.join(base_path, path))
        self.files_read += 1
        try:
            return self.readers.read_file(base_path, path, *args, **kwargs)
        finally:
            self.collector.reading = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.readers, name)


@contextlib.contextmanager
def collecting(collector: WarningCollector) -> Iterator[None]:
    """Send the watched loggers' warnings to `collector` only, every one of them: Pelican
    would drop a message it has seen before in this process, and most of a group."""
    loggers = [logging.getLogger(name) for name in WATCHED_LOGGERS]
    propagates = [logger.propagate for logger in loggers]
    dedup_level = LimitFilter.LOGS_DEDUP_MIN_LEVEL
    LimitFilter.LOGS_DEDUP_MIN_LEVEL = logging.NOTSET
    for logger in loggers:
        logger.addHandler(collector)
        logger.propagate = False
    try:
        yield
    finally:
        LimitFilter.LOGS_DEDUP_MIN_LEVEL = dedup_level
        for logger, propagate in zip(loggers, propagates, strict=True):
            logger.removeHandler(collector)
            logger.propagate = propagate
