"""Gaussian mixtures in both languages: partitions, log-likelihoods, BIC, soft memberships.

Python: scikit-learn's ``GaussianMixture``; R: ``mclust`` (covariance ``full``/``diag``/
``spherical``/``tied`` = mclust's ``VVV``/``VVI``/``VII``/``EEE``).

- ``course`` mode: each library starts its own way (scikit-learn from k-means with
  ``random_state=42``, mclust from its model-based hierarchical clustering) and stops at its own
  tolerance. On the course file (income, score, k = 5, full) they agree on 98.5% of the rows
  (ARI 0.985 was measured on 4 seeds of 5; 0.56 on one). The comparison says which side found
  the higher log-likelihood; it passes only when the agreement reaches ``min_agreement``.
- ``exact`` mode: both run EM from mclust's starting partition (``hclass(hc(X), k)``, from R)
  with ``tol = 1e-12`` and no covariance regularisation: ARI 1 and |dlogL| <= 1e-9 for k = 2..6
  (full) on the course file. It passes with agreement >= ``min_agreement`` and |dlogL| <=
  :data:`LOGLIK_TOLERANCE`.

BIC is reported in mclust's convention for both languages: ``2 logL - p log n``, higher is
better (scikit-learn's ``bic()`` is minus this).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._align import align_labels
from pyseg._course import PYTHON_COURSE
from pyseg._data import Dataset
from pyseg._em import em_full_many
from pyseg._errors import InputError, REvaluationError, RUnavailableError
from pyseg._features import load_features
from pyseg._io import json_ready
from pyseg._provenance import data_summary, live_run_provenance
from pyseg._report import ReportMaterial
from pyseg.engines import RecordedGmmEngine
from pyseg.engines._stability_python import Resampler
from pyseg.engines._stability_r import index_table
from pyseg.methods._agreement import (
    PartitionAgreement,
    check_k,
    partition_agreement,
)
from pyseg.methods._base import (
    MethodComparison,
    MethodPrediction,
    MethodSettings,
    check_min_agreement,
    r_engine_for,
    run_both,
)
from pyseg.methods.gmm import PREDICTION, R_ENGINE
from pyseg.methods.gmm._base import (
    EXACT_MAX_ITER,
    EXACT_TOL,
    MCLUST_MODELS,
    R_SUBSET_SEED,
    GmmEngine,
    GmmFit,
    check_covariance,
    check_gmm_mode,
)
from pyseg.methods.gmm._python import SklearnGmmEngine
from pyseg.methods.gmm._r import RGmmEngine
from pyseg.methods.gmm._report import best_k, differing_k
from pyseg.methods.kmeans._python import one_thread

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable

    import pandas as pd
    from numpy.typing import NDArray

    from pyseg._features import Features
    from pyseg.engines._stability_r import RResampleEngine

#: Largest |dlogL| called "the same" in exact mode.
LOGLIK_TOLERANCE = 1e-6


@dataclass(frozen=True)
class GmmComparison(MethodComparison):
    """The outcome of :func:`compare_gmm`.

    Attributes
    ----------
    (The shared ones are :class:`~pyseg.methods._base.MethodComparison`'s.)
    k : int
    covariance : str
    mode : {"course", "exact"}
    python, r : GmmFit
        R's components renumbered as Python's (labels, probability columns, parameters).
    start : ndarray or None
        Exact mode: the starting partition both were given (mclust's, 0-based).
    loglik_diff : float
        Python's log-likelihood minus R's.
    max_probability_diff : float
    """

    ONE_LINE = ("labels", "probabilities")  # in to_json: each side's probability matrix too

    k: int
    covariance: str
    mode: str
    python: GmmFit
    r: GmmFit
    start: NDArray[np.int64] | None
    loglik_diff: float
    max_probability_diff: float

    METHOD = "gmm"

    @property
    def scale_free(self) -> bool:
        return self.covariance == "full"  # a full covariance takes any scaling of the columns

    def calls(self) -> tuple[str, str]:
        model, k = MCLUST_MODELS[self.covariance], self.k
        if self.mode == "exact":  # w, m, p: the M-step of mclust's start hclass(hc(X), k)
            return (f"GaussianMixture(n_components={k}, covariance_type={self.covariance!r}, "
                    "weights_init=w, means_init=m, precisions_init=p, reg_covar=0.0, "
                    f"tol={EXACT_TOL!r}, max_iter={EXACT_MAX_ITER})",
                    f'library(mclust); me(X, modelName = "{model}", z = unmap(start), control = '
                    f"emControl(tol = c({EXACT_TOL!r}, sqrt(.Machine$double.eps)), "
                    f"itmax = c({EXACT_MAX_ITER}L, .Machine$integer.max)))")
        # mclust starts from a random subset of 2,000 rows above that many: pyseg seeds it.
        # Mclust calls mclustBIC by name: it runs only with mclust attached.
        seed = f"set.seed({R_SUBSET_SEED}); " if self.python.labels.size > 2000 else ""
        return (f"GaussianMixture(n_components={k}, covariance_type={self.covariance!r}, "
                f"random_state={PYTHON_COURSE.seed})",
                f'library(mclust); {seed}Mclust(X, G = {k}, modelNames = "{model}", '
                "verbose = FALSE)")

    def own_dict(self) -> dict[str, Any]:
        return {"k": self.k, "mode": self.mode, "covariance": self.covariance,
                "mclust_model": MCLUST_MODELS[self.covariance],
                "bic_convention": "mclust: 2 logL - p log n, higher is better",
                "loglik_diff": self.loglik_diff,
                "max_probability_diff": self.max_probability_diff}


def compare_gmm(
    dataset: Dataset,
    k: int = 5,
    covariance: str = "full",
    *,
    mode: str = "course",
    min_agreement: float = 1.0,
    python_engine: GmmEngine | None = None,
    r_engine: GmmEngine | None = None,
) -> GmmComparison:
    """A Gaussian mixture in Python (scikit-learn) and R (mclust), compared.

    Parameters
    ----------
    dataset : Dataset
    k : int, default=5
    covariance : {"full", "diag", "spherical", "tied"}, default="full"
        mclust's VVV, VVI, VII, EEE.
    mode : {"course", "exact"}, default="course"
        ``course``: each library's own start; ``exact``: both from mclust's starting partition
        (asked of ``r_engine``'s ``start``) with a tight tolerance.
    min_agreement : float, default=1.0
    python_engine, r_engine : GmmEngine, optional

    Raises
    ------
    InputError
        Unknown covariance or mode, bad k.
    """
    check_covariance(covariance)
    check_gmm_mode(mode)
    check_min_agreement(min_agreement)
    X = np.ascontiguousarray(dataset.X, dtype=np.float64)
    check_numeric_features(X, dataset.feature_names, dataset.source)
    k = check_k(X, k, dataset.source)
    python_engine = python_engine or SklearnGmmEngine()
    r_engine = r_engine or RGmmEngine()
    start = r_engine.start(X, k, covariance) if mode == "exact" else None  # type: ignore[attr-defined]
    py_fit, r_fit, timings = run_both(lambda: python_engine.fit(X, k, covariance, start),
                                      lambda: r_engine.fit(X, k, covariance, start))
    began = time.perf_counter()
    measured = partition_agreement(py_fit.labels, r_fit.labels)
    mapping = align_labels(py_fit.labels, r_fit.labels, k, k).mapping
    r_aligned = r_fit.permuted(mapping)
    diff = py_fit.loglik - r_fit.loglik
    prob_diff = float(np.max(np.abs(py_fit.probabilities - r_aligned.probabilities)))
    passed = measured.accuracy >= min_agreement and (
        mode == "course" or abs(diff) <= LOGLIK_TOLERANCE)
    diagnosis = _diagnose(py_fit, r_aligned, measured, diff, prob_diff, mode, min_agreement)
    timings["comparison"] = time.perf_counter() - began
    return GmmComparison(dataset=dataset, k=k, covariance=covariance, mode=mode,
                         python=py_fit, r=r_aligned, r_label_mapping=mapping, start=start,
                         agreement=measured, loglik_diff=float(diff),
                         max_probability_diff=prob_diff, min_agreement=min_agreement,
                         passed=bool(passed), diagnosis=diagnosis, timings=timings)


def check_numeric_features(X: NDArray[np.float64], names: tuple[str, ...], source: str) -> None:
    """Refuse 0/1 indicator columns (a categorical column): their covariance is singular, so
    neither library can fit a Gaussian to them."""
    # two distinct values, scaled or not: a Gaussian's covariance there is (near) singular
    indicators = [name for j, name in enumerate(names)
                  if "=" in name and np.unique(X[:, j]).size <= 2]
    if indicators:
        raise InputError(
            f"{source}: {', '.join(map(repr, indicators))} are 0/1 indicators of a categorical "
            "column: a Gaussian mixture needs numeric columns (their covariance would be "
            "singular); leave the column out, or use --method pam (Gower)")


def _diagnose(py_fit: GmmFit, r_fit: GmmFit, measured: PartitionAgreement, diff: float,
              prob_diff: float, mode: str, min_agreement: float) -> list[str]:
    n = py_fit.labels.size
    moved = n - measured.matched
    notes = [f"{'The partitions are identical' if moved == 0 else f'{moved} of {n} rows differ'}"
             f" after relabelling (agreement {measured.accuracy:.4f}, ARI {measured.ari:.4f})."]
    higher = "Python" if diff > 0 else "R"
    notes.append(
        f"Log-likelihood: Python {py_fit.loglik:.6f}, R {r_fit.loglik:.6f} (|d| = {abs(diff):.3g}"
        f"{'' if diff == 0 else f'; {higher} found the higher one'}); BIC (mclust's 2 logL - p "
        f"log n, higher is better): Python {py_fit.bic:.4f}, R {r_fit.bic:.4f}.")
    notes.append(f"Membership probabilities differ by at most {prob_diff:.3g}.")
    if mode == "course":
        notes.append(
            "Course mode: scikit-learn starts from k-means (random_state=42, tol 1e-3) and mclust "
            "from its hierarchical clustering (tol 1e-5), so they may stop at different optima"
            f"{'' if measured.accuracy >= min_agreement else ' - they did here'}; "
            "--mode exact starts both from mclust's partition.")
    elif abs(diff) > LOGLIK_TOLERANCE:
        notes.append(f"Exact mode: |dlogL| {abs(diff):.3g} is above {LOGLIK_TOLERANCE:g}: EM "
                     "had not converged on one side (iterations: Python "
                     f"{py_fit.n_iter}, R {r_fit.n_iter}).")
    notes.extend(f"{side} warned: {w}." for side, fit in (("Python", py_fit), ("R", r_fit))
                 for w in fit.warnings)
    return notes


def predict_gmm(comparison: GmmComparison, new: NDArray[np.float64], *,
                python_engine: GmmEngine | None = None,
                r_engine: GmmEngine | None = None) -> MethodPrediction:
    """Segment and probability of new rows (in feature order) under each side's fit (R's from
    ``predict.Mclust`` with R's fitted parameters), in Python's numbering."""
    new = np.asarray(new, dtype=np.float64).reshape(-1, comparison.python.means.shape[1])
    python = (python_engine or SklearnGmmEngine()).predict(comparison.python, new)
    # comparison.r is already in Python's numbering, so R's columns need no permutation
    z = (r_engine or RGmmEngine()).predict(comparison.r, new)
    return MethodPrediction(np.argmax(python, axis=1), np.argmax(z, axis=1), PREDICTION,
                            np.max(python, axis=1), np.max(z, axis=1))


@dataclass(frozen=True)
class BicCurve:
    """BIC (mclust's convention) and log-likelihood per k in both languages."""

    ks: tuple[int, ...]
    covariance: str
    mode: str
    python_bic: tuple[float, ...]
    r_bic: tuple[float, ...]
    python_loglik: tuple[float, ...]
    r_loglik: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        return json_ready(self.__dict__)


def gmm_bic_curve(dataset: Dataset, ks: range | tuple[int, ...] = range(1, 11),
                  covariance: str = "full", *, mode: str = "course",
                  python_engine: GmmEngine | None = None,
                  r_engine: GmmEngine | None = None) -> BicCurve:
    """The mixture's "elbow": BIC for every k in ``ks``, both languages (higher is better)."""
    fits = [compare_gmm(dataset, k, covariance, mode=mode, min_agreement=0.0,
                        python_engine=python_engine, r_engine=r_engine) for k in ks]
    return BicCurve(tuple(ks), covariance, mode, tuple(c.python.bic for c in fits),
                    tuple(c.r.bic for c in fits), tuple(c.python.loglik for c in fits),
                    tuple(c.r.loglik for c in fits))


# -- the method contract (pyseg.methods._base) -----------------------------------------------

MEASURE_NAME = "|d logL|"


def measure(comparison: GmmComparison) -> float:
    return abs(float(comparison.loglik_diff))


def run(dataset: Dataset, settings: MethodSettings) -> GmmComparison:
    return compare_gmm(dataset, settings.k, settings.covariance, mode=settings.mode,
                       min_agreement=settings.min_agreement,
                       r_engine=r_engine_for(settings, "gmm", RecordedGmmEngine))


def predict(comparison: GmmComparison, X_new: NDArray[np.float64],
            table: pd.DataFrame) -> MethodPrediction:
    return predict_gmm(comparison, X_new)


def r_fit_request(dataset: Dataset, settings: MethodSettings) -> tuple[Any, ...] | None:
    """R's course-mode fit as the R worker is asked for it, to send before the comparison needs
    it (exact mode first asks R for mclust's start: nothing to send early)."""
    if settings.mode != "course":
        return None
    X = np.ascontiguousarray(dataset.X, dtype=np.float64)
    check_covariance(settings.covariance)
    check_numeric_features(X, dataset.feature_names, dataset.source)
    k = check_k(X, settings.k, dataset.source)
    return ("engine_call", R_ENGINE, "fit", (X, k, settings.covariance, None), {})


# -- the report's material ------------------------------------------------------------------------
# What the Gaussian mixture's report shows beyond the comparison: both languages' BIC per number of
# components, in the comparison's mode, computed here.

#: The BIC chart covers k = 1..min(BIC_MAX_K, distinct rows), in the comparison's mode. Its 10
#: refits of both languages run with one BLAS thread: on the course file 0.9 s (course mode) and
#: 1.2 s (exact), against 6 s and 8.5 s with OpenBLAS's threads on two busy cores (a 200 x 2
#: matrix gains nothing from threads; the numbers are the same bits).
BIC_MAX_K = 10


def material(comparison: Any, r_results: Path | None) -> ReportMaterial:
    """The BIC per k, or why there is none."""
    from threadpoolctl import threadpool_limits

    if r_results is not None:
        return ReportMaterial(notes=(
            f"No BIC-per-k chart: R's side was replayed from {r_results}, which holds the fit "
            "at this k only (drop --r-results to draw it).",))
    distinct = int(np.unique(np.asarray(comparison.dataset.X), axis=0).shape[0])
    ks = tuple(range(1, min(BIC_MAX_K, distinct) + 1))
    try:
        with threadpool_limits(1, user_api="blas"):
            curve = gmm_bic_curve(comparison.dataset, ks, comparison.covariance,
                                  mode=comparison.mode)
    except (InputError, REvaluationError, RUnavailableError) as exc:
        return ReportMaterial(notes=(f"No BIC-per-k chart: {exc}",))
    return ReportMaterial(bic=curve)


# -- resampling (stability --bootstrap, gap) ------------------------------------------------------
# Gaussian mixtures in ``pyseg stability --bootstrap`` and ``pyseg gap``: EM from mclust's start.
# Both languages run EM from the same starting partition, mclust's ``hclass(hc(X), k)``, which R
# computes once for the original data and every resample (or every data set and k) and pyseg hands
# to both sides, as ``compare --method gmm --mode exact`` does: scikit-learn's ``GaussianMixture``
# from that partition's M-step, no covariance regularisation (R: ``mclust::me``). The most probable
# component of each row (ties: the first) is its cluster. The two libraries stop EM by different
# rules (scikit-learn: the change of the mean log-likelihood; mclust: the relative change of the
# total), and a slowly converging fit stopped one or seven steps apart leaves parameters ~1e-6
# apart, enough to move a row lying on a boundary (seen once in 77 fits of the course file's gap).
# So the iteration count is shared too: R reports how many iterations ``me`` took from the start to
# ``tol = 1e-12`` (:class:`GmmStart`), and scikit-learn runs exactly as many (``max_iter`` one
# fewer, ``tol=0``: its count leaves out the M-step of the start, which ``me`` counts; measured:
# the parameters then agree to 4e-14). The gap keeps ``me``'s partitions from that same R call
# (:attr:`GmmStart.r_partition`): R's EM runs once per fit, not again in R's side of the loop
# (issue 21: that second run was 30% of a ``gap --B 100``). The gap's EM stops at mclust's
# default tolerance, 1e-5 (gap.R's ``GAP_EM_TOL``), with 6 times fewer iterations than at 1e-12:
# R's partitions are then those of ``Mclust(x, G = k, modelNames)``, clusGap's own FUNcluster.
# clusterboot's check is noisemclustCBI (``nnk = 0``).


@dataclass(frozen=True)
class GmmStart:
    """What both languages' EM share for one Gaussian-mixture refit.

    Attributes
    ----------
    partition : ndarray of shape (n,), dtype int64
        mclust's starting partition ``hclass(hc(X), k)``, 0-based.
    iterations : int
        The EM iterations ``mclust::me`` took from it (its count includes the M-step of the
        start), to ``tol = 1e-12`` (bootstrap) or mclust's default 1e-5 (gap).
    r_partition : ndarray of shape (n,), dtype int64, or None
        ``me``'s partition (0-based) when R ran its EM in the same call (the gap: R's side then
        does not run it again).
    """

    partition: NDArray[np.int64]
    iterations: int
    r_partition: NDArray[np.int64] | None = None


class Resample(Resampler):
    """EM (``covariance``) from mclust's start of each resample or data set."""

    r_package = ("gmm.R", "mclust_available", "mclust")
    draws_from_r = True
    method_words = ("Gaussian mixture k = {k} ({self.covariance}, mclust {self.model}), EM from "
                    "mclust's hclass(hc(X), k) start of each resample for mclust's iteration "
                    "count, both shared")
    clusterboot_method = "noisemclustCBI, G = {k}, modelNames = '{self.model}', nnk = 0"
    clusgap_code = ("function(x, k) list(cluster = mclust::Mclust(x, G = k, modelNames = "
                    "'{self.model}')$classification)")
    gap_shared = ("the same starting partition per fit (mclust's hclass(hc(X), k), computed by "
                  "R), from which both run EM for as many iterations as mclust's me takes to its "
                  "default tol 1e-5 (R's partitions are those of Mclust(x, G = k, modelNames = "
                  "'{self.model}'))")

    @property
    def model(self) -> str:
        """mclust's name of the covariance type."""
        return MCLUST_MODELS[self.covariance]

    def check_settings(self) -> None:
        check_covariance(self.covariance)

    def bootstrap_draws(self, X: NDArray[np.float64], k: int, rows: Sequence[NDArray[np.int64]],
                        rng: np.random.Generator, r_engine: RResampleEngine) -> list[GmmStart]:
        """mclust's start of the original data and of every resample and the EM iterations
        ``me`` takes from it, in one R call: B + 1 starts ([0] the original data's)."""
        table, lengths = index_table(X.shape[0], rows)
        value = r_engine.call("stability.R", "gmm_bootstrap_starts", np.asfortranarray(X), int(k),
                              table, lengths,
                              modelName=self.model, seed=R_SUBSET_SEED)
        starts = np.asarray(value["starts"], dtype=np.int64).reshape(
            (X.shape[0], len(rows) + 1), order="F") - 1
        iterations = np.asarray(value["iterations"]).reshape(-1).astype(np.int64)
        sizes = [X.shape[0], *(r.size for r in rows)]
        return [GmmStart(starts[:size, b].copy(), int(iterations[b]))
                for b, size in enumerate(sizes)]

    def gap_draws(self, sets: NDArray[np.float64], k_max: int, rng: np.random.Generator,
                  r_engine: RResampleEngine) -> list[list[GmmStart]]:
        """mclust's starts for k = 2..k_max of every data set in ``sets`` (M, n, d), and ``me``'s
        iterations and partition from each, in one R call: ``[m][k - 2]``."""
        M, n, _d = sets.shape
        value = r_engine.call("gap.R", "gmm_gap_starts",
                              np.asfortranarray(sets.transpose(1, 2, 0)), int(k_max),
                              modelName=self.model, seed=R_SUBSET_SEED)
        starts, clusters = (np.asarray(value[name], dtype=np.int64).reshape(
            (n, k_max - 1, M), order="F") - 1 for name in ("starts", "clusters"))
        iterations = np.asarray(value["iterations"], dtype=np.int64).reshape(
            (k_max - 1, M), order="F")
        return [[GmmStart(starts[:, j, m].copy(), int(iterations[j, m]), clusters[:, j, m].copy())
                 for j in range(k_max - 1)] for m in range(M)]

    def labels(self, X: NDArray[np.float64], k: int, draw: GmmStart) -> NDArray[np.int64]:
        """EM from ``draw.partition`` for ``draw.iterations`` mclust iterations; each row's most
        probable component.

        Raises
        ------
        InputError
            The mixture cannot be fitted (a start cluster of one row, a singular covariance).
        """
        with one_thread():
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # tol=0: scikit-learn warns it did not converge
                    model = SklearnGmmEngine().model(X, k, self.covariance, draw.partition,
                                                     tol=0.0, max_iter=max(1, draw.iterations - 1))
            except ValueError as error:
                raise InputError(f"scikit-learn's EM failed on {X.shape[0]} rows with {k} "
                                 f"components ({str(error).splitlines()[0]}): use a smaller k"
                                 ) from None
            return np.argmax(model.predict_proba(X), axis=1).astype(np.int64)

    def gap_partitions(self, sets: NDArray[np.float64], k_max: int,
                       draws: Sequence[Any] | None) -> list[list[NDArray[np.int64]]]:
        """Full covariances: each k's EM on every set at once (:func:`pyseg._em.em_full_many`,
        issue 21), set by set when that cannot fit one (which then says why)."""
        if self.covariance != "full" or draws is None:
            return super().gap_partitions(sets, k_max, draws)
        by_k = []
        for k in range(2, k_max + 1):
            starts = [row[k - 2] for row in draws]
            found = em_full_many(sets, np.stack([start.partition for start in starts]), k,
                                 np.array([max(1, start.iterations - 1) for start in starts]))
            by_k.append(found if found is not None else
                        [self.labels(X, k, start) for X, start in zip(sets, starts, strict=True)])
        return [[labels[m] for labels in by_k] for m in range(sets.shape[0])]

    def r_draws(self, draws: Sequence[Any] | None, n: int) -> dict[str, Any]:
        assert draws is not None
        return {"partitions": index_table(n, [start.partition for start in draws])[0]}

    def r_gap_draws(self, draws: Sequence[Any] | None) -> dict[str, Any]:
        """R's partitions: ``me`` ran in :meth:`gap_draws`, once per fit."""
        assert draws is not None
        return {"clusters": np.asfortranarray(np.stack(
            [[start.r_partition + 1 for start in row] for row in draws]).transpose(2, 1, 0))}

    def r_options(self) -> dict[str, Any]:
        return {**super().r_options(), "model": self.model}

    def json_keys(self) -> dict[str, Any]:
        return {"covariance": self.covariance}


# -- choosing k (elbow --method gmm) ----------------------------------------------------------

@dataclass(frozen=True)
class BicRun:
    """What :func:`bic_data` computed: the Gaussian mixture's "elbow" in both languages."""

    dataset: Dataset
    features: Features
    curve: BicCurve
    summary: list[str]
    report_provenance: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"method": "gmm", "bic_convention": "mclust: 2 logL - p log n, higher is better",
                "data": data_summary(self.dataset),
                "feature_matrix": self.features.to_dict(), **self.curve.to_dict(),
                "summary": self.summary}


def bic_data(
    data: str | os.PathLike[str] | None,
    columns: str | Sequence[str] | None,
    k_values: Iterable[int],
    *,
    covariance: str = "full",
    mode: str = "course",
    scale: str = "none",
    report: bool = False,
    command_line: Sequence[str] | str = ("pyseg", "elbow"),
) -> BicRun:
    """BIC per k of scikit-learn's ``GaussianMixture`` and mclust's ``Mclust`` (mode ``exact``:
    both from mclust's starting partition), with each side's best k."""
    dataset, features = load_features(data, columns, scale=scale)
    curve = gmm_bic_curve(dataset, tuple(k_values), covariance, mode=mode)
    best = {side: best_k(curve.ks, bic) for side, bic in (("python", curve.python_bic),
                                                          ("r", curve.r_bic))}
    gaps = differing_k(curve)
    summary = [f"Highest BIC (mclust's convention, higher is better): Python at k = "
               f"{best['python']}, R at k = {best['r']}."]
    summary.append("The two BIC curves agree at every k." if not gaps else
                   f"The BICs differ at k = {', '.join(map(str, gaps))}: the two libraries "
                   "stopped at different optima there" + (" (try --mode matched: both from "
                                                          "mclust's partition)."
                                                          if mode == "course" else "."))
    record = live_run_provenance(dataset, command_line) if report else None
    return BicRun(dataset, features, curve, summary, record)


def choose_k(args: Any) -> BicRun:
    """``elbow --method gmm`` (``args``: its parsed flags)."""
    if args.k_min > args.k_max:
        raise InputError(f"--k-min {args.k_min} is larger than --k-max {args.k_max}")
    return bic_data(args.data, args.columns, range(args.k_min, args.k_max + 1),
                    covariance=args.covariance,
                    mode="course" if args.mode == "course" else "exact", scale=args.scale,
                    report=bool(args.report), command_line=args.command_line)
