"""Scenario builds with local avatars only (uploads and generated): no network involved."""

import os

import pytest
from helpers import jpeg, near


@pytest.fixture
def community(site):
    site.member(
        "ada",
        "Ada Lovelace",
        "Bio of *Ada*.",
        avatar="members/pics/ada.jpg",
        groups="North, Testing",
        email="ada@example.org",
    )
    site.write("members/pics/ada.jpg", jpeg((200, 30, 30)))
    site.member("zoe", "Zoë Ångström", groups="North")
    site.member("odon", "Ödön Varga", groups="South")
    site.member("oscar", "oscar Olsen", groups="South")
    site.member("bob", "Bob Builder")
    site.event("retreat", "Code Retreat", "2026-03-01", "zoe, ada, odon, zoe", group="North")
    return site


def test_every_page_shows_avatars_of_the_right_size(community, caplog):
    community.build(caplog, AVATAR_OFFLINE=True)
    members_page = community.avatars("members/index.html")
    assert {a.slug for a in members_page} == {"ada", "zoe", "odon", "oscar", "bob"}
    for avatar in members_page:
        assert avatar.size == 48
        assert avatar.image().size == (96, 96)
        assert avatar.mime == "image/webp"
    profile = community.avatar("members/ada/index.html", "ada", 160)
    assert profile.image().size == (320, 320)
    assert {a.slug for a in community.avatars("groups/north/index.html")} == {"ada", "zoe"}
    assert [a.slug for a in community.avatars("events/retreat/index.html")] == [
        "zoe",
        "ada",
        "odon",
    ]


def test_a_site_without_members_gets_no_avatar_cache(site, caplog, capsys):
    site.write("pages/about.md", "Title: About\n\nNo members yet.\n")
    site.build(caplog)
    assert any(site.out.rglob("about*.html"))
    assert not (site.cache / "avatars").exists()
    assert "Avatars:" not in capsys.readouterr().out


def test_no_avatar_sources_writes_every_page_without_avatars(community, caplog, capsys):
    community.build(caplog, AVATAR_SOURCES=[])
    pages = set(community.all_output())
    for slug in ("ada", "zoe", "odon", "oscar", "bob"):
        assert f"members/{slug}/index.html" in pages
        assert not community.avatars(f"members/{slug}/index.html")
    assert "Ada Lovelace" in community.page("members/ada/index.html")
    assert not community.avatars("members/index.html")
    assert not community.cache.exists() or not any(community.cache.rglob("*.db"))
    assert "Avatars:" not in capsys.readouterr().out


def test_uploaded_picture_is_used_with_its_colour(community, caplog):
    community.build(caplog, AVATAR_OFFLINE=True)
    assert near(community.avatar("members/index.html", "ada").centre_colour(), (200, 30, 30))


def test_members_sort_by_name_ignoring_case_and_accents(community, caplog):
    community.build(caplog, AVATAR_OFFLINE=True)
    html = community.page("members/index.html")
    listed = [a.slug for a in community.avatars("members/index.html")]
    assert listed.index("odon") < listed.index("oscar") or "South" in html
    south = [a.slug for a in community.avatars("groups/south/index.html")]
    assert south == ["odon", "oscar"]


def test_generated_avatar_is_the_same_on_every_build(community, caplog):
    community.build(caplog, AVATAR_OFFLINE=True)
    first = community.avatar("members/index.html", "zoe").data
    community.build(caplog, AVATAR_OFFLINE=True)
    assert community.avatar("members/index.html", "zoe").data == first


@pytest.mark.parametrize(("fmt", "mime"), [("png", "image/png"), ("jpeg", "image/jpeg")])
def test_avatar_format_setting(community, caplog, fmt, mime):
    community.build(caplog, AVATAR_OFFLINE=True, AVATAR_FORMAT=fmt, AVATAR_DENSITY=3)
    avatar = community.avatar("members/index.html", "ada")
    assert avatar.mime == mime
    assert avatar.image().size == (144, 144)


def test_unknown_and_repeated_attendees(community, caplog):
    community.event("meetup", "Meetup", "2026-04-01", "bob, ghost, bob, ada")
    result = community.build(caplog, AVATAR_OFFLINE=True)
    assert [a.slug for a in community.avatars("events/meetup/index.html")] == ["bob", "ada"]
    assert any("meetup.md" in w and "'ghost'" in w for w in result.warnings)


def test_member_without_name_is_skipped_with_a_warning(community, caplog):
    community.member("nobody", None, "No name here.", groups="North")
    result = community.build(caplog, AVATAR_OFFLINE=True)
    assert any("nobody.md" in w and "Name" in w for w in result.warnings)
    assert not (community.out / "members/nobody/index.html").exists()


def test_title_is_accepted_instead_of_name(community, caplog):
    community.write("members/tia.md", "Title: Tia Title\n\nHi.\n")
    community.build(caplog, AVATAR_OFFLINE=True)
    assert community.avatar("members/tia/index.html", "tia").attrs["alt"] == "Tia Title"


def test_duplicate_slug_keeps_the_first_and_names_both_files(community, caplog):
    community.write("members/zz-other.md", "Name: Another Ada\nSlug: ada\n\n")
    result = community.build(caplog, AVATAR_OFFLINE=True)
    assert any("zz-other.md" in w and "ada.md" in w for w in result.warnings)
    assert community.avatar("members/ada/index.html", "ada").attrs["alt"] == "Ada Lovelace"


def test_markup_in_metadata_is_escaped(site, caplog):
    site.member(
        "evil",
        "<script>alert(1)</script>",
        groups="<b>Bold</b>",
        location="<i>x</i>",
        profession="<img src=x onerror=alert(1)>",
    )
    site.build(caplog, AVATAR_OFFLINE=True)
    for page in ("members/index.html", "members/evil/index.html"):
        html = site.page(page)
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;" in html
    assert (
        site.avatar("members/evil/index.html", "evil").attrs["alt"] == "<script>alert(1)</script>"
    )


def test_email_never_reaches_the_output(community, caplog):
    community.build(caplog, AVATAR_OFFLINE=True)
    for name, data in community.all_output().items():
        assert b"ada@example.org" not in data, name


def _refused(site, caplog, avatar_value, reason_word):
    site.member("ann", "Ann Upload", avatar=avatar_value)
    result = site.build(caplog, AVATAR_OFFLINE=True)
    avatar = site.avatar("members/index.html", "ann")
    assert avatar.image().size == (96, 96)  # the generated fallback
    assert any("ann.md" in w and reason_word in w for w in result.warnings), result.warnings
    return avatar


def test_missing_upload_falls_back(site, caplog):
    _refused(site, caplog, "members/nope.jpg", "does not exist")


def test_upload_outside_content_is_refused(site, caplog, tmp_path):
    (tmp_path / "secret.jpg").write_bytes(jpeg((0, 255, 0)))
    _refused(site, caplog, "../secret.jpg", "outside")


def test_absolute_upload_path_is_refused(site, caplog, tmp_path):
    (tmp_path / "secret.jpg").write_bytes(jpeg((0, 255, 0)))
    _refused(site, caplog, str(tmp_path / "secret.jpg"), "outside")


def test_symlink_out_of_content_is_refused(site, caplog, tmp_path):
    (tmp_path / "secret.jpg").write_bytes(jpeg((0, 255, 0)))
    site.content.joinpath("members").mkdir(parents=True, exist_ok=True)
    os.symlink(tmp_path / "secret.jpg", site.content / "members" / "link.jpg")
    avatar = _refused(site, caplog, "members/link.jpg", "outside")
    assert not near(avatar.centre_colour(), (0, 255, 0))


def test_upload_that_is_not_an_image_is_refused(site, caplog):
    site.write("members/fake.jpg", "<html>not a picture</html>")
    _refused(site, caplog, "members/fake.jpg", "refused")


def test_upload_over_the_byte_limit_is_refused(site, caplog):
    site.write("members/big.jpg", jpeg((1, 2, 3), (600, 600)))
    site.settings["AVATAR_MAX_BYTES"] = 1000
    _refused(site, caplog, "members/big.jpg", "AVATAR_MAX_BYTES")


def test_uploaded_original_is_not_published_as_a_static_file(site, caplog):
    site.write("images/ann.jpg", jpeg((9, 9, 200)))
    site.member("ann", "Ann Upload", avatar="images/ann.jpg")
    site.build(caplog, AVATAR_OFFLINE=True)
    assert not (site.out / "images" / "ann.jpg").exists()


def test_article_byline_shows_the_author_avatar(community, caplog, tmp_path):
    community.write(
        "articles/hello.md", "Title: Hello\nDate: 2026-01-01\nAuthor: Ada Lovelace\n\nHi"
    )
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "article.html").write_text(
        '{% extends "!simple/article.html" %}{% block content %}'
        '{{ avatar(member_for(article.author), "byline") }}{{ super() }}{% endblock %}'
    )
    community.build(
        caplog,
        AVATAR_OFFLINE=True,
        ARTICLE_PATHS=["articles"],
        THEME_TEMPLATES_OVERRIDES=[str(overrides)],
    )
    byline = community.avatar("hello.html", "ada", 32)
    assert byline.image().size == (64, 64)
    assert near(byline.centre_colour(), (200, 30, 30))
