"""DBSCAN prediction in both languages (issue 10): ``dbscan::predict``'s rule, in R and in Python.

The rule, read from dbscan 1.1.11's source (``dbscan:::.predict_frNN``): noise rows are dropped,
then a new row joins the cluster of the nearest remaining training row - core OR border point -
within eps, else it is noise. The independent reference is ``predict(db, newdata, data = X)``
run by Rscript without pyseg or rpy2 (the R code is below), against pyseg's Python rule.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pyseg import InputError
from pyseg._data import Dataset
from pyseg.engines import SklearnDbscanEngine
from pyseg.methods.dbscan import PREDICTION as PREDICTION_RULE
from pyseg.methods.dbscan._compare import compare_dbscan, predict_dbscan

#: (eps, minPts) on the course file: 87, 22 and 20 noise points.
COURSE_SETTINGS = [(5.0, 5), (8.0, 4), (10.0, 6)]

#: dbscan::predict run directly: no pyseg, no rpy2. Reads the course CSV's columns 4 and 5 and a
#: CSV of new rows; prints R's own cluster numbers (0 = noise), one line.
DIRECT_PREDICT_R = """
args <- commandArgs(trailingOnly = TRUE)
X <- as.matrix(read.csv(args[1], check.names = FALSE)[4:5])
newdata <- as.matrix(read.csv(args[2], header = FALSE))
db <- dbscan::dbscan(X, eps = as.numeric(args[3]), minPts = as.integer(args[4]))
cat(predict(db, newdata = newdata, data = X), sep = ",")
cat("\\n")
"""


def grid_and_random_points() -> np.ndarray:
    """A grid over (and beyond) the course data, with half-integer steps so that many points
    are at exactly eps or tie between two rows, plus random points."""
    grid = np.array([[x, y] for x in np.arange(0, 150, 1.5) for y in np.arange(-5, 106, 1.5)])
    rng = np.random.default_rng(10)
    random = np.column_stack([rng.uniform(0, 150, 2000), rng.uniform(-5, 105, 2000)])
    return np.vstack([grid, random])


def direct_r_predict(rscript: str, csv: Path, new: np.ndarray, eps: float, min_points: int,
                     tmp_path: Path) -> np.ndarray:
    script, new_csv = tmp_path / "direct_predict.R", tmp_path / "new.csv"
    script.write_text(DIRECT_PREDICT_R, encoding="utf-8")
    np.savetxt(new_csv, new, delimiter=",", fmt="%.17g")
    out = subprocess.run([rscript, str(script), str(csv), str(new_csv), str(eps),
                          str(min_points)], check=True, capture_output=True, text=True).stdout
    return np.array([int(v) for v in out.strip().split(",")])


def own_numbers(labels: np.ndarray) -> np.ndarray:
    """Labels renumbered by first appearance (noise stays -1), to compare partitions of new rows
    whatever each side calls its clusters."""
    out = np.full(labels.shape, -1)
    seen: dict[int, int] = {}
    for i, label in enumerate(labels):
        if label >= 0:
            out[i] = seen.setdefault(int(label), len(seen))
    return out


def as_dataset(X: np.ndarray) -> Dataset:
    return Dataset(X=np.ascontiguousarray(X, dtype=float), feature_names=("a", "b"), path=None,
                   source="test data", sha256="0" * 64, frame=None)


class PythonAsR:
    """scikit-learn in R's place (runs without R)."""

    name = "r"

    def fit(self, X, eps, min_points):
        return SklearnDbscanEngine().fit(X, eps, min_points)

    def predict(self, X, fit, new):
        return SklearnDbscanEngine().predict(X, fit, new)

    def check_ready(self) -> None:
        return None


def test_a_border_point_within_eps_assigns_its_cluster() -> None:
    # rows 1-3 and 5-7 are clusters around the core points (2, 0) and (12, 0); (4, 0) and
    # (10, 0) are border points; (1, 5) is noise. dbscan::predict gives (5.5, 0) to cluster 1
    # through the border point (4, 0), 1.5 away, although the nearest core point is 3.5 away.
    X = np.array([[0, 0], [2, 0], [4, 0], [1, 5], [10, 0], [12, 0], [14, 0]], dtype=float)
    comparison = compare_dbscan(as_dataset(X), 2.0, 3, r_engine=PythonAsR())
    new = np.array([[1, 0], [3, 0], [5.5, 0], [7, 0], [8.5, 0], [1, 5.5]])
    prediction = predict_dbscan(comparison, new, r_engine=PythonAsR())
    np.testing.assert_array_equal(prediction.python, [0, 0, 0, -1, 1, -1])
    assert "core or border" in prediction.rule and prediction.rule == PREDICTION_RULE


def test_bad_new_rows_are_one_line_errors() -> None:
    X = np.array([[0, 0], [1, 0], [0, 1], [5, 5]], dtype=float)
    comparison = compare_dbscan(as_dataset(X), 1.5, 2, r_engine=PythonAsR())
    with pytest.raises(InputError, match=r"shape \(2, 3\).*2 feature\(s\) \(a, b\)"):
        predict_dbscan(comparison, np.zeros((2, 3)), r_engine=PythonAsR())
    with pytest.raises(InputError, match="new row 2 holds a value that is not a finite"):
        predict_dbscan(comparison, [[0, 0], [np.nan, 1]], r_engine=PythonAsR())


@pytest.mark.r
@pytest.mark.slow
@pytest.mark.parametrize(("eps", "min_points"), COURSE_SETTINGS)
def test_python_rule_equals_dbscan_predict_run_by_rscript(course_dataset, course_csv, rscript,
                                                          tmp_path, eps, min_points) -> None:
    new = grid_and_random_points()
    comparison = compare_dbscan(course_dataset, eps, min_points)
    prediction = predict_dbscan(comparison, new)
    direct = direct_r_predict(rscript, course_csv, new, eps, min_points, tmp_path)
    # R's own numbers (0 noise, 1..) against pyseg's R side (aligned) and its Python rule
    np.testing.assert_array_equal(own_numbers(np.where(direct == 0, -1, direct - 1)),
                                  own_numbers(prediction.python))
    np.testing.assert_array_equal(prediction.python, prediction.r)
    assert prediction.agreement == 1.0
    assert (prediction.python == -1).any() and (prediction.python >= 0).any()


@pytest.mark.r
def test_all_noise_training_data_predicts_noise_without_crashing_r(repo) -> None:
    # dbscan 1.1.11's predict() segfaults R when every training row is noise (frNN on an empty
    # matrix); R runs in this process through rpy2, so that would kill pyseg. Run it in a child.
    code = (
        "import numpy as np\n"
        "from pyseg.engines import RDbscanEngine\n"
        "X = np.array([[0, 0], [2, 0], [10, 10], [10, 12], [11, 11]], dtype=float)\n"
        "engine = RDbscanEngine()\n"
        "fit = engine.fit(X, 1.0, 3)\n"
        "new = np.array([[1.0, 0.0], [10.0, 11.0]])\n"
        "print(fit.n_noise, engine.predict(X, fit, new).tolist())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repo,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "5 [-1, -1]"
