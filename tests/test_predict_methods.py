"""``pyseg predict --method M`` (issue 10): the method fitted in both languages on the training
data, new rows assigned in both; hierarchical clustering refuses with the reason.

Independent reference: scikit-learn run directly on a matrix scaled with pandas (``std`` with
ddof=1, R's ``scale()``), without pyseg.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.r


@pytest.fixture
def new_customers(tmp_path):
    grid = [(income, score, age, gender) for income in range(0, 150, 10)
            for score in range(1, 101, 9) for age in (20, 45, 70) for gender in ("Female", "Male")]
    path = tmp_path / "new.csv"
    pd.DataFrame(grid, columns=["income", "score", "age", "gender"]).to_csv(path, index=False)
    return path


def test_dbscan_assigns_new_rows_alike_in_both_languages(run_cli, capsys, course_csv,
                                                         new_customers) -> None:
    code, out, _ = run_cli(capsys, "predict", "--data", str(course_csv), "--method", "dbscan",
                           "--eps", "8", "--min-points", "4", "--input", str(new_customers),
                           "--json")
    result = json.loads(out)
    assert code == 0 and result["agreement"] == 1.0 and result["python"] == result["r"]
    assert -1 in result["python"] and max(result["python"]) >= 1  # noise and clusters both seen
    assert len(result["python"]) == len(pd.read_csv(new_customers))


def test_kmeans_on_scaled_features_with_gender_equals_sklearn_directly(
        run_cli, capsys, course_csv, new_customers) -> None:
    from sklearn.cluster import KMeans

    code, out, _ = run_cli(capsys, "predict", "--data", str(course_csv), "--method", "kmeans",
                           "--columns", "income,score,age,gender", "--scale", "z", "--input",
                           str(new_customers), "--json")
    result = json.loads(out)
    frame = pd.read_csv(course_csv)
    train = pd.DataFrame({"i": frame["Annual Income (k$)"], "s": frame["Spending Score (1-100)"],
                          "a": frame["Age"], "f": (frame["Genre"] == "Female") * 1.0,
                          "m": (frame["Genre"] == "Male") * 1.0})
    mean, sd = train.mean(), train.std(ddof=1)
    new = pd.read_csv(new_customers)
    new = pd.DataFrame({"i": new["income"], "s": new["score"], "a": new["age"],
                        "f": (new["gender"] == "Female") * 1.0,
                        "m": (new["gender"] == "Male") * 1.0})
    model = KMeans(5, init="k-means++", n_init=10, max_iter=300, random_state=42)
    model.fit(((train - mean) / sd).to_numpy())
    direct = model.predict(((new - mean) / sd).to_numpy())
    assert code == 0 and result["python"] == result["r"] == direct.tolist()


def test_hierarchical_says_why_it_cannot_predict(run_cli, capsys, course_csv) -> None:
    code, out, err = run_cli(capsys, "predict", "--data", str(course_csv), "--method",
                             "hierarchical", "--income", "60", "--score", "50")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "no prediction rule: a new customer would change the tree itself" in err


def test_an_unseen_level_is_named_by_row_and_column(run_cli, capsys, course_csv,
                                                    tmp_path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("income,score,gender\n60,50,Male\n60,50,Other\n")
    code, out, err = run_cli(capsys, "predict", "--data", str(course_csv), "--method", "dbscan",
                             "--eps", "3", "--columns", "income,score,gender", "--input",
                             str(path))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "odd.csv: row 3, column 'gender': 'Other' is not one of the levels" in err


def test_one_customer_by_income_and_score(run_cli, capsys, course_csv) -> None:
    code, out, _ = run_cli(capsys, "predict", "--data", str(course_csv), "--method", "dbscan",
                           "--eps", "8", "--min-points", "4", "--income", "60", "--score", "50")
    assert code == 0 and "Python and R agree on 1 of 1 new rows" in out
    lines = out.splitlines()
    row = lines[lines.index(next(line for line in lines if line.startswith("  row"))) + 1]
    row = row.split()[1:]
    assert row[:len(row) // 2] == row[len(row) // 2:] and "differs" not in out


def test_pam_on_gower_and_gmm_with_probabilities(run_cli, capsys, course_csv,
                                                new_customers) -> None:
    code, out, _ = run_cli(capsys, "predict", "--data", str(course_csv), "--method", "pam",
                           "--columns", "income,score,age,gender", "--input",
                           str(new_customers), "--json")
    result = json.loads(out)
    assert code == 0 and result["python"] == result["r"] and "gower" in result["rule"]
    code, out, _ = run_cli(capsys, "predict", "--data", str(course_csv), "--method", "gmm",
                           "--mode", "exact", "--input", str(new_customers), "--json")
    result = json.loads(out)
    assert code == 0 and result["python"] == result["r"]
    np.testing.assert_allclose(result["python_probability"], result["r_probability"], atol=1e-3)
    assert all(0.2 <= p <= 1.0 for p in result["python_probability"])


# -- issue 22: the same rules for every method ---------------------------------------------------

COURSE_ROUTES = [(), ("--method", "gmm"), ("--method", "pam"), ("--method", "dbscan"),
                 ("--method", "kmeans", "--scale", "z")]


@pytest.mark.parametrize("route", COURSE_ROUTES, ids=lambda r: "-".join(r) or "course")
@pytest.mark.parametrize(("income", "score", "message"), [
    ("60", "150", "spending score '150' is outside 1..100"),
    ("-5", "50", "annual income '-5' is negative"),
    ("nan", "50", "annual income 'nan' is not a number"),
])
def test_a_bad_new_customer_is_refused_alike_by_every_method(run_cli, capsys, course_csv, route,
                                                             income, score, message) -> None:
    """Defect 3: K-Means refused income 60, score 150 (exit 2); GMM and PAM assigned it (exit 0),
    DBSCAN assigned income -5. Now every method applies K-Means' check, with its wording."""
    code, out, err = run_cli(capsys, "predict", "--data", str(course_csv), *route,
                             "--income", income, "--score", score)
    assert (code, out) == (2, ""), (code, out, err)
    assert err.count("\n") == 1 and err.startswith("pyseg: error: ") and message in err, err


def test_a_customer_beyond_the_data_is_warned_about_by_every_method(run_cli, capsys,
                                                                      course_csv) -> None:
    """Defect 3: ``--method gmm --income 500`` gave no warning; K-Means' sentence now."""
    _, _, kmeans_err = run_cli(capsys, "predict", "--data", str(course_csv), "--income", "500",
                               "--score", "50")
    warning = "pyseg: warning: annual income 500 is outside 15..137"
    assert warning in kmeans_err
    for method in ("gmm", "pam", "dbscan"):
        code, out, err = run_cli(capsys, "predict", "--data", str(course_csv), "--method",
                                 method, "--income", "500", "--score", "50")
        assert code in (0, 1) and out, (method, err)
        assert [line for line in err.splitlines() if line.startswith(warning)] == [
            line for line in kmeans_err.splitlines() if line.startswith(warning)], (method, err)
        code, out, _ = run_cli(capsys, "predict", "--data", str(course_csv), "--method",
                               method, "--income", "500", "--score", "50", "--json")
        assert json.loads(out)["warnings"][0].startswith(warning[len("pyseg: warning: "):])


def _course_names(course_csv, labels) -> dict[int, str]:
    """Segment -> course name from the training rows' feature means, named by pyseg's rule for
    centers (the independent part: the means, computed here with pandas)."""
    from pyseg._segments import COURSE_FEATURES, segment_names_for_data

    frame = pd.read_csv(course_csv)[list(COURSE_FEATURES)]
    kept = sorted(set(labels) - {-1})
    centers = np.stack([frame[np.asarray(labels) == k].mean().to_numpy() for k in kept])
    names = segment_names_for_data(centers, frame.to_numpy(dtype=float))
    return {k: s.name for k, s in zip(kept, names, strict=True)}


@pytest.mark.parametrize("method", ["gmm", "pam"])
def test_other_methods_name_the_segment_of_a_new_customer(run_cli, capsys, course_csv,
                                                         method) -> None:
    """Defect 14: ``predict --method gmm/pam`` printed a bare ``0``; now the segment's name (from
    the training clusters' feature means, the rule K-Means' names follow) and its profile."""
    from sklearn.mixture import GaussianMixture

    code, out, _ = run_cli(capsys, "predict", "--data", str(course_csv), "--method", method,
                           "--income", "120", "--score", "90", "--json")
    result = json.loads(out)
    segment, names = result["python"][0], [s["name"] for s in result["segments"]]
    assert code in (0, 1) and result["names"] == [names[segment]]
    if method == "gmm":  # the training labels, independently
        frame = pd.read_csv(course_csv)[["Annual Income (k$)", "Spending Score (1-100)"]]
        labels = GaussianMixture(5, random_state=42).fit(frame.to_numpy()).predict(
            frame.to_numpy())
        assert sorted(_course_names(course_csv, labels).values()) == sorted(names)
    assert result["names"] == ["Target"]
    code, text, _ = run_cli(capsys, "predict", "--data", str(course_csv), "--method", method,
                            "--income", "120", "--score", "90")
    assert f"{segment} Target" in text and "Annual Income (k$)" in text, text
    assert "Python and R agree on 1 of 1 new rows" in text


def test_text_predict_shows_that_the_training_fit_failed_its_check(run_cli, capsys,
                                                                  course_csv) -> None:
    """Defect 14: ``"training_passed": false`` was in ``--json`` only."""
    _, out, _ = run_cli(capsys, "predict", "--data", str(course_csv), "--method", "gmm",
                        "--income", "60", "--score", "50", "--json")
    assert json.loads(out)["training_passed"] is False  # the course GMM: see predict_gmm_json
    _, out, err = run_cli(capsys, "predict", "--data", str(course_csv), "--method", "gmm",
                          "--income", "60", "--score", "50")
    assert "training_passed: false" in out + err and "compare --method gmm" in out + err


def test_pam_on_age_and_gender_points_to_input(run_cli, capsys, course_csv) -> None:
    """Defect 14: PAM on age and gender cannot take --income/--score; the error says --input."""
    code, out, err = run_cli(capsys, "predict", "--data", str(course_csv), "--method", "pam",
                             "--columns", "age,gender", "--income", "60", "--score", "50")
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert "--input CSV" in err and "age" in err.lower() and "gender" in err.lower(), err


def test_a_file_of_new_customers_gets_kmeans_checks_with_every_method(run_cli, capsys,
                                                                        course_csv,
                                                                        tmp_path) -> None:
    """Defect 3, for ``--input``: a score of 150 was refused by K-Means only, and a customer
    beyond the data was warned about by K-Means only."""
    bad, far = tmp_path / "bad.csv", tmp_path / "far.csv"
    bad.write_text("income,score\n60,50\n60,150\n")
    far.write_text("income,score\n60,50\n600,50\n")
    results = {}
    for route in COURSE_ROUTES[:4]:
        code, out, err = run_cli(capsys, "predict", "--data", str(course_csv), *route,
                                 "--input", str(bad))
        assert (code, out, err.count("\n")) == (2, "", 1), (route, err)
        code, out, far_err = run_cli(capsys, "predict", "--data", str(course_csv), *route,
                                     "--input", str(far))
        warnings = [line for line in far_err.splitlines() if "lie outside" in line]
        results[route] = (err, tuple(warnings))
        assert code == 0 and len(warnings) == 1 and "the first at row 3" in warnings[0]
    assert len(set(results.values())) == 1, results
