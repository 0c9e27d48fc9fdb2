"""record-r / --r-results for hierarchical clustering and DBSCAN (issue 10).

R's fits are recorded field by field (arrays with dtype and shape, exact floats) and replayed by
:class:`pyseg.engines.RecordedMethodEngine`; the replayed comparison must equal the live one,
byte for byte in its JSON, and an absent fit is one error line naming the command recording it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pyseg import InputError
from pyseg._data import Dataset
from pyseg.engines import DbscanFit, HierarchicalFit, RecordedMethodEngine
from pyseg.engines._recorded import (
    METHODS_FORMAT,
    decode_fit,
    encode_fit,
    fits_equal,
)
from pyseg.methods._registry import MethodSettings, compare_method

HIERARCHICAL_RUNS = [(5, "ward"), (5, "average"), (9, "single")]
DBSCAN_RUNS = [(5.0, 5), (8.0, 4)]


def test_a_fit_survives_json_exactly() -> None:
    fit = HierarchicalFit(
        engine="r", labels=np.array([0, 1, 1, 2], dtype=np.int64),
        heights=np.array([0.1 + 0.2, 1 / 3, np.nan]),
        linkage_matrix=np.array([[0, 1, 0.3, 2], [2, 4, 1 / 3, 3], [3, 5, np.inf, 4]]),
        linkage="ward", route="matrix", fcluster_clusters=None, warnings=("a \"quoted\" one",))
    back = decode_fit("hierarchical", json.loads(json.dumps(encode_fit(fit), allow_nan=False)))
    assert fits_equal(back, fit) and back.warnings == fit.warnings
    assert back.heights[0] == 0.1 + 0.2 and back.labels.dtype == np.int64
    core = DbscanFit(engine="r", labels=np.array([-1, 0]), core=np.array([False, True]), eps=0.5,
                     min_points=2)
    back = decode_fit("dbscan", json.loads(json.dumps(encode_fit(core))))
    assert fits_equal(back, core) and back.core.dtype == np.bool_
    assert not fits_equal(back, DbscanFit(engine="r", labels=np.array([-1, 0]),
                                          core=np.array([True, True]), eps=0.5, min_points=2))


def test_a_file_that_is_no_recording_is_one_line(tmp_path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(InputError, match="is not a file of recorded R results"):
        RecordedMethodEngine(path, "dbscan")
    with pytest.raises(InputError, match="R's fits can be recorded for hierarchical, dbscan"):
        RecordedMethodEngine(path, "kmedians")


@pytest.fixture(scope="module")
def recording(tmp_path_factory, course_dataset) -> Path:
    from pyseg.engines._recorded import record_method_results

    path = tmp_path_factory.mktemp("record") / "course-r-results.json"
    record_method_results(course_dataset, "hierarchical", HIERARCHICAL_RUNS, path)
    record_method_results(course_dataset, "dbscan", DBSCAN_RUNS, path)
    return path


@pytest.mark.r
@pytest.mark.parametrize("run", HIERARCHICAL_RUNS)
def test_replayed_hierarchical_fit_equals_live_r(recording, course_dataset, run) -> None:
    from pyseg.engines import RHierarchicalEngine

    live = RHierarchicalEngine().fit(course_dataset.X, *run)
    assert fits_equal(RecordedMethodEngine(recording, "hierarchical").fit(course_dataset.X, *run),
                      live)


@pytest.mark.r
@pytest.mark.parametrize("run", DBSCAN_RUNS)
def test_replayed_dbscan_fit_equals_live_r(recording, course_dataset, run) -> None:
    from pyseg.engines import RDbscanEngine

    live = RDbscanEngine().fit(course_dataset.X, *run)
    assert fits_equal(RecordedMethodEngine(recording, "dbscan").fit(course_dataset.X, *run), live)


@pytest.mark.r
def test_compare_with_r_results_equals_the_live_comparison(recording, course_dataset) -> None:
    for method, settings in (("hierarchical", MethodSettings(k=5, linkage="average")),
                             ("dbscan", MethodSettings(eps=8.0, min_points=4))):
        live = compare_method(method, course_dataset, settings)
        replayed = compare_method(method, course_dataset,
                                  MethodSettings(**{**settings.__dict__, "r_results": recording}))
        assert replayed.to_json() == live.to_json()


@pytest.mark.r
def test_an_absent_fit_names_what_is_recorded_and_the_command(recording, course_dataset) -> None:
    with pytest.raises(InputError) as caught:
        compare_method("hierarchical", course_dataset, MethodSettings(k=7, r_results=recording))
    message = str(caught.value)
    assert "\n" not in message
    assert "no recorded R fit for hierarchical k=7 linkage=ward" in message
    assert "hierarchical k=5 linkage=average" in message and "k=9 linkage=single" in message
    assert ("`pyseg record-r --data Mall_Customers.csv --method hierarchical --k 7 --linkage "
            "ward`") in message
    other = Dataset(X=course_dataset.X[:50].copy(), feature_names=course_dataset.feature_names,
                    path=None, source="part.csv", sha256="1" * 64, frame=None)
    with pytest.raises(InputError, match=r"records R results for Mall_Customers\.csv .* not for "
                                         "this data"):
        compare_method("dbscan", other, MethodSettings(eps=5.0, r_results=recording))


@pytest.mark.r
def test_recording_is_deterministic_and_order_free(recording, course_dataset, tmp_path) -> None:
    from pyseg.engines._recorded import record_method_results

    again = tmp_path / "again.json"
    record_method_results(course_dataset, "dbscan", DBSCAN_RUNS[::-1], again)
    record_method_results(course_dataset, "hierarchical", HIERARCHICAL_RUNS[::-1], again)
    record_method_results(course_dataset, "hierarchical", HIERARCHICAL_RUNS[:1], again)
    assert again.read_bytes() == recording.read_bytes()
    record = json.loads(recording.read_text(encoding="utf-8"))
    assert record["format"] == METHODS_FORMAT and len(record["methods"]) == 5


@pytest.mark.r
@pytest.mark.slow
def test_methods_join_a_kmeans_recording_which_keeps_working(course_dataset, tmp_path) -> None:
    from pyseg.engines import RecordedREngine
    from pyseg.engines._recorded import record_method_results
    from pyseg.methods.kmeans._record import record_r_results

    path = record_r_results(course_dataset, tmp_path / "r.json", k_values=range(1, 4))
    kmeans_only = json.loads(path.read_text(encoding="utf-8"))
    record_method_results(course_dataset, "dbscan", DBSCAN_RUNS, path)
    both = json.loads(path.read_text(encoding="utf-8"))
    assert [e["describe"] for e in both.pop("methods")] == ["dbscan eps=5.0 min_points=5",
                                                           "dbscan eps=8.0 min_points=4"]
    assert both == kmeans_only
    from pyseg._course import R_COURSE

    assert RecordedREngine(path).fit(course_dataset.X, 3, R_COURSE).labels.size == 200
    assert RecordedMethodEngine(path, "dbscan").fit(course_dataset.X, 5.0, 5).n_noise == 87
