"""The remote source's recovery paths, in milliseconds: a scripted fetcher, a real cache."""

import time
from io import BytesIO

import pytest
from avatar_server import make_jpeg
from pelican.plugins.member_avatars.avatars.remote import RemoteSource
from pelican.plugins.member_avatars.avatars.renders import RenderCache, sha256
from pelican.plugins.member_avatars.avatars.results import How
from pelican.plugins.member_avatars.cache.entries import Entry, Failure
from pelican.plugins.member_avatars.cache.store import AvatarStore
from pelican.plugins.member_avatars.net.fetch import Answer, Reply
from pelican.plugins.member_avatars.settings.config import config_of
from PIL import Image

URL = "http://127.0.0.1:1/avatar/x"
SETTINGS = {
    "AVATAR_FORMAT": "png",
    "AVATAR_QUALITY": 60,
    "AVATAR_MAX_PIXELS": 40_000_000,
    "AVATAR_SIZES": {"list": 8},
    "AVATAR_DENSITY": 2,
    "AVATAR_MAX_AGE": 100,
    "AVATAR_RETRY_AFTER": 50,
}
BODY = make_jpeg((200, 0, 0), size=(20, 20))
OTHER_BODY = make_jpeg((0, 0, 200), size=(20, 20))
CONFIG = config_of(SETTINGS)
OK = Answer(Reply.OK, body=BODY, etag='"a"')


class ScriptedFetcher:
    """Answers each request with the next of `answers`; records the validators it was sent."""

    def __init__(self, *answers: Answer):
        self.answers = list(answers)
        self.sent: list[tuple[str | None, str | None]] = []

    def get(self, url, etag=None, last_modified=None):
        self.sent.append((etag, last_modified))
        return self.answers.pop(0)


@pytest.fixture
def store(tmp_path):
    with AvatarStore.open(str(tmp_path / "cache")) as opened:
        yield opened


def source(store, fetcher=None, now=None):
    renders = RenderCache(CONFIG, store)
    return RemoteSource(CONFIG, renders, (lambda: fetcher) if fetcher else None, now or time.time())


def seed(store, fetched_at, body=BODY, rendered=True, body_kept=True):
    """A cache holding `body` for URL, as a build fetched it at `fetched_at`."""
    sha = sha256(body)
    store.put_entry(URL, Entry(fetched_at, sha, '"a"', None))
    if body_kept:
        store.put_body(sha, body)
    if rendered:
        RenderCache(CONFIG, store).render(body)
    return sha


def drop_render(store, sha):
    store.delete(RenderCache(CONFIG, store).key(sha))


def colour(result):

    return Image.open(BytesIO(result.images[16])).convert("RGB").getpixel((8, 8))


def test_a_304_whose_render_is_gone_renders_the_kept_body(store):
    sha = seed(store, fetched_at=0)
    drop_render(store, sha)
    fetcher = ScriptedFetcher(Answer(Reply.NOT_MODIFIED))
    result = source(store, fetcher).get(URL, "ada")
    assert result.how is How.REVALIDATED
    assert fetcher.sent == [('"a"', None)]
    assert colour(result)[0] > 150


def test_a_304_whose_render_and_body_are_gone_fetches_again(store):
    sha = seed(store, fetched_at=0, body_kept=False)
    drop_render(store, sha)
    fetcher = ScriptedFetcher(Answer(Reply.NOT_MODIFIED), OK)
    result = source(store, fetcher).get(URL, "ada")
    assert result.how is How.FETCHED
    assert fetcher.sent == [('"a"', None), (None, None)]  # the second asks unconditionally


def test_the_same_bytes_again_revalidate_without_rendering(store):
    seed(store, fetched_at=0)
    fetcher = ScriptedFetcher(OK)
    result = source(store, fetcher).get(URL, "ada")
    assert result.how is How.REVALIDATED
    assert store.entry(URL).fetched_at > 0


def test_changed_bytes_are_fetched_and_rendered(store):
    seed(store, fetched_at=0)
    fetcher = ScriptedFetcher(Answer(Reply.OK, body=OTHER_BODY, etag='"b"'))
    result = source(store, fetcher).get(URL, "ada")
    assert result.how is How.FETCHED
    assert colour(result)[2] > 150
    assert store.entry(URL).etag == '"b"'


def test_a_fresh_entry_whose_render_is_gone_is_rendered_from_the_body_without_a_request(store):
    sha = seed(store, fetched_at=time.time())
    drop_render(store, sha)
    fetcher = ScriptedFetcher()
    remote = source(store, fetcher)
    assert remote.peek(URL, "ada") is None  # needs an image made: not a cache-only answer
    result = remote.get(URL, "ada")
    assert result.how is How.CACHE
    assert fetcher.sent == []


def test_a_fresh_entry_whose_render_and_body_are_gone_is_fetched_again(store):
    sha = seed(store, fetched_at=time.time(), body_kept=False)
    drop_render(store, sha)
    fetcher = ScriptedFetcher(OK)
    assert source(store, fetcher).get(URL, "ada").how is How.FETCHED
    assert fetcher.sent == [(None, None)]


def test_offline_with_nothing_rendered_or_kept_gives_nothing(store):
    sha = seed(store, fetched_at=0, body_kept=False)
    drop_render(store, sha)
    result = source(store, None).get(URL, "ada")
    assert result.images is None
    assert result.problem == ""


def test_a_failed_revalidation_keeps_the_cached_copy_and_is_remembered(store):
    seed(store, fetched_at=0)
    fetcher = ScriptedFetcher(Answer(Reply.FAILED, reason="HTTP 503", retry_after=500))
    result = source(store, fetcher).get(URL, "ada")
    assert result.how is How.CACHE
    assert result.problem == "HTTP 503; keeping the cached copy"
    failure = store.failure(URL)
    assert failure.until > time.time() + 400  # the server's Retry-After wins over 50 s


def test_a_remembered_failure_is_not_asked_and_reported_as_remembered(store):
    until = time.time() + 60
    store.put_failure(URL, Failure(until, "HTTP 500"))
    fetcher = ScriptedFetcher()
    remote = source(store, fetcher)
    for result in (remote.peek(URL, "ada"), remote.get(URL, "ada")):
        assert result.images is None
        assert result.problem == ""
        assert result.remembered_until == pytest.approx(until)
    assert fetcher.sent == []


def test_a_body_that_is_no_image_is_a_remembered_failure(store):
    fetcher = ScriptedFetcher(Answer(Reply.OK, body=b"<html>nope</html>"))
    result = source(store, fetcher).get(URL, "ada")
    assert "not a usable image" in result.problem
    assert store.failure(URL) is not None
    assert store.entry(URL) is None


def test_a_none_answer_clears_a_past_failure(store):
    store.put_failure(URL, Failure(time.time() + 0.01, "HTTP 500"))
    time.sleep(0.02)
    fetcher = ScriptedFetcher(Answer(Reply.NONE))
    result = source(store, fetcher).get(URL, "ada")
    assert result.images is None
    assert store.entry(URL).has_image is False


def test_peek_answers_fresh_entries_and_waits_for_urls_already_asked(store):
    seed(store, fetched_at=time.time())
    fetcher = ScriptedFetcher()
    remote = source(store, fetcher)
    assert remote.peek(URL, "ada").how is How.CACHE
    remote.get(URL, "ada")
    assert remote.peek(URL, "ada") is None  # asked in this build: wait for that answer


def test_peek_on_a_fresh_has_none_answer(store):
    store.put_entry(URL, Entry(time.time()))
    result = source(store, ScriptedFetcher()).peek(URL, "ada")
    assert result.images is None
    assert result.remembered_until is None


def test_each_url_is_asked_once_per_build(store):
    fetcher = ScriptedFetcher(OK)
    remote = source(store, fetcher)
    first, second = remote.get(URL, "ada"), remote.get(URL, "grace")
    assert first == second
    assert len(fetcher.sent) == 1
