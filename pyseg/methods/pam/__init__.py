"""PAM (k-medoids): ``kmedoids.pam`` and R ``cluster::pam``, on Euclidean distances or Gower's
(``cluster::daisy``) when a categorical column is among the features."""

from __future__ import annotations

from typing import Any

DESCRIBE = "kmedoids.pam / R cluster::pam (daisy Gower or dist)"
PREDICTION = "the segment of the nearest medoid, by the fit's distance"

ENGINE_EXPORTS: dict[str, tuple[str, ...]] = {
    "_base": ("DISTANCES", "PamData", "PamEngine", "PamFit", "check_distance"),
    "_python": ("KmedoidsPamEngine",),
    "_r": ("RPamEngine",),
    "_record": ("RPamRecorder", "RecordedPamEngine", "RecordedPamFit"),
}
R_ENGINE = "RPamEngine"
FLAGS: tuple[dict[str, Any], ...] = (
    {"flags": ("--distance",), "default": None, "metavar": "{euclidean,gower}",
     "help": "dissimilarity (default euclidean; gower as soon as a categorical column is among "
     "--columns)"},
)
TITLE = "PAM"
RESAMPLING = ("PAM (kmedoids.pam / cluster::pam, Euclidean) is deterministic given the data; "
              "clusterboot's check: claraCBI (usepam = TRUE), clusGap's: pam(x, k, cluster.only "
              "= TRUE).")
PUBLIC: dict[str, tuple[str, ...]] = {"_compare": ("compare_pam", "predict_pam", "PamComparison")}
