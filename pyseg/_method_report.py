"""The report of a hierarchical, DBSCAN or ``--method all`` comparison: ``report.json``, a
self-contained ``report.html`` (``templates/method_report.html.j2``) and the PNG figures.

It draws and writes what the library computed: the comparison, and the material of
:func:`pyseg._method_pipeline.method_report_material` (R's own dendrogram, the k-NN distance
curves) passed in as ``extra``; it runs no engine. Writing is :mod:`pyseg._report`'s: in memory
first, then one atomic rename of a fresh directory, and ``report.json`` is deterministic except
its top-level ``generated_at``.

Figures per method: hierarchical - Python's dendrogram (scipy, matplotlib) beside R's own
``plot(hclust)`` with ``rect.hclust``, both cut at k (R's tree in matplotlib when R did not
draw it), then both languages' clusters; DBSCAN - both k-NN distance curves with the knee and
the eps used, then both languages' clusters with noise as grey crosses; K-Means (in ``--method
all``) - both languages' clusters. With more than two features the scatter plots show the first
two, and the report says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._io import json_ready
from pyseg._method_plots import (
    dendrogram_figure,
    knn_distance_figure,
    method_clusters_figure,
    plotted_columns,
)
from pyseg._plots import figure_to_png_bytes
from pyseg._report import _data_dict, _Figure, _finish, _ReportParts

if TYPE_CHECKING:
    from pyseg._method_pipeline import MethodReportMaterial

TEMPLATE = "method_report.html.j2"
#: Panel titles of the cluster scatter, per method: Python's, R's.
PANELS = {
    "kmeans": ("Python (scikit-learn KMeans)", "R (kmeans), relabelled to Python's numbering"),
    "hierarchical": ("Python (scipy linkage, cut to k)",
                     "R (hclust + cutree), relabelled to Python's numbering"),
    "dbscan": ("Python (scikit-learn DBSCAN)",
               "R (dbscan::dbscan), relabelled to Python's numbering"),
}
METHOD_NAMES = {"kmeans": "K-Means", "hierarchical": "Hierarchical clustering",
                "dbscan": "DBSCAN"}


def _method_of(comparison: Any) -> str:
    return str(comparison.to_dict().get("method", "kmeans"))


def _pct(value: float) -> str:
    return f"{100 * value:.2f} %"


def _measures(method: str, c: Any, knn: Any) -> list[list[str]]:
    rows = [["Rows in the same cluster after alignment (noise with noise)",
             f"{_pct(c.agreement.accuracy)} (required >= {_pct(c.min_agreement)})"],
            ["Adjusted Rand index", f"{c.agreement.ari:.6f}"],
            ["Normalised mutual information", f"{c.agreement.nmi:.6f}"]]
    if method == "hierarchical":
        rows += [["Linkage, k", f"{c.linkage}, {c.k}"],
                 ["Route (Python / R)", f"{c.python.route} / {c.r.route}"],
                 ["Largest difference of the sorted merge heights", f"{c.max_height_diff:.3g}"],
                 ["Findings", ", ".join(c.findings) or "-"],
                 ["Clusters scipy's fcluster(maxclust = k) would give",
                  str(c.python.fcluster_clusters)],
                 ["Tied merge heights in Python's tree", str(c.ties.n_tied_heights)]]
    elif method == "dbscan":
        rows += [["eps, min_points", f"{c.eps:.6g}, {c.min_points}"],
                 ["Clusters (Python / R)", f"{c.python.n_clusters} / {c.r.n_clusters}"],
                 ["Noise rows (Python / R)", f"{c.python.n_noise} / {c.r.n_noise}"],
                 ["Core points (Python / R)",
                  f"{int(c.python.core.sum())} / {int(c.r.core.sum())}"],
                 ["Rows that differ (of which border points)",
                  f"{c.differing_rows.size} ({c.border_rows.size})"]]
        if knn is not None:
            rows.append(["k-NN distances: largest difference, knee",
                         f"{'-' if knn.max_diff is None else f'{knn.max_diff:.3g}'}, "
                         f"{'none' if knn.knee_eps is None else f'{knn.knee_eps:.4g}'}"])
    elif method == "kmeans":
        rows += [["k, mode", f"{c.k}, {c.mode}"],
                 ["WCSS (Python / R)", f"{c.python.wcss:.4f} / {c.r.wcss:.4f}"],
                 ["Relative WCSS difference", f"{c.wcss_rel_diff:.3g}"]]
    return rows


def _clusters(method: str, c: Any, prefix: str) -> _Figure:
    X = np.asarray(c.dataset.X, dtype=np.float64)
    features = list(c.dataset.feature_names)
    noise = "; noise is grey crosses" if method == "dbscan" else "; crosses mark cluster means"
    return _Figure(
        f"{prefix}clusters.png", f"{METHOD_NAMES.get(method, method)}: clusters, Python and R",
        f"Each language's clusters, R's relabelled to Python's numbering so that a colour means "
        f"the same cluster in both panels{noise}. Rows R puts elsewhere than Python are ringed.",
        figure_to_png_bytes(method_clusters_figure(
            X, c.python.labels, c.r.labels, features, PANELS.get(method, ("Python", "R")),
            f"{METHOD_NAMES.get(method, method)} on {', '.join(features)}",
            centroids=method != "dbscan")))


def _dendrograms(c: Any, material: Any, prefix: str) -> list[_Figure]:
    python = _Figure(
        f"{prefix}dendrogram_python.png", "Python's dendrogram (scipy), cut at k",
        f"scipy.cluster.hierarchy.linkage(X, \"{c.linkage}\") drawn by scipy's dendrogram; "
        f"each of the {c.k} clusters in its colour of the scatter plot, the cut dashed.",
        figure_to_png_bytes(dendrogram_figure(c.python.linkage_matrix, c.python.labels, c.k,
                                              "Python: scipy linkage")))
    r_png = getattr(material, "r_dendrogram_png", None)
    if r_png is not None:
        r = _Figure(f"{prefix}dendrogram_r.png", "R's own dendrogram: plot(hclust), cut at k",
                    f"Drawn by R as the course does, with rect.hclust(tree, k = {c.k}) boxing "
                    "the clusters of cutree(tree, k).", r_png)
    else:
        r = _Figure(
            f"{prefix}dendrogram_r.png", "R's dendrogram (hclust's tree, drawn by matplotlib)",
            "R's merges and heights (hclust's merge and height, converted to scipy's form), "
            "coloured by R's clusters in Python's numbering; R did not draw its own here.",
            figure_to_png_bytes(dendrogram_figure(c.r.linkage_matrix, c.r.labels, c.k,
                                                  "R: hclust")))
    return [python, r]


def _knn(c: Any, knn: Any, prefix: str) -> _Figure:
    return _Figure(
        f"{prefix}knn_distance.png", "Choosing eps: k-nearest-neighbour distances, Python and R",
        f"Every row's distance to its nearest other row number {knn.k} (k = min_points - 1), "
        "sorted: "
        "scikit-learn's NearestNeighbors and R's dbscan::kNNdist. The knee of the curve "
        "(kneed) suggests eps; the dotted line is the eps this comparison used.",
        figure_to_png_bytes(knn_distance_figure(knn.python, knn.r, knn.k, knn.knee_index,
                                                c.eps)))


def _section(method: str, c: Any, material: Any, prefix: str,
             parts: _ReportParts) -> dict[str, Any]:
    """One method's part of the page: verdict, measures, diagnosis and its rows of figures."""
    knn = getattr(material, "knn", None)
    rows: list[list[_Figure]] = []
    if method == "hierarchical":
        rows.append(_dendrograms(c, material, prefix))
    if method == "dbscan" and knn is not None:
        rows.append([_knn(c, knn, prefix)])
    if method in PANELS:
        rows.append([_clusters(method, c, prefix)])
    parts.figures.extend(figure for row in rows for figure in row)
    parts.notes.extend(getattr(material, "notes", ()))
    section: dict[str, Any] = {
        "method": method, "title": METHOD_NAMES.get(method, method), "passed": bool(c.passed),
        "measures": _measures(method, c, knn), "diagnosis": list(c.diagnosis),
        "rows": [[figure.file_name for figure in row] for row in rows],
    }
    if knn is not None:
        section["knn"] = json_ready({"k": knn.k, "max_diff": knn.max_diff,
                                     "knee_index": knn.knee_index, "knee_eps": knn.knee_eps})
    return section


def _title(method: str, c: Any) -> str:
    if method == "hierarchical":
        return (f"pyseg parity report: hierarchical clustering ({c.linkage} linkage, k = {c.k}) "
                "in Python and R")
    if method == "dbscan":
        return (f"pyseg parity report: DBSCAN (eps = {c.eps:.6g}, min_points = {c.min_points}) "
                "in Python and R")
    if method == "all":
        return "pyseg parity report: every method on the same features, Python and R"
    return f"pyseg parity report: {METHOD_NAMES.get(method, method)} in Python and R"


def write_method_report(comparison: Any, outdir: Path, *,
                        provenance: dict[str, Any] | None = None,
                        extra: MethodReportMaterial | None = None) -> Path:
    """Write the report of a hierarchical, DBSCAN or ``--method all`` comparison into ``outdir``.

    Parameters
    ----------
    comparison : HierarchicalComparison, DbscanComparison or AllComparison
        (a K-Means :class:`~pyseg.Comparison` too, as one section).
    outdir : Path
        Report directory; created, or replaced if it holds an earlier pyseg report (check it
        first with :func:`pyseg._report.check_report_dir`).
    provenance : dict, optional
        From :func:`pyseg._pipeline.run_provenance`; shown and recorded as given.
    extra : MethodReportMaterial, optional
        From :func:`pyseg._method_pipeline.method_report_material`: R's own dendrogram, the k-NN
        curves, notes. Without it the report shows what needs no engine.

    Returns
    -------
    Path
        ``outdir``.
    """
    method = _method_of(comparison)
    parts = _ReportParts()
    plotted = plotted_columns(comparison.dataset.feature_names)[1]
    if plotted is not None:
        parts.notes.append(plotted)
    recorded = getattr(extra, "recorded_r_results", None)
    if method == "all":
        by_method = getattr(extra, "sections", {}) or {}
        sections = [_section(name, c, by_method.get(name), f"{name}_", parts)
                    for name, c in comparison.comparisons.items()]
        table = json_ready(comparison.rows())
        recorded = recorded or next((m.recorded_r_results for m in by_method.values()
                                     if m.recorded_r_results), None)
    else:
        sections, table = [_section(method, comparison, extra, f"{method}_", parts)], None
    record: dict[str, Any] = {
        "kind": "method-compare", "method": method, "title": _title(method, comparison),
        "data": _data_dict(comparison.dataset), "table": table, "sections": sections,
        "comparison": comparison.to_dict(), "provenance": provenance,
        "recorded_r_results": recorded,
    }
    _finish(Path(outdir), record, parts, TEMPLATE)
    return Path(outdir)
