"""The ``pyseg`` command line: argparse and text formatting over the public Python API.

Each subcommand lives in its own module here with two functions:

``register(subparsers) -> argparse.ArgumentParser``
    Adds the subcommand's parser.
``run(args) -> int``
    Calls the library, prints what it computed, and returns an :class:`~pyseg.ExitCode`.

The shell never computes: what it prints comes from :mod:`pyseg._pipeline` and the public API.
Errors the user can fix are :class:`~pyseg.PysegError`; :func:`main` prints them as one line on
stderr and returns their exit code, without a traceback; a usage error is the same one line
(:class:`Parser`), exit 2.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from pyseg import __version__
from pyseg._errors import ExitCode, PysegError
from pyseg.cli._help import COMMAND_HELP

#: Subcommand name -> module that implements it, in the order ``--help`` lists them. A command
#: imports only its own module (and so only the library it uses): `pyseg compare` starts its R
#: worker sooner, and `predict --model` stays light. A missing module is an ImportError.
COMMANDS: dict[str, str] = {
    "compare": "pyseg.cli.compare",
    "check": "pyseg.cli.check",
    "predict": "pyseg.cli.predict",
    "fit": "pyseg.cli.predict",
    "serve": "pyseg.cli.serve",
    "elbow": "pyseg.cli.elbow",
    "record-r": "pyseg.cli.record",
    "synth": "pyseg.cli.synth",
    "stability": "pyseg.cli.stability",
    "gap": "pyseg.cli.gap",
}

PROG = "pyseg"
#: Exit code after Ctrl-C (128 + SIGINT, as shells report it).
INTERRUPTED = 130

__all__ = ["COMMANDS", "PROG", "Parser", "build_parser", "error_line", "main", "run_console"]


def error_line(message: str) -> str:
    """The one form of every error pyseg reports (usage, bad input, missing R): one line."""
    return f"{PROG}: error: {message}"


class Parser(argparse.ArgumentParser):
    """pyseg's parsers (argparse makes each command's parser of its parent's class).

    Abbreviations are off: ``gap --k 3`` must not quietly mean ``--k-max 3``. A usage error is
    one :func:`error_line` on stderr, exit 2, like every other error. A method's own flag
    (``--eps``, ``--linkage``: :func:`~pyseg.cli._args.add_method_flags`) given with another
    ``--method`` is a usage error too, except under ``--method all``, where each goes to its
    method.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(int(ExitCode.USAGE_ERROR), error_line(message) + "\n")

    def parse_args(self, args: Any = None, namespace: Any = None) -> Any:
        parsed = super().parse_args(args, namespace)
        method = getattr(parsed, "method", None)
        for flag, owner in getattr(parsed, "method_flags", {}).items():
            if method not in (owner, "all"):
                self.error(f"{flag} is a setting of --method {owner}, not of --method {method}: "
                           f"add --method {owner}")
        return parsed


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line; argparse exits with 2 on usage errors (ExitCode.USAGE_ERROR).

    With ``command`` (a name in :data:`COMMANDS`) only that command is registered; otherwise
    every command is listed by its one-line help (:data:`~pyseg.cli._help.COMMAND_HELP`) without
    importing any of them.
    """
    parser = Parser(
        prog=PROG,
        description="Customer segmentation with K-Means in Python and R, "
        "and proof that they agree.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    if command in COMMANDS:
        importlib.import_module(COMMANDS[command]).register(subparsers)
    else:  # `pyseg`, `pyseg --help`, a misspelt command: list them all, importing none
        for name, line in COMMAND_HELP.items():
            subparsers.add_parser(name, help=line)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``pyseg`` command line and return its exit code."""
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(words[0] if words else None)
    args = parser.parse_args(words)
    # What the user typed, for provenance: the same whether run as `pyseg` or `python -m pyseg`,
    # and the real arguments (not pytest's) when main() is called from a test.
    args.command_line = [PROG, *words]
    if getattr(args, "func", None) is None:
        parser.print_help()
        return ExitCode.USAGE_ERROR
    try:
        code = int(args.func(args))
        sys.stdout.flush()  # a full disk or a broken device shows here, not at interpreter exit
        return code
    except PysegError as exc:
        print(error_line(str(exc)), file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        # Piped into `head` and the reader went away: not an error of ours.
        _drop_stdout()
        return int(ExitCode.OK)
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRNOS or exc.filename is not None:
            raise
        # Standard output itself failed (`> /dev/full`, a full disk): one line, as for any write.
        _drop_stdout()
        print(f"{PROG}: error: cannot write the output: {exc.strerror}", file=sys.stderr)
        return int(ExitCode.USAGE_ERROR)


#: Errors writing standard output can give: no space, I/O error, file too large, quota.
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT})


def _drop_stdout() -> None:
    """Point standard output at /dev/null, so that the interpreter's last flush cannot fail."""
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    with contextlib.suppress(OSError, ValueError):  # a test's captured stdout has no file
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        # What Python still buffers for the old stream would be flushed at exit and fail again.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until the process ends


def run_console() -> int:
    """The ``pyseg`` program (console script and ``python -m pyseg``): :func:`main`, then exit.

    The interpreter's last garbage collection walks every object scikit-learn and SciPy created
    at import (about 0.2 s, a sixth of a cold ``compare``); nothing left is garbage that needs
    collecting, so the process takes it all out of the collector's view before exiting. Only the
    program does this: a caller of :func:`main` (a test, a notebook) keeps its collector.

    Interrupted (Ctrl-C), the program ends at once with :data:`INTERRUPTED`: R's worker is
    already stopped, and a scikit-learn fit still running in a thread (it cannot be stopped)
    is neither waited for nor met by the interpreter's teardown.
    """
    code = main()
    if code == INTERRUPTED:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)
    gc.freeze()
    return code
