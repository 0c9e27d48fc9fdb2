"""DBSCAN in R, in this process: ``dbscan::dbscan`` in ``r_reference/dbscan.R`` through rpy2.

``fit`` is, in R, ``dbscan::dbscan(X, eps = eps, minPts = min_points)``; R's cluster 0 (noise)
comes back as -1 and clusters 1.. as 0.., so that both languages speak scikit-learn's numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pyseg.methods._r import RMethodEngine
from pyseg.methods.dbscan._base import NOISE, DbscanFit, check_dbscan_parameters

if TYPE_CHECKING:
    from numpy.typing import NDArray


def from_r_clusters(clusters: object) -> NDArray[np.int64]:
    """R's ``dbscan`` clusters (0 noise, 1..) in pyseg's numbering (-1 noise, 0..)."""
    values = np.asarray(clusters, dtype=np.int64).reshape(-1)
    return np.where(values == 0, NOISE, values - 1)


class RDbscanEngine(RMethodEngine):
    """R's ``dbscan::dbscan`` (not ``fpc::dbscan``), called in this process."""

    SCRIPT = "dbscan.R"
    PACKAGE = ("dbscan", "--method dbscan")

    def fit(self, X: NDArray[np.float64], eps: float, min_points: int) -> DbscanFit:
        eps, min_points = check_dbscan_parameters(eps, min_points)
        self.check_ready()
        value, warnings = self.call("dbscan_fit", np.asfortranarray(X, dtype=np.float64),
                                    eps=eps, minPts=min_points)
        return DbscanFit(engine=self.name, labels=from_r_clusters(value["cluster"]),
                         core=np.asarray(value["core"]).reshape(-1).astype(bool), eps=eps,
                         min_points=min_points, warnings=warnings)

    def knn_distances(self, X: NDArray[np.float64], k: int) -> NDArray[np.float64]:
        """``dbscan::kNNdist(X, k)``."""
        self.check_ready()
        value, _ = self.call("knn_distances", np.asfortranarray(X, dtype=np.float64), k=int(k))
        return np.asarray(value, dtype=np.float64).reshape(-1)

    def predict(self, X: NDArray[np.float64], fit: DbscanFit,
                new: NDArray[np.float64]) -> NDArray[np.int64]:
        """``predict(dbscan(X, eps, minPts), newdata = new, data = X)``."""
        self.check_ready()
        value, _ = self.call("dbscan_predict", np.asfortranarray(X, dtype=np.float64),
                             np.asfortranarray(new, dtype=np.float64), eps=float(fit.eps),
                             minPts=int(fit.min_points))
        return from_r_clusters(value)
