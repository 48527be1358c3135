"""The `pelican-avatars` command: in this process (`cli.main`), and a few times as a user runs
it, a subprocess with a settings file."""

import logging
import os
import subprocess
import sys

import diskcache
import pytest
from avatar_server import gravatar_hash, make_jpeg
from helpers import cache_keys
from pelican.plugins.member_avatars.commands import cli


def run_cli(site, *args):
    command = [sys.executable, "-m", "pelican.plugins.member_avatars.commands.cli", *args]
    return subprocess.run(command, cwd=site.root, capture_output=True, text=True, timeout=120)


@pytest.fixture
def in_process(monkeypatch, capsys):
    """`cli.main` run from the site's folder: (exit code, what it printed)."""
    root_logger = logging.getLogger()
    handlers, level = list(root_logger.handlers), root_logger.level

    def run(site, *args):
        monkeypatch.chdir(site.root)
        capsys.readouterr()
        code = cli.main(list(args))
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    yield run
    root_logger.handlers[:], root_logger.level = handlers, level  # main sets Pelican's logging


@pytest.fixture
def built_site(site, avatar_server):
    site.settings.update(
        AVATAR_GRAVATAR_URL=avatar_server.gravatar_url, AVATAR_GITHUB_URL=avatar_server.github_url
    )
    avatar_server.set_gravatar(gravatar_hash("grace@example.org"), make_jpeg((200, 0, 0)))
    site.member("grace", "Grace Hopper", email="grace@example.org")
    site.member("alan", "Alan Turing", email="alan@example.org")
    site.member("zed", "Zed Generated")
    result = site.build_cli()
    assert result.returncode == 0, result.stderr
    return site


def test_status_reports_entries_and_generated_only_members(built_site):
    before = set(cache_keys(built_site.cache / "avatars"))
    result = run_cli(built_site, "status", "-s", "pelicanconf.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "fresh remote avatars: 1" in result.stdout
    assert "fresh 'has none' answers: 1" in result.stdout
    assert "with only a generated avatar: 2" in result.stdout
    assert "alan" in result.stdout
    assert set(cache_keys(built_site.cache / "avatars")) == before  # status writes nothing


def test_refresh_revalidates_every_remote_avatar(built_site, avatar_server, in_process):
    avatar_server.reset_log()
    code, printed = in_process(built_site, "refresh", "-s", "pelicanconf.py")
    assert code == 0, printed
    assert "1 revalidated" in printed
    assert avatar_server.conditional_count() == 1


def test_refresh_exit_code_when_a_source_fails(built_site, avatar_server, in_process, caplog):
    avatar_server.set_behaviour(gravatar_hash("grace@example.org"), "status", code=500)
    code, printed = in_process(built_site, "refresh", "-s", "pelicanconf.py")
    assert code == 1
    assert "grace.md" in printed + caplog.text


def test_prune_drops_what_no_member_uses(built_site, in_process):
    (built_site.content / "members" / "grace.md").unlink()
    before = set(cache_keys(built_site.cache / "avatars"))
    code, printed = in_process(built_site, "prune", "-s", "pelicanconf.py")
    assert code == 0, printed
    after = set(cache_keys(built_site.cache / "avatars"))
    assert after < before
    assert not any(gravatar_hash("grace@example.org") in key for key in after)
    assert any(gravatar_hash("alan@example.org") in key for key in after)
    # What stays is enough for an offline build with no request.
    rebuilt = built_site.build_cli(AVATAR_OFFLINE=True)
    assert rebuilt.returncode == 0, rebuilt.stderr


def test_clear_empties_the_cache(built_site, in_process):
    code, _ = in_process(built_site, "clear", "-s", "pelicanconf.py")
    assert code == 0
    assert set(cache_keys(built_site.cache / "avatars")) == set()


def test_missing_settings_file(site):
    result = run_cli(site, "status", "-s", "nowhere.py")
    assert result.returncode == 2
    assert "nowhere.py does not exist" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_broken_settings_file(site, in_process):
    (site.root / "broken.py").write_text("PLUGINS = [\n")
    code, printed = in_process(site, "status", "-s", "broken.py")
    assert code == 2
    assert "broken.py does not load" in printed
    assert "Traceback" not in printed


def test_unknown_command_is_a_usage_error(site, in_process):
    with pytest.raises(SystemExit) as exited:
        in_process(site, "explode")
    assert exited.value.code == 2


def test_status_of_a_site_without_cache_creates_none(site, in_process):
    site.member("zed", "Zed Generated")
    site.build_cli("--help")  # writes the settings file only
    code, printed = in_process(site, "status", "-s", "pelicanconf.py")
    assert code == 0, printed
    assert f"No cache at {site.cache / 'avatars'}" in " ".join(printed.split())
    assert not site.cache.exists()


def damage(site):
    """Garbage where the cache's database should be (SQLite's side files gone)."""
    folder = site.cache / "avatars"
    for side in ("cache.db-wal", "cache.db-shm"):
        (folder / side).unlink(missing_ok=True)
    (folder / "cache.db").write_bytes(b"not a database " * 100)
    return folder


def test_status_of_a_damaged_cache_says_what_is_wrong(built_site, in_process):
    folder = damage(built_site)
    before = sorted(folder.rglob("*"))
    code, printed = in_process(built_site, "status", "-s", "pelicanconf.py")
    assert code == 2
    flat = " ".join(printed.split())
    assert str(folder) in flat
    assert "not a database" in flat
    assert "Traceback" not in printed
    assert sorted(folder.rglob("*")) == before  # status moves nothing, writes nothing


@pytest.mark.parametrize("command", ["refresh", "prune"])
def test_a_command_heals_a_damaged_cache(built_site, in_process, command):
    folder = damage(built_site)
    code, printed = in_process(built_site, command, "-s", "pelicanconf.py")
    assert code == 0, printed
    assert "moved it aside" in " ".join(printed.split())
    assert len(list(built_site.cache.glob("avatars.damaged-*"))) == 1
    with diskcache.Cache(str(folder)) as cache:
        assert cache.check() == []


def test_clear_also_removes_damaged_copies(built_site, in_process):
    damage(built_site)
    in_process(built_site, "prune", "-s", "pelicanconf.py")
    code, printed = in_process(built_site, "clear", "-s", "pelicanconf.py")
    assert code == 0, printed
    assert "Removed the damaged copy" in printed
    assert list(built_site.cache.glob("avatars.damaged-*")) == []
    assert set(cache_keys(built_site.cache / "avatars")) == set()


def test_a_command_refuses_a_cache_it_cannot_use(built_site, in_process):
    """A cache folder that is a file and cannot be moved aside: the command exits 2."""
    blocked = built_site.root / "blocked"
    blocked.write_text("a file\n")
    built_site.build_cli("--help", AVATAR_CACHE_PATH=str(blocked / "avatars"))
    code, printed = in_process(built_site, "prune", "-s", "pelicanconf.py")
    assert code == 2
    assert "temporary cache" in " ".join(printed.split())
    assert "Traceback" not in printed
    assert not os.path.isdir(blocked)


def test_status_counts_remembered_failures_and_when_they_are_asked_again(
    site, avatar_server, in_process
):
    site.settings.update(AVATAR_GRAVATAR_URL=avatar_server.gravatar_url)
    avatar_server.set_behaviour(gravatar_hash("grace@example.org"), "status", code=500)
    site.member("grace", "Grace Hopper", email="grace@example.org")
    assert site.build_cli().returncode == 0
    code, printed = in_process(site, "status", "-s", "pelicanconf.py")
    assert code == 0, printed
    assert "remembered failures: 1" in printed
    assert "the first remembered failure is asked again in 60 min" in printed
