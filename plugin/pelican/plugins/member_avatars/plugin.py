"""Pelican glue: connects the plugin's signal receivers. Importing it has no side effects."""

from __future__ import annotations

from pelican import signals


def register() -> None:
    """Connect the plugin to Pelican's signals (blinker dedupes repeat registrations)."""
    del signals
