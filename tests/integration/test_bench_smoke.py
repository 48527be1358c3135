"""`make bench` stays runnable: the quick smoke runs print their tables and target lines."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

import p2  # noqa: E402  (bench/p2.py: the P2 table is a pure function of the outcomes)


def test_quick_benchmark_prints_its_tables():
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--quick", "--builds", "floor", "cold", "warm"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    # Table rows start at the first column: "warm  0.89  0 ..." (wall s, then requests).
    rows = {
        line.split()[0]: line.split()
        for line in done.stdout.splitlines()
        if line.strip() and not line[0].isspace()
    }
    assert {"floor", "cold", "warm"} <= rows.keys()
    assert rows["warm"][2] == "0"  # a warm build makes no request
    assert int(rows["cold"][2]) > 0
    assert "median 96-px WebP avatar" in done.stdout


def pelicans_on(site_path: str) -> list[str]:
    """Command lines of running processes that name `site_path`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if site_path in command and entry.name != str(os.getpid()):
            found.append(command)
    return found


@pytest.mark.timeout(300)
def test_tiny_p2_prints_pages_times_ratio_memory_and_an_autoreload_rebuild():
    command = [sys.executable, "bench/run.py", "--workload", "p2", "--size", "tiny"]
    done = subprocess.run(
        [*command, "--autoreload", "--timeout", "120"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    rows = {
        cells[1]: cells
        for cells in (
            [cell.strip() for cell in line.split("|")] for line in done.stdout.splitlines()
        )
        if cells[0] == "tiny"
    }
    assert rows.keys() == {"site", "notmyidea"}
    for cells in rows.values():
        members_only, with_history = (int(pages) for pages in cells[2].split(" / "))
        assert with_history > members_only > 60  # a profile per member, plus events, articles
        per_page_alone, per_page_full = float(cells[3]), float(cells[4])
        assert per_page_alone > 0
        assert per_page_full > 0
        ratio, verdict = cells[5].split()
        assert float(ratio) == pytest.approx(per_page_full / per_page_alone, abs=0.02)
        assert verdict == ("OK" if float(ratio) <= p2.RATIO_TARGET else "MISS")
        assert all(float(peak) > 0 for peak in cells[6].split(" / "))
        assert cells[7].split()[1] == "n/a"  # the memory target is judged at size (b)
    rebuild = next(line for line in done.stdout.splitlines() if line.startswith("autoreload"))
    assert "rebuild after editing one member file" in rebuild, rebuild
    # The --autoreload process was stopped, and the generated site removed.
    site_path = str(REPO / "bench" / ".data" / "sites" / "p2-tiny")
    assert pelicans_on(site_path) == []
    assert not Path(site_path).exists()


def outcome(walls: list[float], pages: int, peak_mib: float, timed_out=False) -> p2.Outcome:
    return p2.Outcome(walls=walls, pages=pages, peak_mib=peak_mib, timed_out=timed_out)


ALONE = outcome([2.0], 1000, 100.0)  # 2 ms per page


@pytest.mark.parametrize(
    ("size", "with_history", "ratio_cell", "memory_cell"),
    [
        ("a", outcome([5.0], 2000, 400.0), "1.25 OK", "+300 n/a"),
        ("a", outcome([6.0], 2000, 120.0), "1.50 MISS", "+20 n/a"),
        ("b", outcome([5.0], 2000, 250.0), "1.25 OK", "+150 OK"),
        ("b", outcome([5.0], 2000, 251.0), "1.25 OK", "+151 MISS"),
        ("b", outcome([], 0, 0.0, timed_out=True), "– MISS", "?"),
    ],
)
def test_p2_row_judges_the_ratio_and_the_memory_at_size_b(
    size, with_history, ratio_cell, memory_cell
):
    (row,) = p2.table_rows(
        {size: {("site", "members-only"): ALONE, ("site", "history"): with_history}}
    )
    assert row[5] == ratio_cell
    assert row[7] == memory_cell
