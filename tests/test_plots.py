"""The report figures: Figure API only, legible, deterministic PNG bytes."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from pyseg._plots import (
    clusters_figure,
    confusion_figure,
    elbow_figure,
    figure_to_png_bytes,
)
from pyseg._report import COURSE_PANELS, COURSE_SCATTER
from pyseg.engines import REngine

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FEATURES = ["Annual Income (k$)", "Spending Score (1-100)"]


@pytest.fixture
def two_blobs():
    rng = np.random.default_rng(1)
    X = np.vstack([rng.normal((20, 20), 3, (30, 2)), rng.normal((80, 80), 3, (30, 2))])
    labels = np.repeat([0, 1], 30)
    centers = np.array([X[labels == i].mean(axis=0) for i in (0, 1)])
    return X, labels, centers


def test_clusters_figure_names_segments_and_marks_moved_rows(two_blobs):
    X, labels, centers = two_blobs
    r_labels = labels.copy()
    r_labels[:3] = 1
    figure = clusters_figure(X, (labels, r_labels), FEATURES, COURSE_PANELS,
                             names=(["Sensible", "Target"], ["Sensible", "Target"]),
                             centers=(centers, centers), **COURSE_SCATTER)
    python_axes = figure.axes[0]
    assert python_axes.get_xlabel() == "Annual Income (k$)"
    assert python_axes.get_ylabel() == "Spending Score (1-100)"
    python_box, r_box = figure.legends  # under the panels, never over the points
    python_legend = [t.get_text() for t in python_box.get_texts()]
    # numbered from 0, as the CLI, predict and the report's tables number segments
    assert python_legend == ["0 Sensible (n=30)", "1 Target (n=30)", "Centers"]
    r_legend = [t.get_text() for t in r_box.get_texts()]
    assert "0 Sensible (n=27)" in r_legend and "1 Target (n=33)" in r_legend
    assert any("(3)" in text for text in r_legend)  # three rows ringed as moved
    assert figure_to_png_bytes(figure).startswith(PNG_SIGNATURE)


def test_confusion_figure_writes_every_count_in_its_cell():
    table = np.array([[30, 2], [0, 28]])
    figure = confusion_figure(table, ["A", "B"], ["A", "B"])
    axes = figure.axes[0]
    cells = {(round(t.get_position()[0]), round(t.get_position()[1])): t.get_text()
             for t in axes.texts}
    assert cells == {(0, 0): "30", (1, 0): "2", (0, 1): "0", (1, 1): "28"}
    assert axes.get_xlabel().startswith("R cluster") and axes.get_ylabel() == "Python cluster"
    assert [t.get_text() for t in axes.get_yticklabels()] == ["0 A", "1 B"]


def _elbow_result():
    from pyseg.methods.kmeans._elbow import ElbowResult, ElbowRow

    rows = tuple(
        ElbowRow(k=k, python_wcss=1000 / k, r_wcss=1000 / k * (1.5 if k == 3 else 1.0),
                 wcss_rel_diff=0.0, accuracy=0.8 if k == 3 else 1.0, ari=1.0,
                 python_silhouette=None if k == 1 else 0.5, r_silhouette=None if k == 1 else 0.4,
                 lower="python" if k == 3 else "same", reason="")
        for k in range(1, 6))
    return ElbowResult(mode="course", rows=rows, python_settings="", r_settings="",
                       python_knee=2, r_knee=3, best_silhouette_k={"python": 2, "r": 2},
                       silhouette_check=0.0, python_labels={}, r_labels={})


def test_elbow_figure_shows_both_languages_knees_and_differences():
    figure = elbow_figure(_elbow_result())
    wcss_axes, silhouette_axes = figure.axes[:2]
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend == ["Python (scikit-learn)", "R (kmeans)", "Python knee: k = 2",
                      "R knee: k = 3", "k where Python and R differ"]
    assert wcss_axes.get_xlabel() == "Number of clusters k"
    assert "WCSS" in wcss_axes.get_ylabel() and "silhouette" in silhouette_axes.get_ylabel()
    r_line = wcss_axes.get_lines()[1]
    assert r_line.get_ydata()[2] == pytest.approx(500.0)


def test_png_bytes_are_deterministic():
    first = figure_to_png_bytes(elbow_figure(_elbow_result()))
    second = figure_to_png_bytes(elbow_figure(_elbow_result()))
    assert first.startswith(PNG_SIGNATURE) and first == second


def test_figures_never_import_pyplot():
    code = (
        "import sys, numpy as np\n"
        "from pyseg._plots import confusion_figure, figure_to_png_bytes\n"
        "figure_to_png_bytes(confusion_figure(np.eye(2, dtype=int)))\n"
        "print('matplotlib.pyplot' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.r
def test_r_draws_the_course_clusplot(two_blobs):
    X, labels, _ = two_blobs
    png = REngine().clusplot_png(X, labels, width=400, height=300)
    assert png.startswith(PNG_SIGNATURE)
    # width and height live in the IHDR chunk, big-endian, right after the signature
    assert int.from_bytes(png[16:20], "big") == 400 and int.from_bytes(png[20:24], "big") == 300


@pytest.mark.r
def test_r_clusplot_numbers_clusters_from_0_and_names_them_in_a_key(two_blobs, monkeypatch):
    from pyseg.r import _bridge as _rbridge

    X, labels, _ = two_blobs
    sent = []
    real_call = _rbridge.r_call

    def spy(script, function, *args, **kwargs):
        sent.append((function, args, kwargs))
        return real_call(script, function, *args, **kwargs)

    monkeypatch.setattr(_rbridge, "r_call", spy)
    plain = REngine().clusplot_png(X, labels, width=400, height=300)
    keyed = REngine().clusplot_png(X, labels, title="Clusters by x and y", width=400, height=300,
                                   key=("0 Sensible", "1 Target"))
    (_, args, kwargs) = [call for call in sent if call[0] == "course_clusplot"][-1]
    # R labels the ellipses with pyseg's own 0-based numbers, not numbers of its own
    assert np.array_equal(args[1], labels)
    assert list(kwargs["key"]) == ["0 Sensible", "1 Target"]
    assert list(kwargs["main"]) == ["Clusters by x and y"]

    def size(png):
        return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")

    assert size(plain) == (400, 300)
    width, height = size(keyed)
    assert width == 400 and height > 300  # the key is drawn under the plot, which keeps its size
