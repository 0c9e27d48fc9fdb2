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


def test_top_level_help_lists_every_command_without_importing_the_library() -> None:
    import subprocess
    import sys

    from pyseg.cli import COMMANDS
    from pyseg.cli._help import COMMAND_HELP

    assert set(COMMAND_HELP) == set(COMMANDS)
    probe = ("import sys, contextlib, io\nimport pyseg.cli as cli\n"
             "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()) as o:"
             "\n    cli.main(['--help'])\n"
             "print(sorted(m for m in ('numpy', 'pandas', 'pyseg._pipeline') if m in sys.modules))"
             "\nprint(o.getvalue())")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    loaded, _, text = done.stdout.partition("\n")
    assert loaded == "[]"
    for name, line in COMMAND_HELP.items():
        assert name in text and line.split()[0] in text
