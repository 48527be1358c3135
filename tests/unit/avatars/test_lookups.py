"""The picture URL in an API answer (pure)."""

import json

import pytest
from pelican.plugins.member_avatars.avatars.lookups import SERVICES, picture_url

API = "https://social.example/api/v1/accounts/lookup?acct=ada"
MASTODON, BLUESKY = SERVICES["mastodon"], SERVICES["bluesky"]


def body(**fields) -> bytes:
    return json.dumps(fields).encode()


def test_the_picture_url_an_answer_names():
    answer = body(avatar_static="https://files.social.example/a.png")
    assert picture_url(answer, API, MASTODON) == ("https://files.social.example/a.png", "")


def test_a_relative_url_is_read_against_the_api():
    answer = body(avatar_static="/system/a.png")
    assert picture_url(answer, API, MASTODON) == ("https://social.example/system/a.png", "")


@pytest.mark.parametrize(
    "answer",
    [
        body(avatar_static="https://social.example/avatars/original/missing.png"),
        body(avatar_static=None),
        body(avatar_static=""),
        body(),
    ],
)
def test_a_default_or_missing_picture_is_none(answer):
    assert picture_url(answer, API, MASTODON) == (None, "")


def test_bluesky_reads_its_own_field():
    assert picture_url(body(avatar="https://cdn.example/a@jpeg"), API, BLUESKY)[0] == (
        "https://cdn.example/a@jpeg"
    )


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (b"<html>", "the answer is not JSON"),
        (b"[1, 2]", "the answer is not a JSON object"),
        (b"[" * 100_000, "the answer is not JSON"),
        (body(avatar_static=["x"]), "the answer's avatar_static is not a URL"),
        (body(avatar_static="ftp://x/a.png"), "the answer's avatar_static is not an http(s) URL"),
    ],
)
def test_answers_without_a_usable_url(answer, problem):
    assert picture_url(answer, API, MASTODON) == (None, problem)
