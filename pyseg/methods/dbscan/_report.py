"""DBSCAN's section of the method report and its ``compare`` summary.

Figures: both languages' k-nearest-neighbour distance curves with the knee and the eps used
(computed in ``_material``), then both languages' clusters with noise as grey crosses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._plots import (
    PYTHON_COLOR,
    R_COLOR,
    _grow_for_legends,
    _legend_below,
    _new_figure,
    figure_to_png_bytes,
)
from pyseg._report import _Figure, cluster_sizes, size_rows
from pyseg.methods._base import summary_head

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from numpy.typing import NDArray

    from pyseg._pipeline import MethodRun

TITLE = "DBSCAN"
#: The clusters scatter's panel titles: Python's, R's.
PANELS = ("Python (scikit-learn DBSCAN)", "R (dbscan::dbscan), relabelled to Python's numbering")
#: What the scatter marks besides the clusters (it has no centers), for its caption.
MARKS = "; noise is grey crosses"
#: The packages it runs on besides R's stats and scikit-learn: (language, package, what for).
PACKAGES = (("R", "dbscan", "dbscan() and kNNdist()"),
            ("Python", "kneed", "the knee of the k-NN distance curve"))


def page_title(c: Any) -> str:
    return (f"pyseg parity report: DBSCAN (eps = {c.eps:.6g}, min_points = {c.min_points}) "
            "in Python and R")


def measures(c: Any, material: Any) -> list[list[str]]:
    """The section's rows beyond agreement, ARI and NMI."""
    rows = [["eps, min_points", f"{c.eps:.6g}, {c.min_points}"],
            ["Clusters (Python / R)", f"{c.python.n_clusters} / {c.r.n_clusters}"],
            ["Noise rows (Python / R)", f"{c.python.n_noise} / {c.r.n_noise}"],
            ["Core points (Python / R)", f"{int(c.python.core.sum())} / {int(c.r.core.sum())}"],
            ["Rows that differ (of which border points)",
             f"{c.differing_rows.size} ({c.border_rows.size})"]]
    knn = getattr(material, "knn", None)
    if knn is not None:
        rows.append(["k-NN distances: largest difference, knee",
                     f"{'-' if knn.max_diff is None else f'{knn.max_diff:.3g}'}, "
                     f"{'none' if knn.knee_eps is None else f'{knn.knee_eps:.4g}'}"])
    return rows


def figure_rows(c: Any, material: Any, prefix: str, clusters: _Figure) -> list[list[_Figure]]:
    """The k-NN distance curves (when computed), then the clusters."""
    knn = getattr(material, "knn", None)
    if knn is None:
        return [[clusters]]
    return [[_Figure(
        f"{prefix}knn_distance.png", "Choosing eps: k-nearest-neighbour distances, Python and R",
        f"Every row's distance to its nearest other row number {knn.k} (k = min_points - 1), "
        "sorted: "
        "scikit-learn's NearestNeighbors and R's dbscan::kNNdist. The knee of the curve "
        "(kneed) suggests eps; the dotted line is the eps this comparison used.",
        figure_to_png_bytes(knn_distance_figure(knn.python, knn.r, knn.k, knn.knee_index,
                                                c.eps)))], [clusters]]


def section(c: Any, material: Any) -> dict[str, Any]:
    """The section's record beyond the common keys: the k-NN curve's summary."""
    knn = getattr(material, "knn", None)
    if knn is None:
        return {}
    return {"knn": {key: value for key, value in knn.to_dict().items()
                    if key not in ("python", "r")}}  # the curves themselves are in the figure


def chosen_lines(chosen: dict[str, Any]) -> list[str]:
    """The ``--method all`` header's line on the eps the run chose itself, if it did."""
    if "eps" not in chosen:
        return []
    return [f"          DBSCAN eps={chosen['eps']:.6g}: the knee of the k-nearest-neighbour "
            "distances (give --eps to choose)"]


def summary_lines(run: MethodRun) -> list[str]:
    """What ``compare --method dbscan`` prints about the comparison."""
    c = run.comparison
    py, r = c.python, c.r
    eps_note = " (the knee of the k-nearest-neighbour distances; give --eps to choose)" \
        if "eps" in run.chosen else ""
    count = max(py.n_clusters, r.n_clusters)
    return [
        *summary_head(c, f"DBSCAN, eps={c.eps:g}{eps_note}, minPts={c.min_points} (the point "
                      "itself counted)", ", noise with noise counted"),
        f"clusters  Python {py.n_clusters} (+ {py.n_noise} noise)   "
        f"R {r.n_clusters} (+ {r.n_noise} noise)",
        "",
        *size_rows(cluster_sizes(py.labels, count), cluster_sizes(r.labels, count)),
        f"{'noise':>7}  {py.n_noise:>7}  {r.n_noise:>6}",
    ]


def knn_distance_figure(python: NDArray[np.float64], r: NDArray[np.float64] | None, k: int,
                        knee_index: int | None, eps: float) -> Figure:
    """Both languages' sorted k-NN distances (``NearestNeighbors`` and ``dbscan::kNNdist``),
    the knee (kneed) marked, and the eps used as a horizontal line."""
    figure = _new_figure(10, 5.2)
    axes = figure.subplots()
    rows = np.arange(1, python.size + 1)
    axes.plot(rows, python, "-", color=PYTHON_COLOR, lw=2.2,
              label="Python: NearestNeighbors, sorted")
    if r is not None:
        axes.plot(rows, r, "--", color=R_COLOR, lw=1.4, label="R: dbscan::kNNdist, sorted")
    if knee_index is not None:
        axes.plot([knee_index + 1], [python[knee_index]], "o", ms=9, mfc="none", mec="black",
                  mew=1.6, label=f"Knee (kneed): {python[knee_index]:.4g}")
    axes.axhline(eps, color="#2ca02c", ls=":", lw=1.6, label=f"eps used: {eps:.4g}")
    axes.set_xlabel("Rows, sorted by their distance")
    axes.set_ylabel(f"Distance to nearest neighbour number {k}")
    axes.set_title(f"k-nearest-neighbour distances (k = {k} = min_points - 1): choosing eps")
    axes.grid(alpha=0.3)
    legend = _legend_below(figure, *axes.get_legend_handles_labels(), "center", max_columns=2)
    _grow_for_legends(figure, [legend], 5.2)
    return figure


def choose_k_text(run: Any, args: Any) -> str:
    """The text of ``elbow --method dbscan``: quantiles of both curves, the knee, the command."""
    curves, n = run.curves, run.dataset.n_rows
    lines = [
        f"data    {run.dataset.source} ({n} rows); features "
        f"{', '.join(run.dataset.feature_names)}",
        f"Python  NearestNeighbors(n_neighbors={curves.k + 1}): distance to the nearest "
        f"neighbour number {curves.k} (the row itself not counted)",
        f"R       dbscan::kNNdist(X, k = {curves.k})",
        "",
        f"{'rows below':>10}  {'Python':>10}  {'R':>10}",
    ]
    for share in (0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99, 1.00):
        index = min(n - 1, max(0, round(share * n) - 1))
        r_value = "-" if curves.r is None else f"{curves.r[index]:.4f}"
        lines.append(f"{share:>10.0%}  {curves.python[index]:>10.4f}  {r_value:>10}")
    lines.append("")
    if curves.max_diff is not None:
        lines.append(f"- The two curves differ by at most {curves.max_diff:.3g}.")
    if curves.knee_eps is None:
        lines.append("- The curve has no knee (kneed found none): choose eps by eye.")
    else:
        lines.append(f"- Knee at row {curves.knee_index + 1} of {n}: eps = {curves.knee_eps:.6g}"
                     f" (try: pyseg compare --method dbscan --eps {curves.knee_eps:.4g} "
                     f"--min-points {run.min_points}).")
    return "\n".join(lines) + "\n"
