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
    assert code == 0 and "python and R agree on 1 of 1 new rows" in out
    assert np.all([line.split()[1] == line.split()[2] for line in out.splitlines()
                   if line.strip().startswith("1 ")])


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
