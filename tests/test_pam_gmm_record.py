"""record-r / --r-results for PAM and Gaussian mixtures (issue 11).

R's PAM and mclust fits are recorded field by field and replayed by
:class:`pyseg.engines.RecordedPamEngine` / :class:`pyseg.engines.RecordedGmmEngine`: the replayed
fit equals the live R fit, and the replayed comparison equals the live one byte for byte in its
JSON. What decides R's numbers beyond the features and the flags is in the recording too: PAM's
columns as read (Gower on gender) and GMM exact mode's starting partition.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pyseg import InputError, RUnavailableError
from pyseg._features import load_features
from pyseg.engines import (
    RecordedGmmEngine,
    RecordedPamEngine,
    RGmmEngine,
    RPamEngine,
    RPamRecorder,
)
from pyseg.engines._recorded import fits_equal
from pyseg.methods._registry import MethodSettings, compare_method
from pyseg.methods.pam._compare import mixed_columns, pam_data

pytestmark = pytest.mark.r


@pytest.fixture(scope="module")
def gender(course_csv):
    """The course file with income, score and gender (a categorical column: Gower)."""
    dataset, features = load_features(course_csv, "income,score,gender")
    return dataset, features


@pytest.fixture(scope="module")
def pam_recording(tmp_path_factory, course_dataset, gender) -> dict[str, Path]:
    from pyseg.engines._recorded import record_method_results

    folder = tmp_path_factory.mktemp("pam")
    plain = record_method_results(course_dataset, "pam", [(5, "euclidean"), (3, "euclidean")],
                                  folder / "course-r-results.json")
    dataset, features = gender
    mixed = record_method_results(dataset, "pam", [(5, "gower")], folder / "gender.json",
                                  engine=RPamRecorder(mixed_columns(dataset, features)))
    return {"plain": plain, "gender": mixed}


@pytest.fixture(scope="module")
def gmm_recording(tmp_path_factory, course_dataset) -> Path:
    from pyseg.engines._recorded import record_method_results

    path = tmp_path_factory.mktemp("gmm") / "course-r-results.json"
    return record_method_results(course_dataset, "gmm", [(5, "full", "exact"),
                                                         (5, "full", "course")], path)


def test_replayed_pam_fit_equals_live_r(pam_recording, course_dataset, gender) -> None:
    data = pam_data(course_dataset, "euclidean")
    live = RPamEngine().fit(data, 5)
    assert fits_equal(RecordedPamEngine(pam_recording["plain"]).fit(data, 5), live)
    dataset, features = gender
    data = pam_data(dataset, None, features)
    assert data.distance == "gower"
    live = RPamEngine().fit(data, 5)
    assert fits_equal(RecordedPamEngine(pam_recording["gender"]).fit(data, 5), live)


def test_pam_compare_with_r_results_equals_the_live_comparison(pam_recording, course_dataset,
                                                              gender) -> None:
    settings = MethodSettings(k=5)
    live = compare_method("pam", course_dataset, settings)
    replayed = compare_method("pam", course_dataset,
                              replace(settings, r_results=pam_recording["plain"]))
    assert replayed.to_json() == live.to_json() and live.passed
    with pytest.raises(InputError, match="no recorded R fit for pam k=4 distance=euclidean"):
        compare_method("pam", course_dataset, replace(settings, k=4,
                                                      r_results=pam_recording["plain"]))
    dataset, _ = gender
    live = compare_method("pam", dataset, settings)
    replayed = compare_method("pam", dataset, replace(settings, r_results=pam_recording["gender"]))
    assert replayed.distance == "gower" and replayed.to_json() == live.to_json()


def test_pam_replay_refuses_other_columns_and_other_distances(pam_recording, gender) -> None:
    dataset, features = gender
    data = pam_data(dataset, None, features)
    other = replace(data, columns=replace(data.columns, values=(
        *data.columns.values[:2], np.where(data.columns.values[2] == "Male", "Female", "Male"))))
    with pytest.raises(InputError, match="on other columns than these"):
        RecordedPamEngine(pam_recording["gender"]).fit(other, 5)
    with pytest.raises(InputError, match="no recorded R fit for pam k=5 distance=euclidean") as e:
        RecordedPamEngine(pam_recording["gender"]).fit(replace(data, distance="euclidean"), 5)
    assert "--method pam --k 5 --distance euclidean" in str(e.value)
    with pytest.raises(RUnavailableError, match="not R's predictions"):
        RecordedPamEngine(pam_recording["gender"]).nearest_medoid(data, None, data)
    assert "\n" not in str(e.value)


def test_replayed_gmm_fits_equal_live_r(gmm_recording, course_dataset) -> None:
    X = course_dataset.X
    recorded, live = RecordedGmmEngine(gmm_recording), RGmmEngine()
    start = live.start(X, 5, "full")
    assert np.array_equal(recorded.start(X, 5, "full"), start)
    assert fits_equal(recorded.fit(X, 5, "full", start), live.fit(X, 5, "full", start))
    assert fits_equal(recorded.fit(X, 5, "full"), live.fit(X, 5, "full"))
    with pytest.raises(InputError, match="is not the recorded one"):
        recorded.fit(X, 5, "full", np.roll(start, 1))
    with pytest.raises(RUnavailableError, match="not R's predictions"):
        recorded.predict(recorded.fit(X, 5, "full"), X[:3])


def test_gmm_compare_with_r_results_equals_the_live_comparison(gmm_recording,
                                                              course_dataset) -> None:
    for mode in ("exact", "course"):
        settings = MethodSettings(k=5, mode=mode, min_agreement=0.0)
        live = compare_method("gmm", course_dataset, settings)
        replayed = compare_method("gmm", course_dataset,
                                  replace(settings, r_results=gmm_recording))
        assert replayed.to_json() == live.to_json()
    assert live.mode == "course"
    absent = "no recorded R fit for gmm k=4 covariance=full mode=exact"
    with pytest.raises(InputError, match=absent):
        compare_method("gmm", course_dataset, MethodSettings(k=4, mode="exact",
                                                             r_results=gmm_recording))


def test_recording_names_what_decides_the_numbers(gmm_recording, pam_recording) -> None:
    gmm = json.loads(gmm_recording.read_text(encoding="utf-8"))["methods"]
    assert [e["describe"] for e in gmm] == ["gmm k=5 covariance=full mode=course",
                                            "gmm k=5 covariance=full mode=exact"]
    assert gmm[0]["fit"]["fields"]["start"] is None
    assert gmm[1]["fit"]["fields"]["start"]["ndarray"]["shape"] == [200]
    pam = json.loads(pam_recording["gender"].read_text(encoding="utf-8"))["methods"]
    assert pam[0]["recorded_by"].endswith("--method pam --k 5 --distance gower")
    assert len(pam[0]["fit"]["fields"]["columns_sha256"]) == 64
