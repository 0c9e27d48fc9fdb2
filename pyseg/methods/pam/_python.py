"""PAM in Python: ``kmedoids.pam(D, k, init="build")`` on distances computed by pyseg.

``kmedoids.pam`` is the original algorithm of Kaufman and Rousseeuw, BUILD then SWAP, the one R's
``cluster::pam`` runs (its default ``pamonce = FALSE``); on the course file it finds the same
medoids as R. ``kmedoids.fasterpam`` is faster but a different search: on 10,000 mall-like rows
it ends on other (equally good) medoids. The distances are pyseg's float64 Gower or Euclidean
(:mod:`pyseg._gower`), an n x n matrix, since kmedoids takes a square one.

kmedoids' ``loss`` is the sum of the distances to the medoids; ``cluster::pam``'s objective is
their mean, so ``objective = loss / n``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._errors import RUnavailableError
from pyseg._gower import condensed, euclidean_distances, gower_distances
from pyseg.methods._base import PythonEngine
from pyseg.methods.pam._base import (
    MAX_DISTANCE_CHECK_ROWS,
    PamData,
    PamFit,
    check_distance,
    check_pam_size,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

KMEDOIDS_FIX = "pip install kmedoids"


def distance_matrix(data: PamData) -> NDArray[np.float64]:
    """The n x n distances PAM runs on: Gower on ``data.columns`` or Euclidean on ``data.X``."""
    if check_distance(data.distance) == "gower":
        return gower_distances(data.columns, source=data.source)
    return euclidean_distances(data.X)


def pam_result(D: NDArray[np.float64], k: int) -> Any:
    """``kmedoids.pam(D, k, init="build")``: BUILD then SWAP, as ``cluster::pam``."""
    import kmedoids

    return kmedoids.pam(D, int(k), init="build", max_iter=1000)


class KmedoidsPamEngine(PythonEngine):
    """``kmedoids.pam`` (BUILD + SWAP, as ``cluster::pam``) on pyseg's float64 distances."""

    LIBRARY = "kmedoids"

    def fit(self, data: PamData, k: int) -> PamFit:
        check_pam_size(data.n_rows, data.source)
        self.check_ready()
        D = distance_matrix(data)
        result = pam_result(D, k)
        medoids = np.asarray(result.medoids, dtype=np.int64)
        loss = float(result.loss)
        return PamFit(engine=self.name, labels=np.asarray(result.labels, dtype=np.int64),
                      medoids=medoids, loss=loss, objective=loss / data.n_rows,
                      distance=data.distance,
                      distances=condensed(D) if data.n_rows <= MAX_DISTANCE_CHECK_ROWS else None)

    def check_ready(self) -> None:
        try:
            import kmedoids  # noqa: F401
        except ModuleNotFoundError:
            raise RUnavailableError(
                f"kmedoids is not installed (needed for --method pam): run `{KMEDOIDS_FIX}`"
            ) from None
