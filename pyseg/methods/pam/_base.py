"""What pyseg asks of a PAM (k-medoids) or Gaussian-mixture engine, and what it gives back.

=====================  =====================================================================
``_pam_python``        :class:`KmedoidsPamEngine`: ``kmedoids.pam(D, k, init="build")`` on
                       pyseg's float64 Gower or Euclidean distances
``_pam_r``             :class:`RPamEngine`: ``cluster::pam(daisy(df, metric = "gower"), k)``
                       or ``cluster::pam(dist(X), k)``
``_gmm_python``        :class:`SklearnGmmEngine`: scikit-learn's ``GaussianMixture``
``_gmm_r``             :class:`RGmmEngine`: ``mclust::Mclust`` (course) or ``mclust::me``
                       from a given partition (exact)
=====================  =====================================================================

Labels are 0-based; medoids are 0-based row numbers; log-likelihoods are totals (not per row)
and BIC is mclust's convention, ``2 logL - p log n`` (higher is better) on both sides.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from pyseg._errors import InputError

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from pyseg._gower import MixedColumns

#: PAM's distances.
DISTANCES: tuple[str, ...] = ("euclidean", "gower")
#: From this many rows on PAM is refused: Python holds the n x n matrix (n^2 doubles: 3.0 GiB at
#: 20,000 rows), R several copies of ``dist``'s n(n - 1)/2 (see R_BYTES_PER_PAIR), and both
#: run O(k n^2) swaps.
MAX_PAM_ROWS = 20_000
#: R's peak memory above its baseline per n^2, measured (benchmarks/pam_gmm.py, R 4.2.2, cluster
#: 2.1.4, 5,000 and 10,000 rows: it grows as n^2): ``cluster::pam(dist(X))`` 15 bytes,
#: ``cluster::pam(daisy(df, "gower"))`` 34 bytes (daisy builds full n x n matrices on the way).
R_BYTES_PER_PAIR: dict[str, float] = {"euclidean": 15.0, "gower": 34.0}
#: R hands its distances back (for max |dD|) up to this many rows.
MAX_DISTANCE_CHECK_ROWS = 3_000
#: GaussianMixture's covariance types and mclust's model names for them.
MCLUST_MODELS: dict[str, str] = {"full": "VVV", "diag": "VVI", "spherical": "VII",
                                 "tied": "EEE"}
COVARIANCES: tuple[str, ...] = tuple(MCLUST_MODELS)
#: ``--mode`` of the GMM comparison.
GMM_MODES: tuple[str, ...] = ("course", "exact")
#: Exact mode: EM stops when the log-likelihood changes less than this (scikit-learn: per row;
#: mclust: relative), and runs at most EXACT_MAX_ITER iterations.
EXACT_TOL = 1e-12
EXACT_MAX_ITER = 100_000
#: ``set.seed`` before ``Mclust`` on more than 2,000 rows (mclust then starts from a random
#: subset of 2,000 rows).
R_SUBSET_SEED = 29


@dataclass(frozen=True)
class PamData:
    """What PAM clusters: the numeric matrix (Euclidean) or the columns as read (Gower).

    Attributes
    ----------
    distance : {"euclidean", "gower"}
    X : ndarray of shape (n, d)
        The feature matrix (Euclidean distances are taken on it).
    columns : MixedColumns
        Gower: numeric columns as numbers, categorical columns as their text levels.
    source : str
    """

    distance: str
    X: NDArray[np.float64]
    columns: MixedColumns
    source: str = "the data"

    @property
    def n_rows(self) -> int:
        return int(self.X.shape[0])


@dataclass(frozen=True)
class PamFit:
    """One PAM fit.

    Attributes
    ----------
    engine : str
    labels : ndarray of shape (n,), dtype int64
        Cluster ``j`` is the cluster of medoid ``medoids[j]``.
    medoids : ndarray of shape (k,), dtype int64
        0-based rows.
    loss : float
        Sum of every row's distance to its medoid (kmedoids' ``loss``).
    objective : float
        ``loss / n``: the mean distance, ``cluster::pam``'s ``objective["swap"]``.
    distance : str
    distances : ndarray or None
        The pairwise distances the engine used, in R's ``dist`` order (up to
        :data:`MAX_DISTANCE_CHECK_ROWS` rows), for the max |dD| check.
    warnings : tuple of str
    """

    engine: str
    labels: NDArray[np.int64]
    medoids: NDArray[np.int64]
    loss: float
    objective: float
    distance: str
    distances: NDArray[np.float64] | None = field(default=None, repr=False)
    warnings: tuple[str, ...] = field(default=())

    @property
    def sizes(self) -> list[int]:
        return np.bincount(self.labels, minlength=self.medoids.size).tolist()


@dataclass(frozen=True)
class GmmFit:
    """One Gaussian-mixture fit.

    Attributes
    ----------
    engine : str
    labels : ndarray of shape (n,), dtype int64
        Most probable component of every row.
    probabilities : ndarray of shape (n, k)
        Membership probabilities (scikit-learn's ``predict_proba``, mclust's ``z``).
    loglik : float
        Total log-likelihood at the fitted parameters.
    n_parameters : int
    weights : ndarray of shape (k,)
    means : ndarray of shape (k, d)
    covariances : ndarray of shape (k, d, d)
        Every component's full covariance matrix, whatever the covariance type.
    covariance : str
        scikit-learn's name (``full``...); mclust's is ``MCLUST_MODELS[covariance]``.
    mode : str
    n_iter : int or None
    converged : bool or None
    warnings : tuple of str
    """

    engine: str
    labels: NDArray[np.int64]
    probabilities: NDArray[np.float64]
    loglik: float
    n_parameters: int
    weights: NDArray[np.float64]
    means: NDArray[np.float64]
    covariances: NDArray[np.float64]
    covariance: str
    mode: str
    n_iter: int | None = None
    converged: bool | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def bic(self) -> float:
        """mclust's BIC: ``2 logL - p log n`` (higher is better; scikit-learn's is minus this)."""
        return 2.0 * self.loglik - self.n_parameters * float(np.log(self.labels.size))

    def permuted(self, mapping: NDArray[np.int64]) -> GmmFit:
        """This fit with component ``j`` renamed ``mapping[j]`` (labels, columns, parameters)."""
        order = np.argsort(mapping)
        return GmmFit(self.engine, mapping[self.labels], self.probabilities[:, order],
                      self.loglik, self.n_parameters, self.weights[order], self.means[order],
                      self.covariances[order], self.covariance, self.mode, self.n_iter,
                      self.converged, self.warnings)


@runtime_checkable
class PamEngine(Protocol):
    """PAM (BUILD + SWAP) in one language."""

    name: str

    def fit(self, data: PamData, k: int) -> PamFit:
        """Cluster ``data`` around ``k`` medoids."""
        ...

    def check_ready(self) -> None:
        ...


@runtime_checkable
class GmmEngine(Protocol):
    """A Gaussian mixture fitted by EM in one language."""

    name: str

    def fit(self, X: NDArray[np.float64], k: int, covariance: str = "full",
            start: NDArray[np.int64] | None = None) -> GmmFit:
        """``start`` None: the library's own start (course); else EM from this partition
        (0-based labels), with :data:`EXACT_TOL` (exact)."""
        ...

    def predict(self, fit: GmmFit, new: NDArray[np.float64]) -> NDArray[np.float64]:
        """Membership probabilities of new rows under ``fit``'s parameters, shape (m, k)."""
        ...

    def check_ready(self) -> None:
        ...


def check_distance(distance: str) -> str:
    """``distance`` if known, else one-line :class:`~pyseg.InputError`."""
    if distance not in DISTANCES:
        raise InputError(f"--distance {distance!r}: unknown distance; use one of "
                         f"{', '.join(DISTANCES)}")
    return distance


def check_covariance(covariance: str) -> str:
    """``covariance`` if known, else one-line :class:`~pyseg.InputError`."""
    if covariance not in MCLUST_MODELS:
        names = ", ".join(f"{name} ({model})" for name, model in MCLUST_MODELS.items())
        raise InputError(f"--covariance {covariance!r}: unknown covariance type; use one of "
                         f"{names} (mclust's model names in brackets)")
    return covariance


def check_gmm_mode(mode: str) -> str:
    if mode not in GMM_MODES:
        raise InputError(f"--mode {mode!r}: use one of {', '.join(GMM_MODES)} for --method gmm")
    return mode


def available_memory() -> int | None:
    """Bytes of memory the system can give without swapping (``MemAvailable`` on Linux, else
    the physical memory); None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):
        return None


def pam_memory(n_rows: int, distance: str) -> int:
    """Bytes a PAM comparison needs at its peak, both sides at once: Python's n x n matrix
    (8 n^2) and R's measured :data:`R_BYTES_PER_PAIR` n^2."""
    return int(n_rows * n_rows * (8.0 + R_BYTES_PER_PAIR[distance]))


def check_pam_size(n_rows: int, source: str = "the data", distance: str | None = None,
                   memory: int | None = None) -> None:
    """Refuse PAM on :data:`MAX_PAM_ROWS` rows or more, and (``distance`` given) on data whose
    distance matrices would not fit in the memory available (``memory``, default
    :func:`available_memory`): a clear error, never an out-of-memory crash."""
    pairs = n_rows * n_rows / 2**30
    r_dist, r_gower = (pairs * R_BYTES_PER_PAIR[d] for d in ("euclidean", "gower"))
    need = (f"PAM needs the {n_rows} x {n_rows} distance matrix ({pairs * 8:.1f} GiB in "
            f"Python; in R about {r_dist:.1f} GiB with dist, {r_gower:.1f} GiB with daisy's "
            "Gower)")
    if n_rows >= MAX_PAM_ROWS:
        raise InputError(
            f"{source}: {n_rows} rows: {need} and O(k n^2) swaps; it runs on fewer than "
            f"{MAX_PAM_ROWS} rows: use a sample, or --method kmeans")
    if distance is None:
        return
    memory = available_memory() if memory is None else memory
    wanted = pam_memory(n_rows, distance)
    if memory is not None and wanted > memory:
        raise InputError(
            f"{source}: {n_rows} rows: {need}; the comparison runs both at once "
            f"({wanted / 2**30:.1f} GiB with {distance}) and this machine has "
            f"{memory / 2**30:.1f} GiB available: use a sample, "
            + ("--distance euclidean, " if distance == "gower" else "") + "or --method kmeans")


def n_gmm_parameters(k: int, d: int, covariance: str) -> int:
    """Free parameters of a k-component mixture in d dimensions (mclust's ``nMclustParams``,
    scikit-learn's ``_n_parameters``): weights, means, covariances."""
    per_cov = {"full": k * d * (d + 1) // 2, "diag": k * d, "spherical": k,
               "tied": d * (d + 1) // 2}[check_covariance(covariance)]
    return (k - 1) + k * d + per_cov


def partition_parameters(X: NDArray[np.float64], labels: NDArray[np.int64], k: int,
                         covariance: str) -> tuple[NDArray[np.float64], NDArray[np.float64],
                                                   NDArray[np.float64]]:
    """The M-step from a hard partition (maximum likelihood: divide by the counts): weights
    (k,), means (k, d) and the covariances in scikit-learn's shape for ``covariance``.

    This is the first step of mclust's ``me(z = unmap(partition))``; scikit-learn then gets
    these as ``weights_init``, ``means_init`` and (inverted) ``precisions_init``.
    """
    n, d = X.shape
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    if counts.min() < 2:
        raise InputError(f"the starting partition has a cluster of {int(counts.min())} row(s): "
                         "no covariance can be estimated from it; use fewer components")
    means = np.vstack([X[labels == j].mean(axis=0) for j in range(k)])
    scatter = np.stack([(X[labels == j] - means[j]).T @ (X[labels == j] - means[j])
                        for j in range(k)])
    full = scatter / counts[:, None, None]
    shaped = {"full": full, "tied": scatter.sum(axis=0) / n,
              "diag": np.stack([np.diag(c) for c in full]),
              "spherical": np.array([np.trace(c) / d for c in full])}[covariance]
    return counts / n, means, shaped
