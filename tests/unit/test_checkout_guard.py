"""The guard of conftest.py: what a test run wrote under the checkout's cache/ and output/."""

import os

from checkout_guard import changes, snapshot


def test_a_quiet_run_changes_nothing(tmp_path):
    (tmp_path / "cache" / "avatars").mkdir(parents=True)
    (tmp_path / "cache" / "avatars" / "cache.db").write_bytes(b"x")
    assert changes(snapshot(tmp_path), snapshot(tmp_path)) == []


def test_created_changed_and_removed_files_are_named(tmp_path):
    (tmp_path / "output").mkdir()
    kept = tmp_path / "output" / "index.html"
    kept.write_text("before")
    gone = tmp_path / "output" / "old.html"
    gone.write_text("old")
    os.utime(tmp_path / "output", ns=(0, 0))
    before = snapshot(tmp_path)

    (tmp_path / "cache" / "avatars").mkdir(parents=True)
    kept.write_text("after, longer")
    gone.unlink()

    assert changes(before, snapshot(tmp_path)) == [
        "created cache",
        "created cache/avatars",
        "changed output",
        "changed output/index.html",
        "removed output/old.html",
    ]


def test_folders_outside_cache_and_output_are_not_watched(tmp_path):
    before = snapshot(tmp_path)
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "new.md").write_text("Name: New")
    assert changes(before, snapshot(tmp_path)) == []
