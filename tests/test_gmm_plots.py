"""The Gaussian mixture's BIC-per-k chart (issue 11): both languages, mclust's convention.

The curves are computed (:func:`pyseg.methods.gmm._compare.gmm_bic_curve`), with a second
scikit-learn engine in R's place where the test needs no R; the chart is checked through its own
artists (axis label, legend) and its PNG (signature, size, same bytes twice).
"""

from __future__ import annotations

import struct
from dataclasses import replace

import numpy as np
import pytest

from pyseg.engines import MCLUST_MODELS, SklearnGmmEngine
from pyseg.methods.gmm._compare import gmm_bic_curve
from pyseg.methods.gmm._report import best_k, bic_figure, bic_png, differing_k


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


@pytest.fixture(scope="module")
def curve(course_dataset):
    """BIC per k = 1..6: scikit-learn (seed 42) against scikit-learn (seed 0) in R's place."""
    return gmm_bic_curve(course_dataset, range(1, 7), python_engine=SklearnGmmEngine(),
                         r_engine=SklearnGmmEngine(seed=0))


def legend_texts(figure) -> list[str]:
    return [text.get_text() for legend in figure.legends for text in legend.get_texts()]


def test_the_png_is_deterministic_and_of_a_fixed_size(curve) -> None:
    png = bic_png(curve)
    width, height = png_size(png)
    assert width == 800 and 460 < height < 600
    assert bic_png(curve) == png


def test_the_axis_says_the_convention_and_each_side_marks_its_highest_bic(curve) -> None:
    figure = bic_figure(curve)
    axes = figure.axes[0]
    assert "higher is better" in axes.get_ylabel() and "2 logL - p log n" in axes.get_ylabel()
    python_best = curve.ks[int(np.argmax(curve.python_bic))]
    r_best = curve.ks[int(np.argmax(curve.r_bic))]
    texts = legend_texts(figure)
    if python_best == r_best:
        assert f"Python and R best (highest): k = {python_best}" in texts
    else:
        assert f"Python best (highest): k = {python_best}" in texts
        assert f"R best (highest): k = {r_best}" in texts
    assert [list(line.get_ydata()) for line in axes.get_lines()[:2]] == [
        list(curve.python_bic), list(curve.r_bic)]


def test_the_best_k_is_the_highest_bic_and_differences_are_shaded(curve) -> None:
    assert best_k((1, 2, 3), (-10.0, -3.0, -5.0)) == 2
    assert best_k((1, 2), (float("nan"), -4.0)) == 2 and best_k((1,), (float("nan"),)) is None
    same = replace(curve, r_bic=curve.python_bic)
    assert differing_k(same) == []
    assert "k where Python's and R's BIC differ" not in legend_texts(bic_figure(same))
    moved = replace(curve, r_bic=(*curve.python_bic[:-1], curve.python_bic[-1] + 1.0))
    assert differing_k(moved) == [curve.ks[-1]]
    assert "k where Python's and R's BIC differ" in legend_texts(bic_figure(moved))


def test_the_chart_names_the_engines_mclust_model(curve) -> None:
    title = bic_figure(curve).axes[0].get_title()
    assert f"{curve.covariance} covariances = mclust {MCLUST_MODELS[curve.covariance]}" in title


@pytest.mark.r
def test_exact_mode_curves_coincide_on_the_course_file(course_dataset) -> None:
    curve = gmm_bic_curve(course_dataset, range(2, 7), mode="exact")
    assert differing_k(curve) == []
    figure = bic_figure(curve)
    assert f"Python and R best (highest): k = {best_k(curve.ks, curve.r_bic)}" in legend_texts(
        figure)
    assert png_size(bic_png(curve))[0] == 800
