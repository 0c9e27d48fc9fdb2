"""Gaussian mixtures: scikit-learn ``GaussianMixture`` and R ``mclust::Mclust`` (course mode) or
``mclust::me`` from mclust's own starting partition (exact mode)."""

from __future__ import annotations

from typing import Any

DESCRIBE = "scikit-learn GaussianMixture / R mclust::Mclust"
PREDICTION = "the most probable mixture component, with its probability"

ENGINE_EXPORTS: dict[str, tuple[str, ...]] = {
    "_base": ("COVARIANCES", "MCLUST_MODELS", "GmmEngine", "GmmFit", "check_covariance"),
    "_python": ("SklearnGmmEngine",),
    "_r": ("RGmmEngine",),
    "_record": ("RGmmRecorder", "RecordedGmmEngine", "RecordedGmmFit"),
}
R_ENGINE = "RGmmEngine"
#: ``elbow``: the BIC per k.
CHOOSE_K = "bic"
FLAGS: tuple[dict[str, Any], ...] = (
    {"flags": ("--covariance",), "default": "full", "metavar": "{full,diag,spherical,tied}",
     "help": "covariance type (mclust VVV, VVI, VII, EEE; default full)"},
)
TITLE = "Gaussian mixtures"
RESAMPLING = ("A Gaussian mixture runs EM in both languages from mclust's hclass(hc(X), k) "
              "partition of each resample, computed by R and shared, for as many iterations as "
              "mclust's me takes; clusterboot's check: noisemclustCBI (nnk = 0), clusGap's: "
              "Mclust(x, G = k)$classification.")
CHOOSE_K_HELP = "BIC per k (mclust's convention)"
CHOOSE_K_TEXT = ("Gaussian mixtures' counterpart: BIC per k of scikit-learn's GaussianMixture "
                 "and mclust's Mclust, in mclust's convention (2 logL - p log n, higher is "
                 "better; scikit-learn's bic() is its negative); --mode matched starts both from "
                 "mclust's partition.")
#: ``--mode exact`` for this method: both languages start from the same partition.
EXACT_START = "both start from mclust's partition"
PUBLIC: dict[str, tuple[str, ...]] = {
    "_compare": ("compare_gmm", "predict_gmm", "gmm_bic_curve", "GmmComparison")}
