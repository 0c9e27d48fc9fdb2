"""compare() with stand-in engines: the verdict and the diagnosis, without R."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pytest

from pyseg import FitResult, compare, initial_centers_kmeanspp
from pyseg._course import EXACT_MAX_ITER, PYTHON_COURSE
from pyseg.engines import SklearnEngine


@dataclass
class RelabelledEngine:
    """Plays R: scikit-learn's fit with permuted labels, optionally edited.

    The fits are computed before compare() starts: two scikit-learn fits at once in one process
    would share threadpoolctl's process-wide thread limit.
    """

    X: np.ndarray
    permutation: tuple[int, ...] = (3, 0, 4, 1, 2)
    move_rows: int = 0
    center_shift: float = 0.0
    warnings: tuple[str, ...] = ()
    name: str = "r"

    def _relabel(self, fit: FitResult) -> FitResult:
        perm = np.asarray(self.permutation[: fit.n_clusters])
        labels = perm[fit.labels]
        if self.move_rows:
            labels[: self.move_rows] = (labels[: self.move_rows] + 1) % fit.n_clusters
        centers = np.empty_like(fit.centers)
        centers[perm] = fit.centers + self.center_shift
        wcss = fit.wcss * (1.5 if self.move_rows else 1.0)
        return FitResult("r", labels, centers, wcss, fit.n_iter, self.warnings)

    def __post_init__(self):
        X = self.X
        self.course_fit = SklearnEngine().fit(X, 5, PYTHON_COURSE)
        initial = initial_centers_kmeanspp(X, 5, PYTHON_COURSE.seed)
        self.exact_fit = SklearnEngine().fit_from(X, initial, EXACT_MAX_ITER)

    def fit(self, X, k, settings):
        return self._relabel(self.course_fit)

    def fit_from(self, X, initial_centers, max_iter):
        return self._relabel(self.exact_fit)


@pytest.fixture(scope="module")
def dataset(mall_like_dataset):
    return mall_like_dataset


def test_relabelled_identical_partition_passes_and_is_reindexed(dataset):
    result = compare(dataset, 5, r_engine=RelabelledEngine(dataset.X))
    assert result.passed
    assert result.agreement.accuracy == 1.0
    np.testing.assert_array_equal(result.r.labels, result.python.labels)
    np.testing.assert_allclose(result.r.centers, result.python.centers)
    assert result.r_label_mapping.tolist() == [1, 3, 4, 0, 2]


def test_moved_rows_fail_and_the_diagnosis_names_the_lower_wcss(dataset):
    result = compare(dataset, 5, r_engine=RelabelledEngine(dataset.X, move_rows=7))
    assert not result.passed
    assert result.agreement.alignment.matched == dataset.n_rows - 7
    text = " ".join(result.diagnosis)
    assert "7 of 200 rows" in text
    assert "Python reached the lower WCSS" in text
    assert "--mode exact" in text


def test_min_agreement_lets_a_small_difference_pass(dataset):
    result = compare(dataset, 5, r_engine=RelabelledEngine(dataset.X, move_rows=2),
                     min_agreement=0.99)
    assert result.passed


def test_exact_mode_fails_on_center_differences(dataset):
    result = compare(dataset, 5, mode="exact",
                     r_engine=RelabelledEngine(dataset.X, center_shift=1e-6))
    assert result.agreement.accuracy == 1.0
    assert not result.passed
    assert any("numerical problem" in line for line in result.diagnosis)


def test_course_mode_explains_a_center_difference_with_identical_partitions(dataset):
    result = compare(dataset, 5, r_engine=RelabelledEngine(dataset.X, center_shift=1e-6))
    assert result.passed  # the partitions are what parity is about in course mode
    assert result.max_center_diff == pytest.approx(1e-6, rel=1e-3)


def test_r_warnings_are_explained(dataset):
    engine = RelabelledEngine(
        dataset.X, warnings=("Quick-TRANSfer stage steps exceeded maximum (= 10000)",))
    result = compare(dataset, 5, r_engine=engine)
    assert any(line.startswith("R warned: Quick-TRANSfer") and "Hartigan-Wong" in line
               for line in result.diagnosis)
    assert json.loads(result.to_json())["r"]["warnings"] == list(engine.warnings)


def test_unequal_cluster_counts(dataset):
    class MergingEngine(RelabelledEngine):
        def fit(self, X, k, settings):
            fit = self.course_fit
            labels = np.where(fit.labels == 4, 3, fit.labels)
            centers = np.array([X[labels == j].mean(axis=0) for j in range(4)])
            return FitResult("r", labels, centers, fit.wcss * 2, 1, ())

    result = compare(dataset, 5, r_engine=MergingEngine(dataset.X))
    assert not result.passed
    assert result.max_center_diff == float("inf")
    assert any("Python has 5 non-empty clusters and R has 4" in line for line in result.diagnosis)
    doc = json.loads(result.to_json())
    assert doc["max_center_diff"] is None  # JSON has no infinity
    assert any(center == [None, None] for center in doc["r"]["centers"])


def test_json_is_deterministic_and_carries_no_timings(dataset):
    first = compare(dataset, 5, r_engine=RelabelledEngine(dataset.X)).to_json({"python": "x"})
    second = compare(dataset, 5, r_engine=RelabelledEngine(dataset.X)).to_json({"python": "x"})
    assert first == second
    assert "timing" not in first and "seconds" not in first


def test_bad_mode_and_min_agreement_are_refused(dataset):
    from pyseg import InputError

    with pytest.raises(InputError, match="mode='fast' should be one of course, exact"):
        compare(dataset, 5, mode="fast", r_engine=RelabelledEngine(dataset.X))
    with pytest.raises(InputError, match=r"min_agreement=1.5 should be within \[0, 1\]"):
        compare(dataset, 5, min_agreement=1.5, r_engine=RelabelledEngine(dataset.X))
