"""Run the course K-Means in both languages, align the labelings, and judge parity."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from pyseg._align import Agreement, align_labels, aligned_centers, max_center_difference
from pyseg._align import agreement as measure_agreement
from pyseg._course import (
    CENTER_TOLERANCE,
    COMPARE_MODES,
    EXACT_MAX_ITER,
    PYTHON_COURSE,
    R_COURSE,
    CourseSettings,
)
from pyseg._data import Dataset, check_clusterable
from pyseg._errors import InputError
from pyseg._io import json_ready
from pyseg._lloyd import kmeanspp_from, kmeanspp_many, kmeanspp_reads, lloyd_many
from pyseg._segments import segment_names_for_data
from pyseg.engines import (
    FitResult,
    KMeansEngine,
    RecordedREngine,
    REngine,
    SklearnEngine,
    initial_centers_kmeanspp,
    nearest_center,
)
from pyseg.engines._stability_python import Resampler
from pyseg.methods._agreement import check_k
from pyseg.methods._base import (
    MethodComparison,
    MethodPrediction,
    MethodSettings,
    check_min_agreement,
    run_both,
)
from pyseg.methods.kmeans import PREDICTION
from pyseg.methods.kmeans._elbow import relative_difference
from pyseg.methods.kmeans._python import one_thread

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

    from pyseg.engines._stability_r import RResampleEngine

Mode = Literal["course", "exact"]

#: When course-mode fits disagree, the diagnosis advises this many times the starts used.
MORE_STARTS_FACTOR = 5


@dataclass(frozen=True)
class Comparison(MethodComparison):
    """The outcome of :func:`compare`.

    Attributes
    ----------
    (The shared ones are :class:`~pyseg.methods._base.MethodComparison`'s.)
    k : int
        Number of clusters asked for.
    mode : {"course", "exact"}
        How the engines were started (see :func:`compare`).
    python, r : FitResult
        R's fit is relabelled into Python's numbering (labels and centers; surplus R clusters, if
        any, are numbered after Python's).
    agreement : Agreement
        Accuracy after alignment, ARI, NMI and the confusion matrix (rows: Python, columns: R).
    max_center_diff : float
        Largest absolute coordinate difference of matched centers (inf if the cluster counts
        differ).
    wcss_rel_diff : float
        ``|wcss_py - wcss_r| / max(wcss_py, wcss_r)``.
    passed : bool
        Parity verdict; see :func:`compare`.
    settings : dict
        What each side ran with.
    """

    k: int
    mode: str
    python: FitResult
    r: FitResult
    agreement: Agreement
    max_center_diff: float
    wcss_rel_diff: float
    settings: dict[str, Any]

    METHOD = "kmeans"

    def segment_names(self) -> list[str]:
        """Names of Python's clusters (and so of R's aligned ones), from where the centers lie."""
        segments = segment_names_for_data(self.python.centers, self.dataset.X,
                                          self.dataset.feature_names)
        return [segment.name for segment in segments]

    def fit_dict(self, fit: FitResult) -> dict[str, Any]:
        return {**fit.to_dict(), "settings": self.settings["python" if fit is self.python else "r"]}

    def confusion(self) -> NDArray[np.int64]:
        return self.agreement.alignment.confusion

    def own_dict(self) -> dict[str, Any]:
        result = {"k": self.k, "mode": self.mode, "segments": self.segment_names(),
                  "max_center_diff": json_ready(self.max_center_diff),
                  "wcss_rel_diff": self.wcss_rel_diff}
        if "initial_centers" in self.settings:
            result["initial_centers"] = json_ready(self.settings["initial_centers"])
        return result

    def to_dict(self, versions: dict[str, str | None] | None = None) -> dict[str, Any]:
        result = super().to_dict(versions)
        del result["method"]  # the course's JSON, older than --method, names no method
        return result


def compare(dataset: Dataset, k: int = 5, *, mode: Mode = "course",
            python_settings: CourseSettings = PYTHON_COURSE, r_settings: CourseSettings = R_COURSE,
            min_agreement: float = 1.0, python_engine: KMeansEngine | None = None,
            r_engine: KMeansEngine | None = None) -> Comparison:
    """Fit K-Means in Python and in R and say whether they agree.

    Parameters
    ----------
    dataset : Dataset
        From :func:`pyseg.load_dataset`.
    k : int, default=5
        Number of clusters.
    mode : {"course", "exact"}, default="course"
        ``"course"``: each language exactly as the course wrote it, i.e. scikit-learn
        ``KMeans(n_clusters=k, init="k-means++", n_init=10, max_iter=300, random_state=42)`` and R
        ``set.seed(29); kmeans(X, k, iter.max = 300, nstart = 10)`` (seeds and starts from
        ``python_settings`` / ``r_settings``). ``"exact"``: both sides start from the same seeded
        k-means++ draw (seed ``python_settings.seed``) and run Lloyd until no label changes —
        R ``kmeans(X, centers, algorithm = "Lloyd")``, scikit-learn ``algorithm="lloyd", tol=0`` —
        so labels must be identical and centers equal to floating-point noise.
    python_settings, r_settings : CourseSettings
        Course-mode settings of each side.
    min_agreement : float, default=1.0
        Fraction of rows whose aligned labels must agree for parity to pass.
    python_engine, r_engine : KMeansEngine, optional
        Default :class:`~pyseg.SklearnEngine` and :class:`~pyseg.REngine`; pass another engine
        (R in a worker process, recorded R results...) to replace one side.

    Returns
    -------
    Comparison
        ``passed`` is true when ``agreement >= min_agreement``; in exact mode the matched centers
        must also differ by at most 1e-9. In course mode a center difference with identical
        partitions is explained in ``diagnosis`` (scikit-learn's ``tol=1e-4`` stop reports the
        centers of the iteration before its last assignment, while R's are the exact means).

    Notes
    -----
    The R side of the default course mode is, in R::

        X <- as.matrix(dataset[c("Annual Income (k$)", "Spending Score (1-100)")])
        set.seed(29); km <- kmeans(X, 5, iter.max = 300, nstart = 10)
    """
    if mode not in COMPARE_MODES:
        raise InputError(f"mode={mode!r} should be one of {', '.join(COMPARE_MODES)}")
    check_min_agreement(min_agreement)
    check_k(np.asarray(dataset.X, dtype=np.float64), k, dataset.source)  # every method's wording
    check_clusterable(dataset, k)
    if python_engine is None:
        python_engine = SklearnEngine()
    if r_engine is None:
        r_engine = REngine()

    X = dataset.X
    if mode == "exact":
        start = time.perf_counter()
        initial = initial_centers_kmeanspp(X, k, python_settings.seed)
        initial_seconds = time.perf_counter() - start
        exact = {"init": "k-means++", "seed": python_settings.seed, "algorithm": "Lloyd",
                 "max_iter": EXACT_MAX_ITER}
        settings: dict[str, Any] = {"python": exact, "r": exact, "initial_centers": initial}
        py_fit, r_fit, timings = run_both(
            lambda: python_engine.fit_from(X, initial, EXACT_MAX_ITER),
            lambda: r_engine.fit_from(X, initial, EXACT_MAX_ITER),
        )
        timings["initial_centers"] = initial_seconds
    else:
        settings = {
            "python": {"init": "k-means++", "random_state": python_settings.seed,
                       "n_init": python_settings.n_starts, "max_iter": python_settings.max_iter,
                       "algorithm": "lloyd"},
            "r": {"set.seed": r_settings.seed, "nstart": r_settings.n_starts,
                  "iter.max": r_settings.max_iter, "algorithm": "Hartigan-Wong"},
        }
        py_fit, r_fit, timings = run_both(lambda: python_engine.fit(X, k, python_settings),
                                          lambda: r_engine.fit(X, k, r_settings))

    start = time.perf_counter()
    measured = measure_agreement(py_fit.labels, r_fit.labels, py_fit.n_clusters, r_fit.n_clusters)
    alignment = measured.alignment
    r_centers = aligned_centers(r_fit.centers, alignment)
    r_aligned = replace(r_fit, labels=alignment.relabel(r_fit.labels), centers=r_centers)
    width = r_centers.shape[0]
    py_centers = np.full((width, X.shape[1]), np.nan)
    py_centers[: py_fit.n_clusters] = py_fit.centers
    max_diff = max_center_difference(py_centers, r_centers)
    wcss_rel_diff = relative_difference(py_fit.wcss, r_fit.wcss)
    passed = measured.accuracy >= min_agreement and (
        mode != "exact" or max_diff <= CENTER_TOLERANCE
    )
    timings["alignment"] = time.perf_counter() - start
    diagnosis = _diagnose(py_fit, r_fit, measured, max_diff, wcss_rel_diff, mode, passed,
                          starts=max(python_settings.n_starts, r_settings.n_starts))
    if measured.accuracy == 1.0 and max_diff > CENTER_TOLERANCE:
        diagnosis.insert(1, _explain_center_difference(X, py_fit, r_aligned, mode))
    return Comparison(dataset=dataset, k=k, mode=mode, python=py_fit, r=r_aligned,
                      r_label_mapping=alignment.mapping, agreement=measured,
                      max_center_diff=max_diff, wcss_rel_diff=wcss_rel_diff,
                      min_agreement=min_agreement, passed=passed, diagnosis=diagnosis,
                      settings=settings, timings=timings)


#: Plain explanations of R warnings a learner may meet.
_R_WARNING_HINTS = {
    "Quick-TRANSfer": "Hartigan-Wong's Quick-TRANSfer stage hit its step limit, which happens "
    "with many tied points; the fit is still returned but may be a worse optimum — more starts "
    "(--starts) or --mode exact avoid relying on it",
    "did not converge": "R stopped at its iteration limit before the clusters settled",
    "empty cluster": "a cluster lost all its points during R's iterations",
}


def _explain_center_difference(X: NDArray[np.float64], py_fit: FitResult, r_aligned: FitResult,
                               mode: str) -> str:
    """Why identical partitions come with different centers: whose centers are not the means."""
    k = py_fit.n_clusters
    counts = np.bincount(py_fit.labels, minlength=k).astype(np.float64)
    sums = np.column_stack(
        [np.bincount(py_fit.labels, weights=X[:, j], minlength=k) for j in range(X.shape[1])]
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts[:, None]
    py_off = float(np.nanmax(np.abs(py_fit.centers - means)))
    r_off = float(np.nanmax(np.abs(r_aligned.centers[:k] - means)))
    if py_off > CENTER_TOLERANCE and r_off <= CENTER_TOLERANCE and mode == "course":
        return (
            f"The centers (and so the WCSS) differ only because scikit-learn stopped on its "
            f"tolerance (tol=1e-4) after {py_fit.n_iter} iterations: its centers are the previous "
            f"iteration's, {py_off:.3g} from the means of the final partition, which R reports "
            "exactly. The partitions themselves are identical; --mode exact runs both to a fixed "
            "point."
        )
    return (
        f"Identical partitions should give equal centers, but Python's are {py_off:.3g} and R's "
        f"{r_off:.3g} from the means of the shared partition: a numerical problem in one engine, "
        "not a clustering one."
    )


def _diagnose(py_fit: FitResult, r_fit: FitResult, measured: Agreement, max_diff: float,
              wcss_rel_diff: float, mode: str, passed: bool,
              starts: int = PYTHON_COURSE.n_starts) -> list[str]:
    """Plain sentences on how the two fits relate; ``starts`` is the most either side used."""
    notes: list[str] = []
    if measured.accuracy == 1.0:
        notes.append(
            f"The partitions are identical after relabelling; matched centers differ by at most "
            f"{max_diff:.3g} and WCSS by {wcss_rel_diff:.3g} (relative)."
        )
    else:
        moved = measured.alignment.confusion.sum() - measured.alignment.matched
        notes.append(f"The partitions differ: {moved} of {py_fit.labels.size} rows "
                     f"({1 - measured.accuracy:.1%}) fall in different clusters after relabelling "
                     f"(ARI {measured.ari:.4f}).")
        py_used = int((py_fit.sizes > 0).sum())
        r_used = int((r_fit.sizes > 0).sum())
        if py_used != r_used:
            notes.append(f"Python has {py_used} non-empty clusters and R has {r_used}.")
        if wcss_rel_diff == 0.0:
            notes.append(
                "Both reach the same WCSS: the data allow two equally good partitions (ties), "
                "so neither side is wrong."
            )
        else:
            lower, higher = ("Python", "R") if py_fit.wcss < r_fit.wcss else ("R", "Python")
            notes.append(
                f"{lower} reached the lower WCSS ({min(py_fit.wcss, r_fit.wcss):.6g} against "
                f"{max(py_fit.wcss, r_fit.wcss):.6g}): {higher}'s random starts ended in a worse "
                "local optimum."
            )
        if mode == "course":
            notes.append(
                f"To make them agree, give both sides more starts than the {starts} this run "
                f"used (--starts {MORE_STARTS_FACTOR * starts}) or use --mode exact, which "
                "starts both from the same centers."
            )
        else:
            notes.append(
                "In exact mode both sides start from the same centers, so a difference means the "
                "two Lloyd implementations broke a near-tie differently; check the rows that moved."
            )
    for warning in r_fit.warnings:
        hint = next((text for key, text in _R_WARNING_HINTS.items() if key in warning), None)
        notes.append(f"R warned: {warning}" + (f" ({hint})." if hint else "."))
    for warning in py_fit.warnings:
        notes.append(f"scikit-learn warned: {warning}.")
    return notes


# -- the method contract (pyseg.methods._base) -----------------------------------------------

MEASURE_NAME = "WCSS relative difference"


def measure(comparison: Comparison) -> float:
    return float(comparison.wcss_rel_diff)


def r_engine(settings: MethodSettings) -> KMeansEngine:
    if settings.r_results is not None:
        return RecordedREngine(settings.r_results)
    return settings.r_worker if settings.r_worker is not None else REngine()


def run(dataset: Dataset, settings: MethodSettings) -> Comparison:
    return compare(dataset, settings.k, mode=settings.mode,  # type: ignore[arg-type]
                   python_settings=settings.python_settings, r_settings=settings.r_settings,
                   min_agreement=settings.min_agreement, r_engine=r_engine(settings))


def predict(comparison: Comparison, X_new: NDArray[np.float64],
            table: pd.DataFrame) -> MethodPrediction:
    python, _ = nearest_center(X_new, comparison.python.centers)
    r, _ = REngine().nearest_center(X_new, comparison.r.centers)  # R's centers, aligned
    return MethodPrediction(python, r, PREDICTION)


def r_fit_request(dataset: Dataset, settings: MethodSettings) -> tuple[Any, ...] | None:
    """R's course fit as the R worker is asked for it, to send before the comparison needs it
    (exact mode starts from Python's centers: nothing to send early)."""
    if settings.mode != "course":
        return None
    check_k(np.asarray(dataset.X, dtype=np.float64), settings.k, dataset.source)
    check_clusterable(dataset, settings.k)
    return ("fit", dataset.X, settings.k, settings.r_settings)


# -- resampling (stability --bootstrap, gap) ------------------------------------------------------
# K-Means in ``pyseg stability --bootstrap`` and ``pyseg gap``: Lloyd from shared starts.  pyseg
# draws S k-means++ starting centers per fit once (numpy, after the bootstrap rows or the reference
# sets, from the same generator) and hands them to both languages: Python runs ``KMeans(init=start,
# n_init=1, tol=0, algorithm="lloyd")`` from each start and keeps the lowest WCSS (a later start
# must be lower by :data:`START_TIE` relative, else the first is kept); R runs ``kmeans(X, start,
# algorithm = "Lloyd")`` with the same rule (``r_reference/resample_shared.R``). clusterboot's
# check is kmeansCBI; clusGap's own FUNcluster is ``kmeans(nstart = S)``.

#: Relative WCSS margin by which a later start must beat the best one so far to replace it
#: (the same in ``r_reference/resample_shared.R``).
START_TIE = 1e-9
#: Iteration cap of the Lloyd refits (as exact mode's).
LLOYD_MAX_ITER = 1000


def best_lloyd(X: NDArray[np.float64], starts: NDArray[np.float64],
               max_iter: int = LLOYD_MAX_ITER) -> tuple[NDArray[np.int64], float]:
    """Lloyd from each start of ``starts`` (S, k, d); the labels and WCSS of the best.

    All starts run at once (:func:`pyseg._lloyd.lloyd_many`, R's arithmetic); a start that loses
    a cluster is rerun by scikit-learn (which moves the empty center), as before.
    """
    labels, wcss, empty = lloyd_many(X, starts, max_iter)
    best_labels, best_wcss = None, np.inf
    for s, start in enumerate(starts):
        if empty[s]:
            from sklearn.cluster import KMeans

            model = KMeans(n_clusters=start.shape[0], init=start, n_init=1, max_iter=max_iter,
                           tol=0.0, algorithm="lloyd").fit(X)
            labels[s], wcss[s] = model.labels_, model.inertia_
        if best_labels is None or wcss[s] < best_wcss - START_TIE * abs(best_wcss):
            best_labels, best_wcss = labels[s], float(wcss[s])
    assert best_labels is not None
    return best_labels, best_wcss


class Resample(Resampler):
    """K-Means refits: the best Lloyd run of S shared k-means++ starts."""

    method_words = "K-Means k = {k}, best of {self.starts} shared k-means++ starts (Lloyd)"
    clusterboot_method = ("kmeansCBI, krange = {k}, runs = 1, nstart = {self.starts}, "
                          "iter.max = 300")
    clusgap_code = "function(x, k) kmeans(x, k, iter.max = 300, nstart = {self.starts})"

    def bootstrap_draws(self, X: NDArray[np.float64], k: int, rows: Sequence[NDArray[np.int64]],
                        rng: np.random.Generator, r_engine: RResampleEngine) -> list[Any]:
        """S greedy k-means++ starts (S, k, d) for the original fit, then S per resample."""
        return [kmeanspp_many(X, k, self.starts, rng)] + [
            kmeanspp_many(X[r], k, self.starts, rng) for r in rows]

    def gap_draws(self, sets: NDArray[np.float64], k_max: int, rng: np.random.Generator,
                  r_engine: RResampleEngine) -> list[Any]:
        """Per data set, S starts per k = 2..k_max: (k_max - 1, S, k_max, d), the first k rows
        of ``[k - 2, s]`` used (zeros beyond). Read from ``rng`` set by set, k by k; computed
        k by k on all sets at once."""
        M, n, d = sets.shape
        reads = [[kmeanspp_reads(rng, n, k, self.starts) for k in range(2, k_max + 1)]
                 for _ in range(M)]
        draws = np.zeros((M, k_max - 1, self.starts, k_max, d))
        for k in range(2, k_max + 1):
            draws[:, k - 2, :, :k, :] = kmeanspp_from(
                sets, np.stack([row[k - 2][0] for row in reads]),
                np.stack([row[k - 2][1] for row in reads]))
        return list(draws)

    def labels(self, X: NDArray[np.float64], k: int, draw: Any) -> NDArray[np.int64]:
        with one_thread():
            return best_lloyd(X, draw[:, :k, :])[0]

    def numbered_as_compare(self, X: NDArray[np.float64], k: int,
                            labels: NDArray[np.int64]) -> NDArray[np.int64]:
        """Numbered as compare's course fit (scikit-learn, random_state=42, n_init=10): the
        shared starts find the same clusters in another order."""
        reference = SklearnEngine().fit(X, k, PYTHON_COURSE).labels
        return align_labels(reference, labels, n_a=k, n_b=k).mapping[labels]

    def r_draws(self, draws: Sequence[Any] | None, n: int) -> dict[str, Any]:
        assert draws is not None
        return {"starts": np.asfortranarray(np.stack(draws), dtype=np.float64)}
