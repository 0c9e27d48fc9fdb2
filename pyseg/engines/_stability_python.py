"""Resampling in Python: seed sweeps, bootstrap refits and gap-statistic fits with scikit-learn.

Every method here takes the random draws it needs (bootstrap rows, reference data sets, starting
centers) from its caller, who hands the same draws to R (:mod:`pyseg.engines._stability_r`), so
that both languages refit the same data from the same starts:

- K-Means: ``KMeans(init=start, n_init=1, tol=0, algorithm="lloyd")`` from each start, the lowest
  WCSS kept (a later start must be lower by :data:`START_TIE` relative, else the first is kept);
  R runs ``kmeans(X, start, algorithm = "Lloyd")`` with the same rule.
- hierarchical: scipy's linkage cut to exactly k clusters (R: ``hclust`` + ``cutree``).
- PAM: ``kmedoids.pam(D, k, init="build")`` on the Euclidean distances (R: ``cluster::pam(dist(X),
  k)``), BUILD then SWAP in both: deterministic given the data, so no draws are shared.
- Gaussian mixture: EM from a starting partition, mclust's ``hclass(hc(X), k)`` computed by R
  (``gmm_bootstrap_starts``, ``gmm_gap_starts``) and handed to both sides, as ``compare --method
  gmm --mode exact`` does: scikit-learn's ``GaussianMixture`` from that partition's M-step, no
  covariance regularisation (R: ``mclust::me`` to ``tol = 1e-12``); the most probable component
  of each row (ties: the first) is its cluster. The two libraries stop EM by different rules
  (scikit-learn: the change of the mean log-likelihood; mclust: the relative change of the
  total), and a slowly converging fit stopped one or seven steps apart leaves parameters ~1e-6
  apart, enough to move a row lying on a boundary (seen once in 77 fits of the course file's
  gap). So the iteration count is shared too: R reports how many iterations ``me`` took from
  the start (:class:`GmmStart`), and scikit-learn runs exactly as many (``max_iter`` one fewer,
  ``tol=0``: its count leaves out the M-step of the start, which ``me`` counts; measured: the
  parameters then agree to 4e-14).

Jaccards follow ``fpc::clusterboot`` (``clujaccard``, 0/0 = 0); dispersions follow
``cluster::clusGap``'s ``W.k``. scikit-learn and scipy are imported inside the methods.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pyseg._course import CourseSettings
from pyseg._errors import InputError
from pyseg._gower import euclidean_distances
from pyseg.methods.gmm._base import partition_parameters
from pyseg.methods.hierarchical._python import (
    ScipyHierarchicalEngine,
    cut_tree_exactly,
    linkage_matrix,
)
from pyseg.methods.kmeans._python import SklearnEngine, one_thread

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: Relative WCSS margin by which a later start must beat the best one so far to replace it
#: (the same in ``r_reference/stability.R`` and ``gap.R``).
START_TIE = 1e-9
#: Clusters up to this size use scipy's ``pdist``; larger ones are summed in blocks of rows.
PDIST_ROWS = 3000
#: Iteration cap of the Lloyd refits (as exact mode's).
LLOYD_MAX_ITER = 1000


def best_lloyd(X: NDArray[np.float64], starts: NDArray[np.float64],
               max_iter: int = LLOYD_MAX_ITER) -> tuple[NDArray[np.int64], float]:
    """Lloyd from each start of ``starts`` (S, k, d); the labels and WCSS of the best.

    Call inside :func:`~pyseg.engines.one_thread` (the callers here do, once per batch).
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


def pam_labels(D: NDArray[np.float64], k: int) -> NDArray[np.int64]:
    """``kmedoids.pam(D, k, init="build")`` (BUILD + SWAP, as ``cluster::pam``): its labels."""
    import kmedoids

    result = kmedoids.pam(D, int(k), init="build", max_iter=1000)
    return np.asarray(result.labels, dtype=np.int64)


@dataclass(frozen=True)
class GmmStart:
    """What both languages' EM share for one Gaussian-mixture refit.

    Attributes
    ----------
    partition : ndarray of shape (n,), dtype int64
        mclust's starting partition ``hclass(hc(X), k)``, 0-based.
    iterations : int
        The EM iterations ``mclust::me`` took from it to ``tol = 1e-12`` (its count includes
        the M-step of the start).
    """

    partition: NDArray[np.int64]
    iterations: int


def gmm_labels(X: NDArray[np.float64], k: int, start: GmmStart,
               covariance: str = "full") -> NDArray[np.int64]:
    """EM from ``start.partition`` for ``start.iterations`` mclust iterations (scikit-learn's
    ``max_iter`` one fewer, ``tol=0``); each row's most probable component.

    Raises
    ------
    InputError
        The mixture cannot be fitted (a start cluster of one row, a singular covariance).
    """
    import warnings

    from sklearn.mixture import GaussianMixture

    try:
        weights, means, covariances = partition_parameters(X, start.partition, k, covariance)
        precisions = (np.linalg.inv(covariances) if covariance in ("full", "tied")
                      else 1.0 / covariances)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tol=0: scikit-learn warns it did not converge
            model = GaussianMixture(
                n_components=k, covariance_type=covariance, weights_init=weights,
                means_init=means, precisions_init=precisions, reg_covar=0.0, tol=0.0,
                max_iter=max(1, start.iterations - 1)).fit(X)
    except ValueError as error:
        raise InputError(f"scikit-learn's EM failed on {X.shape[0]} rows with {k} components "
                         f"({str(error).splitlines()[0]}): use a smaller k") from None
    return np.argmax(model.predict_proba(X), axis=1).astype(np.int64)


def max_jaccard(original: NDArray[np.int64], found: NDArray[np.int64], k: int) -> NDArray[
        np.float64]:
    """For each original cluster 0..k-1, the largest Jaccard with a cluster of ``found``.

    ``original`` holds the resampled rows' labels in the original partition, ``found`` their
    labels in the refit; fpc's ``clujaccard`` with ``zerobyzero = 0``.
    """
    clusters = np.unique(found)
    code = np.searchsorted(clusters, found)
    table = np.zeros((k, clusters.size), dtype=np.int64)
    np.add.at(table, (original, code), 1)
    union = table.sum(axis=1)[:, None] + table.sum(axis=0)[None, :] - table
    with np.errstate(invalid="ignore", divide="ignore"):
        jaccard = np.where(union > 0, table / np.maximum(union, 1), 0.0)
    return jaccard.max(axis=1)


def _pair_sum(xs: NDArray[np.float64], d_power: int) -> float:
    """Sum of pairwise distances^d_power among the rows of ``xs``, each pair once."""
    from scipy.spatial.distance import cdist, pdist

    n = xs.shape[0]
    if n < 2:
        return 0.0
    metric = "sqeuclidean" if d_power == 2 else "euclidean"
    if n <= PDIST_ROWS:
        values = pdist(xs, metric)
        return float(np.sum(values if d_power in (1, 2) else values ** d_power))
    total = 0.0
    for start in range(0, n, 1000):
        block = cdist(xs[start:start + 1000], xs, metric)
        total += float(np.sum(block if d_power in (1, 2) else block ** d_power))
    return total / 2.0


def within_dispersion(X: NDArray[np.float64], labels: NDArray[np.int64], d_power: int) -> float:
    """``cluster::clusGap``'s W_k: 0.5 * sum over clusters of pair sums / cluster size."""
    total = 0.0
    for cluster in np.unique(labels):
        members = X[labels == cluster]
        total += _pair_sum(members, d_power) / members.shape[0]
    return 0.5 * total


class PythonResampleEngine:
    """The Python side of ``pyseg stability`` and ``pyseg gap`` (R:
    :class:`~pyseg.engines.RResampleEngine`)."""

    name = "python"

    def seed_sweep(self, X: NDArray[np.float64], k: int, seeds: Sequence[int], starts: int,
                   max_iter: int = 300) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
        """The course fit ``KMeans(k, n_init=starts, random_state=seed)`` for every seed.

        Returns WCSS per seed and labels (n_samples, len(seeds)).
        """
        engine = SklearnEngine()
        fits = [engine.fit(X, k, CourseSettings(int(seed), starts, max_iter)) for seed in seeds]
        return (np.asarray([fit.wcss for fit in fits], dtype=np.float64),
                np.column_stack([fit.labels for fit in fits]).astype(np.int64))

    def fit_partition(self, X: NDArray[np.float64], k: int, method: str,
                      starts: NDArray[np.float64] | None, linkage: str = "ward",
                      partition: GmmStart | None = None,
                      covariance: str = "full") -> NDArray[np.int64]:
        """One partition: best Lloyd of ``starts`` (K-Means), the hierarchical cut, PAM, or EM
        from the starting ``partition`` (gmm)."""
        if method == "kmeans":
            assert starts is not None
            with one_thread():
                return best_lloyd(X, starts)[0]
        if method == "pam":
            return pam_labels(euclidean_distances(X), k)
        if method == "gmm":
            assert partition is not None
            with one_thread():
                return gmm_labels(X, k, partition, covariance)
        return ScipyHierarchicalEngine().fit(X, k, linkage).labels

    def bootstrap_jaccard(self, X: NDArray[np.float64], k: int, original: NDArray[np.int64],
                          index: Sequence[NDArray[np.int64]],
                          starts: NDArray[np.float64] | None, method: str = "kmeans",
                          linkage: str = "ward",
                          partitions: Sequence[GmmStart] | None = None,
                          covariance: str = "full") -> NDArray[np.float64]:
        """Max Jaccard per original cluster on each resample: shape (k, len(index)).

        ``index[b]`` holds resample b's distinct rows (0-based); ``starts[b]`` its (S, k, d)
        starting centers (K-Means only); ``partitions[b]`` its starting partition (gmm only).
        """
        jaccard = np.zeros((k, len(index)), dtype=np.float64)
        with one_thread():
            for b, rows in enumerate(index):
                found = self.fit_partition(X[rows], k, method,
                                           None if starts is None else starts[b], linkage,
                                           None if partitions is None else partitions[b],
                                           covariance)
                jaccard[:, b] = max_jaccard(original[rows], found, k)
        return jaccard

    def gap_logw(self, sets: NDArray[np.float64], k_max: int,
                 starts: NDArray[np.float64] | None, method: str = "kmeans",
                 linkage: str = "ward", d_power: int = 1,
                 partitions: Sequence[Sequence[GmmStart]] | None = None,
                 covariance: str = "full") -> NDArray[np.float64]:
        """log W_k, k = 1..k_max, of every data set in ``sets`` (M, n, d): shape (M, k_max).

        ``starts[m, k - 2]`` holds the (S, k_max, d) starts for k clusters on set m, of which
        the first k rows are used (K-Means only); ``partitions[m, k - 2]`` the starting
        partition for k components on set m (gmm only).
        """
        logw = np.zeros((sets.shape[0], k_max), dtype=np.float64)
        with one_thread():
            for m, X in enumerate(sets):
                tree = linkage_matrix(X, linkage) if method == "hierarchical" else None
                D = euclidean_distances(X) if method == "pam" else None
                for k in range(1, k_max + 1):
                    if k == 1:
                        labels = np.zeros(X.shape[0], dtype=np.int64)
                    elif tree is not None:
                        labels = cut_tree_exactly(tree, k)
                    elif D is not None:
                        labels = pam_labels(D, k)
                    elif method == "gmm":
                        assert partitions is not None
                        labels = gmm_labels(X, k, partitions[m][k - 2], covariance)
                    else:
                        assert starts is not None
                        labels = best_lloyd(X, starts[m, k - 2, :, :k, :])[0]
                    logw[m, k - 1] = np.log(within_dispersion(X, labels, d_power))
        return logw

    def version(self) -> str | None:
        return SklearnEngine().version()
