"""Gaussian mixtures in both languages (issue 11): exact mode to 1e-6, course mode's honest
diagnosis, BIC in mclust's convention, bad input. R's reference: its own mclust run by
``Rscript tests/reference/direct_mclust.R``, without pyseg."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from pyseg import InputError
from pyseg._features import load_features
from pyseg.engines import SklearnGmmEngine
from pyseg.methods.gmm._compare import compare_gmm, predict_gmm

DIRECT_R = Path(__file__).parent / "reference" / "direct_mclust.R"


def direct_r(rscript: str, csv: Path, k: int, model: str) -> dict[str, list[float]]:
    out = subprocess.run([rscript, str(DIRECT_R), str(csv), str(k), model], check=True,
                         capture_output=True, text=True).stdout
    return {line.split(",")[0]: [float(v) for v in line.split(",")[1:]]
            for line in out.splitlines()}


def test_bad_input_is_one_line(mall_like_csv) -> None:
    numeric, _ = load_features(mall_like_csv, "income,score")
    gender, _ = load_features(mall_like_csv, "income,score,gender")
    cases = [(numeric, dict(covariance="VVV"), "unknown covariance type"),
             (numeric, dict(mode="fast"), "--mode 'fast'"),
             (numeric, dict(k=500), "more than the"),
             (gender, dict(), "0/1 indicators")]
    for dataset, kwargs, fragment in cases:
        with pytest.raises(InputError, match=fragment) as caught:
            compare_gmm(dataset, **kwargs)
        assert "\n" not in str(caught.value)


def test_exact_start_gives_sklearn_the_partitions_mstep(mall_like_csv) -> None:
    dataset, _ = load_features(mall_like_csv, "income,score")
    labels = np.arange(dataset.X.shape[0]) % 3
    model = SklearnGmmEngine().model(dataset.X, 3, "full", labels)
    assert model.reg_covar == 0.0 and model.tol == 1e-12
    np.testing.assert_allclose(model.means_init[1], dataset.X[labels == 1].mean(axis=0))


@pytest.mark.r
@pytest.mark.slow
@pytest.mark.parametrize("k", range(2, 7))
def test_exact_mode_ari_1_and_loglik_within_1e6(course_csv, rscript, k) -> None:
    direct = direct_r(rscript, course_csv, k, "VVV")
    dataset, _ = load_features(course_csv, "income,score")
    c = compare_gmm(dataset, k, "full", mode="exact")
    np.testing.assert_array_equal(c.start + 1, np.array(direct["start"], dtype=int))
    assert c.agreement.ari == 1.0 and c.passed
    assert abs(c.loglik_diff) <= 1e-6
    assert c.r.loglik == pytest.approx(direct["exact"][0], abs=1e-9)
    assert c.python.loglik == pytest.approx(direct["exact"][0], abs=1e-6)


@pytest.mark.r
def test_course_mode_is_never_a_silent_pass(course_csv, rscript) -> None:
    direct = direct_r(rscript, course_csv, 5, "VVV")
    dataset, _ = load_features(course_csv, "income,score")
    c = compare_gmm(dataset, 5)
    # mclust's own fit, BIC in mclust's convention
    assert c.r.loglik == pytest.approx(direct["course"][0], abs=1e-9)
    assert c.r.bic == pytest.approx(direct["course"][1], abs=1e-9)
    assert c.agreement.ari == pytest.approx(0.985, abs=0.001)
    assert not c.passed  # agreement 0.995 < min_agreement 1.0
    text = " ".join(c.diagnosis)
    assert "R found the higher one" in text and "--mode exact" in text
    assert compare_gmm(dataset, 5, min_agreement=0.99).passed
    document = c.to_dict()
    assert len(document["r"]["probabilities"]) == 200
    assert np.allclose(np.sum(document["python"]["probabilities"], axis=1), 1.0)
    prediction = predict_gmm(c, dataset.X[:10])
    np.testing.assert_array_equal(prediction.python, c.python.labels[:10])
    assert np.all(prediction.r_probability > 0.5)
