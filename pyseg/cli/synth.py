"""``pyseg synth``: write deterministic mall-like customer data to a CSV file."""

from __future__ import annotations

import argparse
import sys

from pyseg._errors import ExitCode
from pyseg._synth import mall_like_csv_bytes, write_csv_atomic
from pyseg.cli._args import integer, positive_int
from pyseg.cli._help import COMMAND_HELP


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("synth", help=COMMAND_HELP["synth"], description=(
        "Write N mall-like customers with the course file's columns, drawn around the five "
        "course segments. The same --n and --seed always give the same bytes. The file is "
        "written atomically: it is either complete or untouched."))
    parser.add_argument("--n", type=positive_int, default=200, help="rows (default: 200)")
    parser.add_argument("--seed", type=integer(0), default=0, help="random seed, >= 0 (default: 0)")
    parser.add_argument("--output", "-o", required=True, metavar="FILE",
                        help="CSV file to write ('-': standard output)")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    data = mall_like_csv_bytes(args.n, args.seed)
    if args.output == "-":  # as most tools read it, not a file named "-"
        sys.stdout.buffer.write(data)
        return int(ExitCode.OK)
    digest = write_csv_atomic(data, args.output)
    print(f"wrote {args.n} rows to {args.output} (sha256 {digest})")
    return int(ExitCode.OK)
