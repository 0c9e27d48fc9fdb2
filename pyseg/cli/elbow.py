"""``pyseg elbow``: choosing k in both languages."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pyseg._choosing_k_report import write_bic_report
from pyseg._errors import ExitCode, InputError
from pyseg._pipeline import KnnRun, bic_data, elbow_data, knn_distance_data
from pyseg._progress import progress_wanted
from pyseg._report import REPORT_HTML, check_report_dir, write_elbow_report
from pyseg.cli._args import add_data_arguments, positive_int, say_notice, say_report
from pyseg.cli._help import COMMAND_HELP
from pyseg.methods import NAMES, trait
from pyseg.methods.kmeans._elbow import MODES, ElbowResult

ELBOW_DESCRIPTION = """\
Run the elbow method in Python and in R for k = K_MIN..K_MAX and compare them k by k: both WCSS
values, how many customers land in the same segment, both silhouettes, and - where the two differ -
which side is lower and why. The knee of each WCSS curve is found with kneed.

modes:
  course   each language as the course wrote it: Python KMeans(k, init='k-means++',
           random_state=42) with n_init=10 per k; R set.seed(6) once, then kmeans(X, k) with a
           single random start per k (R's single start can stop in a local optimum)
  matched  both sides keep the best of --starts starts per k

--method gmm gives Gaussian mixtures' counterpart: BIC per k of scikit-learn's GaussianMixture and
mclust's Mclust, in mclust's convention (2 logL - p log n, higher is better; scikit-learn's bic()
is its negative); --mode matched starts both from mclust's partition.

--method dbscan draws DBSCAN's counterpart for choosing eps instead: every row's distance to its
(--min-points - 1)-th nearest neighbour, sorted, in both languages (scikit-learn NearestNeighbors,
R dbscan::kNNdist), with the knee (kneed) as the suggested eps.

exit status: 0 done (differences are reported, not failures), 2 bad input or usage,
3 R missing or unusable
"""

#: The methods with a view for choosing k (or eps).
CHOOSE_K_METHODS = tuple(name for name in NAMES if trait(name, "CHOOSE_K"))


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    elbow_parser = subparsers.add_parser(
        "elbow",
        help=COMMAND_HELP["elbow"],
        description=ELBOW_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_data_arguments(elbow_parser)
    elbow_parser.add_argument("--k-min", type=positive_int, default=1, help="smallest k (1)")
    elbow_parser.add_argument("--k-max", type=positive_int, default=10, help="largest k (10)")
    elbow_parser.add_argument("--mode", choices=(*MODES, "exact"), default="course",
                              help="course settings (default) or matched starts on both sides "
                              "(gmm: matched or exact, both from mclust's partition, as compare "
                              "--mode exact)")
    elbow_parser.add_argument("--starts", type=positive_int, default=None,
                              help="starts per k on both sides; needs --mode matched (default 10)")
    elbow_parser.add_argument("--method", choices=CHOOSE_K_METHODS, default="kmeans",
                              help="kmeans: WCSS per k (default); dbscan: k-nearest-neighbour "
                              "distances for choosing eps; gmm: BIC per k (mclust's convention)")
    elbow_parser.add_argument("--covariance", default="full", metavar="TYPE",
                              help="gmm: full (default), diag, spherical or tied")
    elbow_parser.add_argument("--min-points", type=int, default=5, metavar="M",
                              help="dbscan: minPts; the curve is the (M - 1)-th neighbour's "
                              "distance (default 5)")
    elbow_parser.add_argument("--scale", default="none", metavar="{none,z}",
                              help="dbscan: none (default) or z, as for compare")
    elbow_parser.add_argument("--json", action="store_true", help="print one JSON document")
    elbow_parser.add_argument("--report", metavar="DIR",
                              help="write report.json, report.html and elbow.png to DIR")
    elbow_parser.add_argument("--r-results", metavar="FILE",
                              help="take R's side from `pyseg record-r` results instead of R")
    elbow_parser.set_defaults(func=run)

    return elbow_parser


def run_knn(args: argparse.Namespace) -> int:
    """``elbow --method dbscan``: the k-nearest-neighbour distance curves and their knee."""
    run = knn_distance_data(args.data, args.columns, args.min_points, scale=args.scale)
    say_notice(run.dataset.notice)
    if args.json:
        sys.stdout.write(json.dumps(run.to_dict(), sort_keys=True, indent=2, allow_nan=False)
                         + "\n")
    else:
        sys.stdout.write(format_knn(run))
    return int(ExitCode.OK)


def format_knn(run: KnnRun) -> str:
    """The text of ``elbow --method dbscan``: quantiles of both curves, the knee, the command."""
    curves, n = run.curves, run.dataset.n_rows
    lines = [
        f"data    {run.dataset.source} ({n} rows); features "
        f"{', '.join(run.dataset.feature_names)}",
        f"Python  NearestNeighbors(n_neighbors={curves.k + 1}): distance to the nearest "
        f"neighbour number {curves.k} (the row itself not counted)",
        f"R       dbscan::kNNdist(X, k = {curves.k})",
        "",
        f"{'rows below':>10}  {'Python':>10}  {'R':>10}",
    ]
    for share in (0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99, 1.00):
        index = min(n - 1, max(0, round(share * n) - 1))
        r_value = "-" if curves.r is None else f"{curves.r[index]:.4f}"
        lines.append(f"{share:>10.0%}  {curves.python[index]:>10.4f}  {r_value:>10}")
    lines.append("")
    if curves.max_diff is not None:
        lines.append(f"- The two curves differ by at most {curves.max_diff:.3g}.")
    if curves.knee_eps is None:
        lines.append("- The curve has no knee (kneed found none): choose eps by eye.")
    else:
        lines.append(f"- Knee at row {curves.knee_index + 1} of {n}: eps = {curves.knee_eps:.6g}"
                     f" (try: pyseg compare --method dbscan --eps {curves.knee_eps:.4g} "
                     f"--min-points {run.min_points}).")
    return "\n".join(lines) + "\n"


def run_bic(args: argparse.Namespace) -> int:
    """``elbow --method gmm``: BIC per k in both languages."""
    if args.k_min > args.k_max:
        raise InputError(f"--k-min {args.k_min} is larger than --k-max {args.k_max}")
    if args.report:
        check_report_dir(Path(args.report))
    run = bic_data(args.data, args.columns, range(args.k_min, args.k_max + 1),
                   covariance=args.covariance,
                   mode="course" if args.mode == "course" else "exact", scale=args.scale,
                   report=bool(args.report), command_line=args.command_line)
    say_notice(run.dataset.notice)
    if run.report_provenance is not None:
        write_bic_report(run.curve, run.summary, run.dataset, run.report_provenance,
                         Path(args.report))
    if args.json:
        sys.stdout.write(json.dumps(run.to_dict(), sort_keys=True, indent=2, allow_nan=False)
                         + "\n")
    else:
        curve = run.curve
        lines = [f"data    {run.dataset.source} ({run.dataset.n_rows} rows); covariance "
                 f"{curve.covariance}; mode {args.mode}",
                 "BIC     mclust's convention: 2 logL - p log n, higher is better", "",
                 f"{'k':>3}  {'BIC Python':>14}  {'BIC R':>14}  {'logL Python':>14}  "
                 f"{'logL R':>14}"]
        lines += [f"{k:>3}  {pb:>14.4f}  {rb:>14.4f}  {pl:>14.4f}  {rl:>14.4f}"
                  for k, pb, rb, pl, rl in zip(curve.ks, curve.python_bic, curve.r_bic,
                                                curve.python_loglik, curve.r_loglik, strict=True)]
        lines += ["", *(f"- {line}" for line in run.summary)]
        sys.stdout.write("\n".join(lines) + "\n")
    if run.report_provenance is not None:
        say_report(Path(args.report) / REPORT_HTML, args.json)
    return int(ExitCode.OK)


def run(args: argparse.Namespace) -> int:
    view = trait(args.method, "CHOOSE_K")
    if view != "wcss":
        return {"knn": run_knn, "bic": run_bic}[view](args)
    if args.mode == "exact":
        raise InputError("--mode exact is for --method gmm; K-Means' elbow has course and "
                         "matched (both sides keep the best of --starts starts per k)")
    if args.k_min > args.k_max:
        raise InputError(f"--k-min {args.k_min} is larger than --k-max {args.k_max}")
    if args.starts is not None and args.mode != "matched":
        raise InputError(f"--starts {args.starts} needs --mode matched: course mode runs the "
                         "course's own starts (Python 10, R 1)")
    if args.report:
        check_report_dir(Path(args.report))
    run = elbow_data(
        args.data,
        args.columns,
        range(args.k_min, args.k_max + 1),
        mode=args.mode,
        starts=args.starts if args.starts is not None else 10,
        progress=progress_wanted(args.json),
        r_results=args.r_results,
        report=bool(args.report),
        command_line=args.command_line,
    )
    dataset, result = run.dataset, run.elbow
    say_notice(dataset.notice)
    if run.report is not None:
        write_elbow_report(run.report, Path(args.report))
    if args.json:
        document = {"data": {"source": str(dataset.source), "sha256": dataset.sha256,
                             "n_rows": int(dataset.n_rows),
                             "features": list(dataset.feature_names)},
                    **result.to_dict()}
        sys.stdout.write(json.dumps(document, sort_keys=True, indent=2, allow_nan=False) + "\n")
    else:
        sys.stdout.write(format_table(result, dataset.source, dataset.n_rows))
    if run.report is not None:
        say_report(Path(args.report) / REPORT_HTML, args.json)
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
