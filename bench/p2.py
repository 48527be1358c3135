"""Workload P2: `make bench BENCH_ARGS="--workload p2 --size a"`.

A community with years of history (members in groups, events with attendee lists, articles by
members) against the same members alone, each built warm and offline in a fresh process
(bench/child.py): milliseconds per written page (HTML files in the output) for both, their
ratio, and peak memory. Sizes and themes are options; every build has a timeout, so a build
that would take hours is stopped (its process group killed) and reported as such.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import autoreload
import fixtures
import history
from common import machine, plural, say, site_basics

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
THEMES = {"site": str(REPO / "site"), "notmyidea": None}  # None: THEME unset, Pelican's default
RATIO_TARGET = 1.3  # per-page time with history ≤ 1.3 × members-only
MEMORY_TARGET_MIB = 150  # peak memory with history ≤ members-only + 150 MiB, at size (b)
MEMORY_TARGET_SIZE = "b"


@dataclass
class Outcome:
    """The timed builds of one site (members-only or with history) in one theme."""

    walls: list[float] = field(default_factory=list)
    pages: int = 0
    peak_mib: float = 0.0
    warnings: int = 0
    timed_out: bool = False

    @property
    def ms_per_page(self) -> float | None:
        if self.timed_out or not self.walls or not self.pages:
            return None
        return 1000 * statistics.median(self.walls) / self.pages


def site_settings(root: Path, avatar_cache: Path, theme: str) -> dict[str, Any]:
    settings = {
        **site_basics(root),
        "AVATAR_CACHE_PATH": str(avatar_cache),
        "STATIC_PATHS": [],
        "AVATAR_OFFLINE": True,
    }
    if THEMES[theme] is not None:
        settings["THEME"] = THEMES[theme]
    return settings


def count_pages(output: Path) -> int:
    return sum(1 for _ in output.rglob("*.html"))


def run_child(root: Path, settings: dict[str, Any], timeout: float) -> dict[str, Any] | None:
    """One build in a fresh process (its own process group); None if it ran out of time."""
    shutil.rmtree(root / "output", ignore_errors=True)
    os.sync()  # the previous build's deleted output must not be written back during this one
    job_path, result_path, log_path = (root / name for name in ("job.json", "result.json", "log"))
    result_path.unlink(missing_ok=True)
    job_path.write_text(json.dumps({"settings": settings, "result": str(result_path)}), "utf-8")
    env = {key: value for key, value in os.environ.items() if key != "AVATAR_OFFLINE"}
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, str(BENCH_DIR / "child.py"), str(job_path)],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return None
    text = log_path.read_text(encoding="utf-8", errors="replace")
    if returncode != 0:
        raise SystemExit(f"build of {root.name} failed (exit {returncode}):\n{text[-4000:]}")
    result = json.loads(result_path.read_text(encoding="utf-8"))
    result["pages"] = count_pages(root / "output")
    result["warnings"] = text.count("WARNING")
    return result


def record(outcome: Outcome, result: dict[str, Any] | None) -> str:
    """Add one build's result to `outcome`; return a short line for the progress log."""
    if result is None:
        outcome.timed_out = True
        return "timed out"
    outcome.walls.append(result["wall"])
    outcome.pages = result["pages"]
    outcome.peak_mib = max(outcome.peak_mib, result["maxrss_kib"] / 1024)
    outcome.warnings = result["warnings"]
    return f"{result['wall']:.2f} s, {result['pages']} pages, {result['maxrss_kib'] / 1024:.0f} MiB"


def prepare(size: history.Size, workers: int) -> tuple[Path, list[fixtures.Member]]:
    """Members (uploads get their photos) and both sites under bench/.data/sites/p2-SIZE."""
    members = fixtures.community(size.members)
    uploads = [m for m in members if m.kind == "upload"]
    photos = fixtures.ensure_pictures("photo", [m.index for m in uploads], workers, say)
    for member, path in zip(uploads, photos, strict=True):
        member.photo = path
    root = fixtures.DATA_DIR / "sites" / f"p2-{size.name}"
    shutil.rmtree(root, ignore_errors=True)
    history.write_site(root / "members-only", size, members, history=False)
    history.write_site(root / "history", size, members, history=True)
    return root, members


def run_size(
    size: history.Size, args: argparse.Namespace
) -> tuple[dict[tuple[str, str], Outcome], autoreload.Rebuild | None]:
    say(f"\n# P2 size ({size.name}): {size.describe()}")
    root, _ = prepare(size, args.workers)
    cache = root / "avatar-cache"  # shared: the same members in both sites and every theme
    sites = {"members-only": root / "members-only", "history": root / "history"}
    first = site_settings(sites["members-only"], cache, args.themes[0])
    started = time.monotonic()
    if run_child(sites["members-only"], first, args.timeout) is None:
        raise SystemExit("the warm-up build ran out of time: raise --timeout")
    warm_up = time.monotonic() - started
    say(f"  warm-up build (fills the avatar cache, not reported): {warm_up:.1f} s")
    outcomes = {(theme, site): Outcome() for theme in args.themes for site in sites}
    for round_index in range(args.repeat):
        for theme in args.themes:
            for site, site_root in sites.items():
                outcome = outcomes[theme, site]
                if outcome.timed_out:
                    continue  # once out of time, always out of time
                result = run_child(site_root, site_settings(site_root, cache, theme), args.timeout)
                line = record(outcome, result)
                say(f"  round {round_index + 1}: {theme:<9} {site:<12} {line}")
    rebuild = None
    if args.autoreload:
        settings = site_settings(sites["history"], cache, args.themes[0])
        rebuild = autoreload.time_rebuild(sites["history"], settings, args.timeout)
        say(f"  autoreload ({args.themes[0]}, with history): {rebuild.describe()}")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return outcomes, rebuild


# --------------------------------------------------------------------------- report


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else "OK" if ok else "MISS"


def table_rows(
    results: dict[str, dict[tuple[str, str], Outcome]],
) -> list[tuple[str, ...]]:
    rows = []
    for size_name, outcomes in results.items():
        for theme in dict.fromkeys(theme for theme, _ in outcomes):
            alone, full = outcomes[theme, "members-only"], outcomes[theme, "history"]
            per_alone, per_full = alone.ms_per_page, full.ms_per_page
            ratio = per_full / per_alone if per_alone and per_full else None
            ratio_ok = False if full.timed_out else None if ratio is None else ratio <= RATIO_TARGET
            extra = full.peak_mib - alone.peak_mib
            memory_ok = None
            if size_name == MEMORY_TARGET_SIZE:
                memory_ok = False if full.timed_out else extra <= MEMORY_TARGET_MIB
            rows.append(
                (
                    size_name,
                    theme,
                    f"{alone.pages} / {full.pages if not full.timed_out else '?'}",
                    f"{per_alone:.2f}" if per_alone else "timeout",
                    f"{per_full:.2f}" if per_full else "timeout",
                    f"{ratio:.2f} {verdict(ratio_ok)}" if ratio else f"– {verdict(ratio_ok)}",
                    f"{alone.peak_mib:.0f} / {full.peak_mib:.0f}" if not full.timed_out else "?",
                    f"{extra:+.0f} {verdict(memory_ok)}" if not full.timed_out else "?",
                )
            )
    return rows


HEADER = (
    "size",
    "theme",
    "pages (members / history)",
    "ms/page members",
    "ms/page history",
    f"ratio (≤ {RATIO_TARGET})",
    "peak MiB (members / history)",
    f"difference (≤ {MEMORY_TARGET_MIB} at b)",
)


def print_table(results: dict[str, dict[tuple[str, str], Outcome]], args: argparse.Namespace):
    say(
        f"\n## P2: warm, offline; ms per written HTML page, median of "
        f"{plural(args.repeat, 'round')}; peak MiB: highest; timeout {args.timeout:g} s per build"
    )
    rows = [HEADER, *table_rows(results)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(HEADER))]
    for number, row in enumerate(rows):
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        say(" | ".join(cells).rstrip())
        if number == 0:
            say("-+-".join("-" * width for width in widths))
    for size_name, outcomes in results.items():
        for (theme, site), outcome in outcomes.items():
            if outcome.warnings:
                say(f"  {size_name} {theme} {site}: {outcome.warnings} warning lines")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workload", choices=("p2",), default="p2")
    parser.add_argument(
        "--size", nargs="+", choices=list(history.SIZES), default=["a"], help="(default: a)"
    )
    parser.add_argument(
        "--theme",
        dest="themes",
        nargs="+",
        choices=list(THEMES),
        default=list(THEMES),
        help="site: the example theme; notmyidea: THEME unset (default: both)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="timed rounds (default 1)")
    parser.add_argument(
        "--timeout", type=float, default=900, help="seconds per build before it is stopped"
    )
    parser.add_argument(
        "--autoreload",
        action="store_true",
        help="also time one `pelican --autoreload` rebuild after editing one member file",
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", action="store_true", help="keep the sites in bench/.data/")
    args = parser.parse_args(argv)
    args.repeat = max(1, args.repeat)
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    started = time.monotonic()
    say("pelican-member-avatars benchmark, workload P2 (a community with history)")
    say(machine())
    results, rebuilds = {}, {}
    for name in args.size:
        results[name], rebuilds[name] = run_size(history.SIZES[name], args)
    print_table(results, args)
    for name, rebuild in rebuilds.items():
        if rebuild is not None:
            say(f"autoreload at size ({name}), {args.themes[0]} theme: {rebuild.describe()}")
    say(f"\nTotal bench time {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
