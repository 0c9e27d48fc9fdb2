"""Shared fixtures and helpers; every test module gets what it shares with others from here.

Quick local loop: ``.venv/bin/python -m pytest -m "not slow"`` leaves out the tests that take
more than ~3 s each; the README's ``python -m pytest`` (and CI) runs everything, slow included.

Data. Tests whose expectations are facts of the course data set (its centers, WCSS 44448.455,
the segment names at the course's positions, R's local optimum at k = 5) use ``course_csv`` /
``course_dataset`` / ``course_model``. The course file is never part of this repository: it is
read from ``$PYSEG_COURSE_DATA`` or from ``../shared/data/Mall_Customers.csv`` beside the
checkout. Every other test uses the committed generated stand-in ``data/mall_like_200.csv``
(``pyseg synth --n 200 --seed 0``) through ``mall_like_csv`` / ``mall_like_dataset`` /
``mall_like_model``, so it runs without the course file.

Missing tools. Tests marked ``r`` need R and rpy2. On a developer machine without R (or without
the course file, Rscript, Chromium, Jupyter) they are skipped with the fix; under CI (the ``CI``
environment variable is set) they fail instead, so they can never be skipped there.

Helpers, as fixtures (test modules never import from each other or from this file):

- ``repo``: the repository root.
- ``run_cli(capsys, *args) -> (code, out, err)``: ``pyseg.cli.main`` in this process.
- ``run_pyseg(*args, env=None, cwd=repo, timeout=300, text=True)``: ``python -m pyseg ARGS`` in
  a subprocess, in this environment without its ``PYSEG_*`` variables plus ``env``.
- ``pyseg_env(**changes)``: that environment, for processes a test starts itself.
- ``missing_dependency(reason)``: skip, or fail under CI.
- ``bad_inputs_dir`` / ``bad_input_messages``, and the parameter ``bad_input``: the corpus of
  bad data files in ``tests/bad_inputs/`` and the message each must give (a test that takes
  ``bad_input`` runs once per corpus file).
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]
COURSE_DATA_DEFAULT = REPO.parent / "shared" / "data" / "Mall_Customers.csv"
MALL_LIKE_CSV = REPO / "data" / "mall_like_200.csv"
BAD_INPUTS_DIR = REPO / "tests" / "bad_inputs"
IN_CI = bool(os.environ.get("CI"))

INCOME = "'Annual Income (k$)'"
SCORE = "'Spending Score (1-100)'"

#: tests/bad_inputs/ file -> fragments its one-line message must contain (besides the file name).
BAD_INPUT_MESSAGES: dict[str, tuple[str, ...]] = {
    "empty.csv": ("the file is empty", "header line"),
    "whitespace_only.csv": ("the file is empty",),
    "header_only.csv": ("has a header line but no data rows",),
    "missing_score_column.csv": (
        "no spending-score column among",
        "'CustomerID', 'Genre', 'Age', 'Annual Income (k$)'",
        "--columns NAME,NAME",
    ),
    "blank_cell.csv": (f"row 4, column {INCOME}: '' is not a number (the value is empty)",),
    "non_numeric.csv": (f"row 7, column {INCOME}: 'abc' is not a number",),
    "negative_income.csv": (f"row 5, column {INCOME}: '-83' is negative", ">= 0"),
    "score_above_100.csv": (f"row 6, column {SCORE}: '112' is outside 1..100",),
    "score_zero.csv": (f"row 3, column {SCORE}: '0' is outside 1..100",),
    "infinite.csv": (f"row 8, column {INCOME}: 'inf' is not a finite number",),
    "nan.csv": (f"row 9, column {SCORE}: 'nan' is not a number", "missing values"),
    "na_marker.csv": (f"row 2, column {INCOME}: 'NA' is not a number",),
    "huge_value.csv": (f"row 4, column {INCOME}: '1e308' is too large", "1e+100", "overflow"),
    "broken_quote.csv": ("row 5: unbalanced quote", "close it on row 5"),
    "too_many_fields.csv": ("row 6 has 6 fields but the header has 5",),
    "duplicate_header.csv": ("row 1: column name 'Age' appears twice (columns 2 and 3)",),
    "headerless.csv": ("no annual-income and spending-score column", "needs a header line"),
    "ambiguous_income.csv": (
        "several annual-income columns ('annual_income', 'Annual Income (k$)')",
        "--columns",
    ),
    "semicolon_bad_cell.csv": (f"row 3, column {INCOME}: '4x' is not a number",),
    "boolean_cell.csv": (f"row 3, column {INCOME}: 'True' is not a number",),
    "latin1.csv": ("row 3: not UTF-8 text (byte 0xe2 at byte offset", "save the file as UTF-8"),
    "binary_garbage.csv": ("row 1: not a text CSV file (NUL byte at byte offset 5)",),
}


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI must run every test; see .ci/setup)", pytrace=False)
    pytest.skip(reason)


# --- helpers ---------------------------------------------------------------------------------


def pyseg_env(**changes: str | None) -> dict[str, str]:
    """This process's environment without ``PYSEG_*`` variables, with ``changes`` applied
    (a value of None removes the variable)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYSEG_")}
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_pyseg(
    *args: str,
    env: dict[str, str | None] | None = None,
    cwd: Path | str = REPO,
    timeout: float = 300,
    text: bool = True,
) -> subprocess.CompletedProcess:
    """``python -m pyseg ARGS`` in a subprocess; stdout and stderr are captured, never checked.

    The child gets this environment without its ``PYSEG_*`` variables, changed by ``env`` (see
    :func:`pyseg_env`). ``text=False`` keeps stdout and stderr as bytes, for byte-identity checks.
    """
    return subprocess.run(
        [sys.executable, "-m", "pyseg", *args],
        capture_output=True,
        text=text,
        env=pyseg_env(**(env or {})),
        cwd=cwd,
        timeout=timeout,
        check=False,
    )


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``pyseg ARGS`` through :func:`pyseg.cli.main` in this process: (exit code, out, err)."""
    from pyseg.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def read_features(path: Path) -> np.ndarray:
    """The course feature matrix of a CSV read with the csv module, independently of pyseg."""
    from pyseg._segments import COURSE_FEATURES

    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    return np.array([[float(r[name]) for name in COURSE_FEATURES] for r in rows])


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(name="run_pyseg", scope="session")
def _run_pyseg() -> Callable[..., subprocess.CompletedProcess]:
    return run_pyseg


@pytest.fixture(name="run_cli", scope="session")
def _run_cli() -> Callable[..., tuple[int, str, str]]:
    return run_cli


@pytest.fixture(name="pyseg_env", scope="session")
def _pyseg_env() -> Callable[..., dict[str, str]]:
    return pyseg_env


@pytest.fixture(scope="session")
def missing_dependency() -> Callable[[str], None]:
    """``missing_dependency(reason)``: skip the test, or fail it under CI."""
    return _missing


# --- data --------------------------------------------------------------------------------------


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
def course_dataset(course_csv: Path):
    """``load_dataset`` of the course file."""
    from pyseg._data import load_dataset

    return load_dataset(course_csv)


@pytest.fixture(scope="session")
def course_X(course_csv: Path) -> np.ndarray:
    """The course features read with the csv module, not with pyseg."""
    return read_features(course_csv)


@pytest.fixture(scope="session")
def course_model(course_X: np.ndarray):
    """``SegmentModel().fit`` on the course features."""
    from pyseg._model import SegmentModel

    return SegmentModel().fit(course_X)


@pytest.fixture(scope="session")
def mall_like_csv() -> Path:
    """The committed generated stand-in for the course file, ``data/mall_like_200.csv``."""
    return MALL_LIKE_CSV


@pytest.fixture(scope="session")
def mall_like_dataset(mall_like_csv: Path):
    """``load_dataset`` of ``data/mall_like_200.csv``."""
    from pyseg._data import load_dataset

    return load_dataset(mall_like_csv)


@pytest.fixture(scope="session")
def mall_like_X(mall_like_csv: Path) -> np.ndarray:
    """The features of ``data/mall_like_200.csv`` read with the csv module, not with pyseg."""
    return read_features(mall_like_csv)


@pytest.fixture(scope="session")
def mall_like_model(mall_like_X: np.ndarray):
    """``SegmentModel().fit`` on the features of ``data/mall_like_200.csv``."""
    from pyseg._model import SegmentModel

    return SegmentModel().fit(mall_like_X)


@pytest.fixture(scope="session")
def bad_inputs_dir() -> Path:
    """``tests/bad_inputs/``: bad data files a learner might hand to pyseg."""
    return BAD_INPUTS_DIR


@pytest.fixture(scope="session")
def bad_input_messages() -> dict[str, tuple[str, ...]]:
    """Corpus file name -> fragments its one-line message must contain."""
    return BAD_INPUT_MESSAGES


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # A test taking ``bad_input`` runs once per corpus file (the parameter is the file name).
    if "bad_input" in metafunc.fixturenames:
        metafunc.parametrize("bad_input", sorted(BAD_INPUT_MESSAGES))


# --- R -------------------------------------------------------------------------------------------


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


@contextmanager
def _serving(model) -> Iterator[str]:
    """The web form of ``model`` on a free loopback port, in a thread; yields its URL."""
    import threading

    from werkzeug.serving import make_server

    from pyseg._web import create_app

    server = make_server("127.0.0.1", 0, create_app(model), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def serving():
    """``serving(model)``: a context manager serving ``model``'s web page, yielding its URL
    (the browser tests of the form and of "Check my answer")."""
    return _serving
