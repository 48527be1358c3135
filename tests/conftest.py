import pytest
from checkout_guard import changes, snapshot
from sitebuilder import Site

# `avatar_server`: a local HTTP server that behaves like Gravatar and GitHub; `social_server`
# and `picture_host`: Mastodon, Bluesky, Codeberg, Libravatar and a picture host.
pytest_plugins = ["avatar_server", "social_services"]

CHECKOUT_BEFORE = pytest.StashKey[dict]()


@pytest.fixture
def site(tmp_path):
    return Site(tmp_path)


def pytest_sessionstart(session):
    session.stash[CHECKOUT_BEFORE] = snapshot()


def pytest_sessionfinish(session, exitstatus):
    """Fails the run when a test wrote into the checkout's cache/ or output/ folder."""
    written = changes(session.stash[CHECKOUT_BEFORE], snapshot())
    if written:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("")
            reporter.write_line("Tests wrote into the checkout (use a tmp_path instead):", red=True)
            for line in written[:20]:
                reporter.write_line(f"  {line}")
            if len(written) > 20:
                reporter.write_line(f"  … and {len(written) - 20} more")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
