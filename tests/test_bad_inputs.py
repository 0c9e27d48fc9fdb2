"""Every kind of bad data file gives one InputError line naming the file, row and column.

The text cases are small files in ``tests/bad_inputs/`` (see its README); the cases that need the
file system (directories, permissions, missing paths) are made in ``tmp_path``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pyseg._data import Dataset, check_clusterable, load_dataset
from pyseg._errors import ExitCode, InputError

CORPUS = Path(__file__).parent / "bad_inputs"
REPO = Path(__file__).resolve().parents[1]
INCOME = "'Annual Income (k$)'"
SCORE = "'Spending Score (1-100)'"

#: corpus file -> fragments the one-line message must contain (besides the file name).
CORPUS_CASES: dict[str, tuple[str, ...]] = {
    "empty.csv": ("the file is empty", "header line"),
    "whitespace_only.csv": ("the file is empty",),
    "header_only.csv": ("has a header line but no data rows",),
    "missing_score_column.csv": (
        "no spending-score column among",
        "'CustomerID', 'Genre', 'Age', 'Annual Income (k$)'",
        "--columns NAME,NAME",
    ),
    "blank_cell.csv": (f"row 4, column {INCOME}: '' is not a number (empty cell",),
    "non_numeric.csv": (f"row 7, column {INCOME}: 'abc' is not a number",),
    "negative_income.csv": (f"row 5, column {INCOME}: '-83' is negative", ">= 0"),
    "score_above_100.csv": (f"row 6, column {SCORE}: '112' is outside 1..100",),
    "score_zero.csv": (f"row 3, column {SCORE}: '0' is outside 1..100",),
    "infinite.csv": (f"row 8, column {INCOME}: 'inf' is not a finite number",),
    "nan.csv": (f"row 9, column {SCORE}: 'nan' is not a number", "missing values"),
    "na_marker.csv": (f"row 2, column {INCOME}: 'NA' is not a number",),
    "huge_value.csv": (f"row 4, column {INCOME}: '1e308' is too large", "1e+100", "overflow"),
    "broken_quote.csv": ("row 5: unbalanced quote", "close it on row 5"),
    "too_many_fields.csv": ("row 6 has 6 fields but the header has 5",),
    "duplicate_header.csv": ("row 1: column name 'Age' appears twice (columns 2 and 3)",),
    "headerless.csv": ("no annual-income and spending-score column", "needs a header line"),
    "ambiguous_income.csv": (
        "several annual-income columns ('annual_income', 'Annual Income (k$)')",
        "--columns",
    ),
    "semicolon_bad_cell.csv": (f"row 3, column {INCOME}: '4x' is not a number",),
    "boolean_cell.csv": (f"row 3, column {INCOME}: 'True' is not a number",),
    "latin1.csv": ("row 3: not UTF-8 text (byte 0xe2 at byte offset", "save the file as UTF-8"),
    "binary_garbage.csv": ("row 1: not a text CSV file (NUL byte at byte offset 5)",),
}


def _message(path: Path | str, **kwargs: object) -> str:
    with pytest.raises(InputError) as caught:
        load_dataset(path, **kwargs)
    message = str(caught.value)
    assert "\n" not in message, "messages must be one line"
    assert caught.value.exit_code == ExitCode.USAGE_ERROR
    return message


def test_corpus_has_a_case_for_every_file() -> None:
    on_disk = {p.name for p in CORPUS.glob("*.csv")}
    assert on_disk == set(CORPUS_CASES)


@pytest.mark.parametrize("name", sorted(CORPUS_CASES))
def test_corpus_file_gives_precise_message(name: str) -> None:
    path = CORPUS / name
    message = _message(path)
    assert message.startswith(f"{path}: "), message
    for fragment in CORPUS_CASES[name]:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def test_non_utf8_message_has_exact_byte_offset() -> None:
    data = (CORPUS / "latin1.csv").read_bytes()
    offset = data.index(b"\xe2")  # the a-circumflex in 'Male' spelt with an accent, in Latin-1
    assert f"byte offset {offset})" in _message(CORPUS / "latin1.csv")


def test_directory_instead_of_file(tmp_path: Path) -> None:
    assert _message(tmp_path) == f"{tmp_path}: is a directory, not a CSV file"


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "Mall_Customers.csv"
    assert _message(missing) == f"{missing}: no such file"


def test_missing_file_named_by_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "nowhere.csv"
    monkeypatch.setenv("PYSEG_DATA", str(missing))
    assert _message(None) == f"{missing} (set by PYSEG_DATA): no such file"


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="running as root: chmod 000 does not stop root from reading, so the real permission "
    "check cannot fail here; test_unreadable_file_simulated covers the handling",
)
def test_unreadable_file(tmp_path: Path) -> None:
    locked = tmp_path / "locked.csv"
    locked.write_text("Annual Income (k$),Spending Score (1-100)\n1,2\n")
    locked.chmod(0)
    try:
        assert _message(locked) == f"{locked}: permission denied; cannot read the file"
    finally:
        locked.chmod(0o600)


def test_unreadable_file_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.csv"
    locked.write_text("Annual Income (k$),Spending Score (1-100)\n1,2\n")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert _message(locked) == f"{locked}: permission denied; cannot read the file"


def test_columns_naming_a_missing_column() -> None:
    path = CORPUS / "non_numeric.csv"
    message = _message(path, columns="Age,Income per year")
    assert message == (
        f"{path}: no column 'Income per year' (from --columns); the columns are 'CustomerID', "
        "'Genre', 'Age', 'Annual Income (k$)', 'Spending Score (1-100)'"
    )


def test_columns_choosing_a_text_column(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("Genre,Age\nFemale,23\nMale,35\n")
    assert _message(path, columns="Genre,Age") == (
        f"{path}: row 2, column 'Genre': 'Female' is not a number"
    )


@pytest.mark.parametrize("columns", ["", ",", "Age,,Genre"])
def test_columns_argument_without_names(columns: str) -> None:
    assert "give one or more column names" in _message(CORPUS / "non_numeric.csv", columns=columns)


def test_columns_argument_repeating_a_name() -> None:
    message = _message(CORPUS / "non_numeric.csv", columns="Age,Age")
    assert message == "--columns 'Age,Age': 'Age' given twice"


def test_error_far_into_a_big_file_names_its_row(tmp_path: Path) -> None:
    # The fast pandas pass finds the problem; the row must still be the file line.
    lines = ["Annual Income (k$),Spending Score (1-100)"] + ["50,50"] * 50_000
    lines[40_000] = "50,-3"
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n")
    assert _message(path) == (
        f"{path}: row 40001, column {SCORE}: '-3' is outside 1..100, the range of a spending score"
    )


def test_crlf_and_blank_lines_keep_row_numbers_right(tmp_path: Path) -> None:
    path = tmp_path / "windows.csv"
    path.write_bytes(
        b"\xef\xbb\xbfAnnual Income (k$),Spending Score (1-100)\r\n10,20\r\n\r\n30,x\r\n"
    )
    assert _message(path) == f"{path}: row 4, column {SCORE}: 'x' is not a number"


def test_extra_field_on_the_first_row_is_not_dropped_silently(tmp_path: Path) -> None:
    # pandas would drop the extra field with a warning; pyseg refuses the row.
    path = tmp_path / "extra.csv"
    path.write_text("income,score\n10,20,\n30,40\n")
    assert _message(path) == f"{path}: row 2 has 3 fields but the header has 2"


def test_quote_opened_in_the_header(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text('income,"score\n10,20\n30,40\n')
    assert _message(path).startswith(f"{path}: row 1: unbalanced quote")


def test_bare_cr_rows_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(b"income,score\r10,20\r30,oops\r")
    assert _message(path) == f"{path}: row 3, column 'score': 'oops' is not a number"


def test_cli_reports_bad_data_as_one_line_and_exit_2() -> None:
    path = CORPUS / "non_numeric.csv"
    completed = subprocess.run(
        [sys.executable, "-m", "pyseg", "compare", "--data", str(path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert completed.returncode == ExitCode.USAGE_ERROR, completed.stderr
    assert completed.stderr.strip().splitlines() == [
        f"pyseg: error: {path}: row 7, column {INCOME}: 'abc' is not a number"
    ]
    assert "Traceback" not in completed.stderr


# --- check_clusterable -----------------------------------------------------------------------


def _dataset(points: list[tuple[float, float]]) -> Dataset:
    import pandas as pd

    X = np.array(points, dtype=np.float64)
    return Dataset(
        X=X,
        feature_names=("Annual Income (k$)", "Spending Score (1-100)"),
        path=Path("tiny.csv"),
        source="tiny.csv",
        sha256="0" * 64,
        frame=pd.DataFrame(X),
        is_course_schema=True,
    )


def test_fewer_rows_than_clusters() -> None:
    with pytest.raises(InputError, match=r"^tiny\.csv: n_samples=3 should be >= n_clusters=5"):
        check_clusterable(_dataset([(1, 1), (2, 2), (3, 3)]), 5)


@pytest.mark.parametrize("k", [0, -2])
def test_k_below_one(k: int) -> None:
    with pytest.raises(InputError, match=rf"^k={k} should be >= 1$"):
        check_clusterable(_dataset([(1, 1), (2, 2)]), k)


@pytest.mark.parametrize("k", [2.5, 5.0, "5", True, None])
def test_k_not_an_integer(k: object) -> None:
    with pytest.raises(InputError, match=r"is not an integer"):
        check_clusterable(_dataset([(1, 1), (2, 2)] * 5), k)  # type: ignore[arg-type]


def test_numpy_integer_k_is_accepted() -> None:
    check_clusterable(_dataset([(1, 1), (2, 2), (3, 3)]), np.int64(3))


def test_all_rows_identical() -> None:
    with pytest.raises(InputError) as caught:
        check_clusterable(_dataset([(40, 60)] * 200), 5)
    assert str(caught.value) == (
        "tiny.csv: only 1 distinct point(s) among 200 rows, fewer than k=5 clusters (R's kmeans "
        "stops with 'more cluster centers than distinct data points'); use k <= 1"
    )


def test_fewer_distinct_points_than_clusters_beyond_the_first_rows() -> None:
    # Zero and minus zero are one point, as for R's unique(); the third point comes late.
    points = [(0.0, 1.0), (-0.0, 1.0), (2.0, 2.0)] * 2000 + [(3.0, 3.0)]
    with pytest.raises(InputError, match=r"only 3 distinct point\(s\) among 6001 rows"):
        check_clusterable(_dataset(points), 4)
    check_clusterable(_dataset(points), 3)


# --- robustness --------------------------------------------------------------------------------

_CSV_ALPHABET = list(
    'Annual Income (k$),Spending Score (1-100);\t"\n\r 0123456789.-+eE,nafTx\x00\xe9'
)


def _fuzz_bytes():
    from hypothesis import strategies as st

    header = b"Annual Income (k$),Spending Score (1-100)\n"
    text = st.text(alphabet=_CSV_ALPHABET, max_size=80).map(lambda t: t.encode("utf-8"))
    return st.one_of(st.binary(max_size=80), text, text.map(lambda body: header + body))


def test_arbitrary_bytes_load_or_raise_input_error(tmp_path: Path) -> None:
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=_fuzz_bytes())
    def check(data: bytes) -> None:
        path = tmp_path / "fuzz.csv"
        path.write_bytes(data)
        try:
            dataset = load_dataset(path)
        except InputError as exc:
            assert "\n" not in str(exc) and str(exc).startswith(f"{path}")
        else:
            assert np.isfinite(dataset.X).all() and dataset.X.shape[1] == 2

    check()


def test_short_row_missing_a_feature(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("Genre,income,score\nMale,10,20\nFemale,30\n")
    assert _message(path) == f"{path}: row 3 has 2 fields, so column 'score' (field 3) is missing"
