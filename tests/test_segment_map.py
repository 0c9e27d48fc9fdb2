"""The web form's map: drawn once, and the pixel geometry that places a customer on it.

The page (``test_web_form.py``) overlays the customer as SVG on the PNG drawn here, so the
geometry must say where the PNG's axes really are: the centers drawn by matplotlib are found at
the pixels :meth:`MapGeometry.to_pixels` gives, and a customer far outside is put on the edge.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from pyseg._segment_map import (
    EDGE_INSET,
    STAR_RADIUS,
    MapGeometry,
    customer_marker,
    segment_map,
    star_points,
)


@pytest.fixture(scope="module")
def drawn(course_model):
    return segment_map(course_model, course_model.training_X_)


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_the_map_is_deterministic_and_sized(drawn, course_model):
    again = segment_map(course_model, course_model.training_X_)
    assert again.png == drawn.png
    assert again.geometry == drawn.geometry
    assert _pixels(drawn.png).shape == (drawn.geometry.height, drawn.geometry.width, 3)


def test_centers_are_where_the_geometry_says(drawn, course_model):
    from matplotlib import colormaps

    image = _pixels(drawn.png)
    for index, center in enumerate(course_model.centers_):
        x, y = drawn.geometry.to_pixels(*center)
        color = np.array(colormaps["tab10"](index)[:3]) * 255
        patch = image[round(y) - 1:round(y) + 2, round(x) - 1:round(x) + 2].reshape(-1, 3)
        assert np.abs(patch - color).max(axis=1).min() <= 2, (index, center, patch)


def test_the_axes_box_lies_on_the_spines(drawn):
    image = _pixels(drawn.png).astype(int)
    g = drawn.geometry
    middle_row, middle_column = round((g.top + g.bottom) / 2), round((g.left + g.right) / 2)
    for x in (g.left, g.right):
        assert image[middle_row, round(x) - 1:round(x) + 2].sum(axis=1).min() < 60
    for y in (g.top, g.bottom):
        assert image[round(y) - 1:round(y) + 2, middle_column].sum(axis=1).min() < 60


def test_the_axes_do_not_depend_on_any_customer(drawn):
    assert drawn.geometry.x_limits == (0.0, 150.0)
    assert drawn.geometry.y_limits == (0.0, 101.0)


GEOMETRY = MapGeometry(width=800, height=560, left=60.0, top=25.0, right=680.0, bottom=512.0,
                       x_limits=(0.0, 150.0), y_limits=(0.0, 101.0))


def test_a_customer_on_the_map_is_drawn_where_it_lies():
    marker = customer_marker(GEOMETRY, (75.0, 50.5), (55.0, 50.0))
    assert (marker.x, marker.y) == pytest.approx((370.0, 268.5))
    assert not marker.off_chart and marker.arrow == "" and marker.label == "new customer"
    assert (marker.center_x, marker.center_y) == pytest.approx(GEOMETRY.to_pixels(55.0, 50.0))


@pytest.mark.parametrize(
    ("customer", "x", "y", "words"),
    [((1e99, 50.0), 680.0 - EDGE_INSET, None, "income 1e+99 k$"),
     ((1e100, 50.0), 680.0 - EDGE_INSET, None, "income 1e+100 k$"),
     ((-20.0, 50.0), 60.0 + EDGE_INSET, None, "income -20 k$"),
     ((1000.0, 500.0), 680.0 - EDGE_INSET, 25.0 + EDGE_INSET, "income 1000 k$ and score 500"),
     ((70.0, -3.0), None, 512.0 - EDGE_INSET, "score -3")],
)
def test_a_customer_off_the_chart_is_put_on_its_edge(customer, x, y, words):
    marker = customer_marker(GEOMETRY, customer, (55.0, 50.0))
    on_map_x, on_map_y = GEOMETRY.to_pixels(*customer)
    assert marker.x == pytest.approx(on_map_x if x is None else x)
    assert marker.y == pytest.approx(on_map_y if y is None else y)
    assert marker.off_chart and marker.label == f"new customer: {words}, off the chart"
    tip = [float(v) for v in marker.arrow.split()[0].split(",")]
    assert GEOMETRY.left <= tip[0] <= GEOMETRY.right and GEOMETRY.top <= tip[1] <= GEOMETRY.bottom


@pytest.mark.parametrize(
    "customer", [(1e99, 50.0), (0.0, 1.0), (150.0, 100.0), (0.0, 100.0), (149.0, 1.0),
                 (75.0, 50.0), (1000.0, 100.0)],
)
@pytest.mark.parametrize("center", [(55.0, 50.0), (140.0, 95.0), (5.0, 5.0)])
def test_the_label_stays_inside_the_axes_and_off_the_line(customer, center):
    marker = customer_marker(GEOMETRY, customer, center)
    width = 8.0 * len(marker.label)
    start = marker.label_x if marker.label_anchor == "start" else marker.label_x - width
    assert GEOMETRY.left <= start and start + width <= GEOMETRY.right, marker
    assert GEOMETRY.top <= marker.label_y - 12 and marker.label_y <= GEOMETRY.bottom, marker


def test_star_points_surround_the_customer():
    points = [tuple(float(v) for v in pair.split(",")) for pair in star_points(100, 50).split()]
    assert len(points) == 10
    assert points[0] == pytest.approx((100.0, 50.0 - STAR_RADIUS))
    assert max(np.hypot(x - 100, y - 50) for x, y in points) == pytest.approx(STAR_RADIUS,
                                                                               abs=0.1)
