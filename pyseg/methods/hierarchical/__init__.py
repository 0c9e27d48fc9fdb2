"""Agglomerative hierarchical clustering: scipy ``linkage`` + cut, R ``hclust`` + ``cutree``."""

from __future__ import annotations

from typing import Any

DESCRIBE = "scipy linkage + cut / R hclust + cutree"
#: Why ``predict`` has no rule for this method.
PREDICTION = (
    "hierarchical clustering has no prediction rule: a new customer would change the tree "
    "itself, so neither scipy nor R's hclust assigns new rows"
)

#: Engine names :mod:`pyseg.engines` re-exports, by the module of this package that defines them.
ENGINE_EXPORTS: dict[str, tuple[str, ...]] = {
    "_base": ("LINKAGES", "HierarchicalEngine", "HierarchicalFit", "check_linkage"),
    "_python": ("ScipyHierarchicalEngine",),
    "_r": ("RHierarchicalEngine",),
}
#: The R engine class of ``_r.py`` (run in the R worker by this name).
R_ENGINE = "RHierarchicalEngine"
#: ``compare``'s flags for this method (argparse ``add_argument`` keywords; ``flags``: the
#: names); the help is shown as "<method>: <help>".
FLAGS: tuple[dict[str, Any], ...] = (
    {"flags": ("--linkage",), "default": "ward", "metavar": "{ward,complete,average,single}",
     "help": "linkage (default ward; R: hclust method \"ward.D2\")"},
)
#: The method's name in prose.
TITLE = "hierarchical clustering"
#: What ``stability --bootstrap`` and ``gap`` refit, and R's own check of it.
RESAMPLING = "Hierarchical clustering cuts its tree at k; clusterboot's check: hclustCBI."
