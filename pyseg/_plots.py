"""The report's figures, drawn with matplotlib's object-oriented ``Figure`` API (no pyplot).

``Figure`` objects carry their own Agg canvas, so nothing here touches a global backend or needs a
display, and figures are freed with the object. Every function draws results computed elsewhere;
R's own course plot (``cluster::clusplot``) is drawn by R itself
(:meth:`pyseg.engines.REngine.clusplot_png`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend
    from numpy.typing import ArrayLike, NDArray

    from pyseg.methods.kmeans._elbow import ElbowResult

    #: Draws a method's marks on one panel: (axes, side 0 Python / 1 R, plotted columns, colours).
    Decorate = Callable[[Axes, int, list[int], list[Any]], None]

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


#: Where a legend under the panels on each side goes, as matplotlib spells it.
_OUTSIDE_LOWER: dict[str, Literal["outside lower left", "outside lower right",
                                  "outside lower center"]] = {
    "left": "outside lower left", "right": "outside lower right", "center": "outside lower center"}


def _legend_below(figure: Figure, handles: list[Any], labels: list[str], side: str,
                  max_columns: int) -> Legend:
    """A figure legend under the panels on ``side`` ("left", "right" or "center"), with as many
    columns (up to ``max_columns``) as fit in its share of the figure's width.

    Figure legends placed "outside" get their own band from the constrained layout, so they
    never cover points, axis labels or each other; long labels are wrapped.
    """
    share = 1.0 if side == "center" else 0.5
    room = (figure.get_figwidth() * share - 0.15) * figure.dpi
    columns = max(1, min(max_columns, len(labels)))
    while True:
        wrapped = [_wrap(label, LEGEND_LINE // columns) for label in labels]
        legend = figure.legend(handles, wrapped, loc=_OUTSIDE_LOWER[side], ncols=columns,
                               fontsize=LEGEND_FONT_SIZE)
        for text in legend.get_texts():
            text.set_parse_math(False)  # a "$" in a name is a dollar, not TeX
        if columns == 1 or legend.get_window_extent().width <= room:
            return legend
        legend.remove()
        columns -= 1


def _handles_labels(axes: Axes) -> tuple[list[Any], list[str]]:
    """``axes.get_legend_handles_labels()``, typed (``subplots()`` gives untyped axes)."""
    handles, labels = axes.get_legend_handles_labels()
    return list(handles), list(labels)


def _grow_for_legends(figure: Figure, legends: Sequence[Legend], base_height: float) -> None:
    """Make the figure ``base_height`` inches plus its tallest legend, so the panels keep their
    size however many entries the legends have."""
    tallest = max(legend.get_window_extent().height for legend in legends)
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
    legends = [_legend_below(figure, handles, labels, "left", max_columns=3),
               _legend_below(figure, *_handles_labels(silhouette_axes), "right", max_columns=3)]
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


def _means(xy: NDArray[np.float64], labels: NDArray[np.int64], n: int) -> NDArray[np.float64]:
    out = np.full((n, xy.shape[1]), np.nan)
    for cluster in range(n):
        members = labels == cluster
        if members.any():
            out[cluster] = xy[members].mean(axis=0)
    return out


def _cluster_panel(axes: Axes, xy: NDArray[np.float64], labels: NDArray[np.int64],
                   names: list[str], colors: list[Any], title: str,
                   centers: tuple[NDArray[np.float64], str, float] | None) -> None:
    """One language's clusters: a colour and a numbered name per cluster, noise as grey
    crosses, ``centers`` (coordinates, legend label, marker size) as black crosses."""
    for cluster, name in enumerate(names):
        members = labels == cluster
        if members.any():
            axes.scatter(xy[members, 0], xy[members, 1], s=22, color=colors[cluster],
                         alpha=0.85, label=f"{name} (n={int(members.sum())})")
    noise = labels == NOISE
    if noise.any():
        axes.scatter(xy[noise, 0], xy[noise, 1], s=28, marker="x", color=NOISE_COLOR,
                     linewidths=1.2, label=f"Noise (n={int(noise.sum())})")
    if centers is not None:
        points, label, size = centers
        finite = ~np.isnan(points).any(axis=1)
        axes.scatter(points[finite, 0], points[finite, 1], s=size, marker="X", c="black",
                     edgecolors="white", linewidths=1.5, label=label, zorder=3)
    axes.set_title(_wrap(title, LABEL_WRAP), parse_math=False)
    axes.grid(alpha=0.3)


def clusters_figure(
    X: NDArray[np.float64],
    labels: tuple[ArrayLike, ArrayLike],
    feature_names: Sequence[str],
    panel_titles: tuple[str, str],
    title: str = "Clusters",
    *,
    names: tuple[Sequence[str] | None, Sequence[str] | None] = (None, None),
    centers: tuple[NDArray[np.float64], NDArray[np.float64]] | str | None = None,
    center_label: str = "Cluster means",
    center_size: float = 200,
    legend_columns: int = 3,
    moved: str = "Elsewhere than in Python",
    decorate: Decorate | None = None,
) -> Figure:
    """Both languages' clusters side by side, coloured, numbered and named by cluster, noise
    (-1) as grey crosses: the one scatter of every report.

    ``X``'s :func:`plotted_columns` are plotted (one column: against the row number).
    ``labels`` are Python's and R's, R's already in Python's numbering so that a colour means the
    same cluster in both panels. ``names``: each side's segment names (``"0 Sensible"``; None:
    ``"Cluster 0"``, ...). ``centers``: each side's centers (NaN rows skipped), ``"means"`` of
    the plotted points, or None; black crosses of ``center_size`` named ``center_label``.
    ``moved`` names the rows R puts elsewhere than Python, ringed in R's panel.
    ``decorate(axes, side, shown, colors)`` draws a method's own marks on each panel (side 0
    Python, 1 R; ``shown``: the plotted columns), not for one feature. Each legend sits under its
    panel in as many columns (up to ``legend_columns``) as fit, long labels wrapped, and the
    figure grows in height to hold them, so the panels keep their size for any k and names.
    """
    X = np.asarray(X, dtype=np.float64)
    xy, axis_names = _xy(X, feature_names)
    shown = plotted_columns(feature_names)[0] if X.shape[1] > 1 else None
    sides = [np.asarray(side, dtype=np.int64) for side in labels]
    given = () if centers is None or isinstance(centers, str) else centers
    n = int(max(sides[0].max(), sides[1].max(), -1, *(len(c) - 1 for c in given))) + 1
    colors = _palette(max(n, 1))
    figure = _new_figure(13, CLUSTERS_HEIGHT)
    panels = figure.subplots(1, 2, sharex=True, sharey=True)
    for side, axes in enumerate(panels):
        points = (_means(xy, sides[side], n) if centers == "means"
                  else given[side] if given else None)
        _cluster_panel(axes, xy, sides[side], numbered_names(names[side], n), colors,
                       panel_titles[side],
                       None if points is None else (points, center_label, center_size))
        if decorate is not None and shown is not None:
            decorate(axes, side, shown, colors)
    elsewhere = sides[0] != sides[1]
    if elsewhere.any():
        panels[1].scatter(xy[elsewhere, 0], xy[elsewhere, 1], s=90, facecolors="none",
                          edgecolors="black", linewidths=1.2,
                          label=f"{moved} ({int(elsewhere.sum())})")
    for axes in panels:
        axes.set_xlabel(_wrap(axis_names[0], LABEL_WRAP), parse_math=False)
        axes.set_ylabel(_wrap(axis_names[1], LABEL_WRAP), parse_math=False)
    legends = [_legend_below(figure, *_handles_labels(axes), side, max_columns=legend_columns)
               for axes, side in zip(panels, ("left", "right"), strict=True)]
    _grow_for_legends(figure, legends, CLUSTERS_HEIGHT)
    figure.suptitle(_wrap(title, 2 * LABEL_WRAP), parse_math=False)
    return figure


def confusion_figure(
    confusion: ArrayLike,
    row_names: Sequence[str] | None = None,
    column_names: Sequence[str] | None = None,
) -> Figure:
    """The confusion matrix after alignment (rows Python's clusters, columns R's in Python's
    numbering) as an annotated heat map; names as in :func:`numbered_names`. The figure is sized
    from its labels: cells stay at least 0.9 x 0.55 inches and long names are wrapped, so every
    count and label stays legible for any k and any names.
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
