"""The report of a hierarchical, DBSCAN, PAM, GMM or ``--method all`` comparison:
``report.json``, a self-contained ``report.html`` (``templates/method_report.html.j2``) and the
PNG figures.

It draws and writes what the library computed: the comparison, and the material of
:func:`pyseg._method_pipeline.method_report_material` (R's own dendrogram, the k-NN distance
curves, the BIC per k, the packages' versions) passed in as ``extra``; it runs no engine.
Writing is :mod:`pyseg._report`'s: in memory first, then one atomic rename of a fresh
directory, and ``report.json`` is deterministic except its top-level ``generated_at``.

Figures per method: hierarchical - Python's dendrogram (scipy, matplotlib) beside R's own
``plot(hclust)`` with ``rect.hclust``, both cut at k (R's tree in matplotlib when R did not
draw it), then both languages' clusters; DBSCAN - both k-NN distance curves with the knee and
the eps used, then both languages' clusters with noise as grey crosses; PAM - the medoid
customers of both languages as a table, both languages' clusters with the medoids as stars;
GMM - both languages' clusters with each component's 2-sigma ellipse, each row's highest
membership probability per language ("how sure is this assignment"), and the BIC per k of both
languages; K-Means (in ``--method all``) - both languages' clusters. With more
than two features the scatter plots show the first two numeric ones, and the report says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._io import json_ready
from pyseg._method_plots import (
    ELLIPSE_SIGMAS,
    certainty_bands,
    certainty_figure,
    dendrogram_figure,
    knn_distance_figure,
    method_clusters_figure,
    plotted_columns,
)
from pyseg._plots import figure_to_png_bytes
from pyseg._report import _data_dict, _Figure, _finish, _ReportParts
from pyseg.methods.gmm._plots import MCLUST_NAMES, best_k, bic_figure

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
    "pam": ("Python (kmedoids.pam)", "R (cluster::pam), relabelled to Python's numbering"),
    "gmm": ("Python (scikit-learn GaussianMixture)",
            "R (mclust::Mclust), relabelled to Python's numbering"),
}
METHOD_NAMES = {"kmeans": "K-Means", "hierarchical": "Hierarchical clustering",
                "dbscan": "DBSCAN", "pam": "PAM (k-medoids)", "gmm": "Gaussian mixture"}
#: How each GMM mode starts EM.
START = {"course": "each library starts its own way",
         "exact": "both start from mclust's partition, tolerance 1e-12"}
#: What each scatter marks besides the clusters, for its caption.
MARKS = {"dbscan": "; noise is grey crosses",
         "pam": "; stars mark each language's medoid customers (the medoid of a cluster in the "
                "cluster's colour)",
         "gmm": f"; dashed: each component's {ELLIPSE_SIGMAS:g}-standard-deviation ellipse (86.5 "
                "% of a two-dimensional Gaussian lies inside), black plus: its mean, from each "
                "language's own fitted means and covariances"}


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
    elif method in ("pam", "gmm"):
        rows += (_pam_measures if method == "pam" else _gmm_measures)(c)
    elif method == "kmeans":
        rows += [["k, mode", f"{c.k}, {c.mode}"],
                 ["WCSS (Python / R)", f"{c.python.wcss:.4f} / {c.r.wcss:.4f}"],
                 ["Relative WCSS difference", f"{c.wcss_rel_diff:.3g}"]]
    return rows


def _pam_measures(c: Any) -> list[list[str]]:
    same = ("yes" if c.same_medoids else
            "as customers: the rows that differ hold identical values" if not c.medoids_differing
            else f"no: {c.medoids_differing} of {c.k} medoids differ")
    return [["k, distance", f"{c.k}, {c.distance}"],
            ["Same medoids in both languages", same],
            ["Objective, the mean distance to the medoid (Python / R)",
             f"{c.python.objective:.12g} / {c.r.objective:.12g}"],
            ["Relative difference of the objectives", f"{c.objective_rel_diff:.3g}"],
            [f"Largest difference of the two sides' {c.distance} distances, max |dD|",
             "not checked (too many rows)" if c.max_distance_diff is None
             else f"{c.max_distance_diff:.3g}"],
            ["Rows equally near two medoids (tied)", str(c.tied_rows)],
            ["Rows in different clusters that are such ties", str(c.moved_ties)]]


def _gmm_measures(c: Any) -> list[list[str]]:
    mode = f"{c.mode}: {START.get(c.mode, '')}"
    return [["k, covariance (mclust model)",
             f"{c.k}, {c.covariance} ({MCLUST_NAMES.get(c.covariance, '?')})"],
            ["Mode", mode],
            ["Log-likelihood (Python / R)", f"{c.python.loglik:.6f} / {c.r.loglik:.6f}"],
            ["|dlogL|", f"{abs(c.loglik_diff):.3g}"],
            ["BIC, mclust's convention 2 logL - p log n, higher is better (Python / R)",
             f"{c.python.bic:.4f} / {c.r.bic:.4f}"],
            ["Largest difference of a membership probability", f"{c.max_probability_diff:.3g}"],
            ["EM iterations (Python / R)",
             " / ".join("not reported" if n is None else str(n)
                        for n in (c.python.n_iter, c.r.n_iter))]]


def _cluster_marks(method: str, c: Any, X: Any) -> dict[str, Any]:
    """The scatter's extra marks: PAM's medoids, GMM's ellipses (none: cluster means)."""
    if method == "pam":
        return {"centroids": False, "centers": (X[c.python.medoids], X[c.r.medoids]),
                "centers_label": "Medoid customers"}
    if method == "gmm":
        return {"centroids": False,
                "ellipses": ((c.python.means, c.python.covariances),
                             (c.r.means, c.r.covariances))}
    return {"centroids": method != "dbscan"}


def _clusters(method: str, c: Any, prefix: str) -> _Figure:
    X = np.asarray(c.dataset.X, dtype=np.float64)
    features = list(c.dataset.feature_names)
    clustered = list(c.data.columns.names) if method == "pam" else features  # Gower: as read
    marks = MARKS.get(method, "; crosses mark cluster means")
    shown = plotted_columns(features)[1]
    shown = "" if shown is None else " " + shown.replace("The scatter plots show", "Shown:")
    return _Figure(
        f"{prefix}clusters.png", f"{METHOD_NAMES.get(method, method)}: clusters, Python and R",
        f"Each language's clusters, R's relabelled to Python's numbering so that a colour means "
        f"the same cluster in both panels{marks}. Rows R puts elsewhere than Python are ringed."
        f"{shown}",
        figure_to_png_bytes(method_clusters_figure(
            X, c.python.labels, c.r.labels, features, PANELS.get(method, ("Python", "R")),
            f"{METHOD_NAMES.get(method, method)} on {', '.join(clustered)}",
            **_cluster_marks(method, c, X))))


def _medoid_table(c: Any) -> dict[str, Any]:
    """Both languages' medoid customers, cluster by cluster (Python's numbering)."""
    names = list(c.data.columns.names)
    python, r = c.medoid_customers(c.python), c.medoid_customers(c.r)
    rows = []
    for j, (mine, theirs) in enumerate(zip(python, r, strict=True)):
        same = ("same row" if theirs["row"] == mine["row"] else
                "same values, another row" if theirs["values"] == mine["values"] else "no")
        for side, customer, fit, note in (("Python", mine, c.python, ""),
                                          ("R", theirs, c.r, same)):
            rows.append([str(j), side, customer["id"] or "-", str(customer["row"]),
                         *(_cell(customer["values"][name]) for name in names),
                         str(int(np.sum(fit.labels == j))), note])
    return {"id": "medoids", "title": "Medoid customers, Python and R",
            "caption": "Each cluster's medoid: the customer PAM chose to represent it (PAM "
                       "minimises the total distance of every customer to its nearest medoid). "
                       "CustomerID from the data, row counted from 0; each R medoid is listed "
                       "under the Python cluster its cluster matches.",
            "header": ["Cluster", "Language", "CustomerID", "Row (from 0)", *names,
                       "Customers in the cluster", "Same medoid as Python's"],
            "rows": rows}


def _cell(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


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


def _certainty(c: Any, prefix: str) -> _Figure:
    return _Figure(
        f"{prefix}certainty.png", "How sure is each assignment? Python and R",
        "Every row's highest membership probability (scikit-learn's predict_proba, mclust's z): "
        "the probability that it belongs to the segment it was given. One dot per row, "
        "coloured by its cluster, jittered up and down within its language's strip; beside "
        "each language, how many rows fall below 0.9, from 0.9 to 0.99, and at 0.99 or above.",
        figure_to_png_bytes(certainty_figure(c.python.probabilities, c.r.probabilities,
                                             c.python.labels, c.r.labels)))


def _bic(curve: Any, k: int, prefix: str) -> _Figure:
    return _Figure(
        f"{prefix}bic.png", "BIC per number of components, Python and R",
        f"Both languages' mixtures at k = {curve.ks[0]}..{curve.ks[-1]} ({curve.mode} mode: "
        f"{START[curve.mode]}), BIC in mclust's convention 2 logL - p log n: higher is better; "
        "scikit-learn's bic() is its negative. Each side's best k is marked; shaded k are where "
        f"the two BICs differ. This comparison used k = {k}.",
        figure_to_png_bytes(bic_figure(curve)))


def _figure_rows(method: str, c: Any, material: Any, prefix: str) -> list[list[_Figure]]:
    knn = getattr(material, "knn", None)
    rows: list[list[_Figure]] = []
    if method == "hierarchical":
        rows.append(_dendrograms(c, material, prefix))
    if method == "dbscan" and knn is not None:
        rows.append([_knn(c, knn, prefix)])
    if method in PANELS:
        rows.append([_clusters(method, c, prefix)])
    if method == "gmm":
        rows.append([_certainty(c, prefix)])
        if getattr(material, "bic", None) is not None:
            rows.append([_bic(material.bic, c.k, prefix)])
    return rows


def _section(method: str, c: Any, material: Any, prefix: str,
             parts: _ReportParts) -> dict[str, Any]:
    """One method's part of the page: verdict, measures, tables, diagnosis, rows of figures."""
    knn = getattr(material, "knn", None)
    rows = _figure_rows(method, c, material, prefix)
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
    if method == "pam":
        section["tables"] = [_medoid_table(c)]
    if method == "gmm":
        section["certainty"] = {"python": certainty_bands(c.python.probabilities),
                                "r": certainty_bands(c.r.probabilities)}
        curve = getattr(material, "bic", None)
        if curve is not None:
            section["bic"] = json_ready({**curve.to_dict(),
                                         "best_k_python": best_k(curve.ks, curve.python_bic),
                                         "best_k_r": best_k(curve.ks, curve.r_bic)})
    return section


def _title(method: str, c: Any) -> str:
    if method == "hierarchical":
        return (f"pyseg parity report: hierarchical clustering ({c.linkage} linkage, k = {c.k}) "
                "in Python and R")
    if method == "dbscan":
        return (f"pyseg parity report: DBSCAN (eps = {c.eps:.6g}, min_points = {c.min_points}) "
                "in Python and R")
    if method == "pam":
        return f"pyseg parity report: PAM (k = {c.k}, {c.distance} distance) in Python and R"
    if method == "gmm":
        return (f"pyseg parity report: Gaussian mixture (k = {c.k}, {c.covariance} = mclust "
                f"{MCLUST_NAMES.get(c.covariance, '?')}, {c.mode} mode) in Python and R")
    if method == "all":
        return "pyseg parity report: every method on the same features, Python and R"
    return f"pyseg parity report: {METHOD_NAMES.get(method, method)} in Python and R"


def write_method_report(comparison: Any, outdir: Path, *,
                        provenance: dict[str, Any] | None = None,
                        extra: MethodReportMaterial | None = None) -> Path:
    """Write the report of a hierarchical, DBSCAN, PAM, GMM or ``--method all`` comparison into
    ``outdir``.

    Parameters
    ----------
    comparison : object
        A HierarchicalComparison, DbscanComparison, PamComparison, GmmComparison or
        AllComparison (a K-Means :class:`~pyseg.Comparison` too, as one section).
    outdir : Path
        Report directory; created, or replaced if it holds an earlier pyseg report (check it
        first with :func:`pyseg._report.check_report_dir`).
    provenance : dict, optional
        From :func:`pyseg._pipeline.run_provenance`; shown and recorded as given, plus
        ``method_packages`` (the packages the methods ran on, with versions) from ``extra``.
    extra : MethodReportMaterial, optional
        From :func:`pyseg._method_pipeline.method_report_material`: R's own dendrogram, the k-NN
        curves, the BIC per k, the R packages, notes. Without it the report shows what needs no
        engine.

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
    packages = getattr(extra, "packages", None)
    if provenance is not None and packages:
        provenance = {**provenance, "method_packages": packages}
    record: dict[str, Any] = {
        "kind": "method-compare", "method": method, "title": _title(method, comparison),
        "data": _data_dict(comparison.dataset), "table": table, "sections": sections,
        "comparison": comparison.to_dict(), "provenance": provenance,
        "recorded_r_results": recorded,
    }
    _finish(Path(outdir), record, parts, TEMPLATE)
    return Path(outdir)
