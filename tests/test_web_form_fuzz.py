"""Fuzzing the web form's handler.

Whatever arrives (any unicode text, numbers in every spelling, huge values, markup, missing,
repeated or extra fields, odd methods and content types, oversized bodies) the answer is 200, 400,
405 or 413 and never a server error; each refused field gets its own message on the page naming
the field; everything echoed is escaped; every response carries the security headers. The JSON
endpoint ``POST /api/predict`` answers any body with JSON: the model's answer or every problem.
Where ``pyseg serve`` listens is in ``test_serve.py``.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pyseg._errors import InputError
from pyseg._web import MAX_REQUEST_BYTES, create_app

FUZZ = settings(max_examples=250, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
ERROR_BLOCK = re.compile(r'<div class="error" id="error" role="alert">(.*?)</div>', re.S)
ERROR_FIELD = re.compile(r'<p id="error-(\w+)">(.*?)</p>', re.S)


@pytest.fixture(scope="module")
def client(mall_like_model):
    app = create_app(mall_like_model)
    return app.test_client()


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
number_spellings = st.one_of(
    st.floats().map(repr),
    st.floats().map(lambda v: f"{v:e}"),
    st.integers(-(10**400), 10**400).map(str),
    st.sampled_from(["nan", "NaN", "inf", "-inf", "Infinity", "1e308", "1e309", "-0", "0", "1",
                     "100", "100.0000001", "0.9999", "1e100", "1e101", "0x10", "1_000", "١٢",
                     "+5", ".5", "5.", " 70 ", "\t80\n", "70,5", "1e-400", ""]),
)
markup = st.builds(lambda tag, rest: f'<x-{tag} onerror="alert(1)">{rest}',
                   st.text(alphabet="abcdefghij", min_size=1, max_size=8), text)
#: Valid for both fields, so that the answer page (with its plot) is fuzzed too.
plausible = st.one_of(st.floats(1.0, 100.0).map(repr), st.integers(1, 100).map(str))
field = st.one_of(st.none(), text, number_spellings, plausible, plausible, markup,
                  st.text(alphabet="0123456789.e-", min_size=100, max_size=3000))


def expected_valid(income: str | None, score: str | None) -> bool:
    from pyseg._data import validate_customer

    try:
        validate_customer(income or "", score or "")
    except InputError:
        return False
    return True


def refused_fields(income: str | None, score: str | None) -> set[str]:
    from pyseg._numbers import value_problem

    return {name for name, value in (("income", income), ("score", score))
            if value_problem(value or "", name) is not None}


def assert_secure_headers(response) -> None:
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.slow
@FUZZ
@given(income=field, score=field, extra=st.dictionaries(text, text, max_size=3))
def test_any_form_values_get_a_page_never_a_server_error(client, income, score, extra) -> None:
    form = {key: value for key, value in extra.items() if key not in {"income", "score"}}
    if income is not None:
        form["income"] = income
    if score is not None:
        form["score"] = score

    response = client.post("/", data=form)
    page = response.get_data(as_text=True)

    assert response.status_code in (200, 400, 413), response.status_code
    assert_secure_headers(response)
    if response.status_code == 413:
        assert "larger than" in page
        return
    valid = expected_valid(income, score)
    event("valid" if valid else "refused")
    assert (response.status_code == 200) is valid
    if valid:
        assert 'id="segment-name"' in page and 'id="error"' not in page
    else:
        block = ERROR_BLOCK.search(page)
        assert block is not None, "a refused value must be explained on the page"
        messages = dict(ERROR_FIELD.findall(block.group(1)))
        assert set(messages) == refused_fields(income, score), "one message per refused field"
        for name, message in messages.items():
            assert message.startswith("annual income " if name == "income" else "spending score ")
        assert 'id="segment-name"' not in page
    for value in (income, score):
        if value and value.startswith("<x-"):
            assert value.split(" ")[0] not in page, "markup was echoed unescaped"


@pytest.mark.slow
@FUZZ
@given(income=st.lists(number_spellings, min_size=2, max_size=4),
       score=st.lists(number_spellings, min_size=0, max_size=3))
def test_repeated_fields_are_handled(client, income, score) -> None:
    response = client.post("/", data={"income": income, "score": score})
    assert response.status_code in (200, 400)
    first_score = score[0] if score else None
    assert (response.status_code == 200) is expected_valid(income[0], first_score)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=400),
       content_type=st.sampled_from(["application/x-www-form-urlencoded", "multipart/form-data",
                                     "multipart/form-data; boundary=xyz", "text/plain",
                                     "application/json", "application/x-www-form-urlencoded; "
                                     "charset=latin-1"]))
def test_raw_bodies_of_any_kind_never_crash(client, body, content_type) -> None:
    response = client.post("/", data=body, content_type=content_type)
    assert response.status_code in (200, 400, 413)
    assert_secure_headers(response)


@pytest.mark.parametrize("size", [MAX_REQUEST_BYTES + 1, 10 * MAX_REQUEST_BYTES])
def test_request_size_is_bounded(client, size: int) -> None:
    body = b"income=" + b"9" * size + b"&score=50"
    response = client.post("/", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert f"larger than {MAX_REQUEST_BYTES} bytes" in response.get_data(as_text=True)

    upload = {"income": "70", "score": "50",
              "file": (__import__("io").BytesIO(b"x" * size), "big.csv")}
    response = client.post("/", data=upload, content_type="multipart/form-data")
    assert response.status_code == 413


def test_a_request_just_under_the_bound_is_answered(client) -> None:
    padding = MAX_REQUEST_BYTES - len("income=70&score=50&pad=") - 1
    body = f"income=70&score=50&pad={'x' * padding}".encode()
    response = client.post("/", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_refused_cleanly(client, method: str) -> None:
    response = client.open("/", method=method, data={"income": "70", "score": "50"})
    assert response.status_code == 405


def test_unknown_paths_are_404_not_500(client) -> None:
    assert client.get("/../../etc/passwd").status_code == 404
    assert client.get("/static/x.png").status_code == 404


@pytest.mark.parametrize(
    ("income", "score"),
    [("0", "1"), ("1e100", "100"), ("5e-324", "1.0000000000000002"), ("-0", "99.99999999999999"),
     ("123456789012345678901234567890", "50")],
)
def test_extreme_valid_customers_get_an_answer_and_a_plot(client, income, score) -> None:
    response = client.post("/", data={"income": income, "score": score})
    page = response.get_data(as_text=True)
    assert response.status_code == 200, ERROR_BLOCK.search(page)
    assert 'id="segment-name"' in page and 'src="data:image/png;base64,' in page
    assert 'id="customer-star"' in page


json_value = st.one_of(st.none(), st.booleans(), st.integers(-(10**400), 10**400),
                       st.floats(allow_nan=False), plausible.map(float), number_spellings, text,
                       st.lists(st.integers(), max_size=2), st.dictionaries(text, text, max_size=2))


@pytest.mark.slow
@FUZZ
@given(income=json_value, score=json_value, drop=st.sampled_from([None, "income", "score"]))
def test_the_json_endpoint_answers_any_values_with_json(client, mall_like_model, income, score,
                                                        drop) -> None:
    body = {"income": income, "score": score}
    if drop:
        del body[drop]
    response = client.post("/api/predict", json=body)
    assert response.status_code in (200, 400) and response.is_json, response.status_code
    assert_secure_headers(response)
    payload = response.get_json()
    if response.status_code == 400:
        assert payload["errors"] and all(isinstance(e, str) for e in payload["errors"])
        return
    expected = mall_like_model.predict_one(payload["income"], payload["score"])
    assert (payload["segment"], payload["name"]) == (expected.index, expected.name)
    assert isinstance(payload["warnings"], list)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=400),
       content_type=st.sampled_from(["application/json", "text/plain",
                                     "application/x-www-form-urlencoded"]))
def test_the_json_endpoint_survives_raw_bodies(client, body, content_type) -> None:
    response = client.post("/api/predict", data=body, content_type=content_type)
    assert response.status_code in (200, 400) and response.is_json
