"""What pyseg asks of a hierarchical-clustering engine, and what it gives back.

=========================  ==================================================================
``_python``                :class:`ScipyHierarchicalEngine`: scipy ``linkage`` (fastcluster's
                           ``linkage_vector`` for ward on many rows) cut to exactly k clusters
``_r``                     :class:`RHierarchicalEngine`: ``hclust(dist(X))`` + ``cutree``
                           (``fastcluster::hclust.vector`` for ward on many rows)
=========================  ==================================================================

Labels are 0-based.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from pyseg._errors import InputError
from pyseg._io import json_ready
from pyseg.methods._base import Fit, MethodEngine, check_choice

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: Linkages both languages offer under these names (R: ``"ward.D2"`` for ward).
LINKAGES: tuple[str, ...] = ("ward", "complete", "average", "single")
#: R's ``hclust`` method for each linkage.
R_HCLUST_METHOD: dict[str, str] = {"ward": "ward.D2", "complete": "complete",
                                   "average": "average", "single": "single"}
#: From this many rows on, ward runs on the O(n)-memory route (fastcluster's ``linkage_vector``
#: / ``hclust.vector``) on both sides. Below, it runs the course's own calls (scipy ``linkage``,
#: ``hclust(dist(X), "ward.D2")``). Measured on ``pyseg synth`` data (benchmarks/methods.py):
#: at 10,000 rows the matrix route costs 4-5 s and ~1 GB per side (1.7 GiB for ``compare``) and,
#: the data being integers with many tied distances, scipy and hclust break ties differently
#: (agreement 0.999 at k = 5, 0.71 at k = 8 on 5,000 rows); the vector route takes 0.3 s / 1-2 s
#: and ~230 MiB, and is the same algorithm on both sides, so partitions and heights are equal.
VECTOR_WARD_ROWS = 5_000
#: The other linkages need every pairwise distance; refused from this many rows on (n(n - 1)/2
#: doubles: 3.2 GB at 30,000 rows).
MAX_MATRIX_ROWS = 30_000


@dataclass(frozen=True)
class HierarchicalFit(Fit):
    """One hierarchical clustering cut to ``k`` clusters (its labels numbered in order of first
    appearance, ``cutree``'s order).

    Attributes
    ----------
    heights : ndarray of shape (n_samples - 1,), dtype float64
        Merge heights in merge order (non-decreasing for these linkages).
    linkage_matrix : ndarray of shape (n_samples - 1, 4), dtype float64
        The tree in scipy's convention (R's ``merge`` converted): merged ids, height, size.
    linkage : str
        One of :data:`LINKAGES`.
    route : str
        ``"matrix"`` (all pairwise distances) or ``"vector"`` (fastcluster, O(n) memory).
    fcluster_clusters : int or None
        Python only: how many clusters scipy's ``fcluster(Z, k, "maxclust")`` would have given
        (fewer than ``k`` when heights tie at the cut); None for R, whose ``cutree`` always gives k.
    """

    engine: str
    labels: NDArray[np.int64]
    heights: NDArray[np.float64]
    linkage_matrix: NDArray[np.float64]
    linkage: str
    route: str
    fcluster_clusters: int | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def sorted_heights(self) -> NDArray[np.float64]:
        return np.sort(self.heights)

    def own_dict(self) -> dict[str, Any]:
        settings = ({"linkage": self.linkage, "route": self.route} if self.engine == "python"
                    else {"method": R_HCLUST_METHOD[self.linkage], "route": self.route})
        result: dict[str, Any] = {
            "heights_top": json_ready(self.sorted_heights[-self.n_clusters:][::-1]),
            "settings": settings}
        if self.fcluster_clusters is not None:
            result["fcluster_clusters"] = self.fcluster_clusters
        return result


@runtime_checkable
class HierarchicalEngine(MethodEngine, Protocol):
    """Agglomerative hierarchical clustering in one language."""

    def fit(self, X: NDArray[np.float64], k: int, linkage: str = "ward") -> HierarchicalFit:
        """Build the tree of ``X`` with ``linkage`` and cut it into exactly ``k`` clusters."""
        ...


def check_linkage(linkage: str) -> str:
    """``linkage`` if known, else one-line :class:`~pyseg.InputError`."""
    return check_choice("--linkage", linkage, LINKAGES, "unknown linkage; ")


def use_vector_route(n_rows: int, linkage: str) -> bool:
    """True when ward runs on fastcluster's O(n)-memory route (both languages alike)."""
    return linkage == "ward" and n_rows >= VECTOR_WARD_ROWS


def choose_route(route: str, n_rows: int, linkage: str) -> str:
    """The route an engine set to ``route`` (``"auto"``, ``"matrix"`` or ``"vector"``) takes for
    ``n_rows`` rows; the matrix route is refused when too large (:func:`check_matrix_size`)."""
    if route == "vector" or (route == "auto" and use_vector_route(n_rows, linkage)):
        return "vector"
    check_matrix_size(n_rows, linkage)
    return "matrix"


def check_matrix_size(n_rows: int, linkage: str, source: str = "the data") -> None:
    """Refuse a pairwise-distance linkage too large for memory, with the way out."""
    if linkage != "ward" and n_rows >= MAX_MATRIX_ROWS:
        gib = n_rows * (n_rows - 1) / 2 * 8 / 2**30
        raise InputError(f"{source}: {n_rows} rows need {gib:.1f} GiB of pairwise distances for "
                         f"{linkage} linkage; use --linkage ward (O(n) memory) or fewer rows")


def merge_to_linkage(merge: NDArray[np.int64], heights: NDArray[np.float64]) -> NDArray[np.float64]:
    """R's ``hclust`` tree (``merge``, ``height``) as a scipy linkage matrix.

    R numbers row ``i`` (1-based) as ``-i`` and the cluster formed at merge ``j`` as ``j``;
    scipy numbers row ``i`` (0-based) as ``i`` and the cluster of merge ``j`` (0-based) as
    ``n + j``, and its fourth column counts the rows under each merge.
    """
    merge = np.asarray(merge, dtype=np.int64).reshape(-1, 2)
    n = merge.shape[0] + 1
    ids = np.where(merge < 0, -merge - 1, merge - 1 + n)
    sizes = np.ones(2 * n - 1, dtype=np.float64)
    for j in range(n - 1):
        sizes[n + j] = sizes[ids[j, 0]] + sizes[ids[j, 1]]
    Z = np.empty((n - 1, 4), dtype=np.float64)
    Z[:, :2] = np.sort(ids, axis=1)
    Z[:, 2] = np.asarray(heights, dtype=np.float64)
    Z[:, 3] = sizes[n:]
    return Z
