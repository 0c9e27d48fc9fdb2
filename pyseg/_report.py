"""The report directory: ``report.json``, a self-contained ``report.html`` and the PNG figures.

One material (:class:`ReportMaterial`), one writer (:func:`write_report`) and one template
(``templates/report.html.j2``) for every report: the course's own K-Means run (parity, segment
profiles, elbow, R's clusplot), the elbow, a method's or ``--method all``'s comparison, whose
sections come from each method's ``pyseg/methods/<name>/_report.py``, and the choosing-k pages
of :mod:`pyseg._choosing_k_report`. It draws and writes results computed
beforehand (see :mod:`pyseg._pipeline`). Everything is rendered in memory first, written into a
fresh temporary directory beside the target and only then moved into place, so a failed run never
leaves half a report. ``report.json`` is deterministic but for its top-level ``generated_at``
timestamp.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg import methods
from pyseg._course import R_CLUSPLOT_CODE
from pyseg._errors import InputError
from pyseg._io import json_ready, replace_directory
from pyseg._plots import (
    clusters_figure,
    clusters_title,
    confusion_figure,
    elbow_figure,
    figure_to_png_bytes,
    plotted_columns,
)
from pyseg._provenance import data_summary, timestamp
from pyseg._segments import names_or_numbers, segment_profile

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import ModuleType

    from pyseg._data import Dataset
    from pyseg.methods.kmeans._compare import Comparison
    from pyseg.methods.kmeans._elbow import ElbowResult

REPORT_JSON = "report.json"
REPORT_HTML = "report.html"
TEMPLATE = "report.html.j2"
#: The course report's scatter: its panels (Python's, R's) and how it marks K-Means' centers.
COURSE_PANELS = ("Python (scikit-learn)", "R (kmeans), relabelled to Python's numbering")
COURSE_SCATTER: dict[str, Any] = {"center_label": "Centers", "center_size": 220,
                                  "legend_columns": 2,
                                  "moved": "In another cluster than in Python"}


@dataclass(frozen=True)
class ReportMaterial:
    """Everything a report shows beyond what its comparison says, computed beforehand: the one
    material of every page :func:`write_report` writes.

    With a ``dataset``, the course's page (:func:`pyseg._pipeline.compare_report`): the course's
    own K-Means ``comparison`` (None: the elbow's page), the ``dataset`` compared (its ``frame``
    supplies age and gender for the segment profiles), the ``elbow`` (an ElbowResult or None)
    and ``r_clusplot_png``, R's own course plot, drawn by R. Without, a method's sections
    (:func:`pyseg._method_pipeline.method_report_material`): R's own tree
    (``r_dendrogram_png``: ``plot(hclust)`` with ``rect.hclust``), both languages' k-NN
    distances and knee (``knn``), BIC per k (``bic``), the versions of the methods' packages
    (``packages``: ``{"language", "package", "version", "method", "use"}`` for each package of
    the methods' ``PACKAGES``; R's omitted when R's side was replayed, as the recording does not
    hold them), and for ``--method all`` each method's ``sections``. Both: ``provenance``
    (:func:`pyseg._provenance.run_provenance`), ``notes`` on what was left out and why, and
    ``recorded_r_results`` (:meth:`pyseg.engines.RecordedREngine.summary` when R's side was
    recorded).
    """

    comparison: Any = None
    dataset: Dataset | None = None
    provenance: dict[str, Any] | None = None
    elbow: ElbowResult | None = None
    r_clusplot_png: bytes | None = field(default=None, repr=False)
    notes: tuple[str, ...] = ()
    recorded_r_results: dict[str, Any] | None = None
    r_dendrogram_png: bytes | None = field(default=None, repr=False)
    knn: Any = None
    bic: Any = None
    packages: list[dict[str, Any]] | None = None
    sections: dict[str, ReportMaterial] = field(default_factory=dict)


#: The course's page (``compare``'s, positionally: comparison, dataset, provenance, elbow,
#: r_clusplot_png, notes, recorded_r_results): pyseg 0.1's public name for :class:`ReportMaterial`.
CompareReport = ReportMaterial


def ElbowReport(elbow: ElbowResult, dataset: Dataset, provenance: dict[str, Any]
                ) -> ReportMaterial:
    """The elbow's page: the course's page without a comparison."""
    return ReportMaterial(dataset=dataset, provenance=provenance, elbow=elbow)


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


def _clusters(c: Any, file_name: str, title: str, caption: str, panels: tuple[str, str],
              plot_title: str, **scatter: Any) -> _Figure:
    """The scatter of a page or section: both languages' clusters of ``c`` side by side
    (:func:`pyseg._plots.clusters_figure` with ``panels``, ``plot_title`` and ``scatter``)."""
    return _Figure(file_name, title, caption, figure_to_png_bytes(clusters_figure(
        np.asarray(c.dataset.X, dtype=np.float64), (c.python.labels, c.r.labels),
        list(c.dataset.feature_names), panels, plot_title, **scatter)))


def _course_figures(comparison: Comparison | None, material: ReportMaterial,
                    parts: _ReportParts, names: tuple[list[str], list[str]]) -> None:
    """The course page's figures: the elbow, then (with a comparison) the scatter, the confusion
    matrix and R's clusplot."""
    result = material.elbow
    if result is not None:
        parts.figures.append(_Figure(
            "elbow.png",
            "Elbow method and silhouettes, Python and R",
            f"Left: WCSS per k of both languages ({result.mode} settings); shaded k values are "
            "where they differ, dotted lines mark each curve's knee (kneed). Right: mean "
            "silhouette width per k, scikit-learn on Python's labels and cluster::silhouette on "
            "R's.",
            figure_to_png_bytes(elbow_figure(result)),
        ))
    if comparison is None:
        return
    python_names, r_names = names
    features = list(comparison.dataset.feature_names)
    assert material.dataset is not None  # the course's page
    title = clusters_title(features, material.dataset.is_course_schema)
    if len(features) == 2:
        parts.figures.append(_clusters(
            comparison, "clusters.png", f"{title}, Python and R",
            "Each language's segments, coloured, numbered and named by segment (R's relabelled "
            "to Python's numbering so a colour and a number mean the same cluster), with the "
            "centers marked. Rows R puts in another cluster than Python are ringed.",
            COURSE_PANELS, title, names=names,
            centers=(comparison.python.centers, comparison.r.centers), **COURSE_SCATTER))
    else:
        parts.notes.append(f"The cluster scatter plot needs two features; this data has "
                           f"{len(features)}.")
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
    if material.r_clusplot_png is not None:
        parts.figures.append(_Figure(
            "r_clusplot.png",
            "R's course plot (cluster::clusplot, drawn by R)",
            f"The course's R plot: {R_CLUSPLOT_CODE}. clusplot draws the first two principal "
            "components (for two features a centred, rotated copy of the data), so its axes are "
            "components, not the features; points carry their row numbers. Each ellipse carries "
            "its segment's number (R's clusters relabelled to Python's numbering, counted from 0 "
            "as everywhere in pyseg), named in the key under the plot.",
            material.r_clusplot_png,
        ))


def _data_dict(dataset: Dataset) -> dict[str, Any]:
    return {**data_summary(dataset), "notice": getattr(dataset, "notice", None)}


def report_json_text(record: dict[str, Any]) -> str:
    """``record`` as deterministic JSON: sorted keys, floats by repr, NaN/inf as null."""
    return json.dumps(json_ready(record), sort_keys=True, indent=2, allow_nan=False) + "\n"


def _render_html(record: dict[str, Any], figures: Sequence[_Figure], *,
                 lenient: bool = False) -> str:
    """The page rendered from ``record`` with ``figures`` embedded; an undefined value is an
    error, or (``lenient``, the choosing-k pages) renders empty and chains on."""
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
    return environment.get_template(TEMPLATE).render(report=record, figures=embedded)


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


def _finish(outdir: Path, record: dict[str, Any], parts: _ReportParts, *,
            lenient: bool = False) -> Path:
    """Write ``record`` with ``parts`` (figures, notes) as the report in ``outdir``."""
    record["figures"] = [figure.to_dict() for figure in parts.figures]
    record["notes"] = list(parts.notes)
    record["generated_at"] = timestamp()
    html = _render_html(record, parts.figures, lenient=lenient)
    files = {REPORT_JSON: report_json_text(record).encode("utf-8"),
             REPORT_HTML: html.encode("utf-8")}
    files.update({figure.file_name: figure.png for figure in parts.figures})
    _write_atomically(Path(outdir), files)
    return Path(outdir)


def _write_atomically(outdir: Path, files: dict[str, bytes]) -> None:
    """:func:`pyseg._io.replace_directory`, replacing an earlier report only if it holds nothing
    but files a pyseg report writes (so nobody's other files are ever deleted)."""
    check_report_dir(Path(outdir))
    replace_directory(Path(outdir), files)


def _course_page(comparison: Comparison | None, material: ReportMaterial,
                 parts: _ReportParts) -> dict[str, Any]:
    """The course page's record (parity, segment profiles, elbow), its figures into ``parts``;
    without a comparison, the elbow's page."""
    dataset = material.dataset
    assert dataset is not None  # the course's page
    parts.notes.extend(material.notes)
    X, features = np.asarray(dataset.X, dtype=np.float64), list(dataset.feature_names)
    names = ([], []) if comparison is None else (
        names_or_numbers(comparison.python.centers, X, features),
        names_or_numbers(comparison.r.centers, X, features))
    _course_figures(comparison, material, parts, names)
    record: dict[str, Any] = {
        "kind": "elbow", "title": "pyseg elbow report: choosing k in Python and R",
        "elbow": None if material.elbow is None else material.elbow.to_dict(),
        "recorded_r_results": material.recorded_r_results,
        **dict.fromkeys(("comparison", "segment_names", "segments")),
    }
    if comparison is None:
        return record
    return {**record, "kind": "compare",
            "title": f"pyseg parity report: K-Means with k = {comparison.k} in Python and R",
            "comparison": comparison.to_dict(),
            "segment_names": {"python": names[0], "r": names[1]},
            "segments": {side: segment_profile(dataset, getattr(comparison, side).labels, named)
                         for side, named in zip(("python", "r"), names, strict=True)}}


def cluster_sizes(labels: Any, count: int) -> list[int]:
    """How many rows carry each label 0..count-1 (noise and others aside)."""
    kept = np.asarray(labels, dtype=np.int64)
    return np.bincount(kept[(kept >= 0) & (kept < count)], minlength=count).tolist()


def size_rows(python: Sequence[int], r: Sequence[int]) -> list[str]:
    """The text table of both languages' cluster sizes, with its header."""
    return [f"{'cluster':>7}  {'size Py':>7}  {'size R':>6}",
            *(f"{i:>7}  {mine:>7}  {theirs:>6}"
              for i, (mine, theirs) in enumerate(zip(python, r, strict=True)))]


def _pct(value: float) -> str:
    return f"{100 * value:.2f} %"


def _method_clusters(spec: ModuleType, c: Any, prefix: str) -> _Figure:
    """A method section's scatter: the method's panel titles and marks, cluster means unless it
    marks its own."""
    features = list(c.dataset.feature_names)
    clustered = spec.clustered_columns(c) if hasattr(spec, "clustered_columns") else features
    marks = getattr(spec, "MARKS", None)
    shown = plotted_columns(features)[1]
    shown = "" if shown is None else " " + shown.replace("The scatter plots show", "Shown:")
    return _clusters(
        c, f"{prefix}clusters.png", f"{spec.TITLE}: clusters, Python and R",
        f"Each language's clusters, R's relabelled to Python's numbering so that a colour means "
        f"the same cluster in both panels{marks or '; crosses mark cluster means'}. Rows R puts "
        f"elsewhere than Python are ringed.{shown}", spec.PANELS,
        f"{spec.TITLE} on {', '.join(clustered)}", centers=None if marks else "means",
        decorate=partial(spec.decorate, c) if hasattr(spec, "decorate") else None)


def _section(method: str, c: Any, material: Any, parts: _ReportParts) -> dict[str, Any]:
    """One method's part of the page: verdict, measures, tables, diagnosis, rows of figures."""
    spec = methods.part(method, "report")
    prefix = f"{method}_"
    clusters = _method_clusters(spec, c, prefix)
    rows = (spec.figure_rows(c, material, prefix, clusters) if hasattr(spec, "figure_rows")
            else [[clusters]])
    parts.figures.extend(figure for row in rows for figure in row)
    parts.notes.extend(getattr(material, "notes", ()))
    measures = [["Rows in the same cluster after alignment (noise with noise)",
                 f"{_pct(c.agreement.accuracy)} (required >= {_pct(c.min_agreement)})"],
                ["Adjusted Rand index", f"{c.agreement.ari:.6f}"],
                ["Normalised mutual information", f"{c.agreement.nmi:.6f}"],
                *spec.measures(c, material)]
    return {"method": method, "title": spec.TITLE, "passed": bool(c.passed),
            "measures": measures, "diagnosis": list(c.diagnosis),
            "rows": [[figure.file_name for figure in row] for row in rows],
            **(spec.section(c, material) if hasattr(spec, "section") else {})}


def _method_page(comparison: Any, material: ReportMaterial, parts: _ReportParts
                 ) -> dict[str, Any]:
    """A method's (or ``--method all``'s) page: its sections (or one per method, with their
    table), its figures into ``parts``."""
    every, summary = getattr(comparison, "comparisons", None), comparison.to_dict()
    plotted = plotted_columns(comparison.dataset.feature_names)[1]
    if plotted is not None:
        parts.notes.append(plotted)
    recorded = material.recorded_r_results
    if every is not None:
        by_method = material.sections
        sections = [_section(name, c, by_method.get(name), parts) for name, c in every.items()]
        table = json_ready(comparison.rows())
        recorded = recorded or next((m.recorded_r_results for m in by_method.values()
                                     if m.recorded_r_results), None)
        title = "pyseg parity report: every method on the same features, Python and R"
    else:
        method = str(summary.get("method", "kmeans"))
        sections, table = [_section(method, comparison, material, parts)], None
        spec = methods.part(method, "report")
        title = (spec.page_title(comparison) if hasattr(spec, "page_title")
                 else f"pyseg parity report: {spec.TITLE} in Python and R")
    return {"kind": "method-compare", "method": str(summary.get("method", "kmeans")),
            "title": title, "table": table, "sections": sections, "comparison": summary,
            "recorded_r_results": recorded}


def write_report(comparison: Any, outdir: Path, *, provenance: dict[str, Any] | None = None,
                 extra: ReportMaterial | None = None) -> Path:
    """Write the report of ``comparison`` into ``outdir``: created, or replaced if it holds an
    earlier pyseg report (:func:`check_report_dir`), and returned.

    With ``extra.dataset`` it is the course's page (see :class:`ReportMaterial`; no
    ``comparison``: the elbow's), else a method's (or ``--method all``'s). Every
    section has the same frame - verdict, agreement, ARI, NMI, diagnosis, and both languages'
    clusters side by side (with more than two features, the first two numeric ones, and the
    report says so) - and the rest comes from the method's ``pyseg/methods/<name>/_report.py``:
    ``TITLE``, ``PANELS`` (the scatter's panel titles), ``measures(c, material)`` (its rows
    after agreement, ARI and NMI) and, optionally, ``MARKS`` (the scatter's own marks, for its
    caption; without, it marks cluster means), ``decorate(c, axes, side, shown, colors)`` (draws
    them on each panel, see :func:`pyseg._plots.clusters_figure`), ``clustered_columns(c)``,
    ``figure_rows(c, material, prefix, clusters)``, ``section(c, material)`` (its record beyond
    the frame), ``page_title(c)``, ``PACKAGES`` and its ``compare`` text ``summary_lines(run)``,
    ``chosen_lines(chosen)``. Such a
    ``comparison`` is a method's (its ``to_dict()`` names the method; K-Means' says none) or an
    AllComparison (it has ``comparisons``: one section per method).

    ``provenance`` (default: ``extra``'s) is shown as given, plus ``method_packages`` from
    ``extra``; without ``extra`` the report shows what needs no engine.
    """
    material = extra if extra is not None else ReportMaterial()
    provenance = material.provenance if provenance is None else provenance
    parts = _ReportParts()
    page = _course_page if material.dataset is not None else _method_page
    record = page(comparison, material, parts)
    if provenance is not None and material.packages:
        provenance = {**provenance, "method_packages": material.packages}
    dataset = comparison.dataset if material.dataset is None else material.dataset
    record.update(data=_data_dict(dataset), provenance=provenance)
    return _finish(outdir, record, parts)


def write_compare_report(report: CompareReport, outdir: Path) -> Path:
    """Write :func:`pyseg._pipeline.compare_report`'s page (``pyseg compare``'s parity report) or an
    :func:`ElbowReport` (``pyseg elbow``'s: curves, silhouettes, knees) into ``outdir``; see
    :func:`write_report`."""
    return write_report(report.comparison, outdir, extra=report)

write_elbow_report = write_compare_report
