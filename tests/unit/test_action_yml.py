"""action.yml, read as GitHub reads it: every step runs action/run.sh (which
tests/integration/test_action.py runs), every input reaches a step, and the documentation's
table of inputs (docs/deploying.md) names each input with its default."""

import re

import yaml
from packaged import ROOT

STEP = '"$GITHUB_ACTION_PATH/action/run.sh" {}'
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
INPUTS = ACTION["inputs"]


def test_every_step_runs_the_script_with_declared_inputs():
    used = set()
    script_steps = []
    for entry in ACTION["runs"]["steps"]:
        text = yaml.safe_dump(entry)
        used.update(name for name in INPUTS if f"inputs.{name}" in text)
        if "run" in entry:
            script_steps.append(entry["run"])
            assert entry["shell"] == "bash"
            for variable, value in entry.get("env", {}).items():
                name = variable.removeprefix("INPUT_").lower().replace("_", "-")
                assert value == f"${{{{ inputs.{name} }}}}", variable
    assert script_steps == [STEP.format(name) for name in ("install", "check", "build")]
    assert used == set(INPUTS), "an input no step reads"


def test_every_input_has_a_description_and_a_default():
    for name, declared in INPUTS.items():
        assert declared["description"].strip(), name
        assert isinstance(declared["default"], str), f"{name}: defaults are strings in GitHub"


def documented_inputs() -> dict[str, str]:
    """The inputs table of docs/deploying.md: name to default (`a` / `b` rows give two)."""
    page = (ROOT / "docs" / "deploying.md").read_text(encoding="utf-8")
    table = page[page.index("| input | default |") :].split("\n\n", 1)[0]
    found = {}
    for line in table.splitlines()[2:]:
        names_cell, defaults_cell = line.strip("|").split("|")[:2]
        names = re.findall(r"`([^`]+)`", names_cell)
        defaults = re.findall(r"`([^`]*)`", defaults_cell)
        found.update(zip(names, defaults, strict=True))
    return found


def test_the_documentation_lists_every_input_with_its_default():
    assert documented_inputs() == {name: declared["default"] for name, declared in INPUTS.items()}
