"""What DBSCAN's report shows beyond the comparison: both languages' k-nearest-neighbour
distance curves (k = min_points - 1) and their knee, computed here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyseg._method_pipeline import MethodReportMaterial
from pyseg.methods.dbscan._compare import knn_distance_curves


def material(comparison: Any, r_results: Path | None) -> MethodReportMaterial:
    """The k-NN curves (Python's only when R's side was replayed), or why there are none."""
    k = max(1, comparison.min_points - 1)
    notes: list[str] = []
    if r_results is not None:
        notes.append(f"R's k-nearest-neighbour distances are not shown: R's side was replayed "
                     f"from {r_results}, which holds R's fits only (drop --r-results to add "
                     "them).")
    if k >= comparison.dataset.X.shape[0]:
        notes.append(f"No k-nearest-neighbour plot: k = {k} needs more rows.")
        return MethodReportMaterial(notes=tuple(notes))
    knn = knn_distance_curves(comparison.dataset, k, with_r=r_results is None)
    return MethodReportMaterial(knn=knn, notes=tuple(notes))
