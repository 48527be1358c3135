"""Deploying the example site: `publishconf.py` in two simulated CI runs.

The first run builds with an empty cache, fetching avatars from the local avatar server
(standing in for Gravatar and GitHub). Its cache folder is archived, as a CI's cache step
does, and restored into a fresh copy of the site in another folder. The second run then
makes no request and writes the same bytes, file for file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from avatar_server import AvatarServer, gravatar_hash, make_jpeg, make_png

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
# What a CI job checks out: the example site and its settings (no cache, no output).
CHECKOUT = ["content", "site", "pelicanconf.py", "publishconf.py"]
SITEURL = "https://example.org/community"
CACHE = "cache"


def check_out(root: Path) -> Path:
    """A fresh copy of the example site in `root`."""
    root.mkdir(parents=True)
    for name in CHECKOUT:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy2(source, root / name)
    return root


def serve_example_avatars(server: AvatarServer) -> tuple[int, int]:
    """A Gravatar for every other e-mail address of the example members, a GitHub picture
    for every GitHub name; everyone else has none (404). Returns how many of each."""
    emails, users = [], []
    for path in sorted((REPO / "content" / "members").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        emails += re.findall(r"^Email:\s*(\S+)", text, flags=re.MULTILINE)
        users += re.findall(r"^GitHub:\s*(\S+)", text, flags=re.MULTILINE)
    served_emails = emails[::2]
    for number, address in enumerate(served_emails):
        server.set_gravatar(gravatar_hash(address), make_jpeg((40 + 10 * number, 90, 160)))
    for number, user in enumerate(users):
        server.set_github(user, make_png((200, 60 + 10 * number, 40)))
    return len(served_emails), len(users)


def publish(checkout: Path, server: AvatarServer) -> subprocess.CompletedProcess:
    """`make publish` in a CI job, with the avatar services pointed at the local server."""
    overrides = {
        "AVATAR_GRAVATAR_URL": server.gravatar_url,
        "AVATAR_GITHUB_URL": server.github_url,
        "AVATAR_ALLOWED_HOSTS": [server.host],
        "AVATAR_RETRIES": 0,
    }
    command = [
        *(sys.executable, "-m", "pelican", "content", "-s", "publishconf.py", "-o", "output"),
        "-e",
        *(f"{key}={json.dumps(value)}" for key, value in overrides.items()),
    ]
    env = {key: value for key, value in os.environ.items() if key != "AVATAR_OFFLINE"}
    env["SITEURL"] = SITEURL
    result = subprocess.run(
        command, cwd=checkout, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, f"pelican failed:\n{result.stdout}\n{result.stderr}"
    return result


def every_file(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_second_ci_run_with_the_restored_cache_makes_no_request_and_writes_the_same_bytes(
    avatar_server, tmp_path
):
    gravatars, github_pictures = serve_example_avatars(avatar_server)
    assert gravatars
    assert github_pictures

    # Run 1: a cold cache.
    first = check_out(tmp_path / "run-1" / "checkout")
    publish(first, avatar_server)
    cold_requests = avatar_server.count()
    assert cold_requests >= gravatars + github_pictures
    first_output = every_file(first / "output")
    index = first_output["index.html"].decode()
    assert f'href="{SITEURL}/members/"' in index
    assert "feeds/all.atom.xml" in first_output
    assert not [name for name, data in first_output.items() if b"127.0.0.1" in data]

    # Between runs: the CI's cache step archives the cache folder, and restores it elsewhere.
    archive = tmp_path / "ci-cache" / "avatars.tar.gz"
    archive.parent.mkdir()
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(first / CACHE, arcname=CACHE)
    second = check_out(tmp_path / "run-2" / "elsewhere")
    with tarfile.open(archive) as tar:
        tar.extractall(second, filter="data")

    # Run 2: the restored cache is fresh, so no request, and the same output.
    avatar_server.reset_log()
    result = publish(second, avatar_server)
    assert avatar_server.count() == 0, [r.target for r in avatar_server.requests]
    assert "(0 requests)" in " ".join(result.stdout.split())
    second_output = every_file(second / "output")
    assert sorted(second_output) == sorted(first_output)
    changed = [name for name in first_output if first_output[name] != second_output[name]]
    assert not changed, f"files that differ between the two runs: {changed}"
    print(
        f"run 1: {cold_requests} requests, {len(first_output)} files; "
        f"run 2: 0 requests, {len(second_output)} identical files"
    )
