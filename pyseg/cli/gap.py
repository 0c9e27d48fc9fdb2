"""``pyseg gap``: the gap statistic in Python and R, and cluster::clusGap's own."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path

from pyseg._choosing_k_report import write_gap_report
from pyseg._data import load_dataset
from pyseg._errors import ExitCode, PysegError
from pyseg._gap import MAXSE_RULES, REFERENCES, GapResult, gap_statistic
from pyseg._progress import progress_wanted
from pyseg._provenance import live_run_provenance
from pyseg._report import REPORT_HTML, check_report_dir
from pyseg._stability import check_settings, resample_methods
from pyseg.cli._args import (
    add_data_arguments,
    add_resampling_arguments,
    integer,
    methods_text,
    say_notice,
    say_report,
)
from pyseg.cli._help import COMMAND_HELP
from pyseg.methods.kmeans._elbow import elbow

GAP_DESCRIPTION = """\
The gap statistic (Tibshirani, Walther and Hastie 2001) for k = 1..K, as cluster::clusGap
computes it, in Python and in R on the same B reference data sets and K-Means starts, which pyseg
draws once: both languages' gap and SE agree to rounding. cluster::clusGap itself also runs, with
its own draws and kmeans(nstart = --starts), and the k of each of cluster::maxSE's rules is shown
for all of them: the rules often disagree, and the output says so instead of picking one.

--method {methods}: the partitions per k (W_k is clusGap's formula on them).
{resampling}

exit status: 0 done, 2 bad input or usage, 3 R missing
""".format(methods="|".join(resample_methods()),
           resampling=methods_text(resample_methods(), "RESAMPLING"))


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "gap", help=COMMAND_HELP["gap"],
        description=GAP_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_arguments(parser)
    parser.add_argument("--k-max", type=integer(), default=10, metavar="K", help="largest k (10)")
    parser.add_argument("--B", type=integer(), default=100, dest="B",
                        help="reference data sets (100, clusGap's default)")
    parser.add_argument("--seed", type=integer(), default=1, help="seed of pyseg's draws (1)")
    parser.add_argument("--starts", type=integer(), default=10,
                        help="K-Means starts per fit, both languages and clusGap (10)")
    parser.add_argument("--reference", choices=REFERENCES, default="scaledPCA",
                        help="reference box: scaledPCA (clusGap's default) or original")
    parser.add_argument("--d-power", type=integer(), default=1, choices=(1, 2),
                        help="power of the distances in W_k: 1 (clusGap's default) or 2 "
                             "(Tibshirani et al.)")
    add_resampling_arguments(parser, resample_methods(),
                             method_help="clustering method", check="cluster::clusGap",
                             report="report.json, report.html, gap.png and elbow.png")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    if args.report:
        check_report_dir(Path(args.report))
    check_settings(args.linkage, args.covariance)
    dataset = load_dataset(args.data, args.columns)
    say_notice(dataset.notice)
    result = gap_statistic(dataset, args.k_max, args.B, args.seed, args.starts, args.reference,
                           args.d_power, args.method, args.linkage, not args.no_check,
                           args.workers, progress_wanted(args.json), args.covariance,
                           args.dask)
    if args.report:
        elbow_result = None
        with contextlib.suppress(PysegError):  # the page then says the elbow is missing
            elbow_result = elbow(dataset, range(1, args.k_max + 1), mode="course")
        write_gap_report(result, elbow_result, dataset,
                         live_run_provenance(dataset, args.command_line), Path(args.report))
    document = result.to_dict()
    if args.json:
        document["data"] = {"source": str(dataset.source), "sha256": dataset.sha256,
                            "n_rows": int(dataset.n_rows), "features": list(dataset.feature_names)}
        sys.stdout.write(json.dumps(document, sort_keys=True, indent=2, allow_nan=False) + "\n")
    else:
        sys.stdout.write(format_table(result, document, str(dataset.source), int(dataset.n_rows)))
    if args.report:
        say_report(Path(args.report) / REPORT_HTML, args.json)
    return int(ExitCode.OK)


def format_table(result: GapResult, document: dict, source: str, n_rows: int) -> str:
    """Gap and SE per k for both languages and clusGap, then k per maxSE rule."""
    check = document["clusgap"]
    lines = [f"data    {source} ({n_rows} rows)", "",
             f"{'k':>3}  {'gap Py':>8}  {'SE Py':>7}  {'gap R':>8}  {'SE R':>7}  "
             f"{'gap clusGap':>11}  {'SE clusGap':>10}"]
    for i, k in enumerate(document["k"]):
        theirs = (f"{check['gap'][i]:>11.4f}  {check['se'][i]:>10.4f}" if check
                  else f"{'-':>11}  {'-':>10}")
        lines.append(f"{k:>3}  {document['python']['gap'][i]:>8.4f}  "
                     f"{document['python']['se'][i]:>7.4f}  {document['r']['gap'][i]:>8.4f}  "
                     f"{document['r']['se'][i]:>7.4f}  {theirs}")
    lines += ["", f"{'maxSE rule':<15} {'pyseg Py':>8}  {'pyseg R':>7}  {'clusGap':>7}"]
    for rule in MAXSE_RULES:
        theirs = check["rules"][rule] if check else "-"
        lines.append(f"{rule:<15} {document['python']['rules'][rule]:>8}  "
                     f"{document['r']['rules'][rule]:>7}  {theirs:>7}")
    lines.append("")
    lines += [f"- {line}" for line in result.summary()]
    return "\n".join(lines) + "\n"
