"""What the methods' comparisons share: noise-aware agreement and the checks on k (both sides
run through :func:`pyseg.methods._base.run_both`).

Nothing here knows a clustering method; the methods' ``_compare`` modules do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pyseg._align import adjusted_rand_index, align_labels, normalized_mutual_information
from pyseg._errors import InputError
from pyseg._numbers import cluster_count

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray


@dataclass(frozen=True)
class PartitionAgreement:
    """Agreement of two labelings in which ``-1`` (noise) is a class of its own: as
    :class:`pyseg.Agreement` (noise with noise agrees, and is one more class for ARI and NMI),
    with :class:`pyseg.Alignment`'s ``mapping`` (noise is never matched: it stays -1) and
    ``matched``, and a ``confusion`` whose last row and column are A's and B's noise."""

    accuracy: float
    ari: float
    nmi: float
    mapping: NDArray[np.int64]
    confusion: NDArray[np.int64]
    matched: int

    def relabel(self, labels_b: ArrayLike) -> NDArray[np.int64]:
        """B's labels in A's numbering; noise stays -1."""
        labels = np.asarray(labels_b, dtype=np.int64)
        out = np.full(labels.shape, -1, dtype=np.int64)
        clustered = labels >= 0
        out[clustered] = self.mapping[labels[clustered]]
        return out


def partition_agreement(labels_a: ArrayLike, labels_b: ArrayLike) -> PartitionAgreement:
    """Align B's clusters to A's (Hungarian on the clusters only, as :func:`pyseg.align_labels`)
    and measure agreement, with noise (-1) a class that alignment never matches to a cluster.

    Without noise this is :func:`pyseg.agreement` (same mapping, accuracy and ARI).
    """
    a = np.asarray(labels_a, dtype=np.int64)
    b = np.asarray(labels_b, dtype=np.int64)
    if a.shape != b.shape or a.ndim != 1 or a.size == 0:
        raise ValueError("labelings must be 1-D, non-empty and of equal length")
    n_a, n_b = int(a.max()) + 1, int(b.max()) + 1
    both = (a >= 0) & (b >= 0)
    alignment = align_labels(a[both], b[both], n_a, n_b)
    width = alignment.confusion.shape[1]
    confusion = np.zeros((n_a + 1, width + 1), dtype=np.int64)
    a_index = np.where(a >= 0, a, n_a)
    b_aligned = np.where(b >= 0, alignment.mapping[np.maximum(b, 0)] if n_b else 0, width)
    np.add.at(confusion, (a_index, b_aligned), 1)
    matched = int(np.trace(confusion[:n_a, :n_a])) + int(confusion[n_a, width])
    used = confusion[confusion.sum(axis=1) > 0][:, confusion.sum(axis=0) > 0]
    return PartitionAgreement(
        accuracy=matched / a.size,
        ari=adjusted_rand_index(used),
        nmi=normalized_mutual_information(used),
        mapping=alignment.mapping,
        confusion=confusion,
        matched=matched,
    )


def distinct_row_count(X: NDArray[np.float64]) -> int:
    """Number of distinct rows (-0.0 and 0.0 the same point)."""
    return int(np.unique(X + 0.0, axis=0).shape[0]) if X.size else 0


def check_k(X: NDArray[np.float64], k: object, source: str) -> int:
    """``k`` as an int within 1..(distinct points), else a one-line :class:`~pyseg.InputError`."""
    k = cluster_count(k)
    if X.shape[0] < 2:
        raise InputError(f"{source}: {X.shape[0]} row(s): clustering needs >= 2 rows")
    distinct = distinct_row_count(X)
    if distinct < 2 and k > distinct:
        raise InputError(f"{source}: all {X.shape[0]} rows are the same point: there is "
                         "nothing to cluster (clustering needs >= 2 distinct rows)")
    if k > distinct:
        raise InputError(
            f"{source}: k={k} is more than the {distinct} distinct points among "
            f"{X.shape[0]} rows; use k <= {distinct}")
    return k
