"""The report's figures, drawn with matplotlib's object-oriented ``Figure`` API (no pyplot).

``Figure`` objects carry their own Agg canvas, so nothing here touches a global backend or needs a
display, and figures are freed with the object. Every function draws results computed elsewhere;
R's own course plot (``cluster::clusplot``) is drawn by R itself
(:meth:`pyseg.engines.REngine.clusplot_png`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend
    from numpy.typing import ArrayLike, NDArray

    from pyseg.methods.kmeans._elbow import ElbowResult

PYTHON_COLOR = "#1f77b4"
R_COLOR = "#d62728"
#: PNG resolution of every figure; fixed so that the same figure gives the same bytes.
DPI = 100
#: Height in inches of the cluster figure without its legends (they add their own height).
CLUSTERS_HEIGHT = 6.0
#: Legend text size (points); characters per line of a legend (shared by its columns) and of
#: an axis label, beyond which the text wraps.
LEGEND_FONT_SIZE = 9
LEGEND_LINE = 84
LABEL_WRAP = 60
#: Beyond this many k values the elbow's x axis gets a tick every few k instead of every k.
MAX_K_TICKS = 20


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
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)  # a renderer to measure legends and labels with, before any draw
    return figure


def _wrap(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters (long words are cut too)."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text


def numbered_names(names: Sequence[str] | None, count: int) -> list[str]:
    """``"0 Sensible"``, ``"1 Target"``, ...: each segment's 0-based number (the numbering of the
    CLI, its JSON, ``predict`` and the report's tables) and its name; ``"Cluster i"`` unnamed."""
    return [f"{i} {names[i]}" if names is not None and i < len(names) else f"Cluster {i}"
            for i in range(count)]


def _text_size(texts: Sequence[str], fontsize: float) -> tuple[float, float]:
    """Width of the widest line and height of the tallest of ``texts``, in inches."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    renderer, font = RendererAgg(1, 1, 72), FontProperties(size=fontsize)
    lines = [line for text in texts for line in text.split("\n")]
    width = max((renderer.get_text_width_height_descent(line, font, ismath=False)[0]
                 for line in lines), default=0.0)
    tallest = max((text.count("\n") + 1 for text in texts), default=0)
    return width / 72, tallest * fontsize * 1.2 / 72


def _legend_below(figure: Figure, handles: list[Any], labels: list[str], side: str,
                  max_columns: int) -> Legend:
    """A figure legend under the panels on ``side`` ("left", "right" or "center"), with as many
    columns (up to ``max_columns``) as fit in its share of the figure's width.

    Figure legends placed "outside" get their own band from the constrained layout, so they
    never cover points, axis labels or each other; long labels are wrapped.
    """
    share = 1.0 if side == "center" else 0.5
    room = (figure.get_figwidth() * share - 0.15) * figure.dpi
    renderer = figure.canvas.get_renderer()
    columns = max(1, min(max_columns, len(labels)))
    while True:
        wrapped = [_wrap(label, LEGEND_LINE // columns) for label in labels]
        legend = figure.legend(handles, wrapped, loc=f"outside lower {side}", ncols=columns,
                               fontsize=LEGEND_FONT_SIZE)
        for text in legend.get_texts():
            text.set_parse_math(False)  # a "$" in a name is a dollar, not TeX
        if columns == 1 or legend.get_window_extent(renderer).width <= room:
            return legend
        legend.remove()
        columns -= 1


def _grow_for_legends(figure: Figure, legends: Sequence[Legend], base_height: float) -> None:
    """Make the figure ``base_height`` inches plus its tallest legend, so the panels keep their
    size however many entries the legends have."""
    renderer = figure.canvas.get_renderer()
    tallest = max(legend.get_window_extent(renderer).height for legend in legends)
    figure.set_size_inches(figure.get_figwidth(), base_height + tallest / figure.dpi + 0.1)


def elbow_figure(result: ElbowResult) -> Figure:
    """WCSS per k of both languages on one chart, with the silhouette per k beside it.

    The k values where the two languages differ are shaded, and each curve's knee is marked. The
    legends sit under the charts, so they never hide a curve or a shaded k.
    """
    figure = _new_figure(12, 4.6)
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
    handles, labels = wcss_axes.get_legend_handles_labels()
    if result.differing_k:
        from matplotlib.patches import Patch

        handles.append(Patch(color="#ffd8a8", alpha=0.6))
        labels.append("k where Python and R differ")
    wcss_axes.set_title(f"Elbow method ({result.mode} settings)")
    wcss_axes.set_xlabel("Number of clusters k")
    wcss_axes.set_ylabel("WCSS (sum of squared distances to centers)")

    scored = [row for row in result.rows if row.python_silhouette is not None]
    silhouette_axes.plot([row.k for row in scored], [row.python_silhouette for row in scored],
                         "o-", color=PYTHON_COLOR, label="Python (sklearn.metrics)")
    silhouette_axes.plot([row.k for row in scored], [row.r_silhouette for row in scored],
                         "s--", color=R_COLOR, label="R (cluster::silhouette)",
                         markerfacecolor="none")
    silhouette_axes.set_title("Mean silhouette width per k (higher is better)")
    silhouette_axes.set_ylabel("Mean silhouette width (-1 to 1)")
    for axes in (wcss_axes, silhouette_axes):
        axes.set_xlabel("Number of clusters k")
        axes.grid(alpha=0.3)
        if len(ks) <= MAX_K_TICKS:
            axes.set_xticks(ks)
        else:  # a tick per k would run into each other
            from matplotlib.ticker import MaxNLocator

            axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    legends = [
        _legend_below(figure, handles, labels, "left", max_columns=3),
        _legend_below(figure, *silhouette_axes.get_legend_handles_labels(), "right",
                      max_columns=3),
    ]
    _grow_for_legends(figure, legends, 4.6)
    return figure


def _palette(n_colors: int) -> list[tuple[float, float, float, float]]:
    from matplotlib import colormaps

    cmap = colormaps["tab10" if n_colors <= 10 else "tab20"]
    return [cmap(i % cmap.N) for i in range(n_colors)]


def clusters_title(feature_names: Sequence[str], course_schema: bool) -> str:
    """The title of the cluster plots (pyseg's and R's clusplot): customers only for the course's
    income x spending-score data, otherwise the features that were clustered."""
    if course_schema:
        return "Clusters of customers"
    return "Clusters by " + " and ".join(feature_names)


def _cluster_panel(axes: Axes, X: NDArray[np.float64], labels: NDArray[np.int64],
                   centers: NDArray[np.float64], names: list[str], title: str) -> None:
    """One language's clusters: a colour and a numbered name per cluster, centers as crosses."""
    colors = _palette(len(names))
    for cluster, name in enumerate(names):
        members = labels == cluster
        if members.any():
            axes.scatter(X[members, 0], X[members, 1], s=22, color=colors[cluster],
                         label=f"{name} (n={int(members.sum())})", alpha=0.85)
    finite = ~np.isnan(centers).any(axis=1)
    axes.scatter(centers[finite, 0], centers[finite, 1], s=220, marker="X", c="black",
                 edgecolors="white", linewidths=1.5, label="Centers", zorder=3)
    axes.set_title(title)
    axes.grid(alpha=0.3)


def clusters_side_by_side_figure(
    X: NDArray[np.float64],
    python_labels: ArrayLike,
    python_centers: NDArray[np.float64],
    r_labels: ArrayLike,
    r_centers: NDArray[np.float64],
    feature_names: Sequence[str],
    python_names: Sequence[str] | None = None,
    r_names: Sequence[str] | None = None,
    title: str = "Clusters",
) -> Figure:
    """The clusters of each language side by side, coloured, numbered and named by segment.

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
        Segment name per cluster, shown after its 0-based number (``"0 Sensible"``); default
        ``"Cluster 0"``, ``"Cluster 1"``, ...
    title : str, default="Clusters"
        Figure title, e.g. :func:`clusters_title`.

    Rows that R puts in a different cluster than Python are ringed in black in the R panel. The
    panels keep their size for any k and any names: each legend sits under its panel in as many
    columns as fit, long labels are wrapped, and the figure grows in height to hold them.
    """
    python_labels = np.asarray(python_labels, dtype=np.int64)
    r_labels = np.asarray(r_labels, dtype=np.int64)
    n_clusters = int(max(python_labels.max(), r_labels.max(), len(python_centers) - 1,
                         len(r_centers) - 1)) + 1
    figure = _new_figure(13, CLUSTERS_HEIGHT)
    python_axes, r_axes = figure.subplots(1, 2, sharex=True, sharey=True)
    _cluster_panel(python_axes, X, python_labels, python_centers,
                   numbered_names(python_names, n_clusters), "Python (scikit-learn)")
    _cluster_panel(r_axes, X, r_labels, r_centers, numbered_names(r_names, n_clusters),
                   "R (kmeans), relabelled to Python's numbering")
    moved = python_labels != r_labels
    if moved.any():
        r_axes.scatter(X[moved, 0], X[moved, 1], s=90, facecolors="none", edgecolors="black",
                       linewidths=1.2,
                       label=f"In another cluster than in Python ({int(moved.sum())})")
    for axes in (python_axes, r_axes):
        axes.set_xlabel(_wrap(feature_names[0], LABEL_WRAP), parse_math=False)
        axes.set_ylabel(_wrap(feature_names[1], LABEL_WRAP), parse_math=False)
    legends = [_legend_below(figure, *axes.get_legend_handles_labels(), side, max_columns=2)
               for axes, side in ((python_axes, "left"), (r_axes, "right"))]
    _grow_for_legends(figure, legends, CLUSTERS_HEIGHT)
    figure.suptitle(_wrap(title, 2 * LABEL_WRAP), parse_math=False)
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
        Segment names, shown after their 0-based numbers (``"0 Sensible"``); default
        ``"Cluster 0"``, ...

    The figure is sized from its labels: cells stay at least 0.9 x 0.55 inches and long names
    are wrapped, so every count and label stays legible for any k and any names.
    """
    table = np.asarray(confusion, dtype=np.int64)
    n_rows, n_columns = table.shape
    row_labels = [_wrap(name, 30) for name in numbered_names(row_names, n_rows)]
    column_labels = [_wrap(name, 16) for name in numbered_names(column_names, n_columns)]
    row_width, row_height = _text_size(row_labels, 10)
    column_width, column_height = _text_size(column_labels, 10)
    cell_width, cell_height = max(0.9, column_width + 0.2), max(0.55, row_height + 0.15)
    title = "Rows per cluster pair after alignment\n(agreement on the diagonal)"
    title_width, _ = _text_size(title.split("\n"), 12)
    figure = _new_figure(
        max(n_columns * cell_width + row_width + 2.4, title_width + 0.5),
        n_rows * cell_height + column_height + 1.6,
    )
    axes = figure.subplots()
    image = axes.imshow(table, cmap="Blues", vmin=0, aspect="auto")
    threshold = table.max() / 2 if table.size else 0
    for i in range(n_rows):
        for j in range(n_columns):
            axes.text(j, i, str(table[i, j]), ha="center", va="center",
                      color="white" if table[i, j] > threshold else "black")
    axes.set_xticks(range(n_columns), column_labels, parse_math=False)
    axes.set_yticks(range(n_rows), row_labels, parse_math=False)
    axes.set_xlabel("R cluster (aligned to Python)")
    axes.set_ylabel("Python cluster")
    figure.suptitle(title)
    figure.colorbar(image, ax=axes, label="Number of customers")
    return figure
