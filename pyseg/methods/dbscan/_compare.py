"""DBSCAN in both languages: labels with noise as a class of its own, border points, and the
k-nearest-neighbour distances for choosing eps.

Noise is -1 in scikit-learn and 0 in R; pyseg reports it as -1 on both sides and never matches it
to a cluster when aligning. A border point (within eps of a core point, not core itself) joins the
first cluster that reaches it, so results can depend on row order; scikit-learn and R's ``dbscan``
both give it to the lowest-numbered cluster (clusters numbered by their first core row), and on
the course file they agree exactly. Where they do not, the diagnosis names the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._data import Dataset
from pyseg._errors import InputError
from pyseg._features import load_features
from pyseg._io import json_ready
from pyseg._provenance import data_summary
from pyseg._report import ReportMaterial
from pyseg.engines import (
    NOISE,
    DbscanEngine,
    DbscanFit,
    RDbscanEngine,
    RecordedMethodEngine,
    SklearnDbscanEngine,
    check_dbscan_parameters,
)
from pyseg.methods._agreement import PartitionAgreement
from pyseg.methods._base import (
    MethodComparison,
    MethodPrediction,
    MethodSettings,
    aligned_pair,
    check_min_agreement,
    r_engine_for,
)
from pyseg.methods.dbscan import PREDICTION, R_ENGINE

if TYPE_CHECKING:
    import os
    from collections.abc import Sequence

    import pandas as pd
    from numpy.typing import NDArray

    from pyseg._features import Features

#: Rows named one by one in the diagnosis, at most.
MAX_ROWS_NAMED = 10


@dataclass(frozen=True)
class DbscanComparison(MethodComparison):
    """The outcome of :func:`compare_dbscan`.

    Attributes
    ----------
    (The shared ones are :class:`~pyseg.methods._base.MethodComparison`'s.)
    eps : float
    min_points : int
    python, r : DbscanFit
        R's labels are in Python's numbering (noise -1 on both sides).
    r_label_mapping : ndarray
        Python cluster that each R cluster (0-based, R's number minus one) became.
    agreement : PartitionAgreement
        Accuracy counts noise on both sides as agreeing; ARI and NMI treat noise as one class.
    differing_rows : ndarray
        0-based rows whose aligned labels differ.
    border_rows : ndarray
        Those of ``differing_rows`` that are border points on both sides.
    """

    eps: float
    min_points: int
    python: DbscanFit
    r: DbscanFit
    differing_rows: NDArray[np.int64]
    border_rows: NDArray[np.int64]

    METHOD = "dbscan"

    def fit_dict(self, fit: DbscanFit) -> dict[str, Any]:
        points = "min_samples" if fit is self.python else "minPts"  # each library's name
        return {**fit.to_dict(), "settings": {"eps": self.eps, points: self.min_points}}

    def calls(self) -> tuple[str, str]:
        return (f"DBSCAN(eps={self.eps!r}, min_samples={self.min_points})",
                f"dbscan::dbscan(X, eps = {self.eps!r}, minPts = {self.min_points})")

    def own_dict(self) -> dict[str, Any]:
        return {"eps": self.eps, "min_points": self.min_points,
                "confusion": self.agreement.confusion.tolist(),
                "confusion_noise": "last row (Python) and last column (R) count noise",
                "differing_rows": (self.differing_rows + 1).tolist(),
                "border_rows": (self.border_rows + 1).tolist()}


def compare_dbscan(dataset: Dataset, eps: float, min_points: int = 5, *, min_agreement: float = 1.0,
                   python_engine: DbscanEngine | None = None,
                   r_engine: DbscanEngine | None = None) -> DbscanComparison:
    """DBSCAN in Python and in R, compared.

    Python: ``sklearn.cluster.DBSCAN(eps=eps, min_samples=min_points)`` (on the distinct rows,
    weighted, for bounded memory: the same labels); R: ``dbscan::dbscan(X, eps, minPts)``.

    Parameters
    ----------
    dataset : Dataset
        Any object with ``X``, ``feature_names``, ``source`` and ``sha256``.
    eps : float
        Neighbourhood radius, > 0 (a row at exactly eps is a neighbour in both libraries).
    min_points : int, default=5
        Rows within eps, the point itself included, that make a core point; >= 1.
    min_agreement : float, default=1.0
    python_engine, r_engine : DbscanEngine, optional

    Returns
    -------
    DbscanComparison
    """
    eps, min_points = check_dbscan_parameters(eps, min_points)
    check_min_agreement(min_agreement)
    X = np.ascontiguousarray(dataset.X, dtype=np.float64)
    python_engine = python_engine or SklearnDbscanEngine()
    r_engine = r_engine or RDbscanEngine()
    py_fit, r_fit, measured, timings = aligned_pair(
        lambda: python_engine.fit(X, eps, min_points), lambda: r_engine.fit(X, eps, min_points))
    differing = np.flatnonzero(py_fit.labels != r_fit.labels).astype(np.int64)
    border = differing[~py_fit.core[differing] & ~r_fit.core[differing]
                       & (py_fit.labels[differing] != NOISE) & (r_fit.labels[differing] != NOISE)]
    passed = measured.accuracy >= min_agreement
    diagnosis = _diagnose(py_fit, r_fit, measured, differing, border)
    return DbscanComparison(dataset=dataset, eps=eps, min_points=min_points, python=py_fit, r=r_fit,
                            r_label_mapping=measured.mapping, agreement=measured,
                            differing_rows=differing, border_rows=border,
                            min_agreement=min_agreement, passed=passed, diagnosis=diagnosis,
                            timings=timings)


def _rows(rows: NDArray[np.int64]) -> str:
    named = ", ".join(str(int(row) + 1) for row in rows[:MAX_ROWS_NAMED])
    return named + (f" and {rows.size - MAX_ROWS_NAMED} more" if rows.size > MAX_ROWS_NAMED else "")


def plural(count: int, noun: str) -> str:
    """``1 cluster``, ``2 clusters``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _side(fit: DbscanFit) -> str:
    return (f"{plural(fit.n_clusters, 'cluster')}, {fit.n_noise} noise, "
            f"{plural(int(fit.core.sum()), 'core point')}")


def trivial_note(fit: DbscanFit) -> str | None:
    """What to try when DBSCAN found no segments: one cluster (with or without noise), or
    nothing but noise."""
    n = fit.labels.size
    if fit.n_clusters == 0:
        return (f"Every one of the {n} rows is noise: eps={fit.eps!r} is too small for "
                f"--min-points {fit.min_points}; give a larger --eps (see the k-nearest-neighbour "
                "curve: pyseg elbow --method dbscan).")
    if fit.n_clusters == 1:
        return (f"One cluster holds {n - fit.n_noise} of {n} rows: no segments were found, "
                f"eps={fit.eps!r} joins them all; give a smaller --eps (one of the other knees "
                "of the k-nearest-neighbour curve: pyseg elbow --method dbscan).")
    return None


def _diagnose(py_fit: DbscanFit, r_fit: DbscanFit, measured: PartitionAgreement,
              differing: NDArray[np.int64], border: NDArray[np.int64]) -> list[str]:
    n = py_fit.labels.size
    summary = f"Python: {_side(py_fit)}; R: {_side(r_fit)}."
    trivial = [note for note in (trivial_note(py_fit),) if note]
    if differing.size == 0:
        return [f"The labels are identical after relabelling, noise included (R's cluster 0 "
                f"is noise, -1 here). {summary}", *trivial]
    notes = [f"The labels differ on {differing.size} of {n} rows after relabelling "
             f"(ARI {measured.ari:.4f}). {summary}", *trivial]
    if py_fit.n_clusters != r_fit.n_clusters:
        notes.append("The two sides found different numbers of clusters; surplus clusters are "
                     "numbered after the other side's.")
    core_differs = np.flatnonzero(py_fit.core != r_fit.core)
    if core_differs.size:
        notes.append(f"Core status differs on rows {_rows(core_differs)}: a neighbour at a "
                     "distance of (almost) exactly eps counted on one side only.")
    if border.size:
        notes.append(
            f"Border points {_rows(border)} (not core on either side) went to different "
            "clusters: a border point joins the first cluster that reaches it, and these are "
            "within eps of core points of more than one cluster.")
    noise_moved = differing[(py_fit.labels[differing] == NOISE) | (r_fit.labels[differing]
                                                                   == NOISE)]
    if noise_moved.size:
        notes.append(f"Rows {_rows(noise_moved)} are noise on one side only.")
    return notes


@dataclass(frozen=True)
class KnnDistances:
    """The k-nearest-neighbour distance plot of both languages, for choosing eps.

    Attributes
    ----------
    k : int
        Neighbours counted (the row itself not counted): ``min_points - 1``.
    python, r : ndarray
        Every row's distance to its k-th nearest neighbour, sorted ascending
        (``NearestNeighbors`` and ``dbscan::kNNdist``).
    max_diff : float
    knee_index : int or None
        Index into the sorted distances of the knee (kneed, convex increasing curve).
    knee_eps : float or None
        The distance at the knee: a suggested eps.
    """

    k: int
    python: NDArray[np.float64]
    r: NDArray[np.float64] | None
    max_diff: float | None
    knee_index: int | None
    knee_eps: float | None

    def to_dict(self) -> dict[str, Any]:
        return json_ready({"k": self.k, "max_diff": self.max_diff, "knee_index": self.knee_index,
                           "knee_eps": self.knee_eps, "python": self.python, "r": self.r})


def knn_distance_curves(dataset: Dataset, k: int = 4, *,
                        python_engine: DbscanEngine | None = None,
                        r_engine: DbscanEngine | None = None,
                        with_r: bool = True) -> KnnDistances:
    """Both languages' sorted k-NN distances and the knee of Python's curve (a suggested eps)."""
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise InputError(f"k={k!r} should be an integer >= 1 (min_points - 1)")
    X = np.ascontiguousarray(dataset.X, dtype=np.float64)
    if k >= X.shape[0]:
        raise InputError(f"{dataset.source}: {X.shape[0]} rows: DBSCAN's k-nearest-neighbour "
                         f"distances for --min-points {k + 1} need more than {k} rows; give "
                         "--eps, or a smaller --min-points")
    py = np.sort((python_engine or SklearnDbscanEngine()).knn_distances(X, k))
    r = np.sort((r_engine or RDbscanEngine()).knn_distances(X, k)) if with_r else None
    index = knee_index(py)
    return KnnDistances(k=int(k), python=py, r=r,
                        max_diff=None if r is None else float(np.max(np.abs(py - r))),
                        knee_index=index, knee_eps=None if index is None else float(py[index]))


def knee_index(sorted_distances: NDArray[np.float64]) -> int | None:
    """The knee of an ascending k-NN distance curve (``kneed.KneeLocator``, convex, increasing)."""
    import warnings

    from kneed import KneeLocator

    if sorted_distances.size < 3 or sorted_distances[0] == sorted_distances[-1]:
        return None
    x = np.arange(sorted_distances.size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        knee = KneeLocator(x, sorted_distances, curve="convex", direction="increasing").knee
    return None if knee is None else int(knee)


def _new_rows(comparison: DbscanComparison, X_new: object) -> NDArray[np.float64]:
    new = np.asarray(X_new, dtype=np.float64)
    if new.ndim == 1:
        new = new.reshape(1, -1)
    n_features = comparison.dataset.X.shape[1]
    if new.ndim != 2 or new.shape[1] != n_features:
        raise InputError(f"new rows have shape {new.shape}; DBSCAN was fitted on {n_features} "
                         f"feature(s) ({', '.join(comparison.dataset.feature_names)})")
    if not np.isfinite(new).all():
        row = int(np.flatnonzero(~np.isfinite(new).all(axis=1))[0])
        raise InputError(f"new row {row + 1} holds a value that is not a finite number")
    return np.ascontiguousarray(new)


def predict_dbscan(comparison: DbscanComparison, X_new: object, *,
                   python_engine: DbscanEngine | None = None,
                   r_engine: DbscanEngine | None = None) -> MethodPrediction:
    """Both languages' DBSCAN clusters for new rows, by ``dbscan::predict``'s rule.

    R: ``predict(dbscan(X, eps, minPts), newdata = X_new, data = X)`` (R's clusters relabelled
    to Python's numbering with the comparison's alignment); Python: the same rule on
    scikit-learn's ``NearestNeighbors`` and Python's fit (dbscan 1.1.11's rule, in words
    ``pyseg.methods.dbscan.PREDICTION``).

    Parameters
    ----------
    comparison : DbscanComparison
        From :func:`compare_dbscan`; its data are the training rows.
    X_new : array-like of shape (n_new, n_features) or (n_features,)
        New rows, in the comparison's (scaled) feature space.
    python_engine, r_engine : DbscanEngine, optional

    Returns
    -------
    MethodPrediction
        Noise -1 on both sides; R's clusters in Python's numbering.

    Raises
    ------
    InputError
        The new rows have another number of features, or a value that is not finite.
    """
    new = _new_rows(comparison, X_new)
    X = np.ascontiguousarray(comparison.dataset.X, dtype=np.float64)
    python = (python_engine or SklearnDbscanEngine()).predict(X, comparison.python, new)
    r_own = (r_engine or RDbscanEngine()).predict(X, comparison.r, new)
    return MethodPrediction(np.asarray(python, dtype=np.int64),
                            comparison.agreement.relabel(r_own), PREDICTION)


# -- the method contract (pyseg.methods._base) -----------------------------------------------

MEASURE_NAME = "rows differing"


def measure(comparison: DbscanComparison) -> float:
    return float(comparison.differing_rows.size)


def dbscan_eps(dataset: Dataset, settings: MethodSettings) -> float:
    """``settings.eps``, or the knee of Python's k-NN distance curve (k = min_points - 1)."""
    if settings.eps is not None:
        return settings.eps
    if "eps" in settings.chosen:  # chosen already (R's fit was sent early with it)
        return float(settings.chosen["eps"])
    curves = knn_distance_curves(dataset, max(1, settings.min_points - 1), with_r=False)
    if curves.knee_eps is None or curves.knee_eps <= 0:
        raise InputError(f"{dataset.source}: the k-nearest-neighbour distances have no knee to "
                         "choose eps from; give --eps")
    settings.chosen["eps"] = curves.knee_eps
    return curves.knee_eps


def run(dataset: Dataset, settings: MethodSettings) -> DbscanComparison:
    return compare_dbscan(dataset, dbscan_eps(dataset, settings), settings.min_points,
                          min_agreement=settings.min_agreement,
                          r_engine=r_engine_for(settings, "dbscan", RecordedMethodEngine))


def predict(comparison: DbscanComparison, X_new: NDArray[np.float64],
            table: pd.DataFrame) -> MethodPrediction:
    return predict_dbscan(comparison, X_new)


def r_fit_request(dataset: Dataset, settings: MethodSettings) -> tuple[Any, ...] | None:
    """R's fit as the R worker is asked for it, to send before the comparison needs it."""
    eps, min_points = check_dbscan_parameters(dbscan_eps(dataset, settings),
                                              settings.min_points)
    X = np.ascontiguousarray(dataset.X, dtype=np.float64)
    return ("engine_call", R_ENGINE, "fit", (X, eps, min_points), {})


# -- the report's material ------------------------------------------------------------------------
# What DBSCAN's report shows beyond the comparison: both languages' k-nearest-neighbour distance
# curves (k = min_points - 1) and their knee, computed here.

def material(comparison: Any, r_results: Path | None) -> ReportMaterial:
    """The k-NN curves (Python's only when R's side was replayed), or why there are none."""
    k = max(1, comparison.min_points - 1)
    notes: list[str] = []
    if r_results is not None:
        notes.append(f"R's k-nearest-neighbour distances are not shown: R's side was replayed "
                     f"from {r_results}, which holds R's fits only (drop --r-results to add "
                     "them).")
    if k >= comparison.dataset.X.shape[0]:
        notes.append(f"No k-nearest-neighbour plot: k = {k} needs more rows.")
        return ReportMaterial(notes=tuple(notes))
    knn = knn_distance_curves(comparison.dataset, k, with_r=r_results is None)
    return ReportMaterial(knn=knn, notes=tuple(notes))


# -- choosing eps (elbow --method dbscan) -----------------------------------------------------

@dataclass(frozen=True)
class KnnRun:
    """What :func:`knn_distance_data` computed: DBSCAN's "elbow", for choosing eps."""

    dataset: Dataset
    features: Features
    min_points: int
    curves: KnnDistances

    def to_dict(self) -> dict[str, Any]:
        return {"method": "dbscan", "min_points": self.min_points,
                "data": data_summary(self.dataset),
                "feature_matrix": self.features.to_dict(), **self.curves.to_dict()}


def knn_distance_data(data: str | os.PathLike[str] | None, columns: str | Sequence[str] | None,
                      min_points: int = 5, *, scale: str = "none") -> KnnRun:
    """Every row's distance to its (min_points - 1)-th nearest neighbour in both languages
    (scikit-learn ``NearestNeighbors``, R ``dbscan::kNNdist``), sorted, with the knee."""
    check_dbscan_parameters(1.0, min_points)
    if min_points < 2:
        raise InputError(f"--min-points {min_points}: the k-nearest-neighbour distances need "
                         "--min-points >= 2 (k = min-points - 1 neighbours)")
    dataset, features = load_features(data, columns, scale=scale)
    return KnnRun(dataset, features, min_points, knn_distance_curves(dataset, min_points - 1))


def choose_k(args: Any) -> KnnRun:
    """``elbow --method dbscan`` (``args``: its parsed flags)."""
    return knn_distance_data(args.data, args.columns, args.min_points, scale=args.scale)
