"""DBSCAN: scikit-learn ``DBSCAN`` and R ``dbscan::dbscan``; it finds its own number of clusters
from eps and min points (noise is -1)."""

from __future__ import annotations

from typing import Any

DESCRIBE = "scikit-learn DBSCAN / R dbscan::dbscan"
PREDICTION = (
    "the cluster of the nearest clustered training row (core or border point, noise left out) "
    "within eps, else noise - dbscan::predict's rule, and the same rule on scikit-learn's "
    "NearestNeighbors; an exact tie in distance goes to the lowest training row on both sides"
)

ENGINE_EXPORTS: dict[str, tuple[str, ...]] = {
    "_base": ("NOISE", "DbscanEngine", "DbscanFit", "check_dbscan_parameters"),
    "_python": ("SklearnDbscanEngine",),
    "_r": ("RDbscanEngine",),
}
R_ENGINE = "RDbscanEngine"
#: ``elbow``: the k-nearest-neighbour distances, for choosing eps.
CHOOSE_K = "knn"
FLAGS: tuple[dict[str, Any], ...] = (
    {"flags": ("--eps",), "type": float, "default": None, "metavar": "E",
     "help": "neighbourhood radius (default: the knee of the k-nearest-neighbour distances, "
     "k = min-points - 1)"},
    {"flags": ("--min-points",), "type": int, "default": 5, "metavar": "M",
     "help": "rows within eps that make a core point, the point itself counted (default 5; "
     "minPts in R, min_samples in scikit-learn)"},
)
#: Why DBSCAN cannot be refitted with a given k (``stability`` and ``gap`` say so).
NO_K = "DBSCAN finds its own number of clusters from eps and min points"
TITLE = "DBSCAN"
CHOOSE_K_HELP = "k-nearest-neighbour distances for choosing eps"
CHOOSE_K_TEXT = ("DBSCAN's counterpart for choosing eps: every row's distance to its "
                 "(--min-points - 1)-th nearest neighbour, sorted, in both languages "
                 "(scikit-learn NearestNeighbors, R dbscan::kNNdist), with the knee (kneed) as "
                 "the suggested eps.")
