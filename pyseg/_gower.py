"""Pairwise distances for the medoids, in float64 numpy: Gower
(``cluster::daisy(metric = "gower")``) and Euclidean (``dist()``), computed the way R computes
them so that both sides can be held to the last bit.

Why not the ``gower`` package: it returns float32 (differences of ~1e-8 against ``daisy``) and
fails on pandas 3's string columns. The formula is short, so pyseg computes it here:

- a numeric column is first scaled as ``daisy`` scales it, ``(x - min) / (max - min)`` (R's
  ``scale(x, center = min, scale = range)``), and contributes ``|x_i' - x_j'|``;
- a categorical column contributes 0 where the two rows have the same level, else 1;
- the distance is the mean of the contributions over the columns, summed in column order.

Scaling first (instead of dividing ``|x_i - x_j|`` by the range) is what ``daisy`` does, and
gives the same bits as ``daisy``; the other order differs by up to 1.1e-16 on the course file.

A numeric column with one value has range 0: ``daisy`` silently divides by 1 instead; pyseg
refuses it (:class:`~pyseg.InputError`), since the column cannot separate any customers.
Nothing here talks to R or knows a clustering method.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pyseg._errors import InputError

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: Rows per block when a distance matrix is filled (bounds the temporaries to block x n).
BLOCK_ROWS = 512


@dataclass(frozen=True)
class MixedColumns:
    """The columns a Gower distance is computed from, as read: per column its name, its kind
    (``"numeric"`` or ``"categorical"``) and its n values (float64, or str objects)."""

    names: tuple[str, ...]
    kinds: tuple[str, ...]
    values: tuple[NDArray, ...]

    @property
    def n_rows(self) -> int:
        return int(self.values[0].shape[0]) if self.values else 0

    def rows(self, index: NDArray[np.int64]) -> MixedColumns:
        """The same columns restricted to ``index`` (e.g. the medoids)."""
        return MixedColumns(self.names, self.kinds, tuple(v[index] for v in self.values))


@dataclass(frozen=True)
class GowerScale:
    """Minimum and range of every numeric column (NaN for categorical ones), as ``daisy`` uses
    them; kept from training data to place new rows on the same scale."""

    minimum: NDArray[np.float64]
    range: NDArray[np.float64]


def gower_scale(columns: MixedColumns, source: str = "the data") -> GowerScale:
    """The minimum and range of each numeric column; a constant column is a one-line error."""
    minimum = np.full(len(columns.names), np.nan)
    spread = np.full(len(columns.names), np.nan)
    for j, (name, kind, values) in enumerate(zip(columns.names, columns.kinds, columns.values,
                                                 strict=True)):
        if kind == "numeric":
            low = float(np.min(values))
            minimum[j], spread[j] = low, float(np.max(values)) - low
            constant, value = spread[j] == 0, f"{low:g}"
        else:
            constant, value = np.unique(values).size < 2, repr(values[0])
        if constant:
            raise InputError(f"{source}: column {name!r} has one value only ({value}): it adds "
                             "nothing to a Gower distance; leave it out of --columns")
    return GowerScale(minimum, spread)


def _scaled(columns: MixedColumns, scale: GowerScale) -> list[NDArray]:
    return [(np.asarray(v, dtype=np.float64) - scale.minimum[j]) / scale.range[j]
            if kind == "numeric" else np.asarray(v, dtype=object)
            for j, (kind, v) in enumerate(zip(columns.kinds, columns.values, strict=True))]


def gower_distances(a: MixedColumns, b: MixedColumns | None = None,
                    scale: GowerScale | None = None, source: str = "the data"
                    ) -> NDArray[np.float64]:
    """Gower distances, shape (len(a), len(b)), between the rows of ``a`` and those of ``b``
    (the same columns; ``a`` itself if None), scaled by ``scale`` (default: ``a``'s ranges, as
    ``daisy`` on ``a``)."""
    scale = scale or gower_scale(a, source)
    b = a if b is None else b
    left, right = _scaled(a, scale), _scaled(b, scale)

    def fill(block: NDArray[np.float64], start: int, stop: int) -> NDArray[np.float64]:
        for kind, x, y in zip(a.kinds, left, right, strict=True):
            if kind == "numeric":
                block += np.abs(x[start:stop, None] - y[None, :])
            else:
                block += x[start:stop, None] != y[None, :]
        block /= len(a.kinds)  # in place: one block of memory, not two
        return block

    return _by_blocks(a.n_rows, b.n_rows, fill)


def _by_blocks(n_a: int, n_b: int, fill: Callable[[NDArray[np.float64], int, int],
                                                   NDArray[np.float64]]) -> NDArray[np.float64]:
    """An (n_a, n_b) matrix filled :data:`BLOCK_ROWS` rows at a time: ``fill(zeros, start,
    stop)`` gives the rows ``start:stop``."""
    out = np.empty((n_a, n_b), dtype=np.float64)
    for start in range(0, n_a, BLOCK_ROWS):
        stop = min(start + BLOCK_ROWS, n_a)
        out[start:stop] = fill(np.zeros((stop - start, n_b), dtype=np.float64), start, stop)
    return out


def euclidean_distances(a: NDArray[np.float64], b: NDArray[np.float64] | None = None
                        ) -> NDArray[np.float64]:
    """Euclidean distances between the rows of ``a`` and ``b`` (``a`` if None), summed column by
    column as R's ``dist()`` does (``sqrt(sum((x_i - x_j)^2))``)."""
    a = np.asarray(a, dtype=np.float64)
    b = a if b is None else np.asarray(b, dtype=np.float64)

    def fill(block: NDArray[np.float64], start: int, stop: int) -> NDArray[np.float64]:
        for j in range(a.shape[1]):
            block += (a[start:stop, j, None] - b[None, :, j]) ** 2
        return np.sqrt(block, out=block)

    return _by_blocks(a.shape[0], b.shape[0], fill)


def condensed(square: NDArray[np.float64]) -> NDArray[np.float64]:
    """The pairs of a square distance matrix in R's ``dist`` order (column by column below the
    diagonal: d(2,1), d(3,1), ..., d(n,1), d(3,2), ...), which is scipy's condensed order."""
    rows, cols = np.triu_indices(square.shape[0], 1)
    return square[rows, cols]


def numeric_columns(X: NDArray[np.float64], names: Sequence[str]) -> MixedColumns:
    """A numeric matrix as :class:`MixedColumns` (every column numeric)."""
    X = np.asarray(X, dtype=np.float64)
    return MixedColumns(tuple(names), ("numeric",) * X.shape[1],
                        tuple(np.ascontiguousarray(X[:, j]) for j in range(X.shape[1])))
