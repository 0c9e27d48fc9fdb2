"""Resampling in Python: seed sweeps, bootstrap refits and gap-statistic fits.

Every refit takes its random draws from its caller, who hands the same draws to R
(:mod:`pyseg.engines._stability_r`). One refit of a method is its :class:`Resampler`; this module
loops over resamples and measures: Jaccards as ``fpc::clusterboot``'s ``clujaccard`` (0/0 = 0),
dispersions as ``cluster::clusGap``'s ``W.k``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from pyseg._course import CourseSettings
from pyseg.methods import part
from pyseg.methods.kmeans._python import SklearnEngine, one_thread

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from pyseg.engines._stability_r import RResampleEngine

#: Clusters up to this size use scipy's ``pdist``; larger ones are summed in blocks of rows.
PDIST_ROWS = 3000


@dataclass(frozen=True)
class Resampler:
    """What stability and gap need of one method with a k, with the run's settings.

    Each such method's ``_compare`` module subclasses it as ``Resample``; :func:`resampler`
    makes one. Draws are per fit: for the bootstrap B + 1 ([0] the original data's), for the gap
    one per data set (that set's draws for k = 2..K); None when the method needs none.
    """

    method: str
    linkage: str = "ward"
    covariance: str = "full"
    starts: int = 10

    #: (R script, its availability check, R package) the method needs beyond base R, or None.
    r_package: ClassVar[tuple[str, str, str] | None] = None
    #: Whether the draws come from one R call (one more progress step).
    draws_from_r: ClassVar[bool] = False
    #: Templates of ``str.format`` with ``self`` (and ``k``, the first two): the stability
    #: summary's words for the refit; ``fpc::clusterboot``'s clustermethod and its arguments;
    #: ``cluster::clusGap``'s FUNcluster, as R code to show; what both languages share beside
    #: the gap's reference sets (None: not in the JSON).
    method_words: ClassVar[str]
    clusterboot_method: ClassVar[str]
    clusgap_code: ClassVar[str]
    gap_shared: ClassVar[str | None] = None

    def check_settings(self) -> None:
        """Refuse a bad value of the method's own setting (one-line InputError), whichever
        method runs: every setting is a flag of both commands."""

    def check_data(self, X: NDArray[np.float64], source: str) -> None:
        """Refuse data the method cannot refit (one-line InputError)."""

    def bootstrap_draws(self, X: NDArray[np.float64], k: int, rows: Sequence[NDArray[np.int64]],
                        rng: np.random.Generator, r_engine: RResampleEngine) -> list[Any] | None:
        return None

    def gap_draws(self, sets: NDArray[np.float64], k_max: int, rng: np.random.Generator,
                  r_engine: RResampleEngine) -> list[Any] | None:
        return None

    def labels(self, X: NDArray[np.float64], k: int, draw: Any) -> NDArray[np.int64]:
        """The Python partition of one fit (0-based), from its draw."""
        raise NotImplementedError

    def numbered_as_compare(self, X: NDArray[np.float64], k: int,
                            labels: NDArray[np.int64]) -> NDArray[np.int64]:
        """The original fit's ``labels`` renumbered as ``compare`` numbers the same clusters
        (every command shows a segment under one number); by default they already are."""
        return labels

    def gap_labels(self, X: NDArray[np.float64], k_max: int,
                   draw: Any) -> Iterator[NDArray[np.int64]]:
        """The partitions of one data set for k = 2..k_max."""
        for k in range(2, k_max + 1):
            yield self.labels(X, k, None if draw is None else draw[k - 2])

    def gap_partitions(self, sets: NDArray[np.float64], k_max: int,
                       draws: Sequence[Any] | None) -> list[list[NDArray[np.int64]]]:
        """The partitions of every set of ``sets`` (M, n, d) for k = 2..k_max: ``[m][k - 2]``
        (a method may fit all sets at once)."""
        return [list(self.gap_labels(X, k_max, None if draws is None else draws[m]))
                for m, X in enumerate(sets)]

    def r_draws(self, draws: Sequence[Any] | None, n: int) -> dict[str, Any]:
        """Bootstrap draws of some fits (of ``n`` rows at most) as arguments of R's refits."""
        return {}

    def r_gap_draws(self, draws: Sequence[Any] | None) -> dict[str, Any]:
        """Gap draws of some data sets as arguments of R's refits (by default as
        :meth:`r_draws` hands a bootstrap's)."""
        return self.r_draws(draws, 0)

    def r_options(self) -> dict[str, Any]:
        """The method and its settings as arguments of R's refits and checks."""
        return {"method": self.method}

    def json_keys(self) -> dict[str, Any]:
        """Settings the result's JSON adds for this method."""
        return {}

    def method_text(self, k: int) -> str:
        return self.method_words.format(self=self, k=k)

    def clusterboot_call(self, k: int, B: int, seed: int) -> str:
        return (f"fpc::clusterboot(X, B = {B}, bootmethod = 'boot', clustermethod = "
                f"{self.clusterboot_method.format(self=self, k=k)}, seed = {seed})")

    def clusgap_function(self) -> str:
        return self.clusgap_code.format(self=self)

    def gap_draws_text(self) -> str | None:
        return None if self.gap_shared is None else self.gap_shared.format(self=self)


def resampler(method: str, linkage: str = "ward", covariance: str = "full",
              starts: int = 10) -> Resampler:
    """``method``'s :class:`Resampler` (its ``_compare`` module's ``Resample``)."""
    return part(method, "compare").Resample(method, linkage, covariance, starts)


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
    metric: Literal["sqeuclidean", "euclidean"] = "sqeuclidean" if d_power == 2 else "euclidean"
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

    def fit_partition(self, X: NDArray[np.float64], k: int, fit: Resampler,
                      draw: Any = None) -> NDArray[np.int64]:
        """One partition of ``X`` by ``fit``'s method from its ``draw``."""
        with one_thread():
            return fit.labels(X, k, draw)

    def bootstrap_jaccard(self, X: NDArray[np.float64], k: int, original: NDArray[np.int64],
                          index: Sequence[NDArray[np.int64]], fit: Resampler,
                          draws: Sequence[Any] | None = None) -> NDArray[np.float64]:
        """Max Jaccard per original cluster on each resample: shape (k, len(index)).

        ``index[b]`` holds resample b's distinct rows (0-based), ``draws[b]`` its draw.
        """
        jaccard = np.zeros((k, len(index)), dtype=np.float64)
        with one_thread():
            for b, rows in enumerate(index):
                found = fit.labels(X[rows], k, None if draws is None else draws[b])
                jaccard[:, b] = max_jaccard(original[rows], found, k)
        return jaccard

    def gap_logw(self, sets: NDArray[np.float64], k_max: int, fit: Resampler,
                 draws: Sequence[Any] | None = None, d_power: int = 1) -> NDArray[np.float64]:
        """log W_k, k = 1..k_max, of every data set in ``sets`` (M, n, d): shape (M, k_max);
        ``draws[m]``: set m's draws."""
        logw = np.zeros((sets.shape[0], k_max), dtype=np.float64)
        with one_thread():
            partitions = fit.gap_partitions(sets, k_max, draws)
        for m, X in enumerate(sets):  # k = 1: every row in one cluster
            for k, labels in enumerate([np.zeros(X.shape[0], dtype=np.int64), *partitions[m]]):
                logw[m, k] = np.log(within_dispersion(X, labels, d_power))
        return logw

    def version(self) -> str | None:
        return SklearnEngine().version()
