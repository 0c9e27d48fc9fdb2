"""DBSCAN in both languages (issue 10): noise mapping, alignment, border points, kNN distances.

Independent references: scikit-learn's ``DBSCAN`` called directly here, and the ``dbscan``
package run by ``Rscript tests/reference/direct_dbscan.R`` (R version in its header).
"""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import DBSCAN

from pyseg import InputError, agreement
from pyseg._data import Dataset
from pyseg.engines import SklearnDbscanEngine
from pyseg.methods._agreement import partition_agreement
from pyseg.methods.dbscan._compare import compare_dbscan, knee_index
from pyseg.methods.dbscan._python import predict_dbscan
from pyseg.methods.dbscan._r import from_r_clusters

DIRECT_R = Path(__file__).parent / "reference" / "direct_dbscan.R"
#: (eps, minPts) on the course file: 87, 22 and 20 noise points.
COURSE_SETTINGS = [(5.0, 5), (8.0, 4), (10.0, 6)]


def direct_r(rscript: str, csv: Path, eps: float, min_points: int, knn: int | None = None
             ) -> dict[str, np.ndarray]:
    args = [rscript, str(DIRECT_R), str(csv), str(eps), str(min_points), ""]
    out = subprocess.run(args + ([str(knn)] if knn else []), check=True, capture_output=True,
                         text=True).stdout.splitlines()
    return {line.split(",")[0]: np.array([float(v) for v in line.split(",")[1:]]) for line in out}


def course_X(csv: Path) -> np.ndarray:
    return pd.read_csv(csv).iloc[:, [3, 4]].to_numpy(dtype=float)


def as_dataset(X: np.ndarray) -> Dataset:
    return Dataset(X=np.ascontiguousarray(X, dtype=float), feature_names=("a", "b"), path=None,
                   source="test data", sha256="0" * 64, frame=None)


class SklearnAsR:
    """scikit-learn in R's place, with R's own cluster numbering changed, to run without R."""

    name = "r"

    def __init__(self, change=None) -> None:
        self.change = change

    def fit(self, X, eps, min_points):
        fit = replace(SklearnDbscanEngine("direct").fit(X, eps, min_points), engine="r")
        return self.change(fit) if self.change else fit

    def knn_distances(self, X, k):
        return SklearnDbscanEngine().knn_distances(X, k)

    def predict(self, X, fit, new):
        return predict_dbscan(X, fit.labels, fit.eps, new)

    def check_ready(self) -> None:
        return None


def reversed_numbers(fit):
    labels = np.where(fit.labels >= 0, fit.n_clusters - 1 - fit.labels, -1)
    return replace(fit, labels=labels)


# --- alignment with noise ---------------------------------------------------------------------


def test_noise_is_never_matched_to_a_cluster() -> None:
    a = np.array([0, 0, 1, 1, -1, -1, 2])
    b = np.array([1, 1, 0, -1, -1, 0, 2])
    measured = partition_agreement(a, b)
    np.testing.assert_array_equal(measured.relabel(b), [0, 0, 1, -1, -1, 1, 2])
    assert measured.matched == 5 and measured.accuracy == pytest.approx(5 / 7)
    assert measured.confusion[-1, -1] == 1  # noise on both sides: row 5


def test_without_noise_it_is_pyseg_agreement() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 4, 300), rng.integers(0, 5, 300)
    ours, theirs = partition_agreement(a, b), agreement(a, b)
    assert ours.accuracy == theirs.accuracy and ours.ari == pytest.approx(theirs.ari, abs=1e-15)
    np.testing.assert_array_equal(ours.mapping, theirs.alignment.mapping)


def test_r_noise_zero_becomes_minus_one() -> None:
    np.testing.assert_array_equal(from_r_clusters([0, 1, 2, 0, 3]), [-1, 0, 1, -1, 2])


# --- the bounded-memory route equals scikit-learn's DBSCAN ------------------------------------


@pytest.mark.parametrize("eps,min_points", [(3.0, 5), (5.0, 5), (8.0, 4), (2.0, 3), (1.0, 2)])
def test_distinct_rows_route_equals_sklearn_dbscan(mall_like_dataset, eps, min_points) -> None:
    X = np.vstack([mall_like_dataset.X, mall_like_dataset.X[::3]])  # more duplicates
    model = DBSCAN(eps=eps, min_samples=min_points).fit(X)
    fit = SklearnDbscanEngine().fit(X, eps, min_points)
    np.testing.assert_array_equal(fit.labels, model.labels_)
    np.testing.assert_array_equal(np.flatnonzero(fit.core), model.core_sample_indices_)


def test_predict_takes_the_nearest_clustered_row_within_eps() -> None:
    X = np.array([[0.0, 0], [1, 0], [2, 0], [10, 0], [11, 0], [12, 0], [30, 0]])
    labels = DBSCAN(eps=1.5, min_samples=2).fit(X).labels_
    new = np.array([[2.5, 0], [9.0, 0], [20.0, 0], [30.0, 0]])
    np.testing.assert_array_equal(predict_dbscan(X, labels, 1.5, new), [0, 1, -1, -1])


def test_bad_parameters_are_one_line(mall_like_dataset) -> None:
    for eps, min_points, fragment in [(0, 5, "--eps 0 should be"), (-1.0, 5, "should be"),
                                      (float("nan"), 5, "finite"), (1.0, 0, ">= 1"),
                                      (1.0, 2.5, "not an integer")]:
        with pytest.raises(InputError, match=fragment) as caught:
            compare_dbscan(mall_like_dataset, eps, min_points, r_engine=SklearnAsR())
        assert "\n" not in str(caught.value)


# --- the comparison, without R ----------------------------------------------------------------


def test_renumbered_clusters_and_noise_agree(mall_like_dataset) -> None:
    c = compare_dbscan(mall_like_dataset, 5.0, 5, r_engine=SklearnAsR(reversed_numbers))
    assert c.python.n_noise > 0 and c.passed and c.agreement.accuracy == 1.0
    np.testing.assert_array_equal(c.r.labels, c.python.labels)
    assert c.to_json() == compare_dbscan(mall_like_dataset, 5.0, 5,
                                         r_engine=SklearnAsR(reversed_numbers)).to_json()


def test_a_border_point_in_another_cluster_is_named(mall_like_dataset) -> None:
    python = SklearnDbscanEngine().fit(mall_like_dataset.X, 5.0, 5)
    border = np.flatnonzero(~python.core & (python.labels >= 0))
    row = int(border[0])

    def moved(fit):
        labels = fit.labels.copy()
        labels[row] = (labels[row] + 1) % fit.n_clusters
        return replace(fit, labels=labels)

    c = compare_dbscan(mall_like_dataset, 5.0, 5, r_engine=SklearnAsR(moved))
    assert not c.passed and c.border_rows.tolist() == [row]
    assert f"Border points {row + 1} " in " ".join(c.diagnosis)


def test_the_knee_of_a_kink() -> None:
    curve = np.concatenate([np.linspace(0, 1, 90), np.linspace(1, 20, 10)])
    assert 85 <= knee_index(curve) <= 91


# --- against R ------------------------------------------------------------------------------------


@pytest.mark.r
@pytest.mark.parametrize("eps,min_points", COURSE_SETTINGS)
def test_course_file_labels_are_identical_in_both_languages(course_dataset, course_csv, rscript,
                                                            eps, min_points) -> None:
    c = compare_dbscan(course_dataset, eps, min_points)
    assert c.passed and c.agreement.accuracy == 1.0 and c.differing_rows.size == 0
    direct = direct_r(rscript, course_csv, eps, min_points)
    # R's own numbers, noise mapped: the same labels as scikit-learn run directly
    sklearn = DBSCAN(eps=eps, min_samples=min_points).fit(course_X(course_csv)).labels_
    np.testing.assert_array_equal(from_r_clusters(direct["cluster"]), sklearn)
    np.testing.assert_array_equal(c.python.labels, sklearn)
    np.testing.assert_array_equal(c.r.labels, sklearn)
    np.testing.assert_array_equal(c.r.core, direct["core"].astype(bool))


@pytest.mark.r
def test_one_setting_has_noise(course_dataset) -> None:
    c = compare_dbscan(course_dataset, 5.0, 5)
    assert c.python.n_noise == c.r.n_noise == 87


@pytest.mark.r
def test_knn_distances_equal_r_kNNdist(course_dataset, course_csv, rscript) -> None:
    from pyseg.methods.dbscan._compare import knn_distance_curves

    curves = knn_distance_curves(course_dataset, 4)
    direct = direct_r(rscript, course_csv, 5.0, 5, knn=4)
    np.testing.assert_array_equal(curves.r, np.sort(direct["knndist"]))
    assert curves.max_diff == 0.0 and curves.knee_eps is not None


@pytest.mark.r
def test_predict_equals_dbscan_predict(course_dataset) -> None:
    from pyseg.engines import RDbscanEngine

    grid = np.array([[x, y] for x in range(0, 150, 3) for y in range(0, 101, 3)], dtype=float)
    for eps, min_points in COURSE_SETTINGS:
        fit = SklearnDbscanEngine().fit(course_dataset.X, eps, min_points)
        r_fit = RDbscanEngine().fit(course_dataset.X, eps, min_points)
        python = SklearnDbscanEngine().predict(course_dataset.X, fit, grid)
        r = RDbscanEngine().predict(course_dataset.X, r_fit, grid)
        np.testing.assert_array_equal(python, r)
