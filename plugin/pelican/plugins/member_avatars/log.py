"""The plugin's loggers: every line they log starts with one prefix, written in one place."""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

PREFIX = "[member_avatars]"


class PrefixedLogger(logging.LoggerAdapter[logging.Logger]):
    """A logger whose messages start with PREFIX (the caller's `extra` is kept as given)."""

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, Any]:
        return f"{PREFIX} {msg}", kwargs


def get_logger(name: str) -> PrefixedLogger:
    return PrefixedLogger(logging.getLogger(name), {})
