"""Which sources a member has, in which order, and where an upload may come from (pure)."""

import os
from types import SimpleNamespace

from pelican.plugins.member_avatars.community import name_sort_key, split_list, unique
from pelican.plugins.member_avatars.settings import DEFAULTS
from pelican.plugins.member_avatars.sources import candidates, gravatar_hash, upload_path

SETTINGS = {**DEFAULTS, "PATH": "content"}


def member(**metadata):
    fields = {"email_for_gravatar": None, **metadata}
    return SimpleNamespace(**fields)


def test_gravatar_hash_is_sha256_of_the_trimmed_lower_cased_address():
    assert gravatar_hash(" Ada@Example.ORG ") == gravatar_hash("ada@example.org")
    assert len(gravatar_hash("ada@example.org")) == 64


def test_candidates_follow_avatar_sources_order():
    someone = member(avatar="a.jpg", email_for_gravatar="a@example.org", github="ada")
    kinds = [c.kind for c in candidates(someone, SETTINGS, 320)]
    assert kinds == ["upload", "gravatar", "github", "generated"]
    reordered = {**SETTINGS, "AVATAR_SOURCES": ["github", "generated"]}
    assert [c.kind for c in candidates(someone, reordered, 320)] == ["github", "generated"]


def test_remote_urls_ask_for_the_largest_pixel_size():
    someone = member(email_for_gravatar="a@example.org", github="@ada")
    urls = [c.target for c in candidates(someone, SETTINGS, 320)][:2]
    assert (
        urls[0] == f"https://www.gravatar.com/avatar/{gravatar_hash('a@example.org')}?s=320&d=404"
    )
    assert urls[1] == "https://github.com/ada.png?size=320"


def test_gravatar_no_opts_out():
    someone = member(email_for_gravatar="a@example.org", gravatar="No")
    assert [c.kind for c in candidates(someone, SETTINGS, 96)] == ["generated"]


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
    assert unique(["b", "a", "b"]) == ["b", "a"]


def test_name_sort_key_ignores_case_and_accents():
    names = ["oscar", "Zoë", "Ödön", "Adam", "Örjan", "olga"]
    assert sorted(names, key=name_sort_key) == ["Adam", "Ödön", "olga", "Örjan", "oscar", "Zoë"]
