"""K-Means in Python: the course's scikit-learn calls.

scikit-learn is imported inside the methods, so that importing this module (as ``predict
--model`` does, for :func:`nearest_center`) costs numpy only.
"""

from __future__ import annotations

import warnings
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._course import PYTHON_ELBOW, CourseSettings
from pyseg.methods._base import PythonEngine
from pyseg.methods.kmeans._base import ElbowFits, FitResult, Silhouette, silhouette_defined

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray


class SklearnEngine(PythonEngine):
    """The course's scikit-learn K-Means.

    ``fit`` is ``KMeans(n_clusters=k, init="k-means++", n_init=settings.n_starts,
    max_iter=settings.max_iter, random_state=settings.seed)``; ``n_init`` is always passed because
    scikit-learn >= 1.4 changed its default from 10 to 1. R: ``set.seed(seed); kmeans(X, k,
    iter.max = max_iter, nstart = n_starts)`` (:class:`~pyseg.engines.REngine`).
    """

    def fit(self, X: NDArray[np.float64], k: int, settings: CourseSettings) -> FitResult:
        from sklearn.cluster import KMeans

        model = KMeans(n_clusters=k, init="k-means++", n_init=settings.n_starts,
                       max_iter=settings.max_iter, random_state=settings.seed)
        return _fitted(model, X, self.name)

    def fit_from(self, X: NDArray[np.float64], initial_centers: NDArray[np.float64],
                 max_iter: int) -> FitResult:
        """Lloyd from given centers; R: ``kmeans(X, centers, algorithm = "Lloyd")``."""
        from sklearn.cluster import KMeans

        # tol=0 leaves only strict convergence (no label changed), which is R's Lloyd stop rule.
        model = KMeans(n_clusters=initial_centers.shape[0], init=initial_centers, n_init=1,
                       max_iter=max_iter, tol=0.0, algorithm="lloyd")
        return _fitted(model, X, self.name)

    def elbow(self, X: NDArray[np.float64], k_values: tuple[int, ...], mode: str,
              starts: int) -> ElbowFits:
        """The course's Python elbow: for each k a fresh ``KMeans(random_state=42)``, with the
        course's ``n_init=10`` (``mode="course"``) or ``n_init=starts`` (``"matched"``)."""
        n_starts = PYTHON_ELBOW.n_starts if mode == "course" else starts
        settings = CourseSettings(PYTHON_ELBOW.seed, n_starts, PYTHON_ELBOW.max_iter)
        fits = [self.fit(X, k, settings) for k in k_values]
        return ElbowFits(k_values=tuple(k_values),
                         wcss=np.asarray([fit.wcss for fit in fits], dtype=np.float64),
                         labels=np.column_stack([fit.labels for fit in fits]).astype(np.int64),
                         warnings=tuple(dict.fromkeys(w for fit in fits for w in fit.warnings)))

    def silhouette(self, X: NDArray[np.float64], labels: ArrayLike) -> Silhouette | None:
        """:func:`sklearn.metrics.silhouette_samples`; R: ``cluster::silhouette``."""
        from sklearn.metrics import silhouette_samples

        labels = np.asarray(labels, dtype=np.int64)
        if not silhouette_defined(labels):
            return None
        widths = np.asarray(silhouette_samples(X, labels), dtype=np.float64)
        return Silhouette(widths=widths, mean=float(widths.mean()))

    def nearest_center(
        self, X: NDArray[np.float64], centers: NDArray[np.float64]
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        return nearest_center(X, centers)


def nearest_center(X: NDArray[np.float64],
                   centers: NDArray[np.float64]) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Index of and Euclidean distance to the nearest center of every row (numpy only).

    Squared distances are summed one feature at a time in column order, as
    ``r_reference/predict.R`` does, so both languages round alike; an exact tie goes to the lowest
    index (``numpy.argmin`` and R's ``which.min`` both return the first minimum).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    centers : ndarray of shape (n_clusters, n_features)

    Returns
    -------
    index : ndarray of shape (n_samples,), dtype int64
    distance : ndarray of shape (n_samples,), dtype float64
    """
    squared = np.zeros((X.shape[0], centers.shape[0]), dtype=np.float64)
    for feature in range(X.shape[1]):
        squared += (X[:, feature, None] - centers[None, :, feature]) ** 2
    index = (np.argmin(squared, axis=1).astype(np.int64) if centers.shape[0]
             else np.zeros(0, dtype=np.int64))
    distance = np.sqrt(squared[np.arange(X.shape[0]), index])
    return index, distance


def initial_centers_kmeanspp(X: NDArray[np.float64], k: int, seed: int) -> NDArray[np.float64]:
    """A seeded k-means++ draw of ``k`` rows of ``X``, shape (k, n_features).

    Exact mode hands the same draw to both engines.
    """
    from sklearn.cluster import kmeans_plusplus

    with one_thread():
        centers, _ = kmeans_plusplus(X, n_clusters=k, random_state=seed)
    return centers


def _fitted(model: Any, X: NDArray[np.float64], engine: str) -> FitResult:
    with warnings.catch_warnings(record=True) as caught, one_thread():
        warnings.simplefilter("always")
        model.fit(X)
    return FitResult(engine=engine, labels=np.asarray(model.labels_, dtype=np.int64),
                     centers=np.asarray(model.cluster_centers_, dtype=np.float64),
                     wcss=float(model.inertia_), n_iter=int(model.n_iter_),
                     warnings=tuple(dict.fromkeys(str(w.message) for w in caught)))


def one_thread() -> AbstractContextManager[object]:
    """Run scikit-learn's native loops (OpenMP and BLAS) on one thread.

    scikit-learn's Lloyd step adds up each thread's chunk sums, so with more threads the last bits
    of the centers and the inertia change with ``OMP_NUM_THREADS`` and the number of cores
    (measured with OMP_NUM_THREADS=1 against 2: WCSS 3e-16 relative apart on the course data,
    centers and WCSS up to ~1e-13 relative apart on 100k rows; the labels were the same). One
    thread makes the same inputs give the same bits on every machine, which ``pyseg compare
    --json`` promises; R's ``kmeans`` is single-threaded as well, and compare runs the Python fit
    alongside R. Measured on a busy 2-vCPU machine, a 1M-row course fit took 1.8 s on one thread
    against 2.7-3.9 s on two; an idle many-core machine would lose some of its parallel speed-up.
    """
    return _OneThread()


class _OneThread(AbstractContextManager[object]):
    """threadpoolctl's limit to one thread, entered only by the outermost of nested uses: each
    entry scans the loaded libraries (16 s of ``gap --B 100``'s refits, issue 21)."""

    depth = 0

    def __enter__(self) -> object:
        from threadpoolctl import threadpool_limits

        if _OneThread.depth == 0:
            self.limits: Any = threadpool_limits(limits=1)
        _OneThread.depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        _OneThread.depth -= 1
        if _OneThread.depth == 0:
            self.limits.restore_original_limits()
