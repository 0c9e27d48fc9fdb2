"""Hierarchical clustering in R, in this process: ``r_reference/hierarchical.R`` through rpy2.

``fit`` is, in R, ``tree <- hclust(dist(X), method = "ward.D2")`` (or the linkage asked) and
``cutree(tree, k)``; for ward from ``VECTOR_WARD_ROWS`` rows on, the tree is
``fastcluster::hclust.vector(X, method = "ward")`` (O(n) memory, the same route as Python's).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

import pyseg.r._bridge as _rbridge
from pyseg.methods._r import RMethodEngine, from_r_index
from pyseg.methods.hierarchical._base import (
    HierarchicalFit,
    check_linkage,
    choose_route,
    merge_to_linkage,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray


class RHierarchicalEngine(RMethodEngine):
    """R's ``hclust`` + ``cutree`` (``fastcluster::hclust.vector`` for large ward), in process.

    Parameters
    ----------
    route : {"auto", "matrix", "vector"}, default="auto"
        As :class:`~pyseg.engines.ScipyHierarchicalEngine`'s.
    """

    SCRIPT = "hierarchical.R"
    PACKAGE = ("fastcluster", "ward on many rows")

    def __init__(self, route: str = "auto") -> None:
        self.route = route

    def fit(self, X: NDArray[np.float64], k: int, linkage: str = "ward") -> HierarchicalFit:
        check_linkage(linkage)
        X = np.asfortranarray(X, dtype=np.float64)
        route = self._route(X.shape[0], linkage)
        value, warnings = self.call("hierarchical_fit", X, k=int(k), linkage=linkage,
                                    vector=int(route == "vector"))
        heights = np.asarray(value["height"], dtype=np.float64).reshape(-1)
        merge = np.asarray(value["merge"], dtype=np.int64).reshape(-1, 2)
        return HierarchicalFit(engine=self.name,
                               labels=from_r_index(value["cluster"]),
                               heights=heights, linkage_matrix=merge_to_linkage(merge, heights),
                               linkage=linkage, route=route, warnings=warnings)

    def _route(self, n_rows: int, linkage: str) -> str:
        route = choose_route(self.route, n_rows, linkage)
        if route == "vector":
            self.check_ready(vector=True)
        return route

    def dendrogram_png(self, X: NDArray[np.float64], linkage: str = "ward",
                       title: str = "Dendrogram", width: int = 900, height: int = 700,
                       k: int = 0) -> bytes:
        """R's own ``plot(hclust(...))``, as the course draws it, as PNG bytes; with ``k`` > 0,
        ``rect.hclust(tree, k)`` boxes the k clusters in red."""
        check_linkage(linkage)
        route = self._route(X.shape[0], linkage)
        with tempfile.TemporaryDirectory(prefix="pyseg-dendrogram-") as folder:
            path = Path(folder) / "dendrogram.png"
            # The path and title go to R as character vectors (data), never into R source.
            self.call("dendrogram_png", np.asfortranarray(X, dtype=np.float64),
                      np.asarray([str(path)]), linkage=linkage, vector=int(route == "vector"),
                      main=np.asarray([title]), width=width, height=height, k=int(k))
            return path.read_bytes()

    def check_ready(self, vector: bool = False) -> None:
        """Load R; with ``vector``, also check R's ``fastcluster`` package."""
        if vector:
            super().check_ready()
        else:
            _rbridge.r_version()
