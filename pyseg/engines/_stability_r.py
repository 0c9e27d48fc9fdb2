"""Resampling in R, in this process: ``r_reference/stability.R`` and ``gap.R`` through rpy2.

The same draws as the Python side (:mod:`pyseg.engines._stability_python`) go to R as data: row
numbers, reference data sets and starting centers; R refits and measures with its own code. The
independent checks, ``fpc::clusterboot`` and ``cluster::clusGap`` with their own random draws, are
here too. Each method is one R call, whatever the number of seeds, resamples or references.

Gaussian mixtures start from mclust's own partition, ``hclass(hc(X), k)``: R computes it for the
original data and every resample (``gmm_bootstrap_starts``) or every data set and k
(``gmm_gap_starts``) in one call, and the same partitions go to both languages' EM.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

import pyseg.r._bridge as _rbridge
from pyseg._errors import REvaluationError, RUnavailableError
from pyseg.engines._stability_python import GmmStart
from pyseg.methods.gmm._base import MCLUST_MODELS, R_SUBSET_SEED

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: The Debian package of R's ``fpc`` (clusterboot).
FPC_FIX = "sudo apt-get install -y r-cran-fpc"
_STABILITY = "stability.R"
_GAP = "gap.R"
#: R packages of the methods beyond K-Means and hclust: (script, check function, package).
_METHOD_PACKAGES: dict[str, tuple[str, str, str]] = {
    "pam": ("pam.R", "cluster_available", "cluster"),
    "gmm": ("gmm.R", "mclust_available", "mclust"),
}
#: ``cluster::maxSE``'s rules, in the order ``max_se_rules`` returns them.
MAXSE_RULES: tuple[str, ...] = ("firstSEmax", "Tibs2001SEmax", "globalSEmax", "firstmax",
                                "globalmax")


def _matrix(X: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asfortranarray(X, dtype=np.float64)


def _vector(value: Any) -> NDArray[Any]:
    return np.asarray(value).reshape(-1)


def _index_table(n: int, index: Sequence[NDArray[np.int64]]) -> tuple[NDArray[np.int64],
                                                                       NDArray[np.int64]]:
    """Resamples' rows as R gets them: an n x B matrix of 1-based rows (column b's first
    ``lengths[b]`` entries) and the lengths."""
    lengths = np.asarray([rows.size for rows in index], dtype=np.int64)
    table = np.zeros((n, len(index)), dtype=np.int64)
    for b, rows in enumerate(index):
        table[:rows.size, b] = rows + 1  # R counts from 1
    return np.asfortranarray(table), lengths


def _partition_table(n: int, partitions: Sequence[GmmStart] | None) -> NDArray[np.int64]:
    """Starting partitions (one per fit) as an n x len(partitions) 1-based matrix."""
    if partitions is None:
        return np.zeros((1, 1), dtype=np.int64)
    table = np.zeros((n, len(partitions)), dtype=np.int64)
    for b, start in enumerate(partitions):
        table[:start.partition.size, b] = start.partition + 1
    return np.asfortranarray(table)


class RResampleEngine:
    """The R side of ``pyseg stability`` and ``pyseg gap`` (Python:
    :class:`~pyseg.engines.PythonResampleEngine`), and R's own ``clusterboot`` and ``clusGap``."""

    name = "r"

    def seed_sweep(self, X: NDArray[np.float64], k: int, seeds: Sequence[int], starts: int,
                   max_iter: int = 300) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
        """``set.seed(seed); kmeans(X, k, iter.max, nstart = starts)`` per seed, in one R call.

        Returns WCSS per seed and 0-based labels (n_samples, len(seeds)).
        """
        value, _ = _rbridge.r_call(_STABILITY, "seed_sweep", _matrix(X), int(k),
                                   np.asarray(seeds, dtype=np.int64), nstart=int(starts),
                                   iter_max=int(max_iter))
        clusters = np.asarray(value["clusters"], dtype=np.int64).reshape(X.shape[0], -1)
        return _vector(value["wcss"]).astype(np.float64), clusters - 1

    def bootstrap_jaccard(self, X: NDArray[np.float64], k: int,
                          index: Sequence[NDArray[np.int64]], starts: NDArray[np.float64] | None,
                          method: str = "kmeans", linkage: str = "ward",
                          partitions: Sequence[GmmStart] | None = None,
                          covariance: str = "full"
                          ) -> tuple[NDArray[np.int64], NDArray[np.float64], int]:
        """R's original partition (0-based), its Jaccards (k, B) and failed starts.

        ``starts`` (B + 1, S, k, d), K-Means: [0] for the original fit, [b + 1] for resample b;
        ``partitions`` (B + 1), gmm: the starts in the same order (R runs ``me`` to its own
        tolerance from each, which takes the iterations they record).
        """
        table, lengths = _index_table(X.shape[0], index)
        shared = (np.zeros((len(index) + 1, 1, k, X.shape[1])) if starts is None else starts)
        value, _ = _rbridge.r_call(_STABILITY, "bootstrap_jaccard", _matrix(X), int(k), table,
                                   lengths, np.asfortranarray(shared, dtype=np.float64),
                                   method=method, linkage=linkage,
                                   partitions=_partition_table(X.shape[0], partitions),
                                   model=MCLUST_MODELS[covariance])
        jaccard = np.asarray(value["jaccard"], dtype=np.float64).reshape(k, len(index))
        return (_vector(value["cluster"]).astype(np.int64) - 1, jaccard,
                int(_vector(value["failed"])[0]))

    def gmm_bootstrap_starts(self, X: NDArray[np.float64], k: int,
                             index: Sequence[NDArray[np.int64]], covariance: str = "full"
                             ) -> list[GmmStart]:
        """mclust's starting partition (``hclass(hc(X), k)``) of the original data and of every
        resample and the EM iterations ``me`` takes from it, in one R call: B + 1 starts ([0]
        the original data's)."""
        table, lengths = _index_table(X.shape[0], index)
        value, _ = _rbridge.r_call(_STABILITY, "gmm_bootstrap_starts", _matrix(X), int(k),
                                   table, lengths, modelName=MCLUST_MODELS[covariance],
                                   seed=R_SUBSET_SEED)
        starts = np.asarray(value["starts"], dtype=np.int64).reshape(
            (X.shape[0], len(index) + 1), order="F") - 1
        iterations = _vector(value["iterations"]).astype(np.int64)
        sizes = [X.shape[0], *(rows.size for rows in index)]
        return [GmmStart(starts[:size, b].copy(), int(iterations[b]))
                for b, size in enumerate(sizes)]

    def gmm_gap_starts(self, sets: NDArray[np.float64], k_max: int,
                       covariance: str = "full") -> list[list[GmmStart]]:
        """mclust's starting partitions for k = 2..k_max of every data set in ``sets``
        (M, n, d) and the EM iterations ``me`` takes from each, in one R call:
        ``[m][k - 2]``."""
        M, n, _d = sets.shape
        value, _ = _rbridge.r_call(_GAP, "gmm_gap_starts",
                                   np.asfortranarray(sets.transpose(1, 2, 0)), int(k_max),
                                   modelName=MCLUST_MODELS[covariance], seed=R_SUBSET_SEED)
        starts = np.asarray(value["starts"], dtype=np.int64).reshape((n, k_max - 1, M),
                                                                     order="F") - 1
        iterations = np.asarray(value["iterations"], dtype=np.int64).reshape(
            (k_max - 1, M), order="F")
        return [[GmmStart(starts[:, j, m].copy(), int(iterations[j, m]))
                 for j in range(k_max - 1)] for m in range(M)]

    def gap_logw(self, sets: NDArray[np.float64], k_max: int,
                 starts: NDArray[np.float64] | None, method: str = "kmeans",
                 linkage: str = "ward", d_power: int = 1,
                 partitions: Sequence[Sequence[GmmStart]] | None = None,
                 covariance: str = "full") -> tuple[NDArray[np.float64], int]:
        """log W_k (M, k_max) of every data set in ``sets`` (M, n, d), and failed starts;
        ``partitions[m][k - 2]``: the gmm starts of :meth:`gmm_gap_starts`."""
        M, _n, d = sets.shape
        shared = (np.zeros((M, max(k_max - 1, 1), 1, k_max, d)) if starts is None else starts)
        table = np.zeros((1, 1, 1), dtype=np.int64)
        if partitions is not None:
            table = np.asfortranarray(np.stack(
                [[start.partition + 1 for start in row] for row in partitions]).transpose(2, 1, 0))
        value, _ = _rbridge.r_call(_GAP, "gap_logw", np.asfortranarray(sets.transpose(1, 2, 0)),
                                   int(k_max), np.asfortranarray(shared, dtype=np.float64),
                                   method=method, linkage=linkage, d_power=int(d_power),
                                   partitions=table, model=MCLUST_MODELS[covariance])
        logw = np.asarray(value["logw"], dtype=np.float64).reshape(M, k_max)
        return logw, int(_vector(value["failed"])[0])

    def max_se(self, gap: NDArray[np.float64], se: NDArray[np.float64]) -> dict[str, int]:
        """``cluster::maxSE``'s k under each rule, on the given gap values and SEs."""
        value, _ = _rbridge.r_call(_GAP, "max_se_rules", np.asarray(gap, dtype=np.float64),
                                   np.asarray(se, dtype=np.float64))
        return dict(zip(MAXSE_RULES, (int(v) for v in _vector(value)), strict=True))

    def clusterboot(self, X: NDArray[np.float64], k: int, B: int, seed: int, starts: int,
                    method: str = "kmeans", linkage: str = "ward",
                    covariance: str = "full") -> dict[str, Any]:
        """``fpc::clusterboot`` with its own draws: partition (0-based), bootresult (k, B).

        When R fails (say mclust cannot fit a resample), ``{"unavailable": R's message}``.
        """
        self.check_ready(fpc=True)
        try:
            value, warnings = _rbridge.r_call(
                _STABILITY, "clusterboot_check", _matrix(X), int(k), int(B), int(seed),
                nstart=int(starts), method=method, linkage=linkage,
                model=MCLUST_MODELS[covariance])
        except REvaluationError as error:
            return {"unavailable": str(error)}
        return {"partition": _vector(value["partition"]).astype(np.int64) - 1,
                "bootresult": np.asarray(value["bootresult"], dtype=np.float64).reshape(k, B),
                "bootmean": _vector(value["bootmean"]).astype(np.float64),
                "warnings": warnings}

    def clusgap(self, X: NDArray[np.float64], k_max: int, B: int, seed: int, starts: int,
                d_power: int = 1, space: str = "scaledPCA", method: str = "kmeans",
                linkage: str = "ward", covariance: str = "full") -> dict[str, Any]:
        """``cluster::clusGap`` with its own draws: its table (k_max, 4) and k per rule.

        When R fails (say Mclust cannot fit a reference set), ``{"unavailable": R's message}``.
        """
        try:
            value, warnings = _rbridge.r_call(
                _GAP, "clusgap_check", _matrix(X), int(k_max), int(B), int(seed),
                nstart=int(starts), d_power=int(d_power), space=space, method=method,
                linkage=linkage, model=MCLUST_MODELS[covariance])
        except REvaluationError as error:
            return {"unavailable": str(error)}
        rules = dict(zip(MAXSE_RULES, (int(v) for v in _vector(value["rules"])), strict=True))
        return {"tab": np.asarray(value["tab"], dtype=np.float64).reshape(k_max, 4),
                "rules": rules, "warnings": warnings}

    def check_ready(self, fpc: bool = False, method: str = "kmeans") -> None:
        """Load R; with ``fpc``, also check R's ``fpc`` package (clusterboot); for ``method``
        pam or gmm, R's ``cluster`` or ``mclust``."""
        _rbridge.r_version()
        if method in _METHOD_PACKAGES:
            script, function, package = _METHOD_PACKAGES[method]
            available, _ = _rbridge.r_call(script, function)
            if not int(_vector(available)[0]):
                raise RUnavailableError(f"the R package '{package}' is not installed (needed "
                                        f"for --method {method}): run `sudo apt-get install "
                                        f"-y r-cran-{package}`")
        if fpc:
            available, _ = _rbridge.r_call(_STABILITY, "fpc_available")
            if not int(_vector(available)[0]):
                raise RUnavailableError(f"the R package 'fpc' is not installed (needed for "
                                        f"clusterboot): run `{FPC_FIX}`")

    def version(self) -> str | None:
        return _rbridge.r_version()
