"""The web form's map of segments, drawn once per model; the customer is placed on top per request.

:func:`segment_map` draws the segments with matplotlib once and returns the PNG with the
:class:`MapGeometry` that maps a data point to its pixels; :func:`customer_marker` places one
customer on it as an SVG overlay in microseconds, instead of a ~200 ms figure per request. The
axes never follow the customer: one far outside (income 1e99) is drawn on the edge with an arrow,
and the centers stay where a reader can tell them apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pyseg._course import COURSE_GRID
from pyseg._plots import figure_to_png_bytes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from numpy.typing import NDArray

    from pyseg._model import SegmentModel

#: Size of the map in inches and its resolution: 800 x 560 pixels.
FIGSIZE = (8.0, 5.6)
DPI = 100
#: Radius of the customer's star, and how far inside the axes an off-chart star is put (pixels).
STAR_RADIUS = 13.0
EDGE_INSET = 34.0
#: Width of one character of the star's label (14 px bold sans-serif), for placing it.
LABEL_CHAR_WIDTH = 8.0


@dataclass(frozen=True)
class MapGeometry:
    """Where the axes of the map lie in its PNG, and their data limits.

    Attributes
    ----------
    width, height : int
        Size of the PNG in pixels.
    left, top, right, bottom : float
        The axes' box in PNG pixels, measured from the top-left corner (as SVG measures).
    x_limits, y_limits : (float, float)
        Data limits of the axes (income, spending score).
    """

    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    x_limits: tuple[float, float]
    y_limits: tuple[float, float]

    def to_pixels(self, x: float, y: float) -> tuple[float, float]:
        """PNG pixel (from the top-left) of the data point ``(x, y)``; may lie outside the PNG."""
        (x0, x1), (y0, y1) = self.x_limits, self.y_limits
        px = self.left + (x - x0) / (x1 - x0) * (self.right - self.left)
        py = self.bottom - (y - y0) / (y1 - y0) * (self.bottom - self.top)
        return px, py


@dataclass(frozen=True)
class SegmentMap:
    """The map of a model's segments: PNG bytes and where its axes lie."""

    png: bytes
    geometry: MapGeometry


@dataclass(frozen=True)
class CustomerMarker:
    """One customer placed on a :class:`SegmentMap`, in PNG pixels (from the top-left).

    Attributes
    ----------
    x, y : float
        The star: the customer, or just inside the edge of the axes they lie beyond.
    star, arrow : str
        SVG ``points`` of the star and of the arrow on the edge (empty on the map).
    center_x, center_y : float
        The segment's center, where the dashed line from the star ends.
    label, label_x, label_y, label_anchor : str, float, float, str
        ``"new customer"`` (off the chart with the value), where it goes, its ``text-anchor``.
    off_chart : bool
        Whether the customer lies outside the axes.
    """

    x: float
    y: float
    star: str
    center_x: float
    center_y: float
    label: str
    label_x: float
    label_y: float
    label_anchor: str
    off_chart: bool = False
    arrow: str = ""


def _limits(model: SegmentModel) -> tuple[tuple[float, float], tuple[float, float]]:
    """Data limits of the map: the course grid, widened to the model's training data only."""
    (_, income_max), (_, score_max) = COURSE_GRID
    # One score unit of margin above the top of the scale, so points at 100 are not cut.
    x_max = max(income_max, float(model.feature_ranges_[0, 1]) * 1.05)
    y_max = score_max + 1.0
    return (0.0, x_max), (0.0, y_max)


def segment_map_figure(model: SegmentModel, points: NDArray[np.float64] | None = None) -> Figure:
    """The segments as regions of the income x score plane, the centers labelled, ``points``
    (customers) as dots in their segment's color; the axes span :func:`_limits`."""
    from matplotlib import colormaps
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure

    k = len(model.segments_)
    colors = [colormaps["tab10"](i % 10) for i in range(k)]
    (x_min, x_max), (y_min, y_max) = _limits(model)
    grid_income, grid_score = np.meshgrid(np.linspace(x_min, x_max, 301),
                                          np.linspace(y_min, y_max, 203))
    regions = model.predict(np.column_stack([grid_income.ravel(), grid_score.ravel()])).index

    figure = Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    axes = figure.subplots()
    axes.imshow(regions.reshape(grid_income.shape), origin="lower",
                extent=(x_min, x_max, y_min, y_max), aspect="auto",
                cmap=ListedColormap(colors), vmin=-0.5, vmax=k - 0.5, alpha=0.18,
                interpolation="nearest")
    if points is not None and len(points):
        labels = model.predict(points).index
        axes.scatter(points[:, 0], points[:, 1], c=[colors[i] for i in labels], s=18, alpha=0.8,
                     edgecolors="none")
    _draw_centers(axes, model, colors)
    axes.set_xlim(x_min, x_max)
    axes.set_ylim(y_min, y_max)
    axes.set_xlabel(model.feature_names_[0])
    axes.set_ylabel(model.feature_names_[1])
    axes.set_title(f"Customer segments (K-Means, k = {k})")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
    return figure


def _draw_centers(axes: Axes, model: SegmentModel, colors: list) -> None:
    for index, (segment, center) in enumerate(zip(model.segments_, model.centers_, strict=True)):
        axes.scatter(center[0], center[1], marker="X", s=140, color=colors[index],
                     edgecolors="black", linewidths=0.8, label=segment.name, zorder=3)
        axes.annotate(segment.name, (center[0], center[1]), xytext=(8, 6),
                      textcoords="offset points", fontsize=10, weight="bold")


def segment_map(model: SegmentModel, points: NDArray[np.float64] | None = None) -> SegmentMap:
    """Draw the map of ``model`` once: its PNG and the geometry to place customers on it.

    The same model and points give the same PNG bytes.
    """
    figure = segment_map_figure(model, points)
    png = figure_to_png_bytes(figure, dpi=DPI)
    # The transforms now hold the layout of the draw that made the PNG (same dpi).
    (axes,) = figure.axes
    box = axes.get_window_extent()
    width, height = figure.canvas.get_width_height()
    geometry = MapGeometry(width=width, height=height, left=float(box.x0),
                           top=float(height - box.y1), right=float(box.x1),
                           bottom=float(height - box.y0),
                           x_limits=(float(axes.get_xlim()[0]), float(axes.get_xlim()[1])),
                           y_limits=(float(axes.get_ylim()[0]), float(axes.get_ylim()[1])))
    return SegmentMap(png=png, geometry=geometry)


def star_points(x: float, y: float, radius: float = STAR_RADIUS) -> str:
    """SVG ``points`` of a five-pointed star centred on ``(x, y)``, one point up."""
    corners = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.45
        angle = -math.pi / 2 + i * math.pi / 5
        corners.append(f"{x + r * math.cos(angle):.1f},{y + r * math.sin(angle):.1f}")
    return " ".join(corners)


def customer_marker(geometry: MapGeometry, customer: tuple[float, float],
                    center: tuple[float, ...]) -> CustomerMarker:
    """Place ``customer`` (income, score) on the map, with a line to its segment's ``center``.

    A customer outside the axes' limits is drawn just inside the edge it lies beyond (both edges
    for a corner), with an arrow head on the edge and a label naming the value.
    """
    (x0, x1), (y0, y1) = geometry.x_limits, geometry.y_limits
    income, score = customer
    beyond_x = 1 if income > x1 else -1 if income < x0 else 0
    beyond_y = 1 if score > y1 else -1 if score < y0 else 0
    px, py = geometry.to_pixels(min(max(income, x0), x1), min(max(score, y0), y1))
    if beyond_x:
        px = geometry.right - EDGE_INSET if beyond_x > 0 else geometry.left + EDGE_INSET
    if beyond_y:
        py = geometry.top + EDGE_INSET if beyond_y > 0 else geometry.bottom - EDGE_INSET
    cx, cy = geometry.to_pixels(float(center[0]), float(center[1]))
    label, arrow = "new customer", ""
    if beyond_x or beyond_y:
        values = [f"income {income:g} k$"] if beyond_x else []
        values += [f"score {score:g}"] if beyond_y else []
        label = f"new customer: {' and '.join(values)}, off the chart"
        arrow = _arrow_points(px, py, beyond_x, -beyond_y)
    label_x, label_y, anchor = _label_place(geometry, (px, py), (cx, cy), len(label))
    return CustomerMarker(x=px, y=py, star=star_points(px, py), center_x=cx, center_y=cy,
                          label=label, label_x=label_x, label_y=label_y, label_anchor=anchor,
                          off_chart=bool(beyond_x or beyond_y), arrow=arrow)


def _label_place(geometry: MapGeometry, star: tuple[float, float], center: tuple[float, float],
                 length: int) -> tuple[float, float, str]:
    """Where the star's label goes: beside the star, away from the line to the center.

    The label goes on the side of the star away from the center, so the dashed line does not
    cross it; when it would not fit inside the axes there, it goes on the other side, above or
    below the star (away from the center again). Returns x, y (baseline) and the text-anchor.
    """
    (px, py), (cx, cy) = star, center
    width = LABEL_CHAR_WIDTH * length
    gap = STAR_RADIUS + 4
    anchor = "end" if cx > px else "start"
    fits = (px + gap + width <= geometry.right if anchor == "start"
            else px - gap - width >= geometry.left)
    if fits:
        return (px + gap if anchor == "start" else px - gap), py + 5, anchor
    anchor = "start" if anchor == "end" else "end"
    x = px - STAR_RADIUS if anchor == "end" else px + STAR_RADIUS
    below = cy < py or py - gap - 14 < geometry.top
    if below and py + gap + 14 > geometry.bottom:
        below = False
    return x, (py + gap + 12 if below else py - gap), anchor


def _arrow_points(px: float, py: float, dx: int, dy: int) -> str:
    """An arrow head from beside ``(px, py)`` towards direction ``(dx, dy)`` (pixels, y down)."""
    length = math.hypot(dx, dy)
    ux, uy = dx / length, dy / length
    tip = (px + ux * (EDGE_INSET - 2), py + uy * (EDGE_INSET - 2))
    base = (px + ux * (STAR_RADIUS + 3), py + uy * (STAR_RADIUS + 3))
    half = 7.0
    left = (base[0] - uy * half, base[1] + ux * half)
    right = (base[0] + uy * half, base[1] - ux * half)
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in (tip, left, right))
