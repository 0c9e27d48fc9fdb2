"""The fitting engines behind one small interface.

An engine fits K-Means and returns a :class:`FitResult`: 0-based labels, centers and WCSS. The
alignment and metrics code only ever sees :class:`FitResult` objects, never an engine.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray


@dataclass(frozen=True)
class CourseSettings:
    """How one language's course code seeds and runs K-Means.

    Parameters
    ----------
    seed : int
        Python: ``random_state``; R: the argument of ``set.seed`` called just before ``kmeans``.
    n_starts : int, default=10
        Python: ``n_init``; R: ``nstart``.
    max_iter : int, default=300
        Python: ``max_iter``; R: ``iter.max``.
    """

    seed: int
    n_starts: int = 10
    max_iter: int = 300


#: ``KMeans(n_clusters=5, init="k-means++", n_init=10, max_iter=300, random_state=42)``
PYTHON_COURSE = CourseSettings(seed=42)
#: ``set.seed(29); kmeans(X, 5, iter.max = 300, nstart = 10)``
R_COURSE = CourseSettings(seed=29)

#: Iteration cap of exact mode. Lloyd stops as soon as no label changes; this only bounds runaway.
EXACT_MAX_ITER = 1000


@dataclass(frozen=True)
class FitResult:
    """What an engine returns.

    Attributes
    ----------
    engine : str
        ``"python"`` or ``"r"``.
    labels : ndarray of shape (n_samples,), dtype int64
        0-based cluster index of every row.
    centers : ndarray of shape (n_clusters, n_features), dtype float64
        Cluster centers in the engine's own numbering.
    wcss : float
        Within-cluster sum of squares (scikit-learn's ``inertia_``, R's ``tot.withinss``).
    n_iter : int
        Iterations of the best run.
    warnings : tuple of str
        Warnings the engine raised, captured instead of printed.
    """

    engine: str
    labels: NDArray[np.int64]
    centers: NDArray[np.float64]
    wcss: float
    n_iter: int
    warnings: tuple[str, ...] = field(default=())

    @property
    def n_clusters(self) -> int:
        return int(self.centers.shape[0])

    @property
    def sizes(self) -> NDArray[np.int64]:
        """Number of rows in each cluster, shape (n_clusters,)."""
        import numpy as np

        return np.bincount(self.labels, minlength=self.n_clusters).astype(np.int64)


@runtime_checkable
class Engine(Protocol):
    """A K-Means implementation pyseg can compare."""

    #: ``"python"`` or ``"r"``.
    name: str

    def fit(self, X: NDArray[np.float64], k: int, settings: CourseSettings) -> FitResult:
        """Fit ``k`` clusters the way the course does (random starts, best WCSS kept)."""
        ...

    def fit_from(
        self, X: NDArray[np.float64], initial_centers: NDArray[np.float64], max_iter: int
    ) -> FitResult:
        """Run plain Lloyd iterations from the given centers until no label changes."""
        ...


class SklearnEngine:
    """The course's scikit-learn K-Means.

    ``fit`` is ``KMeans(n_clusters=k, init="k-means++", n_init=settings.n_starts,
    max_iter=settings.max_iter, random_state=settings.seed)``; ``n_init`` is always passed because
    scikit-learn >= 1.4 changed its default from 10 to 1.
    """

    name = "python"

    def fit(self, X: NDArray[np.float64], k: int, settings: CourseSettings) -> FitResult:
        from sklearn.cluster import KMeans

        model = KMeans(
            n_clusters=k,
            init="k-means++",
            n_init=settings.n_starts,
            max_iter=settings.max_iter,
            random_state=settings.seed,
        )
        return self._result(model, X)

    def fit_from(
        self, X: NDArray[np.float64], initial_centers: NDArray[np.float64], max_iter: int
    ) -> FitResult:
        from sklearn.cluster import KMeans

        # tol=0 leaves only strict convergence (no label changed), which is R's Lloyd stop rule.
        model = KMeans(
            n_clusters=initial_centers.shape[0],
            init=initial_centers,
            n_init=1,
            max_iter=max_iter,
            tol=0.0,
            algorithm="lloyd",
        )
        return self._result(model, X)

    def _result(self, model: object, X: NDArray[np.float64]) -> FitResult:
        import warnings

        import numpy as np

        with warnings.catch_warnings(record=True) as caught, _one_thread():
            warnings.simplefilter("always")
            model.fit(X)  # type: ignore[attr-defined]
        return FitResult(
            engine=self.name,
            labels=np.asarray(model.labels_, dtype=np.int64),  # type: ignore[attr-defined]
            centers=np.asarray(model.cluster_centers_, dtype=np.float64),  # type: ignore[attr-defined]
            wcss=float(model.inertia_),  # type: ignore[attr-defined]
            n_iter=int(model.n_iter_),  # type: ignore[attr-defined]
            warnings=tuple(dict.fromkeys(str(w.message) for w in caught)),
        )


def initial_centers_kmeanspp(X: NDArray[np.float64], k: int, seed: int) -> NDArray[np.float64]:
    """A seeded k-means++ draw of ``k`` rows of ``X``, shape (k, n_features).

    Exact mode hands the same draw to both engines.
    """
    from sklearn.cluster import kmeans_plusplus

    with _one_thread():
        centers, _ = kmeans_plusplus(X, n_clusters=k, random_state=seed)
    return centers


def _one_thread() -> AbstractContextManager[object]:
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
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)
