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
    scikit-learn's), from ``rng``: shape (starts, k, n_features).

    ``rng`` is read start by start, center by center (one row, then ``trials`` uniforms per
    center), as one draw after the other would; the arithmetic then runs on all starts at once,
    each start's the same as alone.
    """
    n, d = X.shape
    trials = 2 + int(math.log(k))
    first = np.empty(starts, dtype=np.int64)
    uniforms = np.empty((starts, max(k - 1, 0), trials), dtype=np.float64)
    for s in range(starts):
        first[s] = rng.integers(n)
        for c in range(k - 1):
            uniforms[s, c] = rng.random(trials)
    centers = np.empty((starts, k, d), dtype=np.float64)
    centers[:, 0] = X[first]
    closest = ((X[None, :, :] - X[first][:, None, :]) ** 2).sum(axis=2)
    every = np.arange(starts)
    for c in range(1, k):
        total = closest.sum(axis=1)
        picks = uniforms[:, c - 1] * total[:, None]
        # searchsorted(cumsum, picks, side="right"), per start: how many sums are <= the pick
        below = (np.cumsum(closest, axis=1)[:, :, None] <= picks[:, None, :]).sum(axis=1)
        candidates = np.minimum(below, n - 1)
        distances = ((X[None, None, :, :] - X[candidates][:, :, None, :]) ** 2).sum(axis=3)
        np.minimum(closest[:, None, :], distances, out=distances)
        best = np.argmin(distances.sum(axis=2), axis=1)
        closest = distances[every, best]
        centers[:, c] = X[candidates[every, best]]
    return centers
