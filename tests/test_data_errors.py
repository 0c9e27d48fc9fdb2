"""Every kind of bad data file gives one InputError line naming the file, row and column.

The text cases are small files in ``tests/bad_inputs/`` (see its README), with the message each
must give in ``conftest.py`` (fixtures ``bad_inputs_dir``, ``bad_input_messages`` and the
parameter ``bad_input``); the cases that need the file system (directories, permissions, missing
paths) are made in ``tmp_path``. The same corpus through the command line is in
``test_cli_errors.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from pyseg._data import Dataset, _no_line_wider_than, check_clusterable, load_dataset
from pyseg._errors import ExitCode, InputError

SCORE = "'Spending Score (1-100)'"


def _message(path: Path | str, **kwargs: object) -> str:
    with pytest.raises(InputError) as caught:
        load_dataset(path, **kwargs)
    message = str(caught.value)
    assert "\n" not in message, "messages must be one line"
    assert caught.value.exit_code == ExitCode.USAGE_ERROR
    return message


def _error_text(path: Path, **kwargs: object) -> str:
    with pytest.raises(InputError) as caught:
        load_dataset(path, **kwargs)
    return str(caught.value)


def test_corpus_has_a_case_for_every_file(bad_inputs_dir: Path, bad_input_messages) -> None:
    on_disk = {p.name for p in bad_inputs_dir.glob("*.csv")}
    assert on_disk == set(bad_input_messages)


def test_corpus_file_gives_precise_message(
    bad_input: str, bad_inputs_dir: Path, bad_input_messages
) -> None:
    path = bad_inputs_dir / bad_input
    message = _message(path)
    assert message.startswith(f"{path}: "), message
    for fragment in bad_input_messages[bad_input]:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def test_corpus_messages_are_the_same_without_the_table(
    bad_input: str, bad_inputs_dir: Path
) -> None:
    # load_dataset(keep_table=False) is the path compare's R worker uses.
    path = bad_inputs_dir / bad_input
    assert _error_text(path, keep_table=False) == _error_text(path)


def test_non_utf8_message_has_exact_byte_offset(bad_inputs_dir: Path) -> None:
    data = (bad_inputs_dir / "latin1.csv").read_bytes()
    offset = data.index(b"\xe2")  # the a-circumflex in 'Male' spelt with an accent, in Latin-1
    assert f"byte offset {offset})" in _message(bad_inputs_dir / "latin1.csv")


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


def test_columns_naming_a_missing_column(bad_inputs_dir: Path) -> None:
    path = bad_inputs_dir / "non_numeric.csv"
    message = _message(path, columns="Age,Income per year")
    assert message == (
        f"{path}: no column 'Income per year' (from --columns); the columns are 'CustomerID', "
        "'Genre', 'Age', 'Annual Income (k$)', 'Spending Score (1-100)' (short names: income, "
        "score, age, gender)"
    )


def test_columns_choosing_a_text_column(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("Genre,Age\nFemale,23\nMale,35\n")
    assert _message(path, columns="Genre,Age") == (
        f"{path}: row 2, column 'Genre': 'Female' is not a number"
    )


@pytest.mark.parametrize("columns", ["", ",", "Age,,Genre"])
def test_columns_argument_without_names(columns: str, bad_inputs_dir: Path) -> None:
    message = _message(bad_inputs_dir / "non_numeric.csv", columns=columns)
    assert "give one or more column names" in message


def test_columns_argument_repeating_a_name(bad_inputs_dir: Path) -> None:
    message = _message(bad_inputs_dir / "non_numeric.csv", columns="Age,Age")
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


# --- the lean read (keep_table=False) refuses what the full read refuses --------------------------


def test_a_row_wider_than_the_header_is_refused_without_the_table(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("a,b,c\n1,2,3\n4,5,6,7\n")
    message = _error_text(path, columns="a,b", keep_table=False)
    assert message == _error_text(path, columns="a,b")
    assert "row 3 has 4 fields but the header has 3" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a,b\n1,2\n3,4\n", True),
        ("a,b\n1,2\n3,4,5\n", False),
        ("a,b\n1,2\n3", True),  # no final newline
        ('a,b\n"1,5",2\n', False),  # quotes: a delimiter may be inside a field
        ("a,b\r1,2\r3,4\r", False),  # bare CR: one long line here, so the full read decides
    ],
)
def test_width_check(text: str, expected: bool) -> None:
    data = text.encode()
    assert _no_line_wider_than(data, data.index(b"\n" if b"\n" in data else b"\r") + 1, ",",
                               ["a", "b"]) is expected


def test_width_check_spans_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyseg._data

    monkeypatch.setattr(pyseg._data, "_COUNT_CHUNK", 7)
    data = b"a,b\n" + b"1,2\n" * 50 + b"1,2,3\n" + b"1,2\n" * 5
    assert _no_line_wider_than(data, 4, ",", ["a", "b"]) is False
    assert _no_line_wider_than(data.replace(b"1,2,3", b"1,2"), 4, ",", ["a", "b"]) is True


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


# --- one validator for every method and command (issue 22, defects 4, 5 and 11) ----------------

METHODS = ("kmeans", "hierarchical", "dbscan", "pam", "gmm", "all")


@pytest.mark.parametrize("method", METHODS)
def test_corpus_file_gives_the_same_line_for_every_method(
    bad_input: str, method: str, bad_inputs_dir: Path, bad_input_messages, run_cli,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every method reads its data through the one validator: the same line as load_dataset's,
    # exit 2, nothing on stdout (before: negative incomes passed DBSCAN and "all", a header-only
    # file was a traceback for "all" and "hierarchical clustering needs >= 2" for PAM).
    monkeypatch.setenv("PYSEG_R_IN_PROCESS", "1")  # the data is refused before R is needed
    path = bad_inputs_dir / bad_input
    code, out, err = run_cli(capsys, "compare", "--data", str(path), "--method", method)
    assert (code, out) == (ExitCode.USAGE_ERROR, ""), err
    assert err == f"pyseg: error: {_error_text(path)}\n"
    for fragment in bad_input_messages[bad_input]:
        assert fragment in err


def _blank_age(tmp_path: Path) -> Path:
    path = tmp_path / "blank_age.csv"
    path.write_text("CustomerID,Genre,Age,Annual Income (k$),Spending Score (1-100)\n"
                    "0001,Male,19,15,39\n0002,Female,,16,81\n0003,Male,31,17,6\n")
    return path


def test_a_blank_cell_reads_the_same_in_every_loader(tmp_path: Path) -> None:
    from pyseg._features import load_features

    path = _blank_age(tmp_path)
    expected = f"{path}: row 3, column 'Age': '' is not a number (the value is empty)"
    assert _message(path, columns="income,score,age") == expected
    with pytest.raises(InputError) as caught:
        load_features(path, "income,score,age")
    assert str(caught.value) == expected


@pytest.mark.parametrize("command", [
    ("compare", "--method", "pam"), ("compare", "--method", "gmm"),
    ("stability", "--bootstrap", "3"), ("gap",),
])
def test_a_blank_cell_reads_the_same_in_every_command(
    command: tuple[str, ...], tmp_path: Path, run_cli, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYSEG_R_IN_PROCESS", "1")
    path = _blank_age(tmp_path)
    code, out, err = run_cli(capsys, *command, "--data", str(path), "--columns",
                             "income,score,age")
    assert (code, out) == (ExitCode.USAGE_ERROR, "")
    assert err == (f"pyseg: error: {path}: row 3, column 'Age': '' is not a number "
                   "(the value is empty)\n")


def test_columns_choose_among_several_income_columns(bad_inputs_dir: Path) -> None:
    # The message tells the user to pick with --columns; picking must then work (it raised the
    # same "several annual-income columns" error again).
    path = bad_inputs_dir / "ambiguous_income.csv"
    dataset = load_dataset(path, columns="Annual Income (k$),Spending Score (1-100)")
    assert dataset.feature_names == ("Annual Income (k$)", "Spending Score (1-100)")
    assert dataset.is_course_schema and dataset.X[:2].tolist() == [[1.0, 50.0], [2.0, 60.0]]
