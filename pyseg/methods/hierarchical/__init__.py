"""Agglomerative hierarchical clustering: scipy ``linkage`` + cut, R ``hclust`` + ``cutree``."""

from __future__ import annotations

from typing import Any

DESCRIBE = "scipy linkage + cut / R hclust + cutree"
PREDICTION = (
    "hierarchical clustering has no prediction rule: a new customer would change the tree "
    "itself, so neither scipy nor R's hclust assigns new rows"
)

ENGINE_EXPORTS: dict[str, tuple[str, ...]] = {
    "_base": ("LINKAGES", "HierarchicalEngine", "HierarchicalFit", "check_linkage"),
    "_python": ("ScipyHierarchicalEngine",),
    "_r": ("RHierarchicalEngine",),
}
R_ENGINE = "RHierarchicalEngine"
FLAGS: tuple[dict[str, Any], ...] = (
    {"flags": ("--linkage",), "default": "ward", "metavar": "{ward,complete,average,single}",
     "help": "linkage (default ward; R: hclust method \"ward.D2\")"},
)
TITLE = "hierarchical clustering"
RESAMPLING = "Hierarchical clustering cuts its tree at k; clusterboot's check: hclustCBI."
