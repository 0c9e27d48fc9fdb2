"""``pyseg check``: a learner's own K-Means answer, checked against both languages."""

from __future__ import annotations

import argparse
import sys
import textwrap

from pyseg._check import check, check_text_lines
from pyseg._data import load_dataset
from pyseg.cli._args import add_command, integer

DESCRIPTION = textwrap.fill(
    "Check your own K-Means answer on the course data: your labels (a CSV with CustomerID and "
    "one label column, rows in any order, or one label per line in the data's order; 0- or "
    "1-based numbers or names) or your centers (R's write.csv(km$centers), a numbers-only file "
    "or pd.DataFrame(km.cluster_centers_).to_csv()). pyseg aligns it with the course's partition "
    "in Python and in R and names the finding: match, local-optimum, scaled, other-columns, "
    "other-k or unexplained, with what to change. Pickles and .rds files are never loaded.",
    96) + """

exit status: 0 match, 1 any other finding, 2 bad input or usage, 3 R missing or unusable
"""


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = add_command(subparsers, "check", DESCRIPTION)
    parser.add_argument("answer", metavar="ANSWER", help="your labels or centers (CSV or text)")
    parser.add_argument("--k", type=integer(2, 20), default=5,
                        help="the course's number of clusters (default 5)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    dataset = load_dataset(args.data, args.columns)
    result = check(args.answer, dataset, k=args.k)
    if args.json:
        sys.stdout.write(result.to_json())
    else:
        print("\n".join(check_text_lines(result)))
    return result.exit_code
