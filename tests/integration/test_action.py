"""The GitHub Action (action.yml) for a site's repository: every step of it runs
action/run.sh, which is run here as the action runs it: installed from a copy of this
repository into a fresh Python, then checking and building a copy of the example site."""

import shutil
from pathlib import Path

import pytest
import yaml
from packaged import (
    ROOT,
    copy_of_the_example_site,
    copy_source,
    fresh_virtual_environment,
    run,
    user_environment,
)

pytestmark = pytest.mark.slow

@pytest.fixture(scope="module")
def action(tmp_path_factory) -> Path:
    """The action's checkout, as a runner has it: a copy of this repository."""
    return copy_source(tmp_path_factory.mktemp("action") / "pelican-member-avatars")


@pytest.fixture(scope="module")
def runner_path(action, tmp_path_factory) -> str:
    """A runner's PATH after the action's install step: a fresh Python (what setup-python
    gives) into which `run.sh install` installed the plugin."""
    bin_dir = fresh_virtual_environment(tmp_path_factory.mktemp("python") / "env")
    env = user_environment(PYTHON=str(bin_dir / "python"), INPUT_INSTALL="true")
    run(["bash", str(action / "action" / "run.sh"), "install"], cwd=action, env=env)
    return f"{bin_dir}:{user_environment()['PATH']}"


@pytest.fixture
def site(tmp_path) -> Path:
    return copy_of_the_example_site(tmp_path / "community")


def step(action, runner_path, site, name, expect=0, **inputs):
    env = user_environment(PATH=runner_path, INPUT_WORKING_DIRECTORY=str(site), **inputs)
    script = str(action / "action" / "run.sh")
    return run(["bash", script, name], cwd=action, env=env, expect=expect)


def test_the_install_step_installs_the_plugin_from_the_action(runner_path, action, tmp_path):
    bin_dir = runner_path.split(":", 1)[0]
    code = "import pelican.plugins.member_avatars as m; print(m.__file__)"
    where = run(
        [f"{bin_dir}/python", "-c", code],
        cwd=tmp_path,
        env=user_environment(),
    )
    assert where.startswith(str(Path(bin_dir).parent))
    assert shutil.which("pelican-avatars", path=bin_dir)


def test_the_check_step_passes_on_the_example_site(action, runner_path, site):
    output = step(action, runner_path, site, "check")
    assert output.startswith("No problems in ")


def test_the_check_step_annotates_a_member_file(action, runner_path, site):
    (site / "content" / "members" / "nameless.md").write_text("GitHub: someone\n\nBio.\n")
    output = step(action, runner_path, site, "check", expect=1)
    assert "::warning file=content/members/nameless.md::" in output
    assert "no Name" in output


def test_the_check_can_be_turned_off(action, runner_path, site):
    (site / "content" / "members" / "nameless.md").write_text("GitHub: someone\n\nBio.\n")
    assert step(action, runner_path, site, "check", INPUT_CHECK="false") == ""


def test_the_build_step_builds_the_site_with_its_cache_where_the_action_keeps_it(
    action, runner_path, site
):
    log = step(action, runner_path, site, "build", INPUT_BUILD="true")
    assert "[member_avatars] Avatars:" in log
    members = (site / "output" / "members" / "index.html").read_text(encoding="utf-8")
    assert 'src="data:image/' in members
    # publishconf.py: absolute links for the deployed site.
    assert 'href="https://' in members
    cache_path = action_inputs()["cache-path"]["default"]
    assert any((site / cache_path).iterdir())


def test_the_build_step_does_nothing_unless_asked(action, runner_path, site):
    assert step(action, runner_path, site, "build") == ""
    assert not (site / "output").exists()


def test_an_input_that_is_not_true_or_false_is_refused(action, runner_path, site):
    output = step(action, runner_path, site, "build", expect=2, INPUT_BUILD="yes")
    assert output.startswith("::error::")
    assert "input build is 'yes'" in output


def action_inputs() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))["inputs"]
