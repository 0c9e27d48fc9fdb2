"""The documentation site, the README and the CI workflow a course repository can copy.

The site itself is built by ``mkdocs build --strict`` in CI (``.ci/run``) and ``tox -e docs``:
a broken link, a missing reference or a docstring that fails to render fails there. These tests
hold what the build cannot see: that every flag a command takes is documented somewhere on the
site, that the README stays a first page, and that the workflow file is a valid workflow.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from pyseg.cli import COMMANDS, build_parser

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
WORKFLOW = ROOT / ".github" / "workflows" / "pyseg-compare.yml"


def _site_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.rglob("*.md")))


def _command_flags(command: str) -> set[str]:
    parser = build_parser(command)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    flags = set()
    for action in sub.choices[command]._actions:
        flags.update(o for o in action.option_strings if o.startswith("--") and o != "--help")
    return flags


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_flag_of_every_command_is_on_the_site(command: str) -> None:
    text = _site_text()
    assert f"pyseg {command}" in text, f"`pyseg {command}` is not on the site"
    missing = sorted(f for f in _command_flags(command) if f not in text)
    assert not missing, f"pyseg {command}: flags not documented on the site: {missing}"


def test_the_flag_check_can_fail() -> None:
    # A flag nobody wrote about is caught: the check reads the parser, not a list kept by hand.
    assert "--no-such-flag-anywhere" not in _site_text()
    assert "--data" in _command_flags("compare")


def test_readme_is_a_first_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 150
    for must in (".ci/setup && .venv/bin/python -m pyseg compare",
                 ".ci/setup && .venv/bin/python -m pytest", "mkdocs"):
        assert must in readme


def test_the_workflow_a_course_repository_copies_is_valid() -> None:
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    # YAML reads the key `on:` as True (YAML 1.1): GitHub reads it as the trigger list.
    assert set(workflow.get("on", workflow.get(True))) == {"push", "pull_request"}
    (job,) = workflow["jobs"].values()
    assert job["runs-on"].startswith("ubuntu")
    steps = job["steps"]
    assert all(("uses" in s) != ("run" in s) for s in steps), "each step runs or uses, not both"
    scripts = "\n".join(s.get("run", "") for s in steps)
    assert "apt-get install" in scripts and "r-base-core" in scripts
    assert "python -m pyseg.r._compat requirement" in scripts
    assert scripts.index("pyseg.r._compat") < scripts.index("pyseg compare")
    assert 'python -m pyseg compare --data "$DATA"' in scripts


def test_the_workflows_rpy2_rule_runs() -> None:
    # The command the workflow runs to pick rpy2 prints a pip requirement for a given R.
    for r_version, expected in (("4.2", "rpy2>=3.5.17,<3.6"), ("4.6", "rpy2>=3.6.7")):
        done = subprocess.run([sys.executable, "-m", "pyseg.r._compat", "requirement", r_version],
                              capture_output=True, text=True, check=True)
        assert done.stdout.strip() == expected
