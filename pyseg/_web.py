"""The web form (a small Flask app, :func:`create_app`): type a customer, see the segment.

Values are checked by the command line's rules (:func:`pyseg._numbers.parse_number`), one message
per refused field (HTTP 400), and everything shown goes through the autoescaped jinja2 template.
The map of the segments is drawn once per model (:func:`pyseg._segment_map.segment_map`) and
embedded as a PNG data URI; each answer places the customer on it with inline SVG
(:func:`pyseg._segment_map.customer_marker`), so an answer costs a nearest-center lookup, no
second request, and the strict Content-Security-Policy (``img-src data:``, no scripts) holds.

``POST /api/predict`` answers programs with JSON: the same fields (form-encoded or a JSON
object), the same checks, ``{"segment", "name", "description", "center", "distance",
"warnings"}`` or, for bad input, HTTP 400 with ``{"errors": [...]}``.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._errors import InputError
from pyseg._numbers import parse_number
from pyseg._segment_map import MapGeometry, customer_marker, segment_map
from pyseg._web_check import add_check_routes

if TYPE_CHECKING:
    from flask import Flask
    from numpy.typing import NDArray

    from pyseg._model import SegmentModel

#: Largest request body accepted: a form with two numbers needs a few hundred bytes.
MAX_REQUEST_BYTES = 16 * 1024
TEMPLATE = "serve.html.j2"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
API_PATH = "/api/predict"
#: The form's fields: name, the words before a refused value, the rule of parse_number.
FIELDS = (("income", "annual income ", "income"), ("score", "spending score ", "score"))

_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def read_customer(fields: Any) -> tuple[tuple[float, float] | None, dict[str, str]]:
    """The customer in ``fields`` (a mapping of field name to value), or every field's problem.

    Returns
    -------
    customer : (income, score) or None
        None when any field is refused.
    problems : dict
        Field name -> one-line message (``"annual income -1 is negative; ..."``), one per refused
        field, in form order: both fields bad gives both messages.
    """
    values: list[float] = []
    problems: dict[str, str] = {}
    for name, what, rule in FIELDS:
        value = fields.get(name, "")
        if value is None:
            value = ""
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > 1e308:
            value = str(value)  # a JSON integer of 400 digits: float() would overflow
        try:
            values.append(parse_number(value, what, rule))
        except InputError as exc:
            problems[name] = str(exc)
    if problems:
        return None, problems
    return (values[0], values[1]), problems


def api_payload(model: SegmentModel, customer: tuple[float, float]) -> dict[str, Any]:
    """The JSON answer of ``POST /api/predict`` for one valid customer."""
    prediction = model.predict_one(*customer).to_dict()  # name, description, center, distance
    prediction["segment"] = prediction.pop("index")
    return {"income": customer[0], "score": customer[1], **prediction,
            "warnings": model.range_warnings(customer)}


def create_app(model: SegmentModel, points: NDArray[np.float64] | None = None) -> Flask:
    """The Flask app of ``pyseg serve``.

    Parameters
    ----------
    model : SegmentModel
        A fitted (or loaded) model of income and spending score.
    points : ndarray of shape (n_samples, 2), optional
        Customers to draw behind the segments (default: the model's training data, if it was
        fitted in this process; a loaded model draws its segment regions and centers only).

    Returns
    -------
    flask.Flask
        ``GET /`` shows the form; ``POST /`` with fields ``income`` and ``score`` shows the
        answer; ``POST /api/predict`` answers in JSON.
    """
    from flask import Flask

    model.require_course_schema("the web form")
    if points is None:
        points = getattr(model, "training_X_", None)
    app = Flask("pyseg.web", template_folder=str(TEMPLATES_DIR))
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.config["MAX_FORM_MEMORY_SIZE"] = MAX_REQUEST_BYTES
    # Flask only autoescapes *.html templates by default; ours is *.html.j2, so force it on.
    app.jinja_env.autoescape = True
    drawn = segment_map(model, points)
    _add_form_routes(app, model, _data_uri(drawn.png), drawn.geometry)
    _add_api_routes(app, model)
    add_check_routes(app, model)  # "Check my answer" (issue 19)

    @app.after_request
    def secure(response: Any) -> Any:
        response.headers.update(_SECURITY_HEADERS)
        return response

    return app


def _data_uri(png: bytes) -> Any:
    """``data:image/png;base64,...``, marked safe: base64 needs no escaping (it is ~85 kB)."""
    from markupsafe import Markup

    return Markup("data:image/png;base64," + base64.b64encode(png).decode("ascii"))


def _add_form_routes(app: Flask, model: SegmentModel, plot: Any, geometry: MapGeometry) -> None:
    """``GET /`` and ``POST /``: the page, with the map drawn once and the customer on top."""
    from flask import render_template, request

    segments = [(s.name, s.description) for s in model.segments_]
    source = model.data_.get("source", "")

    def page(status: int = 200, /, **context: Any) -> tuple[str, int]:
        context.setdefault("income", "")
        context.setdefault("score", "")
        html = render_template(TEMPLATE, plot=plot, geometry=geometry, segments=segments,
                               data_source=source, **context)
        return html, status

    @app.get("/")
    def form() -> tuple[str, int]:
        return page()

    @app.post("/")
    def answer() -> tuple[str, int]:
        # Echo back at most a short prefix of what was typed (escaped by the template).
        echoed = {name: request.form.get(name, "")[:40] for name, _, _ in FIELDS}
        customer, problems = read_customer(request.form)
        if customer is None:
            return page(400, errors=problems, **echoed)
        prediction = model.predict_one(*customer)
        marker = customer_marker(geometry, customer, prediction.center)
        return page(prediction=prediction, warnings=model.range_warnings(customer),
                    customer=customer, marker=marker, **echoed)

    @app.errorhandler(413)
    def too_large(_error: Exception) -> Any:
        message = f"the request is larger than {MAX_REQUEST_BYTES} bytes"
        if request.path == API_PATH:
            return {"errors": [message]}, 413
        return page(413, errors={"request": message})


def _add_api_routes(app: Flask, model: SegmentModel) -> None:
    """``POST /api/predict``: JSON for programs."""
    from flask import request

    @app.post(API_PATH)
    def predict() -> tuple[dict[str, Any], int]:
        if request.is_json:
            fields = request.get_json(silent=True)
            if not isinstance(fields, dict):
                return {"errors": ["the body must be a JSON object with income and score"]}, 400
        else:
            fields = request.form
        customer, problems = read_customer(fields)
        if customer is None:
            return {"errors": list(problems.values())}, 400
        return api_payload(model, customer), 200
