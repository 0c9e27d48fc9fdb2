"""``pyseg compare``: the parity check that gates CI."""

from __future__ import annotations

import argparse
import math
import sys
import textwrap
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyseg._course import (
    CENTER_TOLERANCE,
    COMPARE_MODES,
    PYTHON_COURSE,
    R_COURSE,
    CourseSettings,
    python_kmeans_code,
    r_kmeans_code,
)
from pyseg._errors import ExitCode
from pyseg.cli._args import (
    add_command,
    add_method_flags,
    fraction,
    integer,
    positive_int,
    print_output,
    say_notice,
    starts_int,
)
from pyseg.methods import NAMES, part, trait
from pyseg.r._process import start_worker_process, worker_wanted

if TYPE_CHECKING:
    from pyseg._pipeline import MethodRun
    from pyseg.methods.kmeans._compare import Comparison

#: The --method values (pyseg.methods._registry.METHODS, which this light module does not
#: import: compare starts R before the library loads; a test checks that the two lists agree).
METHOD_CHOICES = (*NAMES, "all")

DESCRIPTION = textwrap.fill(
    "Fit the course's K-Means in Python (scikit-learn) and in R (kmeans, through rpy2), align "
    "the two labelings with the Hungarian algorithm and report how far they agree. --method "
    "compares the course's \"future work\" the same way: "
    + ", ".join(trait(name, "TITLE") for name in NAMES[1:]) + ", or all of them in one table.",
    96) + """

exit status: 0 parity holds, 1 parity fails, 2 bad input or usage, 3 R missing or unusable
"""


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = add_command(subparsers, "compare", DESCRIPTION)
    parser.add_argument(
        "--method", choices=METHOD_CHOICES, default=NAMES[0],
        help=f"{NAMES[0]} (default, the course), {', '.join(NAMES[1:])}, or all: every method "
        "on the same features, one table")
    parser.add_argument(
        "--scale", default="none", metavar="{none,z}",
        help="none: cluster the numbers as they are (default, as the course); z: R's scale(), "
        "centre and divide by the sample (n - 1) standard deviation, the same matrix to both")
    parser.add_argument("--k", type=positive_int, default=5, help="number of clusters (default 5)")
    add_method_flags(parser)
    parser.add_argument(
        "--mode", choices=COMPARE_MODES, default="course",
        help="course: each language as the course wrote it (default); exact: both start from the "
        "same k-means++ centers and run Lloyd, so labels must be identical ("
        + "; ".join(f"{name}: {trait(name, 'EXACT_START')}" for name in NAMES
                    if trait(name, "EXACT_START")) + ")")
    parser.add_argument("--py-seed", type=integer(), default=None, help="Python random_state (42)")
    parser.add_argument("--r-seed", type=integer(), default=None, help="R set.seed() value (29)")
    parser.add_argument("--starts", type=starts_int, default=None,
                        help="random starts on both sides (10)")
    parser.add_argument("--min-agreement", type=fraction, default=1.0,
                        help="fraction of rows that must agree after alignment (default 1.0)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--report", metavar="DIR", help="write report.json, report.html and PNGs")
    parser.add_argument(
        "--r-results", metavar="FILE",
        help="check Python against R results recorded by `pyseg record-r` instead of running R")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    # The cold start's first step: the R worker starts before pyseg's library (numpy, pandas,
    # scikit-learn) is imported - the one place where the shell imports the library late - so R
    # loads ~0.2 s sooner; the pipeline adopts the process, or ends it if R runs elsewhere.
    worker = start_worker_process() if args.r_results is None and worker_wanted() else None
    try:
        from pyseg._pipeline import compare_run
        from pyseg._report import REPORT_HTML, check_report_dir, write_report
        from pyseg.methods._base import MethodSettings

        if args.report:
            check_report_dir(Path(args.report))  # refuse a bad directory before fitting
    except BaseException:
        # Until the pipeline adopts the worker, an error (a bad --report, Ctrl-C while the
        # library loads) ends it: nothing pyseg starts outlives it.
        if worker is not None:
            worker.kill()
        raise

    python_settings, r_settings = _settings(args)
    settings = MethodSettings(
        k=args.k, mode=args.mode, python_settings=python_settings, r_settings=r_settings,
        linkage=args.linkage, eps=args.eps, min_points=args.min_points, distance=args.distance,
        covariance=args.covariance, min_agreement=args.min_agreement,
        r_results=None if args.r_results is None else Path(args.r_results))
    run = compare_run(args.data, args.columns, args.method, settings, scale=args.scale,
                      report=bool(args.report), command_line=args.command_line,
                      worker_process=worker)
    say_notice(run.dataset.notice)
    scale_free = getattr(run.comparison, "scale_free", False)
    features = () if scale_free or run.features is None else run.features.warnings
    for warning in features:  # Gower ranges each column itself; a full covariance any scale
        print(f"pyseg: note: {warning}", file=sys.stderr)
    print_output(args, run.to_json() if args.json else _text(run),
                 (lambda directory: write_report(run.comparison, directory, extra=run.report),
                  REPORT_HTML))
    return int(ExitCode.OK if run.passed else ExitCode.PARITY_FAILED)


def _text(run: MethodRun) -> str:
    """The text summary: the course's run, the --method all table, or the method's own. Text
    only: every number comes computed in the :class:`MethodRun`; the lines on one method's
    comparison are its report part's ``summary_lines(run)`` (``pyseg/methods/<name>/_report.py``).
    """
    if run.features is None:
        return format_summary(run.comparison, run.versions)
    if run.method not in NAMES:  # all
        return format_all(run)
    if trait(run.method, "COURSE_MODEL", False):
        # The course summary, with the header's lines on scaling, indicators and R's matrix.
        summary = format_summary(run.comparison, run.versions).split("\n")
        return "\n".join([*summary[:2], *_header(run)[2:-1], *summary[2:]])
    return format_method_summary(run)


def _header(run: MethodRun) -> list[str]:
    dataset, features = run.dataset, run.features
    assert features is not None  # the course's own run prints format_summary, not this header
    scale = "z (R's scale(): centred, divided by the n - 1 standard deviation)" \
        if features.scale == "z" else "none"
    lines = [
        f"data      {dataset.source}",
        f"          {dataset.n_rows} rows; features {', '.join(dataset.feature_names)}; "
        f"scale {scale}",
    ]
    categorical = [c for c in features.columns if c.kind == "categorical"]
    for column in categorical:
        lines.append(f"          {column.name}: one 0/1 column per level "
                     f"({', '.join(column.levels)}), every level kept")
    check = run.feature_check
    if check:
        shown = f"R holds the same matrix (max |dX| {check['r_received_max_abs_diff']:.3g})"
        if "r_scale_max_abs_diff" in check:
            shown += f"; R's own scale() gives max |dX| {check['r_scale_max_abs_diff']:.3g}"
        lines.append(f"          {shown}")
    python, r = run.versions.get("scikit_learn"), run.versions.get("r") or "recorded R results"
    lines.append(f"versions  scikit-learn {python}, scipy {run.versions.get('scipy')}; {r}")
    return lines


def _generic(run: MethodRun) -> list[str]:
    c = run.comparison
    name, value = run.measure()
    return [
        f"method    {run.method}",
        "",
        f"agreement {c.agreement.accuracy:.4%}   ARI {c.agreement.ari:.6f}",
        f"{name:<9} {value:.6g}",
    ]


def format_method_summary(run: MethodRun) -> str:
    """The text ``compare --method M`` prints for a method other than K-Means."""
    c = run.comparison
    spec = part(run.method, "report")
    details = spec.summary_lines(run) if hasattr(spec, "summary_lines") else _generic(run)
    but = ""
    if not c.passed and c.agreement.accuracy >= c.min_agreement:
        name, value = run.measure()
        but = f", but {name} {value:.3g}: see above"
    return "\n".join([*_header(run), "", *details, *_verdict(c, but)]) + "\n"


def _verdict(c: Any, but: str = "") -> list[str]:
    """The end of a comparison's summary: its diagnosis, then the verdict with the agreement it
    rests on (and ``but``, what else failed)."""
    verdict = "PASS: parity holds" if c.passed else "FAIL: parity does not hold"
    return ["", *(f"- {note}" for note in c.diagnosis), f"{verdict} (agreement "
            f"{c.agreement.accuracy:.4f}, required >= {c.min_agreement:g}{but})"]


def format_all(run: MethodRun) -> str:
    """The ``--method all`` table: method x (agreement, ARI, the method's own measure, passed)."""
    lines = _header(run)
    for name in NAMES:  # what a method chose itself, e.g. from a knee
        spec = part(name, "report")
        lines += spec.chosen_lines(run.chosen) if hasattr(spec, "chosen_lines") else []
    lines += ["", f"{'method':<13} {'agreement':>9} {'ARI':>9}  {'own measure':<28} "
              f"{'value':>10}  passed"]
    for row in run.comparison.rows():
        if "error" in row:
            lines.append(f"{row['method']:<13} {'-':>9} {'-':>9}  not run: {row['error']}")
            continue
        lines.append(
            f"{row['method']:<13} {row['agreement']:>9.4f} {row['ari']:>9.6f}  "
            f"{row['measure']:<28} {row['value']:>10.3g}  {'yes' if row['passed'] else 'NO'}")
    failed = [row["method"] + (" (not run)" if "error" in row else "")
              for row in run.comparison.rows() if not row["passed"]]
    verdict = ("PASS: parity holds for every method" if run.comparison.passed
               else f"FAIL: parity does not hold for {', '.join(failed)}")
    lines += ["", verdict]
    return "\n".join(lines) + "\n"


def _settings(args: argparse.Namespace) -> tuple[CourseSettings, CourseSettings]:
    starts = {} if args.starts is None else {"n_starts": args.starts}
    python, r = (replace(course, **starts, **({} if seed is None else {"seed": seed}))
                 for course, seed in ((PYTHON_COURSE, args.py_seed), (R_COURSE, args.r_seed)))
    return python, r


def _point(values: Iterable[float]) -> str:
    coordinates = [float(v) for v in values]
    if any(math.isnan(v) for v in coordinates):
        return "-"
    return "(" + ", ".join(f"{v:.2f}" for v in coordinates) + ")"


def _same(a: Iterable[float], b: Iterable[float]) -> bool:
    return all(abs(float(x) - float(y)) <= CENTER_TOLERANCE for x, y in zip(a, b, strict=True))


def format_summary(comparison: Comparison, version_info: dict[str, str | None]) -> str:
    """The human-readable report printed by ``pyseg compare``."""
    c = comparison
    py, r = c.python, c.r
    settings = c.settings
    lines = [
        f"data      {c.dataset.source}",
        f"          {c.dataset.n_rows} rows; features {', '.join(c.dataset.feature_names)}; "
        f"k={c.k}; mode={c.mode}",
    ]
    if c.mode == "course":
        ps, rs = settings["python"], settings["r"]
        python_code = python_kmeans_code(
            c.k, CourseSettings(ps["random_state"], ps["n_init"], ps["max_iter"]))
        r_code = r_kmeans_code(c.k, CourseSettings(rs["set.seed"], rs["nstart"], rs["iter.max"]))
        lines += [
            f"Python    scikit-learn {version_info.get('scikit_learn')}: {python_code}",
            f"R         {version_info.get('r') or 'recorded R results'}: {r_code}",
        ]
    else:
        lines.append(
            f"both      start from one k-means++ draw (seed {settings['python']['seed']}), "
            "then Lloyd until no label changes"
        )
    matched = c.agreement.alignment.matched
    lines += [
        "",
        f"agreement {c.agreement.accuracy:.4%} ({matched}/{py.labels.size} rows)   "
        f"ARI {c.agreement.ari:.6f}   NMI {c.agreement.nmi:.6f}",
        f"WCSS      Python {py.wcss:.6f}   R {r.wcss:.6f}   "
        f"relative difference {c.wcss_rel_diff:.3g}",
        f"centers   max |difference| after alignment {c.max_center_diff:.3g}",
    ]
    names = c.segment_names()
    name_width = max([12, *map(len, names)])
    center_width = max(24, 9 * py.centers.shape[1] + 2)
    lines += [
        "",
        f"{'cluster':>7}  {'segment':<{name_width}}  {'size Py':>7}  {'size R':>6}  "
        f"{'center Python':<{center_width}}  center R",
    ]
    r_sizes = r.sizes
    for index in range(max(py.n_clusters, r.n_clusters)):
        py_size = int(py.sizes[index]) if index < py.n_clusters else 0
        r_size = int(r_sizes[index]) if index < r_sizes.size else 0
        py_center = _point(py.centers[index]) if index < py.n_clusters else "-"
        r_center = _point(r.centers[index]) if index < r.n_clusters else "-"
        if index < min(py.n_clusters, r.n_clusters) and _same(py.centers[index], r.centers[index]):
            # Rounding both to two decimals could show noise-level differences as real ones.
            r_center = f"same (within {CENTER_TOLERANCE:g})"
        name = names[index] if index < len(names) else "-"
        lines.append(
            f"{index:>7}  {name:<{name_width}}  {py_size:>7}  {r_size:>6}  "
            f"{py_center:<{center_width}}  {r_center}"
        )
    return "\n".join([*lines, *_verdict(c)]) + "\n"
