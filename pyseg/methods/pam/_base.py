"""What pyseg asks of a PAM (k-medoids) engine, and what it gives back.

=====================  =====================================================================
``_python``            :class:`KmedoidsPamEngine`: ``kmedoids.pam(D, k, init="build")`` on
                       pyseg's float64 Gower or Euclidean distances
``_r``                 :class:`RPamEngine`: ``cluster::pam(daisy(df, metric = "gower"), k)``
                       or ``cluster::pam(dist(X), k)``
=====================  =====================================================================

Labels are 0-based; medoids are 0-based row numbers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from pyseg._errors import InputError
from pyseg.methods._base import Fit, MethodEngine, check_choice

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from pyseg._gower import MixedColumns

#: PAM's distances.
DISTANCES: tuple[str, ...] = ("euclidean", "gower")
#: From this many rows on PAM is refused: Python holds the n x n matrix (n^2 doubles: 3.0 GiB at
#: 20,000 rows), R several copies of ``dist``'s n(n - 1)/2 (see R_BYTES_PER_PAIR), and both
#: run O(k n^2) swaps.
MAX_PAM_ROWS = 20_000
#: R's peak memory above its baseline per n^2, measured (the benchmarks' PAM rows, R 4.2.2, cluster
#: 2.1.4, 5,000 and 10,000 rows: it grows as n^2): ``cluster::pam(dist(X))`` 15 bytes,
#: ``cluster::pam(daisy(df, "gower"))`` 34 bytes (daisy builds full n x n matrices on the way).
R_BYTES_PER_PAIR: dict[str, float] = {"euclidean": 15.0, "gower": 34.0}
#: R hands its distances back (for max |dD|) up to this many rows.
MAX_DISTANCE_CHECK_ROWS = 3_000


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
class PamFit(Fit):
    """One PAM fit (cluster ``j`` is the cluster of medoid ``medoids[j]``).

    Attributes
    ----------
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
    def n_clusters(self) -> int:
        return int(self.medoids.size)

    def own_dict(self) -> dict[str, Any]:
        return {"medoid_rows": self.medoids.tolist(), "loss": self.loss,
                "objective": self.objective}


@runtime_checkable
class PamEngine(MethodEngine, Protocol):
    """PAM (BUILD + SWAP) in one language."""

    def fit(self, data: PamData, k: int) -> PamFit:
        """Cluster ``data`` around ``k`` medoids."""
        ...


def check_distance(distance: str) -> str:
    """``distance`` if known, else one-line :class:`~pyseg.InputError`."""
    return check_choice("--distance", distance, DISTANCES, "unknown distance; ")


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

