"""`make bench` stays runnable: the quick smoke run prints its table and target lines."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent


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
