"""K-Means' section of the method report (``--columns``, ``--scale``, ``--method all``): its
measures and the clusters scatter's titles. Its own ``compare`` summary and classic report are
:mod:`pyseg.cli.compare` and :mod:`pyseg._report`.
"""

from __future__ import annotations

from typing import Any

TITLE = "K-Means"
#: The clusters scatter's panel titles: Python's, R's.
PANELS = ("Python (scikit-learn KMeans)", "R (kmeans), relabelled to Python's numbering")


def measures(c: Any, material: Any) -> list[list[str]]:
    """The section's rows beyond agreement, ARI and NMI."""
    return [["k, mode", f"{c.k}, {c.mode}"],
            ["WCSS (Python / R)", f"{c.python.wcss:.4f} / {c.r.wcss:.4f}"],
            ["Relative WCSS difference", f"{c.wcss_rel_diff:.3g}"]]
