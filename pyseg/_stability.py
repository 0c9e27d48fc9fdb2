"""How sure are the segments? A seed sweep and bootstrap stability, in Python and in R.

:func:`seed_sweep` runs the course fit for seeds 1..N in both languages. :func:`bootstrap_stability`
is ``fpc::clusterboot``'s bootstrap on draws pyseg makes once and hands to both languages (the
distinct rows of each resample, as clusterboot's ``unique(sample(n, n, replace = TRUE))``, and the
method's own draws: its :class:`~pyseg.engines._stability_python.Resampler`); same draws, same
partitions, so both languages' Jaccards are equal. ``fpc::clusterboot`` itself, with its own
draws, is the independent check. ``workers`` and ``dask`` change where the refits run
(:mod:`pyseg._parallel`), not the results.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from pyseg._align import agreement
from pyseg._course import COURSE_K, CourseSettings, python_kmeans_code, r_kmeans_code
from pyseg._data import Dataset, check_points
from pyseg._errors import InputError
from pyseg._io import json_ready
from pyseg._parallel import Task, Workers, default_workers
from pyseg._progress import language_bars
from pyseg._segments import names_or_numbers
from pyseg.engines import PythonResampleEngine, RResampleEngine
from pyseg.engines._stability_python import Resampler, resampler
from pyseg.methods import NAMES, info, trait

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: Most resamples (``--bootstrap``, gap's ``--B``) and why.
MAX_RESAMPLES = 10_000
WHY_MAX_RESAMPLES = ("standard errors shrink as 1/sqrt(B): 10000 already make them 10 times "
                     "smaller than with clusterboot's and clusGap's default of 100, in 100 times "
                     "the time")
#: Most seeds of ``stability --seeds`` and why.
MAX_SEEDS = 10_000
WHY_MAX_SEEDS = ("each seed is a full fit in each language; with 10000 the share of seeds "
                 "that reach each optimum is known to within 1%")
#: Bytes the largest arrays of a run take, per number they hold: numpy's (8), the copy handed
#: to R and R's own.
BYTES_PER_DRAWN = 3 * 8
#: WCSS values within this relative distance are the same local optimum.
OPTIMUM_TOLERANCE = 1e-9
#: clusterboot's guidelines for a mean Jaccard (its documentation, "Details"), lowest first.
JACCARD_BANDS: tuple[tuple[float, str], ...] = (
    (0.6, "should not be trusted (dissolved)"),
    (0.75, "a pattern, but which customers belong to it is highly doubtful"),
    (0.85, "stable (valid)"),
    (math.inf, "highly stable"),
)


def interpret_jaccard(mean: float) -> str:
    """clusterboot's reading of a mean Jaccard (:data:`JACCARD_BANDS`)."""
    return next(text for bound, text in JACCARD_BANDS if mean < bound)


def row_se(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    """The standard error of each row's mean (NaN with fewer than two columns)."""
    if matrix.shape[1] < 2:
        return np.full(matrix.shape[0], np.nan)
    return matrix.std(axis=1, ddof=1) / math.sqrt(matrix.shape[1])


# -- draws ---------------------------------------------------------------------------------------

def bootstrap_rows(n: int, B: int, rng: np.random.Generator) -> list[NDArray[np.int64]]:
    """B bootstrap draws of n rows; of each, the distinct rows in order of first appearance."""
    rows = []
    for _ in range(B):
        draw = rng.integers(0, n, size=n)
        _, first = np.unique(draw, return_index=True)
        rows.append(draw[np.sort(first)].astype(np.int64))
    return rows


# -- running both sides --------------------------------------------------------------------------

def chunks(count: int, parts: int) -> list[range]:
    """``range(count)`` cut into at most ``parts`` consecutive pieces of near-equal size."""
    parts = max(1, min(parts, count))
    edges = np.linspace(0, count, parts + 1).round().astype(int)
    return [range(int(a), int(b)) for a, b in itertools.pairwise(edges) if b > a]


def _warm_up(fpc: bool, fit: Resampler | None) -> None:
    """A worker's start (:func:`resample_both`): the Python side's imports (scikit-learn), then
    with ``fit`` its R."""
    import pyseg.engines._stability_python  # noqa: F401  (imported once per worker, now)

    if fit is not None:
        RResampleEngine().check_ready(fpc, fit)


def resample_both(count: int, workers: int | None, description: str, progress: bool,
                  prepare: Callable[[], Any], jobs: Callable[[Any, range], tuple[Task, Task]],
                  check: Task | None = None, dask: str | None = None,
                  fit: Resampler | None = None, fpc: bool = False
                  ) -> tuple[Any, list[Any], list[Any], Any, str | None]:
    """The loop of ``stability`` and ``gap``: ``count`` fits cut into pieces, a Python and an R
    job per piece (``jobs(prepare(), piece)``; when ``fit``'s draws come from R, ``prepare``
    calls R, one more step of R's progress bar), then R's own ``check``. ``workers`` processes
    (None: :func:`~pyseg._parallel.default_workers`), or the Dask scheduler at ``dask``, run
    them (:class:`~pyseg._parallel.Workers`; with ``fit``, each worker first starts and checks
    its R, with ``fpc`` R's fpc too, as :meth:`~pyseg.engines.RResampleEngine.check_ready`).

    Returns the prepared draws, both sides' piece results, the check's result and why it could
    not run (R's error; the result is then None).
    """
    workers = default_workers(count) if workers is None else workers
    r_draws = fit is not None and fit.draws_from_r
    pieces = chunks(count, 4 * workers)
    bars = language_bars(description, {"Python": count,
                                       "R": count + int(check is not None) + int(r_draws)},
                         progress)
    #: Per task, the bar it advances and by how many fits.
    steps: list[tuple[str, int]] = [("R", 1)] if check else []
    try:
        with Workers(workers, functools.partial(_warm_up, fpc, fit), dask,
                     lambda i: bars[steps[i][0]].update(steps[i][1])) as pool:
            if check:  # R's check makes its own draws: a worker can run it while this process
                pool.add([check])  # draws; it is also the costliest task
            state = prepare()
            if r_draws:
                bars["R"].update()
            both = [jobs(state, piece) for piece in pieces]
            # R's pieces first, the costlier: the queue is taken in order, so the last tasks,
            # the cheapest, even out the processes' loads
            steps += [*(("R", len(p)) for p in pieces), *(("Python", len(p)) for p in pieces)]
            results = pool.run([*(r for _, r in both), *(p for p, _ in both)])
    finally:
        for bar in bars.values():
            bar.close()
    result = results.pop(0) if check else None
    r, python = results[:len(pieces)], results[len(pieces):]
    if result is not None and "unavailable" in result:
        return state, python, r, None, str(result["unavailable"])
    return state, python, r, result, None


def check_count(flag: str, value: int, least: tuple[int, str] = (1, ""),
                most: tuple[int, str] | None = None) -> None:
    """``flag``'s ``value`` is within ``least`` and ``most`` (each a bound and why), else a
    one-line InputError that names the flag, the bound and why."""
    if value < least[0]:
        raise InputError(f"{flag} {value} should be >= {least[0]}{least[1]}")
    if most is not None and value > most[0]:
        raise InputError(f"{flag} {value}: the most is {flag} {most[0]} ({most[1]})")


def machine_memory() -> int | None:
    """Bytes of physical memory (None if unknown)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):
        return None


def check_memory(numbers: int, what: str) -> None:
    """Refuse, before it starts, a run whose draws (``numbers`` of them, each held by numpy and
    twice by R's side) would not fit in this machine's memory: one line, not a crash."""
    need, memory = numbers * BYTES_PER_DRAWN, machine_memory()
    if memory is not None and need > memory:
        raise InputError(f"{what}: the draws alone need about {need / 2**30:.1f} GiB and this "
                         f"machine has {memory / 2**30:.1f} GiB of memory; use fewer, or a "
                         "sample of the rows")


# -- the seed sweep ------------------------------------------------------------------------------

@dataclass(frozen=True)
class SeedSweep:
    """The course fit for seeds 1..N in both languages.

    Attributes
    ----------
    k, starts : int
    seeds : tuple of int
    python_wcss, r_wcss : ndarray of shape (len(seeds),)
    identical : tuple of bool
        Per seed: the two languages' partitions are the same (up to numbering).
    python_settings, r_settings : str
        The calls, with ``seed`` standing for each seed.
    """

    k: int
    starts: int
    seeds: tuple[int, ...]
    python_wcss: NDArray[np.float64] = field(repr=False)
    r_wcss: NDArray[np.float64] = field(repr=False)
    identical: tuple[bool, ...]
    python_settings: str
    r_settings: str

    @property
    def best_wcss(self) -> float:
        return float(min(self.python_wcss.min(), self.r_wcss.min()))

    def _at(self, wcss: NDArray[np.float64], value: float) -> NDArray[np.bool_]:
        return np.abs(wcss - value) <= OPTIMUM_TOLERANCE * abs(value)

    def reaches_best(self, value: float | None = None) -> dict[str, int]:
        """Seeds per language that reach ``value`` (by default the best WCSS)."""
        value = self.best_wcss if value is None else value
        return {"python": int(self._at(self.python_wcss, value).sum()),
                "r": int(self._at(self.r_wcss, value).sum())}

    def optima(self) -> list[dict[str, Any]]:
        """The distinct local optima seen (WCSS within 1e-9 relative are one), lowest first,
        with how many seeds reached each in each language."""
        found: list[float] = []
        for value in sorted(np.concatenate([self.python_wcss, self.r_wcss])):
            if not found or not self._at(value, found[-1]):
                found.append(float(value))
        return [{"wcss": value, **self.reaches_best(value)} for value in found]

    def summary(self) -> list[str]:
        n, same = len(self.seeds), sum(self.identical)
        best = self.reaches_best()
        lines = [f"{same} of {n} seeds give the same partition in Python and R "
                 f"(k = {self.k}, {self.starts} start{'s' if self.starts != 1 else ''} each).",
                 f"Best WCSS found: {self.best_wcss:.4f}; Python reaches it on {best['python']} "
                 f"of {n} seeds, R on {best['r']} of {n}."]
        optima = self.optima()
        lines.append(f"{len(optima)} distinct local optim{'um' if len(optima) == 1 else 'a'}: "
                     + "; ".join(f"{o['wcss']:.2f} (Python {o['python']}, R {o['r']})"
                                 for o in optima) + ".")
        return lines

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready and deterministic."""
        def spread(values: NDArray[np.float64]) -> dict[str, float]:
            return {"min": float(values.min()), "median": float(np.median(values)),
                    "mean": float(values.mean()), "max": float(values.max())}

        return json_ready({
            "kind": "seeds", "k": self.k, "starts": self.starts, "n_seeds": len(self.seeds),
            "python_settings": self.python_settings, "r_settings": self.r_settings,
            "seeds": [{"seed": s, "python_wcss": float(p), "r_wcss": float(r), "identical": i}
                      for s, p, r, i in zip(self.seeds, self.python_wcss, self.r_wcss,
                                            self.identical, strict=True)],
            "same_partition": int(sum(self.identical)),
            "python": {"wcss": self.python_wcss, "wcss_summary": spread(self.python_wcss)},
            "r": {"wcss": self.r_wcss, "wcss_summary": spread(self.r_wcss)},
            "best_wcss": self.best_wcss, "reaches_best": self.reaches_best(),
            "optima": self.optima(), "summary": self.summary(),
        })


def seed_sweep(dataset: Dataset, k: int = COURSE_K, n_seeds: int = 100, starts: int = 10,
               workers: int | None = 1, progress: bool = False) -> SeedSweep:
    """The course fit for seeds 1..``n_seeds`` in both languages.

    Raises
    ------
    InputError
        ``n_seeds`` < 1, ``starts`` < 1, k < 2 or k not below the number of distinct points.
    """
    X = np.ascontiguousarray(dataset.X, dtype=np.float64)
    check_count("--seeds", n_seeds, most=(MAX_SEEDS, WHY_MAX_SEEDS))
    check_memory(X.shape[0] * n_seeds, f"--seeds {n_seeds} on {X.shape[0]} rows")
    check_fit(X, k, starts, workers, dataset.source)
    seeds = tuple(range(1, n_seeds + 1))
    r_engine, python_engine = RResampleEngine(), PythonResampleEngine()
    r_engine.check_ready()

    def jobs(_: None, piece: range) -> tuple[Task, Task]:
        options = (X, k, seeds[piece.start:piece.stop], starts)
        return (python_engine.seed_sweep, options), (r_engine.seed_sweep, options)

    _, python, r, _, _ = resample_both(n_seeds, workers, f"stability: {n_seeds} seeds", progress,
                                       lambda: None, jobs)
    python_wcss, r_wcss = (np.concatenate([wcss for wcss, _ in side]) for side in (python, r))
    python_labels, r_labels = (np.column_stack([labels for _, labels in side])
                               for side in (python, r))
    identical = tuple(
        bool(agreement(python_labels[:, i], r_labels[:, i], n_a=k, n_b=k).accuracy == 1.0)
        for i in range(n_seeds))
    settings = CourseSettings(seed=0, n_starts=starts)
    return SeedSweep(k, starts, seeds, python_wcss, r_wcss, identical,
                     python_kmeans_code(k, settings).replace("random_state=0", "random_state=seed"),
                     r_kmeans_code(k, settings).replace("set.seed(0)", "set.seed(seed)"))


def check_fit(X: NDArray[np.float64], k: int, starts: int, workers: int | None,
              source: str) -> None:
    """``starts`` and ``workers`` are >= 1 (None: one worker per core, :func:`resample_both`), k
    >= 2 and below the number of distinct points (a resample must still hold k points)."""
    check_count("--starts", starts)
    if workers is not None:
        check_count("--workers", workers)
    if k < 2:
        raise InputError(f"k = {k} should be >= 2: stability and the gap compare partitions")
    check_points(X, k, source)
    distinct = np.unique(X + 0.0, axis=0).shape[0]
    if k >= distinct:
        raise InputError(f"{source}: k = {k} is not below the {distinct} distinct points in the "
                         f"data: use k <= {distinct - 1}")


def _cross_check_text(check: list[dict[str, Any]], B: int) -> list[str]:
    """clusterboot's means, and in plain words how they compare with pyseg's."""
    inside, n = sum(row["within_2se"] for row in check), len(check)
    means = " / ".join(f"{row['clusterboot']:.3f}" for row in check)
    if inside == n:
        return [f"fpc::clusterboot (its own draws): means {means}; each within 2 standard errors "
                "of pyseg's mean for the segment, as two estimates of the same stability from "
                "different resamples should be."]
    return [f"fpc::clusterboot (its own draws): means {means}; {inside} of {n} within 2 "
            "standard errors of pyseg's mean for the segment.",
            "clusterboot and pyseg estimate the same stability from different random "
            "resamples, so their means differ by chance: about 1 segment in 20 falls outside 2 "
            "standard errors by chance alone, and more at a small B"
            + (f" such as B = {B}, whose" if B < 100 else ", whose")
            + " standard errors are themselves rough; a larger --bootstrap tells chance from a "
            "real difference."]


# -- bootstrap stability ----------------------------------------------------------------------

@dataclass(frozen=True)
class BootstrapStability:
    """Per-segment bootstrap stability in both languages, and fpc::clusterboot's.

    Attributes
    ----------
    method, linkage : str
    k, B, seed, starts : int
    segments : tuple of str
        Segment names in Python's numbering (0..k-1).
    sizes : tuple of int
        Customers per segment in the original partition.
    python_jaccard, r_jaccard : ndarray of shape (k, B)
        Largest Jaccard per segment and resample; R's rows in Python's numbering.
    same_original : bool
        Both languages found the same original partition from the shared starts.
    r_failed_starts : int
        R Lloyd starts that ``kmeans()`` refuses (repeated centers; not counted as fits).
    clusterboot : dict or None
        fpc::clusterboot's run with its own draws: ``bootresult`` (k, B) in Python's numbering,
        its ``agreement`` with Python's original partition; None when not run.
    covariance : str
        The covariance type of a mixture (``--covariance``; whichever method ran).
    clusterboot_unavailable : str or None
        Why fpc::clusterboot could not run (R's error), when it was asked for and failed.
    """

    method: str
    linkage: str
    k: int
    B: int
    seed: int
    starts: int
    segments: tuple[str, ...]
    sizes: tuple[int, ...]
    python_jaccard: NDArray[np.float64] = field(repr=False)
    r_jaccard: NDArray[np.float64] = field(repr=False)
    same_original: bool
    r_failed_starts: int = 0
    clusterboot: dict[str, Any] | None = field(default=None, repr=False)
    covariance: str = "full"
    clusterboot_unavailable: str | None = None

    @property
    def max_abs_diff(self) -> float:
        return float(np.max(np.abs(self.python_jaccard - self.r_jaccard)))

    def cross_check(self) -> list[dict[str, Any]] | None:
        """Per segment: pyseg's and clusterboot's means, their SEs, and whether they lie within
        2 combined standard errors of each other (|difference| <= 2 sqrt(se1^2 + se2^2))."""
        if self.clusterboot is None:
            return None
        ours, theirs = self.python_jaccard, self.clusterboot["bootresult"]
        rows = []
        for j, (a, b, sa, sb) in enumerate(zip(ours.mean(axis=1), theirs.mean(axis=1),
                                               row_se(ours), row_se(theirs), strict=True)):
            combined = math.sqrt(sa * sa + sb * sb)
            rows.append({"segment": j, "pyseg": float(a), "clusterboot": float(b),
                         "pyseg_se": float(sa), "clusterboot_se": float(sb),
                         "difference": float(a - b),
                         "within_2se": bool(abs(a - b) <= 2 * combined)})
        return rows

    def summary(self) -> list[str]:
        means = self.python_jaccard.mean(axis=1)
        lines = [f"{self.B} bootstrap resamples (seed {self.seed}), "
                 f"{self._resampler().method_text(self.k)}: Python and R Jaccards differ by at "
                 f"most {self.max_abs_diff:.3g}."]
        if not self.same_original:
            lines.append("The two languages found different original partitions.")
        lines += [f"{j} {name}: mean Jaccard {mean:.3f} - {interpret_jaccard(mean)}."
                  for j, (name, mean) in enumerate(zip(self.segments, means, strict=True))]
        check = self.cross_check()
        if check is not None:
            lines += _cross_check_text(check, self.B)
        if self.clusterboot_unavailable is not None:
            lines.append(f"fpc::clusterboot could not run: {self.clusterboot_unavailable}")
        return lines

    def _resampler(self) -> Resampler:
        return resampler(self.method, self.linkage, self.covariance, self.starts)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready and deterministic; per-segment lists in Python's numbering."""
        means = self.python_jaccard.mean(axis=1)
        clusterboot = None
        if self.clusterboot is not None:
            result = self.clusterboot["bootresult"]
            clusterboot = {"jaccard": result.mean(axis=1), "se": row_se(result),
                           "bootmean_own_numbering": self.clusterboot["bootmean"],
                           "agreement_with_python": self.clusterboot["agreement"],
                           "call": self.clusterboot["call"], "cross_check": self.cross_check()}
        document = {
            "kind": "bootstrap", "method": self.method, "linkage": self.linkage, "k": self.k,
            "B": self.B, "seed": self.seed, "starts": self.starts,
            "segments": list(self.segments), "sizes": list(self.sizes),
            "python": {"jaccard": means, "se": row_se(self.python_jaccard)},
            "r": {"jaccard": self.r_jaccard.mean(axis=1), "se": row_se(self.r_jaccard)},
            "max_abs_diff": self.max_abs_diff, "same_original": self.same_original,
            "r_failed_starts": self.r_failed_starts,
            "interpretation": [interpret_jaccard(m) for m in means],
            "clusterboot": clusterboot, "summary": self.summary(),
        }
        document.update(self._resampler().json_keys())
        if self.clusterboot_unavailable is not None:
            document["clusterboot_unavailable"] = self.clusterboot_unavailable
        return json_ready(document)


def resample_methods() -> tuple[str, ...]:
    """Methods with a k that ``stability --bootstrap`` and ``gap`` refit on each resample."""
    return tuple(name for name in NAMES if not trait(name, "NO_K"))


def check_method(method: str) -> None:
    """``method`` is one pyseg can refit with a given k, else a one-line InputError."""
    methods = ", ".join(resample_methods())
    if method in NAMES and trait(method, "NO_K"):
        raise InputError(f"--method {method} has no k ({info(method).NO_K}): stability "
                         f"--bootstrap and gap refit a method with a k: {methods}")
    if method not in NAMES:
        raise InputError(f"--method {method!r} is not one of {methods} "
                         "(the methods with a k that can be refitted on a resample)")


def check_settings(linkage: str = "ward", covariance: str = "full") -> None:
    """Every method's setting (``--linkage``, ``--covariance``) is known, whichever method runs,
    else a one-line InputError."""
    for name in resample_methods():
        resampler(name, linkage, covariance).check_settings()


def check_resample_arguments(X: NDArray[np.float64], source: str, flag: str, B: int,
                             numbers_each: int, k: int, starts: int, method: str,
                             workers: int | None, covariance: str, linkage: str,
                             fpc: bool = False) -> tuple[Resampler, RResampleEngine]:
    """The run's arguments are sound (B, of ``flag``, within 2..:data:`MAX_RESAMPLES`, and its
    draws, ``numbers_each`` per resample, fit in memory) and its R ready (with ``fpc``, R's
    fpc too): the method's resampler and R's engine."""
    check_count(flag, B, (2, ": a mean and its standard error need two resamples"),
                (MAX_RESAMPLES, WHY_MAX_RESAMPLES))
    check_memory(B * numbers_each, f"{flag} {B}")
    check_method(method)
    check_settings(linkage, covariance)
    check_fit(X, k, starts, workers, source)
    fit = resampler(method, linkage, covariance, starts)
    fit.check_data(X, source)
    r_engine = RResampleEngine()
    r_engine.check_ready(fpc=fpc, fit=fit)
    return fit, r_engine


def bootstrap_stability(dataset: Dataset, k: int = COURSE_K, B: int = 100, seed: int = 1,
                        starts: int = 10, method: str = "kmeans", linkage: str = "ward",
                        clusterboot: bool = True, workers: int | None = 1,
                        progress: bool = False, covariance: str = "full",
                        dask: str | None = None) -> BootstrapStability:
    """Bootstrap stability per segment in Python and R on shared draws, and clusterboot's.

    ``linkage`` and ``covariance``: the settings of the methods that have them. The draws beyond
    the rows are the method's (its ``Resampler.bootstrap_draws``; some come from one R call).

    Raises
    ------
    InputError
        B < 2, starts < 1, k < 2 or k not below the number of distinct points, bad method.
    RUnavailableError
        R, rpy2 or (with ``clusterboot``) R's fpc is missing.
    """
    X = np.ascontiguousarray(dataset.X, dtype=np.float64)
    fit, r_engine = check_resample_arguments(X, dataset.source, "--bootstrap", B, X.shape[0], k,
                                             starts, method, workers, covariance, linkage,
                                             clusterboot)
    python_engine = PythonResampleEngine()
    rng = np.random.default_rng(seed)
    rows = bootstrap_rows(X.shape[0], B, rng)

    def prepare() -> tuple[list[Any] | None, NDArray[np.int64]]:
        draws = fit.bootstrap_draws(X, k, rows, rng, r_engine)
        original = fit.numbered_as_compare(X, k, python_engine.fit_partition(
            X, k, fit, None if draws is None else draws[0]))
        return draws, original

    def jobs(state: tuple[list[Any] | None, NDArray[np.int64]], piece: range) -> tuple[Task, Task]:
        draws, original = state
        resamples = r_fits = None
        if draws is not None:  # the original fit's draw first, for R
            resamples = draws[piece.start + 1:piece.stop + 1]
            r_fits = [draws[0], *resamples]
        index = [rows[b] for b in piece]
        return ((python_engine.bootstrap_jaccard, (X, k, original, index, fit, resamples)),
                (r_engine.bootstrap_jaccard, (X, k, index, fit, r_fits)))

    (_, original), python, r, check, unavailable = resample_both(
        B, workers, f"stability: bootstrap B={B}", progress, prepare, jobs,
        (r_engine.clusterboot, (X, k, B, seed, fit)) if clusterboot else None, dask, fit,
        clusterboot)
    with_r = agreement(original, r[0][0], n_a=k, n_b=k)  # R's original partition
    r_jaccard = np.empty((k, B))
    r_jaccard[with_r.alignment.mapping] = np.concatenate([piece[1] for piece in r], axis=1)
    centers = np.stack([X[original == j].mean(axis=0) for j in range(k)])
    own = None
    if check is not None:
        both = agreement(original, check["partition"], n_a=k, n_b=k)
        result = np.empty_like(check["bootresult"])
        result[both.alignment.mapping] = check["bootresult"]
        own = {**check, "bootresult": result, "agreement": both.accuracy,
                       "call": fit.clusterboot_call(k, B, seed)}
    return BootstrapStability(
        method=fit.method, linkage=fit.linkage, k=k, B=B, seed=seed, starts=fit.starts,
        segments=tuple(names_or_numbers(centers, X, dataset.feature_names)),
        sizes=tuple(int(v) for v in np.bincount(original, minlength=k)),
        python_jaccard=np.concatenate(python, axis=1), r_jaccard=r_jaccard,
        same_original=bool(with_r.accuracy == 1.0),
        r_failed_starts=int(sum(piece[2] for piece in r)), clusterboot=own,
        covariance=fit.covariance, clusterboot_unavailable=unavailable)
