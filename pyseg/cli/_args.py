"""Argument types and argument groups that several commands share."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyseg._io import json_text
from pyseg._parallel import DASK_ENV, cores, default_dask
from pyseg.cli._help import COMMAND_HELP
from pyseg.methods import NAMES, course_method, trait


def add_command(subparsers: argparse._SubParsersAction, name: str, description: str
                ) -> argparse.ArgumentParser:
    """The parser of command ``name``: its one-line help, ``description`` shown as written, and
    :func:`add_data_arguments`."""
    parser = subparsers.add_parser(name, help=COMMAND_HELP[name], description=description,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_arguments(parser)
    return parser


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
        help="feature columns by header name, or the course file's short names income, score, "
        "age, gender (default: the income and spending-score columns)",
    )


class _MethodFlag(argparse._StoreAction):
    """A method's own flag: stored as usual, and noted in ``method_flags`` (flag -> method) so
    that :class:`~pyseg.cli.Parser` can refuse it with another ``--method``."""

    def __init__(self, *args: Any, owner: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        super().__call__(parser, namespace, values, option_string)
        given = getattr(namespace, "method_flags", {})
        namespace.method_flags = {**given, self.option_strings[0]: self.owner}


def add_method_flags(parser: argparse.ArgumentParser | argparse._ArgumentGroup,
                     only: tuple[str, ...] | None = None) -> None:
    """Every method's own flags (its package's ``FLAGS``), each flag once, its help prefixed with
    the method's name; ``only``: just these flags. The library checks their values (one line,
    exit 2)."""
    for name in NAMES:
        for flag in trait(name, "FLAGS", ()):
            if only is None or flag["flags"][0] in only:
                options = {key: value for key, value in flag.items() if key != "flags"}
                parser.add_argument(*flag["flags"], action=_MethodFlag, owner=name,
                                    **{**options, "help": f"{name}: {flag['help']}"})


def refuse(parser: argparse.ArgumentParser, flag: str, message: str) -> None:
    """``flag``, which a user may well try, is a usage error saying ``message`` (not in
    ``--help``)."""

    class Refused(argparse.Action):
        def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                     values: Any, option_string: str | None = None) -> None:
            parser.error(f"{option_string}: {message}")

    parser.add_argument(flag, nargs="?", action=Refused, help=argparse.SUPPRESS)


def methods_text(names: tuple[str, ...], fact: str) -> str:
    """The methods' ``fact`` sentences (e.g. ``RESAMPLING``), one paragraph of at most 96
    columns."""
    text = " ".join(trait(name, fact) for name in names if trait(name, fact))
    return textwrap.fill(text, 96, break_on_hyphens=False)


def add_resampling_arguments(
    parser: argparse.ArgumentParser, methods: tuple[str, ...], *,
    method_help: str, check: str, report: str,
) -> None:
    """The options ``gap`` and ``stability`` share: the method refitted and its settings, the
    independent R check (``check``: the R function ``--no-check`` leaves out), workers, output.

    ``--linkage`` and ``--covariance`` (the methods' own flags) show their values as argparse's
    ``choices`` would, but the library checks them, so that a bad one is one ``pyseg: error:``
    line like every other flag.
    """
    parser.add_argument("--method", default=course_method(), metavar="METHOD",
                        help=f"{method_help}: {', '.join(methods)} ({course_method()})")
    add_method_flags(parser, only=("--linkage", "--covariance"))
    parser.add_argument("--no-check", action="store_true",
                        help=f"leave out {check}'s own run")
    parser.add_argument("--workers", type=integer(), metavar="N",
                        help="processes running both languages' refits: this one and N - 1 of "
                             "joblib's loky workers, each with its own R (default: the number "
                             f"of cores, {cores()} here, at most the "
                             "number of resamples; 1: all in this process); the results are "
                             "the same whatever N")
    parser.add_argument("--dask", metavar="ADDRESS", default=default_dask(),
                        help=f"run the refits on the Dask scheduler at ADDRESS instead (default: "
                             f"${DASK_ENV}); every worker needs pyseg, R and rpy2")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--report", metavar="DIR", help=f"write {report} to DIR")


def add_model_arguments(parser: argparse.ArgumentParser, model_note: str = "") -> None:
    """``--model`` (a saved model) and ``--k`` (the k of the model fitted on --data instead)."""
    parser.add_argument("--model", metavar="FILE",
                        help=f"use a model saved by `pyseg fit --save`{model_note}")
    parser.add_argument("--k", type=positive_int, default=5,
                        help="number of segments when fitting (default 5)")


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
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"{value} should be <= {maximum}{note}")
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(f"{value} should be >= {minimum}{note}")
        return value

    return parse


#: argparse type for an integer >= 1 (k, starts, counts).
positive_int = integer(1)
#: Most ``--starts``: all of a fit's starts run in one scikit-learn or R call, which cannot show
#: progress.
MAX_STARTS = 1000
STARTS_NOTE = (" (all of a fit's starts run in one scikit-learn or R call, which cannot show "
               "progress; 1000 starts of the course fit already take up to a minute)")
#: argparse type of ``--starts``: 1..MAX_STARTS; ``starts_most`` only caps (the library words
#: the lower bound).
starts_int = integer(1, MAX_STARTS, STARTS_NOTE)
starts_most = integer(None, MAX_STARTS, STARTS_NOTE)


def fraction(text: str) -> float:
    """argparse type for a number within [0, 1]."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{value} should be within [0, 1]")
    return value


def say_notice(notice: str | None) -> None:
    """The data set's one-line notice (e.g. generated data stands in), on stderr."""
    if notice:
        print(f"pyseg: {notice}", file=sys.stderr)


def print_output(args: argparse.Namespace, output: str,
                 report: tuple[Callable[[Path], object], str] | None = None) -> None:
    """Print ``output``; with ``--report``, ``report`` = (writer, HTML file name): first
    ``writer(directory)``, and after the output one line saying where the report went (on stderr
    with ``--json``, so that stdout stays one JSON document)."""
    if report is not None and args.report:
        report[0](Path(args.report))
    sys.stdout.write(output)
    if report is not None and args.report:
        line = (f"report written to {Path(args.report) / report[1]} (report.json and the "
                "figures beside it)")
        print(f"pyseg: {line}" if args.json else line, file=sys.stderr if args.json else sys.stdout)

def data_json(document: dict[str, Any], dataset: Any) -> str:
    """``document`` and the data set it was computed on (source, SHA-256, rows, features) as one
    deterministic JSON document."""
    data = {"source": str(dataset.source), "sha256": dataset.sha256,
            "n_rows": int(dataset.n_rows), "features": list(dataset.feature_names)}
    return json_text({**document, "data": data})

