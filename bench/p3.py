"""Workload P3: `make bench BENCH_ARGS="--workload p3 --size origin a"`.

What a visitor's phone gets: each community is built (photo-like avatars from the local
Gravatar-like server of tests/avatar_server.py, uploaded photos, generated fallbacks) in each
theme, the output is served gzip-compressed from a local server on 127.0.0.1 (as static hosts
serve it), and Lighthouse (mobile defaults: simulated slow 4G, 4× slower CPU) loads the heaviest
pages the plugin writes and one profile. The table: page, bytes (raw and gzip), avatars, DOM
elements, total blocking time, largest contentful paint, performance score.

Lighthouse is installed by this script with npm into bench/.npm/ (git-ignored), never by a
site build; Chromium is Debian's (`CHROMIUM` overrides its path).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import mimetypes
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from common import BENCH_DIR, REPO, human_bytes, machine, say

sys.path.insert(0, str(REPO / "tests"))  # the local Gravatar-like server

import fixtures
import history
import p2
from avatar_server import AvatarServer

LIGHTHOUSE_VERSION = "12.2.3"
NPM_DIR = BENCH_DIR / ".npm"
LIGHTHOUSE_CLI = NPM_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
GZIP_LEVEL = 6  # what static hosts commonly use (nginx's gzip_comp_level is 1; zlib's default 6)
SCORE_TARGET = 90
AVATAR_TAG = re.compile(r"<img\b[^>]*\bclass=\"avatar\b[^>]*>")

# The origin community a year in (SPEC.md, "Light for the visitor"): 350 members in 9 groups,
# 60 meetups of 10–40 attendees, an unconference of 250, 120 articles by members.
SIZES = {
    "tiny": history.SIZES["tiny"],
    "origin": history.Size(
        "origin", 350, 9, ((15, 10), (15, 20), (15, 30), (15, 40), (1, 250)), 120
    ),
    "a": history.SIZES["a"],
}


@dataclass
class Measure:
    """One page in one theme at one size, as Lighthouse saw it."""

    size: str
    theme: str
    page: str  # its path in the output
    raw: int
    gzipped: int
    avatars: int
    dom: int | None = None
    tbt_ms: float | None = None
    lcp_s: float | None = None
    score: int | None = None
    error: str = ""


# --------------------------------------------------------------------------- Lighthouse


def ensure_lighthouse() -> None:
    """Lighthouse LIGHTHOUSE_VERSION in bench/.npm/, installed with npm when missing."""
    package = NPM_DIR / "node_modules" / "lighthouse" / "package.json"
    if package.is_file():
        installed = json.loads(package.read_text(encoding="utf-8")).get("version")
        if installed == LIGHTHOUSE_VERSION:
            return
    if shutil.which("npm") is None:
        raise SystemExit("workload P3 needs npm (and Node) to install Lighthouse")
    say(f"  installing lighthouse@{LIGHTHOUSE_VERSION} with npm into bench/.npm/")
    NPM_DIR.mkdir(exist_ok=True)
    command = [
        "npm", "install", "--prefix", str(NPM_DIR), "--no-save", "--no-package-lock",
        "--no-audit", "--no-fund", "--loglevel=error", f"lighthouse@{LIGHTHOUSE_VERSION}",
    ]  # fmt: skip
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not LIGHTHOUSE_CLI.is_file():
        raise SystemExit(f"npm could not install Lighthouse:\n{done.stderr[-2000:]}")


def chromium() -> str:
    path = os.environ.get("CHROMIUM") or DEFAULT_CHROMIUM
    if not os.access(path, os.X_OK):
        raise SystemExit(f"workload P3 needs Chromium: {path} is not an executable file")
    return path


def lighthouse(url: str, report: Path, timeout: float) -> dict[str, Any]:
    """Lighthouse's performance audits of `url` with its mobile defaults."""
    command = [
        "node", str(LIGHTHOUSE_CLI), url, "--quiet", "--output=json",
        f"--output-path={report}", "--only-categories=performance",
        f"--chrome-flags={CHROME_FLAGS}",
    ]  # fmt: skip
    env = {**os.environ, "CHROME_PATH": chromium()}
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=timeout, check=False
    )
    if done.returncode != 0 or not report.is_file():
        raise RuntimeError(f"Lighthouse failed (exit {done.returncode}): {done.stderr[-600:]}")
    return json.loads(report.read_text(encoding="utf-8"))


def read_report(measure: Measure, result: dict[str, Any]) -> None:
    audits = result["audits"]
    if result.get("runtimeError"):
        measure.error = result["runtimeError"].get("message", "runtime error")
    measure.dom = int(audits["dom-size"].get("numericValue") or 0)
    measure.tbt_ms = audits["total-blocking-time"].get("numericValue")
    lcp = audits["largest-contentful-paint"].get("numericValue")
    measure.lcp_s = lcp / 1000 if lcp is not None else None
    score = result["categories"]["performance"].get("score")
    measure.score = round(score * 100) if score is not None else None


# --------------------------------------------------------------------------- serving


class GzipHandler(BaseHTTPRequestHandler):
    """Static files of one folder, gzip-compressed when the client accepts it."""

    root: Path
    compressed: dict[Path, bytes]

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        target = (self.root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(self.root) or not target.is_file():
            self.send_error(404)
            return
        body = target.read_bytes()
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/"):
            kind += "; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        if "gzip" in (self.headers.get("Accept-Encoding") or ""):
            if target not in self.compressed:
                self.compressed[target] = gzip.compress(body, GZIP_LEVEL, mtime=0)
            body = self.compressed[target]
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def serve_gzipped(root: Path) -> Iterator[str]:
    """The folder over HTTP on 127.0.0.1, for as long as the `with` lasts."""
    handler = type("Handler", (GzipHandler,), {"root": root.resolve(), "compressed": {}})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="p3-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# --------------------------------------------------------------------------- the pages


def avatar_count(html: str) -> int:
    return len(AVATAR_TAG.findall(html))


def heaviest(paths: list[Path]) -> Path | None:
    return max(paths, key=lambda path: path.stat().st_size, default=None)


NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next"')


def next_page(output: Path, page: Path) -> Path | None:
    """The page a list page links to as its next one (`rel="next"`), if any."""
    if not page.is_file():
        return None
    found = NEXT_LINK.search(page.read_text(encoding="utf-8"))
    if not found:
        return None
    target = (page.parent / found.group(1)).resolve()
    if target.is_dir() or not target.suffix:
        target = target / "index.html"
    return target if target.is_file() and target.is_relative_to(output.resolve()) else None


def pages_to_measure(output: Path) -> list[tuple[str, Path]]:
    """The list pages, the biggest group, the biggest event and the biggest profile."""
    picks: list[tuple[str, Path | None]] = [
        ("members", output / "members" / "index.html"),
        ("events", output / "events" / "index.html"),
        ("biggest group", heaviest(list(output.glob("groups/*/index.html")))),
        ("biggest event", heaviest(list(output.glob("events/*/index.html")))),
        ("biggest profile", heaviest(list(output.glob("members/*/index.html")))),
    ]
    # The second page of a split list (the first keeps the list's SAVE_AS), when there is one.
    for label in ("members", "events"):
        second = next_page(output, output / label / "index.html")
        if second is not None:
            picks.append((f"{label} page 2", second))
    return [(label, path) for label, path in picks if path is not None and path.is_file()]


# --------------------------------------------------------------------------- building


def prepare(size: history.Size, server: AvatarServer, workers: int) -> Path:
    """The community with history under bench/.data/sites/p3-SIZE; its portraits on the server."""
    members = fixtures.community(size.members)
    gravatar = [m for m in members if m.kind == "gravatar"]
    uploads = [m for m in members if m.kind == "upload"]
    portraits = fixtures.ensure_pictures("portrait", [m.index for m in gravatar], workers, say)
    photos = fixtures.ensure_pictures("photo", [m.index for m in uploads], workers, say)
    for member, path in zip(uploads, photos, strict=True):
        member.photo = path
    for member, path in zip(gravatar, portraits, strict=True):
        server.set_gravatar(member.gravatar_hash, path.read_bytes())
    root = fixtures.DATA_DIR / "sites" / f"p3-{size.name}"
    shutil.rmtree(root, ignore_errors=True)
    history.write_site(root, size, members, history=True)
    return root


def build(root: Path, theme: str, server: AvatarServer, timeout: float) -> Path:
    """One build in `theme` (the avatar cache shared by the themes); its output folder."""
    settings = p2.site_settings(root, root / "avatar-cache", theme)
    settings.update(
        {
            "AVATAR_OFFLINE": False,
            "AVATAR_ALLOWED_HOSTS": ["127.0.0.1"],
            "AVATAR_GRAVATAR_URL": server.gravatar_url,
            "AVATAR_GITHUB_URL": server.github_url,
        }
    )
    started = time.monotonic()
    result = p2.run_child(root, settings, timeout)
    if result is None:
        raise SystemExit(f"the {theme} build of {root.name} ran out of time: raise --timeout")
    output = root / f"output-{theme}"
    shutil.rmtree(output, ignore_errors=True)
    (root / "output").rename(output)
    say(
        f"  {theme:<9} built in {time.monotonic() - started:.1f} s: {result['pages']} pages, "
        f"{result['warnings']} warning lines"
    )
    return output


def measure_theme(size: str, theme: str, output: Path, runs: int, timeout: float) -> list[Measure]:
    measures = []
    reports = RESULTS_DIR / "p3-reports"
    reports.mkdir(parents=True, exist_ok=True)
    with serve_gzipped(output) as base:
        for label, path in pages_to_measure(output):
            body = path.read_bytes()
            relative = path.relative_to(output).as_posix()
            measure = Measure(
                size,
                theme,
                relative.removesuffix("index.html") or "/",
                len(body),
                len(gzip.compress(body, GZIP_LEVEL, mtime=0)),
                avatar_count(body.decode("utf-8")),
            )
            url = base + relative.removesuffix("index.html")
            outcomes = []
            for number in range(runs):
                report = reports / f"{size}-{theme}-{label.replace(' ', '-')}-{number}.json"
                try:
                    outcomes.append(lighthouse(url, report, timeout))
                except (RuntimeError, subprocess.TimeoutExpired) as exc:
                    measure.error = str(exc)[:300]
            if outcomes:
                # The run with the median score stands for the page.
                outcomes.sort(key=lambda r: r["categories"]["performance"].get("score") or 0)
                read_report(measure, outcomes[len(outcomes) // 2])
            say(f"    {label:<15} {row(measure)}")
            measures.append(measure)
    return measures


# --------------------------------------------------------------------------- report


def row(m: Measure) -> str:
    dom = f"{m.dom:,}" if m.dom is not None else "?"
    tbt = f"{m.tbt_ms:,.0f} ms" if m.tbt_ms is not None else "?"
    lcp = f"{m.lcp_s:.1f} s" if m.lcp_s is not None else "?"
    score = str(m.score) if m.score is not None else "?"
    return (
        f"{m.page:<34} {human_bytes(m.raw):>10} {human_bytes(m.gzipped):>10} {m.avatars:>7} "
        f"{dom:>6} {tbt:>9} {lcp:>7} {score:>5}" + (f"  ({m.error})" if m.error else "")
    )


HEADER = (
    f"{'page':<34} {'raw':>10} {'gzip':>10} {'avatars':>7} {'DOM':>6} {'TBT':>9} {'LCP':>7} "
    f"{'score':>5}"
)


def print_table(measures: list[Measure]) -> None:
    say(
        "\n## P3: Lighthouse " + LIGHTHOUSE_VERSION + " performance, mobile defaults (simulated "
        "slow 4G, 4× CPU slowdown), pages served gzip-compressed from 127.0.0.1"
    )
    groups: dict[tuple[str, str], list[Measure]] = {}
    for m in measures:
        groups.setdefault((m.size, m.theme), []).append(m)
    for (size, theme), rows in groups.items():
        say(f"\n### size {size} ({SIZES[size].describe()}), theme {theme}")
        say(HEADER)
        say("-" * len(HEADER))
        for m in rows:
            say(row(m))
    scored = [m for m in measures if m.score is not None]
    missing = [m for m in measures if m.score is None]
    low = [m for m in scored if m.score < SCORE_TARGET]
    verdict = "OK  " if scored and not low and not missing else "MISS"
    worst = min(scored, key=lambda m: m.score) if scored else None
    say(
        f"\n{verdict} every page scores ≥ {SCORE_TARGET}: {len(scored) - len(low)} of "
        f"{len(measures)} do"
        + (f"; lowest {worst.score} ({worst.size} {worst.theme} {worst.page})" if worst else "")
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workload", choices=("p3",), default="p3")
    parser.add_argument(
        "--size", nargs="+", choices=list(SIZES), default=["origin", "a"], help="default: origin a"
    )
    parser.add_argument(
        "--theme",
        dest="themes",
        nargs="+",
        choices=list(p2.THEMES),
        default=list(p2.THEMES),
        help="site: the example theme; notmyidea: THEME unset (default: both)",
    )
    parser.add_argument(
        "--runs", type=int, default=1, help="Lighthouse runs per page; the median score stands"
    )
    parser.add_argument("--timeout", type=float, default=900, help="seconds per build")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", action="store_true", help="keep the sites in bench/.data/")
    args = parser.parse_args(argv)
    args.runs = max(1, args.runs)
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    started = time.monotonic()
    say("pelican-member-avatars benchmark, workload P3 (pages on a phone)")
    say(machine())
    ensure_lighthouse()
    version = subprocess.run([chromium(), "--version"], capture_output=True, text=True, check=False)
    say(f"Lighthouse {LIGHTHOUSE_VERSION}, {version.stdout.strip()}")
    measures: list[Measure] = []
    with AvatarServer(latency=0.0, handler_timeout=30) as server:
        for name in args.size:
            size = SIZES[name]
            say(f"\n# P3 size ({name}): {size.describe()}")
            root = prepare(size, server, args.workers)
            for theme in args.themes:
                output = build(root, theme, server, args.timeout)
                measures += measure_theme(name, theme, output, args.runs, args.timeout)
            if not args.keep:
                shutil.rmtree(root, ignore_errors=True)
    print_table(measures)
    RESULTS_DIR.mkdir(exist_ok=True)
    saved = RESULTS_DIR / f"p3-{time.strftime('%Y%m%d-%H%M%S')}.json"
    saved.write_text(json.dumps([asdict(m) for m in measures], indent=1), encoding="utf-8")
    say(f"\nMeasures saved to {saved.relative_to(REPO)}")
    say(f"Total bench time {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
