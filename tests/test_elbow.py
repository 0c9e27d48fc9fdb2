"""The elbow in both languages, silhouettes and the knee.

Expected R numbers come from ``tests/reference/course_elbow.R`` (the course's plain R code), run
with Rscript during the test run (R 4.2.2 on Debian 12 when written) - never typed in here.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from pyseg._data import load_dataset
from pyseg._errors import InputError
from pyseg._synth import mall_like_csv_bytes
from pyseg.cli import main
from pyseg.engines import REngine, SklearnEngine
from pyseg.methods.kmeans._elbow import _difference_reason, elbow, find_knee

REFERENCE = Path(__file__).parent / "reference"


@pytest.fixture(scope="module")
def course(course_dataset):
    return course_dataset


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("data") / "mall_like.csv"
    path.write_bytes(mall_like_csv_bytes(n=120, seed=3))
    return path


@pytest.fixture(scope="module")
def course_elbow(course):
    return elbow(course, range(1, 11), mode="course")


@pytest.fixture(scope="module")
def reference_wcss(course_csv: Path, rscript: str) -> dict[int, float]:
    out = subprocess.run([rscript, str(REFERENCE / "course_elbow.R"), str(course_csv)],
                         check=True, capture_output=True, text=True).stdout
    return {int(k): float(v) for k, v in (line.split() for line in out.splitlines())}


@pytest.mark.r
def test_course_r_elbow_matches_the_course_code_run_by_rscript(course_elbow, reference_wcss):
    assert [row.k for row in course_elbow.rows] == list(range(1, 11))
    for row in course_elbow.rows:
        assert row.r_wcss == pytest.approx(reference_wcss[row.k], rel=1e-12)


@pytest.mark.r
def test_course_elbow_flags_k5_and_names_the_single_start(course_elbow):
    row = course_elbow.rows[4]
    assert row.k == 5
    assert row.python_wcss == pytest.approx(44448.455, abs=1e-3)
    assert row.r_wcss > row.python_wcss * 1.4  # R's single start: a local optimum
    assert row.lower == "python" and row.differs
    assert "single random start" in row.reason and "local optimum" in row.reason
    assert 5 in course_elbow.differing_k
    assert any("k = 5" in line for line in course_elbow.summary())
    # where the two agree, they agree on every row, not just on the WCSS
    for same in (r for r in course_elbow.rows if not r.differs):
        assert same.accuracy == 1.0 and same.wcss_rel_diff < 1e-12


@pytest.mark.r
def test_python_side_is_sklearn_with_random_state_42_per_k(course, course_elbow):
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    for k in (2, 5, 9):
        # pyseg fits on one thread so that results are the same bits on every machine; the
        # reference fit must too, or the last bits of the inertia depend on the thread count.
        with threadpool_limits(1):
            model = KMeans(n_clusters=k, init="k-means++", n_init=10, random_state=42)
            model.fit(course.X)
        assert course_elbow.rows[k - 1].python_wcss == model.inertia_


@pytest.mark.r
def test_silhouettes_of_identical_labels_agree_to_1e_12(course, course_elbow):
    assert course_elbow.silhouette_check is not None
    assert course_elbow.silhouette_check <= 1e-12
    rng = np.random.default_rng(0)
    for labels in (course_elbow.python_labels[5], rng.integers(0, 4, size=course.n_rows)):
        python = SklearnEngine().silhouette(course.X, labels)
        r = REngine().silhouette(course.X, labels)
        np.testing.assert_allclose(python.widths, r.widths, rtol=0, atol=1e-12)
        assert python.mean == pytest.approx(r.mean, abs=1e-12)


def test_silhouette_is_undefined_for_one_cluster():
    X = np.arange(10.0).reshape(5, 2)
    assert SklearnEngine().silhouette(X, np.zeros(5)) is None
    assert SklearnEngine().silhouette(X, np.arange(5)) is None  # every row its own cluster


@pytest.mark.r
def test_knees_and_best_silhouette_on_the_course_data(course_elbow):
    assert course_elbow.python_knee == 5
    assert course_elbow.best_silhouette_k["python"] == 5
    # the course R elbow's bump at k = 5 moves its knee
    assert course_elbow.r_knee != course_elbow.python_knee


@pytest.mark.r
def test_matched_mode_removes_the_difference_at_small_k(course):
    result = elbow(course, range(1, 7), mode="matched", starts=10)
    assert result.differing_k == ()
    assert result.python_knee == result.r_knee


@pytest.mark.r
def test_course_mode_seeds_once_so_a_subset_of_k_picks_from_the_full_loop(course, course_elbow):
    subset = elbow(course, [4, 5], mode="course")
    assert [row.r_wcss for row in subset.rows] == [course_elbow.rows[3].r_wcss,
                                                   course_elbow.rows[4].r_wcss]


def test_find_knee_on_a_curve_with_a_clear_knee():
    ks = list(range(1, 9))
    wcss = [1000, 500, 250, 60, 50, 42, 36, 31]
    assert find_knee(ks, wcss) == 4
    assert find_knee([1, 2], [10, 5]) is None


def test_difference_reason_names_the_lower_side():
    lower, reason = _difference_reason("course", 10, 44448.0, 66465.0, 0.8)
    assert lower == "python" and "single random start" in reason and "+49.5" in reason
    lower, reason = _difference_reason("matched", 10, 25000.0, 24990.0, 0.99)
    assert lower == "r" and "Hartigan-Wong" in reason
    lower, reason = _difference_reason("matched", 10, 1.0, 1.0, 1.0)
    assert (lower, reason) == ("same", "")


def test_bad_arguments_are_input_errors(small_csv):
    dataset = load_dataset(small_csv)
    with pytest.raises(InputError, match="mode 'fast'"):
        elbow(dataset, mode="fast")
    with pytest.raises(InputError, match="k = 0"):
        elbow(dataset, [0, 1])
    with pytest.raises(InputError, match="distinct points"):
        elbow(dataset, [1, 500])


def test_cli_starts_without_matched_mode_is_a_usage_error(small_csv, capsys):
    assert main(["elbow", "--data", str(small_csv), "--starts", "5"]) == 2
    assert "needs --mode matched" in capsys.readouterr().err


@pytest.mark.r
def test_cli_json_is_deterministic_and_quiet(small_csv, capsys):
    argv = ["elbow", "--data", str(small_csv), "--k-max", "6", "--json"]
    assert main(argv) == 0
    first = capsys.readouterr()
    assert main(argv) == 0
    second = capsys.readouterr()
    assert first.out == second.out
    assert first.err == ""  # no progress bar with --json
    document = json.loads(first.out)
    assert document["k_values"] == [1, 2, 3, 4, 5, 6]
    assert len(document["rows"]) == 6


@pytest.mark.r
def test_cli_table_flags_the_differing_k_on_the_course_data(course_csv, capsys):
    assert main(["elbow", "--data", str(course_csv)]) == 0
    out = capsys.readouterr().out
    line_k5 = next(line for line in out.splitlines() if line.split()[:1] == ["5"])
    assert "differs" in line_k5
    assert "single random start" in out
