"""Hierarchical clustering's section of the method report and its ``compare`` summary.

Figures: Python's dendrogram (scipy, matplotlib) beside R's own ``plot(hclust)`` with
``rect.hclust``, both cut at k (R's tree in matplotlib when R did not draw it), then both
languages' clusters with their means. R's plot is drawn by R
(:meth:`pyseg.engines.RHierarchicalEngine.dendrogram_png`, see ``_material``), not here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._plots import LABEL_WRAP, _new_figure, _palette, _wrap, figure_to_png_bytes
from pyseg._report import _Figure, cluster_sizes, size_rows
from pyseg.methods._base import summary_head
from pyseg.methods.hierarchical._base import VECTOR_WARD_ROWS

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from numpy.typing import NDArray

    from pyseg._pipeline import MethodRun

TITLE = "Hierarchical clustering"
#: The clusters scatter's panel titles: Python's, R's.
PANELS = ("Python (scipy linkage, cut to k)",
          "R (hclust + cutree), relabelled to Python's numbering")
#: The packages it runs on besides R's stats and Python's scipy: (language, package, what for).
PACKAGES = (("R", "fastcluster", f"hclust.vector for ward from {VECTOR_WARD_ROWS:,} rows"),
            ("Python", "fastcluster", f"linkage_vector for ward from {VECTOR_WARD_ROWS:,} rows"))
#: Dendrograms of more rows show only the last merges (as TRUNCATED_LEAVES leaves).
DENDROGRAM_LEAVES = 250
TRUNCATED_LEAVES = 60
#: Leaves are labelled with their row numbers up to this many rows (R's plot too:
#: ``LABELLED_LEAVES`` in ``r_reference/hierarchical.R``).
LABELLED_LEAVES = 60
#: Points between the axes' right edge and the "cut for k" label beside it.
CUT_LABEL_GAP = 6


def page_title(c: Any) -> str:
    return (f"pyseg parity report: hierarchical clustering ({c.linkage} linkage, k = {c.k}) "
            "in Python and R")


def measures(c: Any, material: Any) -> list[list[str]]:
    """The section's rows beyond agreement, ARI and NMI."""
    return [["Linkage, k", f"{c.linkage}, {c.k}"],
            ["Route (Python / R)", f"{c.python.route} / {c.r.route}"],
            ["Largest difference of the sorted merge heights", f"{c.max_height_diff:.3g}"],
            ["Findings", ", ".join(c.findings) or "-"],
            ["Clusters scipy's fcluster(maxclust = k) would give",
             str(c.python.fcluster_clusters)],
            ["Tied merge heights in Python's tree", str(c.ties.n_tied_heights)]]


def figure_rows(c: Any, material: Any, prefix: str, clusters: _Figure) -> list[list[_Figure]]:
    """Both dendrograms side by side, then the clusters."""
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
                    "the clusters of cutree(tree, k); like scipy's, its leaves sit at height 0 "
                    f"(hang = -1) and carry row numbers up to {LABELLED_LEAVES} rows.", r_png)
    else:
        r = _Figure(
            f"{prefix}dendrogram_r.png", "R's dendrogram (hclust's tree, drawn by matplotlib)",
            "R's merges and heights (hclust's merge and height, converted to scipy's form), "
            "coloured by R's clusters in Python's numbering; R did not draw its own here.",
            figure_to_png_bytes(dendrogram_figure(c.r.linkage_matrix, c.r.labels, c.k,
                                                  "R: hclust")))
    return [[python, r], [clusters]]


def summary_lines(run: MethodRun) -> list[str]:
    """What ``compare --method hierarchical`` prints about the comparison."""
    c = run.comparison
    py, r = c.python, c.r
    return [
        *summary_head(c, f"hierarchical, {c.linkage} linkage, k={c.k} (Python: {py.route} "
                      f"route, R: {r.route} route)" + (
                          "" if py.fcluster_clusters in (None, c.k)
                          else f"; fcluster(maxclust={c.k}) would give {py.fcluster_clusters}")),
        f"heights   max |difference| of the sorted merge heights {c.max_height_diff:.3g}",
        "",
        *size_rows(cluster_sizes(py.labels, c.k), cluster_sizes(r.labels, c.k)),
    ]


def _node_clusters(Z: NDArray[np.float64], labels: NDArray[np.int64]) -> NDArray[np.int64]:
    """The cluster of every node of the tree (leaves, then merges), -1 for a merge above the
    cut (its leaves lie in several clusters)."""
    n = Z.shape[0] + 1
    nodes = np.empty(2 * n - 1, dtype=np.int64)
    nodes[:n] = labels
    for j in range(n - 1):
        left, right = nodes[int(Z[j, 0])], nodes[int(Z[j, 1])]
        nodes[n + j] = left if left == right else -1
    return nodes


def cut_height(heights: NDArray[np.float64], k: int) -> float:
    """A height between the last merge kept for k clusters and the first undone."""
    ordered = np.sort(np.asarray(heights, dtype=np.float64))
    kept = ordered.size + 1 - k
    low = ordered[kept - 1] if kept >= 1 else 0.0
    high = ordered[kept] if kept < ordered.size else low
    return float((low + high) / 2)


def dendrogram_figure(Z: NDArray[np.float64], labels: NDArray[np.int64], k: int,
                      title: str, ylabel: str = "Euclidean distances") -> Figure:
    """A scipy dendrogram of ``Z`` cut at ``k``: each cluster's branches in its scatter colour,
    merges above the cut black, the cut as a dashed line.

    Up to :data:`DENDROGRAM_LEAVES` rows every row is a leaf; beyond, only the top
    :data:`TRUNCATED_LEAVES` branches are shown (``truncate_mode="lastp"``), each labelled with
    its number of rows.
    """
    from scipy.cluster.hierarchy import dendrogram

    Z = np.asarray(Z, dtype=np.float64)
    n = Z.shape[0] + 1
    nodes = _node_clusters(Z, np.asarray(labels, dtype=np.int64))
    colors = _palette(max(k, 1))

    def link_color(node: int) -> str:
        from matplotlib.colors import to_hex

        return to_hex(colors[nodes[node]]) if nodes[node] >= 0 else "black"

    figure = _new_figure(7.5, 6.2)
    axes = figure.subplots()
    truncate = n > DENDROGRAM_LEAVES
    dendrogram(Z, ax=axes, link_color_func=link_color,
               no_labels=not truncate and n > LABELLED_LEAVES,
               truncate_mode="lastp" if truncate else None, p=max(TRUNCATED_LEAVES, k),
               show_contracted=truncate, leaf_rotation=90,
               labels=[str(i + 1) for i in range(n)])
    cut = cut_height(Z[:, 2], k)
    axes.axhline(cut, color="black", ls="--", lw=1)
    # The label sits in the margin right of the axes, level with the cut: inside, at the edge, it
    # sat on the line against the frame and over the branches (the layout makes room for it).
    axes.annotate(f"cut for\nk = {k}", xy=(1, cut), xycoords=("axes fraction", "data"),
                  xytext=(CUT_LABEL_GAP, 0), textcoords="offset points", ha="left",
                  va="center", fontsize=9, annotation_clip=False)
    leaves = (f"the top {max(TRUNCATED_LEAVES, k)} branches of {n:,} rows (label: rows under it)"
              if truncate else "Rows" if n <= LABELLED_LEAVES else f"{n} rows")
    axes.set_xlabel(leaves)
    axes.set_ylabel(ylabel)
    axes.set_title(_wrap(title, LABEL_WRAP), parse_math=False)
    return figure
