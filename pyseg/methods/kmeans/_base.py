"""What pyseg asks of a clustering engine, and what an engine gives back.

An engine is one method in one language (scikit-learn's K-Means, R's ``kmeans``...). Everything
outside :mod:`pyseg.engines` sees engines only through :class:`KMeansEngine` and the plain result
types here: alignment, metrics, reports and the shell never know which language answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from pyseg._course import CourseSettings
from pyseg._io import json_ready
from pyseg.methods._base import Fit, MethodEngine

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: ``pyseg elbow`` modes: each language's course code, or the same starts on both sides.
ELBOW_MODES = ("course", "matched")


@dataclass(frozen=True)
class FitResult(Fit):
    """One K-Means fit (:class:`~pyseg.methods._base.Fit`: ``engine``, ``labels``, ``warnings``).

    Attributes
    ----------
    centers : ndarray of shape (n_clusters, n_features), dtype float64
        Cluster centers in the engine's own numbering.
    wcss : float
        Within-cluster sum of squares (scikit-learn's ``inertia_``, R's ``tot.withinss``).
    n_iter : int
        Iterations of the best run.
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

    def own_dict(self) -> dict[str, Any]:
        return {"centers": json_ready(self.centers), "wcss": self.wcss, "n_iter": self.n_iter}


@dataclass(frozen=True)
class ElbowFits:
    """One language's elbow: a fit per k.

    Attributes
    ----------
    k_values : tuple of int
        In the order asked.
    wcss : ndarray of shape (len(k_values),)
    labels : ndarray of shape (n_samples, len(k_values)), dtype int64
        0-based labels; column ``i`` is the partition for ``k_values[i]``.
    warnings : tuple of str
    """

    k_values: tuple[int, ...]
    wcss: NDArray[np.float64]
    labels: NDArray[np.int64]
    warnings: tuple[str, ...] = ()


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


def silhouette_defined(labels: NDArray[np.int64]) -> bool:
    """A silhouette needs at least two clusters and fewer clusters than rows."""
    n_clusters = np.unique(labels).size
    return 2 <= n_clusters <= labels.size - 1


@runtime_checkable
class KMeansEngine(MethodEngine, Protocol):
    """K-Means in one language, and the few things around it pyseg compares.

    Python: :class:`~pyseg.engines.SklearnEngine`. R: :class:`~pyseg.engines.REngine` (in this
    process), :class:`~pyseg.engines.RWorkerEngine` (in a child process) and
    :class:`~pyseg.engines.RecordedREngine` (answers recorded earlier by R).
    """

    def fit(self, X: NDArray[np.float64], k: int, settings: CourseSettings) -> FitResult:
        """Fit ``k`` clusters the way the course does (random starts, best WCSS kept)."""
        ...

    def fit_from(self, X: NDArray[np.float64], initial_centers: NDArray[np.float64],
                 max_iter: int) -> FitResult:
        """Run plain Lloyd iterations from the given centers until no label changes."""
        ...

    def elbow(self, X: NDArray[np.float64], k_values: tuple[int, ...], mode: str,
              starts: int) -> ElbowFits:
        """The elbow's fits: the course's loop (``mode="course"``) or ``starts`` starts per k."""
        ...

    def silhouette(self, X: NDArray[np.float64], labels: NDArray[np.int64]) -> Silhouette | None:
        """Silhouette widths of a partition on Euclidean distances; None where undefined."""
        ...

    def nearest_center(
        self, X: NDArray[np.float64], centers: NDArray[np.float64]
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """0-based index of, and Euclidean distance to, the nearest center of every row."""
        ...

    def version(self) -> str | None:
        """The language's version, e.g. ``"R version 4.2.2 ..."`` (None where not known)."""
        ...
