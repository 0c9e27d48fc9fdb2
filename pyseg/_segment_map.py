"""The web form's map of segments: regions of the income x score plane, centers, the customer.

Moved here from :mod:`pyseg._plots` (which holds the report's figures) so that the web page's
drawing lives with the web page's needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pyseg._course import COURSE_GRID

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from numpy.typing import NDArray

    from pyseg._model import Prediction, SegmentModel


def _new_figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def segment_map_figure(
    model: SegmentModel,
    points: NDArray[np.float64] | None = None,
    customer: tuple[float, float] | None = None,
    prediction: Prediction | None = None,
) -> Figure:
    """The segments as regions of the income x score plane, centers labelled, customer starred.

    Parameters
    ----------
    model : SegmentModel
    points : ndarray of shape (n_samples, 2), optional
        Customers drawn as dots in their segment's color.
    customer : (income, score), optional
        The new customer, drawn as a star.
    prediction : Prediction, optional
        Its segment, named in the title.
    """
    from matplotlib import colormaps
    from matplotlib.colors import ListedColormap

    k = len(model.segments_)
    colors = [colormaps["tab10"](i % 10) for i in range(k)]
    (_, income_max), (_, score_max) = COURSE_GRID
    # One score unit of margin above the top of the scale, so points at 100 are not cut.
    y_max = score_max + 1.0
    x_max = max(income_max, float(model.feature_ranges_[0, 1]) * 1.05)
    if customer is not None:
        x_max = max(x_max, customer[0] * 1.05)
    income_axis = np.linspace(0.0, x_max, 301)
    score_axis = np.linspace(0.0, y_max, 203)
    grid_income, grid_score = np.meshgrid(income_axis, score_axis)
    regions = model.predict(np.column_stack([grid_income.ravel(), grid_score.ravel()])).index

    figure = _new_figure(8, 5.6)
    axes = figure.subplots()
    axes.imshow(
        regions.reshape(grid_income.shape),
        origin="lower",
        extent=(0.0, x_max, 0.0, y_max),
        aspect="auto",
        cmap=ListedColormap(colors),
        vmin=-0.5,
        vmax=k - 0.5,
        alpha=0.18,
        interpolation="nearest",
    )
    if points is not None and len(points):
        labels = model.predict(points).index
        axes.scatter(
            points[:, 0], points[:, 1], c=[colors[i] for i in labels], s=18, alpha=0.8,
            edgecolors="none",
        )
    for index, (segment, center) in enumerate(zip(model.segments_, model.centers_, strict=True)):
        axes.scatter(center[0], center[1], marker="X", s=140, color=colors[index],
                     edgecolors="black", linewidths=0.8, label=segment.name, zorder=3)
        axes.annotate(segment.name, (center[0], center[1]), xytext=(8, 6),
                      textcoords="offset points", fontsize=10, weight="bold")
    title = f"Customer segments (K-Means, k = {k})"
    if customer is not None:
        axes.scatter(customer[0], customer[1], marker="*", s=420, color="gold",
                     edgecolors="black", linewidths=1.2, zorder=4, label="new customer")
        if prediction is not None:
            title = f"New customer ({customer[0]:g}, {customer[1]:g}) -> {prediction.name}"
            axes.plot(
                [customer[0], prediction.center[0]], [customer[1], prediction.center[1]],
                color="black", linestyle="--", linewidth=1, zorder=2,
            )
    axes.set_xlim(0.0, x_max)
    axes.set_ylim(0.0, y_max)
    axes.set_xlabel(model.feature_names_[0])
    axes.set_ylabel(model.feature_names_[1])
    axes.set_title(title)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
    return figure
