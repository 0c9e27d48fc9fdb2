"""Reading a learner's K-Means answer: their labels or their centers, from a file or from Python.

What ``pyseg check`` accepts (issue 19):

- labels: a CSV with an ID column (``CustomerID`` or the data's first column) and one label
  column of any name, rows in any order; or one label per line without a header, in the data's
  row order. 0-based or 1-based numbers, or names.
- centers: k rows of the course's two columns: R's ``write.csv(km$centers)``, a numbers-only
  file, or ``pd.DataFrame(km.cluster_centers_).to_csv()``. The partition is each customer's
  nearest center.
- in Python: a fitted scikit-learn ``KMeans``, a labels array or a centers array.

Pickles and R's ``.rds`` files are refused: loading one runs the code it holds.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._course import ID_HEADERS, normalise_header
from pyseg._data import Dataset, check_text, csv_delimiter, decoded
from pyseg._errors import InputError
from pyseg._io import read_input
from pyseg.methods.kmeans._python import nearest_center

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: More distinct labels than this is not a segmentation of the course's kind.
MAX_LABELS = 20
#: File endings (and leading bytes) of files whose loading runs code: pickles, joblib, R's
#: serialised objects (.rds is gzip, bzip2 or xz compressed, or starts with "X\n").
UNSAFE_SUFFIXES = (".pkl", ".pickle", ".joblib", ".rds", ".rda", ".rdata", ".sav")
UNSAFE_MAGIC = (b"\x80", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"X\n", b"RDX")
#: Header words that name a label column when the file has several candidate columns.
LABEL_WORDS = re.compile(r"cluster|label|segment|group|class|kmeans|y_?km|pred")
#: Row-name columns: R's write.csv ("") and a pandas index read back ("Unnamed: 0").
_ROW_NAME_HEADERS = ("", "unnamed_0")


@dataclass(frozen=True)
class Answer:
    """A learner's answer, as a partition of the data's rows.

    Attributes
    ----------
    kind : {"labels", "centers"}
        What was read.
    labels : ndarray of shape (n_rows,), dtype int64
        0-based cluster of every row of the data, in the data's row order.
    centers : ndarray of shape (k, 2) or None
        The centers handed in (``kind == "centers"``).
    language : {"python", "r"} or None
        The language the answer points to (1-based labels or R's row names: R), None when it
        cannot tell.
    description : str
        One line saying what was read.
    names : tuple of str
        The learner's own label of each cluster, in code order.
    """

    kind: str
    labels: NDArray[np.int64]
    centers: NDArray[np.float64] | None
    language: str | None
    description: str
    names: tuple[str, ...]

    @property
    def k(self) -> int:
        """Number of clusters of the answer."""
        return len(self.names)


def read_answer(answer: Any, dataset: Dataset) -> Answer:
    """The learner's answer as a partition of ``dataset``'s rows.

    Parameters
    ----------
    answer : path-like, fitted ``KMeans``, DataFrame or array-like
        A file (labels or centers, see the module docstring), a fitted scikit-learn ``KMeans``
        (its ``labels_``), a DataFrame read as that file would be, a 1-D labels array or a 2-D
        (k, 2) centers array of numbers.
    dataset : Dataset
        The data the answer was computed on.

    Returns
    -------
    Answer

    Raises
    ------
    InputError
        Unreadable or unsafe file, wrong row count, IDs not in the data, more than 20 labels,
        centers with the wrong number of columns; one line naming the file and row.
    """
    if isinstance(answer, str | Path):
        source = str(answer)
        _refuse_unsafe(source, b"")
        return answer_from_bytes(read_input(answer, source, kind="answer file"), source, dataset)
    if hasattr(answer, "cluster_centers_") and hasattr(answer, "labels_"):
        labels = np.asarray(answer.labels_)
        if labels.shape == (dataset.n_rows,):
            return _from_codes(labels, "python", "labels_ of a fitted KMeans", dataset)
        return _from_centers(np.asarray(answer.cluster_centers_, dtype=np.float64),
                             "python", "cluster_centers_ of a fitted KMeans", dataset)
    if hasattr(answer, "to_csv") and getattr(answer, "ndim", 1) == 2:  # a pandas DataFrame
        return answer_from_bytes(answer.to_csv(index=False).encode(), "the DataFrame", dataset)
    values = np.asarray(answer)
    if values.ndim == 1:
        if values.shape[0] != dataset.n_rows:
            raise InputError(f"the labels array has {values.shape[0]} labels; "
                             f"{dataset.source} has {dataset.n_rows} customers")
        return _from_codes(values, None, "a labels array", dataset)
    if values.ndim == 2 and values.dtype.kind in "iuf":
        return _from_centers(np.asarray(values, dtype=np.float64), None, "a centers array",
                             dataset, source="the centers array")
    raise InputError(f"cannot read an answer from a {values.ndim}-D {values.dtype} array: give "
                     "labels (1-D) or centers (k rows, 2 columns of numbers)")


def answer_from_bytes(data: bytes, source: str, dataset: Dataset) -> Answer:
    """The answer in the bytes of a file named ``source`` (see :func:`read_answer`)."""
    _refuse_unsafe(source, data)
    start = check_text(data, source)
    text = decoded(data[start:], source)
    rows = _rows(text)
    if not rows:
        raise InputError(f"{source}: the file is empty; expected labels or centers")
    header = _header(rows, dataset.n_rows)
    body = rows[1:] if header is not None else rows
    language = "r" if text.lstrip().startswith('""') else None
    if header is not None and header[1] and header[1][0] == "" and not text.startswith('""'):
        language = "python"  # pandas writes its index column with an empty, unquoted name
    if len(body) == dataset.n_rows:
        return _labels_file(header, body, source, dataset, language)
    if 0 < len(body) <= MAX_LABELS and max(len(cells) for _, cells in body) > 1 and all(
            _is_number(c) for _, cells in body for c in cells[1:]):
        return _centers_file(header, body, source, dataset, language)
    line = body[dataset.n_rows][0] if len(body) > dataset.n_rows else rows[-1][0]
    raise InputError(
        f"{source}: row {line}: {len(body)} data rows; labels need one row per customer "
        f"({dataset.n_rows} in {dataset.source}) and centers at most {MAX_LABELS} rows")


def _refuse_unsafe(source: str, data: bytes) -> None:
    if source.lower().endswith(UNSAFE_SUFFIXES) or data.startswith(UNSAFE_MAGIC):
        raise InputError(
            f"{source}: row 1: a pickle or R .rds/.RData file; pyseg never loads those (loading "
            "one runs the code it holds): write the labels or centers as CSV, e.g. "
            "pd.DataFrame(km.labels_).to_csv(...) or write.csv(km$cluster, ...)")


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """Non-blank rows as (1-based line, stripped cells); commas, semicolons, tabs or blanks."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = csv_delimiter(first)
    blanks = delimiter == "," and "," not in first and len(first.split()) > 1
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        cells = line.split() if blanks else next(csv.reader(io.StringIO(line),
                                                            delimiter=delimiter))
        rows.append((number, [cell.strip() for cell in cells]))
    return rows


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _header(rows: list[tuple[int, list[str]]], n_rows: int) -> tuple[int, list[str]] | None:
    """The header row, or None: a file of one label per customer has none, and a first row of
    numbers is a header only when it is pandas' column numbers (``0,1`` or ``,0,1``)."""
    first = rows[0][1]
    if len(rows) == n_rows:
        return None
    if all(_is_number(cell) for cell in first):
        numbered = [str(i) for i in range(len(first))]
        one_column = len(first) == 1 and len(rows) != n_rows + 1  # "0" is then a label
        return rows[0] if first == numbered and not one_column else None
    return rows[0]


def _labels_file(header: tuple[int, list[str]] | None, body: list[tuple[int, list[str]]],
                 source: str, dataset: Dataset, language: str | None) -> Answer:
    """Labels, by ID when the file has an ID column, else in the data's row order."""
    names = [normalise_header(cell) for cell in header[1]] if header else []
    width = len(body[0][1])
    id_column = _id_column(names, width, dataset)
    label_column = _label_column(header, names, width, id_column, source, dataset)
    values = []
    for line, cells in body:
        if len(cells) <= max(label_column, id_column if id_column is not None else 0):
            raise InputError(f"{source}: row {line}: {len(cells)} fields, expected {width}")
        if not cells[label_column]:
            raise InputError(f"{source}: row {line}: the label is empty")
        values.append(cells[label_column])
    order = np.arange(len(body))
    what = "one label per line, in the data's row order"
    if id_column is not None:
        order = _rows_of_ids(body, id_column, source, dataset)
        what = f"labels by {header[1][id_column] if header else 'ID'}, rows in any order"
    ordered = np.empty(len(values), dtype=object)
    ordered[order] = values
    lines = np.empty(len(values), dtype=np.int64)
    lines[order] = [line for line, _ in body]
    return _from_codes(ordered, language, f"{what} ({source})", dataset, source, lines)


def _id_column(names: list[str], width: int, dataset: Dataset) -> int | None:
    first = normalise_header(str(dataset.frame.columns[0])) if dataset.frame is not None else ""
    for index, name in enumerate(names):
        if name and (name == first or name in ID_HEADERS):
            return index
    if not names and width == 2:
        return 0  # "ID,label" without a header
    return None


def _label_column(header: tuple[int, list[str]] | None, names: list[str], width: int,
                  id_column: int | None, source: str, dataset: Dataset) -> int:
    """The one column that holds labels: not the ID, not a row name, not one of the data's."""
    data_columns = ({normalise_header(str(c)) for c in dataset.frame.columns}
                    if dataset.frame is not None else set())
    candidates = [i for i in range(width) if i != id_column
                  and not (i == 0 and names and names[0] in _ROW_NAME_HEADERS and width > 1)
                  and (not names or names[i] not in data_columns)]
    if len(candidates) > 1:
        candidates = [i for i in candidates if LABEL_WORDS.search(names[i])] if names else []
    if len(candidates) != 1:
        line = header[0] if header else 1
        raise InputError(
            f"{source}: row {line}: cannot tell which column holds the labels; give an ID "
            "column and one label column (e.g. CustomerID,cluster)")
    return candidates[0]


def _id_key(text: str) -> str:
    """IDs compare as numbers when they are numbers: ``0001`` (the course file) is R's ``1``."""
    text = text.strip()
    return str(int(text)) if text.isdigit() else text


def _rows_of_ids(body: list[tuple[int, list[str]]], id_column: int, source: str,
                 dataset: Dataset) -> NDArray[np.int64]:
    if dataset.frame is None:
        raise InputError(f"{source}: IDs need the data's table; load it with keep_table=True")
    where = {_id_key(str(value)): row for row, value in enumerate(dataset.frame.iloc[:, 0])}
    order = np.empty(len(body), dtype=np.int64)
    seen: dict[int, int] = {}
    for index, (line, cells) in enumerate(body):
        row = where.get(_id_key(cells[id_column]))
        if row is None:
            raise InputError(f"{source}: row {line}: ID {cells[id_column]!r} is not in "
                             f"{dataset.source}")
        if row in seen:
            raise InputError(f"{source}: row {line}: ID {cells[id_column]!r} is given twice "
                             f"(first on row {seen[row]})")
        seen[row] = line
        order[index] = row
    return order


def _from_codes(values: Any, language: str | None, description: str, dataset: Dataset,
                source: str = "the labels", lines: NDArray[np.int64] | None = None) -> Answer:
    """Labels as 0-based codes: numbers keep their order, names their first appearance."""
    texts = [_label_text(value) for value in np.asarray(values, dtype=object)]
    numeric = all(_is_number(text) for text in texts)
    names = sorted(set(texts), key=float) if numeric else list(dict.fromkeys(texts))
    if len(names) > MAX_LABELS:
        twenty_first = next(i for i, text in enumerate(texts) if text == names[MAX_LABELS])
        row = int(lines[twenty_first]) if lines is not None else twenty_first + 1
        raise InputError(f"{source}: row {row}: {len(names)} different labels; a K-Means "
                         f"answer has at most {MAX_LABELS}")
    if numeric and language is None:
        language = "r" if float(names[0]) == 1 else "python" if float(names[0]) == 0 else None
    code = {name: index for index, name in enumerate(names)}
    labels = np.asarray([code[text] for text in texts], dtype=np.int64)
    return Answer("labels", labels, None, language, description, tuple(names))


def _label_text(value: Any) -> str:
    text = str(value).strip()
    if _is_number(text) and float(text).is_integer():
        return str(int(float(text)))  # 2, 2.0 and numpy's 2.000000000000000000e+00 are one label
    return text


def _centers_file(header: tuple[int, list[str]] | None, body: list[tuple[int, list[str]]],
                  source: str, dataset: Dataset, language: str | None) -> Answer:
    widths = {len(cells) for _, cells in body}
    row_names = header is not None and normalise_header(header[1][0]) in _ROW_NAME_HEADERS
    row_names = row_names or (header is None and widths == {dataset.n_features + 1}
                              and all(c[0].isdigit() for _, c in body))
    values = []
    for line, cells in body:
        numbers = cells[1:] if row_names else cells
        if len(numbers) != dataset.n_features:
            raise InputError(
                f"{source}: row {line}: a center with {len(numbers)} columns; the course's "
                f"centers have {dataset.n_features} ({', '.join(dataset.feature_names)})")
        try:
            values.append([float(cell) for cell in numbers])
        except ValueError:
            raise InputError(f"{source}: row {line}: a center's coordinates must be numbers, "
                             f"got {', '.join(numbers)}") from None
    return _from_centers(np.asarray(values), language, f"{len(values)} centers ({source})",
                         dataset, source=source, first_line=body[0][0])


def _from_centers(centers: NDArray[np.float64], language: str | None, description: str,
                  dataset: Dataset, source: str = "the centers", first_line: int = 1) -> Answer:
    """The partition of each customer's nearest center; centers on standardised columns (all
    within +-5 while the data's means are not) are compared with the standardised data."""
    if centers.ndim != 2 or centers.shape[1] != dataset.n_features:
        raise InputError(f"{source}: row {first_line}: centers need {dataset.n_features} "
                         f"columns ({', '.join(dataset.feature_names)}), got shape "
                         f"{centers.shape}")
    if not 1 <= centers.shape[0] <= MAX_LABELS or not np.isfinite(centers).all():
        raise InputError(f"{source}: row {first_line}: {centers.shape[0]} centers; give 1 to "
                         f"{MAX_LABELS} rows of finite numbers")
    X = dataset.X
    if np.abs(centers).max() <= 5 and np.abs(X.mean(axis=0)).max() > 5:
        X = (X - X.mean(axis=0)) / X.std(axis=0)
        description += ", on standardised columns"
    labels, _ = nearest_center(X, centers)
    names = tuple(str(i) for i in range(centers.shape[0]))
    return Answer("centers", labels, centers, language, description, names)
