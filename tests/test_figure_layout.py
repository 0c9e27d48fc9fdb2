"""The report's figures stay legible for k = 1..10 and any feature names (issue 14, item 1).

Legibility is measured on the drawn figure, in pixels: every scatter panel and heat-map cell keeps a
usable size, legends sit inside the figure without covering any axes (nor its tick and axis
labels) or each other, tick labels do not run into each other, and nothing is cut at the figure's
edge. Before the fix, k = 10 on the course file squeezed each scatter panel into a ~30 px strip.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from pyseg._plots import (
    clusters_figure,
    clusters_title,
    confusion_figure,
    elbow_figure,
    figure_to_png_bytes,
)
from pyseg._report import COURSE_PANELS, COURSE_SCATTER
from pyseg._segments import segment_names_for_data

COURSE_FEATURES = ("Annual Income (k$)", "Spending Score (1-100)")
LONG_FEATURES = (
    "Average monthly spend in the flagship store over the last twelve months (k$)",
    "Visits per month to the loyalty app, as counted by the app's own analytics service",
)
#: Smallest size, in pixels, of a scatter panel (both directions) and of a heat-map cell.
MIN_PANEL_PX = 350
MIN_CELL_WIDTH_PX, MIN_CELL_HEIGHT_PX = 60, 35
#: Slack for anti-aliasing and rounding, in pixels.
SLACK_PX = 1.0


def _overlap(a, b) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > SLACK_PX
            and min(a.y1, b.y1) - max(a.y0, b.y0) > SLACK_PX)


def _inside(box, outer) -> bool:
    return (box.x0 >= outer.x0 - SLACK_PX and box.y0 >= outer.y0 - SLACK_PX
            and box.x1 <= outer.x1 + SLACK_PX and box.y1 <= outer.y1 + SLACK_PX)


def layout_problems(figure) -> list[str]:
    """What makes ``figure`` hard to read once drawn: legends outside the figure or on top of an
    axes (its labels included) or of each other, tick labels on top of each other, text cut at
    the figure's edge."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    problems = []
    legends = _legends(figure)
    for index, legend in enumerate(legends):
        box = legend.get_window_extent(renderer)
        if not _inside(box, figure.bbox):
            problems.append(f"legend {index} {box.bounds} leaves the figure {figure.bbox.bounds}")
        for number, axes in enumerate(figure.axes):
            # the axes with its tick labels, axis labels and title
            if _overlap(box, axes.get_tightbbox(renderer)) and legend not in axes.get_children():
                problems.append(f"legend {index} covers axes {number}")
            if legend in axes.get_children() and _overlap(box, axes.get_window_extent(renderer)):
                problems.append(f"legend {index} lies on axes {number}'s plot area")
    for (i, first), (j, second) in itertools.combinations(enumerate(legends), 2):
        if _overlap(first.get_window_extent(renderer), second.get_window_extent(renderer)):
            problems.append(f"legends {i} and {j} overlap")
    for number, axes in enumerate(figure.axes):
        for which in ("x", "y"):
            labels = [t for t in getattr(axes, f"get_{which}ticklabels")() if t.get_text()]
            boxes = [t.get_window_extent(renderer) for t in labels]
            if any(_overlap(a, b) for a, b in itertools.combinations(boxes, 2)):
                problems.append(f"axes {number}: {which} tick labels overlap")
    tight = figure.get_tightbbox(renderer)  # every artist, in inches
    width, height = figure.get_size_inches()
    if tight.x0 < -0.01 or tight.y0 < -0.01 or tight.x1 > width + 0.01 or tight.y1 > height + 0.01:
        problems.append(f"text cut at the edge: {tight.bounds} in a {width} x {height} figure")
    return problems


def _legends(figure) -> list:
    return [*figure.legends, *(a.get_legend() for a in figure.axes if a.get_legend())]


def _size_px(axes) -> tuple[float, float]:
    box = axes.get_window_extent()
    return box.width, box.height


def _clusters(k: int, features: tuple[str, str]):
    """Mall-like data in ``k`` groups, R's labels with a few rows moved, names from the centers."""
    rng = np.random.default_rng(k)
    spots = np.column_stack([rng.uniform(15, 140, k), rng.uniform(1, 100, k)])
    labels = np.repeat(np.arange(k), 20)
    X = spots[labels] + rng.normal(0, 4, (labels.size, 2))
    centers = np.array([X[labels == i].mean(axis=0) for i in range(k)])
    r_labels = labels.copy()
    if k > 1:
        r_labels[:3] = (labels[:3] + 1) % k
    names = [segment.name for segment in segment_names_for_data(centers, X, features)]
    return X, labels, r_labels, centers, names


FEATURE_SETS = {"course headers": COURSE_FEATURES, "long headers": LONG_FEATURES}


@pytest.mark.parametrize("features", FEATURE_SETS.values(), ids=FEATURE_SETS.keys())
@pytest.mark.parametrize("k", range(1, 11))
def test_cluster_figure_keeps_its_panels_and_legends_legible(k, features):
    X, labels, r_labels, centers, names = _clusters(k, features)
    figure = clusters_figure(X, (labels, r_labels), features, COURSE_PANELS,
                             clusters_title(features, False), names=(names, names),
                             centers=(centers, centers), **COURSE_SCATTER)
    problems = layout_problems(figure)
    assert problems == []
    for axes in figure.axes[:2]:
        width, height = _size_px(axes)
        assert width >= MIN_PANEL_PX and height >= MIN_PANEL_PX, (k, width, height)
    # every cluster in each legend, numbered from 0 and named
    entries = [t.get_text().replace("\n", " ") for t in _legends(figure)[0].get_texts()]
    assert [entry.split(" ", 1)[0] for entry in entries[:k]] == [str(i) for i in range(k)]


@pytest.mark.parametrize("features", FEATURE_SETS.values(), ids=FEATURE_SETS.keys())
@pytest.mark.parametrize("k", range(1, 11))
def test_confusion_figure_keeps_every_cell_and_label_legible(k, features):
    _, labels, r_labels, _, names = _clusters(k, features)
    table = np.zeros((k, k), dtype=np.int64)
    np.add.at(table, (labels, r_labels), 1)
    figure = confusion_figure(table, names, names)
    assert layout_problems(figure) == []
    width, height = _size_px(figure.axes[0])
    assert width / k >= MIN_CELL_WIDTH_PX and height / k >= MIN_CELL_HEIGHT_PX, (k, width, height)


def _elbow_result(k_max: int):
    from pyseg.methods.kmeans._elbow import ElbowResult, ElbowRow

    rows = tuple(
        ElbowRow(k=k, python_wcss=1000 / k, r_wcss=1000 / k * (1.2 if k % 3 == 0 else 1.0),
                 wcss_rel_diff=0.0, accuracy=0.8 if k % 3 == 0 else 1.0, ari=1.0,
                 python_silhouette=None if k == 1 else 0.5, r_silhouette=None if k == 1 else 0.4,
                 lower="python" if k % 3 == 0 else "same", reason="")
        for k in range(1, k_max + 1))
    return ElbowResult(mode="course", rows=rows, python_settings="", r_settings="",
                       python_knee=2, r_knee=3, best_silhouette_k={"python": 2, "r": 2},
                       silhouette_check=0.0, python_labels={}, r_labels={})


@pytest.mark.parametrize("k_max", [2, 10, 40])
def test_elbow_figure_legends_never_cover_the_curves(k_max):
    figure = elbow_figure(_elbow_result(k_max))
    assert layout_problems(figure) == []
    for axes in figure.axes[:2]:
        width, height = _size_px(axes)
        assert width >= MIN_PANEL_PX and height >= 250, (width, height)


def test_cluster_figure_title_names_customers_only_for_course_data():
    assert clusters_title(COURSE_FEATURES, True) == "Clusters of customers"
    title = clusters_title(("eruptions", "waiting"), False)
    assert "customer" not in title and "eruptions" in title and "waiting" in title
    X, labels, r_labels, centers, names = _clusters(2, ("eruptions", "waiting"))
    figure = clusters_figure(X, (labels, r_labels), ("eruptions", "waiting"), COURSE_PANELS,
                             title, names=(names, names), centers=(centers, centers),
                             **COURSE_SCATTER)
    assert figure.get_suptitle() == title


def test_a_dollar_in_a_name_is_drawn_as_a_dollar():
    features = ("Income ($)", "Spend ($)")  # two dollars: TeX to matplotlib unless told not
    X, labels, r_labels, centers, names = _clusters(3, features)
    figure = clusters_figure(X, (labels, r_labels), features, COURSE_PANELS,
                             names=(names, names), centers=(centers, centers), **COURSE_SCATTER)
    assert figure_to_png_bytes(figure).startswith(b"\x89PNG")
    for legend in _legends(figure):
        assert all(not text.get_parse_math() for text in legend.get_texts())


#: Room, in pixels, between the axes and the dendrogram's "cut for k" label beside them (issue 22,
#: defect 16: inside, at the right edge, it sat on the cut line against the frame).
CUT_LABEL_ROOM_PX = 4.0


@pytest.mark.parametrize("k", [2, 5, 10])
@pytest.mark.parametrize("n", [40, 200, 400])
def test_dendrogram_cut_label_stands_clear_beside_the_plot(n, k):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from scipy.cluster.hierarchy import fcluster, linkage

    from pyseg.methods.hierarchical._report import cut_height, dendrogram_figure

    X = np.random.default_rng(n + k).normal(size=(n, 2)) * [20, 25] + [60, 50]
    Z = linkage(X, "ward")
    labels = fcluster(Z, k, criterion="maxclust") - 1
    figure = dendrogram_figure(Z, labels, k, "Python: scipy linkage")
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    axes = figure.axes[0]
    (label,) = [text for text in axes.texts
                if " ".join(text.get_text().split()) == f"cut for k = {k}"]
    box, frame = label.get_window_extent(renderer), axes.get_window_extent(renderer)
    cut = cut_height(Z[:, 2], k)
    line_y = axes.transData.transform((0, cut))[1]
    # Beside the plot, level with the cut: clear of the frame, the line and every branch.
    assert box.x0 - frame.x1 >= CUT_LABEL_ROOM_PX, (box, frame)
    assert box.y0 < line_y < box.y1
    assert _inside(box, figure.bbox)
    assert layout_problems(figure) == []
