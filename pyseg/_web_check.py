"""The web page's "Check my answer": upload your labels or centers, see ``pyseg check``'s verdict.

``GET /check`` shows the upload form, ``POST /check`` (multipart, field ``answer``) the verdict of
:class:`pyseg._check.Checker` on the data the page's model was fitted on. The upload is capped by
the app's request limit and read in memory (:class:`InMemoryRequest`), never written to disk; a
bad file shows its one-line message on the page (HTTP 400).
"""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyseg._check import Checker
from pyseg._data import load_dataset
from pyseg._errors import PysegError

if TYPE_CHECKING:
    from flask import Flask

    from pyseg._model import SegmentModel

CHECK_PATH = "/check"
TEMPLATE = "check.html.j2"


def in_memory_request_class() -> type:
    """Flask's request, with every uploaded file kept in memory (werkzeug would spool a large
    one to a temporary file)."""
    from flask import Request

    class InMemoryRequest(Request):
        def _get_file_stream(self, *args: Any, **kwargs: Any) -> io.BytesIO:
            return io.BytesIO()

    return InMemoryRequest


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


def add_check_routes(app: Flask, model: SegmentModel) -> None:
    """``GET /check`` and ``POST /check`` on ``app`` (the page of :func:`pyseg._web.create_app`).

    Parameters
    ----------
    app : flask.Flask
    model : SegmentModel
        The page's model; its data (``model.data_["source"]``) is what answers are checked on.
    """
    from flask import render_template, request

    app.request_class = in_memory_request_class()
    source = str(model.data_.get("source", "the course data"))
    checkers: list[Checker | str] = []  # the data is read at the first check, not at start
    first = threading.Lock()
    too_large = app.error_handler_spec[None].get(413, {})
    earlier = next(iter(too_large.values()), None)

    def page(status: int = 200, **context: Any) -> tuple[str, int]:
        limit = app.config.get("MAX_CONTENT_LENGTH")
        return render_template(TEMPLATE, data_source=source, max_bytes=limit, **context), status

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

    @app.errorhandler(413)
    def upload_too_large(error: Exception) -> Any:
        if request.path == CHECK_PATH:
            limit = app.config.get("MAX_CONTENT_LENGTH")
            return page(413, error=f"the file is larger than {limit} bytes")
        return earlier(error) if earlier is not None else (str(error), 413)
