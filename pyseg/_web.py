"""The web page (a small Flask app, :func:`create_app`): type a customer, see the segment; upload
your own answer, see ``pyseg check``'s verdict.

Values are checked by the command line's rules (:func:`pyseg._numbers.parse_number`), one message
per refused field (HTTP 400), and everything shown goes through the autoescaped jinja2 templates.
The map of the segments is drawn once per model (:func:`pyseg._segment_map.segment_map`) and
embedded as a PNG data URI; each answer places the customer on it with inline SVG
(:func:`pyseg._segment_map.customer_marker`), so an answer costs a nearest-center lookup, no
second request, and the strict Content-Security-Policy (``img-src data:``, no scripts) holds.

``POST /api/predict`` answers programs with JSON: the same fields (form-encoded or a JSON
object), the same checks, ``{"segment", "name", "description", "center", "distance",
"warnings"}`` or, for bad input, HTTP 400 with ``{"errors": [...]}``.

"Check my answer": ``GET /check`` shows the upload form, ``POST /check`` (multipart, field
``answer``) the verdict of :class:`pyseg._check.Checker` on the data the page's model was fitted
on. The upload is capped by the app's request limit and read in memory
(:func:`in_memory_request_class`), never written to disk; a bad file shows its one-line message
on the page (HTTP 400).
"""

from __future__ import annotations

import base64
import io
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._check import Checker
from pyseg._data import load_dataset
from pyseg._errors import InputError, PysegError
from pyseg._numbers import CUSTOMER_FIELDS, parse_number
from pyseg._segment_map import MapGeometry, customer_marker, segment_map

if TYPE_CHECKING:
    from collections.abc import Callable

    from flask import Flask
    from numpy.typing import NDArray

    from pyseg._model import SegmentModel

#: Largest request body accepted: a form with two numbers needs a few hundred bytes.
MAX_REQUEST_BYTES = 16 * 1024
TEMPLATE = "serve.html.j2"
CHECK_TEMPLATE = "check.html.j2"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
API_PATH = "/api/predict"
CHECK_PATH = "/check"

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
    for name, what in CUSTOMER_FIELDS:
        value = fields.get(name, "")
        if value is None:
            value = ""
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > 1e308:
            value = str(value)  # a JSON integer of 400 digits: float() would overflow
        try:
            values.append(parse_number(value, what, name))
        except InputError as exc:
            problems[name] = str(exc)
    if problems:
        return None, problems
    return (values[0], values[1]), problems


def create_app(model: SegmentModel, points: NDArray[np.float64] | None = None) -> Flask:
    """The Flask app of ``pyseg serve``.

    Parameters
    ----------
    model : SegmentModel
        A fitted (or loaded) model of income and spending score; its data
        (``model.data_["source"]``) is what answers are checked on.
    points : ndarray of shape (n_samples, 2), optional
        Customers to draw behind the segments (default: the model's training data, if it was
        fitted in this process; a loaded model draws its segment regions and centers only).

    Returns
    -------
    flask.Flask
        ``GET /`` shows the form, ``POST /`` (fields ``income``, ``score``) the answer; the
        other routes are the module's.
    """
    from flask import Flask, request

    model.require_course_schema("the web form")
    if points is None:
        points = getattr(model, "training_X_", None)
    app = Flask("pyseg.web", template_folder=str(TEMPLATES_DIR))
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.config["MAX_FORM_MEMORY_SIZE"] = MAX_REQUEST_BYTES
    app.request_class = in_memory_request_class()
    # Flask only autoescapes *.html templates by default; ours are *.html.j2, so force it on.
    app.jinja_env.autoescape = True
    drawn = segment_map(model, points)
    form_page = _add_form_routes(app, model, _data_uri(drawn.png), drawn.geometry)
    check_page = _add_check_routes(app, model)  # "Check my answer" (issue 19)

    @app.errorhandler(413)
    def too_large(_error: Exception) -> Any:
        message = f"the request is larger than {MAX_REQUEST_BYTES} bytes"
        if request.path == API_PATH:
            return {"errors": [message]}, 413
        if request.path == CHECK_PATH:
            limit = app.config.get("MAX_CONTENT_LENGTH")
            return check_page(413, error=f"the file is larger than {limit} bytes")
        return form_page(413, errors={"request": message})

    @app.after_request
    def secure(response: Any) -> Any:
        response.headers.update(_SECURITY_HEADERS)
        return response

    return app


def in_memory_request_class() -> type:
    """Flask's request, with every uploaded file kept in memory (werkzeug would spool a large
    one to a temporary file)."""
    from flask import Request

    class InMemoryRequest(Request):
        def _get_file_stream(self, *args: Any, **kwargs: Any) -> io.BytesIO:
            return io.BytesIO()

    return InMemoryRequest


def _data_uri(png: bytes) -> Any:
    """``data:image/png;base64,...``, marked safe: base64 needs no escaping (it is ~85 kB)."""
    from markupsafe import Markup

    return Markup("data:image/png;base64," + base64.b64encode(png).decode("ascii"))


def _add_form_routes(app: Flask, model: SegmentModel, plot: Any,
                     geometry: MapGeometry) -> Callable[..., tuple[str, int]]:
    """``GET /`` and ``POST /``: the page, with the map drawn once and the customer on top
    (returned); ``POST /api/predict``: the same answer as JSON, for programs."""
    from flask import render_template, request

    segments = [(s.name, s.description) for s in model.segments_]
    source = model.data_.get("source", "")

    def page(status: int = 200, /, **context: Any) -> tuple[str, int]:
        html = render_template(TEMPLATE, plot=plot, geometry=geometry, segments=segments,
                               data_source=source, **context)
        return html, status

    @app.get("/")
    def form() -> tuple[str, int]:
        return page()

    @app.post("/")
    def answer() -> tuple[str, int]:
        # Echo back at most a short prefix of what was typed (escaped by the template).
        echoed = {name: request.form.get(name, "")[:40] for name, _ in CUSTOMER_FIELDS}
        customer, problems = read_customer(request.form)
        if customer is None:
            return page(400, errors=problems, **echoed)
        prediction = model.predict_one(*customer)
        marker = customer_marker(geometry, customer, prediction.center)
        return page(prediction=prediction, warnings=model.range_warnings(customer),
                    customer=customer, marker=marker, **echoed)

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
        prediction = model.predict_one(*customer).to_dict()  # name, description, center, distance
        prediction["segment"] = prediction.pop("index")
        return {"income": customer[0], "score": customer[1], **prediction,
                "warnings": model.range_warnings(customer)}, 200

    return page


def _checker(model: SegmentModel) -> Checker | str:
    """The checker of the data ``model`` was fitted on, or why there is none."""
    source = str(model.data_.get("source", ""))
    path = Path(source)
    if path.is_file():
        dataset = load_dataset(path)
        if dataset.sha256 == model.data_.get("sha256"):
            return Checker(dataset)
    return ("checking an answer needs the data the model was fitted on: start pyseg serve "
            "with --data FILE")


def _add_check_routes(app: Flask, model: SegmentModel) -> Callable[..., tuple[str, int]]:
    """``GET /check`` and ``POST /check``: the upload form and the verdict; returns the page."""
    from flask import render_template, request

    source = str(model.data_.get("source", "the course data"))
    checkers: list[Checker | str] = []  # the data is read at the first check, not at start
    first = threading.Lock()

    def page(status: int = 200, **context: Any) -> tuple[str, int]:
        limit = app.config.get("MAX_CONTENT_LENGTH")
        html = render_template(CHECK_TEMPLATE, data_source=source, max_bytes=limit, **context)
        return html, status

    @app.get(CHECK_PATH)
    def check_form() -> tuple[str, int]:
        return page()

    @app.post(CHECK_PATH)
    def check_answer() -> tuple[str, int]:
        upload = request.files.get("answer")
        if upload is None or not upload.filename:
            return page(400, error="choose your answer file first")
        try:
            with first:
                if not checkers:
                    checkers.append(_checker(model))
            if not isinstance(checkers[0], Checker):
                return page(400, error=checkers[0])
            result = checkers[0].check_bytes(upload.read(), Path(upload.filename).name)
        except PysegError as exc:
            return page(400 if exc.exit_code == 2 else 503, error=str(exc))
        return page(result=result)

    return page
