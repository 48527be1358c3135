"""`pelican-avatars`: look after the avatar cache of a site, with the site's own settings file.

Exit codes: 0 done; 1 the command ran but some avatars failed; 2 bad usage or settings.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections import Counter
from typing import Any

from pelican import Pelican
from pelican.log import console
from pelican.log import init as init_logging
from pelican.settings import read_settings

from .build import resolve_avatars
from .freshness import Entry
from .generator import CommunityGenerator
from .plugin import on_initialized
from .store import AvatarStore

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class RecordingStore(AvatarStore):
    """A store that remembers every key read (what a build reads is what the site uses) and,
    while `read_only`, writes nothing (so `status` leaves the cache as it found it)."""

    def __init__(self, directory: str):
        super().__init__(directory)
        self.read_keys: set[str] = set()
        self.read_only = False

    def _get(self, key: str) -> Any:
        self.read_keys.add(key)
        return super()._get(key)

    def _set(self, key: str, value: Any, expire: float | None = None) -> None:
        if not self.read_only:
            super()._set(key, value, expire)


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


def read_members(settings: dict[str, Any]) -> list[Any]:
    generator = CommunityGenerator(
        context=settings.copy(),
        settings=settings,
        path=settings["PATH"],
        theme=settings["THEME"],
        output_path=settings["OUTPUT_PATH"],
    )
    return generator.read_members()


def look_up_offline(
    members: list[Any], settings: dict[str, Any], store: RecordingStore
) -> list[Any]:
    """What an offline build would find for `members`, without writing to the cache."""
    store.read_only = True
    try:
        return resolve_avatars(
            members, {**settings, "AVATAR_OFFLINE": True}, store=store, announce=False
        )
    finally:
        store.read_only = False


def used_keys(members: list[Any], settings: dict[str, Any], store: RecordingStore) -> set[str]:
    """The cache keys this site's members use: what an offline build reads, plus the bodies
    and remembered failures behind the entries it read."""
    look_up_offline(members, settings, store)
    keys = set(store.read_keys)
    for key in list(keys):
        if key.startswith("src:"):
            keys.add("fail:" + key.removeprefix("src:"))
            raw = store.raw(key)
            if isinstance(raw, dict) and raw.get("body_sha"):
                keys.add(f"body:{raw['body_sha']}")
    return keys


def command_status(settings: dict[str, Any], store: RecordingStore) -> int:
    members = read_members(settings)
    outcomes = look_up_offline(members, settings, store)
    now = time.time()
    kinds: Counter[str] = Counter()
    for key in store.iter_keys():
        kind = key.split(":", 1)[0]
        if kind == "src":
            raw = store.raw(key)
            if isinstance(raw, dict):
                entry = Entry(**raw)
                fresh = now - entry.fetched_at < settings["AVATAR_MAX_AGE"]
                kind = ("fresh " if fresh else "stale ") + (
                    "image" if entry.has_image else "no-avatar"
                )
        kinds[kind] += 1
    only_generated = sorted(o.slug for o in outcomes if o.how == "generated")
    console.print(f"Cache: {settings['AVATAR_CACHE_PATH']}", markup=False, highlight=False)
    console.print(
        f"Entries: {sum(kinds.values())}, {store.size_on_disk() / 1024:.1f} KiB on disk",
        markup=False,
        highlight=False,
    )
    labels = {
        "fresh image": "fresh remote avatars",
        "stale image": "stale remote avatars",
        "fresh no-avatar": "fresh 'has none' answers",
        "stale no-avatar": "stale 'has none' answers",
        "fail": "remembered failures",
        "body": "source images",
        "img": "rendered image sets",
        "upload": "uploads seen",
    }
    for kind, label in labels.items():
        console.print(f"  {label}: {kinds.get(kind, 0)}", markup=False, highlight=False)
    console.print(
        f"Members: {len(members)}; with only a generated avatar: {len(only_generated)}"
        + (f" ({', '.join(only_generated)})" if only_generated else ""),
        markup=False,
        highlight=False,
    )
    return EXIT_OK


def command_refresh(settings: dict[str, Any], store: RecordingStore) -> int:
    members = read_members(settings)
    if settings["AVATAR_OFFLINE"]:
        console.print("AVATAR_OFFLINE is set: nothing to refresh", markup=False)
        return EXIT_USAGE
    for key in list(store.iter_keys()):
        if key.startswith("fail:"):
            store.delete(key)
    outcomes = resolve_avatars(members, {**settings, "AVATAR_MAX_AGE": 0}, store=store)
    return EXIT_FAILED if any(outcome.failures for outcome in outcomes) else EXIT_OK


def command_prune(settings: dict[str, Any], store: RecordingStore) -> int:
    members = read_members(settings)
    keep = used_keys(members, settings, store)
    dropped = 0
    for key in list(store.iter_keys()):
        if key not in keep:
            store.delete(key)
            dropped += 1
    console.print(
        f"Pruned {dropped} entries; kept {len(keep & set(store.iter_keys()))}", markup=False
    )
    return EXIT_OK


def command_clear(settings: dict[str, Any], store: RecordingStore) -> int:
    del settings
    console.print(f"Cleared {store.clear()} entries", markup=False)
    return EXIT_OK


COMMANDS = {
    "status": (command_status, "entries, size on disk, fresh and stale counts"),
    "refresh": (command_refresh, "revalidate every member's avatar now"),
    "prune": (command_prune, "drop cache entries no member uses"),
    "clear": (command_clear, "empty the avatar cache"),
}


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="pelican-avatars", description="Look after the avatar cache of a Pelican site."
    )
    parser.add_argument(
        "command",
        choices=list(COMMANDS),
        help="; ".join(f"{name}: {text}" for name, (_, text) in COMMANDS.items()),
    )
    parser.add_argument(
        "-s", "--settings", default="pelicanconf.py", help="the settings file (pelicanconf.py)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show every warning")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `pelican-avatars` console script."""
    args = parse_arguments(argv)
    init_logging(level=logging.INFO if args.verbose else logging.WARNING)
    try:
        settings = load_settings(args.settings)
    except SettingsError as exc:
        console.print(f"pelican-avatars: {exc}", markup=False, highlight=False)
        return EXIT_USAGE
    handler, _ = COMMANDS[args.command]
    os.makedirs(settings["AVATAR_CACHE_PATH"], exist_ok=True)
    with RecordingStore(settings["AVATAR_CACHE_PATH"]) as store:
        return handler(settings, store)


if __name__ == "__main__":
    sys.exit(main())
