"""Hierarchical clustering in both languages (issue 10): cut, merge heights, ties, routes.

Independent references: scipy called directly here, and R's own ``hclust``/``cutree`` run by
``Rscript tests/reference/direct_hclust.R`` (R version in its header), neither through pyseg.
"""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.cluster.hierarchy import cut_tree, fcluster, linkage

from pyseg import InputError
from pyseg._data import Dataset
from pyseg.engines import ScipyHierarchicalEngine
from pyseg.methods.hierarchical._base import merge_to_linkage
from pyseg.methods.hierarchical._compare import compare_hierarchical, tied_height_groups
from pyseg.methods.hierarchical._python import cut_tree_exactly, linkage_matrix

DIRECT_R = Path(__file__).parent / "reference" / "direct_hclust.R"
R_METHOD = {"ward": "ward.D2", "complete": "complete", "average": "average", "single": "single"}


def direct_r(rscript: str, csv: Path, method: str, kmin: int, kmax: int,
             vector: bool = False) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """Merge heights and cutree labels (1-based) printed by R's own hclust run with Rscript."""
    args = [rscript, str(DIRECT_R), str(csv), method, str(kmin), str(kmax), ""]
    out = subprocess.run(args + (["vector"] if vector else []), check=True,
                         capture_output=True, text=True).stdout.splitlines()
    heights = np.array([float(v) for v in out[0].split(",")[1:]])
    cuts = {int(line.split(",")[1]): np.array([int(v) for v in line.split(",")[2:]])
            for line in out[1:]}
    return heights, cuts


def course_X(csv: Path) -> np.ndarray:
    return pd.read_csv(csv).iloc[:, [3, 4]].to_numpy(dtype=float)


def as_dataset(X: np.ndarray, source: str = "test data") -> Dataset:
    return Dataset(X=np.ascontiguousarray(X, dtype=float), feature_names=("a", "b")[:X.shape[1]],
                   path=None, source=source, sha256="0" * 64, frame=None)


class ScipyAsR:
    """A second Python engine in R's place, so that the comparison runs without R."""

    name = "r"

    def __init__(self, change=None) -> None:
        self.change = change

    def fit(self, X, k, linkage="ward"):
        fit = replace(ScipyHierarchicalEngine().fit(X, k, linkage), engine="r",
                      fcluster_clusters=None)
        return self.change(fit) if self.change else fit

    def check_ready(self) -> None:
        return None


# --- the cut ----------------------------------------------------------------------------------


def test_cut_gives_exactly_k_clusters_where_fcluster_gives_fewer() -> None:
    X = np.array([[0.0], [1.0], [2.0], [3.0], [10.0]])  # three merges tie at height 1
    Z = linkage(X, "single")
    assert np.unique(fcluster(Z, 3, criterion="maxclust")).size == 2
    labels = cut_tree_exactly(Z, 3)
    assert np.unique(labels).size == 3
    np.testing.assert_array_equal(labels, cut_tree(Z, n_clusters=3).ravel())


@pytest.mark.parametrize("method", ["ward", "complete", "average", "single"])
@pytest.mark.parametrize("k", [1, 2, 5, 9])
def test_cut_equals_scipy_cut_tree_on_generated_data(mall_like_dataset, method, k) -> None:
    Z = linkage(mall_like_dataset.X, method)
    expected = cut_tree(Z, n_clusters=k).ravel()
    np.testing.assert_array_equal(cut_tree_exactly(Z, k), expected)


def test_the_engine_reports_what_fcluster_would_give(mall_like_dataset) -> None:
    fit = ScipyHierarchicalEngine().fit(mall_like_dataset.X, 4, "single")
    Z = linkage(mall_like_dataset.X, "single")
    assert fit.fcluster_clusters == np.unique(fcluster(Z, 4, criterion="maxclust")).size
    np.testing.assert_array_equal(fit.heights, Z[:, 2])


def test_r_merge_matrix_becomes_scipy_linkage() -> None:
    # R: rows 1 and 2 merge, then row 3 joins that cluster (merge 1), then row 4
    merge = np.array([[-1, -2], [-3, 1], [-4, 2]])
    Z = merge_to_linkage(merge, np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(Z, [[0, 1, 1, 2], [2, 4, 2, 3], [3, 5, 3, 4]])


def test_tied_heights_are_grouped() -> None:
    assert tied_height_groups(np.array([3.0, 1.0, 1.0, 2.0, 3.0, 3.0])) == [(1.0, 2), (3.0, 3)]
    assert tied_height_groups(np.array([1.0, 2.0])) == []


# --- the O(n)-memory ward route -----------------------------------------------------------------


def test_fastcluster_vector_ward_gives_scipys_partitions(course_csv) -> None:
    # The partitions k = 2..10 are the same; some middle merge heights are not (up to 0.79 on
    # the course file): fastcluster and scipy merge tied pairs in different orders.
    X = course_X(course_csv)
    matrix, vector = linkage(X, "ward"), linkage_matrix(X, "ward", "vector")
    assert np.max(np.abs(matrix[-9:, 2] - vector[-9:, 2])) <= 1e-9
    for k in range(2, 11):
        np.testing.assert_array_equal(cut_tree_exactly(vector, k), cut_tree(matrix, k).ravel())


def test_on_tied_data_the_ward_routes_differ_and_the_diagnosis_says_ties(mall_like_dataset) -> None:
    # Integer incomes and scores: many equal distances; scipy and fastcluster break them apart.
    X = mall_like_dataset.X
    matrix, vector = linkage(X, "ward"), linkage_matrix(X, "ward", "vector")
    assert np.max(np.abs(np.sort(matrix[:, 2]) - np.sort(vector[:, 2]))) > 0.1

    class VectorAsR(ScipyAsR):
        def fit(self, X, k, linkage="ward"):
            return replace(ScipyHierarchicalEngine("vector").fit(X, k, linkage), engine="r")

    c = compare_hierarchical(mall_like_dataset, 5, "ward", r_engine=VectorAsR())
    assert "heights_differ_after_ties" in c.findings
    assert "tied merge heights" in " ".join(c.diagnosis)


# --- the comparison, without R ----------------------------------------------------------------


def test_identical_fits_pass(mall_like_dataset) -> None:
    c = compare_hierarchical(mall_like_dataset, 5, "ward", r_engine=ScipyAsR())
    assert c.passed and c.findings[0] == "identical"
    assert c.to_json() == compare_hierarchical(mall_like_dataset, 5, "ward",
                                               r_engine=ScipyAsR()).to_json()


def test_heights_that_differ_with_no_tie_fail(mall_like_dataset) -> None:
    X = mall_like_dataset.X + np.random.default_rng(0).normal(0, 1e-3, mall_like_dataset.X.shape)

    def shifted(fit):
        return replace(fit, heights=fit.heights + 1e-6)
    c = compare_hierarchical(as_dataset(X), 5, "average", r_engine=ScipyAsR(shifted))
    assert not c.passed
    assert "no tie to explain it" in " ".join(c.diagnosis)


def test_bad_input_is_one_line() -> None:
    X = np.array([[1.0, 1.0], [1.0, 1.0], [2.0, 2.0]])
    cases = [(dict(k=3), "more than the 2 distinct points"), (dict(k=0), "k=0 should be >= 1"),
             (dict(k=2, linkage="ward.D"), "unknown linkage"),
             (dict(k=2.5), "is not an integer")]
    for kwargs, fragment in cases:
        with pytest.raises(InputError, match=fragment) as caught:
            compare_hierarchical(as_dataset(X), r_engine=ScipyAsR(), **kwargs)
        assert "\n" not in str(caught.value)


# --- against R ------------------------------------------------------------------------------------


@pytest.mark.r
@pytest.mark.parametrize("k", range(2, 11))
def test_ward_on_the_course_file_is_identical_in_both_languages(course_dataset, k) -> None:
    c = compare_hierarchical(course_dataset, k, "ward")
    assert c.passed and c.findings == ("identical",)
    assert c.agreement.accuracy == 1.0
    assert c.max_height_diff <= 1e-9


@pytest.mark.r
@pytest.mark.parametrize("method", ["ward", "complete", "average", "single"])
def test_pyseg_equals_r_and_scipy_run_directly(course_csv, course_dataset, rscript,
                                                method) -> None:
    heights, cuts = direct_r(rscript, course_csv, R_METHOD[method], 2, 10)
    Z = linkage(course_X(course_csv), method)
    for k in range(2, 11):
        c = compare_hierarchical(course_dataset, k, method)
        if not c.ties.tie_at_cut:  # at a tie, scipy's cut_tree undoes a merge of its choice
            np.testing.assert_array_equal(c.python.labels, cut_tree(Z, k).ravel())
        # R's labels as R numbered them: cutree's numbers minus one
        unaligned = np.argsort(c.r_label_mapping)[c.r.labels]
        np.testing.assert_array_equal(unaligned, cuts[k] - 1)
        assert np.max(np.abs(c.r.heights - heights)) <= 1e-9
        assert np.max(np.abs(c.python.heights - Z[:, 2])) == 0


@pytest.mark.r
@pytest.mark.parametrize("method", ["complete", "average"])
def test_complete_and_average_differ_and_the_diagnosis_names_the_ties(course_dataset, course_csv,
                                                                      rscript, method) -> None:
    heights, _ = direct_r(rscript, course_csv, method, 5, 5)
    direct_diff = np.max(np.abs(np.sort(heights) - np.sort(linkage(course_X(course_csv),
                                                                   method)[:, 2])))
    c = compare_hierarchical(course_dataset, 5, method)
    assert direct_diff > 0.1
    assert c.max_height_diff == pytest.approx(direct_diff, abs=1e-9)
    assert "heights_differ_after_ties" in c.findings and c.passed
    text = " ".join(c.diagnosis)
    assert "tied merge heights" in text
    assert "2,763 distinct distances among 19,900 pairs" in text
    assert c.ties.tied_heights and all(count >= 2 for _, count in c.ties.tied_heights)


@pytest.mark.r
def test_complete_k9_partitions_differ_because_of_ties(course_dataset) -> None:
    c = compare_hierarchical(course_dataset, 9, "complete")
    assert not c.passed and "partitions_differ" in c.findings
    assert "because of the ties above" in " ".join(c.diagnosis)


@pytest.mark.r
def test_single_k9_fcluster_would_give_8_but_both_cut_to_9(course_dataset, course_csv,
                                                          rscript) -> None:
    _, cuts = direct_r(rscript, course_csv, "single", 9, 9)
    Z = linkage(course_X(course_csv), "single")
    assert np.unique(fcluster(Z, 9, criterion="maxclust")).size == 8
    assert np.unique(cuts[9]).size == 9
    c = compare_hierarchical(course_dataset, 9, "single")
    assert c.passed and "fcluster_fewer_clusters" in c.findings and "tie_at_cut" in c.findings
    assert "would give 8 clusters" in " ".join(c.diagnosis)


@pytest.mark.r
def test_r_vector_route_gives_hclusts_partition(course_dataset, course_csv, rscript) -> None:
    from pyseg.engines import RHierarchicalEngine

    heights, cuts = direct_r(rscript, course_csv, "ward.D2", 2, 10, vector=True)
    matrix_heights, matrix_cuts = direct_r(rscript, course_csv, "ward.D2", 2, 10)
    assert np.max(np.abs(heights[-9:] - matrix_heights[-9:])) <= 1e-9
    for k in range(2, 11):
        np.testing.assert_array_equal(cuts[k], matrix_cuts[k])
    fit = RHierarchicalEngine(route="vector").fit(course_dataset.X, 5)
    np.testing.assert_array_equal(fit.labels, matrix_cuts[5] - 1)


@pytest.mark.r
@pytest.mark.slow
def test_vector_routes_agree_exactly_across_languages_on_tied_data(tmp_path) -> None:
    from pyseg._synth import mall_like_csv_bytes
    from pyseg.engines import RHierarchicalEngine

    csv = tmp_path / "data.csv"
    csv.write_bytes(mall_like_csv_bytes(5000, 0))
    c = compare_hierarchical(as_dataset(course_X(csv)), 5, "ward",
                             python_engine=ScipyHierarchicalEngine("vector"),
                             r_engine=RHierarchicalEngine("vector"))
    assert c.findings == ("identical",) and c.max_height_diff == 0.0


@pytest.mark.r
def test_r_draws_its_dendrogram(course_dataset) -> None:
    from pyseg.engines import RHierarchicalEngine

    png = RHierarchicalEngine().dendrogram_png(course_dataset.X)
    assert png.startswith(b"\x89PNG") and len(png) > 5000
