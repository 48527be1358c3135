"""The freshness decision and failure memory: pure functions, no I/O."""

import pytest
from pelican.plugins.member_avatars.avatars.freshness import Action, decide, failure_until
from pelican.plugins.member_avatars.cache.entries import Entry, Failure
from pelican.plugins.member_avatars.net.headers import parse_retry_after

NOW = 1_000_000.0
DAY = 86400
IMAGE = Entry(fetched_at=NOW - 10, body_sha="abc", etag='"e"')
OLD_IMAGE = Entry(fetched_at=NOW - DAY - 1, body_sha="abc", etag='"e"')
NONE = Entry(fetched_at=NOW - 10)
OLD_NONE = Entry(fetched_at=NOW - DAY - 1)
RECENT_FAILURE = Failure(until=NOW + 60, reason="HTTP 500")
PAST_FAILURE = Failure(until=NOW - 1, reason="HTTP 500")


@pytest.mark.parametrize(
    ("entry", "failure", "offline", "expected"),
    [
        (None, None, False, Action.FETCH),
        (IMAGE, None, False, Action.USE),
        (NONE, None, False, Action.USE),  # a fresh "has none" makes no request either
        (OLD_IMAGE, None, False, Action.REVALIDATE),
        (OLD_NONE, None, False, Action.FETCH),  # nothing to revalidate a 404 with
        (OLD_IMAGE, RECENT_FAILURE, False, Action.USE),  # stale copy, don't ask yet
        (None, RECENT_FAILURE, False, Action.SKIP),  # next source, don't ask yet
        (OLD_IMAGE, PAST_FAILURE, False, Action.REVALIDATE),
        (None, PAST_FAILURE, False, Action.FETCH),
        (OLD_IMAGE, None, True, Action.USE),  # offline: any age
        (OLD_NONE, None, True, Action.USE),
        (None, None, True, Action.SKIP),
        (IMAGE, RECENT_FAILURE, False, Action.USE),
    ],
)
def test_decide(entry, failure, offline, expected):
    assert decide(entry, failure, NOW, DAY, offline) is expected


def test_max_age_zero_makes_everything_stale():
    assert decide(Entry(fetched_at=NOW, body_sha="x"), None, NOW, 0, False) is Action.REVALIDATE


def test_failure_is_remembered_for_the_shorter_setting():
    assert failure_until(NOW, 3600, DAY, None) == NOW + 3600
    assert failure_until(NOW, 3600, 600, None) == NOW + 600


def test_retry_after_may_lengthen_the_failure_memory():
    assert failure_until(NOW, 3600, DAY, 7200) == NOW + 7200
    assert failure_until(NOW, 3600, DAY, 5) == NOW + 3600


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        (None, None),
        ("", None),
        ("soon", None),
        ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0),
    ],
)
def test_parse_retry_after(header, expected):
    assert parse_retry_after(header, NOW) == expected


def test_parse_retry_after_http_date_in_the_future():
    # NOW is 12 Jan 1970 13:46:40 UTC; the header says one minute later.
    assert parse_retry_after("Mon, 12 Jan 1970 13:47:40 GMT", NOW) == pytest.approx(60)
