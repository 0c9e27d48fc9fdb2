"""``pyseg check`` (issue 19) on answers learners make themselves.

The answers come from scikit-learn and pandas directly (``tests/reference/check_answers.py``) and
from Rscript directly (``tests/reference/check_answers.R``), never from pyseg: one per finding in
each language, with IDs shuffled, plain label files and centers files. They are made at test time
on the course file, on the committed mall-like data, and on a copy of the latter whose income is
in hundreds of dollars (so the two columns' spreads differ and standardising them matters).
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.r

REFERENCE = Path(__file__).resolve().parent / "reference"

#: Answer file -> (finding, language pyseg must tell, kind) on data whose spreads are alike.
EXPECTED = {
    "py_match.csv": ("match", "python", "labels"),
    "py_centers.csv": ("match", "python", "centers"),
    "py_centers.txt": ("match", None, "centers"),
    "py_local_optimum.csv": ("local-optimum", "python", "labels"),
    "py_scaled.csv": ("match", "python", "labels"),  # spreads alike: scaling changes nothing
    "py_other_columns.txt": ("other-columns", "python", "labels"),
    "py_other_k.csv": ("other-k", "python", "labels"),
    "py_unexplained.txt": ("unexplained", "python", "labels"),
    "r_match.csv": ("match", "r", "labels"),
    "r_centers.csv": ("match", "r", "centers"),
    "r_local_optimum.txt": ("local-optimum", "r", "labels"),
    "r_scaled.csv": ("match", "r", "labels"),
    "r_other_columns.csv": ("other-columns", None, "labels"),  # names, no row names: can't tell
    "r_other_k.csv": ("other-k", "r", "labels"),
    "r_unexplained.txt": ("unexplained", "r", "labels"),
}


def _make_answers(data: Path, folder: Path, rscript: str) -> dict[str, str]:
    """Both generators' answers on ``data`` in ``folder``; each one's printed local-optimum line."""
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    for command in ([rscript, str(REFERENCE / "check_answers.R")],
                    [sys.executable, str(REFERENCE / "check_answers.py")]):
        out = subprocess.run([*command, str(data), str(folder)], capture_output=True, text=True,
                             check=True, timeout=300)
        made[Path(command[1]).suffix] = out.stdout
    return made


@pytest.fixture(scope="module")
def wide_csv(tmp_path_factory: pytest.TempPathFactory, mall_like_csv: Path) -> Path:
    """The mall-like data with income x 10: spreads about 250 and 25."""
    table = pd.read_csv(mall_like_csv, dtype={"CustomerID": str})
    table["Annual Income (k$)"] *= 10
    path = tmp_path_factory.mktemp("wide") / "wide.csv"
    table.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def made(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
         rscript: str) -> Callable[[str], tuple[Path, Path]]:
    """data name -> (data file, folder of the answers made on it), each made once."""
    fixtures = {"course": "course_csv", "mall_like": "mall_like_csv", "wide": "wide_csv"}
    folders: dict[str, tuple[Path, Path]] = {}

    def get(name: str) -> tuple[Path, Path]:
        if name not in folders:
            path = request.getfixturevalue(fixtures[name])
            folder = tmp_path_factory.mktemp(f"answers-{name}")
            _make_answers(path, folder, rscript)
            folders[name] = (path, folder)
        return folders[name]

    return get


@pytest.fixture(scope="module", params=["course", "mall_like", "wide"])
def answers(request: pytest.FixtureRequest, made: Callable[[str], tuple[Path, Path]]
            ) -> tuple[Path, Path]:
    """(data file, folder of answers made on it)."""
    return made(request.param)


def _expected(data: Path, name: str) -> tuple[str, str | None, str]:
    finding, language, kind = EXPECTED[name]
    if data.name == "wide.csv" and "scaled" in name:
        finding = "scaled"
    return finding, language, kind


#: (data, answer) pairs: every answer on the course and mall-like data; on the wide data, where
#: R's ten starts stop in another optimum than scikit-learn's, the course's and the scaled ones.
CASES = [(data, name) for data in ("course", "mall_like") for name in sorted(EXPECTED)] + [
    ("wide", name) for name in sorted(EXPECTED) if "scaled" in name or "match" in name]


@pytest.mark.parametrize(("data_name", "name"), CASES)
def test_each_learner_answer_gets_its_finding(made: Callable[[str], tuple[Path, Path]],
                                              data_name: str, name: str) -> None:
    from pyseg import check

    data, folder = made(data_name)
    result = check(folder / name, data)
    finding, language, kind = _expected(data, name)
    assert (result.finding, result.answer.language, result.answer.kind) == (
        finding, language, kind), result.verdict()
    assert result.exit_code == (0 if finding == "match" else 1)
    if finding in ("scaled", "other-columns", "other-k"):
        assert result.explained_by is not None
        assert result.explained_by.agreement >= 0.98
        assert result.explained_by.agreement > result.agreement


def test_what_each_finding_says(answers: tuple[Path, Path]) -> None:
    """Say which columns and which k, both WCSS and how many sit elsewhere, advice in the
    answer's language."""
    from pyseg import check

    data, folder = answers
    if data.name == "wide.csv":
        result = check(folder / "r_scaled.csv", data)
        assert "standardised columns" in result.verdict()
        assert any("without scale()" in line for line in result.advice())
        assert result.explained_by.settings()["scaled"] is True
        return
    match = check(folder / "r_match.csv", data)
    assert "Python and R both give it" in match.verdict()
    assert any("would not change it here" in line for line in match.why())
    local = check(folder / "r_local_optimum.txt", data)
    assert local.wcss > local.course_wcss
    assert f"{local.elsewhere} customers" in local.verdict()
    assert f"{local.wcss:.2f}" in local.why()[1] and f"{local.course_wcss:.2f}" in local.why()[1]
    assert local.advice() == ["R: run several starts and keep the best: set.seed(29); "
                              "kmeans(X, 5, iter.max = 300, nstart = 10)."]
    python_local = check(folder / "py_local_optimum.csv", data)
    assert "n_init=10" in python_local.advice()[0] and len(python_local.advice()) == 1
    columns = check(folder / "py_other_columns.txt", data)
    assert "Age x Spending Score (1-100) at k = 4" in columns.verdict()
    assert "dataset.iloc[:, [3, 4]]" in columns.advice()[0]
    names = check(folder / "r_other_columns.csv", data)  # language unknown: both
    assert [line.split(":")[0] for line in names.advice()] == ["Python", "R"]
    other_k = check(folder / "r_other_k.csv", data)
    assert "k = 4" in other_k.verdict() and "kmeans(X, 5" in other_k.advice()[0]
    unexplained = check(folder / "py_unexplained.txt", data)
    assert unexplained.course.alignment.confusion.sum() == unexplained.dataset.n_rows


def test_cli_exit_codes_text_and_json(answers: tuple[Path, Path], run_cli, capsys) -> None:
    data, folder = answers
    code, out, err = run_cli(capsys, "check", str(folder / "py_match.csv"), "--data", str(data))
    assert (code, err) == (0, "")
    assert out.splitlines()[0].startswith("read: labels: labels by CustomerID")
    assert "what to change:" in out
    code, out, err = run_cli(capsys, "check", str(folder / "py_unexplained.txt"), "--data",
                             str(data), "--json")
    document = json.loads(out)
    assert code == 1 and document["finding"] == "unexplained"
    for key in ("finding", "agreement", "ari", "wcss", "k", "explained_by", "advice",
                "answer_kind"):
        assert key in document
    assert set(document["wcss"]) == {"answer", "course"}
    assert document["answer_kind"] == "labels" and isinstance(document["advice"], list)
    code, again, _ = run_cli(capsys, "check", str(folder / "py_unexplained.txt"), "--data",
                             str(data), "--json")
    assert again == out  # same inputs, same bytes
    code, out, _ = run_cli(capsys, "check", str(folder / "py_unexplained.txt"), "--data",
                           str(data))
    assert "course cluster x your cluster" in out  # the confusion table


def test_python_objects_fitted_kmeans_labels_and_centers(mall_like_csv: Path) -> None:
    from sklearn.cluster import KMeans

    from pyseg import check

    table = pd.read_csv(mall_like_csv)
    X = table.iloc[:, [3, 4]].values
    km = KMeans(n_clusters=5, n_init=10, random_state=42).fit(X)
    assert check(km, mall_like_csv).finding == "match"
    assert check(km.labels_ + 1, mall_like_csv).answer.language == "r"
    assert check(km.cluster_centers_, mall_like_csv).answer.kind == "centers"
    assert check(table.assign(cluster=km.labels_), mall_like_csv).finding == "match"
    single = KMeans(n_clusters=5, init="random", n_init=1, random_state=0).fit(X)
    assert check(single, mall_like_csv).finding == "local-optimum"


def test_one_customer_elsewhere_is_a_local_optimum(course_csv: Path) -> None:
    """The customer nearest to another center, moved there: WCSS up, one customer elsewhere."""
    from sklearn.cluster import KMeans

    from pyseg import check

    X = pd.read_csv(course_csv).iloc[:, [3, 4]].values.astype(float)
    km = KMeans(n_clusters=5, n_init=10, random_state=42).fit(X)
    distances = ((X[:, None, :] - km.cluster_centers_[None]) ** 2).sum(axis=2)
    own = distances[np.arange(len(X)), km.labels_]
    distances[np.arange(len(X)), km.labels_] = np.inf
    customer = int(np.argmin(distances.min(axis=1) - own))
    labels = km.labels_.copy()
    labels[customer] = int(np.argmin(distances[customer]))
    result = check(labels, course_csv)
    assert (result.finding, result.elsewhere) == ("local-optimum", 1)
    assert "1 customer sits" in result.verdict()
    assert result.wcss > result.course_wcss


def _one_error_line(run_pyseg, *args: str) -> str:
    done = run_pyseg("check", *args)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pyseg: error: "), done.stderr
    return lines[0]


def test_pickles_and_rds_files_are_refused_unread(tmp_path: Path, run_pyseg, rscript: str,
                                                  mall_like_csv: Path) -> None:
    marker = tmp_path / "ran"
    pickled = tmp_path / "answer.pkl"
    pickled.write_bytes(pickle.dumps(list(range(200))))
    disguised = tmp_path / "answer.csv"
    disguised.write_bytes(pickled.read_bytes())
    rds = tmp_path / "km.rds"
    subprocess.run([rscript, "-e", f"saveRDS(kmeans(matrix(1:20, 10), 2), '{rds}')"],
                   check=True, capture_output=True)
    for path in (pickled, disguised, rds):
        line = _one_error_line(run_pyseg, str(path), "--data", str(mall_like_csv))
        assert str(path) in line and "pickle or R .rds" in line and "never loads" in line
    assert not marker.exists()


def test_bad_answers_exit_2_with_one_line_naming_file_and_row(tmp_path: Path, run_pyseg,
                                                              mall_like_csv: Path) -> None:
    ids = pd.read_csv(mall_like_csv, dtype={"CustomerID": str})["CustomerID"]
    cases = {
        "missing.csv": (None, "no such file"),
        "short.txt": ("0\n" * 150, "row 150: 150 data rows"),
        "unknown_id.csv": ("CustomerID,cluster\n" + "".join(
            f"{'9999' if i == 6 else c},0\n" for i, c in enumerate(ids)), "row 8: ID '9999'"),
        "many_labels.txt": ("".join(f"{i % 25}\n" for i in range(200)),
                            "row 21: 25 different labels"),
        "three_columns.csv": ('"","a","b","c"\n' + "".join(f'"{i}",1,2,3\n' for i in range(5)),
                              "row 2: a center with 3 columns"),
        "binary.csv": (b"\x00\x01" * 10, "not a text CSV"),
    }
    for name, (content, fragment) in cases.items():
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif content is not None:
            path.write_text(content, encoding="utf-8")
        line = _one_error_line(run_pyseg, str(path), "--data", str(mall_like_csv))
        assert str(path) in line and fragment in line, line


@pytest.mark.slow
def test_check_answers_within_twice_a_cold_compare(course_csv: Path, tmp_path: Path,
                                                   run_pyseg, rscript: str) -> None:
    """Issue 19's speed bound, each command cold in its own process (best of two)."""
    _make_answers(course_csv, tmp_path, rscript)

    def best(*args: str) -> float:
        seconds = []
        for _ in range(2):
            start = time.perf_counter()
            run_pyseg(*args)
            seconds.append(time.perf_counter() - start)
        return min(seconds)

    compare = best("compare", "--data", str(course_csv))
    checked = best("check", str(tmp_path / "r_local_optimum.txt"), "--data", str(course_csv))
    assert checked < 2 * compare, (checked, compare)


def test_centers_on_standardised_columns_are_read_as_such(wide_csv: Path) -> None:
    """``StandardScaler`` then ``km.cluster_centers_``: centers in z units, the finding scaled."""
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler

    from pyseg import check

    X = pd.read_csv(wide_csv).iloc[:, [3, 4]].values
    km = KMeans(n_clusters=5, n_init=10, random_state=42).fit(StandardScaler().fit_transform(X))
    result = check(km.cluster_centers_, wide_csv)
    assert result.answer.description.endswith("on standardised columns")
    assert result.finding == "scaled"


def test_unusable_r_exits_3_with_the_fix(run_pyseg, mall_like_csv: Path, tmp_path: Path
                                         ) -> None:
    labels = tmp_path / "labels.txt"
    labels.write_text("0\n" * 100 + "1\n" * 100, encoding="utf-8")
    done = run_pyseg("check", str(labels), "--data", str(mall_like_csv),
                     env={"R_HOME": "/nonexistent"})
    lines = done.stderr.splitlines()
    assert done.returncode == 3 and len(lines) == 1 and "R_HOME" in lines[0], done.stderr
