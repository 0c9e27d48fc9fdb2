"""The web form: a local page where a marketer types a customer and sees the segment.

A small Flask app (:func:`create_app`). Every value typed is validated by the same rules as the
command line (:func:`pyseg.validate_customer`) and everything shown goes through the jinja2
template with autoescaping on; bad input gets a message on the page (HTTP 400). The answer shows
the segment's name and description and the cluster plot with the new customer marked, as a PNG
embedded in the page (so the page needs no second request and a strict Content-Security-Policy
holds).
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._data import validate_customer
from pyseg._errors import InputError
from pyseg._plots import figure_to_png_bytes
from pyseg._segment_map import segment_map_figure

if TYPE_CHECKING:
    from flask import Flask
    from numpy.typing import NDArray

    from pyseg._model import Prediction, SegmentModel

#: Largest request body accepted: a form with two numbers needs a few hundred bytes.
MAX_REQUEST_BYTES = 16 * 1024
TEMPLATE = "serve.html.j2"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

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
        ``GET /`` shows the form; ``POST /`` with fields ``income`` and ``score`` shows the answer.
    """
    # One function on purpose: the routes below are closures over ``model`` and ``points``, which
    # is how Flask apps built by a factory share state without globals.
    from flask import Flask, render_template, request

    if not model.is_course_schema:
        raise InputError(
            "the web form needs a model of income and spending score; this model's features "
            f"are {', '.join(model.feature_names_)}"
        )
    if points is None:
        points = getattr(model, "training_X_", None)
    app = Flask("pyseg.web", template_folder=str(TEMPLATES_DIR))
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.config["MAX_FORM_MEMORY_SIZE"] = MAX_REQUEST_BYTES
    # Flask only autoescapes *.html templates by default; ours is *.html.j2, so force it on.
    app.jinja_env.autoescape = True
    base_plot = plot_data_uri(model, points)

    def page(status: int = 200, **context: Any) -> tuple[str, int]:
        context.setdefault("plot", base_plot)
        context.setdefault("income", "")
        context.setdefault("score", "")
        html = render_template(
            TEMPLATE,
            segments=[(s.name, s.description) for s in model.segments_],
            data_source=model.data_.get("source", ""),
            **context,
        )
        return html, status

    @app.get("/")
    def form() -> tuple[str, int]:
        return page()

    @app.post("/")
    def answer() -> tuple[str, int]:
        income_text = request.form.get("income", "")
        score_text = request.form.get("score", "")
        # Echo back at most a short prefix of what was typed (escaped by the template).
        echoed = {"income": income_text[:40], "score": score_text[:40]}
        try:
            income, score = validate_customer(income_text, score_text)
        except InputError as exc:
            return page(400, error=str(exc), **echoed)
        prediction = model.predict_one(income, score)
        return page(
            prediction=prediction,
            customer=(income, score),
            plot=plot_data_uri(model, points, customer=(income, score), prediction=prediction),
            **echoed,
        )

    @app.errorhandler(413)
    def too_large(_error: Exception) -> tuple[str, int]:
        return page(413, error=f"the request is larger than {MAX_REQUEST_BYTES} bytes")

    @app.after_request
    def secure(response: Any) -> Any:
        response.headers.update(_SECURITY_HEADERS)
        return response

    return app


def plot_data_uri(
    model: SegmentModel,
    points: NDArray[np.float64] | None = None,
    customer: tuple[float, float] | None = None,
    prediction: Prediction | None = None,
) -> str:
    """``data:image/png;base64,...`` of :func:`pyseg._segment_map.segment_map_figure`."""
    png = figure_to_png_bytes(segment_map_figure(model, points, customer, prediction))
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
