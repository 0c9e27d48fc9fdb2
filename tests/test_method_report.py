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
from pyseg._method_pipeline import method_report_material
from pyseg._report import ReportMaterial, write_report
from pyseg.engines import ScipyHierarchicalEngine, SklearnDbscanEngine
from pyseg.methods._registry import AllComparison, MethodSettings
from pyseg.methods.dbscan._compare import compare_dbscan, knn_distance_curves
from pyseg.methods.hierarchical._compare import compare_hierarchical
from pyseg.methods.hierarchical._report import cut_height

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
    first = write_report(comparison, tmp_path / "one", provenance={"command_line": "x"})
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
    again = write_report(comparison, tmp_path / "two", provenance={"command_line": "x"})
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
    outdir = write_report(comparison, tmp_path / "r", extra=ReportMaterial(knn=knn))
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
    outdir = write_report(everything, tmp_path / "all")
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
        write_report(comparison, tmp_path)
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
    outdir = write_report(comparison, tmp_path / "h", extra=material)
    record, html, _ = report_files(outdir)
    assert (outdir / "hierarchical_dendrogram_r.png").read_bytes() == material.r_dendrogram_png
    assert "rect.hclust(tree, k = 5)" in html
    assert_figures_embedded(outdir, record, html)


@pytest.mark.r
def test_replayed_r_side_is_said_and_r_curves_left_out(tmp_path, course_dataset) -> None:
    from pyseg.engines._recorded import record_method_results
    from pyseg.methods._registry import compare_method

    path = record_method_results(course_dataset, "dbscan", [(5.0, 5)], tmp_path / "rec.json")
    comparison = compare_method("dbscan", course_dataset,
                                MethodSettings(eps=5.0, min_points=5, r_results=path))
    material = method_report_material(comparison, r_results=path)
    assert material.knn is not None and material.knn.r is None
    outdir = write_report(comparison, tmp_path / "d", extra=material)
    record, html, _ = report_files(outdir)
    assert record["recorded_r_results"]["file"] == str(path)
    assert any("replayed" in note for note in record["notes"])
    assert "R's side comes from recorded fits" in html


# --- PAM and GMM (issue 11) ------------------------------------------------------------------


class KmedoidsAsR:
    """kmedoids in R's place, to run PAM without R."""

    name = "r"

    def fit(self, data, k):
        from pyseg.engines import KmedoidsPamEngine

        return replace(KmedoidsPamEngine().fit(data, k), engine="r")

    def check_ready(self) -> None:
        return None


class SklearnGmmAsR:
    """scikit-learn in mclust's place; exact mode's start is a fixed partition."""

    name = "r"

    def fit(self, X, k, covariance="full", start=None):
        from pyseg.engines import SklearnGmmEngine

        return replace(SklearnGmmEngine().fit(X, k, covariance, start), engine="r")

    def start(self, X, k, covariance="full"):
        return np.argsort(np.argsort(X[:, 0])) * k // X.shape[0]

    def check_ready(self) -> None:
        return None


def csv_rows(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def cells(html: str) -> list[str]:
    import re

    return re.findall(r"<td>([^<]*)</td>", html)


def test_pam_report_shows_the_measures_the_medoid_customers_and_both_scatters(
        tmp_path, mall_like_csv) -> None:
    from pyseg._features import load_features
    from pyseg.methods.pam._compare import compare_pam

    dataset, features = load_features(mall_like_csv, "income,score,age,gender")
    c = compare_pam(dataset, 4, features=features, r_engine=KmedoidsAsR())
    assert c.distance == "gower"
    first = write_report(c, tmp_path / "one", provenance={"command_line": "x"})
    record, html, files = report_files(first)
    assert files == ["pam_clusters.png", "report.html", "report.json"]
    assert_figures_embedded(first, record, html)
    section = record["sections"][0]
    assert section["method"] == "pam" and section["rows"] == [["pam_clusters.png"]]
    measures = dict(section["measures"])
    assert measures["k, distance"] == "4, gower"
    assert measures["Same medoids in both languages"] == "yes"
    assert measures["Objective, the mean distance to the medoid (Python / R)"] == (
        f"{c.python.objective:.12g} / {c.r.objective:.12g}")
    assert measures["Rows equally near two medoids (tied)"] == str(c.tied_rows)
    # the medoid customers, read back from the CSV with the csv module
    table = section["tables"][0]
    assert table["header"][:8] == ["Cluster", "Language", "CustomerID", "Row (from 0)",
                                   "Annual Income (k$)", "Spending Score (1-100)", "Age",
                                   "Genre"]
    rows = csv_rows(mall_like_csv)
    html_cells = cells(html)
    for j, medoid in enumerate(c.python.medoids.tolist()):
        customer = rows[medoid]
        expected = [str(j), "Python", customer["CustomerID"], str(medoid),
                    customer["Annual Income (k$)"], customer["Spending Score (1-100)"],
                    customer["Age"], customer["Genre"],
                    str(int(np.sum(c.python.labels == j))), ""]
        assert table["rows"][2 * j] == expected
        assert table["rows"][2 * j + 1][1:4] == ["R", customer["CustomerID"], str(medoid)]
        assert table["rows"][2 * j + 1][-1] == "same row"
        assert customer["CustomerID"] in html_cells
    assert 'id="pam-medoids"' in html and "Medoid customers" in html
    again = write_report(c, tmp_path / "two", provenance={"command_line": "x"})
    assert without_clock(first) == without_clock(again)
    assert (first / "pam_clusters.png").read_bytes() == (again / "pam_clusters.png").read_bytes()


def test_pam_medoid_table_says_when_r_chose_another_customer(tmp_path, mall_like_csv) -> None:
    from pyseg._features import load_features
    from pyseg.methods.pam._compare import compare_pam

    dataset, features = load_features(mall_like_csv, "income,score")

    class OtherMedoid(KmedoidsAsR):
        def fit(self, data, k):
            fit = super().fit(data, k)
            medoids = fit.medoids.copy()
            members = np.flatnonzero(fit.labels == 0)
            medoids[0] = next(m for m in members if not np.array_equal(
                data.X[m], data.X[fit.medoids[0]]))
            return replace(fit, medoids=medoids)

    c = compare_pam(dataset, 4, features=features, r_engine=OtherMedoid())
    assert not c.same_medoids
    record, _, _ = report_files(write_report(c, tmp_path / "p"))
    table = record["sections"][0]["tables"][0]
    r_row = next(row for row in table["rows"] if row[1] == "R" and row[0] == "0")
    assert r_row[-1] == "no" and r_row[3] == str(int(c.r.medoids[0]))
    assert dict(record["sections"][0]["measures"])["Same medoids in both languages"].startswith(
        "no: 1 of 4")


def test_gmm_report_shows_measures_ellipses_certainty_and_the_bic_chart(
        tmp_path, mall_like_csv) -> None:
    from pyseg._features import load_features
    from pyseg.methods.gmm._compare import compare_gmm, gmm_bic_curve

    dataset, _ = load_features(mall_like_csv, "income,score")
    c = compare_gmm(dataset, 4, min_agreement=0.0, r_engine=SklearnGmmAsR())
    curve = gmm_bic_curve(dataset, range(1, 5), r_engine=SklearnGmmAsR())
    material = ReportMaterial(bic=curve)
    first = write_report(c, tmp_path / "one", extra=material)
    record, html, files = report_files(first)
    assert files == ["gmm_bic.png", "gmm_certainty.png", "gmm_clusters.png", "report.html",
                     "report.json"]
    assert_figures_embedded(first, record, html)
    section = record["sections"][0]
    assert section["rows"] == [["gmm_clusters.png"], ["gmm_certainty.png"], ["gmm_bic.png"]]
    measures = dict(section["measures"])
    assert measures["k, covariance (mclust model)"] == "4, full (VVV)"
    assert measures["Mode"].startswith("course")
    assert measures["Log-likelihood (Python / R)"] == f"{c.python.loglik:.6f} / {c.r.loglik:.6f}"
    assert measures["|dlogL|"] == f"{abs(c.loglik_diff):.3g}"
    bic = 2 * c.python.loglik - c.python.n_parameters * np.log(200)  # mclust's convention
    assert measures["BIC, mclust's convention 2 logL - p log n, higher is better (Python / R)"] \
        .startswith(f"{bic:.4f} / ")
    assert measures["Largest difference of a membership probability"] == (
        f"{c.max_probability_diff:.3g}")
    # the certainty counts, from the probabilities directly
    for side, fit in (("python", c.python), ("r", c.r)):
        highest = fit.probabilities.max(axis=1)
        assert section["certainty"][side] == {
            "< 0.9": int(np.sum(highest < 0.9)),
            "0.9 to 0.99": int(np.sum((highest >= 0.9) & (highest < 0.99))),
            ">= 0.99": int(np.sum(highest >= 0.99))}
    assert section["bic"]["ks"] == [1, 2, 3, 4]
    assert section["bic"]["best_k_python"] == 1 + int(np.argmax(curve.python_bic))
    assert "How sure is each assignment" in html and "2-standard-deviation ellipse" in html
    again = write_report(c, tmp_path / "two", extra=material)
    assert without_clock(first) == without_clock(again)
    for name in ("gmm_bic.png", "gmm_certainty.png", "gmm_clusters.png"):
        assert (first / name).read_bytes() == (again / name).read_bytes(), name


def test_ellipse_axes_follow_the_covariance() -> None:
    from pyseg.methods.gmm._report import ellipse_axes

    width, height, angle = ellipse_axes(np.diag([4.0, 1.0]))
    assert (width, height) == (8.0, 4.0) and angle % 180 == 0
    width, height, angle = ellipse_axes(np.array([[2.0, 1.0], [1.0, 2.0]]))
    assert width == pytest.approx(4 * np.sqrt(3)) and height == pytest.approx(4.0)
    assert angle % 180 == pytest.approx(45.0)


def test_scatter_shows_the_first_two_numeric_features() -> None:
    from pyseg._plots import plotted_columns

    shown, note = plotted_columns(("Genre=Female", "Genre=Male", "Income", "Score", "Age"))
    assert shown == [2, 3] and "first two numeric of the 5 features (Income and Score)" in note
    assert plotted_columns(("Income", "Score", "Age"))[0] == [0, 1]


def test_all_report_has_pam_and_gmm_sections(tmp_path, mall_like_csv) -> None:
    from pyseg._features import load_features
    from pyseg.methods.gmm._compare import compare_gmm
    from pyseg.methods.pam._compare import compare_pam

    dataset, features = load_features(mall_like_csv, "income,score")
    comparisons = {"pam": compare_pam(dataset, 3, features=features, r_engine=KmedoidsAsR()),
                   "gmm": compare_gmm(dataset, 3, min_agreement=0.0, r_engine=SklearnGmmAsR())}
    everything = AllComparison(dataset, comparisons, {}, MethodSettings())
    outdir = write_report(everything, tmp_path / "all")
    record, html, files = report_files(outdir)
    assert [s["method"] for s in record["sections"]] == ["pam", "gmm"]
    assert 'id="pam"' in html and 'id="gmm"' in html
    assert {"pam_clusters.png", "gmm_clusters.png", "gmm_certainty.png"} <= set(files)
    assert_figures_embedded(outdir, record, html)


def test_method_packages_are_shown_in_the_provenance(tmp_path) -> None:
    comparison = compare_dbscan(blobs(), 1.2, 5, r_engine=SklearnAsR())
    packages = [{"language": "R", "package": "dbscan", "version": "9.9.9", "method": "dbscan",
                 "use": "dbscan()"}]
    outdir = write_report(comparison, tmp_path / "d", provenance={"command_line": "x"},
                                 extra=ReportMaterial(packages=packages))
    record, html, _ = report_files(outdir)
    assert record["provenance"]["method_packages"] == packages
    assert "R package dbscan" in html and "9.9.9" in html
    plain = write_report(comparison, tmp_path / "e", provenance={"command_line": "x"})
    assert "method_packages" not in report_files(plain)[0]["provenance"]


@pytest.mark.r
def test_r_package_versions_are_rs_own_and_kmeans_provenance_is_unchanged(
        rscript, mall_like_csv) -> None:
    import importlib.metadata
    import subprocess

    from pyseg._features import load_features
    from pyseg.engines import REngine
    from pyseg.methods.gmm._compare import compare_gmm
    from pyseg.methods.pam._compare import compare_pam

    code = 'cat(sapply(c("cluster", "mclust"), function(p) as.character(packageVersion(p))))'
    cluster, mclust = subprocess.run([rscript, "-e", code], check=True, capture_output=True,
                                     text=True).stdout.split()
    dataset, features = load_features(mall_like_csv, "income,score")
    pam = method_report_material(compare_pam(dataset, 3, features=features,
                                             r_engine=KmedoidsAsR()))
    assert [(p["language"], p["package"], p["version"]) for p in pam.packages] == [
        ("R", "cluster", cluster), ("Python", "kmedoids", importlib.metadata.version("kmedoids"))]
    exact = compare_gmm(dataset, 3, mode="exact")
    gmm = method_report_material(exact)
    assert [(p["package"], p["version"]) for p in gmm.packages] == [("mclust", mclust)]
    # the BIC chart refits both languages in the comparison's mode: at k = 3 it is that fit
    assert gmm.bic.mode == "exact" and gmm.bic.ks == tuple(range(1, 11))
    assert gmm.bic.r_bic[2] == pytest.approx(exact.r.bic, rel=1e-12)
    assert gmm.bic.python_bic[2] == pytest.approx(exact.python.bic, rel=1e-12)
    # K-Means' own provenance (compare --report, record-r) keeps its four R components
    assert sorted(REngine().provenance()["r_components"]) == ["blas", "cluster", "lapack", "r"]


@pytest.mark.r
@pytest.mark.slow
def test_pam_report_names_the_medoids_cluster_pam_finds(tmp_path, run_cli, capsys, rscript,
                                                        course_csv) -> None:
    import subprocess

    code = ('x <- read.csv(commandArgs(TRUE)[1], check.names = FALSE, colClasses = c(CustomerID'
            ' = "character")); fit <- cluster::pam(dist(x[, 4:5]), 5); '
            'cat(x$CustomerID[fit$id.med], sep = "\\n")')
    ids = subprocess.run([rscript, "-e", code, str(course_csv)], check=True,
                         capture_output=True, text=True).stdout.split()
    outdir = tmp_path / "pam"
    code_, _, _ = run_cli(capsys, "compare", "--data", str(course_csv), "--method", "pam",
                          "--k", "5", "--report", str(outdir))
    assert code_ == 0
    record, html, _ = report_files(outdir)
    table = record["sections"][0]["tables"][0]
    assert sorted(row[2] for row in table["rows"] if row[1] == "R") == sorted(ids)
    assert set(ids) <= set(cells(html))
    packages = {p["package"]: p["version"] for p in record["provenance"]["method_packages"]}
    assert packages["cluster"] == record["provenance"]["r_components"]["cluster"]
    assert "R package cluster" in html


@pytest.mark.r
def test_replayed_pam_and_gmm_reports_say_where_rs_side_came_from(tmp_path,
                                                                  course_dataset) -> None:
    from pyseg.engines._recorded import record_method_results
    from pyseg.methods._registry import compare_method

    path = record_method_results(course_dataset, "pam", [(5, "euclidean")], tmp_path / "r.json")
    path = record_method_results(course_dataset, "gmm", [(5, "full", "exact")], path)
    for method, settings in (("pam", MethodSettings(k=5, r_results=path)),
                             ("gmm", MethodSettings(k=5, mode="exact", r_results=path))):
        comparison = compare_method(method, course_dataset, settings)
        material = method_report_material(comparison, r_results=path)
        outdir = write_report(comparison, tmp_path / method, extra=material)
        record, html, _ = report_files(outdir)
        assert record["recorded_r_results"]["file"] == str(path), method
        assert "R's side comes from recorded fits" in html
        # R is not asked: no R package versions, and no BIC chart (R's fits at other k are
        # not in the recording)
        assert all(p["language"] == "Python" for p in material.packages or [])
    assert material.bic is None and any("replayed" in note for note in record["notes"])
