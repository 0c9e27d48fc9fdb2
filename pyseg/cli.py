"""The ``pyseg`` command line: a thin layer over the public Python API.

Each subcommand lives in its own ``pyseg/_cli_<name>.py`` module with two functions:

``register(subparsers) -> argparse.ArgumentParser``
    Adds the subcommand's parser. Must import nothing heavy (argparse only), so that
    ``pyseg --help`` stays fast.
``run(args) -> int``
    Does the work, importing what it needs, and returns an :class:`~pyseg.ExitCode`.

Errors the user can fix are :class:`~pyseg.PysegError`; :func:`main` prints them as one line on
stderr and returns their exit code, without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from pyseg._errors import ExitCode, PysegError

#: Subcommand name -> module that implements it, in the order ``--help`` lists them.
COMMANDS: dict[str, str] = {
    "compare": "pyseg._cli_compare",
    "predict": "pyseg._cli_predict",
    "fit": "pyseg._cli_predict",
    "serve": "pyseg._cli_serve",
    "elbow": "pyseg._cli_elbow",
    "record-r": "pyseg._cli_elbow",
    "synth": "pyseg._cli_synth",
}

PROG = "pyseg"


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on usage errors, which is already ExitCode.USAGE_ERROR."""


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """``--data`` and ``--columns``, shared by every command that reads a data set."""
    parser.add_argument(
        "--data",
        metavar="CSV",
        help="data file (default: $PYSEG_DATA, else data/Mall_Customers.csv if present, "
        "else a small data set pyseg generates)",
    )
    parser.add_argument(
        "--columns",
        metavar="NAME,NAME",
        help="feature columns by header name (default: the income and spending-score columns)",
    )


def integer(
    minimum: int | None = None, maximum: int | None = None, note: str = ""
) -> Callable[[str], int]:
    """argparse type for an integer within bounds, with messages that state the bad value.

    ``integer(1)`` refuses ``0`` with "0 should be >= 1"; ``integer(0, 65535, " (0: any)")``
    refuses ``70000`` with "70000 should be within 0-65535 (0: any)".
    """

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if maximum is not None and minimum is not None and not minimum <= value <= maximum:
            raise argparse.ArgumentTypeError(f"{value} should be within {minimum}-{maximum}{note}")
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(f"{value} should be >= {minimum}{note}")
        return value

    return parse


#: argparse type for an integer >= 1 (k, starts, counts).
positive_int = integer(1)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Customer segmentation with K-Means in Python and R, "
        "and proof that they agree.",
    )
    from pyseg import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    registered: set[str] = set()
    for module_name in dict.fromkeys(COMMANDS.values()):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:  # a command not built yet in this checkout
            if exc.name == module_name:
                continue
            raise
        module.register(subparsers)
        registered.add(module_name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``pyseg`` command line and return its exit code."""
    try:
        return _main(argv)
    finally:
        # The interpreter's last garbage collection walks every object scikit-learn and SciPy
        # created at import (about 0.2 s, a sixth of a cold `compare`); nothing left is garbage
        # that needs collecting, so take it all out of the collector's view. atexit handlers and
        # flushing still run as usual.
        import gc

        gc.freeze()


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(words)
    # What the user typed, for provenance: the same whether run as `pyseg` or `python -m pyseg`,
    # and the real arguments (not pytest's) when main() is called from a test.
    args.command_line = [PROG, *words]
    if getattr(args, "func", None) is None:
        parser.print_help()
        return ExitCode.USAGE_ERROR
    try:
        return int(args.func(args))
    except PysegError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Piped into `head` and the reader went away: not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return int(ExitCode.OK)
