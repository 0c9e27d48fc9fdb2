"""``pyseg record-r``: keep R's results on a data set, for machines without R."""

from __future__ import annotations

import argparse
from pathlib import Path

from pyseg._data import load_dataset
from pyseg._errors import ExitCode, InputError
from pyseg._progress import progress_wanted
from pyseg.cli._args import add_command, add_method_flags, positive_int, say_notice, starts_int
from pyseg.methods import NAMES, course_method, trait
from pyseg.methods.kmeans._record import record_r_results

RECORD_DESCRIPTION = """\
Run the R side once on the data and write its results (course fits, exact-mode fits and both
elbows for k = 1..K_MAX, with R's silhouettes) to a JSON file, together with the R version,
sessionInfo() and the SHA-256 of the R code. `pyseg compare --r-results FILE` and
`pyseg elbow --r-results FILE` then check Python against these numbers on machines without R.
The file holds derived numbers only, never the data; the same data and options give the same
bytes, wherever the command runs.

--method {methods} records that method's R fits on the features (--columns, --scale as for
compare): for k = 2..K_MAX (or --k) with the method's own flags (as for compare), or at its own
settings for a method without a k; --method all records K-Means and every method. The entries
join the file already at --output, so one file serves `compare --method all`.
""".format(methods="|".join(NAMES[1:]))


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = add_command(subparsers, "record-r", RECORD_DESCRIPTION)
    parser.add_argument("--output", metavar="FILE",
                        help="where to write (default <data file name>-r-results.json in the "
                        "current directory)")
    parser.add_argument("--k-max", type=positive_int, default=10,
                        help="record k = 1..K_MAX (default 10)")
    parser.add_argument("--starts", type=starts_int, default=10,
                        help="starts per k of the recorded matched elbow (default 10)")
    methods = parser.add_argument_group("other methods (as for compare)")
    methods.add_argument("--method", default=course_method(), metavar="METHOD",
                         help=f"{', '.join(NAMES)} or all ({course_method()})")
    methods.add_argument("--scale", default="none", metavar="{none,z}")
    methods.add_argument("--k", type=positive_int, default=None,
                         help="record this k only (default k = 2..K_MAX)")
    add_method_flags(methods)
    methods.add_argument("--mode", choices=("course", "exact"), default="course")
    parser.set_defaults(func=run)
    return parser


def run_method(args: argparse.Namespace) -> int:
    """``record-r --method M``: R's fits of M (or of every method) recorded."""
    from pyseg._pipeline import record_method_data
    from pyseg.methods._base import MethodSettings

    settings = MethodSettings(linkage=args.linkage, eps=args.eps, min_points=args.min_points,
                              distance=args.distance, covariance=args.covariance,
                              mode=args.mode)
    k_values = [args.k] if args.k is not None else list(range(2, args.k_max + 1))
    if not k_values:
        raise InputError(f"--k-max {args.k_max}: nothing to record (k starts at 2)")
    dataset, path = record_method_data(args.data, args.columns, args.method, settings, k_values,
                                       scale=args.scale, output=args.output,
                                       elbow_starts=args.starts)
    say_notice(dataset.notice)
    print(f"recorded R's {args.method} results for {dataset.source} ({dataset.n_rows} rows) in "
          f"{path}")
    return int(ExitCode.OK)


def run(args: argparse.Namespace) -> int:
    if not trait(args.method, "COURSE_MODEL", False) or args.scale != "none":
        return run_method(args)
    dataset = load_dataset(args.data, args.columns)
    say_notice(dataset.notice)
    path = record_r_results(dataset, Path(args.output) if args.output else None,
                            k_values=range(1, args.k_max + 1), elbow_starts=args.starts,
                            progress=progress_wanted())
    print(f"recorded R results for {dataset.source} ({dataset.n_rows} rows) in {path}")
    return int(ExitCode.OK)
