"""Customers to classify with a saved model: a CSV of them, a grid, and the labelled output.

The CSV is read with the standard library's :mod:`csv` (no pandas on the ``predict --model``
path, which must start fast); each cell goes through the one number parser and the course's
range rules, and a bad one is named by file row and column.
"""

from __future__ import annotations

import csv
import io
import sys
from typing import TYPE_CHECKING

import numpy as np

from pyseg._course import COURSE_GRID, FEATURE_ALIASES
from pyseg._errors import InputError
from pyseg._io import write_atomic
from pyseg._numbers import parse_number, value_problem

if TYPE_CHECKING:
    from collections.abc import Iterator

    from numpy.typing import NDArray

    from pyseg._model import Predictions, SegmentModel


def grid_points(model: SegmentModel, n: int) -> NDArray[np.float64]:
    """An ``n`` x ``n`` grid of customers, shape (n * n, 2): income-major, then score.

    For the course model income runs over 0-150 and the score over 1-100; for other models each
    feature spans its range in the training data.
    """
    if len(model.feature_names_) != 2:
        raise InputError(f"--grid needs a model of two features, this one has "
                         f"{len(model.feature_names_)}")
    bounds = COURSE_GRID if model.is_course_schema else tuple(map(tuple, model.feature_ranges_))
    axes = [np.linspace(low, high, n) for low, high in bounds]
    first, second = np.meshgrid(*axes, indexing="ij")
    return np.column_stack([first.ravel(), second.ravel()])


def read_customers_csv(
    path: str, model: SegmentModel
) -> tuple[list[str], list[list[str]], NDArray[np.float64]]:
    """Read customers from a CSV with the standard library (no pandas on the --model path).

    Returns
    -------
    header : list of str
    rows : list of list of str
        The file's rows as read, to be written back with the segment appended.
    X : ndarray of shape (n_rows, n_features)
        The validated feature values.

    Raises
    ------
    InputError
        Missing file or columns, no rows, or a bad value (naming the row and column).
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            table = list(csv.reader(handle))
    except FileNotFoundError:
        raise InputError(f"input file {path} does not exist") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read input file {path}: {exc}") from None
    if not table:
        raise InputError(f"{path}: the file is empty; it needs a header row")
    header, rows = table[0], table[1:]
    names = list(model.feature_names_)
    columns = _feature_columns(header, names, model.is_course_schema)
    if columns is None:
        wanted = " and ".join(repr(name) for name in names)
        aliases = " (or 'income' and 'score')" if model.is_course_schema else ""
        raise InputError(f"{path}: the header needs the columns {wanted}{aliases}, "
                         f"it has {', '.join(map(repr, header))}")
    kept: list[list[str]] = []
    values: list[list[float]] = []
    for number, row in enumerate(rows, start=1):
        if not any(cell.strip() for cell in row):
            continue  # blank lines (e.g. at the end of a hand-written file)
        where = f"{path}, row {number}"
        if len(row) <= max(columns):
            raise InputError(f"{where}: {len(row)} fields, the header has {len(header)}")
        rules = ("income", "score") if model.is_course_schema else ("",) * len(columns)
        parsed = []
        for column, rule in zip(columns, rules, strict=True):
            problem = value_problem(row[column], rule)
            if problem is not None:
                raise InputError(f"{where}, column {header[column]!r}: {problem}")
            parsed.append(parse_number(row[column]))
        kept.append(row)
        values.append(parsed)
    if not kept:
        raise InputError(f"{path}: no customers below the header")
    return header, kept, np.asarray(values, dtype=np.float64)


def _feature_columns(header: list[str], names: list[str], course: bool) -> list[int] | None:
    stripped = [cell.strip() for cell in header]
    if all(name in stripped for name in names):
        return [stripped.index(name) for name in names]
    lowered = [cell.lower() for cell in stripped]
    if course and all(alias in lowered for alias in FEATURE_ALIASES):
        return [lowered.index(alias) for alias in FEATURE_ALIASES]
    return None


def labelled_rows(
    header: list[str], rows: list[list[str]], primary: Predictions, r: Predictions | None = None
) -> Iterator[list[str]]:
    """The rows as read, each with its segment, segment name and distance appended (and R's
    segment and distance when ``r`` is given); the header first."""
    extra = ["segment", "segment_name", "distance"]
    if r is not None:
        extra += ["segment_r", "distance_r"]
    yield [*header, *extra]
    for row_number, row in enumerate(rows):
        values = [
            str(int(primary.index[row_number])),
            primary.name[row_number],
            repr(float(primary.distance[row_number])),
        ]
        if r is not None:
            values += [str(int(r.index[row_number])), repr(float(r.distance[row_number]))]
        yield [*row, *values]


def write_labelled_csv(path: str | None, lines: Iterator[list[str]]) -> None:
    """Write :func:`labelled_rows` to ``path`` atomically, or to stdout (``None`` or ``-``)."""
    if not path or path == "-":
        csv.writer(sys.stdout, lineterminator="\n").writerows(lines)
        return
    # Rows are built in memory first, so a failure half-way leaves no partial file.
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(lines)
    write_atomic(buffer.getvalue().encode("utf-8"), path)
