"""Customers to classify with a saved model: a CSV of them, a grid, and the labelled output.

A customers file of any size is read in chunks of whole lines (:data:`CHUNK_BYTES` at a time), so
memory stays flat however long the file is. Each chunk takes one of two paths:

- the fast path, for the common file (ASCII, no quotes, one line end for all lines, every row as
  wide as the header, feature cells numbers in range): :func:`numpy.loadtxt` parses the feature
  cells in one call;
- otherwise, and whenever the fast path sees anything it does not accept (a bad cell, a value out
  of range), the chunk is read line by line with :mod:`csv` and every cell goes through the one
  number parser, which either accepts the chunk or names the first bad cell by file line (as an
  editor shows it: the header is row 1) and column.

Both paths accept exactly the same cells and give the same numbers (``tests/test_batch_predict.py``
checks them against each other). Every row is written back as it was read, followed by the new
columns, to a temporary file renamed into place at the end: a failure leaves nothing behind.
No pandas: the ``predict --model`` path only needs numpy.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

import numpy as np

from pyseg._course import COURSE_GRID, course_rules, is_income_header, is_score_header
from pyseg._data import count_line_ends, decoded, empty_file, header_fields, record_values
from pyseg._errors import InputError
from pyseg._io import atomic_file, open_input
from pyseg._model import ParityCounts, classify
from pyseg._numbers import within_rule
from pyseg.engines import REngine

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from pyseg._model import Classification, SegmentModel

#: Bytes read from a customers file at a time (a chunk always ends at a line end).
CHUNK_BYTES = 4 << 20
#: Largest ``--grid N``: N x N customers (9 million) take ~20 s and ~450 MB of CSV.
MAX_GRID = 3000
#: Rows of a grid classified at a time.
GRID_CHUNK_ROWS = 1 << 17
_LINE_END = re.compile(r"\r\n|\r|\n")
_NEW_COLUMNS = ("segment", "segment_name", "distance")
_R_COLUMNS = ("segment_r", "distance_r")


# -- reading a customers file -------------------------------------------------------------------

@dataclass(frozen=True)
class CustomerBatch:
    """Some consecutive customers of a file or grid.

    Attributes
    ----------
    rows : list of str
        Each row as read (for a grid: as written), without its line end.
    X : ndarray of shape (len(rows), n_features)
        The validated feature values.
    lines : ndarray of shape (len(rows),), dtype int64
        The file line of each row (header = line 1).
    """

    rows: list[str]
    X: NDArray[np.float64]
    lines: NDArray[np.int64]


@dataclass
class CustomerTable:
    """A customers file's header and, lazily, its rows in batches (read once, in order).

    Attributes
    ----------
    source : str
        The file as named by the user (for messages).
    header : str
        The header line as read, without its line end.
    delimiter, ending : str
        The field delimiter and the line end the output uses (the header's).
    bom : bool
        The file starts with a UTF-8 byte-order mark (written back too).
    batches : iterator of CustomerBatch
    check_range : bool, default=True
        Count customers outside the model's fitted range (not for a grid, which spans a fixed
        box by design).
    """

    source: str
    header: str
    delimiter: str
    ending: str
    bom: bool
    batches: Iterator[CustomerBatch] = field(repr=False)
    check_range: bool = True


@dataclass(frozen=True)
class _Layout:
    source: str
    names: list[str]
    delimiter: str
    columns: tuple[int, ...]
    rules: tuple[str, ...]

    @property
    def decimal_comma(self) -> bool:
        return self.delimiter != ","


def open_customers(path: str, model: SegmentModel) -> CustomerTable:
    """Open a customers CSV for :func:`score_customers`: its header is read and checked now, the
    rows as the batches are consumed.

    Raises
    ------
    InputError
        A missing or unreadable file, no header, missing feature columns; later, while iterating,
        a bad row (naming its file line and column) or no customers at all.
    """
    handle = open_input(path)  # closed by _read_batches
    try:
        header, bom, ending, line, offset, rest = _read_header(handle, path)
        layout = _layout(header, path, line, model)
    except BaseException:
        handle.close()
        raise
    batches = _read_batches(handle, rest, layout, line + 1, offset)
    return CustomerTable(path, header, layout.delimiter, ending or "\n", bom, batches)


def _read_header(handle: IO[bytes], path: str) -> tuple[str, bool, str, int, int, bytes]:
    """The first non-blank line (without a byte-order mark or line end), whether it had the
    mark, its line end, its file line, the byte offset after it, and the bytes read after it."""
    data, line, offset, eof = b"", 1, 0, False
    blank = b"\xef\xbb\xbf \t\r\n"
    while True:
        # A CR last in what was read may be half of a CRLF: read on before deciding.
        match = re.search(rb"\r\n|\r(?=[^\n])|\n", data)
        if match is None and not eof:
            more = handle.read(64 << 10)
            data, eof = data + more, not more
            continue
        end = match.end() if match else len(data)
        text, data = data[:end], data[end:]
        if text.strip(blank):
            bom = text.startswith(b"\xef\xbb\xbf")
            full = decoded(text[3:] if bom else text, path, line, offset + (3 if bom else 0))
            header = full.rstrip("\r\n")
            return header, bom, full[len(header):], line, offset + len(text), data
        if not data and eof:
            raise empty_file(path)
        line, offset = line + 1, offset + len(text)


def _layout(header: str, path: str, line: int, model: SegmentModel) -> _Layout:
    delimiter, names = header_fields(header, line, path)
    columns = _feature_columns(names, model)
    if columns is None:
        wanted = " and ".join(repr(name) for name in model.feature_names_)
        also = (" (or any annual-income and spending-score header, e.g. 'income' and 'score')"
                if model.is_course_schema else "")
        raise InputError(f"{path}: the header needs the columns {wanted}{also}, "
                         f"it has {', '.join(map(repr, names))}")
    return _Layout(path, names, delimiter, columns, course_rules(model.feature_names_))


def _feature_columns(header: list[str], model: SegmentModel) -> tuple[int, ...] | None:
    """Where the model's features are: by exact name, else (course model) by the course rule."""
    stripped = [cell.strip() for cell in header]
    if all(name in stripped for name in model.feature_names_):
        return tuple(stripped.index(name) for name in model.feature_names_)
    if model.is_course_schema:
        income = [i for i, name in enumerate(header) if is_income_header(name)]
        score = [i for i, name in enumerate(header) if is_score_header(name)]
        if len(income) == 1 and len(score) == 1:
            return income[0], score[0]
    return None


def _read_batches(handle: IO[bytes], pending: bytes, layout: _Layout, first_line: int,
                  offset: int) -> Iterator[CustomerBatch]:
    """Batches of whole lines; ``first_line`` and ``offset`` are the file line and byte offset
    of ``pending``'s first byte."""
    n_rows = 0
    with handle:
        while True:
            more = handle.read(CHUNK_BYTES)
            data = pending + more
            cut = len(data) if not more else _last_line_end(data)
            if cut < 0:
                pending = data
                continue
            chunk, pending = data[:cut], data[cut:]
            if chunk:
                batch = _fast_batch(chunk, layout, first_line)
                if batch is None:
                    batch = _checked_batch(chunk, layout, first_line, offset)
                n_rows += len(batch.rows)
                first_line += count_line_ends(chunk)
                offset += len(chunk)
                if batch.rows:
                    yield batch
            if not more:
                break
    if n_rows == 0:
        raise InputError(f"{layout.source}: no customers below the header")


def _last_line_end(data: bytes) -> int:
    """Just after the last complete line end of ``data`` (a CR last in ``data`` may be half of
    a CRLF, so it does not count), or -1."""
    newline = data.rfind(b"\n")
    if newline >= 0:
        return newline + 1
    carriage = data.rfind(b"\r", 0, len(data) - 1)
    return carriage + 1 if carriage >= 0 else -1


def _fast_batch(data: bytes, layout: _Layout, first_line: int) -> CustomerBatch | None:
    """The batch of a chunk on the module's fast path, or None when it needs the careful path
    (:func:`_checked_batch`)."""
    if b'"' in data or b"\0" in data or not data.isascii():
        return None
    carriages = data.count(b"\r")
    if carriages and carriages != data.count(b"\r\n"):
        return None
    lines = data.decode("ascii").split("\r\n" if carriages else "\n")
    kept = [index for index, line in enumerate(lines) if line]  # empty lines carry no customer
    rows = [lines[index] for index in kept]
    if not rows or any(row.count(layout.delimiter) != len(layout.names) - 1 for row in rows):
        return None
    text = "\n".join(rows)
    try:
        # loadtxt parses a number as float() does; of the texts it accepts that the number
        # grammar refuses (nan, inf, 1e999), none is finite, so within_rule declines them.
        X = np.loadtxt(io.StringIO(text.replace(",", ".") if layout.decimal_comma else text),
                       delimiter=layout.delimiter, usecols=layout.columns, dtype=np.float64,
                       comments=None, quotechar=None, ndmin=2)
    except ValueError:
        return None
    if not all(within_rule(X[:, i], rule).all() for i, rule in enumerate(layout.rules)):
        return None
    return CustomerBatch(rows, X.reshape(len(rows), len(layout.columns)),
                         first_line + np.asarray(kept, dtype=np.int64))


def _checked_batch(data: bytes, layout: _Layout, first_line: int, offset: int) -> CustomerBatch:
    """The batch of a chunk read line by line with :mod:`csv`, every cell through the number
    parser; raises :class:`~pyseg.InputError` naming the first bad row and column."""
    text = decoded(data, layout.source, first_line, offset)
    rows: list[str] = []
    values: list[list[float]] = []
    lines: list[int] = []
    for line, row in enumerate(_LINE_END.split(text), start=first_line):
        if row.strip():
            values.append(_checked_row(row, line, layout))
            rows.append(row)
            lines.append(line)
    X = np.asarray(values, dtype=np.float64).reshape(len(rows), len(layout.columns))
    return CustomerBatch(rows, X, np.asarray(lines, dtype=np.int64))


def _checked_row(row: str, line: int, layout: _Layout) -> list[float]:
    where = f"{layout.source}: row {line}"
    if row.count('"') % 2:
        raise InputError(f"{where}: unbalanced quote: a quoted field opened on this row is not "
                         f"closed on it; remove the stray '\"' or close it on row {line}")
    try:
        fields = next(csv.reader([row], delimiter=layout.delimiter, strict=True))
    except csv.Error as exc:
        raise InputError(f"{where}: cannot read the row: {exc}") from None
    return record_values(fields, line, layout.names, layout.columns, layout.rules, layout.source,
                         decimal_comma=layout.decimal_comma, exact=True)


# -- a grid of customers -------------------------------------------------------------------------

def grid_bounds(model: SegmentModel) -> tuple[tuple[float, float], ...]:
    """Income 0-150 x score 1-100 for the course model, else each feature's training range."""
    if len(model.feature_names_) != 2:
        raise InputError(f"--grid needs a model of two features, this one has "
                         f"{len(model.feature_names_)}")
    if model.is_course_schema:
        return COURSE_GRID
    return tuple((float(low), float(high)) for low, high in model.feature_ranges_)


def check_grid_size(n: int) -> None:
    """Refuse a grid too large to classify in reasonable time and disk (``n <= MAX_GRID``)."""
    if n > MAX_GRID:
        raise InputError(
            f"--grid {n} would classify {n * n:,} customers; the most is --grid {MAX_GRID} "
            f"({MAX_GRID * MAX_GRID:,}); to score more customers, put them in a CSV and use "
            f"--input"
        )


def grid_table(model: SegmentModel, n: int) -> CustomerTable:
    """The ``n`` x ``n`` grid as a :class:`CustomerTable` of rows ``income,score`` (``repr``),
    made batch by batch so that memory stays flat."""
    check_grid_size(n)
    axes = [np.linspace(low, high, n) for low, high in grid_bounds(model)]

    def batches() -> Iterator[CustomerBatch]:
        for begin in range(0, n * n, GRID_CHUNK_ROWS):
            index = np.arange(begin, min(begin + GRID_CHUNK_ROWS, n * n))
            X = np.column_stack([axes[0][index // n], axes[1][index % n]])
            rows = [f"{a!r},{b!r}" for a, b in X.tolist()]
            yield CustomerBatch(rows, X, index + 2)

    header = ",".join(_csv_cell(name, ",") for name in model.feature_names_)
    return CustomerTable("grid", header, ",", "\n", False, batches(), check_range=False)


def _csv_cell(cell: str, delimiter: str) -> str:
    if any(char in cell for char in (delimiter, '"', "\r", "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


# -- scoring and writing --------------------------------------------------------------------------

@dataclass
class BatchSummary(ParityCounts):
    """What :func:`score_customers` found, for the summary line and ``--json``; the parity
    counts of :class:`~pyseg._model.ParityCounts` (``first_disagreement``: the file line, for a
    grid the output line, of the first customer the languages disagree on).

    Attributes
    ----------
    n_customers : int
    counts : ndarray of shape (n_clusters,)
        Customers per segment (Python's segments; R's with ``engine="r"``).
    n_outside : int
        Customers outside the range the model was fitted on.
    first_outside : int or None
        File line of the first of them.
    """

    n_customers: int
    counts: NDArray[np.int64]
    n_agree: int | None = None
    first_disagreement: int | None = None
    max_distance_difference: float = 0.0
    n_outside: int = 0
    first_outside: int | None = None

    def add(self, batch: CustomerBatch, run: Classification, outside: NDArray[np.bool_]) -> None:
        self.n_customers += len(batch.rows)
        self.counts += np.bincount(run.primary.index, minlength=len(self.counts))
        if run.n_agree is not None:
            self.n_agree = (self.n_agree or 0) + run.n_agree
            self.max_distance_difference = max(self.max_distance_difference,
                                               run.max_distance_difference)
            if self.first_disagreement is None and run.first_disagreement is not None:
                self.first_disagreement = int(batch.lines[run.first_disagreement])
        if outside.any():
            if self.first_outside is None:
                self.first_outside = int(batch.lines[int(np.argmax(outside))])
            self.n_outside += int(np.count_nonzero(outside))


def score_customers(model: SegmentModel, table: CustomerTable, engine: str = "python",
                    output: str | None = None, write: bool = True) -> BatchSummary:
    """Classify every customer of ``table`` batch by batch and write the labelled rows.

    Parameters
    ----------
    model : SegmentModel
    table : CustomerTable
        From :func:`open_customers` or :func:`grid_table`.
    engine : {"python", "r", "both"}
        Who computes the nearest centers (see :func:`pyseg._model.classify`).
    output : str or None
        The labelled CSV: every row as read plus ``segment``, ``segment_name``, ``distance``
        (and ``segment_r``, ``distance_r`` with ``engine="both"``). None or ``-``: stdout, once
        every row has been read and classified.
    write : bool, default=True
        False: only classify and count (``predict --json`` without ``--output``).

    Returns
    -------
    BatchSummary
    """
    summary = BatchSummary(0, np.zeros(len(model.segments_), dtype=np.int64))
    with _labelled_output(output, write) as stream:
        if stream is not None:
            stream.write(_header_bytes(table, engine))
        r_engine = REngine() if engine in ("r", "both") else None  # one R engine for every batch
        for batch in table.batches:
            run = classify(model, batch.X, engine, r_engine)
            outside = (model.outside_range(batch.X) if table.check_range
                       else np.zeros(len(batch.rows), dtype=bool))
            summary.add(batch, run, outside)
            if stream is not None:
                stream.write(_labelled_bytes(model, table, batch, run))
    return summary


def _header_bytes(table: CustomerTable, engine: str) -> bytes:
    extra = _NEW_COLUMNS + (_R_COLUMNS if engine == "both" else ())
    text = table.header + table.delimiter + table.delimiter.join(extra) + table.ending
    return (b"\xef\xbb\xbf" if table.bom else b"") + text.encode("utf-8")


def _labelled_bytes(model: SegmentModel, table: CustomerTable, batch: CustomerBatch,
                    run: Classification) -> bytes:
    d, ending = table.delimiter, table.ending
    labels = [f"{d}{i}{d}{_csv_cell(s.name, d)}{d}" for i, s in enumerate(model.segments_)]
    prefix = [labels[i] for i in run.primary.index.tolist()]
    distance = map(repr, run.primary.distance.tolist())
    if run.r is None:
        lines = [f"{row}{p}{dist}{ending}"
                 for row, p, dist in zip(batch.rows, prefix, distance, strict=True)]
    else:
        r_index, r_distance = run.r.index.tolist(), map(repr, run.r.distance.tolist())
        lines = [f"{row}{p}{dist}{d}{ri}{d}{rd}{ending}" for row, p, dist, ri, rd in
                 zip(batch.rows, prefix, distance, r_index, r_distance, strict=True)]
    return "".join(lines).encode("utf-8")


@contextlib.contextmanager
def _labelled_output(path: str | None, write: bool) -> Iterator[IO[bytes] | None]:
    """Where the labelled rows go (``output`` of :func:`score_customers`): an
    :func:`pyseg._io.atomic_file`, or a temporary file copied to stdout once all went well."""
    if not write:
        yield None
        return
    if not path or path == "-":
        with tempfile.TemporaryFile() as spool:
            yield spool
            spool.seek(0)
            sys.stdout.flush()
            shutil.copyfileobj(spool, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        return
    with atomic_file(path) as stream:
        yield stream
