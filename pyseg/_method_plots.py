"""The clusters scatter of the method reports, drawn with matplotlib's ``Figure`` API (no pyplot),
on the helpers of :mod:`pyseg._plots` (figure, palette, legends under the panels).

It draws results computed elsewhere. What a method marks besides its clusters (medoids,
components' ellipses) its report section draws through the ``decorate`` hook; the method's own
figures live in ``pyseg/methods/<name>/_report.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._plots import (
    CLUSTERS_HEIGHT,
    LABEL_WRAP,
    _grow_for_legends,
    _legend_below,
    _new_figure,
    _palette,
    _wrap,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from numpy.typing import NDArray

    #: Draws a method's marks on one panel: (axes, side 0 Python / 1 R, plotted columns, colours).
    Decorate = Callable[[Axes, int, list[int], list[Any]], None]

#: Noise in both languages' labels, as pyseg reports it.
NOISE = -1
NOISE_COLOR = "#7f7f7f"


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
    decorate: Decorate | None = None,
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
        Mark each cluster's mean (a method without centers of its own).
    decorate : callable, optional
        ``decorate(axes, side, shown, colors)`` draws the method's own marks on each panel
        (side 0 Python, 1 R; ``shown``: the plotted columns of all features), after its
        clusters; not called for one feature.

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
        if decorate is not None and shown is not None:
            decorate(axes, side, shown, colors)
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


