"""The package on its own: the wheel built from a copy of the repository carries everything a
site needs (code, default templates, catalogs), installs into a fresh virtual environment, and
builds the example site there from a copy of its content, away from the checkout."""

import sys
import zipfile
from pathlib import Path

import pytest
from packaged import (
    ROOT,
    copy_of_the_example_site,
    copy_source,
    fresh_virtual_environment,
    run,
    user_environment,
)

pytestmark = pytest.mark.slow

PACKAGE = ROOT / "plugin" / "pelican" / "plugins" / "member_avatars"


def data_files() -> set[str]:
    """The package's files that are not Python code: templates, translation catalogs (compiled
    `.mo`) once there are any, and the py.typed marker, as paths inside the wheel."""
    return {
        path.relative_to(ROOT / "plugin").as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and (path.parent.name == "templates" or path.suffix == ".mo" or path.name == "py.typed")
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built as `make dist` builds it (sdist first, the wheel from the sdist) from a
    copy of the repository, so the checkout gets no build/ or egg-info folder."""
    work = tmp_path_factory.mktemp("dist")
    source = copy_source(work / "source")
    run([sys.executable, "-m", "build", "--outdir", str(work / "dist"), str(source)], cwd=work)
    (built,) = (work / "dist").glob("pelican_member_avatars-*.whl")
    return built


@pytest.fixture(scope="module")
def fresh_env(wheel, tmp_path_factory) -> Path:
    """A new virtual environment with the wheel and its dependencies, and nothing of the
    checkout: no editable install, no source folder on its path."""
    home = tmp_path_factory.mktemp("venv") / "env"
    bin_dir = fresh_virtual_environment(home)
    run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)], cwd=home)
    return home


def test_the_wheel_carries_the_templates_and_catalogs(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = data_files()
    assert "pelican/plugins/member_avatars/templates/member.html" in expected
    assert "pelican/plugins/member_avatars/py.typed" in expected
    assert expected - names == set()
    assert "pelican/plugins/member_avatars/__init__.py" in names
    # The namespace packages stay namespaces: an __init__.py there would hide Pelican's own.
    assert "pelican/__init__.py" not in names
    assert "pelican/plugins/__init__.py" not in names


def test_the_plugin_comes_from_the_fresh_environment(fresh_env, tmp_path):
    found = run(
        [
            str(fresh_env / "bin" / "python"),
            "-c",
            "import pelican.plugins.member_avatars as m, importlib.metadata as md;"
            "print(m.__file__); print(md.version('pelican-member-avatars'))",
        ],
        cwd=tmp_path,
        env=user_environment(),
    ).split()
    module_file, version = Path(found[0]), found[1]
    assert module_file.is_relative_to(fresh_env)
    assert not module_file.resolve().is_relative_to(ROOT)
    assert version.count(".") >= 2


@pytest.mark.parametrize(
    ("theme", "marker"),
    [
        ("site", 'class="avatar"'),
        # Pelican's default theme: every plugin page comes from the wheel's default templates.
        ("notmyidea", "member-avatars-"),
    ],
)
def test_the_wheel_alone_builds_the_example_site(fresh_env, tmp_path, theme, marker):
    site = copy_of_the_example_site(tmp_path / "community")
    # As publishconf.py does: the example's settings, and one change.
    (site / "buildconf.py").write_text(
        "import os, sys\n\nsys.path.append(os.curdir)\n"
        f"from pelicanconf import *  # noqa: F403\n\nTHEME = {theme!r}\n"
    )
    env = user_environment()
    bin_dir = fresh_env / "bin"
    log = run(
        [str(bin_dir / "pelican"), "content", "-s", "buildconf.py", "-o", "output"],
        cwd=site,
        env=env,
    )
    assert "[member_avatars] Avatars:" in log
    members = (site / "output" / "members" / "index.html").read_text(encoding="utf-8")
    assert marker in members
    assert 'src="data:image/' in members
    for page in ("events/index.html", "groups"):
        assert (site / "output" / page).exists()
    assert any((site / "cache" / "avatars").iterdir()), "the cache lies beside the site"

    report = run([str(bin_dir / "pelican-avatars"), "check", "-s", "buildconf.py"], site, env)
    assert report.startswith("No problems in ")
