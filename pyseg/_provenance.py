"""Versions and other facts that say where a result came from."""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import platform
import shlex
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from pyseg._errors import RUnavailableError
from pyseg.engines import REngine, rpy2_version

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pyseg._data import Dataset
    from pyseg.engines import KMeansEngine


def dist_version(name: str) -> str | None:
    """The installed version of distribution ``name``, from its metadata (None: not installed)."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def blas() -> str | None:
    """The BLAS numpy calls, e.g. ``"openblas 0.3.31 (pthreads, SkylakeX)"``, via threadpoolctl.

    The library's file path is left out: it names the machine's install directory, which does not
    change the numbers.
    """
    try:
        import numpy  # noqa: F401  (threadpoolctl only sees libraries already loaded)
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    # scipy may load a second OpenBLAS; which one threadpoolctl lists first depends on import
    # order, so prefer numpy's own (its path is under numpy.libs) and sort the rest.
    libraries = sorted(
        (lib for lib in threadpool_info() if lib.get("user_api") == "blas"),
        key=lambda lib: ("numpy" not in str(lib.get("filepath", "")), str(lib.get("filepath"))),
    )
    if not libraries:
        return None
    library = libraries[0]
    details = ", ".join(
        str(library[key]) for key in ("threading_layer", "architecture") if library.get(key)
    )
    text = f"{library.get('internal_api')} {library.get('version')}"
    return f"{text} ({details})" if details else text


def versions(r_engine: KMeansEngine | None = None) -> dict[str, str | None]:
    """Versions of Python, the numerical stack, and (given an R engine that can answer) R.

    Keys: ``python, numpy, scipy, scikit_learn, pandas, matplotlib, rpy2, r, blas`` (``None`` where
    a piece is not installed or R cannot be loaded). Package versions come from metadata; only
    numpy (for the BLAS) is loaded, and R is asked through ``r_engine`` (which may be recorded
    results: then ``r`` is the recorded R's version).
    """
    info: dict[str, str | None] = {
        "python": platform.python_version(),
        "numpy": dist_version("numpy"),
        "scipy": dist_version("scipy"),
        "scikit_learn": dist_version("scikit-learn"),
        "pandas": dist_version("pandas"),
        "matplotlib": dist_version("matplotlib"),
        "rpy2": rpy2_version(),
        "r": None,
        "blas": blas(),
    }
    if r_engine is not None:
        with contextlib.suppress(RUnavailableError):
            info["r"] = r_engine.version()
    return info


def command_line(argv: Sequence[str]) -> str:
    """The command as a shell would need it typed again (``shlex.join``), program name first.

    ``python -m pyseg`` puts the path of ``__main__.py`` in ``argv[0]``; it is shown as
    ``pyseg`` so the line does not depend on where the package is installed.
    """
    words = list(argv)
    if words and os.path.basename(words[0]) in ("__main__.py", "pyseg"):
        words[0] = "pyseg"
    return shlex.join(words)


#: :func:`command_line` under a name its callers' parameters do not hide.
format_command = command_line


def timestamp() -> str:
    """Current UTC time in ISO 8601 with seconds, e.g. ``"2024-05-01T12:00:00Z"``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def provenance(r_engine: Any = None) -> dict[str, Any]:
    """Everything about the software that produced a result (no data, no clock).

    Keys: ``versions`` (:func:`versions`), and, when ``r_engine`` is given and can answer,
    ``r_components`` and ``r_session_info`` (its ``provenance()``); otherwise those two are
    ``None``.
    """
    record: dict[str, Any] = {
        "versions": versions(r_engine),
        "r_components": None,
        "r_session_info": None,
    }
    if r_engine is not None:
        with contextlib.suppress(RUnavailableError):
            record.update(r_engine.provenance())
    return record


def run_provenance(
    dataset: Dataset, command_line: Sequence[str] | str, r_engine: Any
) -> dict[str, Any]:
    """:func:`provenance` with the command line and the data's fingerprint."""
    record = provenance(r_engine)
    record["command_line"] = (command_line if isinstance(command_line, str)
                              else format_command(command_line))
    record["data_sha256"] = dataset.sha256
    record["data_rows"] = int(dataset.n_rows)
    return record


def live_run_provenance(dataset: Dataset, command_line: Sequence[str] | str) -> dict[str, Any]:
    """:func:`run_provenance` with R in this process: R's version, ``sessionInfo()`` and the
    SHA-256 of the R code (for commands whose R side ran live, such as ``gap`` and
    ``stability``)."""
    return run_provenance(dataset, command_line, REngine())


def data_summary(dataset: Dataset) -> dict[str, Any]:
    """The ``data`` entry of a command's JSON: source, SHA-256, rows and feature names."""
    return {"source": dataset.source, "sha256": dataset.sha256, "n_rows": int(dataset.n_rows),
            "features": list(dataset.feature_names)}
