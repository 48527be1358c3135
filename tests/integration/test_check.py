"""`pelican-avatars check`: every problem in member and event files, with file and line, as
text or GitHub annotations; no request, nothing written. And log lines that stay one line
outside a terminal (the build's summary, `status`)."""

import logging
import os
import re
import subprocess
import sys

import pytest
from avatar_server import make_png
from pelican.log import console
from pelican.plugins.member_avatars.commands import check, check_reading, cli
from pelican.readers import MarkdownReader
from sitebuilder import BASE_SETTINGS

CLI_MODULE = "pelican.plugins.member_avatars.commands.cli"


def write_settings(site, **overrides):
    """The site's pelicanconf.py, as `site.build_cli` writes it, without building."""
    settings = {
        **BASE_SETTINGS,
        "PATH": "content",
        "OUTPUT_PATH": "output",
        "CACHE_PATH": "cache",
        **site.settings,
        **overrides,
    }
    (site.root / "pelicanconf.py").write_text(
        "".join(f"{key} = {value!r}\n" for key, value in settings.items()), encoding="utf-8"
    )


@pytest.fixture
def in_process(monkeypatch, capsys):
    """`cli.main` run from the site's folder: (exit code, the lines it printed)."""
    root_logger = logging.getLogger()
    handlers, level = list(root_logger.handlers), root_logger.level

    def run(site, *args):
        if not (site.root / "pelicanconf.py").exists():
            write_settings(site)
        monkeypatch.chdir(site.root)
        capsys.readouterr()
        code = cli.main(list(args))
        captured = capsys.readouterr()
        return code, (captured.out + captured.err).splitlines()

    yield run
    root_logger.handlers[:], root_logger.level = handlers, level  # main sets Pelican's logging


@pytest.fixture
def checked(in_process):
    """`pelican-avatars check -s pelicanconf.py ARGS` in this process."""
    return lambda site, *args: in_process(site, "check", "-s", "pelicanconf.py", *args)


@pytest.fixture
def good_site(site, avatar_server):
    """A site without problems: remote sources on the local server, an upload, an event."""
    site.settings.update(
        AVATAR_GRAVATAR_URL=avatar_server.gravatar_url, AVATAR_GITHUB_URL=avatar_server.github_url
    )
    site.write("pictures/grace.png", make_png())
    site.member("grace", "Grace Hopper", email="grace@example.org", avatar="pictures/grace.png")
    site.member("alan", "Alan Turing", github="alan", gravatar="no")
    site.event("meetup", "Meetup", "2024-05-01", attendees="grace, alan")
    return site


def line_of(path, prefix):
    """The line number (from 1) of the first line of `path` starting with `prefix`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(prefix))


# One row per kind of problem: what to add to the good site, the key whose line is reported
# (None: the problem has no line), and what the message says.
PROBLEMS = {
    "no name": (lambda s: s.member("anon", email="anon@example.org"), None, "no Name (or Title)"),
    "duplicate slug": (
        lambda s: s.write("members/grace2.md", "Name: Grace Again\nSlug: grace\n\nBio.\n"),
        "Slug:",
        "slug 'grace' is already used by members/grace.md",
    ),
    "unknown attendee": (
        lambda s: s.event("later", "Later", "2024-06-01", attendees="grace, nobody"),
        "Attendees:",
        "attendee 'nobody' is not a member",
    ),
    "refused avatar path": (
        lambda s: s.member("ada", "Ada", github="ada", avatar="../outside.png"),
        "Avatar:",
        "Avatar path '../outside.png' points outside the content folder",
    ),
    "avatar not an image": (
        lambda s: (
            s.write("pictures/ada.png", "not a picture"),
            s.member("ada", "Ada", avatar="pictures/ada.png"),
        )[-1],
        "Avatar:",
        "Avatar file 'pictures/ada.png' refused: not an image",
    ),
    "bad email": (
        lambda s: s.member("ada", "Ada", email="ada at example"),
        "Email:",
        "Email is not an e-mail address",
    ),
    "unclear gravatar": (
        lambda s: s.member("ada", "Ada", email="ada@example.org", gravatar="maybe"),
        "Gravatar:",
        "Gravatar 'maybe' is not a clear yes or no",
    ),
    "event without date": (
        lambda s: s.write("events/undated.md", "Title: Undated\n\nSoon.\n"),
        None,
        "no Date; event skipped",
    ),
}


@pytest.mark.parametrize("kind", list(PROBLEMS))
def test_each_problem_with_its_file_and_line(good_site, avatar_server, checked, kind):
    add, key, message = PROBLEMS[kind]
    bad_file = add(good_site)
    code, lines = checked(good_site)
    assert code == 1, lines
    shown = os.path.relpath(bad_file, good_site.root)
    place = f"{shown}:{line_of(bad_file, key)}" if key else shown
    problems = [line for line in lines if line.startswith(f"{shown}:")]
    assert len(problems) == 1, lines
    assert problems[0].startswith(f"{place}: {message}"), lines
    # No prefix, no traceback, the file named once; the good files have no problem.
    assert "[member_avatars]" not in "\n".join(lines)
    assert "Traceback" not in "\n".join(lines)
    assert problems[0].count(os.path.basename(bad_file)) == 1
    assert lines[-1].startswith("1 problem in 1 of "), lines
    # Nothing asked, nothing written.
    assert avatar_server.requests == []
    assert not good_site.cache.exists()
    assert not good_site.out.exists()


def test_a_clean_site_exits_0_with_one_line(good_site, avatar_server, checked):
    code, lines = checked(good_site)
    files = list((good_site.content / "members").iterdir()) + list(
        (good_site.content / "events").iterdir()
    )
    assert code == 0, lines
    assert lines[-1] == f"No problems in {len(files)} files"
    assert avatar_server.requests == []
    assert not good_site.cache.exists()
    assert not good_site.out.exists()


def test_github_annotations(good_site, checked):
    good_site.member("ada", "Ada", email="ada at example", gravatar="100%")
    good_site.write("events/undated.md", "Title: Undated\n\nSoon.\n")
    code, lines = checked(good_site, "--format", "github")
    assert code == 1
    assert lines == [
        "::warning file=content/events/undated.md::no Date; event skipped",
        "::warning file=content/members/ada.md,line=2::Email is not an e-mail address; "
        "Gravatar is not asked",
        "::warning file=content/members/ada.md,line=3::Gravatar '100%25' is not a clear yes or "
        "no; Gravatar is not asked",
        "3 problems in 2 of 5 files",
    ]


def test_settings_errors_exit_2(site, checked, caplog):
    site.member("grace", "Grace Hopper")
    write_settings(site, AVATAR_FORMAT="gif")
    code, lines = checked(site)
    assert code == 2
    assert "setting AVATAR_FORMAT = 'gif' is not usable" in caplog.text
    code, lines = checked(site, "-s", "nowhere.py")
    assert code == 2
    assert "Traceback" not in "\n".join(lines)


def test_github_format_from_the_command_line_one_annotation_a_line(good_site):
    """As CI runs it: a subprocess, not a terminal (Pelican's console would wrap at 80)."""
    name = "a-member-with-a-rather-long-file-name-that-goes-past-eighty-columns"
    good_site.member(name, "Long", avatar="pictures/nowhere-to-be-found.png")
    write_settings(good_site)
    environment = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    result = subprocess.run(
        [sys.executable, "-m", CLI_MODULE, "check", "--format", "github"],
        cwd=good_site.root,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    shown = f"content/members/{name}.md"
    line = line_of(good_site.content / "members" / f"{name}.md", "Avatar:")
    expected = (
        f"::warning file={shown},line={line}::Avatar file 'pictures/nowhere-to-be-found.png' "
        "does not exist (Avatar paths are relative to the content folder, PATH)"
    )
    assert expected in result.stdout.splitlines(), result.stdout
    assert not good_site.cache.exists()
    assert not good_site.out.exists()


# --- pure parts ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain", "plain"),
        ("100%", "100%25"),
        ("two\nlines", "two%0Alines"),
        ("carriage\r\nreturn", "carriage%0D%0Areturn"),
        ("%0A already", "%250A already"),
    ],
)
def test_github_message_escaping(text, escaped):
    assert check.github_data(text) == escaped


@pytest.mark.parametrize(
    ("problem", "annotation"),
    [
        (check.Problem("a.md", 3, "bad"), "::warning file=a.md,line=3::bad"),
        (check.Problem("a.md", None, "bad"), "::warning file=a.md::bad"),
        (check.Problem(None, None, "bad"), "::warning::bad"),
        (check.Problem("a,b:c.md", 1, "x"), "::warning file=a%2Cb%3Ac.md,line=1::x"),
    ],
)
def test_github_annotation_forms(problem, annotation):
    assert check.as_github(problem) == annotation


@pytest.mark.parametrize(
    ("message", "key"),
    [
        ("Avatar file 'x.png' refused: not an image", "avatar"),
        ("Email is not an e-mail address; Gravatar is not asked", "email"),
        ("GitHub 'a b' is not a GitHub user name", "github"),
        ("attendee 'x' is not a member; left out", "attendees"),
        ("group '!!' has no usable slug; left out", "groups"),
        ("slug 'x' is already used by members/x.md", "slug"),
        ("no Name (or Title); member skipped", None),
        ("its page x.html would overwrite the page of y.md; not written", None),
    ],
)
def test_the_key_a_warning_is_about(message, key):
    assert check.key_of(message) == key


@pytest.mark.parametrize(
    ("text", "markdown", "line"),
    [
        ("Name: A\nAvatar: a.png\n\nbody", True, 2),
        ("Name: A\navatar : a.png\n", True, 2),
        ("Name: A\n\nAvatar: in the body\n", True, None),
        ("Name: A\n", True, None),
        ("A\n=\n\n:name: A\n:avatar: a.png\n", False, 5),
    ],
)
def test_the_line_of_a_metadata_key(text, markdown, line):
    assert check.key_line(text, "avatar", markdown) == line


def test_metadata_block_is_the_header_only():
    assert check_reading.metadata_block("Name: A\nGroups: x,\n    y\n\nBody\n\nMore") == (
        "Name: A\nGroups: x,\n    y\n"
    )


# --- log lines never hard-wrapped outside a terminal ---------------------------------------
def test_build_summary_is_one_line_in_a_ci_log(site):
    for number in range(3):
        site.member(f"m{number}", f"Member {number}")
    environment = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    result = site.build_cli(env=environment, AVATAR_SOURCES=["generated"])
    assert result.returncode == 0, result.stderr
    summary = [line for line in result.stdout.splitlines() if "Avatars:" in line]
    assert len(summary) == 1, result.stdout
    assert len(summary[0]) > 80  # long enough that Pelican's console would have wrapped it
    assert re.fullmatch(r"\[member_avatars\] Avatars: .*\(\d+ requests\) in [\d.]+ s", summary[0])


def test_status_lines_are_not_wrapped(site, in_process, monkeypatch):
    monkeypatch.setattr(console, "_width", 80)  # what Pelican's console has in a CI log
    slugs = [f"a-member-called-number-{number}" for number in range(4)]
    for slug in slugs:
        site.member(slug, slug.replace("-", " ").title())
    site.settings["AVATAR_SOURCES"] = ["generated"]
    assert site.build_cli().returncode == 0
    code, lines = in_process(site, "status", "-s", "pelicanconf.py")
    assert code == 0, lines
    members = [line for line in lines if line.startswith("Members: 4;")]
    assert len(members) == 1, lines
    assert len(members[0]) > 80
    assert all(slug in members[0] for slug in slugs), lines


HEADERS = {
    "plain": "Name: Ada\nGroups: North, South\n\nA *bio*.\n",
    "continued line": "Name: Ada\nGroups: North,\n    South\n\nBio.\n",
    "repeated key": "Name: Ada\nAvatar: a.png\nAvatar: b.png\n\nBio.\n",
    "formatted summary": "Name: Ada\nSummary: *short* [link](https://example.org)\n\nBio.\n",
    "dashes": "---\nName: Ada\nEmail: ada@example.org\n---\n\nBio.\n",
    "no header": "\nJust a body: with a colon.\n",
    "date": "Title: Meetup\nDate: 2024-05-01 18:30\nAttendees: ada, bob\n\nAbout.\n",
}


def test_metadata_only_reader_reads_what_pelicans_reader_reads(site):
    """One reader for many files (as a check uses it) gives Pelican's metadata for each."""
    paths = {
        name: str(site.write(f"members/{name.replace(' ', '-')}.md", text))
        for name, text in HEADERS.items()
    }
    settings = site.full_settings()
    ours = check_reading.MetadataOnlyMarkdownReader(settings)
    for name, path in paths.items():
        assert ours.read(path)[1] == MarkdownReader(settings).read(path)[1], name


def record(msg, *args):
    return logging.LogRecord("pelican.readers", logging.WARNING, __file__, 1, msg, args, None)


@pytest.mark.parametrize(
    ("log_record", "reading", "expected"),
    [
        (record("[member_avatars] %s: no %s", "m/a.md", "Date"), None, ("m/a.md", "no Date")),
        (record("[member_avatars] %s: 100%% sure", "m/a.md"), "/x.md", ("m/a.md", "100% sure")),
        (
            record("/c/m/a.md: Markdown is missing"),
            "/c/m/a.md",
            ("/c/m/a.md", "Markdown is missing"),
        ),
        (record("Empty alt in %s", "/c/a.md"), "/c/a.md", ("/c/a.md", "Empty alt in /c/a.md")),
        (record("[member_avatars] cache moved"), None, (None, "cache moved")),
    ],
)
def test_the_file_and_message_of_a_warning(log_record, reading, expected):
    assert check_reading.file_and_message(log_record, reading) == expected


def test_rows_of_data_and_attendee_files_with_their_lines(good_site, checked):
    good_site.write(
        "members/sign-ups.csv",
        "Name,Slug,Email\nAda Lovelace,ada,ada@example.org\n,nameless,x@example.org\n"
        "Grace Again,grace,g@example.org\n",
    )
    good_site.write("events/export.csv", "Name,Slug,Listed\nAlan Turing,alan,yes\n,anon,no\n")
    good_site.write(
        "events/camp.md",
        "Title: Camp\nDate: 2024-06-01\nAttendees-File: events/export.csv\n\nAbout it.\n",
    )
    code, lines = checked(good_site)
    assert code == 1, lines
    text = "\n".join(lines)
    assert "content/members/sign-ups.csv:3: " in text  # the row without a Name
    assert "content/events/export.csv:3: " in text  # the attendee row without a Name
    duplicate = [line for line in lines if "grace" in line and "already used" in line]
    assert duplicate, lines
    assert not good_site.cache.exists()
    assert not good_site.out.exists()
