"""Gaussian mixtures: scikit-learn ``GaussianMixture`` and R ``mclust::Mclust`` (course mode) or
``mclust::me`` from mclust's own starting partition (exact mode)."""

DESCRIBE = "scikit-learn GaussianMixture / R mclust::Mclust"
PREDICTION = "most probable component and its probability (pyseg._gmm.predict_gmm)"

#: Engine names :mod:`pyseg.engines` re-exports, by the module of this package that defines them.
ENGINE_EXPORTS: dict[str, tuple[str, ...]] = {
    "_base": ("COVARIANCES", "MCLUST_MODELS", "GmmEngine", "GmmFit", "check_covariance"),
    "_python": ("SklearnGmmEngine",),
    "_r": ("RGmmEngine",),
}
#: The R engine class of ``_r.py`` (run in the R worker by this name).
R_ENGINE = "RGmmEngine"
