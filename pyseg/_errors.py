"""Exit codes and the exceptions that map onto them.

Every failure a user can cause or fix is a :class:`PysegError` whose message is one line; the CLI
prints it as ``pyseg: error: <message>`` and exits with the error's :class:`ExitCode`.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the ``pyseg`` command (modelled on :class:`pytest.ExitCode`)."""

    #: Parity holds (or the command succeeded).
    OK = 0
    #: The two languages disagree beyond the allowed tolerance.
    PARITY_FAILED = 1
    #: Bad input data, bad arguments, or an error R raised on the data.
    USAGE_ERROR = 2
    #: R, rpy2 or an R package is missing or cannot be loaded.
    R_UNAVAILABLE = 3


class PysegError(Exception):
    """Base class of the errors pyseg reports as a single line without a traceback."""

    exit_code: ExitCode = ExitCode.USAGE_ERROR


class InputError(PysegError, ValueError):
    """Bad input data or parameters (exit code 2).

    The message names the file, and where it applies the row and column.
    """


class RUnavailableError(PysegError, RuntimeError):
    """R, rpy2 or a required R package cannot be used (exit code 3). The message holds the fix."""

    exit_code = ExitCode.R_UNAVAILABLE


class REvaluationError(PysegError, RuntimeError):
    """R itself raised an error while running pyseg's R code (exit code 2).

    pyseg validates data before either engine sees it, so an error from R means R refused the
    input for a reason of its own; the message is R's, on one line.
    """
