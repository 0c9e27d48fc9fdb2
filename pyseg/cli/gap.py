"""``pyseg gap``: the gap statistic in Python and R, and cluster::clusGap's own."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import Any

from pyseg._data import Dataset
from pyseg._errors import PysegError
from pyseg._gap import MAXSE_RULES, REFERENCES, GapResult, gap_statistic
from pyseg._stability import resample_methods
from pyseg.cli._args import (
    add_command,
    add_resampling_arguments,
    integer,
    methods_text,
    refuse,
    starts_most,
)
from pyseg.cli.stability import run_resampling

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
    parser = add_command(subparsers, "gap", GAP_DESCRIPTION)
    parser.add_argument("--k-max", type=integer(), default=10, metavar="K", help="largest k (10)")
    refuse(parser, "--k", "gap computes k = 1..K; the largest k is --k-max K")
    parser.add_argument("--B", type=integer(), default=100, dest="B",
                        help="reference data sets (100, clusGap's default)")
    parser.add_argument("--seed", type=integer(), default=1, help="seed of pyseg's draws (1)")
    parser.add_argument("--starts", type=starts_most, default=10,
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
    def write_report(result: GapResult, dataset: Dataset, provenance: Any, path: Path) -> None:
        # imported here: only --report draws figures
        from pyseg._choosing_k_report import write_gap_report
        from pyseg.methods.kmeans._elbow import elbow

        elbow_result = None
        with contextlib.suppress(PysegError):  # the page then says the elbow is missing
            elbow_result = elbow(dataset, range(1, args.k_max + 1), mode="course")
        write_gap_report(result, elbow_result, dataset, provenance, path)

    return run_resampling(args, lambda dataset, progress: gap_statistic(
        dataset, args.k_max, args.B, args.seed, args.starts, args.reference, args.d_power,
        args.method, args.linkage, not args.no_check, args.workers, progress, args.covariance,
        args.dask),
        write_report, format_table)


def format_table(document: dict) -> list[str]:
    """Gap and SE per k for both languages and clusGap, then k per maxSE rule."""
    check = document["clusgap"]
    lines = ["", f"{'k':>3}  {'gap Py':>8}  {'SE Py':>7}  {'gap R':>8}  {'SE R':>7}  "
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
    return lines
