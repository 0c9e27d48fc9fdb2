"""The report's figures, drawn with matplotlib's object-oriented ``Figure`` API (no pyplot).

``Figure`` objects carry their own Agg canvas, so nothing here touches a global backend or needs a
display, and figures are freed with the object. Every function draws results computed elsewhere;
R's own course plot (``cluster::clusplot``) is drawn by R itself
(:meth:`pyseg.engines.REngine.clusplot_png`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

    from matplotlib.figure import Figure
    from numpy.typing import ArrayLike, NDArray

    from pyseg._elbow import ElbowResult

PYTHON_COLOR = "#1f77b4"
R_COLOR = "#d62728"
#: PNG resolution of every figure; fixed so that the same figure gives the same bytes.
DPI = 100


def figure_to_png_bytes(figure: Figure, dpi: int = DPI) -> bytes:
    """Render ``figure`` to PNG bytes (Agg).

    The PNG metadata is limited to the fixed ``Software`` entry, so the same figure always gives
    the same bytes.
    """
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": "pyseg"})
    return buffer.getvalue()


def _new_figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def elbow_figure(result: ElbowResult) -> Figure:
    """WCSS per k of both languages on one chart, with the silhouette per k beside it.

    The k values where the two languages differ are shaded, and each curve's knee is marked.
    """
    figure = _new_figure(12, 4.8)
    wcss_axes, silhouette_axes = figure.subplots(1, 2)
    ks = list(result.k_values)
    python_wcss = [row.python_wcss for row in result.rows]
    r_wcss = [row.r_wcss for row in result.rows]
    for k in result.differing_k:
        wcss_axes.axvspan(k - 0.4, k + 0.4, color="#ffd8a8", alpha=0.6, lw=0)
    wcss_axes.plot(ks, python_wcss, "o-", color=PYTHON_COLOR, label="Python (scikit-learn)")
    wcss_axes.plot(ks, r_wcss, "s--", color=R_COLOR, label="R (kmeans)", markerfacecolor="none")
    for knee, color, side in ((result.python_knee, PYTHON_COLOR, "Python"),
                              (result.r_knee, R_COLOR, "R")):
        if knee is not None:
            wcss_axes.axvline(knee, color=color, lw=1, ls=":", label=f"{side} knee: k = {knee}")
    if result.differing_k:
        from matplotlib.patches import Patch

        handles, labels = wcss_axes.get_legend_handles_labels()
        handles.append(Patch(color="#ffd8a8", alpha=0.6))
        labels.append("k where Python and R differ")
        wcss_axes.legend(handles, labels)
    else:
        wcss_axes.legend()
    wcss_axes.set_title(f"Elbow method ({result.mode} settings)")
    wcss_axes.set_xlabel("Number of clusters k")
    wcss_axes.set_ylabel("WCSS (sum of squared distances to centers)")
    wcss_axes.set_xticks(ks)
    wcss_axes.grid(alpha=0.3)

    scored = [row for row in result.rows if row.python_silhouette is not None]
    silhouette_axes.plot([row.k for row in scored], [row.python_silhouette for row in scored],
                         "o-", color=PYTHON_COLOR, label="Python (sklearn.metrics)")
    silhouette_axes.plot([row.k for row in scored], [row.r_silhouette for row in scored],
                         "s--", color=R_COLOR, label="R (cluster::silhouette)",
                         markerfacecolor="none")
    silhouette_axes.set_title("Mean silhouette width per k (higher is better)")
    silhouette_axes.set_xlabel("Number of clusters k")
    silhouette_axes.set_ylabel("Mean silhouette width (-1 to 1)")
    silhouette_axes.set_xticks(ks)
    silhouette_axes.grid(alpha=0.3)
    silhouette_axes.legend()
    return figure


def _palette(n_colors: int) -> list[tuple[float, float, float, float]]:
    from matplotlib import colormaps

    cmap = colormaps["tab10" if n_colors <= 10 else "tab20"]
    return [cmap(i % cmap.N) for i in range(n_colors)]


def clusters_side_by_side_figure(
    X: NDArray[np.float64],
    python_labels: ArrayLike,
    python_centers: NDArray[np.float64],
    r_labels: ArrayLike,
    r_centers: NDArray[np.float64],
    feature_names: Sequence[str],
    python_names: Sequence[str] | None = None,
    r_names: Sequence[str] | None = None,
) -> Figure:
    """The clusters of each language side by side, coloured and named by segment.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
        The two plotted features.
    python_labels, r_labels : array-like of shape (n_samples,)
        0-based labels; R's already aligned to Python's numbering so that a colour means the same
        cluster in both panels.
    python_centers, r_centers : ndarray of shape (n_clusters, 2)
        Centers in the same numbering (rows of NaN are skipped).
    feature_names : sequence of str, length 2
        Axis labels (the CSV headers carry the units, e.g. ``"Annual Income (k$)"``).
    python_names, r_names : sequence of str, optional
        Segment name per cluster; default ``"Cluster 1"``, ``"Cluster 2"``, ...

    Rows that R puts in a different cluster than Python are ringed in black in the R panel.
    """
    python_labels = np.asarray(python_labels, dtype=np.int64)
    r_labels = np.asarray(r_labels, dtype=np.int64)
    n_colors = int(max(python_labels.max(), r_labels.max(), len(python_centers) - 1,
                       len(r_centers) - 1)) + 1
    colors = _palette(n_colors)
    figure = _new_figure(13, 6.6)
    axes_pair = figure.subplots(1, 2, sharex=True, sharey=True)
    panels = (
        ("Python (scikit-learn)", python_labels, python_centers, python_names),
        ("R (kmeans), relabelled to Python's numbering", r_labels, r_centers, r_names),
    )
    for axes, (title, labels, centers, names) in zip(axes_pair, panels, strict=True):
        for cluster in range(n_colors):
            members = labels == cluster
            if not members.any():
                continue
            name = names[cluster] if names is not None and cluster < len(names) else (
                f"Cluster {cluster + 1}")
            axes.scatter(X[members, 0], X[members, 1], s=22, color=colors[cluster],
                         label=f"{name} (n={int(members.sum())})", alpha=0.85)
        finite = ~np.isnan(centers).any(axis=1)
        axes.scatter(centers[finite, 0], centers[finite, 1], s=220, marker="X", c="black",
                     edgecolors="white", linewidths=1.5, label="Centers", zorder=3)
        axes.set_title(title)
        axes.set_xlabel(feature_names[0])
        axes.set_ylabel(feature_names[1])
        axes.grid(alpha=0.3)
    moved = python_labels != r_labels
    if moved.any():
        axes_pair[1].scatter(X[moved, 0], X[moved, 1], s=90, facecolors="none",
                             edgecolors="black", linewidths=1.2,
                             label=f"In another cluster than in Python ({int(moved.sum())})")
    for axes in axes_pair:
        # Below the panel, so the legend never hides points.
        axes.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3)
    figure.suptitle("Clusters of customers")
    return figure


def confusion_figure(
    confusion: ArrayLike,
    row_names: Sequence[str] | None = None,
    column_names: Sequence[str] | None = None,
) -> Figure:
    """The confusion matrix after alignment as an annotated heat map.

    Parameters
    ----------
    confusion : array-like of shape (n_python, n_r)
        Rows: Python's clusters; columns: R's clusters relabelled to Python's numbering, so
        agreement is on the diagonal.
    row_names, column_names : sequence of str, optional
        Tick labels; default ``"Cluster 1"``, ...
    """
    table = np.asarray(confusion, dtype=np.int64)
    n_rows, n_columns = table.shape
    row_names = list(row_names) if row_names is not None else [
        f"Cluster {i + 1}" for i in range(n_rows)]
    column_names = list(column_names) if column_names is not None else [
        f"Cluster {j + 1}" for j in range(n_columns)]
    figure = _new_figure(1.2 * n_columns + 3.5, 0.9 * n_rows + 2.2)
    axes = figure.subplots()
    image = axes.imshow(table, cmap="Blues", vmin=0)
    threshold = table.max() / 2 if table.size else 0
    for i in range(n_rows):
        for j in range(n_columns):
            axes.text(j, i, str(table[i, j]), ha="center", va="center",
                      color="white" if table[i, j] > threshold else "black")
    axes.set_xticks(range(n_columns), column_names, rotation=30, ha="right")
    axes.set_yticks(range(n_rows), row_names)
    axes.set_xlabel("R cluster (aligned to Python)")
    axes.set_ylabel("Python cluster")
    axes.set_title("Rows per cluster pair after alignment (agreement on the diagonal)")
    figure.colorbar(image, ax=axes, label="Number of customers")
    return figure
