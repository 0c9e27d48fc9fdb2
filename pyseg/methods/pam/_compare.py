"""PAM (k-medoids) in both languages: the medoids as customers, the loss, the distances.

Python runs ``kmedoids.pam`` (BUILD + SWAP) on pyseg's float64 distances; R runs
``cluster::pam`` on ``cluster::daisy(frame, metric = "gower")`` (text columns as factors) or on
``dist(X)``. Each side computes its own distances; the comparison reports max |dD| between them
(0 on the course file: pyseg's Gower follows daisy's arithmetic), whether the medoid sets are
the same, the objective (``cluster::pam``'s mean distance; kmedoids' loss is the sum, divided by
n here) and the agreement of the partitions.

Distance: ``euclidean`` on the feature matrix, ``gower`` on the columns as read; the default is
gower as soon as a categorical column is among the features. PAM needs all n x n distances, so
it is refused from :data:`~pyseg.methods.pam._base.MAX_PAM_ROWS` rows on.

Prediction: a new customer joins its nearest medoid, by the fit's distance (Gower scaled by the
training columns' ranges), in both languages (:func:`predict_pam`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._course import ID_HEADERS, normalise_header
from pyseg._data import Dataset
from pyseg._errors import InputError
from pyseg._features import Features, features_from_frame
from pyseg._gower import (
    MixedColumns,
    euclidean_distances,
    gower_distances,
    gower_scale,
    numeric_columns,
)
from pyseg._io import json_ready
from pyseg._report import ReportMaterial
from pyseg.engines import RecordedPamEngine
from pyseg.engines._stability_python import Resampler
from pyseg.methods._agreement import PartitionAgreement, check_k
from pyseg.methods._base import (
    MethodComparison,
    MethodPrediction,
    MethodSettings,
    aligned_pair,
    check_min_agreement,
    r_engine_for,
)
from pyseg.methods.pam import PREDICTION, R_ENGINE
from pyseg.methods.pam._base import PamData, PamEngine, PamFit, check_distance, check_pam_size
from pyseg.methods.pam._python import KmedoidsPamEngine, pam_result
from pyseg.methods.pam._r import RPamEngine

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

#: Largest relative difference of the objectives called "the same".
OBJECTIVE_TOLERANCE = 1e-12
#: Largest |dD| between the two sides' distances called "the same".
DISTANCE_TOLERANCE = 1e-12


def _source_columns(dataset: Dataset) -> list[str]:
    """The table's columns behind the feature names (``Genre=Male`` comes from ``Genre``)."""
    header = [str(name) for name in dataset.table.columns]
    sources: list[str] = []
    for name in dataset.feature_names:
        base = name if name in header else name.split("=", 1)[0]
        if base not in header:
            raise InputError(f"{dataset.source}: feature {name!r} is not a column of the table")
        if base not in sources:
            sources.append(base)
    return sources


def mixed_columns(dataset: Dataset, features: Features | None = None) -> MixedColumns:
    """The feature columns as read: numbers for numeric columns, text levels for categorical ones.

    From ``features`` when given, else from ``dataset.frame`` and ``dataset.feature_names``;
    without a table every feature is numeric (``dataset.X``).
    """
    if dataset.frame is None:
        return numeric_columns(dataset.X, dataset.feature_names)
    if features is None or features.scale != "none":
        names = [c.name for c in features.columns] if features else _source_columns(dataset)
        features = features_from_frame(dataset.frame, names, source=dataset.source)
    values, position = [], 0
    for column in features.columns:
        if column.kind == "numeric":
            values.append(np.ascontiguousarray(features.X[:, position]))
        else:
            text = dataset.frame[column.name].astype("str").str.strip()
            values.append(text.to_numpy(dtype=object))
        position += len(column.output_names)
    return MixedColumns(tuple(c.name for c in features.columns),
                        tuple(c.kind for c in features.columns), tuple(values))


def pam_data(dataset: Dataset, distance: str | None = None,
             features: Features | None = None) -> PamData:
    """What both PAM engines get; ``distance`` None: gower when a column is categorical."""
    columns = mixed_columns(dataset, features)
    if distance is None:
        distance = "gower" if "categorical" in columns.kinds else "euclidean"
    check_distance(distance)
    X = np.ascontiguousarray(dataset.X, dtype=np.float64)
    if distance == "euclidean":
        columns = numeric_columns(X, dataset.feature_names)
    else:
        gower_scale(columns, dataset.source)  # a constant column is refused before any fit
    return PamData(distance=distance, X=X, columns=columns, source=dataset.source)


@dataclass(frozen=True)
class PamComparison(MethodComparison):
    """The outcome of :func:`compare_pam`.

    Attributes
    ----------
    (The shared ones are :class:`~pyseg.methods._base.MethodComparison`'s.)
    data : PamData
    k : int
    distance : str
    python, r : PamFit
        R's labels in Python's numbering, its medoids reordered to match
        (``r.medoids[j]`` is the medoid of Python's cluster j).
    same_medoids : bool
        The same rows (0-based) as medoids.
    medoids_differing : int
        Python's medoids with no R medoid at distance 0: a duplicate customer (the same values
        in another row) stands for the same medoid, since PAM cannot tell the two apart.
    objective_rel_diff : float
    max_distance_diff : float or None
        max |dD| between the two sides' distances (None above the checked size).
    tied_rows : int
        Rows as close to two of Python's medoids (they may join either).
    moved_ties : int
        Rows in different clusters that are equally near the medoids of both (a tie each
        library breaks its own way); they count as agreeing for ``passed``.
    passed : bool
        No medoid differing, same objective (1e-12 relative) and agreement, ties aside, >=
        ``min_agreement``.
    """

    data: PamData
    k: int
    distance: str
    python: PamFit
    r: PamFit
    same_medoids: bool
    medoids_differing: int
    objective_rel_diff: float
    max_distance_diff: float | None
    tied_rows: int
    moved_ties: int = 0

    def medoid_customers(self, fit: PamFit) -> list[dict[str, Any]]:
        """:func:`medoid_customers` of ``fit``'s medoids in this comparison's data."""
        return medoid_customers(self.dataset, self.data.columns, fit.medoids)

    METHOD = "pam"

    def fit_dict(self, fit: PamFit) -> dict[str, Any]:
        call = 'kmedoids.pam(D, k, init="build")' if fit is self.python else _r_call(self.distance)
        return {**fit.to_dict(), "medoids": self.medoid_customers(fit),
                "settings": {"call": call}}

    @property
    def scale_free(self) -> bool:
        return self.distance == "gower"  # Gower divides each column by its own range

    def calls(self) -> tuple[str, str]:
        if self.distance == "gower":  # D: pyseg's Gower distances, daisy's arithmetic
            return (f"kmedoids.pam(D, {self.k}, init='build', max_iter=1000)",
                    f'cluster::pam(cluster::daisy(df, metric = "gower"), k = {self.k}, '
                    "diss = TRUE)")
        return (f"kmedoids.pam(squareform(pdist(X)), {self.k}, init='build', max_iter=1000)",
                f"cluster::pam(dist(X), k = {self.k}, diss = TRUE)")

    def own_dict(self) -> dict[str, Any]:
        return {"k": self.k, "distance": self.distance, "same_medoids": self.same_medoids,
                "medoids_differing": self.medoids_differing,
                "objective_rel_diff": json_ready(self.objective_rel_diff),
                "max_distance_diff": json_ready(self.max_distance_diff),
                "tied_rows": self.tied_rows, "moved_ties": self.moved_ties}


def _r_call(distance: str) -> str:
    return ('cluster::pam(cluster::daisy(df, metric = "gower"), k)' if distance == "gower"
            else "cluster::pam(dist(X), k)")


def medoid_customers(dataset: Dataset, columns: MixedColumns,
                     medoids: NDArray[np.int64]) -> list[dict[str, Any]]:
    """Each medoid as a customer: ``row`` (0-based), ``id`` (the CustomerID cell, or None) and
    its ``values`` in the feature columns."""
    id_column = None
    if dataset.frame is not None:
        found = [c for c in dataset.frame.columns if normalise_header(str(c)) in ID_HEADERS]
        id_column = found[0] if found else None
    customers = []
    for row in medoids.tolist():
        values = {name: json_ready(v[row]) if kind == "numeric" else str(v[row])
                  for name, kind, v in zip(columns.names, columns.kinds, columns.values,
                                           strict=True)}
        customer_id = None if id_column is None else str(dataset.table[id_column].iloc[row])
        customers.append({"row": row, "id": customer_id, "values": values})
    return customers


def compare_pam(dataset: Dataset, k: int = 5, *, distance: str | None = None,
                features: Features | None = None, min_agreement: float = 1.0,
                python_engine: PamEngine | None = None,
                r_engine: PamEngine | None = None) -> PamComparison:
    """PAM in Python (``kmedoids.pam``) and R (``cluster::pam``), compared.

    Parameters
    ----------
    dataset : Dataset
        From :func:`pyseg._features.load_features` (its ``frame`` gives the columns as read)
        or :func:`pyseg.load_dataset`.
    k : int, default=5
    distance : {"euclidean", "gower"} or None
        None: gower when a categorical column is among the features, else euclidean.
    features : Features, optional
        The column kinds (else derived from ``dataset.frame`` and ``dataset.feature_names``).
    min_agreement : float, default=1.0
    python_engine, r_engine : PamEngine, optional

    Raises
    ------
    InputError
        Unknown distance, bad k (more than the distinct rows), a Gower column with one value,
        :data:`~pyseg.methods.pam._base.MAX_PAM_ROWS` rows or more.
    """
    check_min_agreement(min_agreement)
    data = pam_data(dataset, distance, features)
    k = check_k(data.X, k, dataset.source)
    check_pam_size(data.n_rows, dataset.source, data.distance)
    python_engine = python_engine or KmedoidsPamEngine()
    r_engine = r_engine or RPamEngine()
    py_fit, r_fit, measured, timings = aligned_pair(lambda: python_engine.fit(data, k),
                                                    lambda: r_engine.fit(data, k))
    r_fit = replace(r_fit, medoids=r_fit.medoids[np.argsort(measured.mapping)])
    same = set(py_fit.medoids.tolist()) == set(r_fit.medoids.tolist())
    differing = int(np.sum(medoid_gaps(data, py_fit.medoids, r_fit.medoids) > 0))
    rel = abs(py_fit.objective - r_fit.objective) / max(abs(r_fit.objective), 1e-300)
    max_dd = (None if py_fit.distances is None or r_fit.distances is None else
              float(np.max(np.abs(py_fit.distances - r_fit.distances), initial=0.0)))
    tied = tied_rows(data, py_fit.medoids)
    ties = moved_ties(data, py_fit, r_fit)
    passed = bool(differing == 0 and rel <= OBJECTIVE_TOLERANCE
                  and (measured.matched + ties) / py_fit.labels.size >= min_agreement)
    diagnosis = _diagnose(py_fit, r_fit, measured, (same, differing, ties), rel, max_dd,
                          tied, data.distance)
    return PamComparison(dataset=dataset, data=data, k=k, distance=data.distance, python=py_fit,
                         r=r_fit, r_label_mapping=measured.mapping, agreement=measured,
                         same_medoids=same, medoids_differing=differing, objective_rel_diff=rel,
                         max_distance_diff=max_dd, tied_rows=tied, min_agreement=min_agreement,
                         passed=passed, diagnosis=diagnosis, timings=timings,
                         moved_ties=ties)


def medoid_distances(data: PamData, medoids: NDArray[np.int64],
                     new: PamData | None = None) -> NDArray[np.float64]:
    """Distances of every row (of ``new``, else of ``data``) to the medoids, shape (n, k)."""
    rows = data if new is None else new
    if data.distance == "gower":
        return gower_distances(rows.columns, data.columns.rows(medoids),
                               gower_scale(data.columns, data.source))
    return euclidean_distances(rows.X, data.X[medoids])


def medoid_gaps(data: PamData, medoids: NDArray[np.int64],
                others: NDArray[np.int64]) -> NDArray[np.float64]:
    """Distance from each of ``medoids`` to the nearest of ``others`` (0: the same customer
    values, in the same row or a duplicate one), by the fit's distance."""
    rows = PamData(data.distance, data.X[medoids], data.columns.rows(medoids), data.source)
    return np.min(medoid_distances(data, others, rows), axis=1)


def moved_ties(data: PamData, python: PamFit, r: PamFit) -> int:
    """Rows that ``r`` (in Python's numbering) puts in another cluster than ``python`` although
    they are exactly as near Python's medoid of that cluster as of their own."""
    rows = np.flatnonzero(python.labels != r.labels)
    if rows.size == 0:
        return 0
    moved = PamData(data.distance, data.X[rows], data.columns.rows(rows), data.source)
    D = medoid_distances(data, python.medoids, moved)
    index = np.arange(rows.size)
    return int(np.sum(D[index, python.labels[rows]] == D[index, r.labels[rows]]))


def tied_rows(data: PamData, medoids: NDArray[np.int64]) -> int:
    """Rows whose two nearest medoids are equally near (either assignment is PAM's)."""
    D = np.sort(medoid_distances(data, medoids), axis=1)
    return int(np.sum(D[:, 0] == D[:, 1])) if D.shape[1] > 1 else 0


def _diagnose(py_fit: PamFit, r_fit: PamFit, measured: PartitionAgreement,
              medoids: tuple[bool, int, int], rel: float, max_dd: float | None, tied: int,
              distance: str) -> list[str]:
    n = py_fit.labels.size
    same, differing, ties = medoids
    notes = []
    if max_dd is not None:
        notes.append(f"The {distance} distances agree to max |dD| = {max_dd:.3g} "
                     f"({'the same' if max_dd <= DISTANCE_TOLERANCE else 'NOT the same'}).")
    if same:
        notes.append(f"Both languages chose the same {py_fit.medoids.size} medoids (rows "
                     f"{', '.join(str(m) for m in sorted(py_fit.medoids.tolist()))}).")
    elif differing == 0:
        notes.append(
            f"Both languages chose the same {py_fit.medoids.size} medoids as customers, some in "
            f"duplicate rows: Python {sorted(py_fit.medoids.tolist())}, R "
            f"{sorted(r_fit.medoids.tolist())} (0-based rows); the rows that differ hold "
            "identical values (distance 0), which PAM cannot tell apart.")
    else:
        notes.append(
            f"The medoids differ: Python {sorted(py_fit.medoids.tolist())}, R "
            f"{sorted(r_fit.medoids.tolist())} (0-based rows).")
    if rel <= OBJECTIVE_TOLERANCE:
        notes.append(f"The objective (mean distance to the medoid) is the same: "
                     f"{py_fit.objective:.12g} (relative difference {rel:.2g}).")
        if differing:
            notes.append("Equally good medoids: with tied distances PAM's swaps can end on "
                         "different medoids of the same cost. Neither library is wrong.")
    else:
        better = "Python" if py_fit.objective < r_fit.objective else "R"
        notes.append(f"The objectives differ: Python {py_fit.objective:.12g}, R "
                     f"{r_fit.objective:.12g}; {better} found the lower (better) one.")
    moved = n - measured.matched
    if moved:
        notes.append(f"{moved} of {n} rows fall in different clusters after relabelling "
                     f"(ARI {measured.ari:.4f}); {tied} rows are equally near two medoids.")
        if ties:
            notes.append(f"Of the {moved} row{'s' if moved > 1 else ''} in different "
                         f"clusters, {ties} "
                         f"{'is' if ties == 1 else 'are'} exactly as near both clusters' "
                         "medoids: a tie, which each library breaks its own way (neither is "
                         f"wrong); {'it counts' if ties == 1 else 'they count'} as agreeing.")
    else:
        notes.append(f"The partitions are identical after relabelling (ARI {measured.ari:.4f}).")
    notes.extend(f"R warned: {warning}." for warning in r_fit.warnings)
    return notes


def new_pam_data(data: PamData, new: pd.DataFrame | NDArray[np.float64]) -> PamData:
    """New customers as :class:`PamData` with the training columns: a table with the columns'
    names (Gower or Euclidean) or a numeric matrix in feature order (Euclidean, all-numeric)."""
    if isinstance(new, np.ndarray) or not hasattr(new, "columns"):
        X = np.asarray(new, dtype=np.float64).reshape(-1, data.X.shape[1])
        if "categorical" in data.columns.kinds:
            raise InputError("new customers for a Gower PAM need their columns by name "
                             f"({', '.join(data.columns.names)}): give a table")
        return PamData(data.distance, X, numeric_columns(X, data.columns.names), "new rows")
    missing = [name for name in data.columns.names if name not in new.columns]
    if missing:
        raise InputError(f"new customers lack the column(s) {', '.join(map(repr, missing))}")
    values = tuple(new[name].to_numpy(dtype=np.float64) if kind == "numeric" else
                   new[name].astype("str").str.strip().to_numpy(dtype=object)
                   for name, kind in zip(data.columns.names, data.columns.kinds, strict=True))
    columns = MixedColumns(data.columns.names, data.columns.kinds, values)
    X = (np.column_stack(values).astype(np.float64) if data.distance == "euclidean"
         else np.empty((columns.n_rows, 0)))
    return PamData(data.distance, X, columns, "new rows")


def predict_pam(comparison: PamComparison, new: pd.DataFrame | NDArray[np.float64], *,
                r_engine: RPamEngine | None = None) -> MethodPrediction:
    """Each new customer's nearest medoid (the fit's distance; Gower scaled by the training
    ranges), by Python's medoids in numpy and by R's medoids in R, both numbered as Python's
    clusters."""
    data = comparison.data
    rows = new_pam_data(data, new)
    python = np.argmin(medoid_distances(data, comparison.python.medoids, rows), axis=1)
    r = (r_engine or RPamEngine()).nearest_medoid(data, comparison.r, rows)
    return MethodPrediction(python.astype(np.int64), r, f"{PREDICTION} ({data.distance})")


# -- the method contract (pyseg.methods._base) -----------------------------------------------

MEASURE_NAME = "medoids differing"


def measure(comparison: PamComparison) -> float:
    return float(comparison.medoids_differing)


def run(dataset: Dataset, settings: MethodSettings) -> PamComparison:
    return compare_pam(dataset, settings.k, distance=settings.distance,
                       min_agreement=settings.min_agreement,
                       r_engine=r_engine_for(settings, "pam", RecordedPamEngine))


def predict(comparison: PamComparison, X_new: NDArray[np.float64],
            table: pd.DataFrame) -> MethodPrediction:
    numeric = [name for name, kind in zip(comparison.data.columns.names,
                                          comparison.data.columns.kinds, strict=True)
               if kind == "numeric"]
    return predict_pam(comparison, table.astype({name: "float64" for name in numeric}))


def r_fit_request(dataset: Dataset, settings: MethodSettings) -> tuple[Any, ...] | None:
    """R's fit as the R worker is asked for it, to send before the comparison needs it."""
    data = pam_data(dataset, settings.distance)
    k = check_k(data.X, settings.k, dataset.source)
    check_pam_size(data.n_rows, dataset.source, data.distance)
    return ("engine_call", R_ENGINE, "fit", (data, k), {})


# -- the report's material ------------------------------------------------------------------------
# The medoids' report needs nothing beyond the comparison; this part says that R's side of it can
# be replayed, so the report summarises the recording (see :mod:`pyseg._method_pipeline`).

def material(comparison: Any, r_results: Path | None) -> ReportMaterial:
    return ReportMaterial()


# -- resampling (stability --bootstrap, gap) ------------------------------------------------------
# PAM in ``pyseg stability --bootstrap`` and ``pyseg gap``: BUILD + SWAP on Euclidean distances.
# No draws beyond the rows: ``kmedoids.pam(D, k, init="build")`` and ``cluster::pam(dist(X), k)``
# are deterministic given the data. clusterboot's check is claraCBI with ``usepam = TRUE``;
# clusGap's own FUNcluster is ``pam(x, k, cluster.only = TRUE)``.

def pam_labels(D: NDArray[np.float64], k: int) -> NDArray[np.int64]:
    return np.asarray(pam_result(D, k).labels, dtype=np.int64)


class Resample(Resampler):
    """PAM (BUILD + SWAP) on the Euclidean distances of each resample or data set."""

    r_package = ("pam.R", "cluster_available", "cluster")
    method_words = ("PAM k = {k} (BUILD + SWAP on Euclidean distances: kmedoids.pam, "
                    "cluster::pam)")
    clusterboot_method = "claraCBI, k = {k}, usepam = TRUE"
    clusgap_code = "function(x, k) list(cluster = cluster::pam(x, k, cluster.only = TRUE))"
    gap_shared = "no other draws: PAM (BUILD + SWAP) is deterministic given the data"

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
