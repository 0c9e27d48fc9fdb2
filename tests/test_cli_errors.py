"""Every bad input through the real command line: exit code 2, one ``pyseg: error:`` line on
stderr naming the file (and row and column where they apply), no traceback, nothing on stdout,
and no report directory left behind.

The data-file corpus and the wording each case must contain are the fixtures ``bad_inputs_dir``
and ``bad_input_messages`` of ``conftest.py`` (``test_data_errors.py`` checks them against
:func:`pyseg.load_dataset` directly); here every case runs as
``python -m pyseg compare --data FILE --report DIR`` in a subprocess. The subprocesses run
concurrently, once per session (~40 s on two cores, hence ``slow``).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pyseg._errors import ExitCode

INCOME = "'Annual Income (k$)'"


def _write(directory: Path, name: str, text: str) -> str:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _extra_cases(directory: Path, course_like: str) -> dict[str, tuple[list[str], tuple[str, ...]]]:
    """Bad inputs that are not corpus files: name -> (compare arguments, message fragments)."""
    three_points = _write(
        directory, "three_points.csv",
        "Annual Income (k$),Spending Score (1-100)\n" + "15,39\n16,40\n17,41\n" * 4,
    )
    crlf_bad = directory / "windows_bad.csv"
    crlf_bad.write_bytes(b"Annual Income (k$),Spending Score (1-100)\r\n15,39\r\n16,x\r\n")
    a_file = _write(directory, "not_a_dir", "I am a file\n")
    return {
        "missing file": (["--data", str(directory / "nope.csv")], ("nope.csv: no such file",)),
        "directory as data": (["--data", str(directory)], ("is a directory, not a CSV file",)),
        "unknown --columns": (
            # "Income" is the short name of the income column; "Nope" names nothing
            ["--data", course_like, "--columns", "Income,Nope"],
            ("no column 'Nope'", "short names: income, score, age, gender"),
        ),
        "--columns twice": (
            ["--data", course_like, "--columns", "Age,Age"], ("'Age' given twice",),
        ),
        "k above rows": (["--data", course_like, "--k", "300"],  # one k check, every method
                         ("k=300 is more than the 10 distinct points among 10 rows", "k <= 10")),
        "k above distinct points": (
            ["--data", three_points], ("k=5 is more than the 3 distinct points among 12 rows",
                                       "k <= 3"),
        ),
        "CRLF file with bad cell": (
            ["--data", str(crlf_bad)],
            ("row 3, column 'Spending Score (1-100)': 'x' is not a number",),
        ),
        "missing --r-results": (
            ["--data", course_like, "--r-results", str(directory / "none.json")],
            ("none.json", "No such file"),
        ),
        "--report is a file": (
            ["--data", course_like, "--mode", "exact", "--report", a_file],
            ("report directory", "not_a_dir exists and is not a directory"),
        ),
    }


#: argparse usage errors: arguments -> the start of the one stderr line.
USAGE_CASES: dict[str, tuple[list[str], str]] = {
    "--k 0": (["--k", "0"], "pyseg: error: argument --k: 0 should be >= 1"),
    "--k abc": (["--k", "abc"], "pyseg: error: argument --k: 'abc' is not an integer"),
    "--k 2.5": (["--k", "2.5"], "pyseg: error: argument --k: '2.5' is not an integer"),
    "--min-agreement 2": (
        ["--min-agreement", "2"],
        "pyseg: error: argument --min-agreement: 2.0 should be within [0, 1]",
    ),
    "--min-agreement x": (
        ["--min-agreement", "x"],
        "pyseg: error: argument --min-agreement: 'x' is not a number",
    ),
    "--starts -1": (
        ["--starts", "-1"], "pyseg: error: argument --starts: -1 should be within 1-1000",
    ),
    "--mode fast": (
        ["--mode", "fast"],
        # how argparse quotes the choices differs between Python versions
        "pyseg: error: argument --mode: invalid choice: 'fast' (choose from ",
    ),
    "unknown option": (["--kk", "3"], "pyseg: error: unrecognized arguments: --kk 3"),
}


@pytest.fixture(scope="session")
def cli_runs(tmp_path_factory: pytest.TempPathFactory, run_pyseg, bad_inputs_dir: Path,
             bad_input_messages):
    """Run every case once, concurrently: name -> (report dir, CompletedProcess, fragments)."""
    work = tmp_path_factory.mktemp("cli-errors")
    course_like = _write(
        work, "ten_rows.csv",
        "CustomerID,Genre,Age,Annual Income (k$),Spending Score (1-100)\n"
        + "".join(f"{i:04d},Male,30,{15 + i},{39 + 3 * i}\n" for i in range(1, 11)),
    )
    extra = _extra_cases(work, course_like)
    jobs: dict[str, tuple[list[str], tuple[str, ...], Path]] = {}
    for index, name in enumerate(sorted(bad_input_messages)):
        path = bad_inputs_dir / name
        fragments = (f"{path}: ", *bad_input_messages[name])
        jobs[name] = (["--data", str(path)], fragments, work / f"report-{index}")
    for index, (name, (args, fragments)) in enumerate(extra.items()):
        jobs[name] = (args, fragments, work / f"report-extra-{index}")
    for index, (name, (args, last_line)) in enumerate(USAGE_CASES.items()):
        jobs[name] = (["--data", course_like, *args], (last_line,), work / f"report-usage-{index}")

    def run(name: str):
        args, fragments, report = jobs[name]
        if "--report" not in args:
            args = [*args, "--report", str(report)]
        return name, (report, run_pyseg("compare", *args, cwd=work, timeout=120), fragments)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(run, jobs))


#: The cases that are not corpus files (see ``_extra_cases``).
EXTRA_CASE_NAMES = [
    "missing file", "directory as data", "unknown --columns", "--columns twice", "k above rows",
    "k above distinct points", "CRLF file with bad cell", "missing --r-results",
    "--report is a file",
]


def _assert_one_error_line_and_exit_2(run) -> None:
    report, result, fragments = run
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("pyseg: error: ")
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    assert result.stdout == ""
    assert not report.exists()
    leftovers = [p.name for p in report.parent.iterdir() if ".tmp-" in p.name]
    assert leftovers == [], "a half-written report was left behind"


@pytest.mark.slow
def test_bad_corpus_file_gives_one_error_line_and_exit_2(cli_runs, bad_input: str) -> None:
    _assert_one_error_line_and_exit_2(cli_runs[bad_input])


@pytest.mark.slow
@pytest.mark.parametrize("name", EXTRA_CASE_NAMES)
def test_bad_input_gives_one_error_line_and_exit_2(cli_runs, name: str) -> None:
    _assert_one_error_line_and_exit_2(cli_runs[name])


@pytest.mark.slow
def test_a_file_in_the_way_of_the_report_is_left_untouched(cli_runs) -> None:
    _, result, _ = cli_runs["--report is a file"]
    assert result.returncode == 2
    in_the_way = Path(result.args[result.args.index("--report") + 1])
    assert in_the_way.read_text(encoding="utf-8") == "I am a file\n"


@pytest.mark.slow
@pytest.mark.parametrize("name", list(USAGE_CASES))
def test_usage_error_names_the_bad_value_and_exits_2(cli_runs, name: str) -> None:
    """One line, like every other error (issue 22, defect 10: 11 lines of usage before)."""
    report, result, (line,) = cli_runs[name]
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(line), lines[0]
    assert result.stdout == ""
    assert not report.exists()


@pytest.mark.slow
def test_the_corpus_table_covers_at_least_20_cases(cli_runs, bad_input_messages) -> None:
    assert len(bad_input_messages) >= 20
    assert set(bad_input_messages) | set(EXTRA_CASE_NAMES) | set(USAGE_CASES) == set(cli_runs)


def test_cli_reports_bad_data_as_one_line_and_exit_2(run_pyseg, bad_inputs_dir: Path) -> None:
    path = bad_inputs_dir / "non_numeric.csv"
    completed = run_pyseg("compare", "--data", str(path), timeout=120)
    assert completed.returncode == ExitCode.USAGE_ERROR, completed.stderr
    assert completed.stderr.strip().splitlines() == [
        f"pyseg: error: {path}: row 7, column {INCOME}: 'abc' is not a number"
    ]
    assert "Traceback" not in completed.stderr
