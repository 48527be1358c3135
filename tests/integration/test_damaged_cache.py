"""A damaged avatar cache heals: every page is still written, with every avatar, after one
warning naming the problem, and the build after that uses the healed cache without a word."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from avatar_server import gravatar_hash
from helpers import plugin_warnings
from PIL import Image
from sitebuilder import Site

MEMBERS = ("grace", "ada", "zed")  # Gravatar, upload, generated


def noise(seed: int, size: int = 500) -> bytes:
    """A noisy JPEG: its body and renders are large enough for diskcache to keep them in value
    files next to cache.db, which is what the value-file rows damage."""
    image = Image.effect_noise((size, size), 60 + seed).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


@pytest.fixture
def community(site, avatar_server):
    site.settings.update(AVATAR_GRAVATAR_URL=avatar_server.gravatar_url)
    avatar_server.set_gravatar(gravatar_hash("grace@example.org"), noise(1))
    site.write("members/pics/ada.jpg", noise(2))
    site.member("grace", "Grace Hopper", email="grace@example.org")
    site.member("ada", "Ada Lovelace", avatar="members/pics/ada.jpg")
    site.member("zed", "Zed Generated")
    return site


def avatar_data(site: Site) -> dict[str, bytes]:
    """Each member's avatar on the member list, decoded (a broken image fails here)."""
    found = {}
    for slug in MEMBERS:
        avatar = site.avatar("members/index.html", slug)
        assert avatar.image().width == avatar.size * 2  # decodes, at the density's pixel size
        found[slug] = avatar.data
    return found


def cache_folder(site: Site) -> Path:
    return site.cache / "avatars"


def value_files(site: Site) -> list[Path]:
    files = sorted(cache_folder(site).rglob("*.val"))
    assert files, "the scenario must put values in files"
    return files


def garbage_database(site: Site) -> None:
    without_side_files(site)
    database = cache_folder(site) / "cache.db"
    database.write_bytes(os.urandom(database.stat().st_size))


def database_cut_short(site: Site) -> None:
    without_side_files(site)
    database = cache_folder(site) / "cache.db"
    os.truncate(database, database.stat().st_size // 2)


def value_files_deleted(site: Site) -> None:
    for path in value_files(site):
        path.unlink()


def value_files_garbage(site: Site) -> None:
    for path in value_files(site):
        path.write_bytes(os.urandom(path.stat().st_size))


def value_files_cut_short(site: Site) -> None:
    for path in value_files(site):
        os.truncate(path, path.stat().st_size // 2)


def file_instead_of_folder(site: Site) -> None:
    shutil.rmtree(cache_folder(site))
    cache_folder(site).write_text("not a cache\n")


def without_side_files(site: Site) -> None:
    """Leave SQLite's side files out, as a damaged copy of a cache would."""
    for side in ("cache.db-wal", "cache.db-shm"):
        (cache_folder(site) / side).unlink(missing_ok=True)


DAMAGES = {
    # name: (damage, words of the one warning, whether the old cache is moved aside)
    "garbage database": (garbage_database, "could not be opened", True),
    "database cut short": (database_cut_short, "could not be opened", True),
    "value files deleted": (value_files_deleted, "could not be read", False),
    "value files garbage": (value_files_garbage, "could not be read", False),
    "value files cut short": (value_files_cut_short, "could not be read", False),
    "a file where the folder should be": (file_instead_of_folder, "was a file", True),
}


@pytest.mark.parametrize("damage_name", list(DAMAGES))
def test_a_damaged_cache_heals(community, avatar_server, caplog, damage_name):
    damage, words, moved_aside = DAMAGES[damage_name]
    first = community.build(caplog)
    assert plugin_warnings(first.warnings) == []
    expected = avatar_data(community)
    pages = set(community.all_output())
    damage(community)
    shutil.rmtree(community.out)

    healing = community.build(caplog)

    warnings = plugin_warnings(healing.warnings)
    assert len(warnings) == 1, warnings
    assert words in warnings[0]
    assert str(cache_folder(community)) in warnings[0]
    assert set(community.all_output()) == pages  # every page is written
    assert avatar_data(community) == expected  # every avatar, the same bytes
    copies = list(community.cache.glob("avatars.damaged-*"))
    if moved_aside:
        assert len(copies) == 1
        assert str(copies[0]) in warnings[0]
        assert "pelican-avatars clear" in warnings[0]
    else:
        assert copies == []

    avatar_server.reset_log()
    healed = community.build(caplog)
    assert plugin_warnings(healed.warnings) == []
    assert avatar_server.count() == 0  # the healed cache answered everything
    assert avatar_data(community) == expected


def test_a_cache_that_cannot_be_used_at_all_gives_a_temporary_one(community, caplog):
    """The cache's parent is a file: nothing can be moved aside or created there."""
    community.settings["AVATAR_CACHE_PATH"] = str(community.root / "blocked" / "avatars")
    (community.root / "blocked").write_text("a file\n")
    result = community.build(caplog)
    warnings = plugin_warnings(result.warnings)
    assert len(warnings) == 1, warnings
    assert "temporary cache" in warnings[0]
    avatar_data(community)
    assert (community.root / "blocked").read_text() == "a file\n"


# --- a cache that cannot be written ------------------------------------------------------------
# Root writes through any permission bits, so a chmod cannot stop a build run as root. There the
# build runs in its own mount namespace where the cache folder is a read-only bind mount: a real
# read-only file system, which stops root too (and leaves the machine's mounts alone).


def read_only_build(site: Site) -> subprocess.CompletedProcess:
    """Build `site` (the settings file of its last `build_cli`) with its cache read-only."""
    folder = cache_folder(site)
    pelican = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py"]
    if os.geteuid() != 0:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        command = pelican
    else:
        if shutil.which("unshare") is None:
            pytest.skip("as root, a read-only cache needs unshare (a private read-only mount)")
        mount = 'mount --bind -o ro "$0" "$0" && exec "$@"'
        command = ["unshare", "--mount", "sh", "-c", mount, str(folder), *pelican]
    wide = {**os.environ, "COLUMNS": "1000"}  # one line per message on Pelican's console
    result = subprocess.run(
        command, cwd=site.root, capture_output=True, text=True, timeout=120, env=wide
    )
    if "mount" in result.stderr and "Read-only" not in result.stderr and result.returncode:
        pytest.skip(f"as root, a read-only mount could not be made here: {result.stderr}")
    return result


@pytest.fixture
def writable_again(community):
    yield community
    for path in [community.cache, *community.cache.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def test_a_read_only_cache_is_read_and_never_written(writable_again, avatar_server):
    site = writable_again
    first = site.build_cli()
    assert first.returncode == 0, first.stderr
    before = {str(p): p.read_bytes() for p in site.cache.rglob("*") if p.is_file()}
    site.member("ann", "Ann Newcomer")  # needs an avatar the cache does not have
    shutil.rmtree(site.out)
    avatar_server.reset_log()

    result = read_only_build(site)

    printed = result.stdout + result.stderr
    assert result.returncode == 0, printed
    assert "Traceback" not in printed
    assert printed.count("[member_avatars]") == 2, printed  # the warning and the summary
    assert "cannot be written" in printed
    assert str(cache_folder(site)) in printed
    assert avatar_server.count() == 0  # grace came from the read-only cache
    assert "1 from cache" in printed
    for slug in (*MEMBERS, "ann"):
        site.avatar("members/index.html", slug).image()
    after = {str(p): p.read_bytes() for p in site.cache.rglob("*") if p.is_file()}
    assert after == before  # nothing written, not even SQLite's side files
