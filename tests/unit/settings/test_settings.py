"""Every plugin setting is checked once at start: a bad value stops the build with one line.

The rules are unit tested row by row; the one-line stop is checked on the real `pelican` and
`pelican-avatars` commands, run as a user runs them.
"""

import logging
import os
import subprocess
import sys

import pytest
from pelican.plugins.member_avatars.settings.config import (
    AvatarConfig,
    config_of,
    configure,
    placed_cache,
)
from pelican.plugins.member_avatars.settings.defaults import DEFAULTS, apply_defaults
from pelican.plugins.member_avatars.settings.rules import RULES, SettingError

# A wide terminal, so Rich does not wrap the one line over several.
WIDE = {**os.environ, "COLUMNS": "400"}


def defaults_for(tmp_path, **overrides):
    settings = {
        "PATH": str(tmp_path / "content"),
        "OUTPUT_PATH": str(tmp_path / "output"),
        "CACHE_PATH": str(tmp_path / "cache"),
        **overrides,
    }
    return apply_defaults(settings)


# --- the rules, one value at a time (pure) -------------------------------------------------

GOOD = [
    ("MEMBER_PATHS", ["members", "people/"], ["members", "people/"]),
    ("MEMBER_PATHS", ("members",), ["members"]),
    ("EVENT_PATHS", [], []),
    ("MEMBER_SAVE_AS", "people/{slug}.html", "people/{slug}.html"),
    ("EVENT_URL", "events/{date:%Y}/{slug}/", "events/{date:%Y}/{slug}/"),
    ("GROUP_SAVE_AS", "", ""),  # Pelican's way of writing no page
    ("MEMBERS_SAVE_AS", "people.html", "people.html"),
    ("AVATAR_SIZES", {"list": 1, "profile": 512}, {"list": 1, "profile": 512}),
    ("AVATAR_DENSITY", 1, 1),
    ("AVATAR_DENSITY", 4, 4),
    ("AVATAR_FORMAT", "PNG", "png"),
    ("AVATAR_FORMAT", " jpeg ", "jpeg"),
    ("AVATAR_QUALITY", 100, 100),
    ("AVATAR_SOURCES", [], []),
    ("AVATAR_SOURCES", ("generated", "upload"), ["generated", "upload"]),
    ("AVATAR_SOURCES", ["github", "github"], ["github"]),
    ("AVATAR_GRAVATAR_URL", "http://127.0.0.1:8000/a/{hash}", "http://127.0.0.1:8000/a/{hash}"),
    ("AVATAR_GITHUB_URL", "https://x.test/{user}?s={size:d}", "https://x.test/{user}?s={size:d}"),
    (
        "AVATAR_ALLOWED_HOSTS",
        ["GitHub.com", "::1", "localhost:8000"],
        ["github.com", "::1", "localhost:8000"],
    ),
    ("AVATAR_CACHE_PATH", "cache/avatars", "cache/avatars"),
    ("AVATAR_MAX_AGE", 0, 0.0),
    ("AVATAR_MAX_AGE", 86400, 86400.0),
    ("AVATAR_RETRY_AFTER", 1.5, 1.5),
    ("AVATAR_RETRIES", 0, 0),
    ("AVATAR_OFFLINE", True, True),
    ("AVATAR_TIMEOUT", 2, 2.0),
    ("AVATAR_TIMEOUT", 0.5, 0.5),
    ("AVATAR_MAX_BYTES", 3000, 3000),
    ("AVATAR_MAX_PIXELS", 40_000_000, 40_000_000),
    ("AVATAR_CONCURRENCY", 1, 1),
    ("AVATAR_PROGRESS", False, False),
]


@pytest.mark.parametrize(("name", "value", "normalised"), GOOD)
def test_a_usable_value_is_kept_normalised(name, value, normalised):
    result = RULES[name](name, value)
    assert result == normalised
    assert type(result) is type(normalised)


BAD = [
    ("MEMBER_PATHS", "members"),  # a string would be read letter by letter
    ("MEMBER_PATHS", ["/srv/members"]),
    ("EVENT_PATHS", ["../events"]),
    ("EVENT_PATHS", [None]),
    ("MEMBER_SAVE_AS", "members/index.html"),  # every member on one page
    ("MEMBER_URL", "members/{slug/"),
    ("GROUP_SAVE_AS", "../groups/{slug}.html"),
    ("EVENT_SAVE_AS", "/var/www/{slug}.html"),
    ("MEMBERS_SAVE_AS", None),
    ("AVATAR_SIZES", {}),
    ("AVATAR_SIZES", {"list": 0}),
    ("AVATAR_SIZES", {"list": 513}),
    ("AVATAR_SIZES", {"list": 10**9}),
    ("AVATAR_SIZES", {"list": 48.5}),
    ("AVATAR_SIZES", {"list": True}),
    ("AVATAR_SIZES", {"list": "48"}),
    ("AVATAR_SIZES", [48, 160]),
    ("AVATAR_DENSITY", 0),
    ("AVATAR_DENSITY", 5),
    ("AVATAR_DENSITY", 1.5),
    ("AVATAR_DENSITY", True),
    ("AVATAR_FORMAT", "gif"),
    ("AVATAR_FORMAT", "jpg"),
    ("AVATAR_FORMAT", None),
    ("AVATAR_QUALITY", 0),
    ("AVATAR_QUALITY", 101),
    ("AVATAR_QUALITY", "60"),
    ("AVATAR_SOURCES", "gravatar"),
    ("AVATAR_SOURCES", ["gravtar", "generated"]),
    ("AVATAR_SOURCES", {"gravatar", "generated"}),  # a set has no order
    ("AVATAR_SOURCES", None),
    ("AVATAR_GRAVATAR_URL", "https://www.gravatar.com/avatar/{hash}?e={email}"),
    ("AVATAR_GRAVATAR_URL", "https://www.gravatar.com/avatar/?s={size}"),  # no {hash}
    ("AVATAR_GRAVATAR_URL", "https://www.gravatar.com/avatar/{}"),
    ("AVATAR_GRAVATAR_URL", "https://www.gravatar.com/avatar/{hash.real}"),
    ("AVATAR_GRAVATAR_URL", "https://www.gravatar.com/avatar/{hash:d}"),
    ("AVATAR_GRAVATAR_URL", "https://www.gravatar.com/avatar/{hash}}"),
    ("AVATAR_GRAVATAR_URL", "ftp://www.gravatar.com/{hash}"),
    ("AVATAR_GITHUB_URL", "https://github.com/{login}.png"),
    ("AVATAR_GITHUB_URL", "github.com/{user}.png"),
    ("AVATAR_ALLOWED_HOSTS", "github.com"),
    ("AVATAR_ALLOWED_HOSTS", ["https://github.com/"]),
    ("AVATAR_ALLOWED_HOSTS", ["evil@github.com"]),
    ("AVATAR_ALLOWED_HOSTS", [""]),
    ("AVATAR_CACHE_PATH", 42),
    ("AVATAR_CACHE_PATH", "  "),
    ("AVATAR_MAX_AGE", "86400"),
    ("AVATAR_MAX_AGE", -1),
    ("AVATAR_MAX_AGE", float("inf")),
    ("AVATAR_MAX_AGE", float("nan")),
    ("AVATAR_RETRY_AFTER", None),
    ("AVATAR_RETRIES", -1),
    ("AVATAR_RETRIES", 11),
    ("AVATAR_RETRIES", True),
    ("AVATAR_OFFLINE", "no"),  # a non-empty string is true: this would have gone offline
    ("AVATAR_OFFLINE", 1),
    ("AVATAR_TIMEOUT", 0),
    ("AVATAR_TIMEOUT", -5),
    ("AVATAR_TIMEOUT", 301),
    ("AVATAR_TIMEOUT", "10"),
    ("AVATAR_MAX_BYTES", 0),
    ("AVATAR_MAX_BYTES", 10**12),
    ("AVATAR_MAX_PIXELS", 0),
    ("AVATAR_MAX_PIXELS", 10**12),
    ("AVATAR_CONCURRENCY", "eight"),
    ("AVATAR_CONCURRENCY", 0),
    ("AVATAR_CONCURRENCY", 1000),
    ("AVATAR_PROGRESS", "yes"),
]


@pytest.mark.parametrize(("name", "value"), BAD)
def test_an_unusable_value_is_refused_naming_setting_and_value(name, value):
    with pytest.raises(SettingError) as raised:
        RULES[name](name, value)
    message = str(raised.value)
    assert raised.value.name == name
    assert f"setting {name} = {value!r} is not usable; allowed: " in message
    assert "\n" not in message


def test_every_setting_has_a_rule():
    assert set(RULES) == set(DEFAULTS)


def test_a_long_value_is_shortened_in_the_message():
    value = ["gravtar"] * 1000
    with pytest.raises(SettingError) as raised:
        RULES["AVATAR_SOURCES"]("AVATAR_SOURCES", value)
    assert len(str(raised.value)) < 300
    assert "['gravtar', " in str(raised.value)


# --- the whole configuration -------------------------------------------------------------


def test_the_defaults_pass_and_become_the_config(tmp_path):
    settings = defaults_for(tmp_path)
    config = configure(settings)
    assert isinstance(config, AvatarConfig)
    assert config_of(settings) is config
    assert config.sources == tuple(DEFAULTS["AVATAR_SOURCES"])
    assert dict(config.sizes) == DEFAULTS["AVATAR_SIZES"]
    density = DEFAULTS["AVATAR_DENSITY"]
    expected = sorted({css * density for css in DEFAULTS["AVATAR_SIZES"].values()}, reverse=True)
    assert config.pixel_sizes == expected
    assert config.allowed_hosts == frozenset(DEFAULTS["AVATAR_ALLOWED_HOSTS"])
    assert config.cache_path == str(tmp_path / "cache" / "avatars")
    assert config.pages["MEMBER_SAVE_AS"] == DEFAULTS["MEMBER_SAVE_AS"]
    assert config.timeout == float(DEFAULTS["AVATAR_TIMEOUT"])


def test_normalised_values_are_written_back_into_pelicans_settings(tmp_path):
    settings = defaults_for(
        tmp_path,
        AVATAR_TIMEOUT=2,
        AVATAR_FORMAT="PNG",
        AVATAR_ALLOWED_HOSTS=("LocalHost",),
        AVATAR_MAX_AGE=60,
    )
    config = configure(settings)
    assert settings["AVATAR_TIMEOUT"] == 2.0
    assert isinstance(settings["AVATAR_TIMEOUT"], float)
    assert settings["AVATAR_FORMAT"] == config.fmt == "png"
    assert settings["AVATAR_ALLOWED_HOSTS"] == ["localhost"]
    assert settings["AVATAR_MAX_AGE"] == config.max_age == 60.0


def test_configure_twice_gives_the_same_config(tmp_path):
    # `pelican-avatars` runs the initialized receiver twice on one settings dict.
    settings = defaults_for(tmp_path, AVATAR_TIMEOUT=3, AVATAR_SOURCES=("generated",))
    first = configure(settings)
    assert configure(settings) == first


def test_the_config_cannot_be_changed(tmp_path):
    config = configure(defaults_for(tmp_path))
    with pytest.raises(AttributeError):
        config.offline = True
    with pytest.raises(TypeError):
        config.sizes["list"] = 2048


@pytest.mark.parametrize(
    ("sizes", "density", "largest"),
    [
        ({"profile": 512}, 4, 2048),
        ({"list": 48, "profile": 300}, 4, 1200),
        ({"big": 342}, 3, 1026),
    ],
)
def test_image_pixels_are_bounded(tmp_path, sizes, density, largest):
    settings = defaults_for(tmp_path, AVATAR_SIZES=sizes, AVATAR_DENSITY=density)
    with pytest.raises(SettingError) as raised:
        configure(settings)
    assert raised.value.name == "AVATAR_SIZES"
    assert f"the largest here is {largest}" in str(raised.value)


def test_the_largest_image_allowed_passes(tmp_path):
    settings = defaults_for(tmp_path, AVATAR_SIZES={"profile": 256}, AVATAR_DENSITY=4)
    assert configure(settings).pixel_sizes == [1024]


def test_a_bad_setting_leaves_pelicans_settings_as_they_were(tmp_path):
    settings = defaults_for(tmp_path, AVATAR_TIMEOUT=2, AVATAR_FORMAT="gif")
    before = dict(settings)
    with pytest.raises(SettingError):
        configure(settings)
    assert settings == before


# --- where the cache may lie -------------------------------------------------------------


def test_a_cache_outside_content_and_output_stays(tmp_path):
    cache = str(tmp_path / "cache" / "avatars")
    assert placed_cache(cache, str(tmp_path / "content"), str(tmp_path / "output")) == (cache, "")


def test_a_cache_inside_content_moves_beside_it_with_a_warning(tmp_path):
    content = tmp_path / "content"
    cache, warning = placed_cache(str(content / "cache"), str(content), str(tmp_path / "output"))
    assert cache == str(tmp_path / ".avatar-cache")
    assert "AVATAR_CACHE_PATH" in warning
    assert "inside PATH" in warning


@pytest.mark.parametrize("inside", ["", "avatars", "deep/er/avatars"])
def test_a_cache_inside_output_is_refused(tmp_path, inside):
    output = tmp_path / "output"
    with pytest.raises(SettingError) as raised:
        placed_cache(str(output / inside), str(tmp_path / "content"), str(output))
    assert raised.value.name == "AVATAR_CACHE_PATH"
    assert "outside OUTPUT_PATH" in str(raised.value)


def test_a_cache_reaching_output_through_a_link_is_refused(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (tmp_path / "shortcut").symlink_to(output)
    with pytest.raises(SettingError):
        placed_cache(str(tmp_path / "shortcut" / "avatars"), str(tmp_path / "content"), str(output))


def test_the_cache_warning_is_logged_once_at_start(tmp_path, caplog):
    content = tmp_path / "content"
    settings = defaults_for(tmp_path, AVATAR_CACHE_PATH=str(content / "avatars"))
    with caplog.at_level(logging.WARNING):
        config = configure(settings)
    assert config.cache_path == settings["AVATAR_CACHE_PATH"] == str(tmp_path / ".avatar-cache")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].startswith("[member_avatars] AVATAR_CACHE_PATH ")


# --- the real commands -------------------------------------------------------------------

STOPPING = [
    ({"AVATAR_FORMAT": "gif"}, "AVATAR_FORMAT", "'gif'"),
    ({"AVATAR_CONCURRENCY": "eight"}, "AVATAR_CONCURRENCY", "'eight'"),
    ({"AVATAR_TIMEOUT": 0}, "AVATAR_TIMEOUT", "0"),
    ({"AVATAR_SIZES": {"list": 0}}, "AVATAR_SIZES", "{'list': 0}"),
    ({"AVATAR_DENSITY": 0}, "AVATAR_DENSITY", "0"),
    ({"AVATAR_MAX_AGE": "86400"}, "AVATAR_MAX_AGE", "'86400'"),
    (
        {"AVATAR_GRAVATAR_URL": "https://www.gravatar.com/avatar/{hash}?e={email}"},
        "AVATAR_GRAVATAR_URL",
        "'https://www.gravatar.com/avatar/{hash}?e={email}'",
    ),
    ({"AVATAR_SOURCES": ["gravtar", "generated"]}, "AVATAR_SOURCES", "['gravtar', 'generated']"),
    ({"AVATAR_SOURCES": "gravatar"}, "AVATAR_SOURCES", "'gravatar'"),
    ({"AVATAR_SIZES": {"profile": 100_000}}, "AVATAR_SIZES", "{'profile': 100000}"),
    ({"AVATAR_SIZES": {"profile": 400}, "AVATAR_DENSITY": 4}, "AVATAR_SIZES", "{'profile': 400}"),
    ({"AVATAR_MAX_PIXELS": 10**12}, "AVATAR_MAX_PIXELS", "1000000000000"),
    ({"AVATAR_RETRIES": True}, "AVATAR_RETRIES", "True"),
    ({"AVATAR_OFFLINE": "no"}, "AVATAR_OFFLINE", "'no'"),
    ({"AVATAR_ALLOWED_HOSTS": "github.com"}, "AVATAR_ALLOWED_HOSTS", "'github.com'"),
    ({"MEMBER_SAVE_AS": "members/index.html"}, "MEMBER_SAVE_AS", "'members/index.html'"),
    ({"MEMBER_PATHS": "members"}, "MEMBER_PATHS", "'members'"),
]


def assert_one_line_stop(result, name, shown):
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if "[member_avatars]" in line]
    assert len(lines) == 1, output
    assert f"setting {name} = {shown} is not usable; allowed: " in lines[0]


@pytest.mark.parametrize(("overrides", "name", "shown"), STOPPING)
def test_pelican_stops_with_one_line(site, overrides, name, shown):
    site.member("ada", "Ada Lovelace")
    result = site.build_cli(env=WIDE, **overrides)
    assert_one_line_stop(result, name, shown)
    assert not (site.out / "members").exists()


def test_pelican_refuses_a_cache_inside_output(site):
    site.member("ada", "Ada Lovelace")
    result = site.build_cli(env=WIDE, AVATAR_CACHE_PATH="output/avatar-cache")
    assert_one_line_stop(result, "AVATAR_CACHE_PATH", "'output/avatar-cache'")
    assert not (site.out / "avatar-cache").exists()


def test_pelican_refuses_a_cache_path_inside_output(site):
    # CACHE_PATH inside OUTPUT_PATH puts the default AVATAR_CACHE_PATH there too.
    site.member("ada", "Ada Lovelace")
    result = site.build_cli(env=WIDE, CACHE_PATH="output/cache")
    assert_one_line_stop(result, "AVATAR_CACHE_PATH", repr(str(site.out / "cache" / "avatars")))
    assert not (site.out / "cache" / "avatars").exists()


def test_pelican_avatars_stops_with_one_line(site):
    site.member("ada", "Ada Lovelace")
    site.build_cli(env=WIDE, AVATAR_FORMAT="gif")  # writes pelicanconf.py
    command = [sys.executable, "-m", "pelican.plugins.member_avatars.commands.cli", "status"]
    result = subprocess.run(
        [*command, "-s", "pelicanconf.py"],
        cwd=site.root,
        capture_output=True,
        text=True,
        env=WIDE,
        timeout=120,
    )
    assert_one_line_stop(result, "AVATAR_FORMAT", "'gif'")


def test_normalised_settings_reach_the_build(site):
    site.member("ada", "Ada Lovelace")
    result = site.build_cli(
        env=WIDE, AVATAR_OFFLINE=True, AVATAR_FORMAT="PNG", AVATAR_TIMEOUT=3, AVATAR_DENSITY=1
    )
    assert result.returncode == 0, result.stdout + result.stderr
    avatar = site.avatar("members/index.html", "ada")
    assert avatar.mime == "image/png"
    assert avatar.image().size == (avatar.size, avatar.size)
