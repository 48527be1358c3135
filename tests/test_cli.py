"""The `pelican-avatars` command, run as a user runs it: a subprocess with a settings file."""

import subprocess
import sys

import diskcache
import pytest
from avatar_server import gravatar_hash, make_jpeg


def run_cli(site, *args):
    command = [sys.executable, "-m", "pelican.plugins.member_avatars.cli", *args]
    return subprocess.run(command, cwd=site.root, capture_output=True, text=True, timeout=120)


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


def cache_keys(site):
    with diskcache.Cache(str(site.cache / "avatars")) as cache:
        return set(cache.iterkeys())


def test_status_reports_entries_and_generated_only_members(built_site):
    before = cache_keys(built_site)
    result = run_cli(built_site, "status", "-s", "pelicanconf.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "fresh remote avatars: 1" in result.stdout
    assert "fresh 'has none' answers: 1" in result.stdout
    assert "with only a generated avatar: 2" in result.stdout
    assert "alan" in result.stdout
    assert cache_keys(built_site) == before  # status writes nothing


def test_refresh_revalidates_every_remote_avatar(built_site, avatar_server):
    avatar_server.reset_log()
    result = run_cli(built_site, "refresh", "-s", "pelicanconf.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 revalidated" in result.stdout
    assert avatar_server.conditional_count() == 1


def test_refresh_exit_code_when_a_source_fails(built_site, avatar_server):
    avatar_server.set_behaviour(gravatar_hash("grace@example.org"), "status", code=500)
    result = run_cli(built_site, "refresh", "-s", "pelicanconf.py")
    assert result.returncode == 1
    assert "grace.md" in result.stdout + result.stderr


def test_prune_drops_what_no_member_uses(built_site):
    (built_site.content / "members" / "grace.md").unlink()
    before = cache_keys(built_site)
    result = run_cli(built_site, "prune", "-s", "pelicanconf.py")
    assert result.returncode == 0, result.stdout + result.stderr
    after = cache_keys(built_site)
    assert after < before
    assert not any(gravatar_hash("grace@example.org") in key for key in after)
    assert any(gravatar_hash("alan@example.org") in key for key in after)
    # What stays is enough for an offline build with no request.
    rebuilt = built_site.build_cli(AVATAR_OFFLINE=True)
    assert rebuilt.returncode == 0, rebuilt.stderr


def test_clear_empties_the_cache(built_site):
    result = run_cli(built_site, "clear", "-s", "pelicanconf.py")
    assert result.returncode == 0
    assert cache_keys(built_site) == set()


def test_missing_settings_file(site):
    result = run_cli(site, "status", "-s", "nowhere.py")
    assert result.returncode == 2
    assert "nowhere.py does not exist" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_broken_settings_file(site):
    (site.root / "broken.py").write_text("PLUGINS = [\n")
    result = run_cli(site, "status", "-s", "broken.py")
    assert result.returncode == 2
    assert "broken.py does not load" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_unknown_command_is_a_usage_error(site):
    result = run_cli(site, "explode")
    assert result.returncode == 2
