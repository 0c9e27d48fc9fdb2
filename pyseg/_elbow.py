"""The elbow method in Python and in R, side by side, and the choice of k.

Two modes:

``"course"``
    Exactly the course's code. Python: ``KMeans(n_clusters=k, init="k-means++",
    random_state=42)`` for every k, with the ``n_init=10`` that scikit-learn defaulted to when the
    course was written. R: ``set.seed(6)`` once, then ``kmeans(X, k)`` for k = 1, 2, ... with R's
    default single random start. R's single start can stop in a local optimum, so its WCSS curve
    can lie above Python's at some k (on the course data: k = 5 gives 66465 against 44448).
``"matched"``
    Both sides keep the best of ``starts`` starts for every k (Python ``n_init=starts``,
    ``random_state=42``; R ``set.seed(6); kmeans(X, k, nstart = starts)``).

Per k the result holds both WCSS values, the agreement of the two partitions, both silhouettes
(scikit-learn on Python's labels, ``cluster::silhouette`` on R's) and, where the WCSS differ, which
side is lower and why. The knee of each WCSS curve comes from :mod:`kneed`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pyseg._errors import InputError
from pyseg._io import json_ready

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import numpy as np
    from numpy.typing import NDArray

    from pyseg._data import Dataset
    from pyseg._recorded import RecordedREngine

#: Python's course elbow: ``random_state=42`` (and the old default ``n_init=10``) for every k.
PYTHON_ELBOW_SEED = 42
PYTHON_ELBOW_STARTS = 10
#: R's course elbow: ``set.seed(6)`` once before the loop, ``kmeans(X, i)`` with one start.
R_ELBOW_SEED = 6
R_COURSE_ELBOW_STARTS = 1
MAX_ITER = 300
#: Relative WCSS difference above which the two sides count as different (identical partitions
#: give the same WCSS up to rounding, about 1e-15 relative).
WCSS_RELATIVE_TOLERANCE = 1e-9
MODES = ("course", "matched")


@dataclass(frozen=True)
class ElbowRow:
    """The two languages at one k.

    Attributes
    ----------
    k : int
    python_wcss, r_wcss : float
        Within-cluster sum of squares of each side's fit.
    wcss_rel_diff : float
        ``|python_wcss - r_wcss| / max(python_wcss, r_wcss)``.
    accuracy : float
        Fraction of rows with the same segment after aligning R's labels to Python's.
    ari : float
        Adjusted Rand index of the two partitions (``nan`` when both have one cluster).
    python_silhouette, r_silhouette : float or None
        Mean silhouette width (scikit-learn on Python's labels; ``cluster::silhouette`` on R's);
        ``None`` for k = 1.
    lower : str
        ``"same"`` when the WCSS agree, else ``"python"`` or ``"r"``: the side with the lower WCSS.
    reason : str
        Plain-language reason for a difference; empty when both sides agree.
    """

    k: int
    python_wcss: float
    r_wcss: float
    wcss_rel_diff: float
    accuracy: float
    ari: float
    python_silhouette: float | None
    r_silhouette: float | None
    lower: str
    reason: str

    @property
    def differs(self) -> bool:
        return self.lower != "same" or self.accuracy < 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "python_wcss": self.python_wcss,
            "r_wcss": self.r_wcss,
            "wcss_rel_diff": self.wcss_rel_diff,
            "accuracy": self.accuracy,
            "ari": json_ready(self.ari),
            "python_silhouette": self.python_silhouette,
            "r_silhouette": self.r_silhouette,
            "lower": self.lower,
            "differs": self.differs,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ElbowResult:
    """Elbow curves, silhouettes and knees of both languages.

    Attributes
    ----------
    mode : str
        ``"course"`` or ``"matched"``.
    rows : tuple of ElbowRow
        One per k, in increasing k.
    python_settings, r_settings : str
        The code each side ran, in its own language.
    python_knee, r_knee : int or None
        Knee of each WCSS curve (:class:`kneed.KneeLocator`, convex and decreasing); ``None`` when
        the curve has no knee or fewer than three points.
    best_silhouette_k : dict
        ``{"python": k, "r": k}``: the k with the highest mean silhouette on each side.
    silhouette_check : float or None
        Largest difference between scikit-learn's and R's silhouette widths computed on the SAME
        (R's) labels, over all k: a check that both implementations agree (expected < 1e-12).
    python_labels, r_labels : dict of int to ndarray of shape (n_samples,)
        0-based labels of every fit, per k (not part of :meth:`to_dict`).
    warnings : tuple of str
        Warnings either side raised.
    """

    mode: str
    rows: tuple[ElbowRow, ...]
    python_settings: str
    r_settings: str
    python_knee: int | None
    r_knee: int | None
    best_silhouette_k: dict[str, int | None]
    silhouette_check: float | None
    python_labels: dict[int, NDArray[np.int64]] = field(repr=False)
    r_labels: dict[int, NDArray[np.int64]] = field(repr=False)
    warnings: tuple[str, ...] = ()

    @property
    def k_values(self) -> tuple[int, ...]:
        return tuple(row.k for row in self.rows)

    @property
    def differing_k(self) -> tuple[int, ...]:
        """The k values where the two sides found different partitions."""
        return tuple(row.k for row in self.rows if row.differs)

    def summary(self) -> list[str]:
        """One line per finding, for the terminal and the report."""
        lines = []
        if self.differing_k:
            ks = ", ".join(map(str, self.differing_k))
            lines.append(f"The two elbows differ at k = {ks}.")
            lines.extend(f"k = {row.k}: {row.reason}" for row in self.rows if row.differs)
            if self.mode == "course":
                lines.append("Run the elbow with --mode matched to give R as many starts as "
                             "Python.")
        else:
            lines.append("Python and R give the same WCSS and the same partition at every k.")
        lines.append(f"Knee of the WCSS curve (kneed): Python k = {self.python_knee}, "
                     f"R k = {self.r_knee}.")
        best = self.best_silhouette_k
        lines.append(f"Highest mean silhouette: Python k = {best['python']}, R k = {best['r']}.")
        return lines

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready and deterministic (no timestamps, no paths)."""
        return {
            "mode": self.mode,
            "python_settings": self.python_settings,
            "r_settings": self.r_settings,
            "k_values": list(self.k_values),
            "rows": [row.to_dict() for row in self.rows],
            "differing_k": list(self.differing_k),
            "python_knee": self.python_knee,
            "r_knee": self.r_knee,
            "best_silhouette_k": dict(self.best_silhouette_k),
            "silhouette_check_max_abs_diff": self.silhouette_check,
            "summary": self.summary(),
            "warnings": list(self.warnings),
        }


def settings_text(mode: str, starts: int) -> tuple[str, str]:
    """The Python and R code that ``mode`` runs, as shown in tables and reports."""
    if mode == "course":
        return (
            f"for k in K: KMeans(n_clusters=k, init='k-means++', n_init={PYTHON_ELBOW_STARTS}, "
            f"random_state={PYTHON_ELBOW_SEED})",
            f"set.seed({R_ELBOW_SEED}); for (k in K) kmeans(X, k)  # one start per k",
        )
    return (
        f"for k in K: KMeans(n_clusters=k, init='k-means++', n_init={starts}, "
        f"random_state={PYTHON_ELBOW_SEED})",
        f"for (k in K) {{ set.seed({R_ELBOW_SEED}); kmeans(X, k, iter.max = {MAX_ITER}, "
        f"nstart = {starts}) }}",
    )


def _check_arguments(X: NDArray[np.float64], k_values: Sequence[int], mode: str,
                     starts: int) -> None:
    import numpy as np

    if mode not in MODES:
        raise InputError(f"mode {mode!r} is not one of {', '.join(MODES)}")
    if not k_values:
        raise InputError("no k values to try: give at least one k >= 1")
    if min(k_values) < 1:
        raise InputError(f"k = {min(k_values)} is not allowed: every k must be >= 1")
    if len(set(k_values)) != len(k_values):
        raise InputError(f"k values {list(k_values)} repeat a value")
    if starts < 1:
        raise InputError(f"starts = {starts} is not allowed: it must be >= 1")
    distinct = np.unique(X, axis=0).shape[0]
    if max(k_values) > distinct:
        raise InputError(
            f"k = {max(k_values)} is more than the {distinct} distinct points in the data: "
            f"use k values <= {distinct}"
        )


def r_elbow(X: NDArray[np.float64], k_values: Sequence[int], mode: str,
            starts: int) -> tuple[NDArray[np.float64], NDArray[np.int64], tuple[str, ...]]:
    """WCSS and 0-based labels of R's elbow, computed by ``r_reference/elbow.R``.

    Returns
    -------
    wcss : ndarray of shape (len(k_values),)
    labels : ndarray of shape (n_samples, len(k_values)), dtype int64
    warnings : tuple of str
    """
    import numpy as np

    from pyseg._rbridge import r_call

    X = np.asarray(X, dtype=np.float64)
    if mode == "course":
        # The course seeds once and loops from k = 1, so each k's random draw depends on the k
        # before it: run the whole loop up to the largest k and pick the requested ones.
        value, warnings = r_call("elbow.R", "course_elbow", X, max(k_values), R_ELBOW_SEED)
        columns = [k - 1 for k in k_values]
    else:
        value, warnings = r_call("elbow.R", "matched_elbow", X,
                                 np.asarray(k_values, dtype=np.int64), R_ELBOW_SEED, starts,
                                 MAX_ITER)
        columns = list(range(len(k_values)))
    wcss = np.asarray(value["wcss"], dtype=np.float64)[columns]
    clusters = np.asarray(value["clusters"], dtype=np.int64).reshape(X.shape[0], -1)
    return wcss, clusters[:, columns] - 1, warnings


def find_knee(k_values: Sequence[int], wcss: Sequence[float]) -> int | None:
    """Knee of a decreasing, convex WCSS curve by :class:`kneed.KneeLocator`, or ``None``."""
    import warnings

    if len(k_values) < 3:
        return None
    from kneed import KneeLocator

    order = sorted(range(len(k_values)), key=lambda i: k_values[i])
    with warnings.catch_warnings():
        # kneed warns "No knee/elbow found" and returns None, which is the answer we report.
        warnings.simplefilter("ignore")
        locator = KneeLocator([k_values[i] for i in order], [wcss[i] for i in order],
                              curve="convex", direction="decreasing")
    return None if locator.knee is None else int(locator.knee)


def _difference_reason(mode: str, starts: int, python_wcss: float, r_wcss: float,
                       accuracy: float) -> tuple[str, str]:
    """Which side has the lower WCSS, and the plain reason."""
    rel = abs(python_wcss - r_wcss) / max(python_wcss, r_wcss, 1e-300)
    if rel <= WCSS_RELATIVE_TOLERANCE:
        if accuracy < 1.0:
            return "same", (
                f"same WCSS but {accuracy:.1%} of rows in the same segment: two equally good "
                f"partitions (points tied between centers)"
            )
        return "same", ""
    lower, higher = ("python", "r") if python_wcss < r_wcss else ("r", "python")
    worse = max(python_wcss, r_wcss)
    better = min(python_wcss, r_wcss)
    amount = f"WCSS {worse:.1f} against {better:.1f} ({worse / better - 1:+.2%})"
    if mode == "course" and higher == "r":
        why = (
            "R's course elbow tries a single random start per k (kmeans' default nstart = 1 after "
            "one set.seed(6)) and that start stopped in a local optimum; Python keeps the best of "
            f"{PYTHON_ELBOW_STARTS} k-means++ starts"
        )
    elif mode == "course":
        why = (
            f"Python's best of {PYTHON_ELBOW_STARTS} k-means++ starts stopped in a local optimum "
            "that R's single random start happened to avoid"
        )
    else:
        starts_text = ("different random starts (k-means++ with random_state=42 against random "
                       "rows after set.seed(6))")
        if higher == "python":
            why = (
                f"none of Python's {starts} starts reached the better local optimum R found: R's "
                "default Hartigan-Wong algorithm also moves single points between clusters, which "
                "escapes local optima where scikit-learn's Lloyd iterations stop, and the two "
                f"languages draw {starts_text}"
            )
        else:
            why = (
                f"none of R's {starts} starts reached the better local optimum Python found; the "
                f"two languages draw {starts_text}, and more starts make this rarer"
            )
    return lower, f"{amount}: {why}."


def elbow(
    dataset: Dataset,
    k_values: Iterable[int] = range(1, 11),
    mode: str = "course",
    starts: int = 10,
    progress: bool = False,
    r_results: RecordedREngine | None = None,
) -> ElbowResult:
    """Run the elbow method in Python and in R and compare them k by k.

    Parameters
    ----------
    dataset : Dataset
        Data from :func:`pyseg.load_dataset`; its ``X`` (n_samples, n_features) is clustered.
    k_values : iterable of int, default=range(1, 11)
        Numbers of clusters to try (each >= 1, at most the number of distinct points).
    mode : {"course", "matched"}, default="course"
        ``"course"`` runs each language's course code as written; ``"matched"`` gives both sides
        ``starts`` starts per k.
    starts : int, default=10
        Starts per k in matched mode (ignored in course mode, which uses the course's 10 and 1).
    progress : bool, default=False
        Show a progress bar on stderr (see :func:`pyseg._progress.progress_wanted`).
    r_results : RecordedREngine, optional
        Take R's side from results recorded by ``pyseg record-r`` instead of running R.

    Returns
    -------
    ElbowResult

    Raises
    ------
    InputError
        Bad mode, k values or starts.
    RUnavailableError
        R, rpy2 or R's ``cluster`` package is missing.
    """
    import numpy as np

    from pyseg._align import agreement
    from pyseg._engines import CourseSettings, SklearnEngine
    from pyseg._progress import progress_bar
    from pyseg._silhouette import (
        Silhouette,
        require_r_cluster,
        silhouette_python,
        silhouette_r,
    )

    X = np.asarray(dataset.X, dtype=np.float64)
    ks = sorted(int(k) for k in k_values)
    _check_arguments(X, ks, mode, starts)
    python_starts = PYTHON_ELBOW_STARTS if mode == "course" else starts
    settings = CourseSettings(seed=PYTHON_ELBOW_SEED, n_starts=python_starts, max_iter=MAX_ITER)
    recorded = None
    if r_results is None:
        require_r_cluster()  # fail before the long part, with the fix
    else:
        recorded = r_results.elbow(X, ks, mode, starts)

    bar = progress_bar(total=4 * len(ks) + 1, description=f"elbow ({mode})", enabled=progress)
    try:
        python_fits = {}
        for k in ks:
            bar.set_description_str(f"elbow: Python k={k}")
            python_fits[k] = SklearnEngine().fit(X, k, settings)
            bar.update()
        bar.set_description_str("elbow: R")
        if recorded is None:
            r_wcss, r_clusters, r_warnings = r_elbow(X, ks, mode, starts)
        else:
            r_wcss, r_clusters, r_warnings = recorded["wcss"], recorded["labels"], ()
        bar.update()
        rows, python_labels, r_labels = [], {}, {}
        check = None
        for index, k in enumerate(ks):
            bar.set_description_str(f"elbow: silhouettes k={k}")
            fit = python_fits[k]
            r_k_labels = r_clusters[:, index]
            both = agreement(fit.labels, r_k_labels, n_a=k, n_b=k)
            python_sil = silhouette_python(X, fit.labels)
            bar.update()
            if recorded is None:
                r_sil = silhouette_r(X, r_k_labels)
            else:
                widths = recorded["silhouette_widths"][index]
                r_sil = None if widths is None else Silhouette(widths, float(widths.mean()))
            same_labels_sil = silhouette_python(X, r_k_labels)
            bar.update()
            if r_sil is not None and same_labels_sil is not None:
                gap = float(np.max(np.abs(r_sil.widths - same_labels_sil.widths)))
                check = gap if check is None else max(check, gap)
            lower, reason = _difference_reason(mode, starts, fit.wcss, float(r_wcss[index]),
                                               both.accuracy)
            rows.append(ElbowRow(
                k=k,
                python_wcss=fit.wcss,
                r_wcss=float(r_wcss[index]),
                wcss_rel_diff=abs(fit.wcss - float(r_wcss[index]))
                / max(fit.wcss, float(r_wcss[index]), 1e-300),
                accuracy=both.accuracy,
                ari=both.ari,
                python_silhouette=None if python_sil is None else python_sil.mean,
                r_silhouette=None if r_sil is None else r_sil.mean,
                lower=lower,
                reason=reason,
            ))
            python_labels[k] = fit.labels
            r_labels[k] = both.alignment.relabel(r_k_labels)
            bar.update()
    finally:
        bar.close()

    python_settings, r_settings = settings_text(mode, starts)
    warnings = [w for fit in python_fits.values() for w in fit.warnings] + list(r_warnings)
    return ElbowResult(
        mode=mode,
        rows=tuple(rows),
        python_settings=python_settings,
        r_settings=r_settings,
        python_knee=find_knee(ks, [row.python_wcss for row in rows]),
        r_knee=find_knee(ks, [row.r_wcss for row in rows]),
        best_silhouette_k={
            "python": _best_silhouette(rows, "python_silhouette"),
            "r": _best_silhouette(rows, "r_silhouette"),
        },
        silhouette_check=check,
        python_labels=python_labels,
        r_labels=r_labels,
        warnings=tuple(dict.fromkeys(warnings)),
    )


def _best_silhouette(rows: Sequence[ElbowRow], attribute: str) -> int | None:
    scored = [(getattr(row, attribute), row.k) for row in rows
              if getattr(row, attribute) is not None]
    # Highest mean width; on a tie the smaller k (the simpler segmentation).
    return max(scored, key=lambda item: (item[0], -item[1]))[1] if scored else None
