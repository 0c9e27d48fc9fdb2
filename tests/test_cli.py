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


# -- issue 22: one rule set for every command's flags ------------------------------------------

def _usage_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The one stderr line of a usage error (exit 2, nothing on stdout)."""
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    assert exited.value.code == ExitCode.USAGE_ERROR, err
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("pyseg: error: "), err
    return err.strip()


def _one_line_error(run_cli, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The one stderr line of an error the library reports (exit 2, nothing on stdout)."""
    code, out, err = run_cli(capsys, *args)
    assert code == ExitCode.USAGE_ERROR, err
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("pyseg: error: "), err
    return err.strip()


@pytest.mark.parametrize(("args", "owner"), [
    (("compare", "--eps", "8", "--linkage", "single", "--covariance", "tied"), "dbscan"),
    (("compare", "--method", "gmm", "--linkage", "single"), "hierarchical"),
    (("compare", "--min-points", "4"), "dbscan"),
    (("stability", "--bootstrap", "5", "--covariance", "diag"), "gmm"),
    (("gap", "--method", "pam", "--linkage", "single"), "hierarchical"),
    (("elbow", "--min-points", "4"), "dbscan"),
    (("record-r", "--method", "pam", "--eps", "3"), "dbscan"),
])
def test_a_flag_of_another_method_is_one_usage_line(capsys, args, owner) -> None:
    """Defect 7: `compare --eps 8 --linkage single --covariance tied` ran K-Means, exit 0."""
    line = _usage_error(capsys, *args)
    assert f"is a setting of --method {owner}, not of --method " in line, line
    assert f"add --method {owner}" in line


@pytest.mark.parametrize("args", [
    ("compare", "--method", "all", "--eps", "8", "--linkage", "single", "--covariance", "tied"),
    ("compare", "--method", "dbscan", "--eps", "8", "--min-points", "4"),
    ("record-r", "--method", "all", "--distance", "gower"),
    ("stability", "--bootstrap", "5", "--method", "hierarchical", "--linkage", "single"),
])
def test_a_flag_goes_to_its_method_and_under_all_to_each(args) -> None:
    from pyseg.cli import build_parser

    parsed = build_parser(args[0]).parse_args(list(args))
    assert parsed.method in {"all", "dbscan", "hierarchical"}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_command_takes_abbreviated_flags(command) -> None:
    """Defect 9: argparse's abbreviations made `gap --k 3` mean `--k-max 3`."""
    from pyseg.cli import build_parser

    parser = build_parser(command)
    assert parser.allow_abbrev is False
    subparsers = next(a for a in parser._actions if a.dest == "command")
    assert subparsers.choices[command].allow_abbrev is False


@pytest.mark.parametrize(("args", "fragment"), [
    (("gap", "--k", "3"), "--k: gap computes k = 1..K; the largest k is --k-max K"),
    (("gap", "--k-m", "3"), "unrecognized arguments: --k-m 3"),
    (("elbow", "--k", "3"), "--k: elbow runs k = --k-min..--k-max"),
    (("stability", "--bootstrap", "5", "--see", "2"), "unrecognized arguments: --see 2"),
])
def test_gap_k_names_k_max_and_abbreviations_are_refused(capsys, args, fragment) -> None:
    assert fragment in _usage_error(capsys, *args)


@pytest.mark.parametrize(("args", "line"), [
    (("compare", "--k", "0"), "pyseg: error: argument --k: 0 should be >= 1"),
    (("compare", "--starts", "0"), "pyseg: error: argument --starts: 0 should be within 1-1000"),
    (("synth", "--n", "0", "--output", "-"), "pyseg: error: argument --n: 0 should be >= 1"),
    (("stability",), "pyseg: error: one of the arguments --seeds --bootstrap is required"),
    (("nope",), "pyseg: error: argument COMMAND: invalid choice: 'nope'"),
])
def test_usage_errors_are_one_line_naming_the_flag(capsys, args, line) -> None:
    """Defect 10: `compare --k 0` printed 11 lines of usage before the error."""
    assert _usage_error(capsys, *args).startswith(line)


@pytest.mark.parametrize(("args", "fragment"), [
    (("compare", "--starts", "100000000"),
     "argument --starts: 100000000 should be within 1-1000 (all of a fit's starts run in one"),
    (("elbow", "--mode", "matched", "--starts", "5000"), "should be within 1-1000"),
    (("gap", "--starts", "5000"), "argument --starts: 5000 should be <= 1000"),
])
def test_starts_are_capped_saying_why(capsys, args, fragment) -> None:
    """Defect 8: `compare --starts 100000000` ran for minutes with no progress."""
    assert fragment in _usage_error(capsys, *args)


@pytest.mark.parametrize(("args", "fragment"), [
    (("gap", "--B", "1000000000"),
     "--B 1000000000: the most is --B 10000 (standard errors shrink as 1/sqrt(B)"),
    (("stability", "--bootstrap", "1000000000"), "the most is --bootstrap 10000"),
    (("stability", "--seeds", "1000000000"),
     "--seeds 1000000000: the most is --seeds 10000 (each seed is a full fit"),
    (("stability", "--bootstrap", "-1"), "--bootstrap -1 should be >= 2: a mean and its"),
    (("gap", "--B", "1"), "--B 1 should be >= 2"),
])
def test_resample_counts_are_capped_and_named(run_cli, capsys, mall_like_csv, args,
                                              fragment) -> None:
    """Defects 8 and 11: `gap --B 1000000000` was a memory traceback, `stability --seeds
    1000000000` was killed by the kernel, `--bootstrap -1` said "B = -1"."""
    assert fragment in _one_line_error(run_cli, capsys, *args, "--data", str(mall_like_csv))


@pytest.mark.parametrize("args", [("gap", "--B", "10000"), ("stability", "--bootstrap", "10000"),
                                  ("stability", "--seeds", "10000")])
def test_a_run_whose_draws_cannot_fit_in_memory_is_refused_before_it_starts(
        run_cli, capsys, mall_like_csv, monkeypatch, args) -> None:
    import pyseg._stability

    monkeypatch.setattr(pyseg._stability, "machine_memory", lambda: 2**20)  # 1 MiB
    line = _one_line_error(run_cli, capsys, *args, "--data", str(mall_like_csv))
    assert f"{args[1]} 10000" in line and "the draws alone need about" in line
    assert "GiB of memory; use fewer, or a sample of the rows" in line
