"""PAM in both languages (issue 11): medoids, objective, Gower, bad input.

Independent references: ``kmedoids.pam`` called directly here, and R's own ``cluster::pam`` run by
``Rscript tests/reference/direct_pam.R``, neither through pyseg.
"""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.distance import pdist, squareform

from pyseg import InputError
from pyseg._data import Dataset
from pyseg._features import load_features
from pyseg.engines import KmedoidsPamEngine
from pyseg.methods.pam._base import MAX_PAM_ROWS, check_pam_size
from pyseg.methods.pam._compare import compare_pam, pam_data, predict_pam

DIRECT_R = Path(__file__).parent / "reference" / "direct_pam.R"
INCOME_SCORE = "Annual Income (k$),Spending Score (1-100)"


def direct_r(rscript: str, csv: Path, columns: str, distance: str) -> dict[str, list[float]]:
    out = subprocess.run([rscript, str(DIRECT_R), str(csv), "5", columns, distance],
                         check=True, capture_output=True, text=True).stdout
    return {line.split(",")[0]: [float(v) for v in line.split(",")[1:]]
            for line in out.splitlines()}


class KmedoidsAsR:
    """A second Python engine in R's place, so that the comparison runs without R."""

    name = "r"

    def __init__(self, change=None) -> None:
        self.change = change

    def fit(self, data, k):
        fit = replace(KmedoidsPamEngine().fit(data, k), engine="r")
        return self.change(fit) if self.change else fit

    def check_ready(self) -> None:
        return None


def test_python_engine_is_kmedoids_pam_build(mall_like_dataset) -> None:
    import kmedoids

    D = squareform(pdist(mall_like_dataset.X))
    direct = kmedoids.pam(D, 5, init="build")
    fit = KmedoidsPamEngine().fit(pam_data(mall_like_dataset), 5)
    assert sorted(fit.medoids.tolist()) == sorted(int(m) for m in direct.medoids)
    assert fit.objective == pytest.approx(direct.loss / D.shape[0], rel=1e-12)


def test_identical_fits_pass_and_json_is_deterministic(mall_like_dataset) -> None:
    c = compare_pam(mall_like_dataset, 4, r_engine=KmedoidsAsR())
    assert c.passed and c.same_medoids and c.max_distance_diff == 0
    assert c.to_json() == compare_pam(mall_like_dataset, 4, r_engine=KmedoidsAsR()).to_json()


def test_other_medoids_fail_and_are_named(mall_like_dataset) -> None:
    def moved(fit):
        medoids = fit.medoids.copy()
        medoids[0] = next(r for r in range(200) if r not in medoids)
        return replace(fit, medoids=medoids, objective=fit.objective * 1.01)
    c = compare_pam(mall_like_dataset, 4, r_engine=KmedoidsAsR(moved))
    assert not c.passed and c.medoids_differing == 1
    assert "The medoids differ" in " ".join(c.diagnosis)


def test_bad_input_is_one_line(mall_like_dataset, mall_like_csv) -> None:
    X = np.array([[1.0, 1.0], [1.0, 1.0], [2.0, 2.0]])
    tiny = Dataset(X=X, feature_names=("a", "b"), path=None, source="tiny.csv",
                   sha256="0" * 64, frame=None)
    flat, _ = load_features(mall_like_csv, "income,score")
    flat = replace(flat, X=np.column_stack([flat.X[:, 0], np.full(flat.X.shape[0], 7.0)]))
    flat = replace(flat, frame=None)
    cases = [(tiny, dict(k=3), "more than the 2 distinct points"),
             (mall_like_dataset, dict(distance="manhattan"), "unknown distance"),
             (flat, dict(distance="gower"), "has one value only")]
    for dataset, kwargs, fragment in cases:
        with pytest.raises(InputError, match=fragment) as caught:
            compare_pam(dataset, r_engine=KmedoidsAsR(), **kwargs)
        assert "\n" not in str(caught.value)
    with pytest.raises(InputError, match=f"{MAX_PAM_ROWS} rows: PAM needs") as caught:
        check_pam_size(MAX_PAM_ROWS, "big.csv")
    assert "GiB" in str(caught.value)


@pytest.mark.r
def test_income_score_equals_cluster_pam_run_by_rscript(course_csv, rscript) -> None:
    direct = direct_r(rscript, course_csv, INCOME_SCORE, "euclidean")
    dataset, _ = load_features(course_csv, "income,score")
    c = compare_pam(dataset, 5)
    expected = sorted(int(m) - 1 for m in direct["medoids"])
    assert sorted(c.python.medoids.tolist()) == expected == sorted(c.r.medoids.tolist())
    assert c.python.objective == pytest.approx(direct["objective"][1], rel=1e-12)
    assert c.r.objective == direct["objective"][1]
    assert c.passed and c.agreement.accuracy == 1.0 and c.max_distance_diff == 0


@pytest.mark.r
def test_gender_by_gower_same_medoids_both_languages(course_csv, rscript) -> None:
    direct = direct_r(rscript, course_csv, INCOME_SCORE + ",Age,Genre", "gower")
    dataset, _ = load_features(course_csv, "income,score,age,gender")
    c = compare_pam(dataset, 5)
    assert c.distance == "gower"  # the default as soon as a column is categorical
    assert sorted(c.python.medoids.tolist()) == sorted(int(m) - 1 for m in direct["medoids"])
    assert c.same_medoids and c.agreement.accuracy == 1.0 and c.passed
    assert c.max_distance_diff is not None and c.max_distance_diff <= 1e-12
    customers = c.to_dict()["python"]["medoids"]
    assert {m["id"] for m in customers} == {f"{int(m):04d}" for m in direct["medoids"]}
    assert all(m["values"]["Genre"] in ("Male", "Female") for m in customers)
    prediction = predict_pam(c, dataset.frame.iloc[:20])
    np.testing.assert_array_equal(prediction.python, c.python.labels[:20])
    assert prediction.agree
