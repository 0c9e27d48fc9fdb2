"""Recorded R results: ``pyseg record-r`` and ``compare --r-results`` / ``elbow --r-results``.

The committed file ``r_reference/results/course.json`` was produced by
``pyseg record-r --data Mall_Customers.csv --output r_reference/results/course.json`` with
R 4.2.2 (Debian 12) from the R code whose SHA-256 it stores. The tests without the ``r`` marker
use it as R's side on machines without R; the ``r`` tests recompute it with live R and require the
same numbers.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from pyseg._course import EXACT_MAX_ITER, PYTHON_COURSE, R_COURSE, CourseSettings
from pyseg._data import load_dataset
from pyseg._errors import InputError
from pyseg._synth import mall_like_csv_bytes
from pyseg.cli import main
from pyseg.engines import REngine, initial_centers_kmeanspp
from pyseg.engines._recorded import FORMAT, load_recording
from pyseg.methods.kmeans._compare import compare
from pyseg.methods.kmeans._elbow import elbow
from pyseg.methods.kmeans._record import R_CODE_FILES, RecordedREngine, record_r_results


@pytest.fixture(scope="module")
def course(course_dataset):
    return course_dataset


@pytest.fixture(scope="module")
def recorded(repo: Path) -> RecordedREngine:
    return RecordedREngine(repo / "r_reference" / "results" / "course.json")


def test_committed_results_come_from_the_current_r_code_and_the_course_file(
    recorded, course, repo: Path
):
    record = recorded.record
    for name in R_CODE_FILES:
        current = hashlib.sha256((repo / "r_reference" / name).read_bytes()).hexdigest()
        assert record["r_code"][name] == current, (
            f"r_reference/{name} changed since the results were recorded: run "
            "`pyseg record-r --data path/to/Mall_Customers.csv "
            "--output r_reference/results/course.json`")
    assert record["data"]["sha256"] == course.sha256
    assert record["r_version"].startswith("R version")
    assert any(line.startswith("R version") for line in record["r_session_info"])


def test_python_matches_recorded_r_without_running_r(recorded, course):
    for mode in ("course", "exact"):
        result = compare(course, 5, mode=mode, r_engine=recorded)
        assert result.passed, result.diagnosis
        assert result.agreement.accuracy == 1.0
        assert result.r.wcss == pytest.approx(44448.455, abs=1e-3)


def test_recorded_elbow_keeps_the_course_difference(recorded, course):
    result = elbow(course, range(1, 11), mode="course", r_engine=recorded)
    assert 5 in result.differing_k
    assert result.rows[4].r_wcss == pytest.approx(66465.148, abs=1e-3)
    # scikit-learn's silhouette of R's recorded labels equals R's recorded widths
    assert result.silhouette_check <= 1e-12


def test_unrecorded_settings_and_other_data_are_refused(recorded, course):
    with pytest.raises(InputError, match=r"nstart=3.*it records: course set\.seed\(29\)"):
        recorded.fit(course.X, 5, CourseSettings(seed=29, n_starts=3))
    with pytest.raises(InputError, match="not for this data"):
        recorded.fit(course.X[:100], 5, R_COURSE)
    with pytest.raises(InputError, match="no recorded R elbow"):
        recorded.elbow(course.X, (1, 2), "matched", 99)


@pytest.mark.parametrize(("content", "message"), [
    (None, "cannot read"),
    ("{not json", "not valid JSON"),
    ('{"format": "other"}', "not a file of recorded R results"),
])
def test_bad_files_are_input_errors(tmp_path, content, message):
    path = tmp_path / "results.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError, match=message):
        load_recording(path, (FORMAT,))


def test_cli_compare_with_missing_results_file_exits_2(mall_like_csv, tmp_path, capsys):
    code = main(["compare", "--data", str(mall_like_csv), "--r-results",
                 str(tmp_path / "missing.json")])
    assert code == 2
    assert "cannot read recorded R results" in capsys.readouterr().err


@pytest.mark.r
def test_committed_results_are_what_live_r_computes(recorded, course):
    live = REngine().fit(course.X, 5, R_COURSE)
    stored = recorded.fit(course.X, 5, R_COURSE)
    np.testing.assert_array_equal(live.labels, stored.labels)
    np.testing.assert_array_equal(live.centers, stored.centers)
    assert live.wcss == stored.wcss
    initial = initial_centers_kmeanspp(course.X, 5, PYTHON_COURSE.seed)
    live_exact = REngine().fit_from(course.X, initial, EXACT_MAX_ITER)
    np.testing.assert_array_equal(
        live_exact.labels, recorded.fit_from(course.X, initial, EXACT_MAX_ITER).labels)
    live_elbow = REngine().elbow(course.X, tuple(range(1, 11)), "course", 1)
    stored_elbow = recorded.elbow(course.X, tuple(range(1, 11)), "course", 1)
    np.testing.assert_array_equal(live_elbow.wcss, stored_elbow.wcss)
    np.testing.assert_array_equal(live_elbow.labels, stored_elbow.labels)


@pytest.mark.r
def test_record_then_replay_on_other_data(tmp_path):
    data = tmp_path / "shop.csv"
    data.write_bytes(mall_like_csv_bytes(n=80, seed=11))
    dataset = load_dataset(data)
    target = tmp_path / "results" / "shop.json"
    written = record_r_results(dataset, target, k_values=range(1, 5),
                               command_line=["pyseg", "record-r"])
    assert written == target
    text = target.read_text()
    record = json.loads(text)
    assert record["data"]["n_rows"] == 80
    # derived numbers and provenance only: the data's rows are not in the file
    assert set(record) == {"format", "note", "r_version", "r_components", "r_session_info",
                           "r_code", "recorded_by", "data", "fits", "elbows"}
    replay = RecordedREngine(target)
    live = compare(dataset, 3)
    replayed = compare(dataset, 3, r_engine=replay)
    np.testing.assert_array_equal(live.r.labels, replayed.r.labels)
    assert live.r.wcss == replayed.r.wcss
    # recording again gives the same bytes (no clock in the file)
    record_r_results(dataset, target, k_values=range(1, 5), command_line=["pyseg", "record-r"])
    assert target.read_text() == text
    assert sorted(p.name for p in target.parent.iterdir()) == ["shop.json"]
