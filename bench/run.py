"""Benchmark of pelican-member-avatars: `make bench BENCH_ARGS="--members 100 1000"`.

For each community size N it builds a synthetic site (70% Gravatar portraits served by a local
Gravatar-like server with a fixed latency per request, 20% members without any avatar: 404,
generated fallback, 10% uploaded 2–12 MP photos) and times these builds, each in a fresh
Python process (peak memory = that process's ru_maxrss):

  floor  the same site with avatar resolution off (AVATAR_SOURCES = []): Pelican + member pages
  cold   empty avatar cache
  warm   fresh cache (right after cold)
  stale  every cache entry stale (AVATAR_MAX_AGE = 0 for that build), sources unchanged
  naive  the approach the plugin replaces: floor + bench/naive_avatars.py, a tiny Pelican
         plugin that fetches every avatar serially with requests.get on every build, no cache,
         then Pillow resize and base64 (same sizes, format and quality as the plugin)

Each size starts with one unreported floor build (cold file caches), then `--repeat` rounds
(default 3). Each round runs every requested build once, in the order above (plus an unreported
cold before warm and stale if cold is not requested), so a machine whose speed drifts over
minutes slows every kind alike; the table reports the median over the rounds. Wall seconds are
the build inside the child (settings read + Pelican run; interpreter start-up excluded); CPU
seconds ("CPU s" column and "CPU ratios" line) are user + system time of the whole child
process (every thread, start-up included; time spent waiting for the server or for a core is not
counted). Peak memory is the highest of the rounds. Requests, bytes and avatar sizes are those of
the last round, counted by the server and read from the HTML. Numbers are printed, not
asserted; the issue's targets are printed as OK/MISS lines at the end, the cold and warm lines
with the sorted wall seconds of every round to show the noise.

Other modes: `--quick` (CI smoke: N=50, 5 ms latency), `--profile floor|cold|warm` (runs that build
under pyinstrument plus an all-threads stack sampler; reports go to bench/results/).
"""

from __future__ import annotations

import argparse
import base64
import itertools
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(REPO / "tests"))  # the local Gravatar/GitHub-like server

import fixtures  # noqa: E402
from avatar_server import AvatarServer  # noqa: E402
from common import human_bytes, machine, plural, say, site_basics  # noqa: E402

RESULTS_DIR = BENCH_DIR / "results"
BUILDS = ("floor", "cold", "warm", "stale", "naive")
LIST_CSS_SIZE = 48  # AVATAR_SIZES["list"]: 96-px images at density 2
WEBP_MEDIAN_TARGET = 1000  # bytes: "≤ 1.0 KB median per 96-pixel WebP avatar of a photo"
IMG_TAG = re.compile(r"<img\b[^>]*>")
ATTR = re.compile(r'([\w-]+)="([^"]*)"')
SUMMARY = re.compile(r"\[member_avatars\] (Avatars: .*)")


@dataclass
class Build:
    kind: str
    n: int
    walls: list[float] = field(default_factory=list)  # one per repeat, in round order
    cpus: list[float] = field(default_factory=list)  # CPU s (user + system) of each build process
    elapsed: float = 0.0  # seconds spent on this kind's builds, process start-up included
    peak_mib: float = 0.0
    requests: int = 0
    conditional: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    bytes_total: int = 0
    bytes_images: int = 0
    avatar_bytes: list[int] = field(default_factory=list)
    photo_avatar_bytes: list[int] = field(default_factory=list)
    uri_chars: list[int] = field(default_factory=list)
    summary: str = ""
    warnings: int = 0
    threads_left: list[str] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus) if self.cpus else 0.0


# --------------------------------------------------------------------------- helpers


def analyse_html(path: Path, photo_slugs: set[str], build: Build) -> None:
    """Sizes of the 96-px list avatars on the members page, one per member."""
    seen: set[str] = set()
    html = path.read_text(encoding="utf-8")
    for tag in IMG_TAG.findall(html):
        attrs = dict(ATTR.findall(tag))
        if "avatar" not in attrs.get("class", "").split():
            continue
        slug = attrs.get("data-member", "")
        if attrs.get("width") != str(LIST_CSS_SIZE) or slug in seen:
            continue
        seen.add(slug)
        src = attrs.get("src", "")
        decoded = len(base64.b64decode(src.split(",", 1)[1])) if "," in src else 0
        build.uri_chars.append(len(src))
        build.avatar_bytes.append(decoded)
        if slug in photo_slugs:
            build.photo_avatar_bytes.append(decoded)


# --------------------------------------------------------------------------- one size


class Bench:
    def __init__(self, args: argparse.Namespace, server: AvatarServer):
        self.args = args
        self.server = server
        self.latency = args.latency / 1000

    def site_settings(self, root: Path) -> dict[str, Any]:
        return {
            **site_basics(root),
            "AVATAR_CACHE_PATH": str(root / "cache" / "avatars"),
            "THEME": str(REPO / "site"),
            "AVATAR_OFFLINE": False,
            "AVATAR_ALLOWED_HOSTS": ["127.0.0.1"],
            "AVATAR_GRAVATAR_URL": self.server.gravatar_url,
            "AVATAR_GITHUB_URL": self.server.github_url,
            "AVATAR_CONCURRENCY": self.args.concurrency,
        }

    def prepare(self, n: int) -> tuple[Path, list[fixtures.Member]]:
        members = fixtures.community(n)
        gravatar = [m for m in members if m.kind == "gravatar"]
        uploads = [m for m in members if m.kind == "upload"]
        workers = self.args.workers
        portraits = fixtures.ensure_pictures("portrait", [m.index for m in gravatar], workers, say)
        photos = fixtures.ensure_pictures("photo", [m.index for m in uploads], workers, say)
        for member, path in zip(uploads, photos, strict=True):
            member.photo = path
        for member, path in zip(gravatar, portraits, strict=True):
            self.server.set_gravatar(member.gravatar_hash, path.read_bytes())
        root = fixtures.DATA_DIR / "sites" / f"n{n}"
        if root.exists():
            shutil.rmtree(root)
        fixtures.write_site(root, members, data_file=self.args.data_file)
        portrait_bytes = [p.stat().st_size for p in portraits]
        photo_sizes = [p.stat().st_size for p in photos]
        say(
            f"  site: {n} members{' in one CSV data file' if self.args.data_file else ''}: "
            f"{len(gravatar)} Gravatar (JPEG ~320 px, median "
            f"{human_bytes(statistics.median(portrait_bytes) if portrait_bytes else 0)}), "
            f"{n - len(gravatar) - len(uploads)} without avatar (404 → generated), "
            f"{len(uploads)} uploaded photos (2–12 MP, median "
            f"{human_bytes(statistics.median(photo_sizes) if photo_sizes else 0)})"
        )
        return root, members

    def run_child(
        self, root: Path, kind: str, settings: dict[str, Any], profile: dict | None = None
    ) -> tuple[dict[str, Any], str]:
        job_path = root / f"job-{kind}.json"
        result_path = root / f"result-{kind}.json"
        job = {
            "settings": settings,
            "naive": kind == "naive",
            "profile": profile,
            "result": str(result_path),
        }
        job_path.write_text(json.dumps(job), encoding="utf-8")
        env = {key: value for key, value in os.environ.items() if key != "AVATAR_OFFLINE"}
        env["COLUMNS"] = "400"  # Pelican's console must not wrap the avatar summary line
        done = subprocess.run(
            [sys.executable, str(BENCH_DIR / "child.py"), str(job_path)],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        log = done.stdout + done.stderr
        (root / f"build-{kind}.log").write_text(log, encoding="utf-8")
        if done.returncode != 0:
            raise SystemExit(f"{kind} build failed (exit {done.returncode}):\n{log[-4000:]}")
        return json.loads(result_path.read_text(encoding="utf-8")), log

    def kind_settings(self, root: Path, kind: str) -> dict[str, Any]:
        settings = self.site_settings(root)
        if kind in ("floor", "naive"):
            settings["AVATAR_SOURCES"] = []
        if kind == "stale":
            settings["AVATAR_MAX_AGE"] = 0
        return settings

    def run_once(
        self,
        root: Path,
        build: Build,
        photo_slugs: set[str],
        analyse: bool = True,
        profile: dict | None = None,
    ) -> None:
        """One build of `build.kind`: appends its wall and CPU seconds to `build`.

        With `analyse`, also replaces its requests, statuses, bytes, log notes and HTML sizes
        by this build's (the caller asks for it on the last repeat).
        """
        kind = build.kind
        settings = self.kind_settings(root, kind)
        if kind == "cold":
            shutil.rmtree(root / "cache", ignore_errors=True)
        shutil.rmtree(root / "output", ignore_errors=True)
        # Write back what the last build and the deletes above left dirty, so this build does
        # not pay for it (on a small VM disk that swings a build by a second or more).
        os.sync()
        self.server.reset_log()
        started = time.monotonic()
        outcome, log = self.run_child(root, kind, settings, profile)
        self.server.wait_idle(timeout=10, connections=False)
        build.elapsed += time.monotonic() - started
        build.walls.append(outcome["wall"])
        build.cpus.append(outcome.get("cpu", 0.0))
        build.peak_mib = max(build.peak_mib, outcome["maxrss_kib"] / 1024)
        if analyse:
            self.analyse(root, build, outcome, log, photo_slugs)
        if not self.args.keep:
            shutil.rmtree(root / "output", ignore_errors=True)

    def analyse(
        self, root: Path, build: Build, outcome: dict[str, Any], log: str, photo_slugs: set[str]
    ) -> None:
        records = self.server.requests
        build.threads_left = outcome.get("threads_left", [])
        build.requests = len(records)
        build.conditional = sum(1 for record in records if record.conditional)
        build.statuses = {}
        for record in records:
            build.statuses[record.status or 0] = build.statuses.get(record.status or 0, 0) + 1
        build.bytes_total = sum(record.bytes_sent for record in records)
        build.bytes_images = sum(r.bytes_sent for r in records if r.status == 200)
        match = SUMMARY.search(log)
        build.summary = match.group(1) if match else ""
        build.warnings = log.count("WARNING")
        build.avatar_bytes, build.photo_avatar_bytes, build.uri_chars = [], [], []
        members_page = root / "output" / "members" / "index.html"
        if members_page.exists():
            analyse_html(members_page, photo_slugs, build)

    def build(
        self, root: Path, kind: str, n: int, photo_slugs: set[str], profile: dict | None = None
    ) -> Build:
        """A single build of `kind`, analysed (the warm-up, the profiles and their set-up)."""
        result = Build(kind, n)
        self.run_once(root, result, photo_slugs, profile=profile)
        return result

    def run_size(self, n: int) -> dict[str, Build]:
        say(f"\n# N = {n}")
        root, members = self.prepare(n)
        photo_slugs = {m.slug for m in members if m.kind in ("gravatar", "upload")}
        requested = set(self.args.builds)
        # Every round runs each requested kind once, in BUILDS order, so a drift of the
        # machine's speed over minutes hits every kind alike. Warm and stale need a filled
        # cache: without a reported cold, each round runs an unreported cold before them.
        order = [
            kind
            for kind in BUILDS
            if kind in requested or (kind == "cold" and requested & {"warm", "stale"})
        ]
        builds = {kind: Build(kind, n) for kind in order if kind in requested}
        filler = Build("cold", n)  # the unreported cold builds, if any
        if "floor" in requested:
            # The first build of a fresh site pays for cold file caches: not reported.
            self.build(root, "floor", n, photo_slugs)
            say("  warm-up floor build done (not reported)")
        repeats = self.args.repeat
        for round_index in range(repeats):
            started = time.monotonic()
            last = round_index == repeats - 1
            for kind in order:
                build = builds.get(kind, filler)
                # Requests, bytes and HTML are those of the last repeat of each kind.
                self.run_once(root, build, photo_slugs, analyse=last and build is not filler)
            if repeats > 1:
                walls = ", ".join(f"{kind} {build.walls[-1]:.2f}" for kind, build in builds.items())
                say(
                    f"  round {round_index + 1}/{repeats} done in "
                    f"{time.monotonic() - started:6.1f} s (wall s: {walls})"
                )
        for kind, build in builds.items():
            say(
                f"  {kind:<5} done in {build.elapsed:6.1f} s "
                f"({plural(len(build.walls), 'build')}: median wall {build.wall:.2f} s, "
                f"CPU {build.cpu:.2f} s; {build.requests} requests)"
            )
        print_table(n, builds, self.args)
        if not self.args.keep:
            shutil.rmtree(root, ignore_errors=True)
        return builds

    def profile_size(self, n: int, kinds: list[str]) -> None:
        say(f"\n# Profiling N = {n}")
        root, members = self.prepare(n)
        photo_slugs = {m.slug for m in members if m.kind in ("gravatar", "upload")}
        RESULTS_DIR.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for kind in kinds:
            if kind == "cold":
                shutil.rmtree(root / "cache", ignore_errors=True)
            elif kind == "warm" and not (root / "cache" / "avatars").exists():
                self.build(root, "cold", n, photo_slugs)
            base = RESULTS_DIR / f"profile-{kind}-n{n}-{stamp}"
            profile = {
                "html": f"{base}.html",
                "txt": f"{base}.txt",
                "threads": f"{base}-threads.txt",
            }
            build = self.build(root, kind, n, photo_slugs, profile)
            say(
                f"  {kind}: wall {build.wall:.2f} s under the profiler, {build.requests} "
                f"requests; {build.summary}"
            )
            for path in profile.values():
                say(f"    {Path(path).relative_to(REPO)}")
        if not self.args.keep:
            shutil.rmtree(root, ignore_errors=True)


# --------------------------------------------------------------------------- report


def _mean_median(values: list[int]) -> str:
    if not values:
        return "–"
    return f"{statistics.fmean(values):.0f} / {statistics.median(values):.0f}"


def print_table(n: int, builds: dict[str, Build], args: argparse.Namespace) -> None:
    say(
        f"\n## N = {n} members, latency {args.latency:g} ms/request, AVATAR_CONCURRENCY "
        f"{args.concurrency}, {plural(args.repeat, 'interleaved round')} (wall s, CPU s: "
        "medians; peak MiB: highest; requests, bytes, avatars: last round)"
    )
    # "CPU s" sits by "peak MiB", not by "wall s": tests/test_bench_smoke.py reads the
    # requests as the third field of a row.
    header = (
        f"{'build':<6} {'wall s':>8} {'requests':>9} {'cond.':>6} {'downloaded':>11} "
        f"{'images':>11} {'96px B mean/med':>16} {'photo med':>10} {'data URI B mean/med':>20} "
        f"{'CPU s':>8} {'peak MiB':>9}"
    )
    say(header)
    say("-" * len(header))
    for kind, build in builds.items():
        photo_median = (
            f"{statistics.median(build.photo_avatar_bytes):.0f}"
            if build.photo_avatar_bytes
            else "–"
        )
        say(
            f"{kind:<6} {build.wall:8.2f} {build.requests:9d} {build.conditional:6d} "
            f"{human_bytes(build.bytes_total):>11} {human_bytes(build.bytes_images):>11} "
            f"{_mean_median(build.avatar_bytes):>16} {photo_median:>10} "
            f"{_mean_median(build.uri_chars):>20} {build.cpu:8.2f} {build.peak_mib:9.1f}"
        )
    pairs = [
        (top, bottom)
        for top, bottom in (
            ("cold", "floor"),
            ("warm", "floor"),
            ("stale", "floor"),
            ("naive", "cold"),
        )
        if top in builds and bottom in builds
    ]
    for label, measure in (("ratios", "wall"), ("CPU ratios", "cpu")):
        values = {kind: getattr(build, measure) for kind, build in builds.items()}
        ratios = [
            f"{top}/{bottom} = {values[top] / values[bottom]:.2f}"
            for top, bottom in pairs
            if values[bottom] > 0
        ]
        if ratios:
            say(f"{label}: " + ", ".join(ratios))
    for kind, build in builds.items():
        statuses = ", ".join(f"{code}×{count}" for code, count in sorted(build.statuses.items()))
        notes = [build.summary or "(no avatar summary)"]
        if statuses:
            notes.append(f"HTTP {statuses}")
        if build.warnings:
            notes.append(f"{build.warnings} warning lines")
        if build.threads_left:
            notes.append(f"threads left at exit: {build.threads_left}")
        say(f"  {kind:<5} {'; '.join(notes)}")


def spread(build: Build) -> str:
    """The wall seconds of every repeat, sorted: the noise behind the median."""
    return "(walls " + " / ".join(f"{wall:.2f}" for wall in sorted(build.walls)) + " s)"


def verdict(ok: bool | None) -> str:
    return "n/a " if ok is None else "OK  " if ok else "MISS"


def print_targets(results: dict[int, dict[str, Build]], args: argparse.Namespace) -> None:
    say("\n## Targets (issue: N=1000, 50 ms latency, AVATAR_CONCURRENCY 8)")
    if not results:
        return
    n = 1000 if 1000 in results else min(results, key=lambda size: abs(size - 1000))
    conditions = n == 1000 and args.latency == 50 and args.concurrency == 8
    if not conditions:
        say(
            f"(computed at N={n}, {args.latency:g} ms, concurrency {args.concurrency}: not the "
            "issue's conditions, indicative only)"
        )
    builds = results[n]
    latency = args.latency / 1000
    floor, cold, warm, stale = (builds.get(kind) for kind in ("floor", "cold", "warm", "stale"))
    if floor and cold:
        rounds = math.ceil(cold.requests / args.concurrency)
        limit = floor.wall + 1.5 * rounds * latency
        say(
            f"{verdict(cold.wall <= limit)} cold {cold.wall:.2f} s ≤ floor {floor.wall:.2f} s + "
            f"1.5 × ⌈{cold.requests}/{args.concurrency}⌉ × {args.latency:g} ms = {limit:.2f} s "
            f"{spread(cold)}"
        )
    if floor and warm:
        ok = warm.requests == 0 and warm.wall <= 1.10 * floor.wall
        say(
            f"{verdict(ok)} warm: {warm.requests} requests (0 wanted) and {warm.wall:.2f} s ≤ "
            f"1.10 × floor = {1.10 * floor.wall:.2f} s ({warm.wall / floor.wall:.2f} × floor) "
            f"{spread(warm)}"
        )
    if stale:
        say(
            f"{verdict(stale.bytes_images == 0)} stale, sources unchanged: "
            f"{human_bytes(stale.bytes_images)} of images downloaded again (0 wanted); "
            f"{stale.conditional} conditional of {stale.requests} requests"
        )
    if cold and cold.photo_avatar_bytes:
        median = statistics.median(cold.photo_avatar_bytes)
        say(
            f"{verdict(median <= WEBP_MEDIAN_TARGET)} median 96-px WebP avatar of a photo: "
            f"{median:.0f} B ≤ {WEBP_MEDIAN_TARGET} B ({len(cold.photo_avatar_bytes)} photos)"
        )
    big = results.get(10000)
    if big and "floor" in big:
        peaks = {k: big[k].peak_mib for k in ("cold", "warm", "stale") if k in big}
        worst = max(peaks, key=peaks.get) if peaks else None
        if worst:
            limit = big["floor"].peak_mib + 100
            say(
                f"{verdict(peaks[worst] <= limit)} peak memory at N=10000: {worst} "
                f"{peaks[worst]:.1f} MiB ≤ floor {big['floor'].peak_mib:.1f} + 100 = "
                f"{limit:.1f} MiB"
            )
    else:
        say(f"{verdict(None)} peak memory at N=10000 ≤ floor + 100 MiB: N=10000 not run")
    _flatness(results)


def _flatness(results: dict[int, dict[str, Build]]) -> None:
    sizes = sorted(n for n, b in results.items() if "cold" in b and "floor" in b)
    if len(sizes) < 2:
        say(f"{verdict(None)} cost per member flat from N=100 to N=10000: needs two sizes")
        return
    partial = "" if sizes[0] <= 100 and sizes[-1] >= 10000 else " (partial: not N=100…10000)"
    # Both have a fixed part (starting the pool, loading Pillow's codecs, opening SQLite and
    # the HTTP session) that dwarfs a hundred members, so what must stay flat is the cost of
    # each further member, between one size and the next.
    for label, unit, cost in (
        ("cold time over floor", "ms", lambda b: 1000 * (b["cold"].wall - b["floor"].wall)),
        (
            "cold peak memory over floor",
            "KiB",
            lambda b: 1024 * (b["cold"].peak_mib - b["floor"].peak_mib),
        ),
    ):
        totals = {n: cost(results[n]) for n in sizes}
        marginal = [
            (low, high, (totals[high] - totals[low]) / (high - low))
            for low, high in itertools.pairwise(sizes)
        ]
        shown = ", ".join(f"N={low}→{high}: {each:.2f} {unit}" for low, high, each in marginal)
        fixed = totals[sizes[0]] - marginal[0][2] * sizes[0]
        steady = None
        if len(marginal) > 1:
            first = marginal[0][2]
            steady = first > 0 and all(0.7 <= each / first <= 1.3 for _, _, each in marginal)
        say(
            f"{verdict(steady)} {label} per further member within ±30% between sizes: "
            f"{shown} (fixed part about {fixed:.0f} {unit}){partial}"
        )


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--workload",
        choices=("p1", "p2", "p3"),
        default="p1",
        help="p1: members only (this table); p2: a community with history, see bench/p2.py; "
        "p3: its pages in Lighthouse, see bench/p3.py",
    )
    parser.add_argument(
        "--members",
        type=int,
        nargs="+",
        default=None,
        metavar="N",
        help="community sizes (default: 100 1000; e.g. 100 1000 10000)",
    )
    parser.add_argument(
        "--latency", type=float, default=None, help="server latency per request in ms (default 50)"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=8,
        help="AVATAR_CONCURRENCY of the builds (default 8, the plugin's default)",
    )
    parser.add_argument(
        "--builds",
        nargs="+",
        choices=BUILDS,
        default=list(BUILDS),
        help="which builds to run (default: all)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="rounds per size (default 3): each round runs every build once, interleaved; "
        "the table reports the median wall and CPU seconds",
    )
    parser.add_argument(
        "--quick", action="store_true", help="CI smoke: N=50 and 5 ms latency unless given"
    )
    parser.add_argument(
        "--profile",
        nargs="+",
        choices=("floor", "cold", "warm"),
        default=None,
        help="profile these builds (pyinstrument + all-thread sampler) at each "
        "N instead of running the tables; reports go to bench/results/",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="processes drawing missing fixture pictures",
    )
    parser.add_argument(
        "--data-file",
        action="store_true",
        help="the members are the rows of one CSV data file instead of one Markdown file each",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the generated sites and outputs (under bench/.data/sites/)",
    )
    args = parser.parse_args(argv)
    if args.members is None:
        args.members = [50] if args.quick else [1000] if args.profile else [100, 1000]
    if args.latency is None:
        args.latency = 5.0 if args.quick else 50.0
    args.repeat = max(1, args.repeat)
    return args


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    workload = argparse.ArgumentParser(add_help=False)
    workload.add_argument("--workload", choices=("p1", "p2", "p3"), default="p1")
    chosen, rest = workload.parse_known_args(argv)
    if chosen.workload == "p2":
        import p2  # a community with history: bench/p2.py, its own options

        p2.main(argv)
        return
    if chosen.workload == "p3":
        import p3  # its pages on a phone, in Lighthouse: bench/p3.py, its own options

        p3.main(argv)
        return
    args = parse_args(rest)
    started = time.monotonic()
    say("pelican-member-avatars benchmark")
    say(machine())
    say(
        f"Server: local Gravatar-like HTTP/1.1 server on 127.0.0.1, {args.latency:g} ms latency "
        "per request; builds run one at a time, each in a fresh process"
    )
    results: dict[int, dict[str, Build]] = {}
    with AvatarServer(latency=args.latency / 1000, handler_timeout=30) as server:
        bench = Bench(args, server)
        for n in args.members:
            if args.profile:
                bench.profile_size(n, args.profile)
            else:
                results[n] = bench.run_size(n)
    if results:
        print_targets(results, args)
    say(f"\nTotal bench time {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
