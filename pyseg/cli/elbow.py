"""``pyseg elbow``: choosing k in both languages."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from pyseg._errors import ExitCode, InputError
from pyseg._io import json_text
from pyseg._pipeline import elbow_data
from pyseg._progress import progress_wanted
from pyseg._report import REPORT_HTML, check_report_dir, write_elbow_report
from pyseg.cli._args import (
    add_command,
    add_method_flags,
    data_json,
    positive_int,
    print_output,
    refuse,
    say_notice,
    starts_int,
)
from pyseg.methods import NAMES, course_method, part, trait
from pyseg.methods.kmeans._elbow import MODES, ElbowResult

#: The methods with a view for choosing k (or eps).
CHOOSE_K_METHODS = tuple(name for name in NAMES if trait(name, "CHOOSE_K"))
#: The methods whose views start both languages from one start with --mode exact.
EXACT_METHODS = tuple(name for name in CHOOSE_K_METHODS if trait(name, "EXACT_START"))

ELBOW_DESCRIPTION = """\
Run the elbow method in Python and in R for k = K_MIN..K_MAX and compare them k by k: both WCSS
values, how many customers land in the same segment, both silhouettes, and - where the two differ -
which side is lower and why. The knee of each WCSS curve is found with kneed.

modes:
  course   each language as the course wrote it: Python KMeans(k, init='k-means++',
           random_state=42) with n_init=10 per k; R set.seed(6) once, then kmeans(X, k) with a
           single random start per k (R's single start can stop in a local optimum)
  matched  both sides keep the best of --starts starts per k

{views}

exit status: 0 done (differences are reported, not failures), 2 bad input or usage,
3 R missing or unusable
""".format(views="\n\n".join(
    textwrap.fill(f"--method {name}: {trait(name, 'CHOOSE_K_TEXT')}", 96, break_on_hyphens=False)
    for name in CHOOSE_K_METHODS if trait(name, "CHOOSE_K_TEXT")))


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    elbow_parser = add_command(subparsers, "elbow", ELBOW_DESCRIPTION)
    elbow_parser.add_argument("--k-min", type=positive_int, default=1, help="smallest k (1)")
    elbow_parser.add_argument("--k-max", type=positive_int, default=10, help="largest k (10)")
    refuse(elbow_parser, "--k", "elbow runs k = --k-min..--k-max")
    elbow_parser.add_argument("--mode", choices=(*MODES, "exact"), default="course",
                              help="course settings (default) or matched starts on both sides "
                              f"({'/'.join(EXACT_METHODS)}: matched or exact, both from the same "
                              "start, as compare --mode exact)")
    elbow_parser.add_argument("--starts", type=starts_int, default=None,
                              help="starts per k on both sides; needs --mode matched (default 10)")
    elbow_parser.add_argument("--method", choices=CHOOSE_K_METHODS, default=course_method(),
                              help="; ".join(f"{name}: {trait(name, 'CHOOSE_K_HELP')}"
                                             for name in CHOOSE_K_METHODS))
    add_method_flags(elbow_parser, only=("--covariance", "--min-points"))
    elbow_parser.add_argument("--scale", default="none", metavar="{none,z}",
                              help="none (default) or z, as for compare (not for the WCSS)")
    elbow_parser.add_argument("--json", action="store_true", help="print one JSON document")
    elbow_parser.add_argument("--report", metavar="DIR",
                              help="write report.json, report.html and elbow.png to DIR")
    elbow_parser.add_argument("--r-results", metavar="FILE",
                              help="take R's side from `pyseg record-r` results instead of R")
    elbow_parser.set_defaults(func=run)
    return elbow_parser


def run_view(args: argparse.Namespace) -> int:
    """``elbow --method M`` for a method whose view is its own (its ``choose_k`` computes it, its
    report part words it and, if it has one, writes its report)."""
    shown = part(args.method, "report")
    writes = hasattr(shown, "write_choose_k_report")
    if args.report and writes:
        check_report_dir(Path(args.report))
    run = part(args.method, "compare").choose_k(args)
    say_notice(run.dataset.notice)
    print_output(args, json_text(run.to_dict()) if args.json else shown.choose_k_text(run, args),
                 (lambda directory: shown.write_choose_k_report(run, directory), REPORT_HTML)
                 if writes else None)
    return int(ExitCode.OK)


def run(args: argparse.Namespace) -> int:
    if trait(args.method, "CHOOSE_K") != "wcss":
        return run_view(args)
    if args.mode == "exact":
        raise InputError(f"--mode exact is for --method {'/'.join(EXACT_METHODS)}; K-Means' "
                         "elbow has course and "
                         "matched (both sides keep the best of --starts starts per k)")
    if args.k_min > args.k_max:
        raise InputError(f"--k-min {args.k_min} is larger than --k-max {args.k_max}")
    if args.starts is not None and args.mode != "matched":
        raise InputError(f"--starts {args.starts} needs --mode matched: course mode runs the "
                         "course's own starts (Python 10, R 1)")
    if args.report:
        check_report_dir(Path(args.report))
    run = elbow_data(args.data, args.columns, range(args.k_min, args.k_max + 1),
                     mode=args.mode, starts=args.starts if args.starts is not None else 10,
                     progress=progress_wanted(args.json), r_results=args.r_results,
                     report=bool(args.report), command_line=args.command_line)
    dataset, result = run.dataset, run.elbow
    say_notice(dataset.notice)
    report = run.report  # built when --report was given (report=True above), else None
    print_output(args, data_json(result.to_dict(), dataset) if args.json
                 else format_table(result, dataset.source, dataset.n_rows),
                 None if report is None
                 else (lambda directory: write_elbow_report(report, directory), REPORT_HTML))
    return int(ExitCode.OK)


def _optional(value: float | None, spec: str) -> str:
    return format("-", ">7") if value is None else format(value, spec)


def format_table(result: ElbowResult, source: str, n_rows: int) -> str:
    """The human-readable elbow comparison printed by ``pyseg elbow``."""
    lines = [
        f"data    {source} ({n_rows} rows), mode={result.mode}",
        f"Python  {result.python_settings}",
        f"R       {result.r_settings}",
        "",
        f"{'k':>3}  {'WCSS Python':>14}  {'WCSS R':>14}  {'same seg.':>9}  {'sil. Py':>7}  "
        f"{'sil. R':>7}  lower WCSS",
    ]
    for row in result.rows:
        lower = {"same": "same", "python": "Python", "r": "R"}[row.lower]
        flag = "  <- differs" if row.differs else ""
        lines.append(
            f"{row.k:>3}  {row.python_wcss:>14.2f}  {row.r_wcss:>14.2f}  {row.accuracy:>9.1%}  "
            f"{_optional(row.python_silhouette, '7.4f')}  {_optional(row.r_silhouette, '7.4f')}  "
            f"{lower}{flag}"
        )
    lines.append("")
    lines += [f"- {line}" for line in result.summary()]
    if result.silhouette_check is not None:
        lines.append(f"- Silhouettes of the same labels, scikit-learn vs cluster::silhouette: "
                     f"max difference {result.silhouette_check:.3g}.")
    return "\n".join(lines) + "\n"
