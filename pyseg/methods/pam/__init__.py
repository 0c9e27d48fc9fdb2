"""PAM (k-medoids): ``kmedoids.pam`` and R ``cluster::pam``, on Euclidean distances or Gower's
(``cluster::daisy``) when a categorical column is among the features."""

from __future__ import annotations

from typing import Any

DESCRIBE = "kmedoids.pam / R cluster::pam (daisy Gower or dist)"
PREDICTION = "nearest medoid, by the fit's distance (pyseg._pam.predict_pam)"

#: Engine names :mod:`pyseg.engines` re-exports, by the module of this package that defines them.
ENGINE_EXPORTS: dict[str, tuple[str, ...]] = {
    "_base": ("DISTANCES", "PamData", "PamEngine", "PamFit", "check_distance"),
    "_python": ("KmedoidsPamEngine",),
    "_r": ("RPamEngine",),
    "_record": ("RPamRecorder", "RecordedPamEngine", "RecordedPamFit"),
}
#: The R engine class of ``_r.py`` (run in the R worker by this name).
R_ENGINE = "RPamEngine"
#: ``compare``'s flags for this method (argparse ``add_argument`` keywords; ``flags``: the
#: names); the help is shown as "<method>: <help>".
FLAGS: tuple[dict[str, Any], ...] = (
    {"flags": ("--distance",), "default": None, "metavar": "{euclidean,gower}",
     "help": "dissimilarity (default euclidean; gower as soon as a categorical column is among "
     "--columns)"},
)
#: The method's name in prose.
TITLE = "PAM"
#: What ``stability --bootstrap`` and ``gap`` refit, and R's own check of it.
RESAMPLING = ("PAM (kmedoids.pam / cluster::pam, Euclidean) is deterministic given the data; "
              "clusterboot's check: claraCBI (usepam = TRUE), clusGap's: pam(x, k, cluster.only "
              "= TRUE).")
#: Names :mod:`pyseg` itself re-exports, by the module of this package that defines them.
PUBLIC: dict[str, tuple[str, ...]] = {"_compare": ("compare_pam", "predict_pam", "PamComparison")}
