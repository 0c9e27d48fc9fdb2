"""Figures of the method reports (hierarchical, DBSCAN, PAM, GMM), drawn with matplotlib's
``Figure`` API (no pyplot), on the helpers of :mod:`pyseg._plots` (figure, palette, legends under
the panels).

Every function draws results computed elsewhere. R's own ``plot(hclust)`` is drawn by R
(:meth:`pyseg.engines.RHierarchicalEngine.dendrogram_png`), not here.
"""

from __future__ import annotations

import itertools
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

    #: A mixture's components: means (k, d) and covariances (k, d, d).
    Gaussians = tuple[NDArray[np.float64], NDArray[np.float64]]

#: Noise in both languages' labels, as pyseg reports it.
NOISE = -1
NOISE_COLOR = "#7f7f7f"
#: Dendrograms of more rows show only the last merges (as TRUNCATED_LEAVES leaves).
DENDROGRAM_LEAVES = 250
TRUNCATED_LEAVES = 60
#: Leaves are labelled with their row numbers up to this many rows.
LABELLED_LEAVES = 60
#: A Gaussian component's ellipse: this many standard deviations (Mahalanobis distance) from its
#: mean; in two dimensions it holds 1 - exp(-2) = 86.5 % of the component.
ELLIPSE_SIGMAS = 2.0
#: Lower edges of the bands of the highest membership probability counted in the GMM report.
CERTAINTY_BANDS = (0.0, 0.9, 0.99)
#: The certainty strip's logit axis ends at 1 - CERTAIN_GAP (probabilities above are drawn there).
CERTAIN_GAP = 1e-6


def plotted_columns(feature_names: Sequence[str]) -> tuple[list[int], str | None]:
    """The columns a scatter shows and a note on what is left out, if any.

    The first two numeric features: a categorical column's 0/1 indicators (``Genre=Male``) are
    skipped when two numeric features exist, since a scatter of 0s and 1s shows nothing.
    """
    names = list(feature_names)
    if len(names) <= 2:
        return list(range(len(names))), None
    numeric = [j for j, name in enumerate(names) if "=" not in name]
    shown = numeric[:2] if len(numeric) >= 2 else [0, 1]
    first = "first two" if shown == [0, 1] else "first two numeric"
    return shown, (f"The scatter plots show the {first} of the {len(names)} features "
                   f"({names[shown[0]]} and {names[shown[1]]}); the clustering used all of "
                   f"them ({', '.join(names)}).")


def _xy(X: NDArray[np.float64], feature_names: Sequence[str]) -> tuple[NDArray[np.float64],
                                                                       list[str]]:
    """The two plotted coordinates and their axis labels (one feature: against the row)."""
    if X.shape[1] == 1:
        return (np.column_stack([X[:, 0], np.arange(1, X.shape[0] + 1)]),
                [feature_names[0], "Row of the data"])
    shown = plotted_columns(feature_names)[0]
    return X[:, shown], [feature_names[j] for j in shown]


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
    *,
    centers: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None,
    centers_label: str = "Medoids",
    ellipses: tuple[Gaussians, Gaussians] | None = None,
) -> Figure:
    """Both languages' clusters side by side, with noise (-1) as grey crosses.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The columns of :func:`plotted_columns` are plotted (one column: against the row number).
    python_labels, r_labels : ndarray
        0-based clusters, noise -1; R's already in Python's numbering, so that a colour means
        the same cluster in both panels.
    feature_names : sequence of str
    panel_titles : (str, str)
        Python's panel title and R's.
    title : str
    centroids : bool, default=True
        Mark each cluster's mean (hierarchical, K-Means); DBSCAN has no centers to mark.
    centers : (ndarray, ndarray), optional
        Python's and R's cluster centers in all features, row j for cluster j (PAM's medoid
        customers, a mixture's component means), marked as stars in the cluster's colour.
    centers_label : str, default="Medoids"
        Their legend entry.
    ellipses : ((means, covariances), (means, covariances)), optional
        Python's and R's Gaussian components (all features): each component's 2-standard-
        deviation ellipse in the plotted columns, dashed, in its cluster's colour.

    Rows that R puts elsewhere than Python (another cluster, or noise on one side only) are
    ringed in black in R's panel.
    """
    X = np.asarray(X, dtype=np.float64)
    xy, axis_names = _xy(X, feature_names)
    shown = plotted_columns(feature_names)[0] if X.shape[1] > 1 else None
    python_labels = np.asarray(python_labels, dtype=np.int64)
    r_labels = np.asarray(r_labels, dtype=np.int64)
    n = int(max(python_labels.max(), r_labels.max(), -1)) + 1
    colors = _palette(max(n, 1))
    figure = _new_figure(13, CLUSTERS_HEIGHT)
    panels = figure.subplots(1, 2, sharex=True, sharey=True)
    for side, (axes, labels) in enumerate(zip(panels, (python_labels, r_labels), strict=True)):
        _labels_panel(axes, xy, labels, n, colors, panel_titles[side], centroids)
        if ellipses is not None and shown is not None:
            _ellipses(axes, *ellipses[side], shown, colors)
        if centers is not None and shown is not None:
            _stars(axes, np.asarray(centers[side], dtype=np.float64)[:, shown], colors,
                   centers_label)
    moved = python_labels != r_labels
    if moved.any():
        panels[1].scatter(xy[moved, 0], xy[moved, 1], s=90, facecolors="none",
                          edgecolors="black", linewidths=1.2,
                          label=f"Elsewhere than in Python ({int(moved.sum())})")
    for axes in panels:
        axes.set_xlabel(_wrap(axis_names[0], LABEL_WRAP), parse_math=False)
        axes.set_ylabel(_wrap(axis_names[1], LABEL_WRAP), parse_math=False)
    legends = [_legend_below(figure, *axes.get_legend_handles_labels(), side, max_columns=3)
               for axes, side in zip(panels, ("left", "right"), strict=True)]
    _grow_for_legends(figure, legends, CLUSTERS_HEIGHT)
    figure.suptitle(_wrap(title, 2 * LABEL_WRAP), parse_math=False)
    return figure


def _stars(axes: Axes, centers: NDArray[np.float64], colors: list[Any], label: str) -> None:
    """Cluster j's center as a large star in its colour, edged in black (one legend entry)."""
    for j, (x, y) in enumerate(centers):
        axes.scatter([x], [y], s=340, marker="*", color=colors[j], edgecolors="black",
                     linewidths=1.3, zorder=4)
    axes.scatter([], [], s=340, marker="*", color="white", edgecolors="black", linewidths=1.3,
                 label=label)  # the legend's star: colourless, every cluster has one


def ellipse_axes(covariance: NDArray[np.float64], sigmas: float = ELLIPSE_SIGMAS
                 ) -> tuple[float, float, float]:
    """Width, height and angle (degrees) of the ``sigmas``-standard-deviation ellipse of a 2 x 2
    covariance: its axes lie along the eigenvectors, ``2 * sigmas * sqrt(eigenvalue)`` long."""
    values, vectors = np.linalg.eigh(np.asarray(covariance, dtype=np.float64))
    values = np.clip(values, 0.0, None)
    angle = float(np.degrees(np.arctan2(vectors[1, 1], vectors[0, 1])))
    return (float(2 * sigmas * np.sqrt(values[1])), float(2 * sigmas * np.sqrt(values[0])),
            angle)


def _ellipses(axes: Axes, means: NDArray[np.float64], covariances: NDArray[np.float64],
              shown: list[int], colors: list[Any]) -> None:
    """Each component's 2-sigma ellipse in the plotted columns, and its mean as a plus."""
    from matplotlib.patches import Ellipse

    means = np.asarray(means, dtype=np.float64)
    covariances = np.asarray(covariances, dtype=np.float64)
    for j in range(means.shape[0]):
        width, height, angle = ellipse_axes(covariances[j][np.ix_(shown, shown)])
        axes.add_patch(Ellipse((means[j, shown[0]], means[j, shown[1]]), width, height,
                               angle=angle, fill=False, ls="--", lw=1.6, color=colors[j],
                               label=f"{ELLIPSE_SIGMAS:g}-sigma ellipses" if j == 0 else None))
    axes.scatter(means[:, shown[0]], means[:, shown[1]], s=160, marker="P", c="black",
                 edgecolors="white", linewidths=1.2, zorder=4, label="Component means")


def certainty_bands(probabilities: NDArray[np.float64]) -> dict[str, int]:
    """How many rows' highest membership probability lies in each of :data:`CERTAINTY_BANDS`."""
    highest = np.max(np.asarray(probabilities, dtype=np.float64), axis=1)
    edges = [*CERTAINTY_BANDS, np.inf]
    return {f"< {high:g}" if low == 0 else f">= {low:g}" if high == np.inf else
            f"{low:g} to {high:g}":
            int(np.sum((highest >= low) & (highest < high)))
            for low, high in itertools.pairwise(edges)}


def certainty_figure(python_probabilities: NDArray[np.float64],
                     r_probabilities: NDArray[np.float64], python_labels: NDArray[np.int64],
                     r_labels: NDArray[np.int64]) -> Figure:
    """"How sure is this assignment": each row's highest membership probability, one dot per
    row in a strip per language (jittered vertically, coloured by its cluster), with the count
    of rows per band of :data:`CERTAINTY_BANDS` beside each strip.

    The x axis is a logit scale (0.5, 0.9, 0.99, 0.999 equally apart), so that the many rows
    near certainty spread out instead of piling up at 1; probabilities above
    1 - :data:`CERTAIN_GAP` are drawn at that edge.
    """
    from matplotlib.ticker import NullLocator

    k = int(np.asarray(python_probabilities).shape[1])
    colors = _palette(max(k, 1))
    figure = _new_figure(13, 3.8)
    axes = figure.subplots()
    rng = np.random.default_rng(0)  # fixed jitter: the same fit draws the same bytes
    strips = (("Python (scikit-learn)", python_probabilities, python_labels),
              ("R (mclust)", r_probabilities, r_labels))
    names = []
    for row, (side, probabilities, labels) in enumerate(strips):
        highest = np.clip(np.max(np.asarray(probabilities, dtype=np.float64), axis=1),
                          None, 1 - CERTAIN_GAP)
        labels = np.asarray(labels, dtype=np.int64)
        y = 1 - row + rng.uniform(-0.3, 0.3, highest.size)
        for cluster in range(k):
            members = labels == cluster
            axes.scatter(highest[members], y[members], s=16, color=colors[cluster], alpha=0.75,
                         label=f"Cluster {cluster}" if row == 0 else None)
        names.append(f"{side}\n" + ", ".join(
            f"{count} {band}" for band, count in reversed(certainty_bands(probabilities).items())))
    for low in CERTAINTY_BANDS[1:]:
        axes.axvline(low, color="#555555", ls=":", lw=1)
    axes.set_xscale("logit")
    lowest = min(0.5, 1.0 / max(k, 1))  # no row's highest probability is below 1/k
    ticks = sorted({lowest, 0.5, *(1 - 10.0 ** -e for e in range(1, 7))})
    axes.set_xticks(ticks, [f"{t:.6g}" for t in ticks])
    axes.xaxis.set_minor_locator(NullLocator())
    axes.set_xlim(lowest * 0.9, 1 - CERTAIN_GAP / 2)
    axes.set_yticks([1, 0], names)
    axes.set_ylim(-0.6, 1.6)
    axes.set_xlabel("Each row's highest membership probability, the probability of its segment "
                    f"(logit scale; at the right edge: above 1 - {CERTAIN_GAP:g})")
    axes.set_title("How sure is each assignment? One dot per row; dotted lines at "
                   + " and ".join(f"{low:g}" for low in CERTAINTY_BANDS[1:]))
    axes.grid(alpha=0.3, axis="x")
    legend = _legend_below(figure, *axes.get_legend_handles_labels(), "center", max_columns=10)
    _grow_for_legends(figure, [legend], 3.8)
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
