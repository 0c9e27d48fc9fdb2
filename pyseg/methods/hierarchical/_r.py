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
from pyseg._errors import RUnavailableError
from pyseg.methods.hierarchical._base import (
    HierarchicalFit,
    check_linkage,
    choose_route,
    merge_to_linkage,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: The Debian package that provides R's ``fastcluster``.
FASTCLUSTER_FIX = "sudo apt-get install -y r-cran-fastcluster"
_SCRIPT = "hierarchical.R"


class RHierarchicalEngine:
    """R's ``hclust`` + ``cutree`` (``fastcluster::hclust.vector`` for large ward), in process.

    Parameters
    ----------
    route : {"auto", "matrix", "vector"}, default="auto"
        As :class:`~pyseg.engines.ScipyHierarchicalEngine`'s.
    """

    name = "r"

    def __init__(self, route: str = "auto") -> None:
        self.route = route

    def fit(self, X: NDArray[np.float64], k: int, linkage: str = "ward") -> HierarchicalFit:
        check_linkage(linkage)
        X = np.asfortranarray(X, dtype=np.float64)
        route = self._route(X.shape[0], linkage)
        value, warnings = _rbridge.r_call(_SCRIPT, "hierarchical_fit", X, k=int(k),
                                          linkage=linkage, vector=int(route == "vector"))
        heights = np.asarray(value["height"], dtype=np.float64).reshape(-1)
        merge = np.asarray(value["merge"], dtype=np.int64).reshape(-1, 2)
        return HierarchicalFit(engine=self.name,
                               labels=np.asarray(value["cluster"], dtype=np.int64).reshape(-1) - 1,
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
            _rbridge.r_call(_SCRIPT, "dendrogram_png", np.asfortranarray(X, dtype=np.float64),
                            np.asarray([str(path)]), linkage=linkage, vector=int(route == "vector"),
                            main=np.asarray([title]), width=width, height=height, k=int(k))
            return path.read_bytes()

    def check_ready(self, vector: bool = False) -> None:
        """Load R; with ``vector``, also check R's ``fastcluster`` package."""
        if not vector:
            _rbridge.r_version()
            return
        available, _ = _rbridge.r_call(_SCRIPT, "fastcluster_available")
        if not int(np.asarray(available).reshape(-1)[0]):
            raise RUnavailableError(
                f"the R package 'fastcluster' is not installed (needed for ward on many rows): "
                f"run `{FASTCLUSTER_FIX}`")

    def version(self) -> str | None:
        return _rbridge.r_version()
