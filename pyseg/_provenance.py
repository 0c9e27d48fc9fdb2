"""Versions and other facts that say where a result came from."""

from __future__ import annotations

import importlib.metadata
import platform
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path


def _dist_version(name: str) -> str | None:
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


def versions(include_r: bool = True) -> dict[str, str | None]:
    """Versions of Python, the numerical stack, and (if asked and available) R and rpy2.

    Keys: ``python, numpy, scipy, scikit_learn, pandas, matplotlib, rpy2, r, blas`` (``None`` where
    a piece is not installed or R cannot be loaded). Package versions come from metadata; only
    numpy (for the BLAS) and, when ``include_r`` is true, R itself are loaded.
    """
    info: dict[str, str | None] = {
        "python": platform.python_version(),
        "numpy": _dist_version("numpy"),
        "scipy": _dist_version("scipy"),
        "scikit_learn": _dist_version("scikit-learn"),
        "pandas": _dist_version("pandas"),
        "matplotlib": _dist_version("matplotlib"),
        "rpy2": _dist_version("rpy2"),
        "r": None,
        "blas": blas(),
    }
    if include_r:
        from pyseg._errors import RUnavailableError
        from pyseg._rbridge import r_version

        try:
            info["r"] = r_version()
        except RUnavailableError:
            info["r"] = None
    return info


def r_session_info() -> list[str]:
    """R's ``sessionInfo()`` as printed, one string per line, without the locale block.

    Raises
    ------
    RUnavailableError
        R or rpy2 cannot be loaded.
    """
    from pyseg._rbridge import r_call

    lines, _ = r_call("provenance.R", "session_info_lines")
    return [str(line).rstrip() for line in lines]


def r_components() -> dict[str, str | None]:
    """R's version and the versions of the R pieces pyseg uses: ``r, cluster, blas, lapack``.

    Raises
    ------
    RUnavailableError
        R or rpy2 cannot be loaded.
    """
    from pyseg._rbridge import r_call

    value, _ = r_call("provenance.R", "r_component_versions")
    # character NA arrives as the string "NA"
    return {key: (None if not items or items[0] == "NA" else str(items[0]))
            for key, items in value.items()}


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, read in blocks."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def command_line(argv: Sequence[str]) -> str:
    """The command as a shell would need it typed again (``shlex.join``), program name first.

    ``python -m pyseg`` puts the path of ``__main__.py`` in ``argv[0]``; it is shown as
    ``pyseg`` so the line does not depend on where the package is installed.
    """
    import os
    import shlex

    words = list(argv)
    if words and os.path.basename(words[0]) in ("__main__.py", "pyseg"):
        words[0] = "pyseg"
    return shlex.join(words)


def timestamp() -> str:
    """Current UTC time in ISO 8601 with seconds, e.g. ``"2024-05-01T12:00:00Z"``."""
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def provenance(include_r: bool = True) -> dict[str, Any]:
    """Everything about the software that produced a result (no data, no clock).

    Keys: ``versions`` (:func:`versions`), and when R is used and loadable ``r_components``
    (:func:`r_components`) and ``r_session_info`` (:func:`r_session_info`); otherwise those two
    are ``None``.
    """
    from pyseg._errors import RUnavailableError

    record: dict[str, Any] = {
        "versions": versions(include_r=include_r),
        "r_components": None,
        "r_session_info": None,
    }
    if include_r:
        try:
            record["r_components"] = r_components()
            record["r_session_info"] = r_session_info()
        except RUnavailableError:
            pass
    return record
