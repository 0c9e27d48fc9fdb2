"""The report directory: ``report.json``, a self-contained ``report.html`` and the PNG figures.

Everything is computed in memory first, written into a fresh temporary directory beside the target
and only then moved into place, so a failed run never leaves half a report. ``report.json`` is
deterministic: the only field that changes between two runs on the same inputs is the top-level
``generated_at`` timestamp.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pyseg._errors import InputError, PysegError, RUnavailableError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    import numpy as np
    from numpy.typing import NDArray

    from pyseg._compare import Comparison
    from pyseg._data import Dataset
    from pyseg._elbow import ElbowResult

REPORT_JSON = "report.json"
REPORT_HTML = "report.html"
TEMPLATE = "report.html.j2"
#: The column names the course file (and common copies of it) use for age and gender.
AGE_COLUMNS = ("age",)
GENDER_COLUMNS = ("genre", "gender", "sex")


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


def _column(frame: Any, candidates: Sequence[str]) -> str | None:
    if frame is None:
        return None
    for name in frame.columns:
        if str(name).strip().lower() in candidates:
            return str(name)
    return None


def segment_profile(
    dataset: Dataset, labels: NDArray[np.int64], names: Sequence[str]
) -> list[dict[str, Any]]:
    """Per segment: size, share, mean of each feature, mean age and gender shares.

    Parameters
    ----------
    dataset : Dataset
        Its ``frame`` supplies age and gender when the table has them (course header: ``Age``,
        ``Genre``); its ``X`` supplies the features.
    labels : ndarray of shape (n_samples,)
        0-based segment of every row.
    names : sequence of str
        Name of each segment, indexed by label.

    Returns
    -------
    list of dict
        One dict per segment in label order with keys ``segment``, ``name``, ``size``, ``share``,
        ``means`` (feature name -> mean), ``mean_age`` (or None) and ``gender_shares`` (value ->
        fraction, sorted by value; empty without a gender column).
    """
    import numpy as np

    frame = getattr(dataset, "frame", None)
    age_column = _column(frame, AGE_COLUMNS)
    gender_column = _column(frame, GENDER_COLUMNS)
    ages = None if age_column is None else np.asarray(frame[age_column], dtype=np.float64)
    genders = None if gender_column is None else np.asarray(frame[gender_column]).astype(str)
    X = np.asarray(dataset.X, dtype=np.float64)
    profile = []
    for segment, name in enumerate(names):
        members = labels == segment
        size = int(members.sum())
        shares: dict[str, float] = {}
        if genders is not None and size:
            values, counts = np.unique(genders[members], return_counts=True)
            shares = {str(v): int(c) / size for v, c in zip(values, counts, strict=True)}
        profile.append({
            "segment": segment + 1,
            "name": str(name),
            "size": size,
            "share": size / labels.size,
            "means": {feature: (float(X[members, j].mean()) if size else None)
                      for j, feature in enumerate(dataset.feature_names)},
            "mean_age": float(ages[members].mean()) if ages is not None and size else None,
            "gender_shares": shares,
        })
    return profile


def _segment_names(centers: NDArray[np.float64], X: NDArray[np.float64],
                   feature_names: Sequence[str]) -> list[str]:
    """Names of the segments from pyseg._segments, or ``Cluster i`` when that cannot name them."""
    import numpy as np

    fallback = [f"Cluster {i + 1}" for i in range(len(centers))]
    finite = ~np.isnan(centers).any(axis=1)
    if not finite.all():
        return fallback
    from pyseg._segments import segment_names_for_data

    return [segment.name for segment in segment_names_for_data(centers, X, feature_names)]


def _elbow_parts(result: ElbowResult, parts: _ReportParts) -> None:
    from pyseg._plots import elbow_figure, figure_to_png_bytes

    parts.figures.append(_Figure(
        "elbow.png",
        "Elbow method and silhouettes, Python and R",
        f"Left: WCSS per k of both languages ({result.mode} settings); shaded k values are "
        "where they differ, dotted lines mark each curve's knee (kneed). Right: mean silhouette "
        "width per k, scikit-learn on Python's labels and cluster::silhouette on R's.",
        figure_to_png_bytes(elbow_figure(result)),
    ))


def _compare_figures(comparison: Comparison, parts: _ReportParts,
                     names: tuple[list[str], list[str]]) -> None:
    import numpy as np

    from pyseg._plots import (
        clusters_side_by_side_figure,
        confusion_figure,
        course_clusplot_png,
        figure_to_png_bytes,
    )

    X = np.asarray(comparison.dataset.X, dtype=np.float64)
    python_names, r_names = names
    features = list(comparison.dataset.feature_names)
    if X.shape[1] == 2:
        parts.figures.append(_Figure(
            "clusters.png",
            "Clusters of customers, Python and R",
            "Each language's segments, coloured by segment (R's relabelled to Python's numbering "
            "so a colour means the same cluster), with the centers marked. Rows R puts in another "
            "cluster than Python are ringed.",
            figure_to_png_bytes(clusters_side_by_side_figure(
                X, comparison.python.labels, comparison.python.centers, comparison.r.labels,
                comparison.r.centers, features, python_names, r_names)),
        ))
    else:
        parts.notes.append(f"The cluster scatter plot needs two features; this data has "
                           f"{X.shape[1]}.")
    confusion = comparison.agreement.alignment.confusion
    extra = confusion.shape[1] - len(r_names)
    column_names = [*r_names, *(f"R extra {j + 1}" for j in range(extra))]
    parts.figures.append(_Figure(
        "confusion.png",
        "Confusion matrix after alignment",
        "Rows: Python's segments; columns: R's segments after the Hungarian alignment. Every "
        "customer off the diagonal is one the two languages put in different segments.",
        figure_to_png_bytes(confusion_figure(confusion, python_names, column_names[
            :confusion.shape[1]])),
    ))
    try:
        clusplot = course_clusplot_png(X, comparison.r.labels)
    except RUnavailableError as exc:
        parts.notes.append(f"R's own course plot (cluster::clusplot) was not drawn: {exc}")
    else:
        parts.figures.append(_Figure(
            "r_clusplot.png",
            "R's course plot (cluster::clusplot, drawn by R)",
            "The course's R plot: clusplot(X, y_kmeans, lines = 0, shade = TRUE, color = TRUE, "
            "labels = 2, plotchar = FALSE, span = TRUE). clusplot draws the first two principal "
            "components (for two features a centred, rotated copy of the data), so its axes are "
            "components, not income and score; points carry their row numbers.",
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
    from pyseg._io import json_ready

    return json.dumps(json_ready(record), sort_keys=True, indent=2, allow_nan=False) + "\n"


def _render_html(record: dict[str, Any], figures: Sequence[_Figure]) -> str:
    import base64

    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("pyseg", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "j2"),
                                            default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
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


def _write_atomically(outdir: Path, files: dict[str, bytes]) -> None:
    """Create ``outdir`` holding exactly ``files``, replacing an earlier pyseg report there.

    The files are written into a temporary directory in ``outdir``'s parent (same file system, so
    renames are atomic) and that directory is renamed to ``outdir``. An existing ``outdir`` is
    replaced only if it holds nothing but files a pyseg report writes, so nobody's other files are
    ever deleted.
    """
    import os
    import shutil
    import tempfile
    from pathlib import Path

    outdir = Path(outdir)
    check_report_dir(outdir)
    try:
        outdir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.tmp-", dir=outdir.parent))
    except OSError as exc:
        raise InputError(f"cannot create report directory {outdir}: {exc.strerror}") from None
    old = None
    try:
        for name, content in files.items():
            (staging / name).write_bytes(content)
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a report is meant to be shared
        if outdir.is_dir():
            old = outdir.parent / f"{staging.name}.old"
            os.rename(outdir, old)
        try:
            os.rename(staging, outdir)
        except OSError:
            if old is not None:
                os.rename(old, outdir)  # put the previous report back
                old = None
            raise
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise InputError(f"cannot write report to {outdir}: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _finish(outdir: Path, record: dict[str, Any], parts: _ReportParts) -> None:
    from pyseg._provenance import timestamp

    record["figures"] = [figure.to_dict() for figure in parts.figures]
    record["notes"] = list(parts.notes)
    record["generated_at"] = timestamp()
    html = _render_html(record, parts.figures)
    files = {REPORT_JSON: report_json_text(record).encode("utf-8"),
             REPORT_HTML: html.encode("utf-8")}
    files.update({figure.file_name: figure.png for figure in parts.figures})
    _write_atomically(outdir, files)


def _provenance_dict(dataset: Dataset, command_line: Sequence[str] | str,
                     include_r: bool) -> dict[str, Any]:
    from pyseg._provenance import command_line as format_command
    from pyseg._provenance import provenance

    record = provenance(include_r=include_r)
    record["command_line"] = (command_line if isinstance(command_line, str)
                              else format_command(command_line))
    record["data_sha256"] = dataset.sha256
    record["data_rows"] = int(dataset.n_rows)
    return record


def write_compare_report(
    comparison: Comparison,
    dataset: Dataset,
    outdir: Path,
    command_line: Sequence[str] | str,
    elbow_result: ElbowResult | None = None,
    include_elbow: bool = True,
    r_results: Path | None = None,
) -> Path:
    """Write the parity report of ``pyseg compare`` into ``outdir``.

    Parameters
    ----------
    comparison : Comparison
        From :func:`pyseg.compare`.
    dataset : Dataset
        The data compared (for the segment profiles: age and gender columns of its ``frame``).
    outdir : Path
        Report directory; created, or replaced if it holds an earlier pyseg report.
    command_line : sequence of str or str
        ``sys.argv`` of the run (recorded as provenance).
    elbow_result : ElbowResult, optional
        Elbow to include. When omitted and ``include_elbow`` is true, the course elbow over
        k = 1..10 is computed (skipped with a note when R is unavailable).
    include_elbow : bool, default=True
    r_results : Path, optional
        The file of recorded R results the comparison used instead of live R (``compare
        --r-results``); its R version and code hashes go into the report in place of the local
        R session.

    Returns
    -------
    Path
        ``outdir``.
    """
    import numpy as np

    X = np.asarray(dataset.X, dtype=np.float64)
    features = list(dataset.feature_names)
    python_names = _segment_names(comparison.python.centers, X, features)
    r_names = _segment_names(comparison.r.centers, X, features)
    parts = _ReportParts()
    if elbow_result is None and include_elbow:
        elbow_result = _course_elbow_or_note(dataset, parts, r_results)
    if elbow_result is not None:
        _elbow_parts(elbow_result, parts)
    _compare_figures(comparison, parts, (python_names, r_names))
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
        "elbow": None if elbow_result is None else elbow_result.to_dict(),
        "provenance": _provenance_dict(dataset, command_line, include_r=r_results is None),
        "recorded_r_results": None if r_results is None else _recorded_summary(r_results),
    }
    _finish(outdir, record, parts)
    return outdir


def _recorded_summary(path: Path) -> dict[str, Any]:
    from pyseg._recorded import load_recorded

    recorded = load_recorded(path)
    summary = {key: recorded.get(key) for key in ("r_version", "r_components", "r_code", "data",
                                                  "recorded_by")}
    summary["file"] = str(path)
    return summary


def _course_elbow_or_note(dataset: Dataset, parts: _ReportParts,
                          r_results: Path | None = None) -> ElbowResult | None:
    import numpy as np

    from pyseg._elbow import elbow

    distinct = np.unique(np.asarray(dataset.X), axis=0).shape[0]
    try:
        recorded = None
        if r_results is not None:
            from pyseg._recorded import RecordedREngine

            recorded = RecordedREngine(r_results)
        return elbow(dataset, range(1, min(10, distinct) + 1), mode="course",
                     r_results=recorded)
    except (RUnavailableError, InputError) as exc:
        parts.notes.append(f"The elbow section was left out: {exc}")
        return None
    except PysegError as exc:  # an error inside R on this data: report it, keep the rest
        parts.notes.append(f"The elbow section was left out: R failed ({exc})")
        return None


def write_elbow_report(
    elbow_result: ElbowResult,
    dataset: Dataset,
    outdir: Path,
    command_line: Sequence[str] | str,
) -> Path:
    """Write the report of ``pyseg elbow`` (curves, silhouettes, knees) into ``outdir``.

    Parameters are as for :func:`write_compare_report`; returns ``outdir``.
    """
    parts = _ReportParts()
    _elbow_parts(elbow_result, parts)
    record: dict[str, Any] = {
        "kind": "elbow",
        "title": "pyseg elbow report: choosing k in Python and R",
        "data": _data_dict(dataset),
        "comparison": None,
        "segment_names": None,
        "segments": None,
        "elbow": elbow_result.to_dict(),
        "provenance": _provenance_dict(dataset, command_line, include_r=True),
        "recorded_r_results": None,
    }
    _finish(outdir, record, parts)
    return outdir
