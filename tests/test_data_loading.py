"""Loading the course CSV, learners' variants of it, default data, and customer validation.

Every variant of the course file (floats for integers, extra columns, only the two feature
columns, Windows line endings, a byte-order mark, reordered columns, a semicolon export with
decimal commas) gives exactly the course matrix and the course result, and the lean read
(``keep_table=False``, the path compare's R worker uses) gives the same matrix as the full read.
Bad files are in ``test_data_errors.py``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from pyseg._data import (
    COURSE_COLUMNS,
    DATA_ENV,
    check_clusterable,
    load_dataset,
    normalise_header,
    resolve_data_path,
    validate_customer,
)
from pyseg._errors import InputError
from pyseg._synth import generate_mall_like, mall_like_csv_bytes

INCOME, SCORE = COURSE_COLUMNS[3], COURSE_COLUMNS[4]
COURSE_WCSS = 44448.455  # the course's known result at k = 5


def _features_by_csv_module(path: Path, income: str, score: str) -> np.ndarray:
    """The feature matrix read independently of pyseg, with the standard csv module."""
    with path.open(newline="", encoding="utf-8-sig") as stream:
        rows = list(csv.DictReader(stream))
    return np.array([[float(row[income]), float(row[score])] for row in rows])


@pytest.fixture
def base_frame():
    """A small course-schema table (generated: the course file never enters the repository)."""
    return generate_mall_like(60, seed=7)


@pytest.fixture
def base_X(base_frame) -> np.ndarray:
    return base_frame[[INCOME, SCORE]].to_numpy(dtype=np.float64)


def test_course_file(course_csv: Path) -> None:
    dataset = load_dataset(course_csv)
    assert dataset.X.shape == (200, 2)
    assert dataset.X.dtype == np.float64 and dataset.X.flags.c_contiguous
    assert dataset.feature_names == (INCOME, SCORE)
    assert dataset.is_course_schema
    assert dataset.n_rows == 200
    assert dataset.path == course_csv and dataset.source == str(course_csv)
    assert dataset.notice is None
    assert dataset.sha256 == hashlib.sha256(course_csv.read_bytes()).hexdigest()
    np.testing.assert_array_equal(dataset.X, _features_by_csv_module(course_csv, INCOME, SCORE))
    assert list(dataset.frame.columns) == list(COURSE_COLUMNS)
    assert dataset.frame["CustomerID"].iloc[0] == "0001"  # ids stay text, padding kept
    check_clusterable(dataset, 5)


def test_course_file_variants_give_the_same_features(course_csv: Path, tmp_path: Path) -> None:
    # Learners' re-saves of the course file: BOM + CRLF, snake_case, Gender, unpadded ids.
    text = course_csv.read_text(encoding="utf-8")
    header, *rows = text.splitlines()
    reference = load_dataset(course_csv).X
    variants = {
        "bom_crlf.csv": ("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode(),
        "snake.csv": "\n".join(
            ["customer_id,gender,age,annual_income_k,spending_score_1_100", *rows]
        ).encode(),
        "unpadded.csv": "\n".join([header, *(row.lstrip("0") for row in rows)]).encode(),
    }
    for name, data in variants.items():
        path = tmp_path / name
        path.write_bytes(data)
        dataset = load_dataset(path)
        np.testing.assert_array_equal(dataset.X, reference, err_msg=name)
        assert dataset.is_course_schema, name


@pytest.mark.parametrize(
    ("income_header", "score_header"),
    [
        ("Annual Income (k$)", "Spending Score (1-100)"),
        ("annual_income_k", "spending_score_1_100"),
        ("annual_income", "spending_score"),
        ("Annual_Income", "Spending_Score"),
        ("income", "score"),
        ("ANNUAL INCOME", "SPENDING SCORE"),
    ],
)
def test_header_spellings(tmp_path: Path, base_frame, base_X, income_header, score_header) -> None:
    frame = base_frame.rename(columns={INCOME: income_header, SCORE: score_header})
    path = tmp_path / "customers.csv"
    frame.to_csv(path, index=False)
    dataset = load_dataset(path)
    np.testing.assert_array_equal(dataset.X, base_X)
    assert dataset.feature_names == (income_header, score_header)
    assert dataset.is_course_schema


def test_gender_header_extra_columns_and_reordering(tmp_path: Path, base_frame, base_X) -> None:
    frame = base_frame.rename(columns={"Genre": "Gender"})
    frame.insert(0, "Region", "north")
    frame["Visits"] = np.arange(len(frame))
    frame = frame[["Region", SCORE, "Gender", INCOME, "Visits", "Age", "CustomerID"]]
    path = tmp_path / "customers.csv"
    frame.to_csv(path, index=False)
    dataset = load_dataset(path)
    np.testing.assert_array_equal(dataset.X, base_X)  # income first, whatever the file order
    assert list(dataset.frame.columns) == list(frame.columns)


def test_only_the_two_feature_columns_with_float_values(tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    path.write_text("Annual Income (k$),Spending Score (1-100)\n15.5,39.25\n16,81\n0,1\n")
    dataset = load_dataset(path)
    np.testing.assert_array_equal(dataset.X, [[15.5, 39.25], [16.0, 81.0], [0.0, 1.0]])


def test_semicolon_export_with_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "excel_de.csv"
    path.write_text(
        "CustomerID;Genre;Age;Annual Income (k$);Spending Score (1-100)\n"
        "0001;Male;19;15,5;39\n0002;Female;21;16;81,25\n"
    )
    dataset = load_dataset(path)
    np.testing.assert_array_equal(dataset.X, [[15.5, 39.0], [16.0, 81.25]])
    assert dataset.frame[INCOME].tolist() == [15.5, 16.0]


def test_tab_separated(tmp_path: Path, base_frame, base_X) -> None:
    path = tmp_path / "customers.tsv"
    base_frame.to_csv(path, index=False, sep="\t")
    np.testing.assert_array_equal(load_dataset(path).X, base_X)


def test_blank_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text("\nincome,score\n10,20\n\n30,40\n\n\n")
    np.testing.assert_array_equal(load_dataset(path).X, [[10, 20], [30, 40]])


def test_columns_pick_any_numeric_columns(tmp_path: Path, base_frame) -> None:
    path = tmp_path / "customers.csv"
    base_frame.to_csv(path, index=False)
    for columns in ("Age,Annual Income (k$)", ["Age", INCOME], " age , annual income (k$) "):
        dataset = load_dataset(path, columns=columns)
        assert dataset.feature_names == ("Age", INCOME)
        np.testing.assert_array_equal(dataset.X, base_frame[["Age", INCOME]].to_numpy(float))
        assert not dataset.is_course_schema


def test_columns_naming_the_course_columns_keep_the_course_rules(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("Annual Income (k$),Spending Score (1-100)\n10,150\n")
    with pytest.raises(InputError, match=r"outside 1\.\.100"):
        load_dataset(path, columns=[INCOME, SCORE])
    swapped = load_dataset(path, columns=[SCORE, INCOME])  # not the course order: no range rules
    assert not swapped.is_course_schema
    np.testing.assert_array_equal(swapped.X, [[150.0, 10.0]])


def test_range_rules_only_for_the_course_schema(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("x,y,z\n-5,500,1\n2.5,-1e6,2\n")
    dataset = load_dataset(path, columns="x,y,z")
    np.testing.assert_array_equal(dataset.X, [[-5, 500, 1], [2.5, -1e6, 2]])


def test_a_column_can_be_both_id_and_feature(tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text(
        "CustomerID,Annual Income (k$),Spending Score (1-100)\n0007,10,20\n0008,30,40\n"
    )
    assert load_dataset(path).frame["CustomerID"].tolist() == ["0007", "0008"]
    np.testing.assert_array_equal(load_dataset(path, columns="CustomerID").X, [[7.0], [8.0]])


def test_normalise_header() -> None:
    assert normalise_header("Annual Income (k$)") == "annual_income_k"
    assert normalise_header(" Spending Score (1-100) ") == "spending_score_1_100"


# --- learners' variants of the course file, with and without the table ----------------------------


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def _csv_text(header: list[str], rows: list[list[str]], delimiter: str = ",",
              newline: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def as_floats(header: list[str], rows: list[list[str]]) -> bytes:
    return _csv_text(header, [[*r[:3], f"{float(r[3]):.1f}", f"{float(r[4]):.2f}"]
                              for r in rows]).encode()


def extra_columns(header: list[str], rows: list[list[str]]) -> bytes:
    return _csv_text(
        [*header, "Region", "Notes, free text", ""],
        [[*r, "North" if i % 2 else "South", f'said "hi", {i}', ""] for i, r in enumerate(rows)],
    ).encode()


def only_features(header: list[str], rows: list[list[str]]) -> bytes:
    return _csv_text(header[3:], [r[3:] for r in rows]).encode()


def windows_line_endings(header: list[str], rows: list[list[str]]) -> bytes:
    return _csv_text(header, rows, newline="\r\n").encode()


def bom_and_crlf(header: list[str], rows: list[list[str]]) -> bytes:
    return b"\xef\xbb\xbf" + windows_line_endings(header, rows)


def score_before_income(header: list[str], rows: list[list[str]]) -> bytes:
    order = [0, 4, 1, 3, 2]
    return _csv_text([header[i] for i in order], [[r[i] for i in order] for r in rows]).encode()


def semicolon_decimal_comma(header: list[str], rows: list[list[str]]) -> bytes:
    converted = [[*r[:3], f"{float(r[3]):.1f}".replace(".", ","), r[4]] for r in rows]
    return _csv_text(header, converted, delimiter=";").encode()


def trailing_blank_lines(header: list[str], rows: list[list[str]]) -> bytes:
    return _csv_text(header, rows).encode() + b"\n\n\r\n"


VARIANTS: dict[str, Callable[[list[str], list[list[str]]], bytes]] = {
    "float columns": as_floats,
    "extra columns": extra_columns,
    "only the two feature columns": only_features,
    "windows line endings": windows_line_endings,
    "bom and crlf": bom_and_crlf,
    "score column before income": score_before_income,
    "semicolon with decimal commas": semicolon_decimal_comma,
    "trailing blank lines": trailing_blank_lines,
}


@pytest.fixture(scope="module")
def course_result(course_dataset):
    from pyseg.methods.kmeans._compare import compare

    return course_dataset, compare(course_dataset, 5)


@pytest.mark.r
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_valid_variants_of_the_course_file_give_the_course_result(
    course_csv: Path, course_result, tmp_path: Path, variant: str
) -> None:
    from pyseg.methods.kmeans._compare import compare

    original, expected = course_result
    path = tmp_path / "variant.csv"
    path.write_bytes(VARIANTS[variant](*_rows(course_csv)))

    dataset = load_dataset(path)
    assert dataset.is_course_schema
    assert dataset.feature_names == original.feature_names
    assert np.array_equal(dataset.X, original.X)

    comparison = compare(dataset, 5)
    assert comparison.passed
    assert comparison.python.wcss == pytest.approx(COURSE_WCSS, abs=1e-3)
    assert np.array_equal(comparison.python.labels, expected.python.labels)
    assert np.array_equal(comparison.r.labels, expected.r.labels)
    np.testing.assert_array_equal(comparison.python.centers, expected.python.centers)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_valid_variants_give_the_same_matrix_without_the_table(
    mall_like_csv: Path, tmp_path: Path, variant: str
) -> None:
    # load_dataset(keep_table=False), the path compare's R worker uses, reads the same matrix.
    path = tmp_path / "variant.csv"
    path.write_bytes(VARIANTS[variant](*_rows(mall_like_csv)))
    full = load_dataset(path)
    lean = load_dataset(path, keep_table=False)
    assert lean.frame is None and full.frame is not None
    np.testing.assert_array_equal(lean.X, full.X)
    assert (lean.feature_names, lean.sha256, lean.is_course_schema) == (
        full.feature_names, full.sha256, full.is_course_schema)


# --- default data ------------------------------------------------------------------------------


@pytest.fixture
def no_default_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(DATA_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_explicit_path_wins(no_default_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_ENV, "elsewhere.csv")
    assert resolve_data_path("mine.csv") == (Path("mine.csv"), None)


def test_environment_variable(no_default_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = no_default_data / "from_env.csv"
    path.write_bytes(mall_like_csv_bytes(30, seed=3))
    monkeypatch.setenv(DATA_ENV, str(path))
    assert resolve_data_path() == (path, None)
    assert load_dataset().sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_data_directory_of_the_current_directory(no_default_data: Path) -> None:
    (no_default_data / "data").mkdir()
    (no_default_data / "data" / "Mall_Customers.csv").write_bytes(mall_like_csv_bytes(30, 3))
    path, notice = resolve_data_path()
    assert path == Path("data") / "Mall_Customers.csv" and notice is None
    assert load_dataset().n_rows == 30


def test_generated_data_when_nothing_is_found(no_default_data: Path) -> None:
    dataset = load_dataset()
    assert dataset.path is None
    assert dataset.n_rows == 200 and dataset.is_course_schema
    assert "generated" in dataset.source
    assert dataset.notice is not None and "\n" not in dataset.notice
    assert "--data PATH" in dataset.notice and "PYSEG_DATA" in dataset.notice
    assert dataset.sha256 == hashlib.sha256(mall_like_csv_bytes(200, 0)).hexdigest()
    np.testing.assert_array_equal(
        dataset.X, generate_mall_like(200, 0)[[INCOME, SCORE]].to_numpy(float)
    )


def test_empty_environment_variable_is_ignored(
    no_default_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_ENV, "")
    assert resolve_data_path()[0] is None


# --- validate_customer -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("income", "score", "expected"),
    [
        (55, 50, (55.0, 50.0)),
        (0, 1, (0.0, 1.0)),
        (137.5, 100, (137.5, 100.0)),
        (" 42 ", "7.5", (42.0, 7.5)),
        (np.float64(3), np.int64(99), (3.0, 99.0)),
    ],
)
def test_validate_customer_accepts(income, score, expected) -> None:
    assert validate_customer(income, score) == expected


@pytest.mark.parametrize(
    ("income", "score", "message"),
    [
        (-1, 50, "annual income -1 is negative; an income must be >= 0"),
        ("-0.5", 50, "annual income '-0.5' is negative"),
        (50, 0, "spending score 0 is outside 1..100"),
        (50, 100.5, "spending score 100.5 is outside 1..100"),
        ("abc", 50, "annual income 'abc' is not a number"),
        (50, "", "spending score '' is not a number"),
        (float("nan"), 50, "annual income nan is not a finite number"),
        (50, "inf", "spending score 'inf' is not a finite number"),
        (1e308, 50, "annual income 1e+308 is too large: values must lie within +-1e+100"),
        (True, 50, "annual income True is not a number"),
        (None, 50, "annual income None is not a number"),
        (50, "1_0", "spending score '1_0' is not a number"),
    ],
)
def test_validate_customer_rejects(income, score, message) -> None:
    with pytest.raises(InputError) as caught:
        validate_customer(income, score)
    assert str(caught.value).startswith(message), str(caught.value)


# --- speed -------------------------------------------------------------------------------------


def test_a_million_rows_load_fast(tmp_path: Path) -> None:
    path = tmp_path / "million.csv"
    path.write_bytes(mall_like_csv_bytes(1_000_000, seed=1))
    load_dataset(path)  # warm up imports and the page cache
    started = time.perf_counter()
    dataset = load_dataset(path)
    elapsed = time.perf_counter() - started
    assert dataset.n_rows == 1_000_000
    # ~0.35 s on a 2-core CI box; the bound leaves room for a loaded machine.
    assert elapsed < 2.0, f"loading 1M rows took {elapsed:.2f} s"


def test_old_mac_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(b"Annual Income (k$),Spending Score (1-100)\r10,20\r30,40\r")
    np.testing.assert_array_equal(load_dataset(path).X, [[10, 20], [30, 40]])


def test_one_rule_decides_the_course_schema_for_data_and_model(course_csv, tmp_path):
    """Item 4: the loader applied the 1..100 score check to the snake_case copy's column (course
    schema), while the model and the names compared exact header names (not the course)."""
    from pyseg._course import is_course_schema
    from pyseg._model import SegmentModel

    lines = course_csv.read_text().splitlines()
    copy = tmp_path / "snake.csv"
    copy.write_text("\n".join(["customer_id,gender,age,annual_income_thousands,spending_score",
                               *lines[1:]]) + "\n")
    data = load_dataset(copy)
    assert data.feature_names == ("annual_income_thousands", "spending_score")
    assert data.is_course_schema and is_course_schema(data.feature_names)
    model = SegmentModel().fit(data)
    assert model.is_course_schema
    assert sorted(s.name for s in model.segments_) == sorted(
        ["Careful", "Careless", "Sensible", "Standard", "Target"])
    picked = load_dataset(copy, columns="age,spending_score")
    assert not picked.is_course_schema and not is_course_schema(picked.feature_names)
