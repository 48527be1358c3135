"""Which sources a member has, in which order, and where an upload may come from (pure)."""

import os
from dataclasses import replace
from types import SimpleNamespace

import pytest
from pelican.plugins.member_avatars.avatars.sources import candidates, gravatar_hash
from pelican.plugins.member_avatars.content.fields import (
    github_user,
    gravatar_consent,
    upload_path,
    upload_spellings,
)
from pelican.plugins.member_avatars.content.models import name_sort_key, split_list, unique
from pelican.plugins.member_avatars.settings.config import config_of
from pelican.plugins.member_avatars.settings.defaults import DEFAULTS

CONFIG = config_of({**DEFAULTS, "PATH": "content"})


def member(**metadata):
    fields = {"email_for_gravatar": None, **metadata}
    return SimpleNamespace(**fields)


def test_gravatar_hash_is_sha256_of_the_trimmed_lower_cased_address():
    assert gravatar_hash(" Ada@Example.ORG ") == gravatar_hash("ada@example.org")
    assert len(gravatar_hash("ada@example.org")) == 64


def test_candidates_follow_avatar_sources_order():
    someone = member(avatar="a.jpg", email_for_gravatar="a@example.org", github="ada")
    kinds = [c.source for c in candidates(someone, CONFIG, 320)]
    assert kinds == ["upload", "gravatar", "github", "generated"]
    reordered = replace(CONFIG, sources=("github", "generated"))
    assert [c.source for c in candidates(someone, reordered, 320)] == ["github", "generated"]


def test_remote_urls_ask_for_the_largest_pixel_size():
    someone = member(email_for_gravatar="a@example.org", github="@ada")
    urls = [c.target for c in candidates(someone, CONFIG, 320)][:2]
    assert (
        urls[0] == f"https://www.gravatar.com/avatar/{gravatar_hash('a@example.org')}?s=320&d=404"
    )
    assert urls[1] == "https://github.com/ada.png?size=320"


def test_gravatar_no_opts_out():
    someone = member(email_for_gravatar="a@example.org", gravatar="No")
    assert [c.source for c in candidates(someone, CONFIG, 96)] == ["generated"]


# (Gravatar value, asks Gravatar, warns): only a clear yes asks; only a clear no is quiet.
GRAVATAR_VALUES = [
    (None, True, False),  # no Gravatar line at all
    ("yes", True, False),
    ("YES", True, False),
    ("True", True, False),
    ("on", True, False),
    ("1", True, False),
    ('"yes"', True, False),
    (" 'On' ", True, False),
    ("no", False, False),
    ('"no"', False, False),
    ("'No'", False, False),
    ("false", False, False),
    ("OFF", False, False),
    ("0", False, False),
    ("none", False, False),
    ("never", False, False),
    ("Disabled", False, False),
    ("nope", False, True),
    ("", False, True),
    ("maybe", False, True),
    ("yes please", False, True),
    ("y", False, True),
    ('"yes', False, True),
    ("ja", False, True),
]


@pytest.mark.parametrize(("value", "asks", "warns"), GRAVATAR_VALUES)
def test_gravatar_asks_only_on_a_clear_yes(value, asks, warns):
    allowed, problem = gravatar_consent(value)
    assert allowed == asks
    assert bool(problem) == warns
    someone = member(email_for_gravatar="a@example.org", gravatar=value)
    kinds = [c.source for c in candidates(someone, CONFIG, 96)]
    assert ("gravatar" in kinds) == asks


# (GitHub value, user name read from it, or None when it names no valid user).
GITHUB_VALUES = [
    ("octo", "octo"),
    ("@octo", "octo"),
    (" octo/ ", "octo"),
    ("https://github.com/octo", "octo"),
    ("https://github.com/octo/", "octo"),
    ("http://www.github.com/octo", "octo"),
    ("HTTPS://GitHub.com/Octo-Cat", "Octo-Cat"),
    ("github.com/octo", "octo"),
    ("github.com/@octo/", "octo"),
    ("https://github.com/octo?tab=repositories", "octo"),
    ('"octo"', "octo"),
    ("a" * 39, "a" * 39),
    ("a-b-c1", "a-b-c1"),
    ("a" * 40, None),
    ("-octo", None),
    ("octo-", None),
    ("oc--to", None),
    ("oc_to", None),
    ("octo cat", None),
    ("https://github.com/octo/repo", None),
    ("https://gitlab.com/octo", None),
    ("../octo", None),
    ("octo.png?size=1", None),
    ("<script>", None),
    ("@", None),
]


@pytest.mark.parametrize(("value", "user"), GITHUB_VALUES)
def test_github_value_is_read_as_a_user_name(value, user):
    found, problem = github_user(value)
    assert found == user
    assert bool(problem) == (user is None)
    urls = [c.target for c in candidates(member(github=value), CONFIG, 96) if c.source == "github"]
    assert urls == ([f"https://github.com/{user}.png?size=96"] if user else [])


@pytest.mark.parametrize("value", [None, "", "  "])
def test_no_github_value_is_no_problem(value):
    assert github_user(value) == (None, "")


# (Avatar value, the PATH-relative file it must also be read as)
AVATAR_SPELLINGS = [
    ("images/a.jpg", "images/a.jpg"),
    ("/images/a.jpg", "images/a.jpg"),
    ("{static}/images/a.jpg", "images/a.jpg"),
    ("{static}images/a.jpg", "images/a.jpg"),
    ("{attach}/images/a.jpg", "images/a.jpg"),
    ("|static|/images/a.jpg", "images/a.jpg"),
    ("'/images/a.jpg'", "images/a.jpg"),
    ("pics/b.jpg", "members/pics/b.jpg"),  # beside the member file
    ("{static}pics/b.jpg", "members/pics/b.jpg"),
]


@pytest.mark.parametrize(("value", "relative"), AVATAR_SPELLINGS)
def test_upload_spellings(tmp_path, value, relative):
    spellings = upload_spellings(str(tmp_path), str(tmp_path / "members"), value)
    assert os.path.realpath(tmp_path / relative) in spellings


def test_upload_spellings_of_an_absolute_path_and_a_url(tmp_path):
    absolute = os.path.realpath(tmp_path / "images" / "a.jpg")
    assert absolute in upload_spellings(str(tmp_path), str(tmp_path / "members"), absolute)
    assert upload_spellings(str(tmp_path), str(tmp_path), "https://example.org/a.jpg") == set()
    assert upload_spellings(str(tmp_path), str(tmp_path), "  ") == set()


def test_upload_path_inside_content(tmp_path):
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "a.jpg").write_bytes(b"x")
    (tmp_path.parent / "outside.jpg").write_bytes(b"x")
    assert upload_path(str(tmp_path), "pics/a.jpg") == (str(tmp_path / "pics" / "a.jpg"), "")
    assert upload_path(str(tmp_path), "../outside.jpg")[0] is None
    assert upload_path(str(tmp_path), str(tmp_path.parent / "outside.jpg"))[0] is None
    assert "does not exist" in upload_path(str(tmp_path), "pics/missing.jpg")[1]
    assert upload_path(str(tmp_path), "pics")[0] is None  # a folder is not a picture
    os.symlink(tmp_path.parent / "outside.jpg", tmp_path / "pics" / "link.jpg")
    assert "outside" in upload_path(str(tmp_path), "pics/link.jpg")[1]


def test_split_list_and_unique():
    assert split_list(" North, ,Testing ,") == ["North", "Testing"]
    assert split_list(",,") == []
    # A list: a repeated or continued line, each part still comma-separated.
    assert split_list(["Hamburg,", "Berlin, Testing"]) == ["Hamburg", "Berlin", "Testing"]
    assert unique(["b", "a", "b"]) == ["b", "a"]


def test_name_sort_key_ignores_case_and_accents():
    names = ["oscar", "Zoë", "Ödön", "Adam", "Örjan", "olga"]
    assert sorted(names, key=name_sort_key) == ["Adam", "Ödön", "olga", "Örjan", "oscar", "Zoë"]
