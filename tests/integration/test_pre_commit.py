"""The pre-commit hook of .pre-commit-hooks.yaml, run by pre-commit itself on a site's
repository: once through `pre-commit try-repo`, and then as the documentation tells a site to
use it, with the `.pre-commit-config.yaml` of docs/deploying.md (its `repo` a git repository
of this one): it installs the plugin and checks the member and event files a commit changes."""

import re
import sys

import pytest
import yaml
from packaged import (
    ROOT,
    copy_of_the_example_site,
    copy_source,
    git_commit_all,
    run,
    user_environment,
)

pytestmark = pytest.mark.slow

HOOK = "pelican-avatars-check"
NAMELESS = "GitHub: someone\n\nNo name line.\n"


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory):
    """This repository as pre-commit fetches a hook repository: a git repository at a commit."""
    repository = copy_source(tmp_path_factory.mktemp("hook") / "pelican-member-avatars")
    git_commit_all(repository, "the plugin")
    return repository


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory):
    """pre-commit's store (clones, the hook's environment): shared by the tests of this module,
    so the hook is installed once, and never the user's own."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def site(tmp_path, hook_repository):
    """The example site as a git repository, with the documented .pre-commit-config.yaml."""
    site = copy_of_the_example_site(tmp_path / "community")
    config = documented_config()
    (entry,) = config["repos"]
    entry["repo"] = str(hook_repository)
    entry["rev"] = run(["git", "rev-parse", "HEAD"], hook_repository).strip()
    (site / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git_commit_all(site, "the site")
    return site


def documented_config() -> dict:
    """The first `.pre-commit-config.yaml` example of docs/deploying.md."""
    page = (ROOT / "docs" / "deploying.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(repos:\n.*?)```", page, flags=re.DOTALL)
    assert blocks, "docs/deploying.md shows no .pre-commit-config.yaml"
    return yaml.safe_load(blocks[0])


def pre_commit(site, home, *arguments, expect=0):
    env = user_environment(PRE_COMMIT_HOME=str(home))
    command = [sys.executable, "-m", "pre_commit", *arguments, "--color", "never"]
    return run(command, cwd=site, env=env, expect=expect)


def stage(site, path, text):
    (site / path).write_text(text, encoding="utf-8")
    run(["git", "add", path], site)


def test_try_repo_runs_the_hook_on_the_example_site(site, hook_repository, pre_commit_home):
    arguments = ["try-repo", str(hook_repository), HOOK, "--all-files"]
    output = pre_commit(site, pre_commit_home, *arguments)
    assert re.search(r"pelican-avatars check\.+Passed", output)


def test_the_documented_config_passes_on_the_example_site(site, pre_commit_home):
    output = pre_commit(site, pre_commit_home, "run", "--all-files")
    assert re.search(r"pelican-avatars check\.+Passed", output)


def test_a_member_file_with_a_problem_fails_the_commit(site, pre_commit_home):
    stage(site, "content/members/nameless.md", NAMELESS)
    output = pre_commit(site, pre_commit_home, "run", expect=1)
    assert re.search(r"pelican-avatars check\.+Failed", output)
    assert "content/members/nameless.md: no Name" in output


def test_an_unknown_attendee_fails_the_commit(site, pre_commit_home):
    event = "content/events/hamburg-meetup-mutation-testing.md"
    text = (site / event).read_text(encoding="utf-8")
    assert "\nAttendees: " in text
    stage(site, event, text.replace("\nAttendees: ", "\nAttendees: nobody-here, ", 1))
    output = pre_commit(site, pre_commit_home, "run", expect=1)
    assert f"{event}:" in output
    assert "nobody-here" in output


def test_other_files_do_not_run_the_check(site, pre_commit_home):
    # A problem already committed: the hook would fail if it ran.
    (site / "content" / "members" / "nameless.md").write_text(NAMELESS, encoding="utf-8")
    git_commit_all(site, "a member without a name")
    stage(site, "content/articles/draft.md", "Title: A draft\nDate: 2026-01-01\n\nText.\n")
    output = pre_commit(site, pre_commit_home, "run")
    assert re.search(r"pelican-avatars check\.+\(no files to check\)Skipped", output)
