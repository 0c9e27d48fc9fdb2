"""Every clustering method pyseg compares, by name: what ``compare --method`` dispatches on.

Each method's comparison lives in its own module (:mod:`pyseg.methods.kmeans._compare` for K-Means,
:mod:`pyseg.methods.hierarchical._compare`, :mod:`pyseg.methods.dbscan._compare`, ...); this module
only names them, says which settings each one reads, and gives every comparison the same three
things for the ``--method all`` table: agreement, ARI, and the method's own measure of parity.

A comparison returned by :func:`compare_method` has at least ``passed``, ``diagnosis``,
``agreement`` (with ``accuracy`` and ``ari``), ``to_dict(versions)`` and ``to_json(versions)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._course import PYTHON_COURSE, R_COURSE, CourseSettings
from pyseg._data import Dataset
from pyseg._errors import InputError, REvaluationError
from pyseg._io import json_ready, to_json_text
from pyseg.engines import (
    KMeansEngine,
    RecordedGmmEngine,
    RecordedMethodEngine,
    RecordedPamEngine,
    RecordedREngine,
    REngine,
    RWorkerEngine,
    nearest_center,
)
from pyseg.methods.dbscan._compare import (
    PREDICTION_RULE,
    DbscanComparison,
    compare_dbscan,
    knn_distance_curves,
    predict_dbscan,
)
from pyseg.methods.gmm._compare import GmmComparison, compare_gmm, predict_gmm
from pyseg.methods.hierarchical._compare import (
    NO_PREDICTION,
    HierarchicalComparison,
    compare_hierarchical,
)
from pyseg.methods.kmeans._compare import Comparison, compare
from pyseg.methods.pam._compare import PamComparison, compare_pam, predict_pam

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray


@dataclass(frozen=True)
class MethodSettings:
    """What ``compare`` was asked, for every method; each method reads the fields it needs.

    Attributes
    ----------
    k : int, default=5
        Clusters (K-Means, hierarchical, PAM, GMM).
    mode : str, default="course"
        K-Means: ``course`` or ``exact``; GMM: ``course`` or ``exact``.
    python_settings, r_settings : CourseSettings
        K-Means seeds and starts.
    linkage : str, default="ward"
    eps : float or None
        DBSCAN radius; None: the knee of Python's k-nearest-neighbour distance curve.
    min_points : int, default=5
    distance : str or None
        PAM: ``euclidean`` or ``gower``; None: gower when a categorical column is among the
        features.
    covariance : str, default="full"
        GMM covariance type (scikit-learn's names).
    min_agreement : float, default=1.0
    r_results : Path or None
        Take R's side from a ``pyseg record-r`` file instead of running R.
    """

    k: int = 5
    mode: str = "course"
    python_settings: CourseSettings = PYTHON_COURSE
    r_settings: CourseSettings = R_COURSE
    linkage: str = "ward"
    eps: float | None = None
    min_points: int = 5
    distance: str | None = None
    covariance: str = "full"
    min_agreement: float = 1.0
    r_results: Path | None = None
    #: Filled by the run: settings a method chose itself (DBSCAN's eps from the knee), for notes.
    chosen: dict[str, Any] = field(default_factory=dict, compare=False)
    #: The R worker process to run R's side in (:class:`~pyseg.engines.RWorkerEngine`); None:
    #: R in this process.
    r_worker: RWorkerEngine | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Method:
    """One method pyseg compares.

    Attributes
    ----------
    name : str
        The ``--method`` value.
    describe : str
        One line: Python's call and R's.
    run : callable
        ``run(dataset, settings) -> comparison``.
    measure_name : str
        The method's own parity measure, for the ``--method all`` table.
    measure : callable
        ``measure(comparison) -> float``.
    prediction : str
        How ``predict`` assigns a new customer with this method, or why it does not.
    predict : callable or None
        ``predict(comparison, X_new, table) -> MethodPrediction`` in both languages (``X_new``
        in the features' space, ``table`` the same rows' columns by training name); None: the method
        has no prediction rule (``prediction`` says why).
    """

    name: str
    describe: str
    run: Callable[[Dataset, MethodSettings], Any]
    measure_name: str
    measure: Callable[[Any], float]
    prediction: str
    predict: Callable[[Any, NDArray[np.float64], pd.DataFrame], MethodPrediction] | None = None


@dataclass(frozen=True)
class MethodPrediction:
    """New rows assigned by one method in both languages (R's labels in Python's numbering).

    Attributes
    ----------
    python, r : ndarray of shape (n_new,), dtype int64
        Segment of every new row; -1: none (DBSCAN's noise).
    rule : str
        How the method assigns a new row.
    python_probability, r_probability : ndarray of shape (n_new,) or None
        Soft methods (Gaussian mixtures): the probability of the segment given.
    """

    python: NDArray[np.int64]
    r: NDArray[np.int64]
    rule: str
    python_probability: NDArray[np.float64] | None = None
    r_probability: NDArray[np.float64] | None = None

    @property
    def agreement(self) -> float:
        """Share of new rows with the same segment in both languages (1.0 for none)."""
        return 1.0 if self.python.size == 0 else float(np.mean(self.python == self.r))


def _predict_kmeans(comparison: Comparison, X_new: NDArray[np.float64],
                    table: pd.DataFrame) -> MethodPrediction:
    python, _ = nearest_center(X_new, comparison.python.centers)
    r, _ = REngine().nearest_center(X_new, comparison.r.centers)  # R's centers, aligned
    return MethodPrediction(python, r, "the segment of the nearest center (Euclidean)")


def _predict_dbscan(comparison: DbscanComparison, X_new: NDArray[np.float64],
                    table: pd.DataFrame) -> MethodPrediction:
    found = predict_dbscan(comparison, X_new)
    return MethodPrediction(found.python, found.r, found.rule)


def _kmeans_r_engine(settings: MethodSettings) -> KMeansEngine:
    if settings.r_results is not None:
        return RecordedREngine(settings.r_results)
    return settings.r_worker if settings.r_worker is not None else REngine()


def _live_r(settings: MethodSettings, name: str) -> Any:
    """R's engine ``name`` in the worker process, or None (the comparison's own, in process)."""
    return None if settings.r_worker is None else settings.r_worker.engine(name)


def _run_kmeans(dataset: Dataset, settings: MethodSettings) -> Comparison:
    return compare(dataset, settings.k, mode=settings.mode,  # type: ignore[arg-type]
                   python_settings=settings.python_settings, r_settings=settings.r_settings,
                   min_agreement=settings.min_agreement, r_engine=_kmeans_r_engine(settings))


def _run_hierarchical(dataset: Dataset, settings: MethodSettings) -> HierarchicalComparison:
    r_engine = (_live_r(settings, "RHierarchicalEngine") if settings.r_results is None
                else RecordedMethodEngine(settings.r_results, "hierarchical"))
    return compare_hierarchical(dataset, settings.k, settings.linkage,
                                min_agreement=settings.min_agreement, r_engine=r_engine)


def dbscan_eps(dataset: Dataset, settings: MethodSettings) -> float:
    """``settings.eps``, or the knee of Python's k-NN distance curve (k = min_points - 1)."""
    if settings.eps is not None:
        return settings.eps
    curves = knn_distance_curves(dataset, max(1, settings.min_points - 1), with_r=False)
    if curves.knee_eps is None or curves.knee_eps <= 0:
        raise InputError(f"{dataset.source}: the k-nearest-neighbour distances have no knee to "
                         "choose eps from; give --eps")
    settings.chosen["eps"] = curves.knee_eps
    return curves.knee_eps


def _run_dbscan(dataset: Dataset, settings: MethodSettings) -> DbscanComparison:
    r_engine = (_live_r(settings, "RDbscanEngine") if settings.r_results is None
                else RecordedMethodEngine(settings.r_results, "dbscan"))
    return compare_dbscan(dataset, dbscan_eps(dataset, settings), settings.min_points,
                          min_agreement=settings.min_agreement, r_engine=r_engine)


def _run_pam(dataset: Dataset, settings: MethodSettings) -> PamComparison:
    r_engine = (_live_r(settings, "RPamEngine") if settings.r_results is None
                else RecordedPamEngine(settings.r_results))
    return compare_pam(dataset, settings.k, distance=settings.distance,
                       min_agreement=settings.min_agreement, r_engine=r_engine)


def _run_gmm(dataset: Dataset, settings: MethodSettings) -> GmmComparison:
    r_engine = (_live_r(settings, "RGmmEngine") if settings.r_results is None
                else RecordedGmmEngine(settings.r_results))
    return compare_gmm(dataset, settings.k, settings.covariance, mode=settings.mode,
                       min_agreement=settings.min_agreement, r_engine=r_engine)


def _predict_pam(comparison: PamComparison, X_new: NDArray[np.float64],
                 table: pd.DataFrame) -> MethodPrediction:
    numeric = [name for name, kind in zip(comparison.data.columns.names,
                                          comparison.data.columns.kinds, strict=True)
               if kind == "numeric"]
    found = predict_pam(comparison, table.astype({name: "float64" for name in numeric}))
    assert found.r is not None  # R was asked
    return MethodPrediction(found.python, found.r, "the segment of the nearest medoid, by the "
                            f"fit's distance ({comparison.data.distance})")


def _predict_gmm(comparison: GmmComparison, X_new: NDArray[np.float64],
                 table: pd.DataFrame) -> MethodPrediction:
    found = predict_gmm(comparison, X_new)
    assert found.r_segment is not None
    return MethodPrediction(found.python_segment, found.r_segment,
                            "the most probable mixture component, with its probability",
                            found.python_probability, found.r_probability)


METHODS: dict[str, Method] = {
    "kmeans": Method(
        "kmeans", "scikit-learn KMeans / R kmeans", _run_kmeans,
        "WCSS relative difference", lambda c: float(c.wcss_rel_diff),
        "the segment of the nearest center (Euclidean)", _predict_kmeans),
    "hierarchical": Method(
        "hierarchical", "scipy linkage + cut / R hclust + cutree", _run_hierarchical,
        "max |d merge height|", lambda c: float(c.max_height_diff),
        NO_PREDICTION),
    "dbscan": Method(
        "dbscan", "scikit-learn DBSCAN / R dbscan::dbscan", _run_dbscan,
        "rows differing", lambda c: float(c.differing_rows.size),
        PREDICTION_RULE, _predict_dbscan),
    "pam": Method(
        "pam", "kmedoids.pam / R cluster::pam (daisy Gower or dist)", _run_pam,
        "medoids differing", lambda c: float(c.medoids_differing),
        "nearest medoid, by the fit's distance (pyseg.methods.pam._compare.predict_pam)",
        _predict_pam),
    "gmm": Method(
        "gmm", "scikit-learn GaussianMixture / R mclust::Mclust", _run_gmm,
        "|d logL|", lambda c: abs(float(c.loglik_diff)),
        "most probable component and its probability (pyseg.methods.gmm._compare.predict_gmm)",
        _predict_gmm),
}


def method_names() -> tuple[str, ...]:
    """The ``--method`` values, in table order."""
    return tuple(METHODS)


def compare_method(name: str, dataset: Dataset, settings: MethodSettings) -> Any:
    """Run one method's comparison; an unknown name is a one-line :class:`InputError`."""
    if name not in METHODS:
        raise InputError(f"--method {name!r} is not one of {', '.join(METHODS)}")
    return METHODS[name].run(dataset, settings)


@dataclass(frozen=True)
class AllComparison:
    """``compare --method all``: every method on the same features.

    Attributes
    ----------
    dataset : Dataset
    comparisons : dict of str to comparison
    errors : dict of str to str
        A method that could not run on this data (bad k for it, too many rows), and why.
    passed : bool
        Every method ran and passed.
    """

    dataset: Dataset
    comparisons: dict[str, Any]
    errors: dict[str, str]
    settings: MethodSettings

    @property
    def passed(self) -> bool:
        return (bool(self.comparisons) and not self.errors
                and all(c.passed for c in self.comparisons.values()))

    def rows(self) -> list[dict[str, Any]]:
        """One row per method: agreement, ARI, own measure, passed (or the error)."""
        table = []
        for name, method in METHODS.items():
            if name in self.comparisons:
                c = self.comparisons[name]
                table.append({"method": name, "agreement": c.agreement.accuracy,
                              "ari": c.agreement.ari, "measure": method.measure_name,
                              "value": method.measure(c), "passed": bool(c.passed)})
            elif name in self.errors:
                table.append({"method": name, "error": self.errors[name], "passed": None})
        return table

    def to_dict(self, versions: dict[str, str | None] | None = None) -> dict[str, Any]:
        result: dict[str, Any] = {
            "method": "all", "n": int(self.dataset.X.shape[0]),
            "features": list(self.dataset.feature_names),
            "data": {"source": self.dataset.source, "sha256": self.dataset.sha256},
            "table": json_ready(self.rows()), "passed": self.passed,
            "methods": {name: c.to_dict() for name, c in self.comparisons.items()},
            "chosen": json_ready(self.settings.chosen),
        }
        if versions is not None:
            result["versions"] = versions
        return result

    def to_json(self, versions: dict[str, str | None] | None = None) -> str:
        return to_json_text(self.to_dict(versions), ("python", "r"))


def compare_all(dataset: Dataset, settings: MethodSettings) -> AllComparison:
    """Every method of :data:`METHODS` on ``dataset``; a method whose input check fails on this
    data, or whose R fit fails on it, is reported in ``errors`` (one line) instead of stopping
    the others (and then the table does not pass)."""
    comparisons: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in METHODS:
        try:
            comparisons[name] = compare_method(name, dataset, settings)
        except (InputError, REvaluationError) as exc:  # this method on this data; R stays up
            errors[name] = str(exc)
    return AllComparison(dataset, comparisons, errors, settings)

