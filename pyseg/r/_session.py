"""The R session's own facts, whichever method ran: R's version, ``sessionInfo()`` and the
versions of R's components, the installed versions of R packages, and the SHA-256 of pyseg's R
code (recorded results are pinned to it)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np

import pyseg.r._bridge as _rbridge

_PROVENANCE = "provenance.R"


def version() -> str | None:
    """``R.version.string``, e.g. ``"R version 4.2.2 (2022-10-31)"``."""
    return _rbridge.r_version()


def provenance() -> dict[str, Any]:
    """``r_components`` (versions of R, cluster, BLAS, LAPACK) and ``r_session_info``
    (``sessionInfo()`` as printed, without the locale block)."""
    lines, _ = _rbridge.r_call(_PROVENANCE, "session_info_lines")
    value, _ = _rbridge.r_call(_PROVENANCE, "r_component_versions")
    return {"r_components": _versions(value),
            "r_session_info": [str(line).rstrip() for line in lines]}


def package_versions(packages: Sequence[str]) -> dict[str, str | None]:
    """The installed version of each named R package (None where it is not installed)."""
    value, _ = _rbridge.r_call(_PROVENANCE, "r_package_versions",
                               np.asarray([str(name) for name in packages], dtype=str))
    return _versions(value)


def r_code_sha256(names: Sequence[str]) -> dict[str, str]:
    """SHA-256 of each named file of pyseg's R code."""
    folder = _rbridge.r_reference_dir()
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in names}


def _versions(value: dict[str, Any]) -> dict[str, str | None]:
    # character NA arrives as the string "NA"
    return {str(key): (None if not items or items[0] == "NA" else str(items[0]))
            for key, items in value.items()}
