"""What a hierarchical, DBSCAN or ``--method all`` report needs beyond the comparison itself:
R's own dendrogram (drawn by R), both languages' k-nearest-neighbour distance curves, and what
was left out. Computed here, with the engines; :mod:`pyseg._method_report` only draws and writes.

    material = method_report_material(comparison)            # R's plot, kNN curves
    write_method_report(comparison, outdir, provenance=..., extra=material)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pyseg._dbscan import KnnDistances, knn_distance_curves
from pyseg._errors import RUnavailableError
from pyseg.engines import RecordedMethodEngine, RHierarchicalEngine
from pyseg.engines._methods_base import R_HCLUST_METHOD

#: R draws its own dendrogram up to this many rows (plot.hclust of every leaf: 2.5 s at 10,000
#: rows, unreadable long before); beyond, the report says so and shows the truncated matplotlib
#: trees of both languages.
MAX_R_DENDROGRAM_ROWS = 10_000


@dataclass(frozen=True)
class MethodReportMaterial:
    """What :func:`pyseg._method_report.write_method_report` shows besides the comparison.

    Attributes
    ----------
    r_dendrogram_png : bytes or None
        Hierarchical: R's ``plot(hclust)`` with ``rect.hclust(tree, k)``, drawn by R.
    knn : KnnDistances or None
        DBSCAN: both languages' sorted k-NN distances (k = min_points - 1) and the knee.
    notes : tuple of str
        What was left out, and why.
    recorded_r_results : dict or None
        :meth:`RecordedMethodEngine.summary` when R's side was replayed.
    sections : dict of str to MethodReportMaterial
        ``--method all``: the material of each method's section.
    """

    r_dendrogram_png: bytes | None = field(default=None, repr=False)
    knn: KnnDistances | None = None
    notes: tuple[str, ...] = ()
    recorded_r_results: dict[str, Any] | None = None
    sections: dict[str, MethodReportMaterial] = field(default_factory=dict)


def _method_of(comparison: Any) -> str:
    return str(comparison.to_dict().get("method", "kmeans")) if hasattr(
        comparison, "to_dict") else "kmeans"


def _hierarchical(comparison: Any, r_results: Path | None) -> MethodReportMaterial:
    X = np.ascontiguousarray(comparison.dataset.X, dtype=np.float64)
    if r_results is not None:
        return MethodReportMaterial(
            notes=(f"R's own dendrogram is not shown: R's side was replayed from {r_results}, "
                   "which holds R's numbers, not its plots (drop --r-results to draw it).",),
            recorded_r_results=RecordedMethodEngine(r_results, "hierarchical").summary())
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


def _dbscan(comparison: Any, r_results: Path | None) -> MethodReportMaterial:
    k = max(1, comparison.min_points - 1)
    notes: list[str] = []
    recorded = None
    if r_results is not None:
        notes.append(f"R's k-nearest-neighbour distances are not shown: R's side was replayed "
                     f"from {r_results}, which holds R's fits only (drop --r-results to add "
                     "them).")
        recorded = RecordedMethodEngine(r_results, "dbscan").summary()
    if k >= comparison.dataset.X.shape[0]:
        notes.append(f"No k-nearest-neighbour plot: k = {k} needs more rows.")
        return MethodReportMaterial(notes=tuple(notes), recorded_r_results=recorded)
    knn = knn_distance_curves(comparison.dataset, k, with_r=r_results is None)
    return MethodReportMaterial(knn=knn, notes=tuple(notes), recorded_r_results=recorded)


def method_report_material(comparison: Any, *, r_results: Path | str | None = None
                           ) -> MethodReportMaterial:
    """Compute what the report of ``comparison`` shows besides the comparison itself.

    Parameters
    ----------
    comparison : HierarchicalComparison, DbscanComparison, AllComparison or Comparison
        From :func:`pyseg._methods.compare_method` or :func:`pyseg._methods.compare_all`.
    r_results : path-like, optional
        The ``--r-results`` file R's side was replayed from: R's own plots and curves are then
        left out (with a note) and the recording is summarised.

    Returns
    -------
    MethodReportMaterial
        For ``--method all``, one section per method that ran.
    """
    path = None if r_results is None else Path(r_results)
    method = _method_of(comparison)
    if method == "all":
        return MethodReportMaterial(sections={
            name: method_report_material(c, r_results=path if name != "kmeans" else None)
            for name, c in comparison.comparisons.items()})
    if method == "hierarchical":
        return _hierarchical(comparison, path)
    if method == "dbscan":
        return _dbscan(comparison, path)
    return MethodReportMaterial()
