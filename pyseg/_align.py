"""Aligning two labelings and measuring how far they agree.

Nothing here knows about engines: it works on plain label arrays and center matrices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray


def contingency_table(
    labels_a: ArrayLike, labels_b: ArrayLike, n_a: int | None = None, n_b: int | None = None
) -> NDArray[np.int64]:
    """Count the rows with each pair of labels.

    Parameters
    ----------
    labels_a, labels_b : array-like of shape (n_samples,)
        Non-negative integer labels.
    n_a, n_b : int, optional
        Number of clusters on each side; default ``max(label) + 1``. Pass them to keep empty
        clusters as rows or columns of zeros.

    Returns
    -------
    table : ndarray of shape (n_a, n_b)
        ``table[i, j]`` is the number of rows labelled ``i`` in ``labels_a`` and ``j`` in
        ``labels_b``.
    """
    a = np.asarray(labels_a, dtype=np.int64)
    b = np.asarray(labels_b, dtype=np.int64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(
            f"labelings must be 1-D and of equal length, got shapes {a.shape} and {b.shape}"
        )
    if a.size and (a.min() < 0 or b.min() < 0):
        raise ValueError("labels must be non-negative integers")
    n_a = int(a.max()) + 1 if n_a is None and a.size else (n_a or 0)
    n_b = int(b.max()) + 1 if n_b is None and b.size else (n_b or 0)
    if a.size and (a.max() >= n_a or b.max() >= n_b):
        raise ValueError(f"labels exceed the cluster counts n_a={n_a}, n_b={n_b}")
    flat = np.bincount(a * n_b + b, minlength=n_a * n_b)
    return flat.reshape(n_a, n_b).astype(np.int64)


@dataclass(frozen=True)
class Alignment:
    """How the clusters of labeling B map onto those of labeling A.

    Attributes
    ----------
    mapping : ndarray of shape (n_b,), dtype int64
        ``mapping[j]`` is the A-cluster that B-cluster ``j`` is matched to. B-clusters left
        unmatched (B has more clusters than A) get new numbers ``n_a, n_a + 1, ...`` in order.
    confusion : ndarray of shape (n_a, n_b_aligned)
        Contingency table of A against B relabelled by ``mapping``: matched pairs on the diagonal.
    matched : int
        Rows whose aligned labels agree (the trace of ``confusion``).
    """

    mapping: NDArray[np.int64]
    confusion: NDArray[np.int64]
    matched: int

    def relabel(self, labels_b: ArrayLike) -> NDArray[np.int64]:
        """Labels of B expressed in A's numbering."""
        return self.mapping[np.asarray(labels_b, dtype=np.int64)]


def align_labels(
    labels_a: ArrayLike, labels_b: ArrayLike, n_a: int | None = None, n_b: int | None = None
) -> Alignment:
    """Match B's clusters to A's so that as many rows as possible agree.

    The matching is the Hungarian assignment (:func:`scipy.optimize.linear_sum_assignment`) on the
    contingency table, maximising the matched count. It works when the two sides have different
    numbers of clusters: the surplus clusters of B stay unmatched and are numbered after A's.

    Ties between equally good assignments are broken the same way every time (SciPy's solver is
    deterministic), so the same labelings always give the same mapping.
    """
    from scipy.optimize import linear_sum_assignment

    table = contingency_table(labels_a, labels_b, n_a, n_b)
    size_a, size_b = table.shape
    rows, cols = linear_sum_assignment(table, maximize=True)
    mapping = np.full(size_b, -1, dtype=np.int64)
    mapping[cols] = rows
    unmatched = np.flatnonzero(mapping < 0)
    mapping[unmatched] = size_a + np.arange(unmatched.size)
    width = max(size_a, int(mapping.max()) + 1) if size_b else size_a
    confusion = np.zeros((size_a, width), dtype=np.int64)
    confusion[:, mapping] = table
    matched = int(table[rows, cols].sum())
    return Alignment(mapping=mapping, confusion=confusion, matched=matched)


@dataclass(frozen=True)
class Agreement:
    """Agreement of two labelings of the same rows.

    Attributes
    ----------
    accuracy : float
        Fraction of rows whose labels agree after alignment, in [0, 1].
    ari : float
        Adjusted Rand index (1 for identical partitions, ~0 for chance).
    nmi : float
        Normalised mutual information (arithmetic normalisation, as scikit-learn's default).
    alignment : Alignment
        The matching behind ``accuracy``.
    """

    accuracy: float
    ari: float
    nmi: float
    alignment: Alignment


def agreement(labels_a: ArrayLike, labels_b: ArrayLike, n_a: int | None = None,
              n_b: int | None = None) -> Agreement:
    """Align B to A and report accuracy, ARI and NMI.

    ARI and NMI do not depend on the alignment; accuracy does. Empty labelings are rejected.
    """
    a = np.asarray(labels_a, dtype=np.int64)
    if a.size == 0:
        raise ValueError("cannot measure agreement of empty labelings")
    alignment = align_labels(a, labels_b, n_a, n_b)
    table = alignment.confusion
    return Agreement(
        accuracy=alignment.matched / a.size,
        ari=adjusted_rand_index(table),
        nmi=normalized_mutual_information(table),
        alignment=alignment,
    )


def adjusted_rand_index(table: NDArray[np.int64]) -> float:
    """Adjusted Rand index from a contingency table.

    The same computation as :func:`sklearn.metrics.adjusted_rand_score` (through its pair
    confusion matrix), started from the table that alignment has already counted: scikit-learn's
    function takes labels and sorts them again, a third of a second at a million rows.
    """
    table = np.asarray(table, dtype=np.int64)
    n_samples = int(table.sum())
    sum_squares = int((table**2).sum())
    row_sums, column_sums = table.sum(axis=1), table.sum(axis=0)
    pairs_split_in_b = int(table.dot(column_sums).sum()) - sum_squares
    pairs_split_in_a = int(table.T.dot(row_sums).sum()) - sum_squares
    together = sum_squares - n_samples
    apart = n_samples**2 - pairs_split_in_b - pairs_split_in_a - sum_squares
    if pairs_split_in_b == 0 and pairs_split_in_a == 0:
        return 1.0
    return 2.0 * (together * apart - pairs_split_in_a * pairs_split_in_b) / (
        (together + pairs_split_in_a) * (pairs_split_in_a + apart)
        + (together + pairs_split_in_b) * (pairs_split_in_b + apart)
    )


def normalized_mutual_information(table: NDArray[np.int64]) -> float:
    """Normalised mutual information (arithmetic mean of the entropies) from a contingency table.

    As :func:`sklearn.metrics.normalized_mutual_info_score` with its default normalisation; the
    mutual information itself is scikit-learn's ``mutual_info_score`` given the table.
    """
    from sklearn.metrics import mutual_info_score

    table = np.asarray(table, dtype=np.int64)
    row_sums, column_sums = table.sum(axis=1), table.sum(axis=0)
    used_a, used_b = int((row_sums > 0).sum()), int((column_sums > 0).sum())
    if used_a == used_b == 1 or used_a == used_b == 0:
        return 1.0
    mutual_information = mutual_info_score(None, None, contingency=table.astype(np.float64))
    if mutual_information == 0:
        return 0.0
    mean_entropy = (_entropy(row_sums) + _entropy(column_sums)) / 2
    return float(mutual_information / max(mean_entropy, np.finfo("float64").eps))


def _entropy(counts: NDArray[np.int64]) -> float:
    counts = counts[counts > 0].astype(np.float64)
    if counts.size <= 1:
        return 0.0
    total = counts.sum()
    return float(-np.sum((counts / total) * (np.log(counts) - np.log(total))))


def aligned_centers(centers_b: NDArray[np.float64], alignment: Alignment) -> NDArray[np.float64]:
    """B's centers reordered into A's numbering, shape (max(n_a, n_b_aligned), n_features).

    Rows for A-clusters that B has no match for are NaN.
    """
    width = alignment.confusion.shape[1]
    out = np.full((width, centers_b.shape[1]), np.nan)
    out[alignment.mapping] = centers_b
    return out


def max_center_difference(
    centers_a: NDArray[np.float64], centers_b_aligned: NDArray[np.float64]
) -> float:
    """Largest absolute coordinate difference between matched centers (NaN rows ignored).

    Returns ``inf`` when the two sides have different numbers of clusters, since some centers then
    have no counterpart.
    """
    if centers_a.shape != centers_b_aligned.shape or np.isnan(centers_b_aligned).any():
        return float("inf")
    return float(np.max(np.abs(centers_a - centers_b_aligned))) if centers_a.size else 0.0
