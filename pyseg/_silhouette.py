"""Silhouette widths computed by scikit-learn and by R's ``cluster::silhouette``.

Both follow Rousseeuw (1987) on Euclidean distances, so the same labels must give the same widths
up to floating-point rounding (pyseg checks 1e-12). A silhouette needs at least two clusters and
fewer clusters than rows; outside that range both functions return ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyseg._errors import RUnavailableError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray

#: The Debian package that provides R's ``cluster`` (silhouette, clusplot).
CLUSTER_FIX = "sudo apt-get install -y r-cran-cluster"


@dataclass(frozen=True)
class Silhouette:
    """Silhouette widths of one partition.

    Attributes
    ----------
    widths : ndarray of shape (n_samples,)
        Width of every row, in the row order of the data.
    mean : float
        Average width (scikit-learn's ``silhouette_score``, R's ``summary(sil)$avg.width``).
    """

    widths: NDArray[np.float64]
    mean: float


def _defined_for(labels: NDArray[np.int64]) -> bool:
    import numpy as np

    n_clusters = np.unique(labels).size
    return 2 <= n_clusters <= labels.size - 1


def silhouette_python(X: NDArray[np.float64], labels: ArrayLike) -> Silhouette | None:
    """Silhouette by :func:`sklearn.metrics.silhouette_samples`; ``None`` if undefined.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)
        Integer cluster labels in any coding.
    """
    import numpy as np
    from sklearn.metrics import silhouette_samples

    labels = np.asarray(labels, dtype=np.int64)
    if not _defined_for(labels):
        return None
    widths = np.asarray(silhouette_samples(X, labels), dtype=np.float64)
    return Silhouette(widths=widths, mean=float(widths.mean()))


def require_r_cluster() -> None:
    """Raise :class:`RUnavailableError` with the fix when R's ``cluster`` package is missing."""
    from pyseg._rbridge import r_call

    available, _ = r_call("elbow.R", "cluster_available")
    if not int(available[0]):
        raise RUnavailableError(
            f"the R package 'cluster' is not installed (needed for silhouettes and clusplot): "
            f"run `{CLUSTER_FIX}`"
        )


def silhouette_r(X: NDArray[np.float64], labels: ArrayLike) -> Silhouette | None:
    """Silhouette by R's ``cluster::silhouette(labels, dist(X))``; ``None`` if undefined.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)
        Integer cluster labels in any coding.

    Raises
    ------
    RUnavailableError
        R, rpy2 or the ``cluster`` package is missing.
    """
    import numpy as np

    from pyseg._rbridge import r_call

    labels = np.asarray(labels, dtype=np.int64)
    if not _defined_for(labels):
        return None
    require_r_cluster()
    value, _ = r_call("elbow.R", "silhouette_widths", np.asarray(X, dtype=np.float64), labels)
    widths = np.asarray(value["widths"], dtype=np.float64)
    return Silhouette(widths=widths, mean=float(np.asarray(value["mean"])[0]))
