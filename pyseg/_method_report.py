"""The report of a ``compare --method M`` (or ``--method all``) comparison: ``report.json``, a
self-contained ``report.html`` (``templates/method_report.html.j2``) and the PNG figures.

It draws and writes what the library computed: the comparison, and the material of
:func:`pyseg._method_pipeline.method_report_material` (R's own plots, curves, the packages'
versions) passed in as ``extra``; it runs no engine. Writing is :mod:`pyseg._report`'s: in
memory first, then one atomic rename of a fresh directory, and ``report.json`` is deterministic
except its top-level ``generated_at``.

Every section has the same frame - verdict, agreement, ARI, NMI, diagnosis, and both languages'
clusters side by side (with more than two features, the first two numeric ones, and the report
says so) - and the rest comes from the method's ``pyseg/methods/<name>/_report.py``:

================  ================================================================================
``TITLE``         the section's title; ``PANELS``: the scatter's panel titles (Python's, R's)
``measures``      ``measures(c, material)``: its rows after agreement, ARI and NMI
``MARKS``         optional: what the scatter marks besides clusters (default: cluster means);
                  ``CENTROIDS = False`` to mark no means, ``decorate(c, X)``: its own marks
``figure_rows``   optional: ``figure_rows(c, material, prefix, clusters)``, the rows of figures
``section``       optional: ``section(c, material)``, the section's record beyond the frame
``page_title``    optional: ``page_title(c)``, the page's title when it is the only section
``PACKAGES``      optional: the packages it runs on, ``(language, package, what for)``
``summary_lines`` optional: ``summary_lines(run)``, its ``compare`` text; ``chosen_lines(chosen)``:
                  the ``--method all`` header's line on what it chose itself
================  ================================================================================
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg import methods
from pyseg._io import json_ready
from pyseg._method_plots import method_clusters_figure, plotted_columns
from pyseg._plots import figure_to_png_bytes
from pyseg._report import _data_dict, _Figure, _finish, _ReportParts

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import ModuleType

    from pyseg._method_pipeline import MethodReportMaterial

TEMPLATE = "method_report.html.j2"


def cluster_sizes(labels: Any, count: int) -> list[int]:
    """How many rows carry each label 0..count-1 (noise and others aside)."""
    sizes = [0] * count
    for label in labels.tolist():
        if 0 <= label < count:
            sizes[label] += 1
    return sizes


def size_rows(python: Sequence[int], r: Sequence[int]) -> list[str]:
    """The text table of both languages' cluster sizes, with its header."""
    return [f"{'cluster':>7}  {'size Py':>7}  {'size R':>6}",
            *(f"{i:>7}  {mine:>7}  {theirs:>6}"
              for i, (mine, theirs) in enumerate(zip(python, r, strict=True)))]


def _method_of(comparison: Any) -> str:
    return str(comparison.to_dict().get("method", "kmeans"))


def _pct(value: float) -> str:
    return f"{100 * value:.2f} %"


def _clusters(spec: ModuleType, c: Any, prefix: str) -> _Figure:
    X = np.asarray(c.dataset.X, dtype=np.float64)
    features = list(c.dataset.feature_names)
    clustered = spec.clustered_columns(c) if hasattr(spec, "clustered_columns") else features
    marks = getattr(spec, "MARKS", "; crosses mark cluster means")
    shown = plotted_columns(features)[1]
    shown = "" if shown is None else " " + shown.replace("The scatter plots show", "Shown:")
    return _Figure(
        f"{prefix}clusters.png", f"{spec.TITLE}: clusters, Python and R",
        f"Each language's clusters, R's relabelled to Python's numbering so that a colour means "
        f"the same cluster in both panels{marks}. Rows R puts elsewhere than Python are ringed."
        f"{shown}",
        figure_to_png_bytes(method_clusters_figure(
            X, c.python.labels, c.r.labels, features, spec.PANELS,
            f"{spec.TITLE} on {', '.join(clustered)}", getattr(spec, "CENTROIDS", True),
            decorate=spec.decorate(c, X) if hasattr(spec, "decorate") else None)))


def _section(method: str, c: Any, material: Any, prefix: str,
             parts: _ReportParts) -> dict[str, Any]:
    """One method's part of the page: verdict, measures, tables, diagnosis, rows of figures."""
    spec = methods.part(method, "report")
    clusters = _clusters(spec, c, prefix)
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


def _title(method: str, c: Any) -> str:
    if method == "all":
        return "pyseg parity report: every method on the same features, Python and R"
    spec = methods.part(method, "report")
    if hasattr(spec, "page_title"):
        return str(spec.page_title(c))
    return f"pyseg parity report: {spec.TITLE} in Python and R"


def write_method_report(comparison: Any, outdir: Path, *,
                        provenance: dict[str, Any] | None = None,
                        extra: MethodReportMaterial | None = None) -> Path:
    """Write the report of a method's (or ``--method all``'s) comparison into ``outdir``.

    Parameters
    ----------
    comparison : object
        A method's comparison (its ``to_dict()`` names the method; K-Means' says none), or an
        AllComparison: one section per method.
    outdir : Path
        Report directory; created, or replaced if it holds an earlier pyseg report (check it
        first with :func:`pyseg._report.check_report_dir`).
    provenance : dict, optional
        From :func:`pyseg._provenance.run_provenance`; shown and recorded as given, plus
        ``method_packages`` (the packages the methods ran on, with versions) from ``extra``.
    extra : MethodReportMaterial, optional
        From :func:`pyseg._method_pipeline.method_report_material`: what each method's section
        shows beyond its comparison (R's own plots, curves), the packages, notes. Without it
        the report shows what needs no engine.

    Returns
    -------
    Path
        ``outdir``.
    """
    method = _method_of(comparison)
    parts = _ReportParts()
    plotted = plotted_columns(comparison.dataset.feature_names)[1]
    if plotted is not None:
        parts.notes.append(plotted)
    recorded = getattr(extra, "recorded_r_results", None)
    if method == "all":
        by_method = getattr(extra, "sections", {}) or {}
        sections = [_section(name, c, by_method.get(name), f"{name}_", parts)
                    for name, c in comparison.comparisons.items()]
        table = json_ready(comparison.rows())
        recorded = recorded or next((m.recorded_r_results for m in by_method.values()
                                     if m.recorded_r_results), None)
    else:
        sections, table = [_section(method, comparison, extra, f"{method}_", parts)], None
    packages = getattr(extra, "packages", None)
    if provenance is not None and packages:
        provenance = {**provenance, "method_packages": packages}
    record: dict[str, Any] = {
        "kind": "method-compare", "method": method, "title": _title(method, comparison),
        "data": _data_dict(comparison.dataset), "table": table, "sections": sections,
        "comparison": comparison.to_dict(), "provenance": provenance,
        "recorded_r_results": recorded,
    }
    _finish(Path(outdir), record, parts, TEMPLATE)
    return Path(outdir)
