"""``pyseg record-r``: keep R's results on a data set, for machines without R."""

from __future__ import annotations

import argparse
from pathlib import Path

from pyseg._data import load_dataset
from pyseg._errors import ExitCode
from pyseg._progress import progress_wanted
from pyseg._recorder import record_r_results
from pyseg.cli._args import add_data_arguments, positive_int, say_notice

RECORD_DESCRIPTION = """\
Run the R side once on the data and write its results (course fits, exact-mode fits and both
elbows for k = 1..K_MAX, with R's silhouettes) to a JSON file, together with the R version,
sessionInfo() and the SHA-256 of the R code. `pyseg compare --r-results FILE` and
`pyseg elbow --r-results FILE` then check Python against these numbers on machines without R.
The file holds derived numbers only, never the data; the same data and options give the same
bytes, wherever the command runs.
"""


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "record-r",
        help="record R's results on a data set for checks without R",
        description=RECORD_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_data_arguments(parser)
    parser.add_argument("--output", metavar="FILE",
                        help="where to write (default <data file name>-r-results.json in the "
                        "current directory)")
    parser.add_argument("--k-max", type=positive_int, default=10,
                        help="record k = 1..K_MAX (default 10)")
    parser.add_argument("--starts", type=positive_int, default=10,
                        help="starts per k of the recorded matched elbow (default 10)")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    dataset = load_dataset(args.data, args.columns)
    say_notice(dataset.notice)
    path = record_r_results(
        dataset,
        Path(args.output) if args.output else None,
        k_values=range(1, args.k_max + 1),
        elbow_starts=args.starts,
        progress=progress_wanted(),
    )
    print(f"recorded R results for {dataset.source} ({dataset.n_rows} rows) in {path}")
    return int(ExitCode.OK)
