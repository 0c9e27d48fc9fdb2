"""The web form through Flask's test client.

The segment named for each of the course's example customers is checked on the course file
(``course_client``); everything else on ``data/mall_like_200.csv`` (``client``). ``pyseg serve``
itself is in ``test_serve.py``, fuzzing of the form in ``test_web_form_fuzz.py``.
"""

from __future__ import annotations

import base64
import html
import re

import numpy as np
import pytest

from pyseg._errors import InputError
from pyseg._model import SegmentModel
from pyseg._segments import Segment
from pyseg._web import MAX_REQUEST_BYTES, create_app


def _test_client(model):
    app = create_app(model)
    app.testing = True
    return app.test_client()


@pytest.fixture(scope="module")
def client(mall_like_model):
    return _test_client(mall_like_model)


@pytest.fixture(scope="module")
def course_client(course_model):
    return _test_client(course_model)


def embedded_png(page: str) -> bytes:
    start = page.index('src="data:image/png;base64,') + len('src="data:image/png;base64,')
    return base64.b64decode(page[start:page.index('"', start)])


def test_form_page_shows_the_form_and_the_segments(client):
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="income"' in page and 'name="score"' in page
    for name in ("Careful", "Standard", "Target", "Careless", "Sensible"):
        assert f"<td>{name}</td>" in page
    assert embedded_png(page).startswith(b"\x89PNG")
    assert 'id="answer"' not in page


@pytest.mark.parametrize(
    ("income", "score", "name"),
    [("70", "80", "Target"), ("20", "80", "Careless"), ("90", "15", "Careful"),
     ("20", "15", "Sensible"), ("55", "50", "Standard")],
)
def test_answer_names_the_segment_and_marks_the_customer(course_client, income, score, name):
    response = course_client.post("/", data={"income": income, "score": score})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<div class="name" id="segment-name">{name}</div>' in page
    assert "Content-Security-Policy" in response.headers
    assert 'id="customer-star"' in page and ">new customer</text>" in page
    assert 'id="warnings"' not in page and 'id="off-chart-arrow"' not in page
    plain = course_client.get("/").get_data(as_text=True)
    assert 'id="customer-star"' not in plain
    assert embedded_png(page) == embedded_png(plain)  # the map is drawn once; the star is SVG


@pytest.mark.parametrize(
    ("income", "score", "message"),
    [("-1", "50", "negative"), ("abc", "50", "not a number"), ("70", "0", "outside 1..100"),
     ("inf", "50", "not a finite number"), ("", "", "not a number")],
)
def test_bad_input_gets_a_message_on_the_page(client, income, score, message):
    response = client.post("/", data={"income": income, "score": score})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="error"' in page and message in html.unescape(page)
    assert 'id="answer"' not in page and 'id="customer-star"' not in page


def test_everything_typed_is_escaped(client):
    attack = '"><script>alert(1)</script>'
    response = client.post("/", data={"income": attack, "score": "50"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_model_text_is_escaped_too(mall_like_model):
    hostile = SegmentModel.from_dict(mall_like_model.to_dict())
    hostile.segments_ = [Segment("<b>Bold</b>", "<img src=x onerror=alert(1)>"),
                         *hostile.segments_[1:]]
    page = create_app(hostile).test_client().get("/").get_data(as_text=True)
    assert "<b>Bold</b>" not in page and "&lt;b&gt;Bold&lt;/b&gt;" in page
    assert "<img src=x" not in page


def test_oversized_requests_are_refused(client):
    response = client.post("/", data={"income": "1" * (MAX_REQUEST_BYTES + 10), "score": "5"})
    assert response.status_code == 413
    assert "larger than" in response.get_data(as_text=True)


def test_loaded_model_without_training_data_still_plots(mall_like_model):
    loaded = SegmentModel.from_dict(mall_like_model.to_dict())
    response = create_app(loaded).test_client().post("/", data={"income": "70", "score": "80"})
    assert response.status_code == 200
    assert embedded_png(response.get_data(as_text=True)).startswith(b"\x89PNG")


def test_model_of_other_features_is_refused():
    X = np.random.default_rng(0).uniform(0, 100, size=(50, 2))
    model = SegmentModel(n_clusters=3).fit(X, feature_names=("Age", "Spending Score (1-100)"))
    with pytest.raises(InputError, match="income and spending score"):
        create_app(model)


def _error_messages(page: str) -> dict[str, str]:
    return {field: html.unescape(message) for field, message in
            re.findall(r'<p id="error-(\w+)">(.*?)</p>', page, flags=re.S)}


@pytest.mark.parametrize(
    ("income", "score", "income_message", "score_message"),
    [("-1", "500", "negative", "outside 1..100"), ("abc", "", "not a number", "not a number"),
     ("inf", "0", "not a finite number", "outside 1..100")],
)
def test_two_bad_fields_get_two_messages(client, income, score, income_message, score_message):
    # Issue 14, item 11: the form showed only the first of two errors.
    response = client.post("/", data={"income": income, "score": score})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    messages = _error_messages(page)
    assert set(messages) == {"income", "score"}
    assert messages["income"].startswith("annual income ") and income_message in messages["income"]
    assert messages["score"].startswith("spending score ") and score_message in messages["score"]
    assert page.count('aria-invalid="true"') == 2


def test_one_bad_field_gets_one_message_naming_it(client):
    page = client.post("/", data={"income": "70", "score": "101"}).get_data(as_text=True)
    assert set(_error_messages(page)) == {"score"}
    assert 'aria-describedby="error-score"' in page
    assert 'aria-describedby="error-income"' not in page


def _marker(page: str) -> dict[str, list[tuple[float, float]]]:
    """The SVG overlay's polygons by id, as lists of points."""
    found = {}
    for element_id, points in re.findall(r'<polygon id="([\w-]+)" points="([^"]+)"', page):
        found[element_id] = [tuple(float(v) for v in pair.split(",")) for pair in points.split()]
    return found


@pytest.mark.parametrize("income", ["1e99", "1000", "1e100"])
def test_a_customer_far_outside_is_warned_and_the_map_stays_readable(course_client, income):
    # Issue 14, item 9: income 1e99 squashed every center onto the axis, and nothing warned.
    page = course_client.post("/", data={"income": income, "score": "50"}).get_data(as_text=True)
    text = html.unescape(page)
    assert 'id="warnings"' in page
    assert f"annual income {float(income):g} is outside 15..137" in text
    plain = course_client.get("/").get_data(as_text=True)
    assert embedded_png(page) == embedded_png(plain), "the axes must not follow the customer"
    shapes = _marker(page)
    box = _axes_box(page)
    for x, y in shapes["customer-star"] + shapes["off-chart-arrow"]:
        assert box[0] <= x <= box[2] and box[1] <= y <= box[3], (x, y, box)
    assert max(x for x, _ in shapes["customer-star"]) < box[2] - 5  # inside, beside the arrow
    assert "off the chart" in text and f"income {float(income):g} k$" in text


def _axes_box(page: str) -> tuple[float, float, float, float]:
    """The axes box the page's overlay uses (left, top, right, bottom), read from its data."""
    match = re.search(r'data-axes="([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)"', page)
    assert match is not None, "the overlay names its axes box"
    return tuple(float(v) for v in match.groups())  # type: ignore[return-value]


def test_a_customer_inside_the_data_is_not_warned(course_client, course_model):
    from pyseg._segment_map import segment_map

    page = course_client.post("/", data={"income": "70", "score": "80"}).get_data(as_text=True)
    assert 'id="warnings"' not in page and "off the chart" not in page
    star = _marker(page)["customer-star"]
    geometry = segment_map(course_model, course_model.training_X_).geometry
    x, y = geometry.to_pixels(70.0, 80.0)
    assert star[0] == pytest.approx((x, y - 13.0), abs=0.06)  # the star's top point


def test_just_outside_the_fitted_range_is_warned_but_on_the_map(course_client, course_model):
    # The course's incomes span 15..137 k$: 140 is outside the data, yet inside the axes.
    low, high = course_model.feature_ranges_[0]
    assert (low, high) == (15.0, 137.0)
    page = course_client.post("/", data={"income": "140", "score": "50"}).get_data(as_text=True)
    assert "annual income 140 is outside 15..137" in html.unescape(page)
    assert "off the chart" not in page and 'id="off-chart-arrow"' not in page


def test_a_huge_distance_is_shown_short(course_client):
    page = course_client.post("/", data={"income": "1e99", "score": "50"}).get_data(as_text=True)
    assert "distance 1e+99" in page
    assert "0" * 20 not in page.split('id="answer"')[1].split("</div>\n</div>")[0]


def test_answers_draw_no_figure(course_model, monkeypatch):
    # The map is drawn once per app; an answer costs a lookup and a template, not matplotlib.
    from matplotlib.figure import Figure

    client = _test_client(course_model)
    drawn = []
    original = Figure.__init__

    def counting_init(self, *args, **kwargs):
        drawn.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "__init__", counting_init)
    customers = (("70", "80"), ("1e99", "50"), ("20", "15"))
    for income, score in customers:
        assert client.post("/", data={"income": income, "score": score}).status_code == 200
    assert drawn == []
    for income, score in customers:
        response = client.post("/api/predict", json={"income": income, "score": score})
        assert response.status_code == 200
    assert drawn == []


@pytest.mark.parametrize(
    ("income", "score"), [(70, 80), (20, 80), (90, 15), (20, 15), (55, 50), ("1e99", "50")],
)
def test_api_answers_like_the_model(course_client, course_model, income, score):
    expected = course_model.predict_one(float(income), float(score))
    for response in (course_client.post("/api/predict", json={"income": income, "score": score}),
                     course_client.post("/api/predict",
                                        data={"income": str(income), "score": str(score)})):
        assert response.status_code == 200 and response.is_json
        payload = response.get_json()
        assert payload["segment"] == expected.index and payload["name"] == expected.name
        assert payload["distance"] == pytest.approx(expected.distance, rel=1e-12)
        assert payload["center"] == pytest.approx(list(expected.center))
        assert (payload["warnings"] != []) is (float(income) > 137)
        assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize(
    ("body", "messages"),
    [({"income": -1, "score": 500}, ["annual income -1 is negative", "spending score 500"]),
     ({"income": True, "score": None}, ["annual income True is not a number",
                                        "spending score '' is not a number"]),
     ({"income": 10**400, "score": 50}, ["annual income '1000"]),
     ({}, ["annual income", "spending score"]),
     ([70, 80], ["JSON object"]), ("70", ["JSON object"])],
)
def test_api_refuses_bad_input_with_every_message(client, body, messages):
    response = client.post("/api/predict", json=body)
    assert response.status_code == 400 and response.is_json
    errors = response.get_json()["errors"]
    assert len(errors) == len(messages)
    for error, message in zip(errors, messages, strict=True):
        assert error.startswith(message) or (message == "JSON object" and message in error), error


def test_api_refuses_broken_json_and_other_methods(client):
    response = client.post("/api/predict", data=b"{not json", content_type="application/json")
    assert response.status_code == 400 and "JSON object" in response.get_json()["errors"][0]
    assert client.get("/api/predict").status_code == 405
    big = client.post("/api/predict", json={"income": "1" * MAX_REQUEST_BYTES, "score": 5})
    assert big.status_code == 413 and "larger than" in big.get_json()["errors"][0]
