"""Helpers for the tests that use the package as its users get it: a copy of the repository's
source away from the checkout, a git repository of it, and the environment of a user's shell."""

import os
import shutil
import subprocess
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What building the package or running a hook does not read: what builds, tests and tools write
# into the checkout. Top-level names only at the top (the plugin has a cache/ subpackage).
TOP_LEVEL_OUTPUT = {".git", ".venv", ".ci", "output", "cache", "dist", "build", "private"}
ANYWHERE = shutil.ignore_patterns(
    "__pycache__", "*.egg-info", ".pytest_cache", ".ruff_cache", ".coverage*", "_build", ".data",
    "results", ".import_linter_cache",
)  # fmt: skip


def not_source(folder: str, names: list[str]) -> set[str]:
    """`shutil.copytree`'s `ignore`: the names in `folder` that are no source."""
    ignored = set(ANYWHERE(folder, names))
    if Path(folder).resolve() == ROOT:
        ignored |= TOP_LEVEL_OUTPUT & set(names)
    return ignored


GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    # No user or system git configuration (hooks, templates, signing) reaches these repositories.
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None, expect: int = 0) -> str:
    """Runs a command and returns what it printed (stdout and stderr); fails the test, showing
    that output, when it exits with another code than `expect`."""
    result = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == expect, f"{command} exited {result.returncode}:\n{result.stdout}"
    return result.stdout


def user_environment(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: no Python path, no virtual environment of ours, no
    coverage hooks, avatars offline; plus `extra`."""
    drop = {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "COV_CORE_SOURCE", "COVERAGE_PROCESS_START"}
    env = {key: value for key, value in os.environ.items() if key not in drop}
    env["AVATAR_OFFLINE"] = "1"
    env.update(extra)
    return env


def copy_source(target: Path) -> Path:
    """A copy of the repository's source files in `target`."""
    shutil.copytree(ROOT, target, ignore=not_source)
    return target


def copy_of_the_example_site(target: Path) -> Path:
    """The example site (content, theme, settings) in `target`, away from the checkout."""
    shutil.copytree(ROOT / "content", target / "content")
    shutil.copytree(ROOT / "site", target / "site")
    shutil.copy(ROOT / "pelicanconf.py", target)
    shutil.copy(ROOT / "publishconf.py", target)
    return target


def fresh_virtual_environment(home: Path) -> Path:
    """A new virtual environment in `home`, with pip and nothing else; returns its bin folder."""
    venv.EnvBuilder(with_pip=True, clear=True).create(home)
    return home / "bin"


def git_commit_all(repository: Path, message: str) -> None:
    """Makes `repository` a git repository (if it is not one) and commits every file in it."""
    env = user_environment(**GIT_IDENTITY)
    if not (repository / ".git").exists():
        run(["git", "init", "--quiet", "--initial-branch=main"], repository, env)
    run(["git", "add", "--all"], repository, env)
    run(["git", "commit", "--quiet", "--no-verify", "-m", message], repository, env)
