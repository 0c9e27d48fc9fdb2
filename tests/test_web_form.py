"""The web form through Flask's test client.

The segment named for each of the course's example customers is checked on the course file
(``course_client``); everything else on ``data/mall_like_200.csv`` (``client``). ``pyseg serve``
itself is in ``test_serve.py``, fuzzing of the form in ``test_web_form_fuzz.py``.
"""

from __future__ import annotations

import base64
import html

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
    plain = course_client.get("/").get_data(as_text=True)
    assert embedded_png(page) != embedded_png(plain)  # the star and the title were drawn


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
    assert 'id="answer"' not in page


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
