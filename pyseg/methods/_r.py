"""What every method's R engine shares: it runs in this process, each of its calls one function of
an R file of ``r_reference/`` through rpy2 (:func:`pyseg.r._bridge.r_call`). The R files also run
under plain Rscript, and no R source is ever built from Python strings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

import pyseg.r._bridge as _rbridge
from pyseg._errors import RUnavailableError

if TYPE_CHECKING:
    from numpy.typing import NDArray


class RMethodEngine:
    """A method's R engine, called in this process: a subclass names its R file (:attr:`SCRIPT`)
    and the R package it needs (:attr:`PACKAGE`), and converts what its R functions return."""

    name = "r"
    #: The file of ``r_reference/`` whose functions :meth:`call` runs.
    SCRIPT: ClassVar[str]
    #: The R package the engine needs and what for (:meth:`check_ready`).
    PACKAGE: ClassVar[tuple[str, str]]

    def call(self, function: str, *args: Any, **kwargs: Any) -> tuple[Any, tuple[str, ...]]:
        """``function`` of :attr:`SCRIPT` on these arguments: its value and R's warnings."""
        return _rbridge.r_call(self.SCRIPT, function, *args, **kwargs)

    def check_ready(self) -> None:
        """Load R and check its package :attr:`PACKAGE`.

        Raises
        ------
        RUnavailableError
            R, rpy2 or the package is missing; the message holds the fix.
        """
        require_package(self.SCRIPT, *self.PACKAGE)

    def version(self) -> str | None:
        return _rbridge.r_version()


def require_package(script: str, package: str, needed_for: str) -> None:
    """Raise :class:`~pyseg.RUnavailableError` with the fix when R's ``package`` is not installed
    (asked of ``<package>_available()`` in ``script``, which loads R first)."""
    available, _ = _rbridge.r_call(script, f"{package}_available")
    if not int(np.asarray(available).reshape(-1)[0]):
        raise RUnavailableError(
            f"the R package '{package}' is not installed (needed for {needed_for}): run "
            f"`sudo apt-get install -y r-cran-{package}`")


def from_r_index(value: Any) -> NDArray[np.int64]:
    """R's 1-based numbers (clusters, rows) as a 0-based int64 vector."""
    return np.asarray(value, dtype=np.int64).reshape(-1) - 1
