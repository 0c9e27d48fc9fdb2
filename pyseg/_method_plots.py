"""Figures of the hierarchical and DBSCAN reports, drawn with matplotlib's ``Figure`` API (no
pyplot), on the helpers of :mod:`pyseg._plots` (figure, palette, legends under the panels).

Every function draws results computed elsewhere. R's own ``plot(hclust)`` is drawn by R
(:meth:`pyseg.engines.RHierarchicalEngine.dendrogram_png`), not here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._plots import (
    CLUSTERS_HEIGHT,
    LABEL_WRAP,
    PYTHON_COLOR,
    R_COLOR,
    _grow_for_legends,
    _legend_below,
    _new_figure,
    _palette,
    _wrap,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from numpy.typing import NDArray

#: Noise in both languages' labels, as pyseg reports it.
NOISE = -1
NOISE_COLOR = "#7f7f7f"
#: Dendrograms of more rows show only the last merges (as TRUNCATED_LEAVES leaves).
DENDROGRAM_LEAVES = 250
TRUNCATED_LEAVES = 60
#: Leaves are labelled with their row numbers up to this many rows.
LABELLED_LEAVES = 60


def plotted_columns(feature_names: Sequence[str]) -> tuple[list[int], str | None]:
    """The columns a scatter shows (the first two) and a note on what is left out, if any."""
    names = list(feature_names)
    if len(names) <= 2:
        return list(range(len(names))), None
    return [0, 1], (f"The scatter plots show the first two of the {len(names)} features "
                    f"({names[0]} and {names[1]}); the clustering used all of them "
                    f"({', '.join(names)}).")


def _xy(X: NDArray[np.float64], feature_names: Sequence[str]) -> tuple[NDArray[np.float64],
                                                                       list[str]]:
    """The two plotted coordinates and their axis labels (one feature: against the row)."""
    if X.shape[1] == 1:
        return (np.column_stack([X[:, 0], np.arange(1, X.shape[0] + 1)]),
                [feature_names[0], "Row of the data"])
    return X[:, :2], list(feature_names[:2])


def _centroids(X: NDArray[np.float64], labels: NDArray[np.int64], n: int) -> NDArray[np.float64]:
    out = np.full((n, X.shape[1]), np.nan)
    for cluster in range(n):
        members = labels == cluster
        if members.any():
            out[cluster] = X[members].mean(axis=0)
    return out


def _labels_panel(axes: Axes, xy: NDArray[np.float64], labels: NDArray[np.int64], n: int,
                  colors: list[Any], title: str, centroids: bool) -> None:
    for cluster in range(n):
        members = labels == cluster
        if members.any():
            axes.scatter(xy[members, 0], xy[members, 1], s=22, color=colors[cluster],
                         alpha=0.85, label=f"Cluster {cluster} (n={int(members.sum())})")
    noise = labels == NOISE
    if noise.any():
        axes.scatter(xy[noise, 0], xy[noise, 1], s=28, marker="x", color=NOISE_COLOR,
                     linewidths=1.2, label=f"Noise (n={int(noise.sum())})")
    if centroids:
        means = _centroids(xy, labels, n)
        finite = ~np.isnan(means).any(axis=1)
        axes.scatter(means[finite, 0], means[finite, 1], s=200, marker="X", c="black",
                     edgecolors="white", linewidths=1.5, label="Cluster means", zorder=3)
    axes.set_title(_wrap(title, LABEL_WRAP), parse_math=False)
    axes.grid(alpha=0.3)


def method_clusters_figure(
    X: NDArray[np.float64],
    python_labels: NDArray[np.int64],
    r_labels: NDArray[np.int64],
    feature_names: Sequence[str],
    panel_titles: tuple[str, str],
    title: str,
    centroids: bool = True,
) -> Figure:
    """Both languages' clusters side by side, with noise (-1) as grey crosses.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The first two columns are plotted (one column: against the row number).
    python_labels, r_labels : ndarray
        0-based clusters, noise -1; R's already in Python's numbering, so that a colour means
        the same cluster in both panels.
    feature_names : sequence of str
    panel_titles : (str, str)
        Python's panel title and R's.
    title : str
    centroids : bool, default=True
        Mark each cluster's mean (hierarchical); DBSCAN has no centers to mark.

    Rows that R puts elsewhere than Python (another cluster, or noise on one side only) are
    ringed in black in R's panel.
    """
    xy, axis_names = _xy(np.asarray(X, dtype=np.float64), feature_names)
    python_labels = np.asarray(python_labels, dtype=np.int64)
    r_labels = np.asarray(r_labels, dtype=np.int64)
    n = int(max(python_labels.max(), r_labels.max(), -1)) + 1
    colors = _palette(max(n, 1))
    figure = _new_figure(13, CLUSTERS_HEIGHT)
    python_axes, r_axes = figure.subplots(1, 2, sharex=True, sharey=True)
    _labels_panel(python_axes, xy, python_labels, n, colors, panel_titles[0], centroids)
    _labels_panel(r_axes, xy, r_labels, n, colors, panel_titles[1], centroids)
    moved = python_labels != r_labels
    if moved.any():
        r_axes.scatter(xy[moved, 0], xy[moved, 1], s=90, facecolors="none", edgecolors="black",
                       linewidths=1.2, label=f"Elsewhere than in Python ({int(moved.sum())})")
    for axes in (python_axes, r_axes):
        axes.set_xlabel(_wrap(axis_names[0], LABEL_WRAP), parse_math=False)
        axes.set_ylabel(_wrap(axis_names[1], LABEL_WRAP), parse_math=False)
    legends = [_legend_below(figure, *axes.get_legend_handles_labels(), side, max_columns=3)
               for axes, side in ((python_axes, "left"), (r_axes, "right"))]
    _grow_for_legends(figure, legends, CLUSTERS_HEIGHT)
    figure.suptitle(_wrap(title, 2 * LABEL_WRAP), parse_math=False)
    return figure


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
    axes.annotate(f"cut for k = {k}", xy=(0.99, cut), xycoords=("axes fraction", "data"),
                  ha="right", va="bottom", fontsize=9)
    leaves = (f"the top {max(TRUNCATED_LEAVES, k)} branches of {n:,} rows (label: rows under it)"
              if truncate else "Rows" if n <= LABELLED_LEAVES else f"{n} rows")
    axes.set_xlabel(leaves)
    axes.set_ylabel(ylabel)
    axes.set_title(_wrap(title, LABEL_WRAP), parse_math=False)
    return figure


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
