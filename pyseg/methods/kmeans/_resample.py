"""K-Means in ``pyseg stability --bootstrap`` and ``pyseg gap``: Lloyd from shared starts.

pyseg draws S k-means++ starting centers per fit once (numpy, after the bootstrap rows or the
reference sets, from the same generator) and hands them to both languages: Python runs
``KMeans(init=start, n_init=1, tol=0, algorithm="lloyd")`` from each start and keeps the lowest
WCSS (a later start must be lower by :data:`START_TIE` relative, else the first is kept); R runs
``kmeans(X, start, algorithm = "Lloyd")`` with the same rule (``r_reference/resample_shared.R``).
clusterboot's check is kmeansCBI; clusGap's own FUNcluster is ``kmeans(nstart = S)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg.engines._stability_python import Resampler
from pyseg.methods.kmeans._python import one_thread

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from pyseg.engines._stability_r import RResampleEngine

#: Relative WCSS margin by which a later start must beat the best one so far to replace it
#: (the same in ``r_reference/resample_shared.R``).
START_TIE = 1e-9
#: Iteration cap of the Lloyd refits (as exact mode's).
LLOYD_MAX_ITER = 1000


def kmeanspp(X: NDArray[np.float64], k: int, rng: np.random.Generator) -> NDArray[np.float64]:
    """One greedy k-means++ draw of ``k`` rows of ``X`` (2 + log k trials per center, as
    scikit-learn's), from ``rng``: shape (k, n_features)."""
    n = X.shape[0]
    trials = 2 + int(math.log(k))
    centers = np.empty((k, X.shape[1]), dtype=np.float64)
    first = int(rng.integers(n))
    centers[0] = X[first]
    closest = ((X - X[first]) ** 2).sum(axis=1)
    for c in range(1, k):
        total = closest.sum()
        picks = rng.random(trials) * total
        candidates = np.minimum(np.searchsorted(np.cumsum(closest), picks, side="right"), n - 1)
        distances = ((X[None, :, :] - X[candidates][:, None, :]) ** 2).sum(axis=2)
        np.minimum(closest, distances, out=distances)
        best = int(np.argmin(distances.sum(axis=1)))
        closest = distances[best]
        centers[c] = X[candidates[best]]
    return centers


def kmeanspp_starts(X: NDArray[np.float64], k: int, starts: int,
                    rng: np.random.Generator) -> NDArray[np.float64]:
    """``starts`` k-means++ draws: shape (starts, k, n_features)."""
    return np.stack([kmeanspp(X, k, rng) for _ in range(starts)])


def best_lloyd(X: NDArray[np.float64], starts: NDArray[np.float64],
               max_iter: int = LLOYD_MAX_ITER) -> tuple[NDArray[np.int64], float]:
    """Lloyd from each start of ``starts`` (S, k, d); the labels and WCSS of the best.

    Call inside :func:`~pyseg.engines.one_thread` (the resampling engine does).
    """
    from sklearn.cluster import KMeans

    best_labels, best_wcss = None, np.inf
    for start in starts:
        model = KMeans(n_clusters=start.shape[0], init=start, n_init=1, max_iter=max_iter,
                       tol=0.0, algorithm="lloyd").fit(X)
        wcss = float(model.inertia_)
        if best_labels is None or wcss < best_wcss - START_TIE * abs(best_wcss):
            best_labels, best_wcss = np.asarray(model.labels_, dtype=np.int64), wcss
    assert best_labels is not None
    return best_labels, best_wcss


class Resample(Resampler):
    """K-Means refits: the best Lloyd run of S shared k-means++ starts."""

    def bootstrap_draws(self, X: NDArray[np.float64], k: int, rows: Sequence[NDArray[np.int64]],
                        rng: np.random.Generator, r_engine: RResampleEngine) -> list[Any]:
        """S starts for the original fit, then S per resample."""
        return [kmeanspp_starts(X, k, self.starts, rng)] + [
            kmeanspp_starts(X[r], k, self.starts, rng) for r in rows]

    def gap_draws(self, sets: NDArray[np.float64], k_max: int, rng: np.random.Generator,
                  r_engine: RResampleEngine) -> list[Any]:
        """Per data set, S starts per k = 2..k_max: (k_max - 1, S, k_max, d), the first k rows
        of ``[k - 2, s]`` used (zeros beyond)."""
        draws = []
        for X in sets:
            shared = np.zeros((max(k_max - 1, 1), self.starts, k_max, X.shape[1]))
            for k in range(2, k_max + 1):
                shared[k - 2, :, :k, :] = kmeanspp_starts(X, k, self.starts, rng)
            draws.append(shared)
        return draws

    def labels(self, X: NDArray[np.float64], k: int, draw: Any) -> NDArray[np.int64]:
        with one_thread():
            return best_lloyd(X, draw[:, :k, :])[0]

    def r_draws(self, draws: Sequence[Any] | None, n: int) -> dict[str, Any]:
        assert draws is not None
        return {"starts": np.asfortranarray(np.stack(draws), dtype=np.float64)}

    def r_gap_draws(self, draws: Sequence[Any] | None) -> dict[str, Any]:
        return self.r_draws(draws, 0)

    def method_text(self, k: int) -> str:
        return f"K-Means k = {k}, best of {self.starts} shared k-means++ starts (Lloyd)"

    def clusterboot_call(self, k: int, B: int, seed: int) -> str:
        return (f"fpc::clusterboot(X, B = {B}, bootmethod = 'boot', clustermethod = kmeansCBI, "
                f"krange = {k}, runs = 1, nstart = {self.starts}, iter.max = 300, seed = {seed})")

    def clusgap_function(self) -> str:
        return f"function(x, k) kmeans(x, k, iter.max = 300, nstart = {self.starts})"
