"""One `pelican --autoreload` rebuild after editing one member file, timed.

Pelican starts watching only after a build has ended (it prints "Done:" first), so an edit
made in between goes unnoticed: the edit is made again every REEDIT seconds until Pelican
reports the file as modified. The rebuild is timed from the edit it noticed to its "Done:"
line, i.e. what an author waits for after saving (watchfiles' debounce included). Pelican
runs in its own process group, which is killed at the end: nothing is left running.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REEDIT = 3.0  # seconds without Pelican's "-> Modified:" before the edit is made again
PELICAN_SECONDS = re.compile(r"Done: .* in ([\d.]+) seconds")


@dataclass
class Rebuild:
    first_build: float | None  # seconds from start to the first "Done:"
    rebuild: float | None  # seconds from the noticed edit to the next "Done:"
    pelican_says: str  # Pelican's own timing of the rebuild ("Done: ... in N seconds")

    def describe(self) -> str:
        if self.rebuild is None:
            first = "timed out" if self.first_build is None else f"{self.first_build:.1f} s"
            return f"first build {first}, no rebuild within the timeout"
        return (
            f"first build {self.first_build:.1f} s; rebuild after editing one member file "
            f"{self.rebuild:.1f} s (Pelican: {self.pelican_says} s)"
        )


class Watcher:
    """The lines of a child's output, each with the monotonic time it arrived."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: list[tuple[float, str]] = []
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen) -> None:
        for line in process.stdout:
            self.lines.append((time.monotonic(), line))

    def times(self, text: str) -> list[float]:
        return [at for at, line in list(self.lines) if text in line]

    def pelican_seconds(self) -> str:
        found = [PELICAN_SECONDS.search(line) for _, line in list(self.lines)]
        return next((m.group(1) for m in reversed(found) if m), "?")


def settings_file(root: Path, settings: dict[str, Any]) -> Path:
    path = root / "pelicanconf.py"
    path.write_text("".join(f"{key} = {value!r}\n" for key, value in settings.items()), "utf-8")
    return path


def edit_member(path: Path, number: int) -> None:
    """A new profession line: a change an author would save."""
    lines = [
        line for line in path.read_text("utf-8").splitlines() if not line.startswith("Profession:")
    ]
    lines.insert(1, f"Profession: Edited {number}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def wait_until(check, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def stop(process: subprocess.Popen) -> None:
    """Ctrl-C to the whole group (Pelican stops cleanly), then SIGKILL to whatever is left."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def time_rebuild(root: Path, settings: dict[str, Any], timeout: float) -> Rebuild:
    """Start `pelican --autoreload` on the site at `root`, edit one member file, time it."""
    # Pelican matches IGNORE_FILES (default "**/.*") against the whole absolute path while
    # watching, so under bench/.data/ it would ignore every change. ".*" still hides dot files
    # when reading (matched against the name); the second pattern, when watching, only those
    # below PATH.
    ignore = [".*", f"{settings['PATH']}*/.*"]
    conf = settings_file(root, {**settings, "IGNORE_FILES": ignore})
    member = sorted((root / "content" / "members").glob("*.md"))[0]
    env = {key: value for key, value in os.environ.items() if key != "AVATAR_OFFLINE"}
    env.update(PYTHONUNBUFFERED="1", COLUMNS="400")  # one "Done:" line, not wrapped
    command = [sys.executable, "-m", "pelican", "content", "-s", str(conf), "--autoreload"]
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    watcher = Watcher(process)
    first = rebuild = None
    try:
        if wait_until(lambda: watcher.times("Done:"), started + timeout):
            first = watcher.times("Done:")[0] - started
            edits: list[float] = []
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and process.poll() is None:
                if not watcher.times("-> Modified:") and (
                    not edits or time.monotonic() - edits[-1] > REEDIT
                ):
                    edit_member(member, len(edits) + 1)
                    edits.append(time.monotonic())
                done = watcher.times("Done:")
                if len(done) >= 2:
                    noticed = watcher.times("-> Modified:")[0]
                    rebuild = done[1] - max(at for at in edits if at <= noticed)
                    break
                time.sleep(0.05)
    finally:
        stop(process)
    (root / "autoreload.log").write_text("".join(line for _, line in watcher.lines), "utf-8")
    return Rebuild(first, rebuild, watcher.pelican_seconds())
