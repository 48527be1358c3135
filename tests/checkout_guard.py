"""No test writes into the checkout: the files under its cache/ and output/ folders are the same
after a test run as before it (a build whose cache or output path is relative to the working
directory would fill them). Used by conftest.py, which fails the run when they differ."""

from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
WATCHED = ("cache", "output")

Snapshot = dict[str, tuple[int, int]]


def snapshot(root: Path = CHECKOUT) -> Snapshot:
    """Every file and folder under the watched folders of `root`: its size and modification time."""
    found: Snapshot = {}
    for name in WATCHED:
        folder = root / name
        if not folder.exists():
            continue
        for path in [folder, *folder.rglob("*")]:
            stat = path.lstat()
            size = 0 if path.is_dir() else stat.st_size
            found[path.relative_to(root).as_posix()] = (size, stat.st_mtime_ns)
    return found


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """What a run created, changed or removed, one line each, sorted by path."""
    lines = []
    for path in sorted(before.keys() | after.keys()):
        if path not in before:
            lines.append(f"created {path}")
        elif path not in after:
            lines.append(f"removed {path}")
        elif before[path] != after[path]:
            lines.append(f"changed {path}")
    return lines
