"""Live parity of the Python and R engines (needs R; always runs in CI).

Reference numbers come from running the course code directly: the R side with
``Rscript tests/reference/direct_kmeans.R`` (see the numbers and R version in its header), the
Python side with scikit-learn called exactly as the course does. Neither goes through pyseg.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans

from pyseg import compare, load_dataset

pytestmark = pytest.mark.r
DIRECT_R = Path(__file__).parent / "reference" / "direct_kmeans.R"


def direct_r(rscript: str, csv: Path, columns: str = "", k: int = 5, seed: int = 29,
             nstart: int = 10) -> tuple[np.ndarray, float]:
    """Centers (sorted by rows) and WCSS printed by the course's R code run with Rscript."""
    out = subprocess.run(
        [rscript, str(DIRECT_R), str(csv), columns, str(k), str(seed), str(nstart)],
        check=True, capture_output=True, text=True,
    ).stdout.splitlines()
    centers = [[float(v) for v in line.split(",")[2:]] for line in out if line.startswith("center")]
    wcss = float(next(line for line in out if line.startswith("wcss")).split(",")[1])
    return np.array(centers), wcss


def direct_sklearn(X: np.ndarray, k: int = 5, seed: int = 42) -> KMeans:
    return KMeans(n_clusters=k, init="k-means++", n_init=10, max_iter=300, random_state=seed).fit(X)


def sorted_rows(centers: np.ndarray) -> np.ndarray:
    return centers[np.lexsort(centers.T[::-1])]


@pytest.fixture(scope="module")
def course_comparison(course_dataset):
    return compare(course_dataset, 5)


def test_course_parity_on_the_real_file(course_comparison):
    c = course_comparison
    assert c.passed
    assert c.agreement.accuracy == 1.0
    assert c.agreement.ari == pytest.approx(1.0, abs=1e-15)
    assert c.wcss_rel_diff < 1e-12
    assert c.max_center_diff < 1e-9
    assert c.python.wcss == pytest.approx(44448.455, abs=5e-4)  # the course's known result


def test_r_side_equals_a_direct_rscript_run(course_comparison, course_csv, rscript):
    centers, wcss = direct_r(rscript, course_csv)
    np.testing.assert_allclose(sorted_rows(course_comparison.r.centers), centers, rtol=0, atol=1e-9)
    assert course_comparison.r.wcss == pytest.approx(wcss, rel=1e-12)


def test_python_side_equals_a_direct_sklearn_run(course_comparison, course_csv):
    X = pd.read_csv(course_csv).iloc[:, [3, 4]].to_numpy(dtype=float)
    model = direct_sklearn(X)
    np.testing.assert_allclose(course_comparison.python.centers, model.cluster_centers_, atol=1e-9)
    np.testing.assert_array_equal(course_comparison.python.labels, model.labels_)
    assert course_comparison.python.wcss == pytest.approx(model.inertia_, rel=1e-12)


def test_r_labels_are_reindexed_into_python_numbering(course_comparison):
    np.testing.assert_array_equal(course_comparison.r.labels, course_comparison.python.labels)
    np.testing.assert_allclose(course_comparison.r.centers, course_comparison.python.centers,
                               atol=1e-9)


@pytest.mark.parametrize("k", range(1, 11))
def test_exact_mode_gives_identical_labels(course_dataset, k):
    c = compare(course_dataset, k, mode="exact")
    np.testing.assert_array_equal(c.r.labels, c.python.labels)
    assert c.max_center_diff < 1e-9
    assert c.passed


def test_columns_on_another_numeric_csv_match_direct_runs(tmp_path, rscript):
    rng = np.random.default_rng(11)
    blobs = np.concatenate(
        [rng.normal(loc, 1.5, size=(40, 3)) for loc in ([0, 0, 0], [8, 1, 3], [2, 9, -4])]
    )
    frame = pd.DataFrame(np.round(blobs, 3), columns=["height", "weight", "reach"])
    frame.insert(0, "label", "x")
    csv = tmp_path / "measurements.csv"
    frame.to_csv(csv, index=False)

    comparison = compare(load_dataset(csv, "reach,height"), 3)
    r_centers, r_wcss = direct_r(rscript, csv, "reach,height", k=3)
    py_model = direct_sklearn(frame[["reach", "height"]].to_numpy(), k=3)
    assert comparison.passed
    np.testing.assert_allclose(sorted_rows(comparison.r.centers), r_centers, atol=1e-9)
    assert comparison.r.wcss == pytest.approx(r_wcss, rel=1e-12)
    np.testing.assert_allclose(comparison.python.centers, py_model.cluster_centers_, atol=1e-9)


@pytest.mark.slow
def test_cli_json_is_complete_and_byte_identical(course_csv, run_pyseg):
    first = run_pyseg("compare", "--data", str(course_csv), "--json")
    second = run_pyseg("compare", "--data", str(course_csv), "--json")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    doc = json.loads(first.stdout)
    for key in ("n", "k", "mode", "features", "agreement", "ari", "nmi", "max_center_diff",
                "wcss_rel_diff", "passed", "confusion", "diagnosis", "versions"):
        assert key in doc
    for side in ("python", "r"):
        assert {"centers", "labels", "wcss", "sizes"} <= set(doc[side])
    assert "warnings" in doc["r"]
    assert doc["n"] == 200 and doc["agreement"] == 1.0 and doc["passed"] is True
    assert min(doc["python"]["labels"]) == 0 and doc["r"]["labels"] == doc["python"]["labels"]
    assert set(doc["versions"]) >= {"python", "numpy", "scikit_learn", "scipy", "pandas", "r",
                                    "rpy2"}
    assert doc["versions"]["r"].startswith("R version")
    assert not first.stderr


@pytest.mark.slow
def test_cli_exits_1_when_parity_fails(course_csv, run_pyseg):
    # One start each from different seeds: the course data then give different local optima.
    result = run_pyseg("compare", "--data", str(course_csv), "--starts", "1", "--r-seed", "1",
                       "--k", "5")
    doc_run = run_pyseg("compare", "--data", str(course_csv), "--starts", "1", "--r-seed", "1",
                        "--json")
    doc = json.loads(doc_run.stdout)
    if doc["agreement"] == 1.0:
        pytest.fail("expected different optima with one start and R seed 1; choose another seed")
    assert result.returncode == 1
    assert "FAIL" in result.stdout
    assert any("lower WCSS" in line for line in doc["diagnosis"])


def test_human_summary_names_both_sides(course_csv, run_pyseg):
    result = run_pyseg("compare", "--data", str(course_csv))
    assert result.returncode == 0
    assert "PASS: parity holds" in result.stdout
    assert "set.seed(29)" in result.stdout and "random_state=42" in result.stdout
