"""Gaussian mixtures: scikit-learn ``GaussianMixture`` and R ``mclust::Mclust`` (course mode) or
``mclust::me`` from mclust's own starting partition (exact mode)."""

from __future__ import annotations

from typing import Any

DESCRIBE = "scikit-learn GaussianMixture / R mclust::Mclust"
PREDICTION = "most probable component and its probability (pyseg._gmm.predict_gmm)"

#: Engine names :mod:`pyseg.engines` re-exports, by the module of this package that defines them.
ENGINE_EXPORTS: dict[str, tuple[str, ...]] = {
    "_base": ("COVARIANCES", "MCLUST_MODELS", "GmmEngine", "GmmFit", "check_covariance"),
    "_python": ("SklearnGmmEngine",),
    "_r": ("RGmmEngine",),
    "_record": ("RGmmRecorder", "RecordedGmmEngine", "RecordedGmmFit"),
}
#: The R engine class of ``_r.py`` (run in the R worker by this name).
R_ENGINE = "RGmmEngine"
#: How ``elbow`` helps choose k for this method: the BIC per k.
CHOOSE_K = "bic"
#: ``compare``'s flags for this method (argparse ``add_argument`` keywords; ``flags``: the
#: names); the help is shown as "<method>: <help>".
FLAGS: tuple[dict[str, Any], ...] = (
    {"flags": ("--covariance",), "default": "full", "metavar": "{full,diag,spherical,tied}",
     "help": "covariance type (mclust VVV, VVI, VII, EEE; default full)"},
)
