"""The same rules for every method (issue 22: defects 6, 11, 12 and the method parts of 15).

Each test failed before its fix: ``--method all`` on data no method can cluster exited 1
("parity fails"); K-Means said scikit-learn's "n_samples=200 should be >= n_clusters=1000" where
the other methods said "use k <= 196", identical rows were told "use k <= 1" and DBSCAN's k-NN
check spoke of "k=4"; DBSCAN's one-cluster result on the course file was silent ("1 clusters");
the hierarchical refusal to predict named K-Means and DBSCAN only, the ``--scale z`` hint was
given for a full-covariance mixture and medoids printed as "customer 0095".
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from pyseg._errors import InputError
from pyseg._pipeline import method_predict_data
from pyseg.methods._agreement import check_k
from pyseg.methods._base import MethodSettings
from pyseg.methods.dbscan._base import DbscanFit
from pyseg.methods.dbscan._compare import knn_distance_curves, plural, trivial_note
from pyseg.methods.gmm._compare import GmmComparison
from pyseg.methods.kmeans._compare import compare
from pyseg.methods.pam._compare import PamComparison
from pyseg.methods.pam._report import _id

HEADER = "CustomerID,Genre,Age,Annual Income (k$),Spending Score (1-100)\n"


def _dataset(points: list[tuple[float, float]]) -> SimpleNamespace:
    X = np.asarray(points, dtype=np.float64)
    return SimpleNamespace(X=X, source="tiny.csv", feature_names=("income", "score"),
                           sha256="0", frame=None, n_rows=X.shape[0])


def _write(folder: Path, name: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


# -- 11: one k check, one wording ---------------------------------------------------------------

def test_k_above_the_rows_is_worded_as_for_every_method() -> None:
    points = [(float(i), float(i % 7)) for i in range(200)]
    with pytest.raises(InputError) as caught:
        compare(_dataset(points), 1000)  # type: ignore[arg-type]
    assert "n_samples" not in str(caught.value)
    assert str(caught.value) == ("tiny.csv: k=1000 is more than the 200 distinct points among "
                                 "200 rows; use k <= 200")
    with pytest.raises(InputError) as other:
        check_k(np.asarray(points), 1000, "tiny.csv")
    assert str(other.value) == str(caught.value)


def test_identical_rows_are_not_told_to_use_k_1() -> None:
    with pytest.raises(InputError) as caught:
        check_k(np.full((20, 2), 50.0), 5, "same.csv")
    assert "use k <= 1" not in str(caught.value)
    assert str(caught.value) == ("same.csv: all 20 rows are the same point: there is nothing to "
                                 "cluster (clustering needs >= 2 distinct rows)")


def test_dbscan_neighbour_check_names_its_flag_not_k() -> None:
    with pytest.raises(InputError) as caught:
        knn_distance_curves(_dataset([(1.0, 2.0), (3.0, 4.0)]), 4)  # type: ignore[arg-type]
    assert "k=4" not in str(caught.value) and "--min-points 5" in str(caught.value)


# -- 12: a trivial DBSCAN result is said, with what to try --------------------------------------

def _fit(labels: list[int], eps: float = 17.11724276862369) -> DbscanFit:
    array = np.asarray(labels, dtype=np.int64)
    return DbscanFit("python", array, array >= 0, eps, 5)


def test_one_cluster_and_all_noise_are_said() -> None:
    one = trivial_note(_fit([0] * 198 + [-1, -1]))
    assert one is not None and "One cluster holds 198 of 200 rows" in one
    assert "smaller --eps" in one and "17.11724276862369" in one
    noise = trivial_note(_fit([-1] * 10, eps=0.5))
    assert noise is not None and "Every one of the 10 rows is noise" in noise
    assert "larger --eps" in noise
    assert trivial_note(_fit([0, 0, 1, 1, -1])) is None


def test_counts_take_the_singular() -> None:
    assert plural(1, "cluster") == "1 cluster"
    assert plural(2, "cluster") == "2 clusters"
    assert plural(0, "core point") == "0 core points"


# -- 15: the method parts -------------------------------------------------------------------------

def test_hierarchical_refusal_names_every_method_that_predicts(course_csv: Path) -> None:
    new = pd.DataFrame({"Annual Income (k$)": [60.0], "Spending Score (1-100)": [50.0]})
    with pytest.raises(InputError) as caught:
        method_predict_data(course_csv, None, "hierarchical", MethodSettings(), new, "new")
    text = str(caught.value)
    assert "\n" not in text
    assert text.endswith("use --method kmeans, dbscan, pam or gmm to predict")


def test_scale_hint_is_left_out_where_scaling_changes_nothing() -> None:
    assert GmmComparison.scale_free.fget(SimpleNamespace(covariance="full"))
    assert not GmmComparison.scale_free.fget(SimpleNamespace(covariance="diag"))
    assert PamComparison.scale_free.fget(SimpleNamespace(distance="gower"))
    assert not PamComparison.scale_free.fget(SimpleNamespace(distance="euclidean"))


def test_a_medoid_is_the_customer_of_its_id() -> None:
    assert _id("0095") == "95"
    assert _id("C-17") == "C-17"


# -- through the command line ---------------------------------------------------------------------

@pytest.mark.r
@pytest.mark.parametrize("rows", [
    ["0001,Male,19,15,39", "0002,Male,21,15,81"],  # two rows
    [f"{i:04d},Male,30,50,50" for i in range(1, 21)],  # every row the same point
], ids=["two_rows", "all_identical"])
def test_no_method_can_run_is_bad_input(rows: list[str], tmp_path: Path, run_pyseg) -> None:
    path = _write(tmp_path, "bad.csv", rows)
    result = run_pyseg("compare", "--data", str(path), "--method", "all")
    assert result.returncode == 2, result.stdout
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pyseg: error: ")
    assert "no method can run on this data" in lines[0]


@pytest.mark.r
@pytest.mark.slow
def test_default_dbscan_on_the_course_file_says_it_found_one_cluster(course_csv: Path,
                                                                     run_pyseg) -> None:
    result = run_pyseg("compare", "--data", str(course_csv), "--method", "dbscan")
    assert "1 clusters" not in result.stdout
    assert "Python: 1 cluster, 2 noise" in result.stdout
    assert "One cluster holds 198 of 200 rows" in result.stdout
