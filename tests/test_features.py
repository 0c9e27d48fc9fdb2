"""Features beyond income and score (issue 10): short names, indicator columns, R's scale().

Independent reference: R's own indicator columns and ``scale()`` run by ``Rscript
tests/reference/direct_scale.R`` (R version in its header), without pyseg.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pyseg import InputError, compare
from pyseg._features import MAX_LEVELS, features_from_frame, load_features, scale_z

DIRECT_R = Path(__file__).parent / "reference" / "direct_scale.R"
FULL = "Annual Income (k$),Spending Score (1-100),Age,Genre"


def direct_r(rscript: str, csv: Path, columns: str, scale: str) -> np.ndarray:
    out = subprocess.run([rscript, str(DIRECT_R), str(csv), columns, scale], check=True,
                         capture_output=True, text=True).stdout.splitlines()
    return np.array([[float(v) for v in line.split(",")[1:]] for line in out])


def test_short_names_and_indicators(mall_like_csv) -> None:
    dataset, features = load_features(mall_like_csv, "income,score,age,gender")
    assert features.names == ("Annual Income (k$)", "Spending Score (1-100)", "Age",
                              "Genre=Female", "Genre=Male")
    frame = pd.read_csv(mall_like_csv)
    np.testing.assert_array_equal(features.X[:, 3], (frame["Genre"] == "Female").astype(float))
    np.testing.assert_array_equal(features.X[:, 3] + features.X[:, 4], 1.0)  # every level kept
    np.testing.assert_array_equal(dataset.X, features.X)
    assert any("--scale z" in line for line in features.warnings)


def test_course_columns_keep_the_course_schema(mall_like_csv) -> None:
    dataset, features = load_features(mall_like_csv, "income,score")
    assert dataset.is_course_schema and features.warnings == ()


def test_z_divides_by_the_sample_standard_deviation(mall_like_csv) -> None:
    from sklearn.preprocessing import StandardScaler

    _, features = load_features(mall_like_csv, "income,score,age", scale="z")
    raw = pd.read_csv(mall_like_csv).iloc[:, [3, 4, 2]].to_numpy(dtype=float)
    expected = (raw - raw.mean(axis=0)) / raw.std(axis=0, ddof=1)
    np.testing.assert_allclose(features.X, expected, rtol=0, atol=1e-14)
    np.testing.assert_allclose(features.X.std(axis=0, ddof=1), 1.0, atol=1e-14)
    # StandardScaler divides by n: off by sqrt(n / (n - 1))
    assert np.max(np.abs(StandardScaler().fit_transform(raw) - features.X)) > 1e-3


def test_spreads_ten_times_apart_are_named() -> None:
    frame = pd.DataFrame({"a": np.arange(100.0), "b": np.arange(100.0) / 20})
    features = features_from_frame(frame, "a,b")
    assert len(features.warnings) == 1 and "20x" in features.warnings[0]
    assert features_from_frame(frame, "a,b", scale="z").warnings == ()


@pytest.mark.parametrize("column,fragment", [
    ("one_level", "has one value only ('x')"),
    ("many_levels", f"too many for a categorical feature (at most {MAX_LEVELS})"),
    ("nope", "no column 'nope'"),
    ("constant", "is constant: --scale z would divide by 0"),
])
def test_bad_columns_are_one_line(column, fragment) -> None:
    frame = pd.DataFrame({"one_level": ["x"] * 300, "many_levels": [f"c{i}" for i in range(300)],
                          "constant": [1.0] * 300, "a": np.arange(300.0)})
    with pytest.raises(InputError, match=re.escape(fragment)) as caught:
        features_from_frame(frame, f"a,{column}", scale="z", source="data.csv")
    assert "\n" not in str(caught.value) and str(caught.value).startswith("data.csv: ")


def test_unknown_scale_is_refused() -> None:
    with pytest.raises(InputError, match="--scale 'unit'"):
        features_from_frame(pd.DataFrame({"a": [1.0, 2.0]}), "a", scale="unit")


def test_scale_z_needs_two_rows() -> None:
    with pytest.raises(InputError, match="needs >= 2 rows"):
        scale_z(np.array([[1.0, 2.0]]))


@pytest.mark.r
@pytest.mark.parametrize("columns,short,scale", [
    ("Annual Income (k$),Spending Score (1-100),Age", "income,score,age", "z"),
    (FULL, "income,score,age,gender", "none"),
    (FULL, "income,score,age,gender", "z"),
])
def test_the_matrix_equals_rs_own_encoding_and_scale(course_csv, rscript, columns, short,
                                                     scale) -> None:
    _, features = load_features(course_csv, short, scale=scale)
    assert np.max(np.abs(features.X - direct_r(rscript, course_csv, columns, scale))) == 0.0


@pytest.mark.r
@pytest.mark.parametrize("short,scale", [("income,score,age", "z"),
                                         ("income,score,age,gender", "none")])
def test_kmeans_agrees_and_r_receives_the_same_matrix(course_csv, short, scale) -> None:
    from pyseg.r import _bridge as _rbridge

    dataset, _ = load_features(course_csv, short, scale=scale)
    received, _ = _rbridge.r_call("features.R", "as_received", np.asfortranarray(dataset.X))
    assert np.max(np.abs(np.asarray(received) - dataset.X)) == 0.0
    comparison = compare(dataset, 5)
    assert comparison.agreement.accuracy == 1.0 and comparison.passed


@pytest.mark.parametrize("income,score,column,problem", [
    ("60", "150", "score", "'150' is outside 1..100, the range of a spending score"),
    ("-5", "50", "income", "'-5' is negative; an income must be >= 0 (k$)"),
    ("abc", "50", "income", "'abc' is not a number"),
    ("", "50", "income", "'' is not a number (the value is empty)"),
])
def test_new_rows_are_checked_as_a_data_file_is(mall_like_csv, income, score, column,
                                                 problem) -> None:
    # Issue 22 (defect 3, the data part): a new customer for DBSCAN, PAM or GMM gets the course's
    # ranges and the words of a data file's check (before: a score of 150 or an income of -5 was
    # classified, exit 0, and a non-number was "'abc' is not a finite number").
    from pyseg._features import features_for_new_rows

    _, features = load_features(mall_like_csv, "income,score")
    new = pd.DataFrame({"income": ["20", income], "score": ["30", score]})
    with pytest.raises(InputError) as caught:
        features_for_new_rows(features, new, "new.csv")
    assert str(caught.value) == f"new.csv: row 3, column {column!r}: {problem}"
