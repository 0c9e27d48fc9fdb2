"""``pyseg compare --method M``, ``--columns`` with short names and categories, ``--scale``, and
``--method all`` (issue 10): what the command prints, its JSON and its exit codes.

The method libraries have their own tests (test_hierarchical, test_dbscan, test_features, with
R run by Rscript and scipy/scikit-learn called directly); these check that the command line
reaches them with the right settings and reports what they found. Independent reference here:
``tests/reference/direct_kmeans_scaled.R`` (R's read.csv, scale() and kmeans, without pyseg).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.r

DIRECT_R = Path(__file__).parent / "reference" / "direct_kmeans_scaled.R"


def compare_json(run_cli, capsys, csv: Path, *args: str) -> tuple[int, dict]:
    code, out, err = run_cli(capsys, "compare", "--data", str(csv), "--json", *args)
    assert err.count("\n") <= 2, err  # notes only, never a traceback
    return code, json.loads(out)


def test_method_choices_are_the_registry(run_cli) -> None:
    from pyseg.cli.compare import METHOD_CHOICES
    from pyseg.methods._registry import METHODS

    assert (*METHODS, "all") == METHOD_CHOICES


@pytest.mark.parametrize("k", range(2, 11))
def test_ward_k2_to_10_identical_partitions_and_heights(run_cli, capsys, course_csv, k) -> None:
    code, result = compare_json(run_cli, capsys, course_csv, "--method", "hierarchical",
                                "--k", str(k))
    assert code == 0 and result["passed"] and result["agreement"] == 1.0
    assert result["max_height_diff"] <= 1e-9 and result["linkage"] == "ward"
    assert result["python"]["labels"] == result["r"]["labels"]
    assert len(set(result["python"]["labels"])) == k


def test_complete_k9_fails_with_exit_1_and_names_the_ties(run_cli, capsys, course_csv) -> None:
    code, out, _ = run_cli(capsys, "compare", "--data", str(course_csv), "--method",
                           "hierarchical", "--linkage", "complete", "--k", "9")
    assert code == 1 and "FAIL: parity does not hold" in out
    assert "tied merge heights" in out and "2,763 distinct distances" in out


def test_average_heights_differ_after_ties_yet_the_partition_passes(run_cli, capsys,
                                                                     course_csv) -> None:
    code, result = compare_json(run_cli, capsys, course_csv, "--method", "hierarchical",
                                "--linkage", "average", "--k", "5")
    assert result["max_height_diff"] > 1e-9  # the ties change later heights...
    assert "heights_differ_after_ties" in result["findings"]
    assert code == (0 if result["agreement"] == 1.0 else 1) and result["passed"] == (code == 0)


@pytest.mark.parametrize("eps,min_points", [(5.0, 5), (8.0, 4), (12.0, 10)])
def test_dbscan_labels_identical_after_noise_mapping(run_cli, capsys, course_csv, eps,
                                                     min_points) -> None:
    from sklearn.cluster import DBSCAN

    code, result = compare_json(run_cli, capsys, course_csv, "--method", "dbscan",
                                "--eps", str(eps), "--min-points", str(min_points))
    assert code == 0 and result["agreement"] == 1.0
    X = _course_X(course_csv)
    sklearn = DBSCAN(eps=eps, min_samples=min_points).fit(X).labels_
    assert result["python"]["labels"] == result["r"]["labels"] == sklearn.tolist()


def _course_X(csv: Path) -> np.ndarray:
    import pandas as pd

    frame = pd.read_csv(csv)
    return frame[["Annual Income (k$)", "Spending Score (1-100)"]].to_numpy(dtype=float)


def test_one_dbscan_setting_has_noise(run_cli, capsys, course_csv) -> None:
    code, out, _ = run_cli(capsys, "compare", "--data", str(course_csv), "--method", "dbscan",
                           "--eps", "5", "--min-points", "5")
    assert code == 0 and "Python 5 (+ 87 noise)" in out and "R 5 (+ 87 noise)" in out


def test_dbscan_without_eps_takes_the_knee_and_says_so(run_cli, capsys, course_csv) -> None:
    from pyseg._features import load_features
    from pyseg.methods.dbscan._compare import knn_distance_curves

    code, result = compare_json(run_cli, capsys, course_csv, "--method", "dbscan")
    knee = knn_distance_curves(load_features(course_csv)[0], 4, with_r=False).knee_eps
    assert result["eps"] == knee == result["chosen"]["eps"]
    assert code == 0


@pytest.mark.parametrize("columns,scale", [("income,score,age", "z"),
                                           ("income,score,age,gender", "none"),
                                           ("income,score,age,gender", "z")])
def test_kmeans_on_more_features_agrees_and_r_holds_the_same_matrix(
        run_cli, capsys, course_csv, rscript, columns, scale) -> None:
    code, result = compare_json(run_cli, capsys, course_csv, "--columns", columns,
                                "--scale", scale)
    assert code == 0 and result["agreement"] == 1.0 and result["passed"]
    matrix = result["feature_matrix"]
    assert matrix["r_received_max_abs_diff"] == 0.0
    assert matrix.get("r_scale_max_abs_diff", 0.0) == 0.0 and ("r_scale_max_abs_diff" in matrix
                                                               ) == (scale == "z")
    # R on its own (read.csv, scale(), set.seed(29); kmeans(X, 5, nstart = 10)): the same WCSS
    out = subprocess.run([rscript, str(DIRECT_R), str(course_csv), columns, scale],
                         check=True, capture_output=True, text=True).stdout.split()
    assert result["r"]["wcss"] == pytest.approx(float(out[0]), rel=1e-12)
    assert result["python"]["wcss"] == pytest.approx(float(out[0]), rel=1e-12)


def test_categorical_column_without_scale_gets_a_note(run_cli, capsys, course_csv) -> None:
    code, out, err = run_cli(capsys, "compare", "--data", str(course_csv), "--columns",
                             "income,score,gender")
    assert code == 0
    assert "Genre: one 0/1 column per level (Female, Male), every level kept" in out
    assert err.startswith("pyseg: note: categorical column(s) 'Genre'") and "--scale z" in err


def test_method_all_prints_one_table(run_cli, capsys, course_csv) -> None:
    from pyseg.methods._registry import METHODS

    code, out, _ = run_cli(capsys, "compare", "--data", str(course_csv), "--method", "all",
                           "--eps", "8", "--min-points", "4")
    table = out.split("own measure")[1].splitlines()[1:len(METHODS) + 1]
    assert [line.split()[0] for line in table] == list(METHODS)
    assert code == (0 if all(line.rstrip().endswith("yes") for line in table) else 1)
    assert "PASS: parity holds for every method" in out or code == 1


def test_method_all_json_is_deterministic(run_cli, capsys, course_csv) -> None:
    args = ("--method", "all", "--eps", "8", "--min-points", "4")
    _, first = compare_json(run_cli, capsys, course_csv, *args)
    _, second = compare_json(run_cli, capsys, course_csv, *args)
    first.pop("versions"), second.pop("versions")
    assert first == second
    assert sorted(row["method"] for row in first["table"]) == sorted(first["methods"])


@pytest.mark.parametrize("args,fragment", [
    (("--method", "dbscan", "--eps", "0"), "--eps 0.0 should be a finite distance > 0"),
    (("--method", "dbscan", "--eps", "-2"), "--eps -2.0 should be a finite distance > 0"),
    (("--method", "dbscan", "--eps", "3", "--min-points", "0"), "--min-points 0 should be >= 1"),
    (("--method", "hierarchical", "--k", "197"), "k=197 is more than the 196 distinct point"),
    (("--method", "hierarchical", "--linkage", "median"), "--linkage 'median': unknown linkage"),
    (("--columns", "income,CustomerID,Genre", "--method", "hierarchical"), None),
    (("--scale", "unit"), "--scale 'unit': use one of none, z"),
    (("--columns", "income,nope"), "no column 'nope'"),
])
def test_bad_settings_are_one_line_exit_2(run_cli, capsys, course_csv, tmp_path, args,
                                          fragment) -> None:
    csv = course_csv
    if fragment is None:  # a categorical column with hundreds of levels, and one with one level
        import pandas as pd

        frame = pd.read_csv(course_csv)
        frame["CustomerID"] = [f"c{i}" for i in range(len(frame))]
        frame["Genre"] = "Female"
        csv = tmp_path / "bad.csv"
        frame.to_csv(csv, index=False)
        fragment = "'CustomerID' has 200 distinct text values, too many for a categorical"
    code, out, err = run_cli(capsys, "compare", "--data", str(csv), *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("pyseg: error: ") and fragment in err, err


def test_one_level_categorical_is_one_line(run_cli, capsys, course_csv, tmp_path) -> None:
    import pandas as pd

    frame = pd.read_csv(course_csv)
    frame["Genre"] = "Female"
    csv = tmp_path / "one-level.csv"
    frame.to_csv(csv, index=False)
    code, _, err = run_cli(capsys, "compare", "--data", str(csv), "--columns",
                           "income,score,gender")
    assert code == 2 and err.count("\n") == 1
    assert "column 'Genre' has one value only ('Female')" in err


def test_elbow_dbscan_gives_both_knn_curves_and_the_knee(run_cli, capsys, course_csv) -> None:
    from sklearn.neighbors import NearestNeighbors

    code, out, _ = run_cli(capsys, "elbow", "--method", "dbscan", "--data", str(course_csv),
                           "--min-points", "5", "--json")
    result = json.loads(out)
    X = _course_X(course_csv)
    distances, _ = NearestNeighbors(n_neighbors=5).fit(X).kneighbors(X)
    direct = np.sort(distances[:, 4])  # the 4th neighbour beyond the row itself
    assert code == 0 and result["k"] == 4
    np.testing.assert_array_equal(result["python"], direct)
    assert result["r"] == result["python"] and result["max_diff"] == 0.0
    assert result["knee_eps"] == direct[result["knee_index"]]
    code, out, _ = run_cli(capsys, "elbow", "--method", "dbscan", "--data", str(course_csv))
    assert f"--eps {result['knee_eps']:.4g} --min-points 5" in out


def test_elbow_dbscan_needs_two_points(run_cli, capsys, course_csv) -> None:
    code, out, err = run_cli(capsys, "elbow", "--method", "dbscan", "--data", str(course_csv),
                             "--min-points", "1")
    assert code == 2 and out == "" and err.count("\n") == 1 and "--min-points >= 2" in err


def test_pam_with_gender_prints_the_same_medoid_customers(run_cli, capsys, course_csv) -> None:
    code, out, err = run_cli(capsys, "compare", "--data", str(course_csv), "--method", "pam",
                             "--columns", "income,score,age,gender")
    assert code == 0
    assert "cluster::pam(cluster::daisy(df, metric = \"gower\"), k = 5, diss = TRUE)" in out
    assert "medoid (Python = R; rows from 0, as in --json)" in out
    assert "customer 95 (row 94)" in out  # the ID cell 0095, as the customer reads it
    assert err == ""  # Gower ranges every column itself: no --scale z note


def test_gmm_course_mode_fails_and_says_who_found_the_higher_likelihood(run_cli, capsys,
                                                                        course_csv) -> None:
    code, out, _ = run_cli(capsys, "compare", "--data", str(course_csv), "--method", "gmm")
    assert code == 1 and "R found the higher one" in out and "FAIL" in out
    code, out, _ = run_cli(capsys, "compare", "--data", str(course_csv), "--method", "gmm",
                           "--mode", "exact")
    assert code == 0 and "both start from mclust's partition" in out


def test_method_all_exact_passes_every_method(run_cli, capsys, course_csv) -> None:
    from pyseg.methods._registry import METHODS

    code, result = compare_json(run_cli, capsys, course_csv, "--method", "all", "--mode",
                                "exact", "--eps", "8", "--min-points", "4")
    assert code == 0 and result["passed"]
    assert [row["method"] for row in result["table"]] == list(METHODS)
    assert all(row["passed"] and row["agreement"] == 1.0 for row in result["table"])


def test_method_all_names_a_method_that_cannot_run(run_cli, capsys, course_csv) -> None:
    code, out, _ = run_cli(capsys, "compare", "--data", str(course_csv), "--method", "all",
                           "--mode", "exact", "--columns", "income,score,gender", "--eps", "0.5")
    assert code == 1 and "gmm                   -         -  not run: " in out
    # PAM: the same partition and cost, but tied distances gave another medoid in one cluster
    assert "FAIL: parity does not hold for pam, gmm (not run)" in out


def test_report_of_a_method_has_both_dendrograms_and_its_json(run_cli, capsys, course_csv,
                                                             tmp_path) -> None:
    out_dir = tmp_path / "report"
    code, out, _ = run_cli(capsys, "compare", "--data", str(course_csv), "--method",
                           "hierarchical", "--report", str(out_dir))
    assert code == 0 and f"report written to {out_dir / 'report.html'}" in out
    names = sorted(p.name for p in out_dir.iterdir())
    assert {"hierarchical_dendrogram_python.png", "hierarchical_dendrogram_r.png",
            "report.html", "report.json"} <= set(names)
    html = (out_dir / "report.html").read_text()
    assert html.count("data:image/png;base64,") >= 3
    record = json.loads((out_dir / "report.json").read_text())
    assert "--method hierarchical" in json.dumps(record)


def test_report_refuses_a_file_before_fitting(run_cli, capsys, course_csv, tmp_path) -> None:
    target = tmp_path / "taken"
    target.write_text("mine")
    code, out, err = run_cli(capsys, "compare", "--data", str(course_csv), "--method", "dbscan",
                             "--eps", "8", "--report", str(target))
    assert code == 2 and out == "" and err.count("\n") == 1 and target.read_text() == "mine"


def test_elbow_gmm_matched_bic_curves_agree_and_the_report_draws_them(run_cli, capsys,
                                                                      course_csv,
                                                                      tmp_path) -> None:
    code, out, _ = run_cli(capsys, "elbow", "--method", "gmm", "--mode", "matched", "--data",
                           str(course_csv), "--k-max", "6", "--json", "--report",
                           str(tmp_path / "bic"))
    result = json.loads(out)
    assert code == 0 and result["ks"] == [1, 2, 3, 4, 5, 6]
    np.testing.assert_allclose(result["python_bic"], result["r_bic"], rtol=0, atol=1e-5)
    assert result["bic_convention"].startswith("mclust: 2 logL - p log n, higher is better")
    assert "The two BIC curves agree at every k." in result["summary"]
    assert (tmp_path / "bic" / "bic.png").stat().st_size > 10_000


def test_r_in_the_worker_or_in_process_gives_the_same_bytes(run_pyseg, course_csv) -> None:
    args = ("compare", "--data", str(course_csv), "--method", "all", "--mode", "exact",
            "--eps", "8", "--min-points", "4", "--columns", "income,score,age", "--json")
    in_worker = run_pyseg(*args, text=False)
    in_process = run_pyseg(*args, env={"PYSEG_R_IN_PROCESS": "1"}, text=False)
    assert in_worker.returncode == in_process.returncode == 0, in_worker.stderr
    assert in_worker.stdout == in_process.stdout


def test_the_worker_runs_a_method_engine_with_the_same_results(course_dataset) -> None:
    from pyseg.engines import RHierarchicalEngine, RWorkerEngine

    X = course_dataset.X
    with RWorkerEngine() as worker:
        remote = worker.engine("RHierarchicalEngine").fit(X, 5, "average")
        with pytest.raises(ValueError, match="runs no engine 'REngineX'"):
            worker.engine("REngineX")
    local = RHierarchicalEngine().fit(X, 5, "average")
    np.testing.assert_array_equal(remote.labels, local.labels)
    np.testing.assert_array_equal(remote.heights, local.heights)


def test_record_r_all_then_compare_without_r_gives_the_live_numbers(run_cli, capsys, course_csv,
                                                                    tmp_path) -> None:
    recording = tmp_path / "mall-r-results.json"
    settings = ("--method", "all", "--mode", "exact", "--eps", "8", "--min-points", "4")
    code, out, _ = run_cli(capsys, "record-r", "--data", str(course_csv), *settings, "--k", "5",
                           "--output", str(recording))
    assert code == 0 and str(recording) in out
    _, live = compare_json(run_cli, capsys, course_csv, *settings)
    code, replayed = compare_json(run_cli, capsys, course_csv, *settings, "--r-results",
                                  str(recording))
    assert code == 0
    for document in (live, replayed):
        document.pop("versions"), document.pop("feature_matrix")
    assert replayed == live
    code, _, err = run_cli(capsys, "compare", "--data", str(course_csv), "--method",
                           "hierarchical", "--k", "4", "--r-results", str(recording))
    assert code == 2 and err.count("\n") == 1 and "pyseg record-r" in err


def test_short_names_work_in_every_command(run_cli, capsys, course_csv) -> None:
    by_header = run_cli(capsys, "fit", "--data", str(course_csv), "--columns",
                        "Annual Income (k$),Age", "--json")
    by_short = run_cli(capsys, "fit", "--data", str(course_csv), "--columns", "income,age",
                       "--json")
    assert by_short[0] == 0 and by_short[1] == by_header[1]
    code, out, _ = run_cli(capsys, "elbow", "--data", str(course_csv), "--columns",
                           "income,score", "--k-max", "2", "--json")
    assert code == 0 and json.loads(out)["data"]["features"] == ["Annual Income (k$)",
                                                                 "Spending Score (1-100)"]
