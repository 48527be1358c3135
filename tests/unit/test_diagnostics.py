"""One diagnostic type: its place and text, the line the build logs, and the Diagnostic on the
log record (what `pelican-avatars check` collects instead of reading the line)."""

import dataclasses
import logging

import pytest
from pelican.plugins.member_avatars.diagnostics import (
    Diagnostic,
    Place,
    diagnostic_of,
    report,
    warn,
)
from pelican.plugins.member_avatars.log import get_logger

LOGGER = "pelican.plugins.member_avatars.test_diagnostics"


@pytest.mark.parametrize(
    ("place", "text"),
    [
        (Place("members/ada.md"), "members/ada.md"),
        (Place("members/people.csv", line=4), "members/people.csv, line 4"),
        (Place("members/people.yaml", row=2), "members/people.yaml, row 2"),
    ],
)
def test_a_place_as_warnings_name_it(place, text):
    assert str(place) == text


def test_a_diagnostic_at_a_place_keeps_its_line_or_row():
    at_row = Diagnostic.at(Place("people.yaml", row=2), "no Name; row skipped", "Name")
    assert at_row == Diagnostic("people.yaml", "no Name; row skipped", None, 2, "Name")
    assert at_row.place == Place("people.yaml", row=2)
    assert str(at_row) == "people.yaml, row 2: no Name; row skipped"
    assert Diagnostic.at("a.md", "bad", "Email") == Diagnostic("a.md", "bad", key="Email")
    about_nothing = Diagnostic.at(None, "cache moved")
    assert about_nothing.place is None
    assert str(about_nothing) == "cache moved"
    assert about_nothing.severity == "warning"


def test_a_diagnostic_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Diagnostic("a.md", "bad").message = "good"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("place", "logged"),
    [
        ("members/ada.md", "[member_avatars] members/ada.md: Email is not an e-mail address"),
        (
            Place("members/people.csv", line=3),
            "[member_avatars] members/people.csv, line 3: Email is not an e-mail address",
        ),
        (None, "[member_avatars] Email is not an e-mail address"),
    ],
)
def test_warn_logs_one_line_with_the_diagnostic_on_the_record(caplog, place, logged):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    returned = warn(get_logger(LOGGER), place, "Email is not an e-mail address", "Email")
    [record] = caplog.records
    assert record.getMessage() == logged
    assert record.levelno == logging.WARNING
    assert diagnostic_of(record) is returned
    assert returned.key == "Email"
    assert str(returned) == logged.removeprefix("[member_avatars] ")


def test_a_percent_sign_in_a_message_is_logged_as_written(caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    warn(get_logger(LOGGER), "a.md", "Gravatar '100%s' is not a clear yes or no")
    assert caplog.records[0].getMessage() == (
        "[member_avatars] a.md: Gravatar '100%s' is not a clear yes or no"
    )


def test_report_logs_at_the_severity_and_keeps_the_callers_extra(caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    error = Diagnostic("a.md", "broken", severity="error")
    report(logging.getLogger(LOGGER), error, {"limit_msg": "more like: broken"})
    [record] = caplog.records
    assert record.levelno == logging.ERROR
    assert record.getMessage() == "a.md: broken"  # a plain logger adds no prefix
    assert record.limit_msg == "more like: broken"
    assert diagnostic_of(record) is error


def test_a_record_without_a_diagnostic_has_none():
    plain = logging.LogRecord(LOGGER, logging.WARNING, __file__, 1, "x", (), None)
    assert diagnostic_of(plain) is None
    plain.diagnostic = "not one"
    assert diagnostic_of(plain) is None
