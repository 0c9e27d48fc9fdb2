"""The report directory: ``report.json``, a self-contained ``report.html`` and the PNG figures.

The report draws and writes results the library has already computed (a :class:`CompareReport`
or an :class:`ElbowReport`, see :mod:`pyseg._pipeline`); it computes nothing itself. Everything
is rendered in memory first, written into a fresh temporary directory beside the target and only
then moved into place, so a failed run never leaves half a report. ``report.json`` is
deterministic: the only field that changes between two runs on the same inputs is the top-level
``generated_at`` timestamp.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._course import R_CLUSPLOT_CODE
from pyseg._errors import InputError
from pyseg._io import json_ready, replace_directory
from pyseg._plots import (
    clusters_side_by_side_figure,
    clusters_title,
    confusion_figure,
    elbow_figure,
    figure_to_png_bytes,
)
from pyseg._provenance import timestamp
from pyseg._segments import names_or_numbers, segment_profile

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pyseg._data import Dataset
    from pyseg.methods.kmeans._compare import Comparison
    from pyseg.methods.kmeans._elbow import ElbowResult

REPORT_JSON = "report.json"
REPORT_HTML = "report.html"
TEMPLATE = "report.html.j2"


@dataclass(frozen=True)
class CompareReport:
    """Everything a ``compare`` report shows, computed beforehand.

    Attributes
    ----------
    comparison : Comparison
    dataset : Dataset
        The data compared; its ``frame`` supplies age and gender for the profiles.
    provenance : dict
        From :func:`pyseg._provenance.run_provenance`.
    elbow : ElbowResult or None
    r_clusplot_png : bytes or None
        R's own course plot, drawn by R.
    notes : tuple of str
        What was left out, and why.
    recorded_r_results : dict or None
        :meth:`pyseg.engines.RecordedREngine.summary` when R's side was recorded.
    """

    comparison: Comparison
    dataset: Dataset
    provenance: dict[str, Any]
    elbow: ElbowResult | None = None
    r_clusplot_png: bytes | None = field(default=None, repr=False)
    notes: tuple[str, ...] = ()
    recorded_r_results: dict[str, Any] | None = None


@dataclass(frozen=True)
class ElbowReport:
    """Everything an ``elbow`` report shows: the elbow, its data and provenance."""

    elbow: ElbowResult
    dataset: Dataset
    provenance: dict[str, Any]


@dataclass
class _Figure:
    """One PNG of the report."""

    file_name: str
    title: str
    caption: str
    png: bytes = field(repr=False)

    def to_dict(self) -> dict[str, str]:
        return {"file": self.file_name, "title": self.title, "caption": self.caption}


@dataclass
class _ReportParts:
    """What both report kinds share."""

    figures: list[_Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _elbow_parts(result: ElbowResult, parts: _ReportParts) -> None:
    parts.figures.append(_Figure(
        "elbow.png",
        "Elbow method and silhouettes, Python and R",
        f"Left: WCSS per k of both languages ({result.mode} settings); shaded k values are "
        "where they differ, dotted lines mark each curve's knee (kneed). Right: mean silhouette "
        "width per k, scikit-learn on Python's labels and cluster::silhouette on R's.",
        figure_to_png_bytes(elbow_figure(result)),
    ))


def _compare_figures(report: CompareReport, parts: _ReportParts,
                     names: tuple[list[str], list[str]]) -> None:
    comparison, clusplot = report.comparison, report.r_clusplot_png
    X = np.asarray(comparison.dataset.X, dtype=np.float64)
    python_names, r_names = names
    features = list(comparison.dataset.feature_names)
    title = clusters_title(features, report.dataset.is_course_schema)
    if X.shape[1] == 2:
        parts.figures.append(_Figure(
            "clusters.png",
            f"{title}, Python and R",
            "Each language's segments, coloured, numbered and named by segment (R's relabelled "
            "to Python's numbering so a colour and a number mean the same cluster), with the "
            "centers marked. Rows R puts in another cluster than Python are ringed.",
            figure_to_png_bytes(clusters_side_by_side_figure(
                X, comparison.python.labels, comparison.python.centers, comparison.r.labels,
                comparison.r.centers, features, python_names, r_names, title=title)),
        ))
    else:
        parts.notes.append(f"The cluster scatter plot needs two features; this data has "
                           f"{X.shape[1]}.")
    confusion = comparison.agreement.alignment.confusion
    extra = confusion.shape[1] - len(r_names)
    column_names = [*r_names, *("R only" for _ in range(extra))]
    parts.figures.append(_Figure(
        "confusion.png",
        "Confusion matrix after alignment",
        "Rows: Python's segments; columns: R's segments after the Hungarian alignment. Every "
        "customer off the diagonal is one the two languages put in different segments.",
        figure_to_png_bytes(confusion_figure(confusion, python_names, column_names[
            :confusion.shape[1]])),
    ))
    if clusplot is not None:
        parts.figures.append(_Figure(
            "r_clusplot.png",
            "R's course plot (cluster::clusplot, drawn by R)",
            f"The course's R plot: {R_CLUSPLOT_CODE}. clusplot draws the first two principal "
            "components (for two features a centred, rotated copy of the data), so its axes are "
            "components, not the features; points carry their row numbers. Each ellipse carries "
            "its segment's number (R's clusters relabelled to Python's numbering, counted from 0 "
            "as everywhere in pyseg), named in the key under the plot.",
            clusplot,
        ))


def _data_dict(dataset: Dataset) -> dict[str, Any]:
    return {
        "source": str(dataset.source),
        "sha256": dataset.sha256,
        "n_rows": int(dataset.n_rows),
        "features": list(dataset.feature_names),
        "notice": getattr(dataset, "notice", None),
    }


def report_json_text(record: dict[str, Any]) -> str:
    """``record`` as deterministic JSON: sorted keys, floats by repr, NaN/inf as null."""
    return json.dumps(json_ready(record), sort_keys=True, indent=2, allow_nan=False) + "\n"


def _render_html(record: dict[str, Any], figures: Sequence[_Figure],
                 template: str = TEMPLATE, *, lenient: bool = False) -> str:
    """``template`` rendered from ``record`` with ``figures`` embedded; an undefined value is an
    error, or (``lenient``) renders empty and chains on."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("pyseg", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "j2"),
                                            default_for_string=True, default=True),
        undefined=jinja2.ChainableUndefined if lenient else jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    embedded = [
        {**figure.to_dict(), "data_uri": "data:image/png;base64,"
         + base64.b64encode(figure.png).decode("ascii")}
        for figure in figures
    ]
    return environment.get_template(template).render(report=record, figures=embedded)


def check_report_dir(outdir: Path) -> None:
    """Refuse a report directory that is a file or holds files a pyseg report does not write.

    The commands call this before any fitting, so a bad ``--report`` fails at once.
    """
    if outdir.exists() and not outdir.is_dir():
        raise InputError(f"report directory {outdir} exists and is not a directory")
    if outdir.is_dir():
        foreign = sorted(p.name for p in outdir.iterdir()
                         if not (p.is_file() and (p.name in (REPORT_JSON, REPORT_HTML)
                                                  or p.suffix == ".png")))
        if foreign:
            raise InputError(
                f"report directory {outdir} holds files pyseg did not write ({', '.join(foreign)}):"
                " give a new or empty directory"
            )


def _write_atomically(outdir: Path, files: dict[str, bytes]) -> None:
    """Create ``outdir`` holding exactly ``files``, replacing an earlier pyseg report there (only
    if it holds nothing but files a pyseg report writes, so nobody's other files are ever
    deleted); see :func:`pyseg._io.replace_directory`."""
    check_report_dir(Path(outdir))
    replace_directory(Path(outdir), files)


def _finish(outdir: Path, record: dict[str, Any], parts: _ReportParts,
            template: str = TEMPLATE, *, lenient: bool = False) -> None:
    record["figures"] = [figure.to_dict() for figure in parts.figures]
    record["notes"] = list(parts.notes)
    record["generated_at"] = timestamp()
    html = _render_html(record, parts.figures, template, lenient=lenient)
    files = {REPORT_JSON: report_json_text(record).encode("utf-8"),
             REPORT_HTML: html.encode("utf-8")}
    files.update({figure.file_name: figure.png for figure in parts.figures})
    _write_atomically(outdir, files)


def write_compare_report(report: CompareReport, outdir: Path) -> Path:
    """Write the parity report of ``pyseg compare`` into ``outdir``.

    Parameters
    ----------
    report : CompareReport
        From :func:`pyseg._pipeline.compare_report`.
    outdir : Path
        Report directory; created, or replaced if it holds an earlier pyseg report.

    Returns
    -------
    Path
        ``outdir``.
    """
    comparison, dataset = report.comparison, report.dataset
    X = np.asarray(dataset.X, dtype=np.float64)
    features = list(dataset.feature_names)
    python_names = names_or_numbers(comparison.python.centers, X, features)
    r_names = names_or_numbers(comparison.r.centers, X, features)
    parts = _ReportParts(notes=list(report.notes))
    if report.elbow is not None:
        _elbow_parts(report.elbow, parts)
    _compare_figures(report, parts, (python_names, r_names))
    record: dict[str, Any] = {
        "kind": "compare",
        "title": f"pyseg parity report: K-Means with k = {comparison.k} in Python and R",
        "data": _data_dict(dataset),
        "comparison": comparison.to_dict(),
        "segment_names": {"python": python_names, "r": r_names},
        "segments": {
            "python": segment_profile(dataset, comparison.python.labels, python_names),
            "r": segment_profile(dataset, comparison.r.labels, r_names),
        },
        "elbow": None if report.elbow is None else report.elbow.to_dict(),
        "provenance": report.provenance,
        "recorded_r_results": report.recorded_r_results,
    }
    _finish(Path(outdir), record, parts)
    return Path(outdir)


def write_elbow_report(report: ElbowReport, outdir: Path) -> Path:
    """Write the report of ``pyseg elbow`` (curves, silhouettes, knees) into ``outdir``."""
    parts = _ReportParts()
    _elbow_parts(report.elbow, parts)
    record: dict[str, Any] = {
        "kind": "elbow",
        "title": "pyseg elbow report: choosing k in Python and R",
        "data": _data_dict(report.dataset),
        "comparison": None,
        "segment_names": None,
        "segments": None,
        "elbow": report.elbow.to_dict(),
        "provenance": report.provenance,
        "recorded_r_results": None,
    }
    _finish(Path(outdir), record, parts)
    return Path(outdir)
