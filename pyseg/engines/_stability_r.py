"""Resampling in R through rpy2 (``r_reference/stability.R`` and ``gap.R``), on the Python side's
draws, one R call per piece; and the independent checks ``fpc::clusterboot`` and
``cluster::clusGap`` with their own draws."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

import pyseg.r._bridge as _rbridge
from pyseg._errors import REvaluationError, RUnavailableError

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from pyseg.engines._stability_python import Resampler

_STABILITY = "stability.R"
_GAP = "gap.R"
#: ``cluster::maxSE``'s rules, in its order.
MAXSE_RULES: tuple[str, ...] = ("firstSEmax", "Tibs2001SEmax", "globalSEmax", "firstmax",
                                "globalmax")


def _matrix(X: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asfortranarray(X, dtype=np.float64)


def _vector(value: Any) -> NDArray[Any]:
    return np.asarray(value).reshape(-1)


def index_table(n: int, index: Sequence[NDArray[np.int64]]) -> tuple[NDArray[np.int64],
                                                                       NDArray[np.int64]]:
    """Resamples' rows as R gets them: an n x B matrix of 1-based rows (column b's first
    ``lengths[b]`` entries) and the lengths."""
    lengths = np.asarray([rows.size for rows in index], dtype=np.int64)
    table = np.zeros((n, len(index)), dtype=np.int64)
    for b, rows in enumerate(index):
        table[:rows.size, b] = rows + 1  # R counts from 1
    return np.asfortranarray(table), lengths


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
                          index: Sequence[NDArray[np.int64]], fit: Resampler,
                          draws: Sequence[Any] | None = None
                          ) -> tuple[NDArray[np.int64], NDArray[np.float64], int]:
        """R's original partition (0-based), its Jaccards (k, B) and failed starts.

        ``draws``: B + 1 draws of ``fit``'s method, [0] the original fit's, [b + 1] resample b's.
        """
        table, lengths = index_table(X.shape[0], index)
        value, _ = _rbridge.r_call(_STABILITY, "bootstrap_jaccard", _matrix(X), int(k), table,
                                   lengths, **fit.r_options(),
                                   **({} if draws is None else fit.r_draws(draws, X.shape[0])))
        jaccard = np.asarray(value["jaccard"], dtype=np.float64).reshape(k, len(index))
        return (_vector(value["cluster"]).astype(np.int64) - 1, jaccard,
                int(_vector(value["failed"])[0]))

    def gap_logw(self, sets: NDArray[np.float64], k_max: int, fit: Resampler,
                 draws: Sequence[Any] | None = None, d_power: int = 1
                 ) -> tuple[NDArray[np.float64], int]:
        """log W_k (M, k_max) of every data set in ``sets`` (M, n, d), and failed starts;
        ``draws[m]``: set m's draws of ``fit``'s method."""
        M = sets.shape[0]
        value, _ = _rbridge.r_call(_GAP, "gap_logw", np.asfortranarray(sets.transpose(1, 2, 0)),
                                   int(k_max), d_power=int(d_power), **fit.r_options(),
                                   **({} if draws is None else fit.r_gap_draws(draws)))
        logw = np.asarray(value["logw"], dtype=np.float64).reshape(M, k_max)
        return logw, int(_vector(value["failed"])[0])

    def call(self, script: str, function: str, *args: Any, **kwargs: Any) -> Any:
        """Another function of ``stability.R`` or ``gap.R`` (a method's draws made by R)."""
        return _rbridge.r_call(script, function, *args, **kwargs)[0]

    def max_se(self, gap: NDArray[np.float64], se: NDArray[np.float64]) -> dict[str, int]:
        """``cluster::maxSE``'s k under each rule, on the given gap values and SEs."""
        value, _ = _rbridge.r_call(_GAP, "max_se_rules", np.asarray(gap, dtype=np.float64),
                                   np.asarray(se, dtype=np.float64))
        return dict(zip(MAXSE_RULES, (int(v) for v in _vector(value)), strict=True))

    def clusterboot(self, X: NDArray[np.float64], k: int, B: int, seed: int,
                    fit: Resampler) -> dict[str, Any]:
        """``fpc::clusterboot`` with its own draws: partition (0-based), bootresult (k, B).

        When R fails (say mclust cannot fit a resample), ``{"unavailable": R's message}``.
        """
        self.check_ready(fpc=True)
        try:
            value, warnings = _rbridge.r_call(
                _STABILITY, "clusterboot_check", _matrix(X), int(k), int(B), int(seed),
                nstart=int(fit.starts), **fit.r_options())
        except REvaluationError as error:
            return {"unavailable": str(error)}
        return {"partition": _vector(value["partition"]).astype(np.int64) - 1,
                "bootresult": np.asarray(value["bootresult"], dtype=np.float64).reshape(k, B),
                "bootmean": _vector(value["bootmean"]).astype(np.float64),
                "warnings": warnings}

    def clusgap(self, X: NDArray[np.float64], k_max: int, B: int, seed: int, fit: Resampler,
                d_power: int = 1, space: str = "scaledPCA") -> dict[str, Any]:
        """``cluster::clusGap`` with its own draws: its table (k_max, 4) and k per rule.

        When R fails (say Mclust cannot fit a reference set), ``{"unavailable": R's message}``.
        """
        try:
            value, warnings = _rbridge.r_call(
                _GAP, "clusgap_check", _matrix(X), int(k_max), int(B), int(seed),
                nstart=int(fit.starts), d_power=int(d_power), space=space, **fit.r_options())
        except REvaluationError as error:
            return {"unavailable": str(error)}
        rules = dict(zip(MAXSE_RULES, (int(v) for v in _vector(value["rules"])), strict=True))
        return {"tab": np.asarray(value["tab"], dtype=np.float64).reshape(k_max, 4),
                "rules": rules, "warnings": warnings}

    def check_ready(self, fpc: bool = False, fit: Resampler | None = None) -> None:
        """Load R; with ``fpc``, also check R's ``fpc`` package (clusterboot); the R package
        ``fit``'s method needs, if any."""
        _rbridge.r_version()
        needed = [] if fit is None or fit.r_package is None else [
            (*fit.r_package, f"--method {fit.method}")]
        if fpc:
            needed.append((_STABILITY, "fpc_available", "fpc", "clusterboot"))
        for script, function, package, purpose in needed:
            available, _ = _rbridge.r_call(script, function)
            if not int(_vector(available)[0]):
                raise RUnavailableError(f"the R package '{package}' is not installed (needed for "
                                        f"{purpose}): run `sudo apt-get install -y "
                                        f"r-cran-{package}`")

    def version(self) -> str | None:
        return _rbridge.r_version()
