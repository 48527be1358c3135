"""`pelican-avatars`: look after the avatar cache of a site, with the site's own settings file,
and check its member and event files.

Exit codes: 0 done; 1 some avatars failed (refresh) or some file has a problem (check);
2 bad usage or settings.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sqlite3
import sys
import time
from dataclasses import replace
from typing import Any

from pelican import Pelican
from pelican.log import console
from pelican.log import init as init_logging
from pelican.settings import read_settings

from ..avatars.job import resolve_avatars
from ..avatars.summary import retry_note
from ..cache.folder import damaged_copies
from ..cache.store import AvatarStore, Kind
from ..generator import CommunityGenerator
from ..plugin import on_initialized
from ..settings.config import InvalidSettings, config_of
from . import check

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
KIND_LABELS = {
    Kind.FRESH_IMAGE: "fresh remote avatars",
    Kind.STALE_IMAGE: "stale remote avatars",
    Kind.FRESH_NONE: "fresh 'has none' answers",
    Kind.STALE_NONE: "stale 'has none' answers",
    Kind.FAILURE: "remembered failures",
    Kind.BODY: "source images",
    Kind.RENDERED: "rendered image sets",
    Kind.UPLOAD: "uploads seen",
}


class SettingsError(Exception):
    """The settings file is missing or does not load."""


def load_settings(path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Pelican's settings from `path`, with the plugin's defaults merged in."""
    if not os.path.isfile(path):
        raise SettingsError(f"settings file {path} does not exist")
    try:
        settings = read_settings(path, override=overrides or {})
        pelican = Pelican(settings)
    except Exception as exc:  # a user's settings file can raise anything
        raise SettingsError(f"settings file {path} does not load: {exc}") from exc
    on_initialized(pelican)
    return pelican.settings


def community_generator(settings: dict[str, Any]) -> CommunityGenerator:
    """The generator a build uses, to read the site's files as a build does."""
    return CommunityGenerator(
        context=settings.copy(),
        settings=settings,
        path=settings["PATH"],
        theme=settings["THEME"],
        output_path=settings["OUTPUT_PATH"],
    )


def read_members(settings: dict[str, Any]) -> list[Any]:
    return community_generator(settings).read_members()


def look_up_offline(
    members: list[Any], settings: dict[str, Any], store: AvatarStore
) -> tuple[list[Any], set[str]]:
    """What an offline build would find for `members`, and the keys it reads; writes nothing."""
    with store.dry_run() as read_keys:
        offline = replace(config_of(settings), offline=True)
        outcomes = resolve_avatars(members, settings, store, announce=False, config=offline)
    return outcomes, read_keys


def say(text: str) -> None:
    # soft_wrap: one line stays one line in a CI log (Pelican's console wraps at 80 columns when
    # it does not write to a terminal).
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def command_status(settings: dict[str, Any], store: AvatarStore) -> int:
    members = read_members(settings)
    outcomes, _ = look_up_offline(members, settings, store)
    kinds = store.count_by_kind(time.time(), config_of(settings).max_age)
    only_generated = sorted(o.slug for o in outcomes if o.how == "generated")
    say(f"Cache: {settings['AVATAR_CACHE_PATH']}")
    say(f"Entries: {sum(kinds.values())}, {store.size_on_disk() / 1024:.1f} KiB on disk")
    for kind, label in KIND_LABELS.items():
        say(f"  {label}: {kinds.get(kind, 0)}")
    waits = store.failures_until()
    if waits:
        say(f"  the first remembered failure is {retry_note(waits, time.time())}")
    say(
        f"Members: {len(members)}; with only a generated avatar: {len(only_generated)}"
        + (f" ({', '.join(only_generated)})" if only_generated else "")
    )
    for problem in store.problems:
        say(f"Warning: {problem}")
    return EXIT_OK


def command_refresh(settings: dict[str, Any], store: AvatarStore) -> int:
    members = read_members(settings)
    if config_of(settings).offline:
        say("AVATAR_OFFLINE is set: nothing to refresh")
        return EXIT_USAGE
    store.clear_failures()
    all_stale = replace(config_of(settings), max_age=0.0)
    outcomes = resolve_avatars(members, settings, store, config=all_stale)
    return EXIT_FAILED if any(outcome.failures for outcome in outcomes) else EXIT_OK


def command_prune(settings: dict[str, Any], store: AvatarStore) -> int:
    members = read_members(settings)
    _, read_keys = look_up_offline(members, settings, store)
    dropped, kept = store.keep_only(store.related_keys(read_keys))
    say(f"Pruned {dropped} entries; kept {kept}")
    return EXIT_OK


def command_clear(settings: dict[str, Any], store: AvatarStore) -> int:
    say(f"Cleared {store.clear()} entries")
    for copy in damaged_copies(settings["AVATAR_CACHE_PATH"]):
        if os.path.isdir(copy) and not os.path.islink(copy):
            shutil.rmtree(copy)
        else:
            os.remove(copy)
        say(f"Removed the damaged copy {copy}")
    return EXIT_OK


def command_check(settings: dict[str, Any], output_format: str) -> int:
    """Every problem in the member and event files; reads no cache and writes nothing."""
    problems, files_read = check.find_problems(community_generator(settings), os.getcwd())
    for problem in problems:
        say(check.FORMATS[output_format](problem))
    say(check.summary(problems, files_read))
    return EXIT_FAILED if problems else EXIT_OK


CHECK_HELP = "check: every problem in member and event files, without a request or a write"
COMMANDS = {
    "status": (command_status, "entries, size on disk, fresh and stale counts"),
    "refresh": (command_refresh, "revalidate every member's avatar now"),
    "prune": (command_prune, "drop cache entries no member uses"),
    "clear": (command_clear, "empty the avatar cache"),
}


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="pelican-avatars",
        description="Look after the avatar cache of a Pelican site; check its member files.",
    )
    parser.add_argument(
        "command",
        choices=[*COMMANDS, "check"],
        help="; ".join([*(f"{name}: {text}" for name, (_, text) in COMMANDS.items()), CHECK_HELP]),
    )
    parser.add_argument(
        "-s", "--settings", default="pelicanconf.py", help="the settings file (pelicanconf.py)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show every warning")
    parser.add_argument(
        "--format",
        choices=list(check.FORMATS),
        default="text",
        help="check: 'text' (path:line: message) or 'github' (GitHub Actions annotations)",
    )
    return parser.parse_args(argv)


def open_store(command: str, directory: str) -> AvatarStore:
    """`status` reads the cache as it is (and never creates one); the other commands heal a
    damaged cache as a build does, and say so. Raises CacheError when it cannot be used."""
    if command == "status":
        try:
            return AvatarStore.open_as_found(directory)
        except (OSError, sqlite3.Error) as exc:
            raise CacheError(f"the avatar cache {os.path.abspath(directory)}: {exc}") from exc
    store = AvatarStore.open(directory)
    for warning in store.warnings:
        say(f"Warning: {warning}")
    if store.temporary or store.read_only:
        store.close()
        raise CacheError(f"{command} needs a cache it can write")
    return store


class CacheError(Exception):
    """The avatar cache cannot be used for this command."""


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `pelican-avatars` console script."""
    args = parse_arguments(argv)
    init_logging(level=logging.INFO if args.verbose else logging.WARNING)
    try:
        settings = load_settings(args.settings)
    except SettingsError as exc:
        say(f"pelican-avatars: {exc}")
        return EXIT_USAGE
    except InvalidSettings:  # the setting, its value and what is allowed are logged already
        return EXIT_USAGE
    if args.command == "check":
        return command_check(settings, args.format)
    handler, _ = COMMANDS[args.command]
    directory = settings["AVATAR_CACHE_PATH"]
    if args.command == "status" and not os.path.lexists(directory):
        say(f"No cache at {os.path.abspath(directory)}")
        return EXIT_OK
    try:
        with open_store(args.command, directory) as store:
            return handler(settings, store)
    except (CacheError, OSError, sqlite3.Error) as exc:
        say(f"pelican-avatars: {exc}")
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
