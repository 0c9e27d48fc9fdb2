"""PAM in R, in this process: ``cluster::pam`` in ``r_reference/pam.R`` through rpy2.

``fit`` is, in R, ``cluster::pam(cluster::daisy(frame, metric = "gower"), k)`` with the
categorical columns as factors (so ``daisy`` does real Gower, not distances between 0/1
indicators), or ``cluster::pam(dist(X), k)`` for Euclidean distances. R computes its own
distances; pyseg compares them with Python's (max |dD|) rather than handing one matrix to both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._gower import MixedColumns, gower_scale
from pyseg.methods._r import RMethodEngine, from_r_index
from pyseg.methods.pam._base import (
    MAX_DISTANCE_CHECK_ROWS,
    PamData,
    PamFit,
    check_distance,
    check_pam_size,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray


def mixed_arguments(columns: MixedColumns) -> tuple[Any, Any, Any, Any]:
    """``columns`` as R gets them: a numeric matrix, a character matrix (either may have no
    columns), the kinds and the names in order (``mixed_columns()`` in pam.R rebuilds them)."""
    n = columns.n_rows
    numeric = [v for v, kind in zip(columns.values, columns.kinds, strict=True)
               if kind == "numeric"]
    text = [np.asarray(v, dtype=str) for v, kind in zip(columns.values, columns.kinds,
                                                        strict=True) if kind != "numeric"]
    numeric_matrix = (np.column_stack(numeric) if numeric else np.empty((n, 0)))
    text_matrix = np.column_stack(text) if text else np.full((n, 1), "", dtype=str)
    return (np.asfortranarray(numeric_matrix, dtype=np.float64), text_matrix,
            np.asarray(columns.kinds, dtype=str), np.asarray(columns.names, dtype=str))


class RPamEngine(RMethodEngine):
    """R's ``cluster::pam`` on ``daisy(..., metric = "gower")`` or ``dist(X)``, in process."""

    SCRIPT = "pam.R"
    PACKAGE = ("cluster", "--method pam")

    def fit(self, data: PamData, k: int) -> PamFit:
        check_distance(data.distance)
        check_pam_size(data.n_rows, data.source)
        self.check_ready()
        numeric, text, kinds, names = mixed_arguments(data.columns)
        keep = int(data.n_rows <= MAX_DISTANCE_CHECK_ROWS)
        value, warnings = self.call(
            "pam_fit_mixed", np.asfortranarray(data.X, dtype=np.float64), numeric, text, kinds,
            names, k=int(k), distance=data.distance, keep_distances=keep)
        objective = np.asarray(value["objective"], dtype=np.float64).reshape(-1)
        distances = value.get("distances")
        return PamFit(
            engine=self.name,
            labels=from_r_index(value["cluster"]), medoids=from_r_index(value["medoids"]),
            loss=float(objective[1]) * data.n_rows, objective=float(objective[1]),
            distance=data.distance,
            distances=None if distances is None else np.asarray(distances, dtype=np.float64),
            warnings=warnings)

    def nearest_medoid(self, data: PamData, fit: PamFit, new: PamData) -> NDArray[np.int64]:
        """``pam_nearest()`` of pam.R: each new row's nearest medoid, computed in R (Gower with
        the training ranges)."""
        self.check_ready()
        scale = (gower_scale(data.columns, data.source) if fit.distance == "gower" else None)
        n_columns = len(data.columns.names)
        minimum = scale.minimum if scale else np.zeros(n_columns)
        spread = scale.range if scale else np.ones(n_columns)
        medoid_args = mixed_arguments(data.columns.rows(fit.medoids))
        new_args = mixed_arguments(new.columns)
        value, _ = self.call("pam_nearest_mixed", medoid_args[0], medoid_args[1], new_args[0],
                             new_args[1], medoid_args[2], np.asarray(minimum, dtype=np.float64),
                             np.asarray(spread, dtype=np.float64), distance=fit.distance)
        return from_r_index(value)
