"""The web form: a local page where a marketer types a customer and sees the segment.

A small Flask app (:func:`create_app`). Every value typed is validated by the same rules as the
command line (:func:`pyseg._form.check_customer`) and everything shown goes through the jinja2
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

from pyseg._errors import InputError

if TYPE_CHECKING:
    from flask import Flask
    from matplotlib.figure import Figure
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
            from pyseg._form import check_customer

            income, score = check_customer(income_text, score_text)
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
    """``data:image/png;base64,...`` of :func:`segment_figure`."""
    from pyseg._plots import figure_to_png_bytes

    png = figure_to_png_bytes(segment_figure(model, points, customer, prediction))
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def segment_figure(
    model: SegmentModel,
    points: NDArray[np.float64] | None = None,
    customer: tuple[float, float] | None = None,
    prediction: Prediction | None = None,
) -> Figure:
    """The segments as regions of the income x score plane, centers labelled, customer starred.

    Parameters
    ----------
    model : SegmentModel
    points : ndarray of shape (n_samples, 2), optional
        Customers drawn as dots in their segment's color.
    customer : (income, score), optional
        The new customer, drawn as a star.
    prediction : Prediction, optional
        Its segment, named in the title.
    """
    from matplotlib import colormaps
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure

    from pyseg._model import nearest_center

    k = len(model.segments_)
    colors = [colormaps["tab10"](i % 10) for i in range(k)]
    x_max = max(150.0, float(model.feature_ranges_[0, 1]) * 1.05)
    if customer is not None:
        x_max = max(x_max, customer[0] * 1.05)
    income_axis = np.linspace(0.0, x_max, 301)
    score_axis = np.linspace(0.0, 101.0, 203)
    grid_income, grid_score = np.meshgrid(income_axis, score_axis)
    regions, _ = nearest_center(
        np.column_stack([grid_income.ravel(), grid_score.ravel()]), model.centers_
    )

    figure = Figure(figsize=(8, 5.6), layout="constrained")
    axes = figure.subplots()
    axes.imshow(
        regions.reshape(grid_income.shape),
        origin="lower",
        extent=(0.0, x_max, 0.0, 101.0),
        aspect="auto",
        cmap=ListedColormap(colors),
        vmin=-0.5,
        vmax=k - 0.5,
        alpha=0.18,
        interpolation="nearest",
    )
    if points is not None and len(points):
        labels, _ = nearest_center(points, model.centers_)
        axes.scatter(
            points[:, 0], points[:, 1], c=[colors[i] for i in labels], s=18, alpha=0.8,
            edgecolors="none",
        )
    for index, (segment, center) in enumerate(zip(model.segments_, model.centers_, strict=True)):
        axes.scatter(center[0], center[1], marker="X", s=140, color=colors[index],
                     edgecolors="black", linewidths=0.8, label=segment.name, zorder=3)
        axes.annotate(segment.name, (center[0], center[1]), xytext=(8, 6),
                      textcoords="offset points", fontsize=10, weight="bold")
    title = f"Customer segments (K-Means, k = {k})"
    if customer is not None:
        axes.scatter(customer[0], customer[1], marker="*", s=420, color="gold",
                     edgecolors="black", linewidths=1.2, zorder=4, label="new customer")
        if prediction is not None:
            title = f"New customer ({customer[0]:g}, {customer[1]:g}) -> {prediction.name}"
            axes.plot(
                [customer[0], prediction.center[0]], [customer[1], prediction.center[1]],
                color="black", linestyle="--", linewidth=1, zorder=2,
            )
    axes.set_xlim(0.0, x_max)
    axes.set_ylim(0.0, 101.0)
    axes.set_xlabel(model.feature_names_[0])
    axes.set_ylabel(model.feature_names_[1])
    axes.set_title(title)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
    return figure
