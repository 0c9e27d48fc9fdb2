"""What pyseg asks of a DBSCAN engine (scikit-learn's ``DBSCAN`` in ``_python``,
``dbscan::dbscan`` in ``_r``), and what it gives back. Noise is :data:`NOISE` (-1) on both sides
(R's cluster 0 is mapped)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from pyseg._errors import InputError
from pyseg.methods._base import Fit, MethodEngine

if TYPE_CHECKING:
    from numpy.typing import NDArray


#: pyseg's (and scikit-learn's) label of DBSCAN noise; R's ``dbscan`` says 0.
NOISE = -1


@dataclass(frozen=True)
class DbscanFit(Fit):
    """One DBSCAN fit (its labels :data:`NOISE`, -1, for noise).

    Attributes
    ----------
    core : ndarray of shape (n_samples,), dtype bool
        Core points (at least ``min_points`` rows, itself included, within ``eps``).
    eps : float
    min_points : int
    """

    engine: str
    labels: NDArray[np.int64]
    core: NDArray[np.bool_]
    eps: float
    min_points: int
    warnings: tuple[str, ...] = field(default=())

    @property
    def n_noise(self) -> int:
        return int((self.labels == NOISE).sum())

    def own_dict(self) -> dict[str, Any]:
        return {"n_clusters": self.n_clusters, "n_noise": self.n_noise,
                "n_core": int(self.core.sum())}


@runtime_checkable
class DbscanEngine(MethodEngine, Protocol):
    """DBSCAN in one language."""

    def fit(self, X: NDArray[np.float64], eps: float, min_points: int) -> DbscanFit:
        """Cluster ``X``; ``min_points`` counts the point itself."""
        ...

    def knn_distances(self, X: NDArray[np.float64], k: int) -> NDArray[np.float64]:
        """Distance of every row to its ``k``-th nearest other row (for choosing eps)."""
        ...

    def predict(self, X: NDArray[np.float64], fit: DbscanFit,
                new: NDArray[np.float64]) -> NDArray[np.int64]:
        """Clusters of new rows by ``dbscan::predict``'s rule (noise -1)."""
        ...


def check_dbscan_parameters(eps: Any, min_points: Any) -> tuple[float, int]:
    """``(eps, min_points)`` as float and int, or one-line :class:`~pyseg.InputError`."""
    try:
        eps_value = float(eps)
    except (TypeError, ValueError):
        raise InputError(f"--eps {eps!r} is not a number; give a distance > 0") from None
    if not np.isfinite(eps_value) or eps_value <= 0:
        raise InputError(f"--eps {eps!r} should be a finite distance > 0")
    if isinstance(min_points, bool) or not isinstance(min_points, int | np.integer):
        raise InputError(f"--min-points {min_points!r} is not an integer; give a count >= 1")
    if int(min_points) < 1:
        raise InputError(f"--min-points {min_points} should be >= 1 (it counts the point itself)")
    return eps_value, int(min_points)
