"""The command line shell itself: help, version, and what it imports."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pyseg import ExitCode, __version__
from pyseg.cli import COMMANDS, main

HEAVY = ("sklearn", "pandas", "scipy", "rpy2", "matplotlib", "flask", "jinja2")


@pytest.mark.parametrize("argv", [["--help"], ["compare", "--help"], ["predict", "--help"]])
def test_help_imports_nothing_heavy(argv):
    code = (
        "import sys\n"
        "from pyseg.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit as exit:\n"
        "    code = exit.code\n"
        f"print(code, sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "0 []"


def test_every_registered_command_is_listed_in_help(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    listed = capsys.readouterr().out
    for command in COMMANDS:
        assert command in listed


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == ExitCode.USAGE_ERROR
    assert "COMMAND" in capsys.readouterr().out


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"pyseg {__version__}"


def test_exit_codes_are_the_documented_ones():
    assert [int(code) for code in ExitCode] == [0, 1, 2, 3]
    assert [code.name for code in ExitCode] == [
        "OK", "PARITY_FAILED", "USAGE_ERROR", "R_UNAVAILABLE"]
