"""Deterministic mall-like customer data, for running pyseg without the course file.

The generator draws five income/score groups around the five centers the course finds on the real
``Mall_Customers.csv``, with group sizes in the course's proportions (81/39/22/35/23 of 200). Rows
come out sorted by income with ids 1..n, like the course file. Everything is vectorised and the CSV
is formatted with numpy byte arithmetic rather than ``DataFrame.to_csv``, so ten million rows take
seconds, not minutes (see :func:`mall_like_csv_bytes`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pyseg._course import COURSE_HEADER, GENERATED_ROWS, GENERATED_SEED, SCORE_RANGE
from pyseg._errors import InputError
from pyseg._io import write_atomic

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

#: Group centers (income k$, score) = the course's K-Means centers on the real file.
GROUP_CENTERS: tuple[tuple[float, float], ...] = ((55.30, 49.52), (86.54, 82.13), (25.73, 79.36),
                                                  (88.20, 17.11), (26.30, 20.91))
#: Rows per group in the course file (of 200); the generator keeps these proportions.
GROUP_WEIGHTS: tuple[int, ...] = (81, 39, 22, 35, 23)
#: Standard deviations (income, score) per group: a little tighter than the course clusters, whose
#: high-income groups spread over 16 k$, so that K-Means recovers the group centers within a few
#: units while the picture still looks like the course's.
GROUP_SPREADS: tuple[tuple[float, float], ...] = ((8.0, 6.0), (10.0, 8.0), (7.0, 9.0), (10.0, 9.0),
                                                  (7.0, 10.0))
#: Mean age per group, as in the course file (young big spenders, older careful ones).
GROUP_MEAN_AGES: tuple[float, ...] = (42.7, 32.7, 25.3, 41.1, 45.2)
AGE_SPREAD = 10.0
AGE_RANGE = (18, 70)
#: Share of ``Female`` in the course file (112 of 200).
FEMALE_SHARE = 0.56
#: Customer ids are zero-padded to at least this many digits, like the course's ``0001``.
MIN_ID_DIGITS = 4


@dataclass(frozen=True)
class MallColumns:
    """The generated columns as plain arrays, before any pandas or CSV formatting.

    Attributes
    ----------
    customer_id : ndarray of shape (n,), dtype int64
        1..n.
    is_female : ndarray of shape (n,), dtype bool
    age, income, score : ndarray of shape (n,), dtype int64
    group : ndarray of shape (n,), dtype int64
        Index into :data:`GROUP_CENTERS` of the group each row was drawn from.
    """

    customer_id: NDArray[np.int64]
    is_female: NDArray[np.bool_]
    age: NDArray[np.int64]
    income: NDArray[np.int64]
    score: NDArray[np.int64]
    group: NDArray[np.int64]

    @property
    def id_digits(self) -> int:
        return max(MIN_ID_DIGITS, len(str(len(self.customer_id))))


def _check_size(n: int, seed: int) -> None:
    for what, value, least in (("number of rows", n, 1), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
            raise InputError(f"{what} {value!r} should be an integer >= {least}")


def group_sizes(n: int) -> NDArray[np.int64]:
    """Rows per group for ``n`` rows, in the course's proportions (largest remainder rounding).

    Returns
    -------
    ndarray of shape (5,), dtype int64, summing to ``n``. For ``n=200`` it is 81/39/22/35/23.
    """
    weights = np.asarray(GROUP_WEIGHTS, dtype=np.int64)
    exact = n * weights
    sizes = exact // weights.sum()
    remainders = exact % weights.sum()
    # Ties go to the earlier (bigger) group; stable sort keeps this deterministic.
    order = np.argsort(-remainders, kind="stable")
    sizes[order[: n - int(sizes.sum())]] += 1
    return sizes


def generate_columns(n: int = GENERATED_ROWS, seed: int = GENERATED_SEED) -> MallColumns:
    """Draw ``n`` mall-like customers as arrays; see :func:`generate_mall_like`."""
    _check_size(n, seed)
    rng = np.random.default_rng(seed)
    group = np.repeat(np.arange(len(GROUP_WEIGHTS), dtype=np.int64), group_sizes(n))
    rng.shuffle(group)
    centers = np.asarray(GROUP_CENTERS)[group]
    spreads = np.asarray(GROUP_SPREADS)[group]
    points = centers + spreads * rng.standard_normal((n, 2))
    income = np.maximum(np.rint(points[:, 0]), 0).astype(np.int64)
    score = np.clip(np.rint(points[:, 1]), *SCORE_RANGE).astype(np.int64)
    ages = np.asarray(GROUP_MEAN_AGES)[group] + AGE_SPREAD * rng.standard_normal(n)
    age = np.clip(np.rint(ages), *AGE_RANGE).astype(np.int64)
    is_female = rng.random(n) < FEMALE_SHARE
    # The course file lists customers by increasing income; ids follow that order. Incomes fit in
    # 16 bits, where numpy's stable sort is a radix sort: 5x faster than on int64 for 10M rows.
    sort_key = income.astype(np.int16) if income.max() <= np.iinfo(np.int16).max else income
    order = np.argsort(sort_key, kind="stable")
    return MallColumns(customer_id=np.arange(1, n + 1, dtype=np.int64), is_female=is_female[order],
                       age=age[order], income=income[order], score=score[order], group=group[order])


def generate_mall_like(n: int = GENERATED_ROWS, seed: int = GENERATED_SEED) -> pd.DataFrame:
    """Mall-like customers with the course file's exact columns.

    Parameters
    ----------
    n : int, default=200
        Number of customers (rows), >= 1.
    seed : int, default=0
        Seed of ``numpy.random.default_rng``; the same ``(n, seed)`` always gives the same table.

    Returns
    -------
    pandas.DataFrame of shape (n, 5)
        Columns :data:`COURSE_HEADER`: ``CustomerID`` (str, ids 1..n zero-padded to at least four
        digits), ``Genre`` (``"Male"``/``"Female"``), ``Age`` (int, 18..70), ``Annual Income (k$)``
        (int, >= 0) and ``Spending Score (1-100)`` (int, 1..100). Rows are sorted by income.

    Raises
    ------
    InputError
        ``n < 1`` or ``seed < 0``.
    """
    import pandas as pd

    columns = generate_columns(n, seed)
    ids = np.char.zfill(columns.customer_id.astype(str), columns.id_digits)
    return pd.DataFrame(
        {COURSE_HEADER[0]: pd.array(ids, dtype="str"),
         COURSE_HEADER[1]: pd.array(np.where(columns.is_female, "Female", "Male"), dtype="str"),
         COURSE_HEADER[2]: columns.age, COURSE_HEADER[3]: columns.income,
         COURSE_HEADER[4]: columns.score}
    )


def _digits(values: NDArray[np.int64], zero_padded_width: int | None = None) -> NDArray[np.uint8]:
    """ASCII digits of non-negative ints, right-aligned: in ``zero_padded_width`` columns with
    leading ``b"0"``, else in as many columns as the largest value has digits, leading positions
    NUL bytes that the caller drops."""
    width = zero_padded_width or len(str(int(values.max())))
    out = np.empty((len(values), width), dtype=np.uint8)
    remaining = values.copy()
    for column in range(width - 1, -1, -1):
        out[:, column] = ord("0") + remaining % 10
        remaining //= 10
    if zero_padded_width is None:
        # A position left of the number's first digit is padding (the last one never is: 0 -> "0").
        place = 10 ** np.arange(width - 1, 0, -1, dtype=np.int64)
        out[:, :-1][values[:, None] < place[None, :]] = 0
    return out


def _columns_csv_bytes(columns: MallColumns) -> bytes:
    # Every row is laid out in a fixed-width byte matrix whose unused cells are NUL; dropping the
    # NULs leaves the CSV. Numpy does this for 10M rows in about a second where to_csv needs ~15 s.
    fields = [
        _digits(columns.customer_id, columns.id_digits),
        np.where(columns.is_female[:, None], np.frombuffer(b"Female", dtype=np.uint8),
                 np.frombuffer(b"Male\0\0", dtype=np.uint8)).astype(np.uint8),
        *(_digits(values) for values in (columns.age, columns.income, columns.score)),
    ]
    n = len(columns.customer_id)
    separators = [np.full((n, 1), ord(","), dtype=np.uint8)] * (len(fields) - 1)
    line_end = np.full((n, 1), ord("\n"), dtype=np.uint8)
    pieces: list[NDArray[np.uint8]] = []
    for field, separator in zip(fields, [*separators, line_end], strict=True):
        pieces += [field, separator]
    matrix = np.hstack(pieces).ravel()
    body = matrix[matrix != 0].tobytes()
    return (",".join(COURSE_HEADER) + "\n").encode("ascii") + body


def mall_like_csv_bytes(n: int = GENERATED_ROWS, seed: int = GENERATED_SEED) -> bytes:
    """The canonical CSV of :func:`generate_mall_like` ``(n, seed)``: what ``pyseg synth`` writes.

    UTF-8 (pure ASCII), ``\\n`` line endings, header :data:`COURSE_HEADER`, no index column; the
    same bytes as ``generate_mall_like(n, seed).to_csv(index=False, lineterminator="\\n")``.
    """
    return _columns_csv_bytes(generate_columns(n, seed))


def write_csv_atomic(data: bytes | pd.DataFrame, path: str | os.PathLike[str]) -> str:
    """Write a CSV (bytes, or a frame as ``to_csv(index=False, lineterminator="\\n")``) with
    :func:`pyseg._io.write_atomic`: ``path`` is either the complete new file or untouched.
    Returns the SHA-256 (hex) of the bytes; raises :class:`~pyseg.InputError` if ``path`` cannot
    be written."""
    if not isinstance(data, bytes):
        data = data.to_csv(index=False, lineterminator="\n").encode("utf-8")
    return write_atomic(data, path)
