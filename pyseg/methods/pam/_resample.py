"""PAM in ``pyseg stability --bootstrap`` and ``pyseg gap``: BUILD + SWAP on Euclidean distances.

No draws beyond the rows: ``kmedoids.pam(D, k, init="build")`` and ``cluster::pam(dist(X), k)``
are deterministic given the data. clusterboot's check is claraCBI with ``usepam = TRUE``;
clusGap's own FUNcluster is ``pam(x, k, cluster.only = TRUE)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._gower import euclidean_distances
from pyseg.engines._stability_python import Resampler
from pyseg.methods.pam._base import check_pam_size
from pyseg.methods.pam._python import KmedoidsPamEngine, pam_result

if TYPE_CHECKING:
    from numpy.typing import NDArray


def pam_labels(D: NDArray[np.float64], k: int) -> NDArray[np.int64]:
    return np.asarray(pam_result(D, k).labels, dtype=np.int64)


class Resample(Resampler):
    """PAM (BUILD + SWAP) on the Euclidean distances of each resample or data set."""

    r_package = ("pam.R", "cluster_available", "cluster")

    def check_data(self, X: NDArray[np.float64], source: str) -> None:
        check_pam_size(X.shape[0], source)
        KmedoidsPamEngine().check_ready()

    def labels(self, X: NDArray[np.float64], k: int, draw: Any) -> NDArray[np.int64]:
        return pam_labels(euclidean_distances(X), k)

    def gap_labels(self, X: NDArray[np.float64], k_max: int,
                   draw: Any) -> Iterator[NDArray[np.int64]]:
        D = euclidean_distances(X)
        for k in range(2, k_max + 1):
            yield pam_labels(D, k)

    def method_text(self, k: int) -> str:
        return f"PAM k = {k} (BUILD + SWAP on Euclidean distances: kmedoids.pam, cluster::pam)"

    def clusterboot_call(self, k: int, B: int, seed: int) -> str:
        return (f"fpc::clusterboot(X, B = {B}, bootmethod = 'boot', clustermethod = claraCBI, "
                f"k = {k}, usepam = TRUE, seed = {seed})")

    def clusgap_function(self) -> str:
        return "function(x, k) list(cluster = cluster::pam(x, k, cluster.only = TRUE))"

    def gap_draws_text(self) -> str:
        return "no other draws: PAM (BUILD + SWAP) is deterministic given the data"
