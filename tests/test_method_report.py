"""Reports of the hierarchical, DBSCAN and ``--method all`` comparisons (issue 10).

The files exist and nothing else is written, every figure is embedded in the HTML, the JSON is
the same on every run (``generated_at`` aside), values are escaped, and R's own dendrogram (drawn
by R) sits beside Python's; with ``--r-results`` the report says what R's recording cannot show.
"""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pyseg import InputError
from pyseg._data import Dataset
from pyseg._dbscan import compare_dbscan, knn_distance_curves
from pyseg._hierarchical import compare_hierarchical
from pyseg._method_pipeline import MethodReportMaterial, method_report_material
from pyseg._method_plots import cut_height
from pyseg._method_report import write_method_report
from pyseg._methods import AllComparison, MethodSettings
from pyseg.engines import ScipyHierarchicalEngine, SklearnDbscanEngine

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class ScipyAsR:
    """scipy in R's place, to run without R."""

    name = "r"

    def fit(self, X, k, linkage="ward"):
        return replace(ScipyHierarchicalEngine().fit(X, k, linkage), engine="r",
                       fcluster_clusters=None)

    def check_ready(self) -> None:
        return None


class SklearnAsR:
    name = "r"

    def fit(self, X, eps, min_points):
        return replace(SklearnDbscanEngine("direct").fit(X, eps, min_points), engine="r")

    def check_ready(self) -> None:
        return None


def blobs(n_features: int = 2, names: tuple[str, ...] = ("Income", "Score")) -> Dataset:
    rng = np.random.default_rng(3)
    centers = np.array([[0, 0, 0], [8, 8, 1], [0, 9, 2]], dtype=float)[:, :n_features]
    X = np.vstack([rng.normal(c, 1.0, (60, n_features)) for c in centers])
    X = np.vstack([X, np.full((2, n_features), 30.0) + np.arange(2)[:, None] * 10])  # noise
    return Dataset(X=X, feature_names=names, path=None, source="blobs.csv", sha256="a" * 64,
                   frame=None)


def report_files(outdir: Path) -> tuple[dict, str, list[str]]:
    record = json.loads((outdir / "report.json").read_text(encoding="utf-8"))
    html = (outdir / "report.html").read_text(encoding="utf-8")
    return record, html, sorted(p.name for p in outdir.iterdir())


def assert_figures_embedded(outdir: Path, record: dict, html: str) -> None:
    assert record["figures"], "no figures"
    for figure in record["figures"]:
        png = (outdir / figure["file"]).read_bytes()
        assert png.startswith(PNG_SIGNATURE)
        assert "data:image/png;base64," + base64.b64encode(png).decode("ascii") in html


def without_clock(outdir: Path) -> dict:
    record = json.loads((outdir / "report.json").read_text(encoding="utf-8"))
    record.pop("generated_at")
    return record


def test_hierarchical_report_files_figures_and_deterministic_json(tmp_path) -> None:
    comparison = compare_hierarchical(blobs(), 3, "average", r_engine=ScipyAsR())
    first = write_method_report(comparison, tmp_path / "one", provenance={"command_line": "x"})
    record, html, files = report_files(first)
    assert files == ["hierarchical_clusters.png", "hierarchical_dendrogram_python.png",
                     "hierarchical_dendrogram_r.png", "report.html", "report.json"]
    assert_figures_embedded(first, record, html)
    assert record["kind"] == "method-compare" and record["method"] == "hierarchical"
    assert record["comparison"]["max_height_diff"] == comparison.max_height_diff
    assert record["sections"][0]["rows"] == [
        ["hierarchical_dendrogram_python.png", "hierarchical_dendrogram_r.png"],
        ["hierarchical_clusters.png"]]
    assert 'class="row"' in html and "PASS: parity holds" in html
    # R did not draw its own tree here: R's tree is drawn by matplotlib, and the caption says so
    assert "R did not draw its own here" in html
    again = write_method_report(comparison, tmp_path / "two", provenance={"command_line": "x"})
    assert without_clock(first) == without_clock(again)
    for name in files:
        if name.endswith(".png"):
            assert (first / name).read_bytes() == (again / name).read_bytes(), name


def test_dbscan_report_has_the_knn_plot_noise_and_a_note_on_three_features(tmp_path) -> None:
    names = ("Age", "Income <b>k$</b>", "Score")
    dataset = blobs(3, names)
    comparison = compare_dbscan(dataset, 1.2, 5, r_engine=SklearnAsR())
    assert comparison.python.n_noise > 0
    knn = knn_distance_curves(dataset, 4, with_r=False)
    outdir = write_method_report(comparison, tmp_path / "r", extra=MethodReportMaterial(knn=knn))
    record, html, files = report_files(outdir)
    assert files == ["dbscan_clusters.png", "dbscan_knn_distance.png", "report.html",
                     "report.json"]
    assert_figures_embedded(outdir, record, html)
    assert record["sections"][0]["knn"]["knee_eps"] == knn.knee_eps
    assert any("first two of the 3 features" in note for note in record["notes"])
    assert "Income &lt;b&gt;k$&lt;/b&gt;" in html and "<b>k$</b>" not in html
    assert "Noise rows (Python / R)" in html


def test_all_report_has_the_table_and_a_section_per_method(tmp_path) -> None:
    dataset = blobs()
    comparisons = {
        "hierarchical": compare_hierarchical(dataset, 3, r_engine=ScipyAsR()),
        "dbscan": compare_dbscan(dataset, 1.2, 5, r_engine=SklearnAsR()),
    }
    everything = AllComparison(dataset, comparisons, {"kmeans": "no R here"}, MethodSettings())
    outdir = write_method_report(everything, tmp_path / "all")
    record, html, files = report_files(outdir)
    assert [row["method"] for row in record["table"]] == ["kmeans", "hierarchical", "dbscan"]
    assert [s["method"] for s in record["sections"]] == ["hierarchical", "dbscan"]
    assert 'id="hierarchical"' in html and 'id="dbscan"' in html
    assert "did not run: no R here" in html
    assert "dbscan_clusters.png" in files and "hierarchical_clusters.png" in files
    assert_figures_embedded(outdir, record, html)


def test_a_directory_with_other_files_is_refused_and_left_alone(tmp_path) -> None:
    comparison = compare_dbscan(blobs(), 1.2, 5, r_engine=SklearnAsR())
    (tmp_path / "mine.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(InputError, match="holds files pyseg did not write"):
        write_method_report(comparison, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]


def test_the_cut_line_lies_between_the_kept_and_the_undone_merge() -> None:
    heights = np.array([1.0, 2.0, 2.0, 5.0, 9.0])
    assert cut_height(heights, 2) == 7.0 and cut_height(heights, 3) == 3.5
    assert cut_height(heights, 1) == 9.0


@pytest.mark.r
def test_r_draws_its_own_dendrogram_beside_pythons(tmp_path, course_dataset) -> None:
    comparison = compare_hierarchical(course_dataset, 5, "ward")
    material = method_report_material(comparison)
    assert material.r_dendrogram_png.startswith(PNG_SIGNATURE)
    outdir = write_method_report(comparison, tmp_path / "h", extra=material)
    record, html, _ = report_files(outdir)
    assert (outdir / "hierarchical_dendrogram_r.png").read_bytes() == material.r_dendrogram_png
    assert "rect.hclust(tree, k = 5)" in html
    assert_figures_embedded(outdir, record, html)


@pytest.mark.r
def test_replayed_r_side_is_said_and_r_curves_left_out(tmp_path, course_dataset) -> None:
    from pyseg._method_recorder import record_method_results
    from pyseg._methods import compare_method

    path = record_method_results(course_dataset, "dbscan", [(5.0, 5)], tmp_path / "rec.json")
    comparison = compare_method("dbscan", course_dataset,
                                MethodSettings(eps=5.0, min_points=5, r_results=path))
    material = method_report_material(comparison, r_results=path)
    assert material.knn is not None and material.knn.r is None
    outdir = write_method_report(comparison, tmp_path / "d", extra=material)
    record, html, _ = report_files(outdir)
    assert record["recorded_r_results"]["file"] == str(path)
    assert any("replayed" in note for note in record["notes"])
    assert "R's side comes from recorded fits" in html
