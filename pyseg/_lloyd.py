"""Lloyd's algorithm from many starts at once, in numpy: the refits of ``stability --bootstrap``
and ``gap``.

One scikit-learn fit per start cost more in input checks and thread-pool set-up than in
arithmetic (issue 21: 9,090 fits of 200 rows in ``gap --B 100``, ~90 s of overhead). Here the S
starts of one data set move together: each iteration is one (S, n, k) array of squared distances
and one ``bincount`` per feature. The arithmetic is R's ``kmeans(algorithm = "Lloyd")`` (C
``kmeans_Lloyd``): squared distances summed feature by feature in column order, the first
nearest center on a tie, centers the means of their rows, stop when no label changes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray


def squared_distances(X: NDArray[np.float64], centers: NDArray[np.float64]) -> NDArray[
        np.float64]:
    """Squared distances of every row of ``X`` (n, d) to every center of ``centers`` (S, k, d),
    summed feature by feature as R does: shape (S, n, k)."""
    total = np.zeros((centers.shape[0], X.shape[0], centers.shape[1]), dtype=np.float64)
    for j in range(X.shape[1]):
        total += (X[None, :, j, None] - centers[:, None, :, j]) ** 2
    return total


def lloyd_many(X: NDArray[np.float64], starts: NDArray[np.float64],
               max_iter: int) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.bool_]]:
    """Lloyd from each start of ``starts`` (S, k, d) on ``X`` (n, d).

    Returns
    -------
    labels : ndarray of shape (S, n)
        Each start's final partition (0-based).
    wcss : ndarray of shape (S,)
        Its within-cluster sum of squares.
    empty : ndarray of shape (S,), dtype bool
        The start lost a cluster on the way (R's Lloyd gives up; the caller decides).
    """
    S, k, d = starts.shape
    n = X.shape[0]
    centers = np.array(starts, dtype=np.float64)
    offsets = (k * np.arange(S))[:, None]
    empty = np.zeros(S, dtype=bool)
    labels = np.full((S, n), -1, dtype=np.int64)
    for _ in range(max_iter):
        distances = squared_distances(X, centers)
        found = distances.argmin(axis=2)
        if np.array_equal(found, labels):
            break
        labels = found
        codes = (labels + offsets).ravel()
        counts = np.bincount(codes, minlength=S * k).reshape(S, k)
        empty |= (counts == 0).any(axis=1)
        sums = np.stack([np.bincount(codes, weights=np.tile(X[:, j], S), minlength=S * k)
                         for j in range(d)], axis=-1).reshape(S, k, d)
        with np.errstate(invalid="ignore", divide="ignore"):
            centers = np.where(counts[..., None] > 0, sums / np.maximum(counts, 1)[..., None],
                               centers)
    else:
        # the cap reached: the rows go to their nearest final center
        distances = squared_distances(X, centers)
        labels = distances.argmin(axis=2)
    wcss = np.take_along_axis(distances, labels[..., None], axis=2)[..., 0].sum(axis=1)
    return labels, wcss, empty


def kmeanspp_many(X: NDArray[np.float64], k: int, starts: int,
                  rng: np.random.Generator) -> NDArray[np.float64]:
    """``starts`` greedy k-means++ draws of ``k`` rows of ``X`` (2 + log k trials per center, as
    scikit-learn's), from ``rng``: shape (starts, k, n_features). The same as one draw after the
    other (:func:`kmeanspp_reads`, then :func:`kmeanspp_from` on all starts at once)."""
    first, uniforms = kmeanspp_reads(rng, X.shape[0], k, starts)
    return kmeanspp_from(X[None], first[None], uniforms[None])[0]


def kmeanspp_reads(rng: np.random.Generator, n: int, k: int,
                   starts: int) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """What ``starts`` k-means++ draws of ``k`` of ``n`` rows read from ``rng``, in its order
    (start by start: the first row, then ``trials`` uniforms per further center): the first rows
    (starts,) and the uniforms (starts, k - 1, trials)."""
    trials = 2 + int(math.log(k))
    first = np.empty(starts, dtype=np.int64)
    uniforms = np.empty((starts, k - 1, trials), dtype=np.float64)
    for s in range(starts):
        first[s] = rng.integers(n)
        for c in range(k - 1):
            uniforms[s, c] = rng.random(trials)
    return first, uniforms


def kmeanspp_from(Xs: NDArray[np.float64], first: NDArray[np.int64],
                  uniforms: NDArray[np.float64]) -> NDArray[np.float64]:
    """The k-means++ centers of data sets ``Xs`` (G, n, d) from their reads (``first`` (G, S),
    ``uniforms`` (G, S, k - 1, trials)): shape (G, S, k, d). Each start's arithmetic is the
    one-draw code's, on (G * S, ...) arrays, in slices of ~4M numbers."""
    G, n, d = Xs.shape
    S, k, trials = first.shape[1], uniforms.shape[2] + 1, uniforms.shape[3]
    step = max(1, 4_000_000 // max(1, S * trials * n * d))
    if step < G:
        return np.concatenate([kmeanspp_from(Xs[g:g + step], first[g:g + step],
                                             uniforms[g:g + step]) for g in range(0, G, step)])
    X = np.repeat(Xs, S, axis=0)  # (G * S, n, d): each start's own data set
    every = np.arange(G * S)
    first, uniforms = first.reshape(-1), uniforms.reshape(G * S, k - 1, trials)
    centers = np.empty((G * S, k, d), dtype=np.float64)
    centers[:, 0] = X[every, first]
    closest = _sum_of_squares(X - X[every, first][:, None, :])
    for c in range(1, k):
        total = closest.sum(axis=1)
        picks = uniforms[:, c - 1] * total[:, None]
        # searchsorted(cumsum, picks, side="right"), per start: how many sums are <= the pick
        below = (np.cumsum(closest, axis=1)[:, :, None] <= picks[:, None, :]).sum(axis=1)
        candidates = np.minimum(below, n - 1)
        points = X[every[:, None], candidates]  # (G * S, trials, d)
        distances = _sum_of_squares(X[:, None, :, :] - points[:, :, None, :])
        np.minimum(closest[:, None, :], distances, out=distances)
        best = np.argmin(distances.sum(axis=2), axis=1)
        closest = distances[every, best]
        centers[:, c] = points[every, best]
    return centers.reshape(G, S, k, d)


def _sum_of_squares(differences: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(differences ** 2).sum(axis=-1)``, feature by feature below 8 features (the same bits:
    numpy adds fewer than 8 numbers in order) without the squared array's memory pass."""
    d = differences.shape[-1]
    if d >= 8:
        return (differences ** 2).sum(axis=-1)
    total = differences[..., 0] ** 2
    for j in range(1, d):
        total += differences[..., j] ** 2
    return total
