"""Loading the course CSV, learners' variants of it, and any numeric CSV: the one validator of
data files. Every command and method reads its data here (:func:`load_dataset`, or
:func:`pyseg._features.load_features` through :func:`parse_data`), so a file is refused with the
same line whichever method runs.

:func:`load_dataset` reads a file in one pass with pandas (a million rows in well under a second)
and checks the feature columns with vectorised tests. Only when something is wrong does a second,
pure-Python pass with :mod:`csv` walk the file to find the first bad cell, so that the error can
name the file line, the column and the offending text. Every problem becomes one
:class:`~pyseg.InputError` line such as::

    Mall.csv: row 7, column 'Annual Income (k$)': 'abc' is not a number

Rules, where the course exercise does not settle them:

- Income and score columns are recognised by header, in the spellings
  :func:`~pyseg._course.is_income_header` and :func:`~pyseg._course.is_score_header` list.
- A semicolon- (or tab-) delimited export is read as such when its header line has no comma; in
  such a file ``15,5`` is read as the number 15.5, as a European spreadsheet meant it.
- Values must be finite and within :data:`MAX_ABS_VALUE` in size. In the course schema income must
  be >= 0 and the spending score within 1..100 (also when ``columns=`` picks just those two); for
  other columns only the finiteness and size rules apply.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._course import (
    COURSE_HEADER,
    GENERATED_ROWS,
    GENERATED_SEED,
    ID_HEADERS,
    SHORT_NAMES,
    course_rules,
    header_matches,
    is_income_header,
    is_score_header,
    normalise_header,
)
from pyseg._errors import InputError
from pyseg._io import read_input
from pyseg._numbers import CUSTOMER_FIELDS, NUMBER, cluster_count, parse_number, within_rule
from pyseg._synth import mall_like_csv_bytes

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

#: The course file's header: ``CustomerID,Genre,Age,Annual Income (k$),Spending Score (1-100)``.
COURSE_COLUMNS: tuple[str, ...] = COURSE_HEADER
#: Environment variable naming the default data file.
DATA_ENV = "PYSEG_DATA"
#: Looked for in the current directory when neither a path nor ``$PYSEG_DATA`` is given.
DEFAULT_DATA_PATH = Path("data") / "Mall_Customers.csv"

_BOM = b"\xef\xbb\xbf"
_COUNT_CHUNK = 4 << 20
_LINE_END = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True, eq=False)
class Dataset:
    """A loaded data set: the feature matrix and where it came from.

    Attributes
    ----------
    X : ndarray of shape (n_rows, n_features), dtype float64
        The feature columns, C-contiguous, in the order of ``feature_names``.
    feature_names : tuple of str
        Header names of the feature columns, as written in the file.
    path : Path or None
        The file read, or None for generated data.
    source : str
        For display and error messages: the path as given, or a description of generated data.
    sha256 : str
        Hex SHA-256 of the file bytes (generated data: of the CSV ``pyseg synth`` would write).
    frame : pandas.DataFrame or None
        The whole table; feature columns are numeric, id-like columns (``CustomerID``) text.
        None when only the features were kept (a data set read by ``compare``'s R worker
        process, which spares the parent process from importing pandas).
    notice : str or None
        One line to show the user, e.g. that generated data stands in for the course file.
    is_course_schema : bool
        True when the features are the income and spending-score columns, in that order.
    """

    X: NDArray[np.float64]
    feature_names: tuple[str, ...]
    path: Path | None
    source: str
    sha256: str
    frame: pd.DataFrame | None
    notice: str | None = None
    is_course_schema: bool = False

    @property
    def n_rows(self) -> int:
        return int(self.X.shape[0])

    @property
    def table(self) -> pd.DataFrame:
        """``frame``, for the steps that need the whole table (PAM's mixed columns, the z check,
        the segments' profiles); the features-only data set of the R worker never reaches them."""
        if self.frame is None:
            raise ValueError(f"{self.source}: this data set kept only its features")
        return self.frame

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])


def resolve_data_path(path: str | os.PathLike[str] | None = None) -> tuple[Path | None, str | None]:
    """Which file :func:`load_dataset` reads when given ``path``.

    Parameters
    ----------
    path : path-like or None, default=None
        An explicit file wins. Otherwise ``$PYSEG_DATA`` if set and non-empty, else
        ``data/Mall_Customers.csv`` in the current directory if it exists.

    Returns
    -------
    (Path or None, str or None)
        The file to read (None: generate data) and a one-line notice for the user (only for
        generated data).
    """
    if path is not None:
        return Path(path), None
    from_env = os.environ.get(DATA_ENV, "")
    if from_env:
        return Path(from_env), None
    if DEFAULT_DATA_PATH.is_file():
        return DEFAULT_DATA_PATH, None
    notice = (
        f"no data file given: using {GENERATED_ROWS} generated mall-like customers "
        f"(seed {GENERATED_SEED}); for the course data pass --data PATH or set "
        f"{DATA_ENV}=PATH to Mall_Customers.csv"
    )
    return None, notice


def load_dataset(
    path: str | os.PathLike[str] | None = None,
    columns: str | Sequence[str] | None = None,
    *,
    keep_table: bool = True,
) -> Dataset:
    """Read a customers CSV (or generate one) and pick the feature columns.

    Parameters
    ----------
    path : path-like or None, default=None
        The CSV file. None: see :func:`resolve_data_path` (``$PYSEG_DATA``,
        ``data/Mall_Customers.csv``, else 200 generated rows).
    columns : str or sequence of str or None, default=None
        Feature columns by header name, as ``"A,B"`` or ``["A", "B"]``; any numeric columns of any
        CSV. None: the annual-income and spending-score columns, recognised by normalised header.
    keep_table : bool, default=True
        Keep the whole table as ``frame``. False parses only the feature columns and leaves
        ``frame`` None: a million-row course file then takes ~60 MB instead of ~175 MB, since the
        id and gender columns are never turned into Python strings. The checks and messages are
        the same.

    Returns
    -------
    Dataset

    Raises
    ------
    InputError
        Missing/unreadable/non-text file, no data, missing or duplicate columns, or a bad cell;
        the one-line message names the file and, where it applies, the row and column.
    """
    resolved, data, source, notice = read_data(path)
    return parse_data(
        data, source=source, path=resolved, columns=columns, notice=notice, keep_table=keep_table
    )


def read_data(path: str | os.PathLike[str] | None) -> tuple[Path | None, bytes, str, str | None]:
    """The bytes :func:`load_dataset` parses: (file or None, bytes, source, notice).

    The file :func:`resolve_data_path` picks, or the generated mall-like data (with its notice);
    an unreadable file is a one-line :class:`InputError` (naming ``$PYSEG_DATA`` if it came from
    there).
    """
    resolved, notice = resolve_data_path(path)
    if resolved is None:
        data = mall_like_csv_bytes(GENERATED_ROWS, GENERATED_SEED)
        source = f"generated mall-like data ({GENERATED_ROWS} rows, seed {GENERATED_SEED})"
        return None, data, source, notice
    source = str(resolved)
    from_env = path is None and os.environ.get(DATA_ENV, "") == str(resolved)
    data = read_input(resolved, source, hint=f" (set by {DATA_ENV})" if from_env else "")
    return resolved, data, source, notice


def count_line_ends(data: bytes, stop: int | None = None) -> int:
    """Line ends in ``data[:stop]``: LF, CRLF or (old Mac) a bare CR."""
    return data.count(b"\n", 0, stop) + data.count(b"\r", 0, stop) - data.count(b"\r\n", 0, stop)


def check_text(data: bytes, source: str) -> int:
    """Check ``data`` is non-empty UTF-8 text; return where the text starts (after a BOM)."""
    start = len(_BOM) if data.startswith(_BOM) else 0
    if not data[start:].strip():
        raise empty_file(source)
    if not data.isascii() or b"\0" in data:
        decoded(data, source)
    return start


def empty_file(source: str) -> InputError:
    return InputError(f"{source}: the file is empty; expected a CSV with a header line such as "
                      f"{','.join(COURSE_COLUMNS)!r}")


def decoded(data: bytes, source: str, first_line: int = 1, offset: int = 0) -> str:
    """``data`` (which starts at file line ``first_line``, byte ``offset``) as text, or a
    one-line :class:`InputError` naming the row and byte of a NUL byte or of bad UTF-8."""
    nul = data.find(b"\0")
    if nul >= 0:
        raise InputError(
            f"{source}: row {first_line + count_line_ends(data, nul)}: not a text CSV file (NUL "
            f"byte at byte offset {offset + nul}); if it is a spreadsheet, export it as CSV first"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}: row {first_line + count_line_ends(data, exc.start)}: not UTF-8 text (byte "
            f"0x{data[exc.start]:02x} at byte offset {offset + exc.start}); save the file as "
            "UTF-8 (e.g. 'CSV UTF-8' in Excel)"
        ) from None


def _header_line(data: bytes, start: int) -> tuple[str, int, int]:
    """The first non-blank line: (text, 1-based row, byte offset just after it)."""
    while True:
        end = _LINE_END.search(data, start)
        stop, after = (end.start(), end.end()) if end else (len(data), len(data))
        line = data[start:stop]
        if line.strip():
            return line.decode("utf-8"), count_line_ends(data, start) + 1, after
        start = after


def csv_delimiter(header: str) -> str:
    if "," not in header:
        for candidate in (";", "\t"):
            if candidate in header:
                return candidate
    return ","


def _quoted_list(names: Sequence[str]) -> str:
    return ", ".join(repr(name) for name in names)


def _course_columns(names: Sequence[str], source: str) -> tuple[int, int]:
    """The annual-income and the spending-score column, recognised by header."""
    found = {"annual-income": [i for i, name in enumerate(names) if is_income_header(name)],
             "spending-score": [i for i, name in enumerate(names)
                                if is_score_header(name) and not is_income_header(name)]}
    for label, indices in found.items():
        if len(indices) > 1:
            raise InputError(f"{source}: several {label} columns ("
                             f"{_quoted_list([names[i] for i in indices])}); choose the feature "
                             "columns with --columns NAME,NAME")
    missing = " and ".join(label for label, indices in found.items() if not indices)
    if missing:
        hint = (" (the first line looks like data: the file needs a header line)"
                if all(NUMBER.fullmatch(name.strip()) for name in names) else "")
        raise InputError(f"{source}: no {missing} column among {_quoted_list(names)}{hint}; "
                         "choose the feature columns with --columns NAME,NAME")
    return found["annual-income"][0], found["spending-score"][0]


def resolve_columns(columns: str | Sequence[str], names: Sequence[str], source: str
                    ) -> tuple[int, ...]:
    """The header positions ``columns`` (``"A,B"`` or a list) name, each by the loosest rule of
    :func:`~pyseg._course.header_matches` that finds it; no name, an unknown or ambiguous name,
    or a column named twice is a one-line :class:`InputError`."""
    requested = columns.split(",") if isinstance(columns, str) else [str(c) for c in columns]
    requested = [name.strip() for name in requested]
    if not requested or not all(requested):
        raise InputError(
            f"--columns {columns!r}: give one or more column names separated by commas"
        )
    indices = tuple(find_column(name, names, source, " (from --columns)") for name in requested)
    twice = sorted({names[i] for i in indices if indices.count(i) > 1})
    if twice:
        raise InputError(f"--columns {columns!r}: {_quoted_list(twice)} given twice")
    return indices


def find_column(name: str, names: Sequence[str], source: str, origin: str = "") -> int:
    """The position of the one column ``name`` means (``origin`` says where it was asked for)."""
    for matches in header_matches(name, names):
        if len(matches) > 1:
            raise InputError(f"{source}: {name!r} matches several columns "
                             f"({_quoted_list([names[i] for i in matches])}); give the header "
                             "name")
        if matches:
            return matches[0]
    raise InputError(
        f"{source}: no column {name!r}{origin}; the columns are {_quoted_list(names)} "
        f"(short names: {', '.join(SHORT_NAMES)})"
    )


def header_fields(header: str, row: int, source: str) -> tuple[str, list[str]]:
    """The delimiter and the column names of the header line (file line ``row``); an unreadable
    header or a name given twice is one :class:`InputError` line."""
    delimiter = csv_delimiter(header)
    if header.count('"') % 2:
        raise InputError(
            f"{source}: row {row}: unbalanced quote in the header line; remove the stray "
            f"'\"' or close it"
        )
    try:
        names = next(csv.reader([header], delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(f"{source}: row {row}: cannot read the header line: {exc}") from None
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if not name.strip():
            continue  # Excel's trailing comma: pandas names it "Unnamed: i" and nobody uses it.
        if name in seen:
            raise InputError(
                f"{source}: row {row}: column name {name!r} appears twice (columns "
                f"{seen[name]} and {position}); column names must be unique"
            )
        seen[name] = position
    return delimiter, names


def record_values(
    fields: Sequence[str], row: int, names: Sequence[str], columns: Sequence[int],
    rules: Sequence[str], source: str, *, decimal_comma: bool, exact: bool = False,
) -> list[float]:
    """The feature values of one record (file line ``row``) through the one number parser.

    A record wider than the header (``exact``: of any other width), without a feature's field
    or with a bad feature value is one :class:`InputError` line naming the row and column.
    """
    where = f"{source}: row {row}"
    if len(fields) > len(names) or (exact and len(fields) != len(names)):
        raise InputError(f"{where} has {len(fields)} fields but the header has {len(names)}")
    values = []
    for index, rule in zip(columns, rules, strict=True):
        if index >= len(fields):
            raise InputError(f"{where} has {len(fields)} fields, so column {names[index]!r} "
                             f"(field {index + 1}) is missing")
        values.append(parse_number(fields[index], f"{where}, column {names[index]!r}: ", rule,
                                   decimal_comma=decimal_comma))
    return values


def _no_line_wider_than(data: bytes, body_start: int, delimiter: str, names: list[str]) -> bool:
    """True when no line after the header can hold more fields than ``names``.

    Counted on the raw bytes, 4 MiB at a time so that the count costs little memory (about
    0.05 s for a million rows); a file with quotes (where a delimiter may sit inside a field) or
    bare-CR line ends (one long "line" here) answers False.
    """
    if data.find(b'"', body_start) >= 0:
        return False
    limit = len(names) - 1
    delimiter_byte = ord(delimiter)
    start = body_start
    while start < len(data):
        end = data.find(b"\n", min(start + _COUNT_CHUNK, len(data)))
        end = len(data) if end < 0 else end + 1
        chunk = np.frombuffer(data, dtype=np.uint8, count=end - start, offset=start)
        bounds = np.concatenate(([0], np.flatnonzero(chunk == ord("\n")) + 1, [chunk.size]))
        delimiters = np.flatnonzero(chunk == delimiter_byte)
        if np.diff(np.searchsorted(delimiters, bounds)).max() > limit:
            return False
        start = end
    return True


@dataclass(frozen=True)
class _Layout:
    """What the header line says about a CSV: where its rows start, how they are split, and
    which columns are the features."""

    data: bytes
    source: str
    start: int
    body_start: int
    delimiter: str
    names: list[str]
    indices: tuple[int, ...]
    #: Per feature: "income", "score" or "" (no range rule).
    rules: tuple[str, ...]

    def problem(self, fallback: str) -> InputError:
        """The fast path saw a problem; the slow pass, with :mod:`csv`, walks the records after
        the header and raises the one-line error of the first bad one (else: ``fallback``)."""
        source = self.source
        text = self.data[self.start:].decode("utf-8")
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter)
        header_seen = False
        while True:
            start = reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                return InputError(f"{source}: {fallback}")
            except csv.Error:
                raise InputError(
                    f"{source}: row {start}: unbalanced quote: a '\"' opened on this row is "
                    f"never closed; remove it or close it"
                ) from None
            if not record or (len(record) == 1 and not record[0].strip()):
                continue  # blank line, skipped by pandas too
            end = reader.line_num
            if end > start or any("\n" in field or "\r" in field for field in record):
                raise InputError(
                    f"{source}: row {start}: unbalanced quote: a quoted field opened on this row "
                    f"runs on over the next lines (to row {end}); remove the stray '\"' or close "
                    f"it on row {start}"
                )
            if header_seen:
                record_values(record, start, self.names, self.indices, self.rules, source,
                              decimal_comma=self.delimiter != ",")
            header_seen = True

    def read_rows(self, **options: Any) -> pd.DataFrame:
        """The rows below the header, by pandas, with header=None: with a header, pandas
        silently drops fields beyond the header's (or turns column 1 into an index)."""
        import pandas as pd

        text_columns = {
            index: "str"
            for index, name in enumerate(self.names)
            if normalise_header(name) in ID_HEADERS and index not in self.indices
        }
        buffer = io.BytesIO(self.data)
        buffer.seek(self.body_start)
        return pd.read_csv(
            buffer,
            sep=self.delimiter,
            header=None,
            keep_default_na=False,
            na_values=[""],
            dtype=text_columns or None,
            **options,
        )


def _layout(data: bytes, source: str, columns: str | Sequence[str] | None) -> _Layout:
    start = check_text(data, source)
    header, header_row, body_start = _header_line(data, start)
    if not data[body_start:].strip():
        raise InputError(f"{source}: has a header line but no data rows")
    delimiter, names = header_fields(header, header_row, source)
    indices = (_course_columns(names, source) if columns is None
               else resolve_columns(columns, names, source))
    rules = course_rules([names[index] for index in indices])
    return _Layout(data, source, start, body_start, delimiter, names, indices, rules)


def _read_table(layout: _Layout, keep_table: bool) -> tuple[pd.DataFrame, bool]:
    """The rows as a frame, and whether it holds only the feature columns."""
    import pandas as pd

    names, source = layout.names, layout.source
    # Reading only the feature columns would let pandas skip a row's surplus fields silently, so
    # that shortcut is taken only when no line can have more fields than the header.
    features_only = not keep_table and _no_line_wider_than(
        layout.data, layout.body_start, layout.delimiter, names
    )
    try:
        frame = layout.read_rows(**({"usecols": list(layout.indices)} if features_only else {}))
    except (pd.errors.ParserError, ValueError) as exc:
        frame, reason = None, str(exc).splitlines()[0]
    if frame is None:
        layout.problem(reason)  # raises the first bad record's error, if one is bad
        if "EOF inside string" in reason:
            raise InputError(f"{source}: unbalanced quote: a '\"' is never closed")
        # Left: a first row narrower than a later one, all within the header's width. Reading
        # with the header's width cannot drop fields, since no row is wider.
        try:
            frame = layout.read_rows(names=list(range(len(names))), index_col=False)
        except (pd.errors.ParserError, ValueError):
            raise InputError(f"{source}: cannot parse the CSV: {reason}") from None
        features_only = False
    if not features_only:
        if frame.shape[1] > len(names):
            raise layout.problem("a row has more fields than the header")
        for missing in range(frame.shape[1], len(names)):
            frame[missing] = np.nan  # every row is shorter than the header; as pandas would fill
        # Unnamed columns (an Excel trailing comma) get the names pandas itself would give them.
        frame.columns = [
            name if name.strip() else f"Unnamed: {i}" for i, name in enumerate(names)
        ]
    return frame, features_only


def _numbers(layout: _Layout, column: pd.Series) -> pd.Series:
    """A column of text cells as numbers (NaN where a cell is not one)."""
    import pandas as pd

    as_text = column.astype("str")
    if layout.delimiter != ",":
        as_text = as_text.str.replace(",", ".", n=1, regex=False)
    return pd.to_numeric(as_text.str.strip(), errors="coerce")


def is_text(column: pd.Series) -> bool:
    """Whether a column as read holds text (or booleans) rather than numbers."""
    import pandas as pd

    return pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column)


def _feature_matrix(
    layout: _Layout, frame: pd.DataFrame, features_only: bool, keep_table: bool
) -> NDArray[np.float64]:
    """The feature columns as float64, checked; text cells become numbers in ``frame`` too."""
    values = np.empty((len(frame), len(layout.indices)), dtype=np.float64)
    for position, index in enumerate(layout.indices):
        # With usecols and no header, pandas labels the columns by their index in the file.
        column = frame[index] if features_only else frame.iloc[:, index]
        if is_text(column):
            column = _numbers(layout, column)
            if column.isna().any():
                raise layout.problem(
                    f"column {layout.names[index]!r} holds values that are not numbers"
                )
            if keep_table:
                frame[frame.columns[index]] = column
        values[:, position] = column.to_numpy(dtype=np.float64)

    if not all(within_rule(values[:, i], rule).all() for i, rule in enumerate(layout.rules)):
        raise layout.problem("a feature value is missing, not finite or out of range")
    return np.ascontiguousarray(values)


def _numeric_only(layout: _Layout, frame: pd.DataFrame) -> _Layout:
    """``layout`` without its categorical features: text columns (without a range rule) whose
    cells are mostly not numbers. A column of mostly numbers stays numeric, so that its odd
    cell is an error naming it rather than a level."""
    kept = [(index, rule) for index, rule in zip(layout.indices, layout.rules, strict=True)
            if rule or not is_text(frame.iloc[:, index])
            or _numbers(layout, frame.iloc[:, index]).notna().mean() > 0.5]
    return replace(layout, indices=tuple(index for index, _ in kept),
                   rules=tuple(rule for _, rule in kept))


def parse_data(
    data: bytes,
    *,
    source: str,
    path: Path | None,
    columns: str | Sequence[str] | None,
    notice: str | None,
    keep_table: bool = True,
    categorical: bool = False,
) -> Dataset:
    """:func:`load_dataset` of ``data``; ``categorical`` (with ``keep_table``) leaves feature
    columns of text in ``frame`` as they are (and out of ``X``), for :mod:`pyseg._features`."""
    layout = _layout(data, source, columns)
    frame, features_only = _read_table(layout, keep_table)
    if categorical:
        layout = _numeric_only(layout, frame)
    X = _feature_matrix(layout, frame, features_only, keep_table)
    return Dataset(
        X=X,
        feature_names=tuple(layout.names[index] for index in layout.indices),
        path=path,
        source=source,
        sha256=hashlib.sha256(data).hexdigest(),
        frame=frame if keep_table else None,
        notice=notice,
        is_course_schema=any(layout.rules),  # only the course's features have range rules
    )


def _distinct_rows(X: NDArray[np.float64], at_least: int) -> int:
    """Number of distinct rows, or any number >= ``at_least`` once that many are certain."""
    rows = X + 0.0  # -0.0 and 0.0 are the same point (and the same to R's unique())
    head = rows[: max(1024, 4 * at_least)]
    found = len(np.unique(head, axis=0))
    if found >= at_least or len(head) == len(rows):
        return found
    return len(np.unique(rows, axis=0))


def check_clusterable(dataset: Dataset, k: int) -> None:
    """:func:`check_points` for ``dataset``'s matrix, named by its source.

    Parameters
    ----------
    dataset : Dataset
    k : int
        Number of clusters, >= 1.
    """
    check_points(dataset.X, k, dataset.source)


def check_points(X: NDArray[np.float64], k: int, source: str) -> None:
    """Refuse, before either engine runs, data that cannot be split into ``k`` clusters: one
    :class:`InputError` line (naming ``source``) when ``k`` is not an integer >= 1 or exceeds the
    rows or the distinct points (R's ``kmeans`` would stop: "more cluster centers than distinct
    data points")."""
    k = cluster_count(k)
    n_rows = X.shape[0]
    if n_rows < k:
        raise InputError(
            f"{source}: n_samples={n_rows} should be >= n_clusters={k}: fewer rows than clusters"
        )
    distinct = _distinct_rows(X, k)
    if distinct < k:
        raise InputError(
            f"{source}: only {distinct} distinct point(s) among {n_rows} rows, "
            f"fewer than k={k} clusters (R's kmeans stops with 'more cluster centers than "
            f"distinct data points'); use k <= {distinct}"
        )


def validate_customer(income: object, score: object) -> tuple[float, float]:
    """Check one new customer's features (for prediction).

    Parameters
    ----------
    income : float or str
        Annual income in k$: finite, >= 0. Numeric strings such as ``"55"`` are accepted.
    score : float or str
        Spending score: finite, within 1..100.

    Returns
    -------
    (float, float)
        ``(income, score)`` as floats.

    Raises
    ------
    InputError
        With the bad value and the rule it breaks.
    """
    income, score = (parse_number(value, what, rule) for value, (rule, what)
                     in zip((income, score), CUSTOMER_FIELDS, strict=True))
    return income, score
