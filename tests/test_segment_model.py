"""SegmentModel: fit, predict, save/load as JSON, and nearest-center parity with R.

The tests of the course's centers and of the segment names at the course's positions use the
course file (``course_X``, ``course_model``); the others use ``data/mall_like_200.csv``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyseg._course import CourseSettings
from pyseg._errors import InputError
from pyseg._model import SegmentModel
from pyseg._segments import COURSE_FEATURES, COURSE_SEGMENTS, segment_names
from pyseg.engines import REngine, nearest_center

# The "must show" customers on the real course file.
MUST_SHOW = [
    ((70, 80), "Target"),
    ((20, 80), "Careless"),
    ((90, 15), "Careful"),
    ((20, 15), "Sensible"),
    ((55, 50), "Standard"),
]


def course_grid(n=100):
    income, score = np.meshgrid(np.linspace(0, 150, n), np.linspace(1, 100, n), indexing="ij")
    return np.column_stack([income.ravel(), score.ravel()])


def test_course_fit_reproduces_the_known_centers_and_wcss(course_model):
    assert course_model.fit_["wcss"] == pytest.approx(44448.455, abs=1e-3)
    expected = np.array(
        [[55.30, 49.52], [86.54, 82.13], [25.73, 79.36], [88.20, 17.11], [26.30, 20.91]]
    )
    for center in expected:
        assert np.min(np.abs(course_model.centers_ - center).max(axis=1)) < 0.01


@pytest.mark.parametrize(("customer", "name"), MUST_SHOW)
def test_must_show_customers(course_model, customer, name):
    prediction = course_model.predict_one(*customer)
    assert prediction.name == name
    center = np.array(prediction.center)
    assert prediction.distance == pytest.approx(np.hypot(*(np.array(customer) - center)))
    assert prediction.description == COURSE_SEGMENTS[name][1]


def test_predict_accepts_a_pair_an_array_and_a_dataframe(course_model):
    import pandas as pd

    pairs = np.array([customer for customer, _ in MUST_SHOW], dtype=float)
    names = [name for _, name in MUST_SHOW]
    assert list(course_model.predict(pairs).name) == names
    assert course_model.predict((70, 80)).name == ("Target",)
    frame = pd.DataFrame(pairs[:, ::-1], columns=list(COURSE_FEATURES[::-1]))  # order by name
    result = course_model.predict(frame)
    assert list(result.name) == names
    assert result.center.shape == (5, 2) and result.distance.shape == (5,)
    assert [p.index for p in result] == list(result.index)


@pytest.mark.parametrize(
    ("bad", "message"),
    [((70, float("nan")), "not a finite number"), ((1, 2, 3), "2 values each"),
     (("a", 2), "must be numbers")],
)
def test_predict_rejects_bad_customers(mall_like_model, bad, message):
    with pytest.raises(InputError, match=message):
        mall_like_model.predict(bad)


def test_predict_rejects_a_table_without_the_features(mall_like_model):
    import pandas as pd

    with pytest.raises(InputError, match="lacks the column"):
        mall_like_model.predict(pd.DataFrame({"Age": [30], "Spending Score (1-100)": [50]}))


def test_nearest_center_ties_go_to_the_lowest_index():
    centers = np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 0.0]])
    index, distance = nearest_center(np.array([[1.0, 5.0], [1.0, 0.0], [3.0, 0.0]]), centers)
    assert index.tolist() == [2, 2, 1]
    index, _ = nearest_center(np.array([[1.0, 0.0]]), centers[:2])
    assert index.tolist() == [0]
    assert distance.tolist() == [5.0, 0.0, 1.0]


def test_names_do_not_depend_on_the_seed(course_X):
    names_by_position = []
    for seed in (0, 1, 7, 42, 2024):
        model = SegmentModel(settings=CourseSettings(seed=seed)).fit(course_X)
        names_by_position.append([p.name for p in model.predict([c for c, _ in MUST_SHOW])])
    assert all(names == [n for _, n in MUST_SHOW] for names in names_by_position)


@pytest.mark.r
def test_r_fit_gets_the_same_names_for_the_same_groups(mall_like_X, mall_like_model):
    from pyseg._course import R_COURSE

    r_fit = REngine().fit(mall_like_X, 5, R_COURSE)
    r_names = segment_names(r_fit.centers, mall_like_model.feature_ranges_)
    r_by_customer = [r_names[i].name for i in nearest_center(mall_like_X, r_fit.centers)[0]]
    assert r_by_customer == list(mall_like_model.predict(mall_like_X).name)


def test_json_round_trip_is_byte_identical_and_predicts_the_same(mall_like_model, tmp_path):
    path = mall_like_model.save(tmp_path / "model.json")
    loaded = SegmentModel.load(path)
    assert loaded.to_json() == path.read_text() == mall_like_model.to_json()
    assert loaded.training_X_ is None
    grid = course_grid(40)
    np.testing.assert_array_equal(loaded.predict(grid).index, mall_like_model.predict(grid).index)
    payload = json.loads(path.read_text())
    assert payload["k"] == 5
    assert payload["feature_names"] == list(COURSE_FEATURES)
    assert payload["settings"]["seed"] == 42
    assert len(payload["data"]["sha256"]) == 64
    assert payload["versions"]["scikit_learn"]
    assert not list(tmp_path.glob(".*.tmp")), "the atomic save left its temporary file"


def test_refitting_gives_identical_json(mall_like_X):
    assert SegmentModel().fit(mall_like_X).to_json() == SegmentModel().fit(mall_like_X).to_json()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda p: p.update(format="other"), "not a pyseg model"),
        (lambda p: p.update(format_version=99), "format version 99"),
        (lambda p: p.pop("centers"), "missing or malformed"),
        (lambda p: p["centers"].pop(), "segments and k"),
        (lambda p: p["segments"][1].update(name=p["segments"][0]["name"]), "not distinct"),
    ],
)
def test_load_rejects_broken_models(mall_like_model, tmp_path, mutate, message):
    payload = mall_like_model.to_dict()
    mutate(payload)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(payload))
    with pytest.raises(InputError, match=message) as caught:
        SegmentModel.load(path)
    assert str(path) in str(caught.value)


def test_load_reports_missing_and_invalid_files(tmp_path):
    missing = tmp_path / "nope.json"
    with pytest.raises(InputError, match=f"^{re.escape(str(missing))}: no such file$"):
        SegmentModel.load(missing)
    directory = f"^{re.escape(str(tmp_path))}: is a directory, not a model file$"
    with pytest.raises(InputError, match=directory):
        SegmentModel.load(tmp_path)
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON"):
        SegmentModel.load(tmp_path / "bad.json")


def test_save_into_a_missing_directory_is_an_input_error(mall_like_model, tmp_path):
    with pytest.raises(InputError, match="cannot write model"):
        mall_like_model.save(tmp_path / "missing" / "model.json")


def test_unfitted_model_says_so():
    with pytest.raises(InputError, match="not fitted"):
        SegmentModel().predict((1, 2))


def test_fit_rejects_too_few_distinct_customers():
    with pytest.raises(InputError, match="distinct"):
        SegmentModel(n_clusters=3).fit(np.array([[1.0, 2.0]] * 4 + [[3.0, 4.0]]))


def test_loaded_model_predicts_with_numpy_only(course_model, tmp_path):
    path = course_model.save(tmp_path / "model.json")
    code = (
        "import sys; from pyseg._model import SegmentModel; "
        f"m = SegmentModel.load({str(path)!r}); print(m.predict_one(70, 80).name); "
        "print(sorted(n for n in ('sklearn', 'pandas', 'scipy', 'rpy2', 'matplotlib') "
        "if n in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["Target", "[]"]


@pytest.mark.r
def test_r_nearest_center_matches_python_on_the_grid(mall_like_model):
    grid = course_grid(100)
    py_index, py_distance = nearest_center(grid, mall_like_model.centers_)
    r_index, r_distance = REngine().nearest_center(grid, mall_like_model.centers_)
    np.testing.assert_array_equal(r_index, py_index)
    np.testing.assert_array_equal(r_distance, py_distance)


@pytest.mark.r
def test_r_breaks_exact_ties_like_python():
    centers = np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 0.0], [1.0, 0.0]])
    customers = np.array([[1.0, 5.0], [1.0, 0.0], [3.0, 0.0], [0.5, 0.0], [-1.0, 0.0]])
    py_index, _ = nearest_center(customers, centers)
    r_index, _ = REngine().nearest_center(customers, centers)
    assert r_index.tolist() == py_index.tolist() == [2, 2, 1, 0, 0]


def test_predict_r_script_runs_standalone(rscript):
    from pyseg.engines import r_reference_dir

    out = subprocess.run(
        [rscript, str(r_reference_dir() / "predict.R"), "70", "80", "0", "0", "86", "82"],
        capture_output=True, text=True, check=True,
    )
    assert out.stdout.split()[:2] == ["segment:", "2"]


def test_fit_on_a_dataset_records_the_file_hash(mall_like_csv, mall_like_model):
    import hashlib

    from pyseg._data import load_dataset

    model = SegmentModel().fit(load_dataset(mall_like_csv))
    assert model.data_["sha256"] == hashlib.sha256(mall_like_csv.read_bytes()).hexdigest()
    assert model.data_["n_rows"] == 200  # pyseg synth --n 200
    np.testing.assert_array_equal(model.centers_, mall_like_model.centers_)
    assert [s.name for s in model.segments_] == [s.name for s in mall_like_model.segments_]


# --- predictions over every valid customer --------------------------------------------------------


valid_income = st.one_of(
    st.floats(0.0, 200.0, allow_nan=False),
    st.floats(0.0, 1e100, allow_nan=False),
    st.integers(0, 10**6),
)
valid_score = st.one_of(st.floats(1.0, 100.0, allow_nan=False), st.integers(1, 100))


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(income=valid_income, score=valid_score, as_text=st.booleans())
def test_prediction_is_a_total_function_over_valid_customers(
    mall_like_model, income: float, score: float, as_text: bool
) -> None:
    from pyseg._data import validate_customer as check_customer

    if as_text:
        income_value, score_value = check_customer(repr(income), repr(score))
    else:
        income_value, score_value = check_customer(income, score)  # type: ignore[arg-type]
    prediction = mall_like_model.predict_one(income_value, score_value)

    centers = np.asarray(mall_like_model.centers_)
    distances = np.hypot(centers[:, 0] - income_value, centers[:, 1] - score_value)
    assert 0 <= prediction.index < len(centers)
    assert np.isfinite(prediction.distance) and prediction.distance >= 0
    assert prediction.distance == pytest.approx(distances.min(), rel=1e-9)
    assert distances[prediction.index] == pytest.approx(distances.min(), rel=1e-9)
    assert prediction.name == mall_like_model.segments_[prediction.index].name


# -- item 10: hand-edited model files are validated, not trusted -------------------------------


def _edited(model, tmp_path, mutate):
    payload = model.to_dict()
    mutate(payload)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(payload))
    return path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda p: p["centers"][0].__setitem__(0, 1e308),
         r"centers\[0\]\[0\]: 1e\+308 is too large"),
        (lambda p: p["centers"][1].__setitem__(1, True),
         r"centers\[1\]\[1\]: True is not a number"),
        (lambda p: p["centers"][1].__setitem__(1, "50"),
         r"centers\[1\]\[1\]: '50' is not a number"),
        (lambda p: p["feature_ranges"][0].__setitem__(1, None), r"feature_ranges\[0\]\[1\]: None"),
        (lambda p: p.update(course_schema=False), '"course_schema": false does not fit'),
    ],
)
def test_load_accepts_finite_real_numbers_only(course_model, tmp_path, mutate, message):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's overflow warning must not leak either
        with pytest.raises(InputError, match=message):
            SegmentModel.load(_edited(course_model, tmp_path, mutate))


def test_load_refuses_names_that_contradict_the_centers(course_model, tmp_path):
    standard = [s.name for s in course_model.segments_].index("Standard")

    def move_standard(payload):  # to income 500, its range stretched to hold it
        payload["centers"][standard][0] = 500.0
        payload["feature_ranges"][0][1] = 600.0

    with pytest.raises(InputError, match=r"is named 'Standard', but its center \(500, "):
        SegmentModel.load(_edited(course_model, tmp_path, move_standard))

    def outside(payload):  # to income 500, beyond the data the model was fitted on
        payload["centers"][standard][0] = 500.0

    with pytest.raises(InputError, match=r"Standard\) has Annual Income \(k\$\) 500, outside"):
        SegmentModel.load(_edited(course_model, tmp_path, outside))

    def swapped(payload):
        first, second = payload["segments"][0], payload["segments"][1]
        first["name"], second["name"] = second["name"], first["name"]

    with pytest.raises(InputError, match="is named"):
        SegmentModel.load(_edited(course_model, tmp_path, swapped))


def test_a_saved_model_records_that_it_is_the_course_schema(course_model, mall_like_model):
    assert course_model.to_dict()["course_schema"] is True
    other = SegmentModel().fit(np.array([[1.0, 2, 3], [4, 5, 6], [7, 8, 9], [1, 5, 9],
                                         [9, 1, 5], [2, 2, 2]]))
    assert other.to_dict()["course_schema"] is False
    assert SegmentModel.from_dict(course_model.to_dict()).is_course_schema


# -- item 9: customers outside the fitted range ------------------------------------------------


def test_range_warnings_name_each_feature_outside_the_data(course_model):
    (income_low, income_high), (score_low, _) = course_model.feature_ranges_
    assert course_model.range_warnings((70, 80)) == []
    assert course_model.range_warnings((income_high, score_low)) == []
    warned = course_model.range_warnings((1000, 50))
    assert warned == [
        f"annual income 1000 is outside {income_low:g}..{income_high:g}, the range of the data "
        "this model was fitted on: the segment is a guess beyond the data"
    ]
    assert len(course_model.range_warnings((1e99, 100))) == 2
    outside = course_model.outside_range([[70, 80], [1e99, 50], [income_low - 1, 50], [20, 15]])
    assert outside.tolist() == [False, True, True, False]
