"""Shared fixtures.

The course data set is never part of this repository: tests read it from ``$PYSEG_COURSE_DATA`` or
from ``../shared/data/Mall_Customers.csv`` beside the checkout.

Tests marked ``r`` need R and rpy2. On a developer machine without R they are skipped with the
fix; under CI (the ``CI`` environment variable is set) they fail instead, so the parity tests can
never be skipped there.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]
COURSE_DATA_DEFAULT = REPO.parent / "shared" / "data" / "Mall_Customers.csv"
IN_CI = bool(os.environ.get("CI"))


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI must run every test; see .ci/setup)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def course_csv() -> Path:
    """Path of the real course data set (200 rows)."""
    candidates = [Path(p) for p in [os.environ.get("PYSEG_COURSE_DATA")] if p]
    candidates.append(COURSE_DATA_DEFAULT)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    _missing(
        "course data not found: set PYSEG_COURSE_DATA or put Mall_Customers.csv at "
        f"{COURSE_DATA_DEFAULT}"
    )
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def r_ready() -> None:
    """Load R through rpy2 once; skip (fail in CI) with the fix when it cannot be loaded."""
    from pyseg._errors import RUnavailableError
    from pyseg.engines import REngine

    try:
        REngine().check_ready()
    except RUnavailableError as exc:
        _missing(str(exc))


@pytest.fixture(scope="session")
def rscript() -> str:
    """Path of the Rscript executable, for running the reference R scripts directly."""
    found = shutil.which("Rscript")
    if found is None:
        _missing("Rscript not found: run `sudo apt-get install -y r-base-core`")
    return str(found)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("r") is not None and "r_ready" not in item.fixturenames:
            item.fixturenames.append("r_ready")
