"""What hierarchical clustering's report shows beyond the comparison: R's own dendrogram, drawn
by R (``plot(hclust)`` with ``rect.hclust``), computed here with R's engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from pyseg._errors import RUnavailableError
from pyseg._method_pipeline import MethodReportMaterial
from pyseg.engines import RHierarchicalEngine
from pyseg.methods.hierarchical._base import R_HCLUST_METHOD

#: R draws its own dendrogram up to this many rows (plot.hclust of every leaf: 2.5 s at 10,000
#: rows, unreadable long before); beyond, the report says so and shows the truncated matplotlib
#: trees of both languages.
MAX_R_DENDROGRAM_ROWS = 10_000


def material(comparison: Any, r_results: Path | None) -> MethodReportMaterial:
    """R's dendrogram, or a note on why it is not drawn."""
    X = np.ascontiguousarray(comparison.dataset.X, dtype=np.float64)
    if r_results is not None:
        return MethodReportMaterial(notes=(
            f"R's own dendrogram is not shown: R's side was replayed from {r_results}, "
            "which holds R's numbers, not its plots (drop --r-results to draw it).",))
    if X.shape[0] > MAX_R_DENDROGRAM_ROWS:
        return MethodReportMaterial(notes=(
            f"R's own plot(hclust) is not drawn for {X.shape[0]:,} rows (more than "
            f"{MAX_R_DENDROGRAM_ROWS:,} leaves cannot be told apart); both languages' trees "
            "are shown truncated to their last merges instead.",))
    tree = ("fastcluster::hclust.vector(X, \"ward\")" if comparison.r.route == "vector"
            else f"hclust(dist(X), \"{R_HCLUST_METHOD[comparison.linkage]}\")")
    title = f"R: plot({tree}); rect.hclust(tree, k = {comparison.k})"
    try:
        png = RHierarchicalEngine().dendrogram_png(X, comparison.linkage, title=title,
                                                   width=750, height=620, k=comparison.k)
    except RUnavailableError as exc:
        return MethodReportMaterial(notes=(f"R's own dendrogram is not shown: {exc}",))
    return MethodReportMaterial(r_dendrogram_png=png)
